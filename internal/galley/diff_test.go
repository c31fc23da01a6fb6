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
