package galley

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSlugify checks, for any title, that Slugify gives a slug CheckSlug
// accepts (at most MaxSlug bytes; "piece" when nothing is left), that a
// valid slug is its own slug (so re-deriving never renames a piece), that
// no ASCII word of a short title is lost, and that CheckSlug accepts only
// text that needs no escaping in a URL or a file name and otherwise says
// what is wrong with a valid example.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{
		"Café in Kyiv", "Q&A: What Comes After the Ceasefire?", "Conflict Analysis & Prevention",
		"../../etc/passwd", "北京", "   ", "", "snake_case__title", "Ümlaut Straße", "piece",
		strings.Repeat("word ", 60), strings.Repeat("a", MaxSlug+1), strings.Repeat("ab-", 40),
		"-lead", "trail-", "two--hyphens", "Upper", "a/b", "with space", "caf\u00e9", "q & a", "Q\t&\nA",
		"K\u212a", "\xff\xfe", "e\u0301", "\u0000\u001f", "Œuvre № 5 — 50% off @ 3:00 ½", "🙂 emoji 🙂",
		"حوار حول الموانئ", "حِوَارٌ ٣ – ٢٠٢٤", "שיחה על הנמל", "Q&A: حوار", "حوار/../" + strings.Repeat("ميناء ", 30), "\u200fحوار\u200e",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := Slugify(title)
		if err := CheckSlug(s); err != nil {
			t.Fatalf("Slugify(%q) = %q, which CheckSlug refuses: %v", title, s, err)
		}
		if len(s) > MaxSlug {
			t.Fatalf("Slugify(%q) = %q is %d bytes, over %d", title, s, len(s), MaxSlug)
		}
		if again := Slugify(s); again != s {
			t.Fatalf("Slugify is not idempotent: %q gives %q, which gives %q", title, s, again)
		}
		// A cut at MaxSlug leaves more than MaxSlug/2 bytes, so a shorter
		// slug is whole: every ASCII word of the title is in it.
		if len(s) <= MaxSlug/2 {
			for _, w := range asciiWords(title) {
				if !strings.Contains(s, w) {
					t.Fatalf("Slugify(%q) = %q lost the word %q", title, s, w)
				}
			}
		}

		err := CheckSlug(title)
		if err == nil {
			if Slugify(title) != title {
				t.Fatalf("the valid slug %q is changed by Slugify to %q", title, Slugify(title))
			}
			// Only ASCII letters, digits and hyphens need no escaping; the
			// letters of Arabic, Hebrew, Syriac and Thaana are kept, escaped
			// in addresses, and are never a path's separator or dot.
			for _, r := range title {
				if url.PathEscape(string(r)) != string(r) && !ownLetter(r) {
					t.Fatalf("CheckSlug accepts %q, whose %q is not safe in a URL or a file name", title, r)
				}
			}
			if title == "." || title == ".." || strings.ContainsAny(title, `/\.`) || len(title) > MaxSlug {
				t.Fatalf("CheckSlug accepts %q, which is not safe in a URL or a file name", title)
			}
			return
		}
		if ErrorCode(err) != EInvalid {
			t.Fatalf("CheckSlug(%q) = %v: code %q, want %q", title, err, ErrorCode(err), EInvalid)
		}
		if msg := ErrorMessage(err); msg == "" || !strings.HasSuffix(msg, ".") || !utf8.ValidString(msg) {
			t.Fatalf("CheckSlug(%q) gave the message %q; want a valid UTF-8 sentence", title, msg)
		}
	})
}

// asciiWords returns the runs of ASCII letters and digits in s, lowercased.
func asciiWords(s string) []string {
	var words []string
	start := -1
	for i := 0; i <= len(s); i++ {
		alnum := i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9')
		switch {
		case alnum && start < 0:
			start = i
		case !alnum && start >= 0:
			words = append(words, strings.ToLower(s[start:i]))
			start = -1
		}
	}
	return words
}
