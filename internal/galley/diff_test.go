package galley

import (
	"fmt"
	"strings"
	"testing"
)

// render writes a difference as [-removed-]{+added+}.
func render(changes []TextChange) string {
	var b strings.Builder
	for _, c := range changes {
		switch c.Op {
		case Added:
			b.WriteString("{+" + c.Text + "+}")
		case Removed:
			b.WriteString("[-" + c.Text + "-]")
		default:
			b.WriteString(c.Text)
		}
	}
	return b.String()
}

func TestWordDiffNeverCutsAWord(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"The dam held.", "The old dam held firm.", "The {+old +}dam held{+ firm+}."},
		{"ceasefire talks", "ceasefire walks", "ceasefire [-talks-]{+walks+}"},
		{"", "New text", "{+New text+}"},
		{"Gone", "", "[-Gone-]"},
		{"Café in Kyiv", "Café in Lviv", "Café in [-Kyiv-]{+Lviv+}"},
	}
	for _, c := range cases {
		if got := render(WordDiff(c.a, c.b)); got != c.want {
			t.Errorf("WordDiff(%q, %q) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
}

// TestWordDiffKeepsSpacesAndWordsApart: a replaced word is removed whole
// and added whole, in that order, with the spaces of both texts kept,
// so the desk can draw "Agenda" struck through and "Talks" highlighted
// apart rather than "AgendaTalks".
func TestWordDiffKeepsSpacesAndWordsApart(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"Ceasefire Agenda", "Ceasefire Talks", "Ceasefire [-Agenda-]{+Talks+}"},
		// Several words replaced read as one replacement, not interleaved.
		{"one two three four", "one 2 3 four", "one [-two three-]{+2 3+} four"},
		{"The Agenda for peace", "The Talks on peace", "The [-Agenda for-]{+Talks on+} peace"},
		{"a b c", "x b y", "[-a-]{+x+} b [-c-]{+y+}"},
		// Spaces, tabs and line breaks are kept where they were.
		{"Talks  resumed\n\nin Vienna.", "Talks  stalled\n\nin Vienna.", "Talks  [-resumed-]{+stalled+}\n\nin Vienna."},
		{"End of line\nnext", "End of line\nthen next", "End of line\n{+then +}next"},
	}
	for _, c := range cases {
		changes := WordDiff(c.a, c.b)
		if got := render(changes); got != c.want {
			t.Errorf("WordDiff(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
		var older, newer strings.Builder
		for i, ch := range changes {
			if ch.Op != Added {
				older.WriteString(ch.Text)
			}
			if ch.Op != Removed {
				newer.WriteString(ch.Text)
			}
			if ch.Op == Added && i > 0 && changes[i-1].Op == Kept && i+1 < len(changes) && changes[i+1].Op == Removed {
				t.Errorf("WordDiff(%q, %q): added words come before the removed ones they replace: %s", c.a, c.b, render(changes))
			}
		}
		if older.String() != c.a || newer.String() != c.b {
			t.Errorf("WordDiff(%q, %q) spells %q and %q: a space was lost", c.a, c.b, older.String(), newer.String())
		}
	}
}

func TestDiffPiecesNamesWhatAnEditorChanged(t *testing.T) {
	older := &Piece{
		Title: "River Talks", Summary: "A short intro.", Topics: []string{"Water", "Ice"},
		Contributors: []Contributor{{Name: "Ada Quill", Role: "fellow"}},
		QA: []QA{
			{Question: "Why now?", Answer: "Because the season is dry."},
			{Question: "What next?", Answer: "Talks."},
			{Question: "Dropped question?", Answer: "Gone."},
		},
		Photos:  []Photo{{Image: Image{Hash: "aa"}, Caption: "A dam."}, {Image: Image{Hash: "bb"}, Caption: "Old photo"}},
		Related: []PieceRef{{ID: 1, Title: "Earlier Piece"}},
	}
	newer := &Piece{
		Title: "River Talks", Summary: "A longer intro.", Topics: []string{"Water", "Fire"},
		Contributors: []Contributor{{Name: "Ada Quill", Role: "fellow"}},
		QA: []QA{
			{Question: "What next?", Answer: "Talks."},
			{Question: "Why now?", Answer: "Because the season is very dry."},
			{Question: "A new question?", Answer: "New."},
		},
		Photos:  []Photo{{Image: Image{Hash: "aa"}, Caption: "A dam at dusk."}, {Image: Image{Hash: "cc"}, Caption: "New photo"}},
		Related: []PieceRef{{ID: 1, Title: "Earlier Piece"}, {ID: 2, Title: "Later Piece"}},
	}
	d := DiffPieces(older, newer)
	if len(d.Fields) != 1 || d.Fields[0].Field != "Summary" || render(d.Fields[0].Changes) != "A [-short-]{+longer+} intro." {
		t.Errorf("fields: %+v", d.Fields)
	}
	var qa []string
	for _, c := range d.QA {
		qa = append(qa, fmt.Sprintf("%d %d %s %s", c.Op, c.Number, c.Question, render(c.Answer)))
	}
	got := strings.Join(qa, " | ")
	for _, want := range []string{"2 3 Dropped question?", "1 3 A new question?", "Because the season is {+very +}dry."} {
		if !strings.Contains(got, want) {
			t.Errorf("Q&A changes %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "What next?") {
		t.Errorf("an unchanged pair that only moved is reported: %s", got)
	}
	if fmt.Sprint(d.PhotosAdded) != "[Photo 2 (New photo)]" || fmt.Sprint(d.PhotosRemoved) != "[Photo 2 (Old photo)]" ||
		len(d.PhotosChanged) != 1 || render(d.PhotosChanged[0].Changes) != "A dam{+ at dusk+}." {
		t.Errorf("photos: +%v -%v ~%+v", d.PhotosAdded, d.PhotosRemoved, d.PhotosChanged)
	}
	if fmt.Sprint(d.TopicsAdded, d.TopicsRemoved, d.RelatedAdded, d.RelatedRemoved) != "[Fire] [Ice] [Later Piece] []" {
		t.Errorf("topics/related: %v %v %v %v", d.TopicsAdded, d.TopicsRemoved, d.RelatedAdded, d.RelatedRemoved)
	}
	if !DiffPieces(newer, newer).Empty() {
		t.Error("a piece differs from itself")
	}
}
