package export

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// markdownAttrs lists, for every element the Markdown renderer may write,
// the attributes it may carry. Anything else in the output (a <script>,
// an <iframe>, an onerror=, a style= beyond table alignment) came from
// the editor's text and could run or restyle on the published page.
var markdownAttrs = map[string][]string{
	"p": nil, "h1": nil, "h2": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"blockquote": nil, "pre": nil, "code": {"class"}, "ul": nil, "ol": {"start"}, "li": nil,
	"hr": nil, "br": nil, "em": nil, "strong": nil, "del": nil,
	"a": {"href", "title"}, "img": {"src", "alt", "title"},
	"table": nil, "thead": nil, "tbody": nil, "tr": nil, "th": {"style", "align"}, "td": {"style", "align"},
}

var (
	browserScheme = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9+.\-]*):`)
	tableAlign    = regexp.MustCompile(`^(text-align:)?(left|right|center)$`)
)

// FuzzMarkdown checks that any Markdown an editor types renders without
// error into HTML that, parsed as a browser parses it (character references
// decoded), holds only the elements and attributes Markdown makes: no
// <script> or other raw HTML, no on* handler, no link or image whose
// address a browser would read as anything but http, https, mailto, tel or
// relative; and that headings start at the renderer's top level. It also
// checks SafeURL against the same browser reading of the address.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# Heading", "###### Deep", "## A\n\n#### B\n\n## C", "Setext\n===\n\nTwo\n---",
		"<script>alert(1)</script>", "Hi <img src=x onerror=alert(1)>",
		"[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))", "[click](&#106;avascript:alert(1))",
		"[click](&amp;#106;avascript:alert(1))", "[click](<java\tscript:alert(1)>)", "[click](vbscript:msgbox)",
		"[ok](https://example.org/a?b=c&d=e \"title\") [rel](../x) [frag](#top) [mail](mailto:a@b.c) [tel](tel:+1)",
		"<javascript:alert(1)>", "<https://example.org>", "![img](javascript:alert(1))", "![alt](x\" onerror=\"alert(1))",
		"[ref]\n\n[ref]: javascript:alert(1) \"t\"", "[a]: <data:text/html,<script>alert(1)</script>>\n\n[a]",
		"```html\n<script>alert(1)</script>\n```", "```\" onmouseover=\"alert(1)\n```", "`<b>code</b>`",
		"| a | b |\n|:--|--:|\n| <i>x</i> | [y](javascript:z) |", "~~gone~~ *em* **strong** ***both***",
		"> quote\n> > nested <svg onload=alert(1)>", "1. one\n2. two\n\n7) seven", "- [ ] task\n- [x] done",
		"<!-- comment --><style>body{display:none}</style>", "<form action=\"javascript:x\"><button formaction=x>go</button></form>",
		"[x](\x00javascript:alert(1)) [y](\u00a0javascript:alert(1)) [z](java&#x09;script:alert(1))",
		"line  \nbreak\\\nhard", "\\<script\\>", "&lt;script&gt; &#60;script&#62;", "*[nested [link](javascript:x)](y)*",
	} {
		f.Add(s, uint8(2))
	}
	// Every Markdown field of the hostile bundle the HTML checks publish.
	if data, err := os.ReadFile(filepath.Join("testdata", "hostile", "pieces.json")); err == nil {
		var bundle struct {
			Pieces []struct {
				Summary, Body string
				QA            []struct{ Question, Answer string }
			}
		}
		if err := json.Unmarshal(data, &bundle); err != nil {
			f.Fatal(err)
		}
		for _, p := range bundle.Pieces {
			f.Add(p.Body, uint8(2))
			f.Add(p.Summary, uint8(3))
			for _, qa := range p.QA {
				f.Add(qa.Question, uint8(3))
				f.Add(qa.Answer, uint8(3))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src string, level uint8) {
		top := 1 + int(level%6)
		out, err := newMarkdown(top).Render(src)
		if err != nil {
			t.Fatalf("Render(%q) failed: %v", src, err)
		}
		nodes, err := html.ParseFragment(strings.NewReader(string(out)), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
		if err != nil {
			t.Fatalf("the HTML of %q does not parse: %v\n%s", src, err, out)
		}
		var check func(n *html.Node)
		check = func(n *html.Node) {
			if n.Type == html.ElementNode {
				allowed, ok := markdownAttrs[n.Data]
				if !ok || n.Namespace != "" {
					t.Fatalf("Markdown %q made a <%s> element:\n%s", src, n.Data, out)
				}
				if len(n.Data) == 2 && n.Data[0] == 'h' && int(n.Data[1]-'0') < top {
					t.Fatalf("Markdown %q made an <%s> above the top level h%d:\n%s", src, n.Data, top, out)
				}
				for _, a := range n.Attr {
					if a.Namespace != "" || !contains(allowed, a.Key) || strings.HasPrefix(strings.ToLower(a.Key), "on") {
						t.Fatalf("Markdown %q made <%s %s=%q>:\n%s", src, n.Data, a.Key, a.Val, out)
					}
					switch a.Key {
					case "href", "src":
						if !browserSafe(a.Val) {
							t.Fatalf("Markdown %q made <%s %s=%q>, an unsafe address:\n%s", src, n.Data, a.Key, a.Val, out)
						}
					case "style", "align":
						if !tableAlign.MatchString(a.Val) {
							t.Fatalf("Markdown %q made <%s %s=%q>:\n%s", src, n.Data, a.Key, a.Val, out)
						}
					case "class":
						if !strings.HasPrefix(a.Val, "language-") {
							t.Fatalf("Markdown %q made <%s class=%q>:\n%s", src, n.Data, a.Val, out)
						}
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				check(c)
			}
		}
		for _, n := range nodes {
			check(n)
		}
		if lower := strings.ToLower(string(out)); strings.Contains(lower, "<script") || strings.Contains(lower, "<iframe") {
			t.Fatalf("the HTML of %q holds a raw tag:\n%s", src, out)
		}

		// The address as a link destination: what SafeURL lets through, a
		// browser must read as a safe address too.
		if SafeURL(src) && !browserSafe(html.UnescapeString(src)) {
			t.Fatalf("SafeURL(%q) is true, but a browser reads the scheme %q", src, browserScheme.FindString(browserURL(html.UnescapeString(src))))
		}
	})
}

// browserURL returns an address as a browser's URL parser sees it: leading
// and trailing spaces and control characters removed, tabs and newlines
// dropped wherever they are.
func browserURL(u string) string {
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	return strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(u)
}

// browserSafe reports whether a browser reads u (already decoded from the
// HTML) as a relative address or one with a harmless scheme.
func browserSafe(u string) bool {
	m := browserScheme.FindStringSubmatch(browserURL(u))
	if m == nil {
		return true
	}
	switch strings.ToLower(m[1]) {
	case "http", "https", "mailto", "tel":
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
