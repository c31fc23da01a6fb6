package export

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"app.galley/galley/internal/galley"
)

// markdown renders the Markdown fields an editor writes (body, answers).
// Raw HTML is left out (goldmark's default), and every link and image
// whose address is not web, mail, phone or relative is unwrapped to its
// text, so nothing typed can run script on the published page.
type markdown struct {
	md goldmark.Markdown
}

// newMarkdown returns a renderer whose headings start at level top, so a
// "# Heading" in a body never competes with the page's single h1.
func newMarkdown(top int) *markdown {
	return &markdown{md: goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough),
		goldmark.WithParserOptions(parser.WithASTTransformers(
			util.Prioritized(&safeTree{top: top}, 100),
		)),
	)}
}

// Render returns the HTML of src.
func (m *markdown) Render(src string) (template.HTML, error) {
	out, _, err := m.RenderDropping(src)
	return out, err
}

// droppedKey is where a conversion collects the raw HTML it left out.
var droppedKey = parser.NewContextKey()

// RenderDropping returns the HTML of src and the raw HTML it left out
// (an iframe embed, a <sup>), each as written, so the editor is told
// rather than finding a silent gap on the page.
func (m *markdown) RenderDropping(src string) (template.HTML, []string, error) {
	if strings.TrimSpace(src) == "" {
		return "", nil, nil
	}
	var b bytes.Buffer
	pc := parser.NewContext()
	if err := m.md.Convert([]byte(src), &b, parser.WithContext(pc)); err != nil {
		return "", nil, err
	}
	dropped, _ := pc.Get(droppedKey).([]string)
	// goldmark's HTML renderer, with raw HTML taken out of the tree below,
	// writes only escaped text and its own tags.
	return template.HTML(strings.TrimSpace(b.String())), dropped, nil
}

// safeTree renumbers headings and unwraps links with unsafe addresses.
//
// Headings are renumbered so the page outline holds: the levels an editor
// used, in order, become top, top+1, ... So "## A" then "#### B" in a body
// become h2 and h3, never an h1 beside the title or a skipped level.
type safeTree struct {
	top int
}

func (t *safeTree) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var used [7]bool
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			used[h.Level] = true
		}
		return ast.WalkContinue, nil
	})
	var level [7]int
	next := t.top
	for l := 1; l <= 6; l++ {
		if used[l] {
			level[l] = min(next, 6)
			next++
		}
	}
	var unwrap, raw []ast.Node
	var dropped []string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = level[n.Level]
		case *ast.Link:
			if !SafeURL(string(n.Destination)) {
				unwrap = append(unwrap, n)
			}
		case *ast.Image:
			if !SafeURL(string(n.Destination)) {
				unwrap = append(unwrap, n)
			}
		case *ast.AutoLink:
			if !SafeURL(string(n.URL(reader.Source()))) {
				unwrap = append(unwrap, n)
			}
		case *ast.RawHTML:
			raw = append(raw, n)
			var w strings.Builder
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				w.Write(seg.Value(reader.Source()))
			}
			dropped = append(dropped, w.String())
		case *ast.HTMLBlock:
			raw = append(raw, n)
			var w strings.Builder
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				w.Write(seg.Value(reader.Source()))
			}
			dropped = append(dropped, strings.TrimSpace(w.String()))
		}
		return ast.WalkContinue, nil
	})
	// Raw HTML never reaches the page (it could carry script); it is taken
	// out here rather than left to the renderer's "raw HTML omitted"
	// comment, and named for the editor.
	for i, n := range raw {
		if strings.HasPrefix(strings.ToLower(dropped[i]), "<br") {
			// A line break parted two words: they stay apart.
			br := ast.NewText()
			br.SetSoftLineBreak(true)
			n.Parent().ReplaceChild(n.Parent(), n, br)
			continue
		}
		n.Parent().RemoveChild(n.Parent(), n)
	}
	if len(dropped) > 0 {
		prev, _ := pc.Get(droppedKey).([]string)
		pc.Set(droppedKey, append(prev, dropped...))
	}
	for _, n := range unwrap {
		parent := n.Parent()
		if _, ok := n.(*ast.AutoLink); ok {
			txt := ast.NewString(n.(*ast.AutoLink).Label(reader.Source()))
			parent.ReplaceChild(parent, n, txt)
			continue
		}
		// Keep the words of the link (or the alt text of the image).
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

// SafeURL reports whether an address may appear in a published link:
// http, https, mailto and tel addresses, and addresses without a scheme
// (relative paths, #fragments). Browsers decode character references in
// attributes ("&#106;avascript:") and ignore tabs, newlines and leading
// spaces in a scheme ("java\tscript:"), so the address is looked at as a
// browser would.
func SafeURL(u string) bool {
	clean := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, html.UnescapeString(u))
	scheme, _, found := strings.Cut(clean, ":")
	if !found || strings.ContainsAny(scheme, "/?#") {
		return true // no scheme: relative
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "mailto", "tel":
		return true
	}
	return false
}

// RawHTMLProblems lists, as pre-publish checks, the raw HTML in p's body
// and answers that the export leaves out of the page.
func RawHTMLProblems(p *galley.Piece) []galley.Problem {
	var out []galley.Problem
	say := func(part, where string, src string, m *markdown) {
		_, dropped, err := m.RenderDropping(src)
		if err != nil {
			return
		}
		for _, d := range dropped {
			if len([]rune(d)) > 40 {
				d = string([]rune(d)[:37]) + "…"
			}
			out = append(out, galley.Problem{Part: part, Message: fmt.Sprintf("%s holds raw HTML the published page leaves out: %s. Write it in Markdown.", where, d)})
		}
	}
	body, answer := checkRenderers()
	say(galley.PartStory, "The body", p.Body, body)
	for i, qa := range p.QA {
		say(galley.PartQA, fmt.Sprintf("Answer %d", i+1), qa.Answer, answer)
	}
	return out
}

// checkRenderers are the body's and answers' renderers of the checks,
// made once: a renderer holds no state of its own between conversions.
var checkRenderers = sync.OnceValues(func() (*markdown, *markdown) { return newMarkdown(2), newMarkdown(3) })
