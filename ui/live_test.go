//go:build linux

package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/pgtest"
	"app.galley/galley/internal/store"
)

// runFor runs what the desk's background work hands to the UI, on the
// test's goroutine, until cond holds or ten seconds have passed. (pump
// waits for every job to end; the watcher of a team library runs as long
// as the library is on the desk.) What a server tells a desk arrives in
// milliseconds; the margin is for a machine running the suite under the
// race detector on two busy cores, where a second and a half once ran
// out and failed a test whose desks were right.
func runFor(q *uiQueue, cond func() bool) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, f := range q.take() {
			f()
		}
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// A desk on a team library sees another program's save of the open piece
// at once: without edits of its own the piece is brought up to date, with
// edits it is asked what to do; the list shows a new piece.
func TestADeskSeesAnotherDesksSave(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	lib, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	p := &galley.Piece{Title: "Shared Draft", Summary: "First words."}
	if err := lib.SavePiece(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	d, q := queuedDesk(t, lib)
	d.CheckAndMaintain()
	if !runFor(q, func() bool { return !d.checking && d.editor.piece != nil && d.editor.piece.ID == p.ID }) {
		t.Fatal("the desk did not open the piece and check the library")
	}
	time.Sleep(500 * time.Millisecond) // the watcher, started after the check, listens

	other, err := store.Open(address) // another desk
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	theirs, _ := other.Piece(context.Background(), p.ID)
	theirs.Summary = "Their words, saved on another desk."
	if err := other.SavePiece(context.Background(), theirs); err != nil {
		t.Fatal(err)
	}
	if !runFor(q, func() bool { return d.editor.piece.Summary == theirs.Summary }) {
		t.Fatalf("the open piece still reads %q after another desk's save", d.editor.piece.Summary)
	}
	if !strings.Contains(d.editor.stateText(), "another desk") {
		t.Errorf("the state says %q", d.editor.stateText())
	}

	// With edits of its own, the desk asks at once instead of waiting for
	// its next save to fail.
	d.editor.story.summary.SetText("My edit, not saved yet.")
	theirs.Summary = "Their second words."
	if err := other.SavePiece(context.Background(), theirs); err != nil {
		t.Fatal(err)
	}
	if !runFor(q, func() bool { return strings.Contains(overlayText(d.win), "changed elsewhere") }) {
		t.Errorf("no question about the change:\n%s", overlayText(d.win))
	}
	if d.editor.piece.Summary != "My edit, not saved yet." {
		t.Errorf("the editor's words were replaced: %q", d.editor.piece.Summary)
	}

	// The other desk opens the piece: this desk shows who has it open.
	se, err := other.Join(context.Background(), "dana")
	if err != nil {
		t.Fatal(err)
	}
	if err := se.Open(context.Background(), p.ID); err != nil {
		t.Fatal(err)
	}
	if !runFor(q, func() bool { return strings.HasPrefix(d.editor.present.Text, "Open by dana since ") }) {
		t.Errorf("the desk shows %q for the other desk on its piece", d.editor.present.Text)
	}
	row := newSummaryRow()
	d.shelf.updateRow(0, row)
	if meta := row.(*fyne.Container).Objects[1].(*widget.Label).Text; !strings.HasSuffix(meta, " · open by dana") {
		t.Errorf("the list says %q of the piece the other desk has open", meta)
	}
	se.Leave()
	if !runFor(q, func() bool { return d.editor.present.Text == "" }) {
		t.Errorf("after the other desk left the desk still shows %q", d.editor.present.Text)
	}

	// A piece made elsewhere joins the list.
	if err := other.SavePiece(context.Background(), &galley.Piece{Title: "Made Elsewhere"}); err != nil {
		t.Fatal(err)
	}
	if !runFor(q, func() bool { return d.shelf.list.Length() == 2 }) {
		t.Errorf("the list holds %d pieces", d.shelf.list.Length())
	}
}

// A writer's desk says, before trying, that publishing, deleting and
// renaming topics are for an editor — what the server would refuse.
func TestAWritersDeskExplainsWhatIsForAnEditor(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	if err := store.InitTeam(context.Background(), address); err != nil {
		t.Fatal(err)
	}
	if err := store.AddToTeam(context.Background(), address, "dana", "writer"); err != nil {
		t.Fatal(err)
	}
	lib, err := store.Open(strings.Replace(address, "galley_admin@", "dana@", 1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	p := &galley.Piece{Title: "A Writer's Draft", Topics: []string{"Rivers"}}
	if err := lib.SavePiece(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	d, q := queuedDesk(t, lib)
	d.CheckAndMaintain()
	if !runFor(q, func() bool { return d.role == "writer" }) {
		t.Fatalf("the desk learned the role %q", d.role)
	}
	d.editor.story.status.SetSelected("Published")
	if d.editor.piece.Status != galley.StatusDraft || d.editor.story.status.Selected != "Draft" {
		t.Errorf("a writer's desk marked the piece %s (select %q)", d.editor.piece.Status, d.editor.story.status.Selected)
	}
	if !strings.Contains(overlayText(d.win), "is for an editor") {
		t.Errorf("no word about publishing being for an editor:\n%s", overlayText(d.win))
	}
	tapButton(t, d.win, "OK")
	d.editor.confirmDelete()
	if text := overlayText(d.win); !strings.Contains(text, "deleting a piece is for an editor") {
		t.Errorf("deleting as a writer shows:\n%s", text)
	}
	if _, err := lib.Piece(context.Background(), p.ID); err != nil {
		t.Errorf("the piece is gone: %v", err)
	}
}
