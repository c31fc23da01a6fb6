package export

import (
	"strings"
	"testing"
)

func TestMarkdownIsSafe(t *testing.T) {
	m := newMarkdown(2)
	cases := []struct{ in, must, mustNot string }{
		{"# Heading", "<h2>Heading</h2>", "<h1>"},
		{"###### Deep", "<h2>Deep</h2>", "<h6>"},
		{"## A\n\n#### B\n\n## C", "<h2>A</h2>\n<h3>B</h3>\n<h2>C</h2>", "<h4>"},
		{"<script>alert(1)</script>", "", "<script"},
		{"Hi <img src=x onerror=alert(1)>", "Hi", "onerror"},
		{"[click](javascript:alert(1))", "click", "javascript:"},
		{"[click](JaVaScRiPt:alert(1))", "click", "alert"},
		{"[click](&#106;avascript:alert(1))", "click", "avascript"},
		{"[click](<java\tscript:alert(1)>)", "click", "script:"},
		{"[click](vbscript:msgbox)", "click", "vbscript"},
		{"[x](data:text/html;base64,PHNjcmlwdD4=)", "x", "data:"},
		{"<javascript:alert(1)>", "", "href"},
		{"![pic](javascript:alert(1))", "pic", "<img"},
		{"[ok](https://example.org/a?b=1&c=2)", `href="https://example.org/a?b=1&amp;c=2"`, ""},
		{"[rel](../topics/x.html#top)", `href="../topics/x.html#top"`, ""},
		{"[mail](mailto:desk@example.org)", `href="mailto:desk@example.org"`, ""},
		{"**bold** and *it*", "<strong>bold</strong>", ""},
	}
	for _, c := range cases {
		out, err := m.Render(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if c.must != "" && !strings.Contains(string(out), c.must) {
			t.Errorf("%q rendered %q, want %q in it", c.in, out, c.must)
		}
		if c.mustNot != "" && strings.Contains(strings.ToLower(string(out)), strings.ToLower(c.mustNot)) {
			t.Errorf("%q rendered %q, which must not contain %q", c.in, out, c.mustNot)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for u, want := range map[string]bool{
		"https://x.org": true, "http://x": true, "mailto:a@b": true, "tel:+1": true,
		"page.html": true, "../a/b.html": true, "#top": true, "?q=a:b": true, "a/b:c": true,
		"javascript:x": false, " javascript:x": false, "JAVASCRIPT:x": false, "java\nscript:x": false,
		"&#106;avascript:x": false, "&#x6A;avascript:x": false, "data:text/html,x": false, "file:///etc": false, "vbscript:x": false,
	} {
		if got := SafeURL(u); got != want {
			t.Errorf("SafeURL(%q) = %v, want %v", u, got, want)
		}
	}
}
