//go:build cgo

package spell

import (
	"testing"
	"unicode/utf8"

	"app.galley/galley/internal/galley"
)

// FuzzWords holds the word finder to what the desk relies on, whatever is
// pasted: words come in order, each the very text at its place, and the
// places of a check are characters of the field that spell the word.
func FuzzWords(f *testing.F) {
	for _, s := range []string{
		"The negociators met.", "e.g. U.S. Ph.D. example.org/x_y", "`code` [text](https://x.y/z) ![alt](a.png)",
		"```\nfenced\n```\n    indented\n<div>raw</div> &amp; <https://auto.link>", "مرحبا (my copy(", "Ünïcödé e\u0301t\u00e9 — “quotes” don’t",
		"a\x00b\xffc", "**bold**_under_~~strike~~", "| a | b |\n|---|---|\n| teh | cat |", "agreed.The end.", "'quoted' ‘single’ O’Neill’s",
	} {
		f.Add(s)
	}
	c := NewChecker(english(f), []string{"Taylor"}, []string{"Ada Quill"})
	f.Fuzz(func(t *testing.T, s string) {
		for _, find := range []func(string, func(token)){plainWords, markdownWords} {
			last := 0
			find(s, func(tk token) {
				if tk.start < last || tk.start >= tk.end || tk.end > len(s) || s[tk.start:tk.end] != tk.word {
					t.Fatalf("token %+v out of place in %q", tk, s)
				}
				if utf8.ValidString(s) && !utf8.ValidString(tk.word) {
					t.Fatalf("token %q cuts a character of %q", tk.word, s)
				}
				last = tk.end
			})
		}
		if !utf8.ValidString(s) {
			return // the desk's fields hold valid text
		}
		p := &galley.Piece{Summary: s, Body: s}
		for _, m := range c.Check(p, nil) {
			for _, pl := range m.Places {
				text := []rune(s)
				if pl.Start < 0 || pl.End > len(text) || string(text[pl.Start:pl.End]) != m.Word {
					t.Fatalf("%q placed at %d–%d of %q", m.Word, pl.Start, pl.End, s)
				}
			}
		}
	})
}
