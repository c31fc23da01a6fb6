package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
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
	text := richText(h.diff.Segments)
	for _, want := range []string{"What revision 3 changed from revision 2", "Answer 1 (Why?)", "Luck", " and good engineering"} {
		if !strings.Contains(text, want) {
			t.Errorf("the newest revision's changes lack %q:\n%s", want, text)
		}
	}
	// Added words are marked as added.
	var marked bool
	for _, s := range h.diff.Segments {
		if ts, ok := s.(*widget.TextSegment); ok && strings.Contains(ts.Text, "good engineering") && ts.Style.ColorName == addedStyle.ColorName {
			marked = true
		}
	}
	if !marked {
		t.Error("the added words are not shown as added")
	}
	h.list.Select(2)
	if !strings.Contains(richText(h.diff.Segments), "Revision 1, the first") {
		t.Errorf("the first revision shows:\n%s", richText(h.diff.Segments))
	}
	h.compare.SetSelected(compareWithCurrent)
	if text := richText(h.diff.Segments); !strings.Contains(text, "Restoring revision 1 would change") || !strings.Contains(text, "old") {
		t.Errorf("the comparison with the text now shows:\n%s", text)
	}
	// Any two: revision 1 against revision 3.
	h.compare.SetSelected(revisionLabel(3))
	if text := richText(h.diff.Segments); !strings.Contains(text, "From revision 3 to revision 1") || !strings.Contains(text, "Answer 1") {
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
}
