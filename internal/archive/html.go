package archive

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// picture is an image met in a post's content, to become one of the
// piece's photos.
type picture struct {
	src     string // the address as the content gives it
	alt     string
	caption string // plain text
	id      int64  // the WordPress attachment, when the markup names it
	file    string // its path in the uploads folder, when the media library records it
}

// content is a post's HTML taken apart: its blocks as Markdown, the
// pictures taken out of them, and what could not be kept.
type content struct {
	marks    *markers
	blocks   []block
	pictures []picture // the ith stands in the blocks as marks.picture(i) until placePictures
	// leftOut names, for the import's summary, each thing Markdown cannot
	// hold: it stays in the body as an HTML comment at its place, which
	// the export leaves out and the pre-publish checks name.
	leftOut []string
}

// block is one top-level block of a post: its Markdown, and its text (to
// tell a question by).
type block struct {
	markdown string
	text     string
	strong   bool // all its text is bold
}

// unkept are the elements Markdown has no form for. Each becomes an HTML
// comment naming it, so nothing an author put in a post disappears
// without a word, and nothing of it can run on a Galley page.
var unkept = map[atom.Atom]string{
	atom.Script: "script", atom.Style: "style", atom.Iframe: "iframe",
	atom.Object: "object", atom.Embed: "embed", atom.Video: "video",
	atom.Audio: "audio", atom.Form: "form", atom.Canvas: "canvas",
	atom.Svg: "svg", atom.Noscript: "noscript", atom.Input: "input",
	atom.Textarea: "textarea", atom.Select: "select", atom.Button: "button",
	atom.Math: "math",
}

// blockTags are the elements that start a block of their own; a
// classic-editor post's text outside them is paragraphs parted by blank
// lines, which WordPress turns into <p> only when it shows the post.
var blockTag = regexp.MustCompile(`(?i)^\s*<(p|h[1-6]|ul|ol|dl|blockquote|table|figure|div|pre|hr|section|aside|iframe|script|style|form|!--)[\s>/]`)

// autop does what WordPress's wpautop does to a classic post when it is
// shown: text parted by blank lines becomes paragraphs and a lone newline
// a line break. Content already in blocks (Gutenberg's, whose block
// comments tell WordPress not to run wpautop on it, and Ghost's) passes
// through as it is, and so, as in wpautop, do <pre>, <script>, <style>
// and <textarea>, whose lines and blank lines are their own.
func autop(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if strings.Contains(s, "<!-- wp:") {
		return s
	}
	// Each kept element waits behind a token of its own: NUL cannot be in
	// an XML document's text, so no post holds one.
	var kept []string
	for _, re := range keptWhole {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			kept = append(kept, m)
			return "\x00" + strconv.Itoa(len(kept)-1) + "\x00"
		})
	}
	isBlock := func(chunk string) bool { return blockTag.MatchString(chunk) || strings.HasPrefix(chunk, "\x00") }
	var b strings.Builder
	if !strings.Contains(s, "\n\n") {
		if isBlock(s) {
			b.WriteString(s)
		} else {
			b.WriteString("<p>" + strings.ReplaceAll(strings.TrimSpace(s), "\n", "<br>\n") + "</p>")
		}
	} else {
		for _, chunk := range blankLine.Split(s, -1) {
			chunk = strings.TrimSpace(chunk)
			switch {
			case chunk == "":
			case isBlock(chunk):
				b.WriteString(chunk)
			default:
				b.WriteString("<p>" + strings.ReplaceAll(chunk, "\n", "<br>\n") + "</p>")
			}
			b.WriteString("\n")
		}
	}
	return keptToken.ReplaceAllStringFunc(b.String(), func(t string) string {
		i, _ := strconv.Atoi(strings.Trim(t, "\x00"))
		return kept[i]
	})
}

var (
	blankLine = regexp.MustCompile(`\n\s*\n`)
	keptWhole = []*regexp.Regexp{
		regexp.MustCompile(`(?is)<pre[\s>].*?</pre\s*>`),
		regexp.MustCompile(`(?is)<script[\s>].*?</script\s*>`),
		regexp.MustCompile(`(?is)<style[\s>].*?</style\s*>`),
		regexp.MustCompile(`(?is)<textarea[\s>].*?</textarea\s*>`),
	}
	keptToken = regexp.MustCompile("\x00\\d+\x00")
)

// newMarkdown is the HTML-to-Markdown converter: CommonMark with the two
// extensions Galley's Markdown renders (tables, strike-through).
func newMarkdown() *htmltomarkdown.Converter {
	return htmltomarkdown.NewConverter(htmltomarkdown.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(),
		table.NewTablePlugin(),
		strikethrough.NewStrikethroughPlugin(),
	))
}

// converter turns posts' HTML into Galley's Markdown. One is used for a
// whole import: the Markdown converter is safe to reuse.
type converter struct {
	md    *htmltomarkdown.Converter
	marks *markers
}

func newConverter() converter {
	return converter{md: newMarkdown(), marks: newMarkers()}
}

// convert takes a post's HTML apart. shortcodes tells WordPress content,
// whose [shortcodes] are expanded or named, from Ghost's.
func (c *converter) convert(src string, wp *shortcodes) (content, error) {
	out := content{marks: c.marks}
	if wp != nil {
		src = wp.expand(src, &out)
		src = autop(src)
	}
	nodes, err := html.ParseFragment(strings.NewReader(src), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return out, fmt.Errorf("the content is not readable HTML: %v", err)
	}
	// Top-level inline runs (text and inline elements between blocks)
	// become paragraphs of their own, so every block is one unit.
	var run []*html.Node
	flush := func() error {
		if len(run) == 0 {
			return nil
		}
		p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
		for _, n := range run {
			p.AppendChild(n)
		}
		run = nil
		return c.addBlock(p, &out)
	}
	for _, n := range unwrapUnknown(nodes) {
		switch {
		case n.Type == html.CommentNode:
			// Gutenberg's and Ghost's block markers, and authors' notes
			// that WordPress never showed either.
		case n.Type == html.TextNode || (n.Type == html.ElementNode && isInline(n)):
			run = append(run, n)
		default:
			if err := flush(); err != nil {
				return out, err
			}
			if err := c.addBlock(n, &out); err != nil {
				return out, err
			}
		}
	}
	return out, flush()
}

// unwrapUnknown puts the children of top-level elements HTML does not
// know (Word's <o:p>, a stray "<javascript:…>" that a browser opens as an
// element and never closes) in their place, so the blocks inside them
// stay blocks of their own.
func unwrapUnknown(nodes []*html.Node) []*html.Node {
	var out []*html.Node
	for _, n := range nodes {
		if n.Type != html.ElementNode || n.DataAtom != 0 {
			out = append(out, n)
			continue
		}
		var children []*html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			children = append(children, c)
		}
		for _, c := range children {
			n.RemoveChild(c)
		}
		out = append(out, unwrapUnknown(children)...)
	}
	return out
}

// isInline reports whether a top-level element flows inside a paragraph.
func isInline(n *html.Node) bool {
	switch n.DataAtom {
	case atom.A, atom.Em, atom.I, atom.Strong, atom.B, atom.Span, atom.Code,
		atom.Sub, atom.Sup, atom.Small, atom.Br, atom.Abbr, atom.Cite, atom.Q,
		atom.Mark, atom.S, atom.Del, atom.Ins, atom.U, atom.Time, atom.Img:
		return true
	}
	return false
}

// addBlock converts one top-level block: pictures and unkept elements
// come out first, then the rest becomes Markdown.
func (c *converter) addBlock(n *html.Node, out *content) error {
	// Under a parent of its own, so that the block itself can be taken
	// out or replaced like any element inside it.
	holder := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
	holder.AppendChild(n)
	c.takeOut(n, out)
	// Told after what is left out is out: a question is words.
	text := strings.TrimSpace(c.marks.strip(textOf(holder)))
	strong := text != "" && strings.TrimSpace(c.marks.strip(textOutside(holder, atom.Strong, atom.B))) == ""
	var buf bytes.Buffer
	for child := holder.FirstChild; child != nil; child = child.NextSibling {
		if err := html.Render(&buf, child); err != nil {
			return err
		}
	}
	md, err := c.md.ConvertString(buf.String())
	if err != nil {
		return fmt.Errorf("the content could not be turned into Markdown: %v", err)
	}
	md = strings.TrimSpace(c.marks.restoreComments(md, out.leftOut))
	if md == "" {
		return nil
	}
	out.blocks = append(out.blocks, block{markdown: md, text: text, strong: strong})
	return nil
}

// takeOut removes pictures (into out.pictures) and the elements Markdown
// cannot hold (into comments naming them) from the tree under n.
func (c *converter) takeOut(n *html.Node, out *content) {
	for child := n.FirstChild; child != nil; {
		next := child.NextSibling
		c.takeOut(child, out)
		child = next
	}
	if n.Type == html.CommentNode && n.Parent != nil {
		n.Parent.RemoveChild(n)
		return
	}
	if n.Type != html.ElementNode {
		return
	}
	if what, ok := unkept[n.DataAtom]; ok {
		replace(n, out.leaveOut(what+": "+describeUnkept(n)))
		return
	}
	switch n.DataAtom {
	case atom.Sup:
		raise(n, superscripts)
	case atom.Sub:
		raise(n, subscripts)
	case atom.Img:
		pic := picture{src: attr(n, "src"), alt: strings.TrimSpace(attr(n, "alt"))}
		if id, ok := attachmentClass(attr(n, "class")); ok {
			pic.id = id
		}
		if fig := enclosing(n, atom.Figure); fig != nil {
			pic.caption = figcaption(fig)
		}
		// Its marker keeps its place, for a note there if its file is
		// not found.
		replace(n, out.marks.picture(len(out.pictures)))
		out.pictures = append(out.pictures, pic)
	case atom.Figure, atom.A, atom.Div, atom.Li, atom.P, atom.Span:
		// A figure, link or wrapper left with nothing but its pictures
		// gives way to them, so no empty link or stray caption is left.
		m := c.marks
		if strings.TrimSpace(m.strip(textOf(n))) == "" && !m.hasLeftOut(n) {
			replace(n, m.pictures(textOf(n)))
			return
		}
		if n.DataAtom == atom.Figure && strings.TrimSpace(m.strip(textOutside(n, atom.Figcaption))) == "" && !m.hasLeftOut(n) {
			replace(n, m.pictures(textOf(n))) // only its caption is left: the photo carries it
		}
	}
}

// Markdown has no superscript or subscript, and the converter writes
// their text as it is: a footnote's "claim<sup>2</sup>" would read
// "claim2", "m<sup>3</sup>" "m3". Digits and signs have characters of
// their own that say the same ("claim²", "m³", "H₂O").
var (
	superscripts = strings.NewReplacer("0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴", "5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹", "+", "⁺", "-", "⁻", "−", "⁻", "=", "⁼", "(", "⁽", ")", "⁾")
	subscripts   = strings.NewReplacer("0", "₀", "1", "₁", "2", "₂", "3", "₃", "4", "₄", "5", "₅", "6", "₆", "7", "₇", "8", "₈", "9", "₉", "+", "₊", "-", "₋", "−", "₋", "=", "₌", "(", "₍", ")", "₎")
	scriptable   = regexp.MustCompile(`^[0-9+\-−=()\s]+$`)
)

// raise writes the text under a <sup> or <sub> in the characters of
// script, when it has them all (digits and signs); a link inside stays a
// link. Other text ("1<sup>st</sup>") is left as it is.
func raise(n *html.Node, script *strings.Replacer) {
	text := textOf(n)
	if strings.TrimSpace(text) == "" || !scriptable.MatchString(text) {
		return
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			n.Data = script.Replace(strings.TrimSpace(n.Data))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
}

// describeUnkept is what a comment says of an element left out: its
// address for an embed, its first words for a script.
func describeUnkept(n *html.Node) string {
	for _, key := range []string{"src", "data", "action", "href"} {
		if v := attr(n, key); v != "" {
			return v
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Source {
			if v := attr(c, "src"); v != "" {
				return v
			}
		}
	}
	t := strings.Join(strings.Fields(textOf(n)), " ")
	if r := []rune(t); len(r) > 120 {
		t = string(r[:119]) + "…"
	}
	if t == "" {
		return "(empty)"
	}
	return t
}

// markers are the words that stand, while a post goes through the
// Markdown converter, for what it drops or what is decided later: a
// left-out thing's comment ("…12Z") and a picture ("…3P"). The converter
// carries letters and digits through as they are. The prefix is drawn
// afresh for each import, so no text an author wrote can pass for one.
type markers struct {
	prefix string
	re     *regexp.Regexp // a marker: its number and kind
}

func newMarkers() *markers {
	var b [12]byte
	rand.Read(b[:])
	prefix := []byte("GALLEY")
	for _, c := range b {
		prefix = append(prefix, 'A'+c%26)
	}
	return &markers{prefix: string(prefix), re: regexp.MustCompile(string(prefix) + `(\d+)([ZP])`)}
}

// leftOut is the marker of the ith left-out thing.
func (m *markers) leftOut(i int) string { return m.prefix + strconv.Itoa(i) + "Z" }

// picture is the marker of the ith picture.
func (m *markers) picture(i int) string { return m.prefix + strconv.Itoa(i) + "P" }

// strip is s without its markers.
func (m *markers) strip(s string) string { return m.re.ReplaceAllString(s, "") }

// pictures is the picture markers in s, one after another.
func (m *markers) pictures(s string) string {
	var b strings.Builder
	for _, sub := range m.re.FindAllStringSubmatch(s, -1) {
		if sub[2] == "P" {
			b.WriteString(sub[0])
		}
	}
	return b.String()
}

// hasLeftOut reports whether the text under n holds a left-out thing.
func (m *markers) hasLeftOut(n *html.Node) bool {
	for _, sub := range m.re.FindAllStringSubmatch(textOf(n), -1) {
		if sub[2] == "Z" {
			return true
		}
	}
	return false
}

// restoreComments turns left-out markers into HTML comments naming what
// was left out; picture markers stay for placePictures. A comment holds
// no "--", so nothing in a note can end it.
func (m *markers) restoreComments(md string, notes []string) string {
	return m.replace(md, "Z", func(i int) string {
		if i >= len(notes) {
			return ""
		}
		return "<!-- " + commentSafe(notes[i]) + " -->"
	})
}

// replace replaces the markers of one kind in md by what with gives for
// their number.
func (m *markers) replace(md, kind string, with func(int) string) string {
	return m.re.ReplaceAllStringFunc(md, func(s string) string {
		sub := m.re.FindStringSubmatch(s)
		if sub[2] != kind {
			return s
		}
		i, err := strconv.Atoi(sub[1])
		if err != nil {
			return ""
		}
		return with(i)
	})
}

// placePictures is the blocks with each picture's marker gone: in its
// place, a comment for a picture whose file was not imported (notes[i],
// when there is one), so the editor meets it where the picture stood.
// A block left empty goes.
func (c *content) placePictures(notes map[int]string) []block {
	var out []block
	for _, b := range c.blocks {
		b.markdown = strings.TrimSpace(c.marks.replace(b.markdown, "P", func(i int) string {
			if note, ok := notes[i]; ok {
				return "<!-- " + commentSafe(note) + " -->"
			}
			return ""
		}))
		if b.markdown != "" {
			out = append(out, b)
		}
	}
	return out
}

// commentSafe is s as the inside of an HTML comment.
func commentSafe(s string) string {
	// On one line: a blank line would end the comment's HTML block.
	s = strings.Join(strings.Fields(s), " ")
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "- -")
	}
	return strings.TrimRight(s, "-")
}

// leaveOut records a note of what is left out and returns its marker.
func (out *content) leaveOut(note string) string {
	out.leftOut = append(out.leftOut, note)
	return out.marks.leftOut(len(out.leftOut) - 1)
}

// replace puts a text node with text in n's place (nothing, when text is
// empty).
func replace(n *html.Node, text string) {
	if n.Parent == nil {
		return
	}
	if text != "" {
		n.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: text}, n)
	}
	n.Parent.RemoveChild(n)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

var wpImageClass = regexp.MustCompile(`\bwp-image-(\d+)\b`)

// attachmentClass reads the attachment ID WordPress writes into an
// image's class ("wp-image-42").
func attachmentClass(class string) (int64, bool) {
	m := wpImageClass.FindStringSubmatch(class)
	if m == nil {
		return 0, false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	return id, err == nil
}

func enclosing(n *html.Node, a atom.Atom) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == a {
			return p
		}
	}
	return nil
}

// figcaption is the text of the figure's own caption.
func figcaption(fig *html.Node) string {
	for c := fig.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Figcaption {
			return strings.Join(strings.Fields(textOf(c)), " ")
		}
	}
	return ""
}

// textOf is the text under n.
func textOf(n *html.Node) string { return textOutside(n) }

// textOutside is the text under n that is not inside one of skip.
func textOutside(n *html.Node, skip ...atom.Atom) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for _, a := range skip {
			if n.Type == html.ElementNode && n.DataAtom == a {
				return
			}
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// plainText is an excerpt or caption as text: WordPress and Ghost allow
// HTML in them; Galley's are plain.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.TrimSpace(s)
	}
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(textOf(n))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
