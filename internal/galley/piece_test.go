package galley

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSlugify(t *testing.T) {
	cases := map[string]string{
		"Café in Kyiv":                         "cafe-in-kyiv",
		"Q&A: What Comes After the Ceasefire?": "qa-what-comes-after-the-ceasefire",
		"Conflict Analysis & Prevention":       "conflict-analysis-and-prevention",
		"../../etc/passwd":                     "etc-passwd",
		"北京":                                   "bei-jing",
		"   ":                                  "piece",
		"snake_case__title":                    "snake-case-title",
		"Ümlaut Straße":                        "umlaut-strasse",
	}
	for in, want := range cases {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
		if err := CheckSlug(Slugify(in)); err != nil {
			t.Errorf("Slugify(%q) gave an invalid slug: %v", in, err)
		}
	}
	long := strings.Repeat("word ", 60)
	if got := Slugify(long); len(got) > MaxSlug || strings.HasSuffix(got, "-") || strings.HasSuffix(got, "wor") {
		t.Errorf("Slugify(long) = %q: want at most %d characters, cut between words", got, MaxSlug)
	}
}

func TestCheckSlugRefusesUnsafeSlugs(t *testing.T) {
	for _, s := range []string{"", "../x", "a/b", "Upper", "two--hyphens", "-lead", "trail-", "with space", "caf\u00e9", strings.Repeat("a", MaxSlug+1)} {
		err := CheckSlug(s)
		if ErrorCode(err) != EInvalid {
			t.Errorf("CheckSlug(%q) = %v, want an invalid error", s, err)
		}
	}
}

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2018-07-17")
	if err != nil || d != (Date{2018, 7, 17}) || d.String() != "2018-07-17" {
		t.Fatalf("ParseDate = %v, %v", d, err)
	}
	if d.Time().Weekday().String() != "Tuesday" {
		t.Errorf("2018-07-17 should be a Tuesday, got %v", d.Time().Weekday())
	}
	for _, bad := range []string{"2023-02-30", "17/07/2018", "2018-7-17", "yesterday"} {
		if _, err := ParseDate(bad); ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseDate(%q) = %v, want an invalid error naming the input", bad, err)
		}
	}
	if z, err := ParseDate(""); err != nil || !z.IsZero() || z.String() != "" {
		t.Errorf("ParseDate(\"\") = %v, %v; want the zero date", z, err)
	}
	if !(Date{2018, 7, 16}).Before(Date{2018, 7, 17}) || (Date{2019, 1, 1}).Before(Date{2018, 12, 31}) {
		t.Error("Before orders days wrongly")
	}
}

func TestValidate(t *testing.T) {
	ok := func() *Piece {
		return &Piece{
			Title:        "After the Summit",
			Status:       StatusDraft,
			Contributors: []Contributor{{Name: "Ada Quill", Role: "senior fellow"}},
			Topics:       []string{"Diplomacy", "Europe"},
			QA:           []QA{{Question: "Why now?", Answer: "Because."}},
			Photos:       []Photo{{Image: Image{Hash: "abc"}, Lead: true}, {Image: Image{Hash: "def"}}},
			Related:      []PieceRef{{Slug: "other"}},
		}
	}
	if err := ok().Validate(); err != nil {
		t.Fatalf("valid piece refused: %v", err)
	}
	cases := []struct {
		name   string
		change func(p *Piece)
		want   string
	}{
		{"no title", func(p *Piece) { p.Title = "  " }, "needs a title"},
		{"bad status", func(p *Piece) { p.Status = "archived" }, `"archived" is not a status`},
		{"bad slug", func(p *Piece) { p.Slug = "../../x" }, "not URL-safe"},
		{"two leads", func(p *Piece) { p.Photos[1].Lead = true }, "Only one photo can be the lead"},
		{"duplicate topic", func(p *Piece) { p.Topics = append(p.Topics, "diplomacy") }, "listed twice"},
		{"blank topic", func(p *Piece) { p.Topics = append(p.Topics, " ") }, "Topic 3 is blank"},
		{"duplicate contributor", func(p *Piece) { p.Contributors = append(p.Contributors, Contributor{Name: "ada quill"}) }, "listed twice"},
		{"nameless contributor", func(p *Piece) { p.Contributors[0].Name = "" }, "Contributor 1 has no name"},
		{"multi-line title", func(p *Piece) { p.Title = "one\ntwo" }, "one line"},
		{"NUL in answer", func(p *Piece) { p.QA[0].Answer = "a\x00b" }, "control character"},
		{"invalid UTF-8", func(p *Piece) { p.Summary = "\xff\xfe" }, "not valid UTF-8"},
		{"photo without image", func(p *Piece) { p.Photos[0].Image.Hash = "" }, "Photo 1 has no image"},
		{"same photo twice", func(p *Piece) { p.Photos[0].ID, p.Photos[1].ID = 7, 7 }, "Photo 2 appears twice"},
		{"self-related", func(p *Piece) { p.Slug = "other" }, "related to itself"},
		{"related twice", func(p *Piece) { p.Related = append(p.Related, PieceRef{Slug: "other"}) }, "listed twice"},
	}
	for _, c := range cases {
		p := ok()
		c.change(p)
		err := p.Validate()
		if ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate() = %v, want an invalid error containing %q", c.name, err, c.want)
		}
	}
}

func TestParseStatus(t *testing.T) {
	if s, err := ParseStatus(""); err != nil || s != StatusDraft {
		t.Errorf("empty status = %q, %v; want draft", s, err)
	}
	for _, st := range Statuses {
		if s, err := ParseStatus(string(st)); err != nil || s != st {
			t.Errorf("ParseStatus(%q) = %q, %v", st, s, err)
		}
	}
	if _, err := ParseStatus("Published"); ErrorCode(err) != EInvalid {
		t.Errorf("status names are exact; got %v", err)
	}
}

// TestLongTitleCountsCharacters: the title's limit is in characters, as
// editors count them; a title of accented letters is not refused at half
// the length, and the error names characters.
func TestLongTitleCountsCharacters(t *testing.T) {
	p := &Piece{Title: strings.Repeat("é", MaxTitle)} // 1,000 bytes
	if err := p.Validate(); err != nil {
		t.Errorf("a title of %d characters is refused: %v", MaxTitle, err)
	}
	p.Title = strings.Repeat("—", MaxTitle+1)
	err := p.Validate()
	if msg := ErrorMessage(err); !strings.Contains(msg, "501 characters") || !strings.Contains(msg, "limit is 500") {
		t.Errorf("a title of 501 characters: %v", err)
	}
}

// TestDescriptionIsCutBetweenWords: a long summary makes a description of
// at most 160 characters ending in whole words and an ellipsis; a short
// one is kept whole, on one line.
func TestDescriptionIsCutBetweenWords(t *testing.T) {
	long := "When Westmark and Norland signed the Arlen River accord, few expected it to outlast three changes of government on each side. " +
		"Senior fellow Mara Ellison looks at why the agreement held."
	d := (&Piece{Summary: long}).Description()
	if n := utf8.RuneCountInString(d); n > MaxDescription || n < MaxDescription-30 {
		t.Errorf("the description is %d characters: %q", n, d)
	}
	if !strings.HasSuffix(d, "…") || !strings.HasPrefix(long, strings.TrimSuffix(d, "…")) || long[len(d)-len("…")] != ' ' {
		t.Errorf("the description is not cut between words: %q", d)
	}
	if got := (&Piece{Summary: "A short\nintro.  "}).Description(); got != "A short intro." {
		t.Errorf("a short summary gives %q", got)
	}
	accented := strings.Repeat("é ", 100)
	if n := utf8.RuneCountInString((&Piece{Summary: accented}).Description()); n > MaxDescription {
		t.Errorf("a summary of accented letters gives %d characters", n)
	}
}
