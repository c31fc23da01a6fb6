package galley

import "testing"

func TestLanguagesAndTheirDirection(t *testing.T) {
	for _, c := range []struct{ in, tag, dir string }{
		{"en-gb", "en-GB", "ltr"},
		{"fr_CA", "fr-CA", "ltr"},
		{"ar", "ar", "rtl"},
		{"ar-EG", "ar-EG", "rtl"},
		{"he", "he", "rtl"},
		{"fa-IR", "fa-IR", "rtl"},
		{"ur", "ur", "rtl"},
		{"az-Arab", "az-Arab", "rtl"},
		{"ku-Latn", "ku-Latn", "ltr"},
		{"ja", "ja", "ltr"},
	} {
		tag, err := ParseLang(c.in)
		if err != nil || tag != c.tag || Direction(tag) != c.dir {
			t.Errorf("%q: %q %v, %s; want %q, %s", c.in, tag, err, Direction(tag), c.tag, c.dir)
		}
	}
	for _, bad := range []string{"", "english please", "x"} {
		if _, err := ParseLang(bad); ErrorCode(err) != EInvalid {
			t.Errorf("%q: %v, want refused", bad, err)
		}
	}
	p := Piece{Title: "Lang", Lang: "not a tag"}
	if err := p.Validate(); ErrorCode(err) != EInvalid {
		t.Errorf("a piece in no language: %v", err)
	}
}
