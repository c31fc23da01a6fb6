package archive

import (
	"bytes"
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
	blocks   []block
	pictures []picture
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
// a line break. Content already in blocks (Gutenberg's, Ghost's) passes
// through as it is.
func autop(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if !strings.Contains(s, "\n\n") {
		if blockTag.MatchString(s) {
			return s
		}
		return "<p>" + strings.ReplaceAll(strings.TrimSpace(s), "\n", "<br>\n") + "</p>"
	}
	var b strings.Builder
	for _, chunk := range regexp.MustCompile(`\n\s*\n`).Split(s, -1) {
		chunk = strings.TrimSpace(chunk)
		switch {
		case chunk == "":
		case blockTag.MatchString(chunk):
			b.WriteString(chunk)
		default:
			b.WriteString("<p>" + strings.ReplaceAll(chunk, "\n", "<br>\n") + "</p>")
		}
		b.WriteString("\n")
	}
	return b.String()
}

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
	md *htmltomarkdown.Converter
}

// convert takes a post's HTML apart. shortcodes tells WordPress content,
// whose [shortcodes] are expanded or named, from Ghost's.
func (c *converter) convert(src string, wp *shortcodes) (content, error) {
	var out content
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
	text := strings.TrimSpace(markerPattern.ReplaceAllString(textOf(holder), ""))
	strong := text != "" && strings.TrimSpace(markerPattern.ReplaceAllString(textOutside(holder, atom.Strong, atom.B), "")) == ""
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
	md = strings.TrimSpace(restoreComments(md, out.leftOut))
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
	case atom.Img:
		pic := picture{src: attr(n, "src"), alt: strings.TrimSpace(attr(n, "alt"))}
		if id, ok := attachmentClass(attr(n, "class")); ok {
			pic.id = id
		}
		if fig := enclosing(n, atom.Figure); fig != nil {
			pic.caption = figcaption(fig)
		}
		out.pictures = append(out.pictures, pic)
		remove(n)
	case atom.Figure, atom.A, atom.Div, atom.Li, atom.P, atom.Span:
		// A figure, link or wrapper left with nothing once its picture is
		// out goes too, so no empty link or stray caption is left.
		if strings.TrimSpace(textOf(n)) == "" && !hasMarker(n) {
			remove(n)
			return
		}
		if n.DataAtom == atom.Figure && strings.TrimSpace(textOutside(n, atom.Figcaption)) == "" && !hasMarker(n) {
			remove(n) // only its caption is left: the photo carries it
		}
	}
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

// markerPrefix starts the text of a placeholder for a comment, so the
// Markdown converter, which drops comments, carries it through as text:
// letters and digits only, which it leaves as they are.
const markerPrefix = "GALLEYLEFTOUT"

// placeholder is the text the ith left-out thing is carried through the
// Markdown converter as; restoreComments turns it into its comment.
func placeholder(i int) string { return markerPrefix + strconv.Itoa(i) + "Z" }

var markerPattern = regexp.MustCompile(markerPrefix + `(\d+)Z`)

// restoreComments turns placeholders into HTML comments naming what was
// left out. A comment holds no "--", so nothing in a note can end it.
func restoreComments(md string, notes []string) string {
	return markerPattern.ReplaceAllStringFunc(md, func(m string) string {
		i, err := strconv.Atoi(markerPattern.FindStringSubmatch(m)[1])
		if err != nil || i >= len(notes) {
			return ""
		}
		return "<!-- " + commentSafe(notes[i]) + " -->"
	})
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

// leaveOut records a note of what is left out and returns its
// placeholder.
func (out *content) leaveOut(note string) string {
	out.leftOut = append(out.leftOut, note)
	return placeholder(len(out.leftOut) - 1)
}

func hasMarker(n *html.Node) bool { return strings.Contains(textOf(n), markerPrefix) }

// replace puts a text node with text in n's place.
func replace(n *html.Node, text string) {
	if n.Parent == nil {
		return
	}
	n.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: text}, n)
	n.Parent.RemoveChild(n)
}

func remove(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
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
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
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
