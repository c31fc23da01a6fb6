package galley

import (
	"strings"
	"testing"
)

// ready returns a piece that passes every check, for the cases below to
// break one thing at a time.
func ready() *Piece {
	return &Piece{
		ID:           1,
		Title:        "After the Summit",
		Type:         "Q&A",
		Summary:      "What the summit changed.",
		Contributors: []Contributor{{Name: "Ada Quill", Role: "senior fellow"}},
		Topics:       []string{"Diplomacy"},
		QA:           []QA{{Question: "What happened?", Answer: "A meeting."}},
		Photos: []Photo{
			{Image: Image{Hash: "a"}, Alt: "Two leaders shake hands", Caption: "Leaders meet on Monday.", Credit: "Pat Lens", Lead: true},
			{Image: Image{Hash: "b"}, Decorative: true, Credit: "Galley"},
		},
		Related: []PieceRef{{ID: 2, Title: "Earlier Analysis"}},
	}
}

// library answers status look-ups as Store.Statuses would.
var library = map[int64]Status{2: StatusPublished, 3: StatusDraft, 4: StatusReady}

func lookup(id int64) (Status, bool) {
	s, ok := library[id]
	return s, ok
}

func TestChecks(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(p *Piece)
		want  []Problem
		noLib bool // run without status look-ups
	}{
		{name: "a finished piece has no problems", edit: func(p *Piece) {}},
		{
			name: "no summary",
			edit: func(p *Piece) { p.Summary = " \n" },
			want: []Problem{{PartStory, "The piece has no summary; lists, cards and feeds show it."}},
		},
		{
			name: "no byline",
			edit: func(p *Piece) { p.Contributors = []Contributor{{Name: " "}} },
			want: []Problem{{PartStory, "The piece has no byline; add who wrote it, or the expert who answers."}},
		},
		{
			name: "a Q&A with no questions",
			edit: func(p *Piece) { p.QA = []QA{{" ", ""}} },
			want: []Problem{
				{PartQA, "The piece is a Q&A with no questions; add them on the Q&A tab, or change its type."},
				{PartQA, "Question 1 is empty: it has neither a question nor an answer."},
			},
		},
		{
			name: "another type needs no questions",
			edit: func(p *Piece) { p.Type, p.QA = "Analysis", nil },
		},
		{
			name: "a q&a typed in other case is a Q&A",
			edit: func(p *Piece) { p.Type, p.QA = " q&a", nil },
			want: []Problem{{PartQA, "The piece is a Q&A with no questions; add them on the Q&A tab, or change its type."}},
		},
		{
			name: "empty answers and questions are named by number",
			edit: func(p *Piece) {
				p.QA = []QA{{"Fine?", "Yes."}, {"", "An answer to nothing."}, {"What next?", "  "}, {"", ""}}
			},
			want: []Problem{
				{PartQA, "Question 2 has an answer but no question."},
				{PartQA, "Question 3 has no answer."},
				{PartQA, "Question 4 is empty: it has neither a question nor an answer."},
			},
		},
		{
			name: "photos are named by number and caption",
			edit: func(p *Piece) {
				p.Photos[0].Alt = ""
				p.Photos[1].Credit = ""
				p.Photos = append(p.Photos, Photo{Image: Image{Hash: "c"},
					Caption: "Delegates leave the conference hall after the final session, tired but hopeful."})
			},
			want: []Problem{
				{PartPhotos, "Photo 1 (lead, “Leaders meet on Monday.”) has no alt text; describe it for readers who cannot see it, or mark it decorative."},
				{PartPhotos, "Photo 2 has no credit."},
				{PartPhotos, "Photo 3 (“Delegates leave the conference hall…”) has no alt text; describe it for readers who cannot see it, or mark it decorative."},
				{PartPhotos, "Photo 3 (“Delegates leave the conference hall…”) has no credit."},
			},
		},
		{
			name: "a decorative photo needs no alt text",
			edit: func(p *Piece) { p.Photos[0].Alt, p.Photos[0].Decorative = "", true },
		},
		{
			name: "no topic",
			edit: func(p *Piece) { p.Topics = nil },
			want: []Problem{{PartTopics, "The piece has no topic; add at least one so readers can find it."}},
		},
		{
			name: "related pieces must be published and exist",
			edit: func(p *Piece) {
				p.Related = []PieceRef{{ID: 2, Title: "Earlier Analysis"}, {ID: 3, Title: "A Draft"}, {ID: 4, Title: "Almost There"}, {ID: 9, Title: "Deleted Meanwhile"}}
			},
			want: []Problem{
				{PartRelated, "The related publication “A Draft” is not published yet (it is a draft); readers would find no page there."},
				{PartRelated, "The related publication “Almost There” is not published yet (it is ready but not published); readers would find no page there."},
				{PartRelated, "The related publication “Deleted Meanwhile” is no longer in the library; remove it from the list."},
			},
		},
		{
			name:  "without look-ups the related list is not checked",
			edit:  func(p *Piece) { p.Related = []PieceRef{{ID: 3, Title: "A Draft"}} },
			noLib: true,
		},
		{
			name: "problems come in a stable order by part",
			edit: func(p *Piece) {
				p.Related = []PieceRef{{ID: 3, Title: "A Draft"}}
				p.Topics = nil
				p.Photos[1].Credit = ""
				p.QA[0].Answer = ""
				p.Summary = ""
			},
			want: []Problem{
				{PartStory, "The piece has no summary; lists, cards and feeds show it."},
				{PartQA, "Question 1 has no answer."},
				{PartPhotos, "Photo 2 has no credit."},
				{PartTopics, "The piece has no topic; add at least one so readers can find it."},
				{PartRelated, "The related publication “A Draft” is not published yet (it is a draft); readers would find no page there."},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ready()
			c.edit(p)
			status := lookup
			if c.noLib {
				status = nil
			}
			got := p.Checks(status)
			if len(got) != len(c.want) {
				t.Fatalf("Checks =\n%s\nwant\n%s", show(got), show(c.want))
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("problem %d =\n  %+v\nwant\n  %+v", i+1, got[i], c.want[i])
				}
			}
		})
	}
}

func show(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + p.Part + ": " + p.Message + "\n")
	}
	return b.String()
}

func TestCaptionStart(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"  Short   caption. ", "Short caption."},
		{"Exactly forty characters of caption text", "Exactly forty characters of caption text"},
		{"Delegates leave the conference hall after the final session", "Delegates leave the conference hall…"},
		{strings.Repeat("x", 50), strings.Repeat("x", 40) + "…"},
		{"Київ, Україна: делегати залишають конференц-зал після сесії", "Київ, Україна: делегати залишають…"},
	}
	for _, c := range cases {
		if got := captionStart(c.in, 40); got != c.want {
			t.Errorf("captionStart(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCaptionChecks(t *testing.T) {
	cases := []struct {
		name string
		edit func(ph *Photo)
		want string // a phrase of the one problem expected, "" for none
	}{
		{"a good photo", func(ph *Photo) {}, ""},
		{"a caption ending in a credit in brackets", func(ph *Photo) { ph.Caption = "Leaders meet on Monday. (Pat Lens/Agency)" }, ""},
		{"a caption ending in a quote", func(ph *Photo) { ph.Caption = `She said "we agree."` }, ""},
		{"alt text the same as the caption", func(ph *Photo) { ph.Alt = ph.Caption }, "same alt text as its caption"},
		{"alt text too long", func(ph *Photo) { ph.Alt = strings.Repeat("a long description ", 14) }, "keep it under 250"},
		{"a caption without a sentence mark", func(ph *Photo) { ph.Caption = "Leaders meet on Monday" }, "does not end with a full stop"},
		{"a file with GPS: a note, not a problem", func(ph *Photo) { ph.Image.HasGPS = true }, ""},
		{"a narrow photo", func(ph *Photo) { ph.Image.Width = 800 }, "800 pixels wide, narrower than the widest size pages use (1600)"},
		{"a wide photo", func(ph *Photo) { ph.Image.Width = 2400 }, ""},
	}
	for _, c := range cases {
		p := ready()
		c.edit(&p.Photos[0])
		got := p.Checks(lookup)
		switch {
		case c.want == "" && len(got) != 0:
			t.Errorf("%s: unexpected %v", c.name, got)
		case c.want != "" && (len(got) != 1 || !strings.Contains(got[0].Message, c.want) || got[0].Part != PartPhotos):
			t.Errorf("%s: got %v, want one photo problem saying %q", c.name, got, c.want)
		}
	}
}

func TestAGPSLocationIsANoteNotAProblem(t *testing.T) {
	p := ready()
	p.Photos[0].Image.HasGPS = true
	if got := p.Checks(lookup); len(got) != 0 {
		t.Errorf("a GPS location fails a check: %v", got)
	}
	notes := p.Notes()
	if len(notes) != 1 || notes[0].Part != PartPhotos || !strings.Contains(notes[0].Message, "the export removes the location") {
		t.Errorf("notes: %v", notes)
	}
	if got := PhotoProblemsOf(p); len(got) != 1 || got[0] != notes[0].Message {
		t.Errorf("the report of photos added: %v", got)
	}
	p.Photos[0].Image.HasGPS = false
	if got := p.Notes(); len(got) != 0 {
		t.Errorf("notes without GPS: %v", got)
	}
}
