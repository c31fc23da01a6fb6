package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

func TestHistoryShowsWhatChangedAndRestores(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Dam Report", Summary: "The dam held.", QA: []galley.QA{{Question: "Why?", Answer: "Luck."}}})
	lib.RevisionWindow = 0 // every save its own revision
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	e := d.editor
	e.story.summary.SetText("The old dam held firm.")
	d.runShortcut(shortcutSave)
	e.selectTab(e.qa.content)
	e.qa.rows[0].answer.SetText("Luck and good engineering.")
	// History saves the open piece first, then lists its revisions.
	h := d.showHistory()
	if len(h.revs) != 3 {
		t.Fatalf("%d revisions, want 3", len(h.revs))
	}
	text := h.diffText()
	// Added words are marked as added.
	for _, want := range []string{"What revision 3 changed from revision 2", "Answer 1 (Why?)", "Luck{+ and good engineering+}."} {
		if !strings.Contains(text, want) {
			t.Errorf("the newest revision's changes lack %q:\n%s", want, text)
		}
	}
	h.list.Select(2)
	if !strings.Contains(h.diffText(), "Revision 1, the first") {
		t.Errorf("the first revision shows:\n%s", h.diffText())
	}
	h.compare.SetSelected(compareWithCurrent)
	if text := h.diffText(); !strings.Contains(text, "Restoring revision 1 would change") || !strings.Contains(text, "old") {
		t.Errorf("the comparison with the text now shows:\n%s", text)
	}
	// Any two: revision 1 against revision 3.
	h.compare.SetSelected(revisionLabel(3))
	if text := h.diffText(); !strings.Contains(text, "From revision 3 to revision 1") || !strings.Contains(text, "Answer 1") {
		t.Errorf("revision 1 against revision 3 shows:\n%s", text)
	}
	test.Tap(h.restore)
	tapButton(t, h.win, "Yes")
	if e.piece.Summary != "The dam held." || e.piece.QA[0].Answer != "Luck." {
		t.Errorf("after restoring, the desk shows %q / %q", e.piece.Summary, e.piece.QA[0].Answer)
	}
	if len(h.revs) != 4 {
		t.Errorf("restoring did not add a revision: %d", len(h.revs))
	}
	// The list says what made a revision that was not typed.
	row := widget.NewLabel("")
	h.list.UpdateItem(0, row)
	if !strings.Contains(row.Text, "revision restored") {
		t.Errorf("the restore's revision reads %q", row.Text)
	}
	h.list.UpdateItem(1, row)
	if strings.Contains(row.Text, "restored") {
		t.Errorf("an editor's save reads %q", row.Text)
	}
}

// TestHistoryShowsReplacedWordsApart: a replaced word is drawn struck
// through, its replacement highlighted after a gap, and the space before
// them kept, where the old window ran them together ("AgendaTalks").
func TestHistoryShowsReplacedWordsApart(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Ceasefire Agenda", Summary: "Talks resumed in Vienna today."})
	lib.RevisionWindow = 0
	d := newTestDesk(t, lib)
	e := d.editor
	e.story.title.SetText("Ceasefire Talks")
	e.story.summary.SetText("Talks stalled in Vienna today.")
	h := d.showHistory()
	if h == nil {
		t.Fatal("no history window")
	}
	h.win.Resize(fyne.NewSize(980, 640))
	text := h.diffText()
	for _, want := range []string{"Ceasefire [-Agenda-]{+Talks+}", "Talks [-resumed-]{+stalled+} in Vienna today."} {
		if !strings.Contains(text, want) {
			t.Errorf("the difference lacks %q:\n%s", want, text)
		}
	}
	var title *changeText
	for _, o := range h.diff.Objects {
		if c, ok := o.(*changeText); ok && strings.Contains(c.String(), "Agenda") {
			title = c
		}
	}
	if title == nil {
		t.Fatal("the title's difference is not shown")
	}
	r := test.WidgetRenderer(title).(*changeTextRenderer)
	find := func(word string) (*canvas.Text, fyne.CanvasObject) {
		for i, tx := range r.texts {
			if tx != nil && tx.Text == word {
				return tx, r.marks[i]
			}
		}
		t.Fatalf("%q is not drawn", word)
		return nil, nil
	}
	ceasefire, _ := find("Ceasefire")
	agenda, struck := find("Agenda")
	talks, highlight := find("Talks")
	space := fyne.MeasureText(" ", theme.TextSize(), fyne.TextStyle{}).Width
	if gap := agenda.Position().X - (ceasefire.Position().X + ceasefire.Size().Width); gap < space*0.9 {
		t.Errorf("the space between %q and %q is %.1f wide, want a space (%.1f)", "Ceasefire", "Agenda", gap, space)
	}
	if gap := talks.Position().X - (agenda.Position().X + agenda.Size().Width); gap < space*0.9 || talks.Position().Y != agenda.Position().Y {
		t.Errorf("%q and %q are %.1f apart, want at least a space (%.1f): they read as one word", "Agenda", "Talks", gap, space)
	}
	if line, ok := struck.(*canvas.Line); !ok || line.Position1.X > agenda.Position().X+1 || line.Position2.X < agenda.Position().X+agenda.Size().Width-1 {
		t.Errorf("the removed word is not struck through: %#v", struck)
	}
	if rect, ok := highlight.(*canvas.Rectangle); !ok || rect.Position() != talks.Position() || rect.Size() != talks.Size() {
		t.Errorf("the added word is not highlighted: %#v", highlight)
	}
}
