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
		// Abjads keep their own letters: a transliteration would keep
		// only consonants ("hwr-hwl-lmwny").
		"حوار حول الموانئ":        "حوار-حول-الموانئ",
		"حِوَارٌ عن الميناء ٢٠٢٤": "حوار-عن-الميناء-2024",
		"שיחה על הנמל":            "שיחה-על-הנמל",
		"Q&A: حوار حول الموانئ":   "qa-حوار-حول-الموانئ",
		"گفتگو درباره بندر":       "گفتگو-درباره-بندر", // Persian, in Arabic letters
		// Alphabets transliterate, each letter a letter.
		"Привет мир":     "privet-mir",
		"Καλημέρα κόσμε": "kalemera-kosme",
		"Қазақ тілі":     "kazak-tili",
		"Dana's Notes":   "danas-notes",
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

// TestValidateMessages pins Validate's every refusal word for word, so
// that how the checks are arranged can change without an editor's message
// changing: each case breaks one rule of a valid piece.
func TestValidateMessages(t *testing.T) {
	ok := func() *Piece {
		return &Piece{
			ID:           5,
			Title:        "After the Summit",
			Slug:         "after-the-summit",
			Status:       StatusDraft,
			Contributors: []Contributor{{Name: "Ada Quill", Role: "senior fellow"}},
			Topics:       []string{"Diplomacy", "Europe"},
			QA:           []QA{{Question: "Why now?", Answer: "Because."}},
			Photos:       []Photo{{Image: Image{Hash: "abc"}, Lead: true, Keywords: []string{"summit"}}, {Data: []byte{1}}, {Source: "photos/c.jpg"}},
			Related:      []PieceRef{{Slug: "other"}, {ID: 9}},
		}
	}
	if err := ok().Validate(); err != nil {
		t.Fatalf("valid piece refused: %v", err)
	}
	cases := []struct {
		change func(p *Piece)
		want   string
	}{
		{func(p *Piece) { p.Title = "\t" }, "A piece needs a title."},
		{func(p *Piece) { p.Title = "a\rb" }, "The title must fit on one line."},
		{func(p *Piece) { p.Title = "a\x7fb" }, "The title contains a control character (U+007F)."},
		{func(p *Piece) { p.Slug = "Up" }, `The slug "Up" is not URL-safe: use lowercase letters a–z, digits and single hyphens, for example "up".`},
		{func(p *Piece) { p.Status = "gone" }, `"gone" is not a status; use draft, review, ready or published`},
		{func(p *Piece) { p.Type = "a\nb" }, "The type must fit on one line."},
		{func(p *Piece) { p.Type = strings.Repeat("x", MaxLine+1) }, "The type is too long (2001 bytes; the limit is 2000)."},
		{func(p *Piece) { p.Summary = "\xff" }, "The summary is not valid UTF-8 text."},
		{func(p *Piece) { p.Body = "a\x00" }, "The body contains a control character (U+0000)."},

		{func(p *Piece) { p.Contributors = append(p.Contributors, Contributor{Name: " "}) }, "Contributor 2 has no name."},
		{func(p *Piece) { p.Contributors[0].Name = "Ada\x01" }, "The contributor name contains a control character (U+0001)."},
		{func(p *Piece) { p.Contributors[0].Role = "one\ntwo" }, "The role of Ada Quill must fit on one line."},
		{func(p *Piece) { p.Contributors = append(p.Contributors, Contributor{Name: " ADA QUILL "}) }, "ADA QUILL is listed twice among the contributors."},

		{func(p *Piece) { p.Topics[1] = "" }, "Topic 2 is blank."},
		{func(p *Piece) { p.Topics[0] = "Dip\nlomacy" }, "The topic must fit on one line."},
		{func(p *Piece) { p.Topics = append(p.Topics, " europe") }, `The topic "europe" is listed twice.`},
		// A contributor and a topic may share a name: each list has its own duplicates.
		{func(p *Piece) { p.Topics = append(p.Topics, "Ada Quill") }, ""},

		{func(p *Piece) { p.QA = make([]QA, MaxQA+1) }, "A piece can hold at most 1000 question/answer pairs; this one has 1001."},
		{func(p *Piece) { p.QA = make([]QA, MaxQA) }, ""},
		{func(p *Piece) { p.QA = append(p.QA, QA{Question: "\x02"}) }, "The question 2 contains a control character (U+0002)."},
		{func(p *Piece) { p.QA[0].Answer = "\xc3" }, "The answer 1 is not valid UTF-8 text."},

		{func(p *Piece) { p.Photos = make([]Photo, MaxPhotos+1) }, "A piece can hold at most 500 photos; this one has 501."},
		{func(p *Piece) { p.Photos[0].ID, p.Photos[2].ID = 3, 3 }, "Photo 3 appears twice on the piece; add the image again to use it twice."},
		{func(p *Piece) { p.Photos[1].Data = nil }, "Photo 2 has no image."},
		{func(p *Piece) { p.Photos[0].Alt = "\x03" }, "The alt text of photo 1 contains a control character (U+0003)."},
		{func(p *Piece) { p.Photos[1].Caption = "\xff" }, "The caption of photo 2 is not valid UTF-8 text."},
		{func(p *Piece) { p.Photos[2].Credit = strings.Repeat("x", MaxText+1) }, "The credit of photo 3 is too long (1048577 bytes; the limit is 1048576)."},
		{func(p *Piece) { p.Photos[0].Caption = "two\nlines" }, ""},
		{func(p *Piece) { p.Photos[0].Photographer = "a\nb" }, "The photographer of photo 1 must fit on one line."},
		{func(p *Piece) { p.Photos[0].Copyright = "a\nb" }, "The copyright of photo 1 must fit on one line."},
		{func(p *Piece) { p.Photos[0].DateCreated = "a\nb" }, "The date of photo 1 must fit on one line."},
		{func(p *Piece) { p.Photos[0].City = "a\nb" }, "The city of photo 1 must fit on one line."},
		{func(p *Piece) { p.Photos[0].Country = "a\nb" }, "The country of photo 1 must fit on one line."},
		{func(p *Piece) { p.Photos[1].Keywords = make([]string, MaxKeywords+1) }, "Photo 2 has 101 keywords; at most 100 are kept."},
		{func(p *Piece) { p.Photos[0].Keywords = append(p.Photos[0].Keywords, "a\nb") }, "The keyword of photo 1 must fit on one line."},
		{func(p *Piece) { p.Photos[2].Lead = true }, "Only one photo can be the lead photo; 2 are marked as lead."},
		{func(p *Piece) {
			for i := range p.Photos {
				p.Photos[i].Lead = true
			}
		}, "Only one photo can be the lead photo; 3 are marked as lead."},

		{func(p *Piece) { p.Related = make([]PieceRef, MaxRelated+1) }, "A piece can list at most 200 related publications; this one lists 201."},
		{func(p *Piece) { p.Related = append(p.Related, PieceRef{ID: 5}) }, "A piece cannot be related to itself."},
		{func(p *Piece) { p.Related = append(p.Related, PieceRef{}) }, "A related publication names no piece."},
		{func(p *Piece) { p.Related = append(p.Related, PieceRef{Slug: "after-the-summit"}) }, "A piece cannot be related to itself."},
		// An unsaved piece (ID 0) or one without a slug is not taken for its own relation.
		{func(p *Piece) { p.ID, p.Related = 0, []PieceRef{{Slug: "other"}} }, ""},
		{func(p *Piece) { p.Slug, p.Related = "", []PieceRef{{ID: 9}} }, ""},
		{func(p *Piece) { p.Related = append(p.Related, PieceRef{Slug: "other", Title: "Other"}) }, "“Other” is listed twice among the related publications."},
		{func(p *Piece) { p.Related = append(p.Related, PieceRef{Slug: "other"}) }, "other is listed twice among the related publications."},
		{func(p *Piece) { p.Related = append(p.Related, PieceRef{ID: 9, Slug: "ninth"}) }, "ninth is listed twice among the related publications."},
		{func(p *Piece) { p.Related = append(p.Related, PieceRef{ID: 9}) }, "piece #9 is listed twice among the related publications."},
	}
	for i, c := range cases {
		p := ok()
		c.change(p)
		err := p.Validate()
		if c.want == "" {
			if err != nil {
				t.Errorf("case %d: Validate() = %v, want nil", i, err)
			}
			continue
		}
		if ErrorCode(err) != EInvalid || ErrorMessage(err) != c.want {
			t.Errorf("case %d: Validate() = %v, want an invalid error %q", i, err, c.want)
		}
	}
}

// TestValidateOrder pins which rule Validate reports first when a piece
// breaks several: it gives the first in the order of the piece's parts
// (title, slug, status, type, summary, body, contributors, topics, Q&A,
// photos, related), and within a photo or a related list the order of its
// items. Each step mends the fault just reported and expects the next.
func TestValidateOrder(t *testing.T) {
	p := &Piece{
		ID:           5,
		Title:        " ",
		Slug:         "Bad",
		Status:       "gone",
		Type:         "a\nb",
		Summary:      "\xff",
		Body:         "\x00",
		Contributors: []Contributor{{Name: "Ada", Role: "a\nb"}, {Name: ""}, {Name: "ada"}},
		Topics:       []string{"x\ny", "", "ada"},
		QA:           []QA{{Question: "\x01", Answer: "\x01"}},
		Photos: []Photo{
			{ID: 1, Lead: true, Alt: "\x01", Photographer: "a\nb", Keywords: []string{"a\nb"}},
			{ID: 1, Lead: true},
		},
		Related: []PieceRef{{Slug: "x"}, {Slug: "x"}, {}, {ID: 5}},
	}
	steps := []struct {
		want string
		mend func()
	}{
		{"A piece needs a title.", func() { p.Title = "T" }},
		{`The slug "Bad" is not URL-safe: use lowercase letters a–z, digits and single hyphens, for example "bad".`, func() { p.Slug = "t" }},
		{`"gone" is not a status; use draft, review, ready or published`, func() { p.Status = "" }},
		{"The type must fit on one line.", func() { p.Type = "" }},
		{"The summary is not valid UTF-8 text.", func() { p.Summary = "" }},
		{"The body contains a control character (U+0000).", func() { p.Body = "" }},
		{"The role of Ada must fit on one line.", func() { p.Contributors[0].Role = "" }},
		{"Contributor 2 has no name.", func() { p.Contributors[1].Name = "Bo" }},
		{"ada is listed twice among the contributors.", func() { p.Contributors = p.Contributors[:2] }},
		{"The topic must fit on one line.", func() { p.Topics[0] = "x" }},
		{"Topic 2 is blank.", func() { p.Topics[1] = "y" }},
		{"The question 1 contains a control character (U+0001).", func() { p.QA[0].Question = "" }},
		{"The answer 1 contains a control character (U+0001).", func() { p.QA[0].Answer = "" }},
		{"Photo 1 has no image.", func() { p.Photos[0].Image.Hash = "a" }},
		{"The alt text of photo 1 contains a control character (U+0001).", func() { p.Photos[0].Alt = "" }},
		{"The photographer of photo 1 must fit on one line.", func() { p.Photos[0].Photographer = "" }},
		{"The keyword of photo 1 must fit on one line.", func() { p.Photos[0].Keywords = nil }},
		{"Photo 2 appears twice on the piece; add the image again to use it twice.", func() { p.Photos[1].ID = 2 }},
		{"Photo 2 has no image.", func() { p.Photos[1].Image.Hash = "b" }},
		{"Only one photo can be the lead photo; 2 are marked as lead.", func() { p.Photos[1].Lead = false }},
		{"x is listed twice among the related publications.", func() { p.Related = p.Related[1:] }},
		{"A related publication names no piece.", func() { p.Related = append(p.Related[:1], p.Related[2:]...) }},
		{"A piece cannot be related to itself.", func() { p.Related = p.Related[:1] }},
		{"", nil},
	}
	for i, s := range steps {
		err := p.Validate()
		if ErrorMessage(err) != s.want {
			t.Fatalf("step %d: Validate() = %v, want %q", i, err, s.want)
		}
		if s.mend != nil {
			s.mend()
		}
	}
}
