package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"app.galley/galley/internal/galley"
	"app.galley/galley/ui/internal/widgets"
)

// Rebuilding rows takes the focus away, so keys typed after a move never
// reach a row that now stands for someone else.
func TestMovingABylineRowDoesNotRetargetTyping(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Byline", Contributors: []galley.Contributor{{Name: "Ann One"}, {Name: "Bob Two"}, {Name: "Cy Three"}}})
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	e := d.editor
	row := e.story.byline.Objects[1].(*fyne.Container)
	d.win.Canvas().Focus(row.Objects[0].(*fyne.Container).Objects[0].(fyne.Focusable))
	test.Tap(row.Objects[1].(*fyne.Container).Objects[0].(*widgets.TapIcon)) // up
	if f := d.win.Canvas().Focused(); f != nil {
		test.Type(f, "x")
	}
	var names []string
	for _, c := range e.piece.Contributors {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "Bob Two,Ann One,Cy Three" {
		t.Errorf("after moving Bob up and typing, the byline is %v", names)
	}
}

func TestKeepMineWorksWhenThePieceWasDeletedElsewhere(t *testing.T) {
	lib := testLibrary(t, interview())
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	id := d.editor.piece.ID
	d.editor.story.addContributor() // a blank byline row must not block the copy
	test.Type(d.editor.story.body, "Precious words.")
	if _, err := lib.DeletePiece(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	d.editor.save(false)
	tapButton(t, d.win, "Keep mine as a copy")
	settled(d) // the copy is saved in the background
	p := findByTitle(t, lib, "Newest Interview (my copy)")
	if p == nil || p.Body != "Precious words." || len(p.QA) != 1 {
		t.Fatalf("my copy: %+v", p)
	}
	// The trash keeps the deleted piece's image, so the copy has it too.
	if len(p.Photos) != 1 || p.Photos[0].Caption != "A well." {
		t.Errorf("my copy's photos: %+v", p.Photos)
	}
}

func TestUndoAndDuplicateCopeWithABlankBylineRow(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "To Delete", Body: "Body."}, &galley.Piece{Title: "Dup"})
	d := newTestDesk(t, lib)
	d.editor.open(findByTitle(t, lib, "To Delete").ID)
	d.editor.story.addContributor()
	d.editor.confirmDelete()
	tapButton(t, d.win, "Yes")
	d.shelf.undoDelete()
	if findByTitle(t, lib, "To Delete") == nil {
		t.Errorf("undo did not bring it back:\n%s", overlayText(d.win))
	}
	d.editor.open(findByTitle(t, lib, "Dup").ID)
	d.editor.story.addContributor()
	d.runShortcut(shortcutDuplicate)
	settled(d) // the copy is saved in the background
	if findByTitle(t, lib, "Dup (copy)") == nil {
		t.Errorf("no copy:\n%s", overlayText(d.win))
	}
}

func TestTheListHighlightFollowsTheOpenPiece(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Old One"}, &galley.Piece{Title: "Old Two"})
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	d.runShortcut(shortcutNew)
	test.Type(d.editor.story.title, "Brand New")
	rowOf := func(title string) int {
		for i := 0; i < d.shelf.pages.Len(); i++ {
			if r, _ := d.shelf.pages.Item(i); r.Title == title {
				return i
			}
		}
		return -1
	}
	d.shelf.list.Select(rowOf("Old One")) // saves Brand New first
	if d.editor.piece.Title != "Old One" || d.shelf.at != rowOf("Old One") {
		t.Fatalf("open %q, highlighted row %d", d.editor.piece.Title, d.shelf.at)
	}
	d.shelf.list.Select(rowOf("Brand New"))
	if d.editor.piece.Title != "Brand New" {
		t.Errorf("choosing Brand New opened %q", d.editor.piece.Title)
	}
}

func TestADialogAnswerNeverReachesAnotherPiece(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Unfinished", QA: []galley.QA{{Question: "Why?"}}})
	d := newTestDesk(t, lib)
	e := d.editor
	first := e.piece
	e.story.status.SetSelected("Published")
	d.runShortcut(shortcutNew) // while "The piece is not ready" is open
	tapButton(t, d.win, "Yes")
	if e.piece.Status != galley.StatusDraft || !e.piece.Published.IsZero() || e.story.date.Entry().Text != "" {
		t.Errorf("the new piece took the old one's answer: %q, %v, date field %q", e.piece.Status, e.piece.Published, e.story.date.Entry().Text)
	}
	if got := stored(t, lib, first.ID).Status; got != galley.StatusDraft {
		t.Errorf("the first piece became %q", got)
	}
}

func TestAPublishedPiecesSlugStaysWhenRetitled(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Ready Piece", Summary: "S", Topics: []string{"Water"},
		Contributors: []galley.Contributor{{Name: "Ada Byline"}}}) // no check stands in the way of publishing
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	e := d.editor
	e.story.status.SetSelected("Published")
	e.save(true)
	before := e.piece.Slug
	test.Type(e.story.title, " Retitled")
	e.save(true)
	if e.piece.Slug != before || e.story.slug.Text != before {
		t.Errorf("the published piece's slug moved from %q to %q", before, e.piece.Slug)
	}
}

func TestDuplicatingWhileTypingLosesNoKeystrokes(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "QA Piece", QA: []galley.QA{{Question: "Q?", Answer: "A."}}})
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	e := d.editor
	e.selectTab(e.qa.content)
	d.win.Canvas().Focus(e.qa.rows[0].answer)
	d.runShortcut(shortcutDuplicate)
	settled(d) // the copy is saved in the background
	if f := d.win.Canvas().Focused(); f != nil {
		t.Fatalf("after Ctrl+D the focus is still on %T", f)
	}
	if e.dirty || e.piece.QA[0].Answer != "A." {
		t.Errorf("the copy changed: dirty %v, answer %q", e.dirty, e.piece.QA[0].Answer)
	}
}

func TestAClearedTitleIsNotReplacedBehindTheEditorsBack(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Budget Analysis", Status: galley.StatusPublished})
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	id := d.editor.piece.ID
	d.editor.story.title.SetText("")
	d.close()
	if got := stored(t, lib, id).Title; got != "Budget Analysis" {
		t.Errorf("the piece was retitled %q on close", got)
	}
	if !strings.Contains(overlayText(d.win), "A piece needs a title") || !strings.Contains(overlayText(d.win), "Close without saving?") {
		t.Errorf("closing did not explain and ask:\n%s", overlayText(d.win))
	}
}

func TestAnImpossibleDateIsNotDroppedSilently(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Dated", Published: galley.Date{Year: 2024, Month: 5, Day: 1}}, &galley.Piece{Title: "Other"})
	d := newTestDesk(t, lib)
	d.editor.open(findByTitle(t, lib, "Dated").ID)
	d.editor.story.date.Entry().SetText("2024-13-01")
	if !strings.Contains(d.editor.state.Text, "Date not taken") {
		t.Errorf("the state says %q", d.editor.state.Text)
	}
	if d.editor.open(findByTitle(t, lib, "Other").ID) {
		t.Error("switching away from an impossible date went ahead")
	}
	if !strings.Contains(overlayText(d.win), "2024-13-01") {
		t.Errorf("no message names the date:\n%s", overlayText(d.win))
	}
}

func TestManagersCloseWhenTheLibraryChanges(t *testing.T) {
	first := testLibrary(t, &galley.Piece{Title: "In First", Topics: []string{"Alpha"}})
	d := newTestDesk(t, first)
	d.SetLibraryOpener(first.Path(), openStore, func() error { return nil })
	m := d.showTopics()
	d.switchLibrary(filepath.Join(t.TempDir(), "second.galley"), true)
	opened(t, d)
	for _, w := range d.app.Driver().AllWindows() {
		if w == m.win {
			t.Error("the topic manager of the old library is still open")
		}
	}
	if len(d.libWindows) != 0 {
		t.Errorf("%d library windows still tracked", len(d.libWindows))
	}
}
