//go:build linux

package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/assets"
	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/outbox"
	"app.galley/galley/internal/pgtest"
	"app.galley/galley/internal/store"
)

// offlineDesk opens a desk on a fresh team library on a server of the
// test's own, keeping what it cannot save under root, and waits until it
// watches the library.
func offlineDesk(t *testing.T, srv *pgtest.Server, address, root string) (*Desk, *uiQueue, *store.Store) {
	t.Helper()
	lib, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	d, q := queuedDesk(t, lib)
	d.SetLibraryOpener(lib.Path(), nil, nil)
	d.SetOutbox(root)
	d.SetAutosaveDelay(30 * time.Millisecond)
	d.CheckAndMaintain()
	if !runFor(q, func() bool { return !d.checking && d.session != nil }) {
		t.Fatal("the desk did not check and join the team library")
	}
	time.Sleep(300 * time.Millisecond) // the watcher listens
	return d, q, lib
}

// typeSummary types text key by key at the end of the open piece's
// summary, going there with the arrow keys and End as an editor would.
func typeSummary(d *Desk, text string) {
	e := d.editor
	e.selectTab(e.story.content)
	d.win.Canvas().Focus(e.story.summary)
	for range 40 {
		e.story.summary.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	}
	e.story.summary.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd})
	for _, r := range text {
		e.story.summary.TypedRune(r)
	}
}

func readPiece(t *testing.T, address string, id int64) *galley.Piece {
	t.Helper()
	s, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.Piece(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The server goes while the editor types: the desk says it is offline at
// once, keeps every save on this computer ("Offline — 2 changes waiting"),
// lets the editor move between pieces and start a new one, shows the kept
// words when a piece is opened again, and saves everything once the
// server is back — the banner then goes.
func TestTheDeskKeepsWritingWhenTheServerGoes(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	seed, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	first := &galley.Piece{Title: "River Talks", Summary: "Before. "}
	second := &galley.Piece{Title: "Basin Data"}
	for _, p := range []*galley.Piece{first, second} {
		if err := seed.SavePiece(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	seed.Close()
	root := t.TempDir()
	d, q, _ := offlineDesk(t, srv, address, root)
	e := d.editor
	if !e.open(first.ID) {
		t.Fatal("the desk did not open the piece")
	}
	typeSummary(d, "Typed with the server up. ")
	if !runFor(q, func() bool { return strings.HasPrefix(e.stateText(), "Saved") }) {
		t.Fatalf("the first words were not saved: %s", e.stateText())
	}

	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	if !runFor(q, func() bool { return d.offline.offline }) {
		t.Fatal("the desk did not notice the server going")
	}
	if !d.offlineBar.content.Visible() || !strings.HasPrefix(d.offlineBar.text.Text, "Offline") {
		t.Errorf("the banner reads %q (shown %v)", d.offlineBar.text.Text, d.offlineBar.content.Visible())
	}
	offlineWords := "Typed with the server stopped, word by word, through the wrap."
	typeSummary(d, offlineWords)
	if !runFor(q, func() bool { return strings.HasPrefix(e.stateText(), "Kept offline") }) {
		t.Fatalf("the offline words were not kept: %s", e.stateText())
	}
	if e.dirty {
		t.Error("kept words still count as unsaved")
	}

	// A new piece, written offline.
	e.newPiece()
	for _, r := range "Written Offline" {
		e.story.title.TypedRune(r)
	}
	if !runFor(q, func() bool { return d.outbox.Len() == 2 }) {
		t.Fatalf("%d changes kept, want 2 (state %q)", d.outbox.Len(), e.stateText())
	}
	if got := d.offlineBar.text.Text; !strings.HasPrefix(got, "Offline — 2 changes waiting") {
		t.Errorf("the banner reads %q", got)
	}
	// Back to the first piece: its kept words are on the desk.
	if !e.open(first.ID) {
		t.Fatal("the kept piece did not open offline")
	}
	wantSummary := "Before. Typed with the server up. " + offlineWords
	if e.piece.Summary != wantSummary {
		t.Errorf("the piece reopened offline reads %q, want %q", e.piece.Summary, wantSummary)
	}
	// A piece with nothing kept cannot be read while offline: said, and
	// the desk stays where it is.
	if e.open(second.ID) {
		t.Error("a piece the desk has not got opened while offline")
	}
	if e.piece.ID != first.ID {
		t.Errorf("the desk moved to piece %d", e.piece.ID)
	}
	closeDialogs(d)

	if err := srv.StartServer(); err != nil {
		t.Fatal(err)
	}
	if !runFor(q, func() bool { return !d.offline.offline && d.outbox.Len() == 0 }) {
		t.Fatalf("after the server came back: offline %v, %d kept, banner %q", d.offline.offline, d.outbox.Len(), d.offlineBar.text.Text)
	}
	if d.offlineBar.content.Visible() {
		t.Errorf("the banner still reads %q", d.offlineBar.text.Text)
	}
	if got := readPiece(t, address, first.ID); got.Summary != wantSummary {
		t.Errorf("the library holds %q, want %q", got.Summary, wantSummary)
	}
	s, _ := store.Open(address)
	defer s.Close()
	if p, err := s.PieceBySlug(context.Background(), "written-offline"); err != nil || p.Title != "Written Offline" {
		t.Errorf("the piece written offline: %v %v", p, err)
	}
	if !strings.HasPrefix(e.stateText(), "Saved") {
		t.Errorf("the open piece's state reads %q", e.stateText())
	}
}

// Changes kept offline to a piece someone else changed meanwhile are
// not saved over theirs: both are kept, the editor's as a copy, and the
// editor is told.
func TestKeptChangesDoNotOverwriteAnotherDesksSave(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	seed, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	shared := &galley.Piece{Title: "Shared Draft", Summary: "First words."}
	other := &galley.Piece{Title: "Other Piece"}
	for _, p := range []*galley.Piece{shared, other} {
		if err := seed.SavePiece(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	seed.Close()
	d, q, _ := offlineDesk(t, srv, address, t.TempDir())
	e := d.editor
	e.open(shared.ID)
	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	runFor(q, func() bool { return d.offline.offline })
	typeSummary(d, " Mine, offline.")
	if !runFor(q, func() bool { return d.outbox.Len() == 1 }) {
		t.Fatal("nothing kept")
	}
	e.open(other.ID) // it cannot be read offline; the shared piece stays open
	closeDialogs(d)
	e.clear() // the editor leaves the shared piece
	if err := srv.StartServer(); err != nil {
		t.Fatal(err)
	}
	// Another desk saves first, before this desk hears the server is back.
	them, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	defer them.Close()
	theirs, _ := them.Piece(context.Background(), shared.ID)
	theirs.Summary = "Their words."
	if err := them.SavePiece(context.Background(), theirs); err != nil {
		t.Fatal(err)
	}
	if !runFor(q, func() bool { return d.outbox.Len() == 0 }) {
		t.Fatalf("%d changes still kept; banner %q", d.outbox.Len(), d.offlineBar.text.Text)
	}
	if got := readPiece(t, address, shared.ID); got.Summary != "Their words." {
		t.Errorf("their piece was overwritten: %q", got.Summary)
	}
	copyOf, err := them.PieceBySlug(context.Background(), "shared-draft-my-copy")
	if err != nil || copyOf.Summary != "First words. Mine, offline." {
		t.Errorf("the editor's copy: %+v %v", copyOf, err)
	}
	if text := overlayText(d.win); !strings.Contains(text, "changed elsewhere while you were offline") {
		t.Errorf("the editor was not told:\n%s", text)
	}
}

// Kept changes outlive the desk: closed while offline, the next desk on
// the library (another run of Galley) finds them, shows the kept words
// of the piece it opens, and saves them once it can reach the server.
func TestKeptChangesOutliveTheDesk(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	seed, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	p := &galley.Piece{Title: "Across a Restart"}
	if err := seed.SavePiece(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	seed.Close()
	root := t.TempDir()
	d, q, _ := offlineDesk(t, srv, address, root)
	d.editor.open(p.ID)
	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	runFor(q, func() bool { return d.offline.offline })
	typeSummary(d, "Kept before Galley closed.")
	if !d.editor.flush() {
		t.Fatalf("closing offline: %s", d.editor.stateText())
	}
	d.jobs.stop()
	stopped(t, d)
	d.CloseLibrary()

	if err := srv.StartServer(); err != nil {
		t.Fatal(err)
	}
	box, err := outbox.Open(root, store.Shown(address))
	if err != nil {
		t.Fatal(err)
	}
	if box.Len() != 1 {
		t.Errorf("%d changes on the disk after the desk closed, want 1", box.Len())
	}
	box.Close()
	// As Galley starts: the outbox is set while the library is still
	// being read; the piece last open is opened once it is, and the kept
	// words are saved.
	nextLib, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nextLib.Close() })
	// What the first look hands over runs only when the test runs the
	// queue (runFor), after the outbox is set, as on the desktop the UI
	// goroutine runs it after Galley's start-up.
	next := queuedNewDesk(t, d.app, nextLib)
	nq := queueOf(next)
	t.Cleanup(func() { stopped(t, next) })
	next.SetLibraryOpener(nextLib.Path(), nil, nil)
	next.SetOutbox(root)
	next.CheckAndMaintain()
	if !runFor(nq, func() bool { return next.outbox.Len() == 0 && next.editor.piece != nil }) {
		t.Fatalf("the next desk: %d kept, piece %v, banner %q", next.outbox.Len(), next.editor.piece, next.offlineBar.text.Text)
	}
	if next.editor.piece.ID != p.ID || next.editor.piece.Summary != "Kept before Galley closed." {
		t.Errorf("the next desk opened %q with %q", next.editor.piece.Title, next.editor.piece.Summary)
	}
	if got := readPiece(t, address, p.ID); got.Summary != "Kept before Galley closed." {
		t.Errorf("the library holds %q", got.Summary)
	}
}

// The banner says what the desk knows, and nothing when all is saved.
func TestOfflineBanner(t *testing.T) {
	for _, c := range []struct {
		state offlineState
		want  string
	}{
		{offlineState{}, ""},
		{offlineState{offline: true}, "Offline — the team library cannot be reached."},
		{offlineState{offline: true, waiting: 1}, "Offline — 1 change waiting."},
		{offlineState{offline: true, waiting: 3}, "Offline — 3 changes waiting."},
		{offlineState{waiting: 2}, "2 changes kept on this computer, being saved"},
		{offlineState{waiting: 2, refused: map[string]string{"piece-4": "A writer may not publish."}}, "1 change kept on this computer could not be saved: A writer may not publish."},
	} {
		got := c.state.banner()
		if c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("%+v: banner %q, want %q…", c.state, got, c.want)
		}
	}
}

// closeDialogs dismisses the error dialogs on the desk.
func closeDialogs(d *Desk) {
	for _, o := range d.win.Canvas().Overlays().List() {
		d.win.Canvas().Overlays().Remove(o)
	}
}

// File → Open Team Library takes an address, puts the team library on
// the desk, and keeps the address without its password.
func TestOpenTeamLibrary(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	seed, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.SavePiece(context.Background(), &galley.Piece{Title: "On the Server"}); err != nil {
		t.Fatal(err)
	}
	seed.Close()
	file := testLibrary(t, &galley.Piece{Title: "In the File"})
	d := newTestDesk(t, file)
	d.SetLibraryOpener(file.Path(), openStore, func() error { return nil })
	withPassword := strings.Replace(address, pgtest.AdminUser+"@", pgtest.AdminUser+":s3cret-word@", 1)

	form := d.askTeamLibrary()
	entry := d.win.Canvas().Focused().(*widget.Entry)
	for _, r := range "not an address" {
		entry.TypedRune(r)
	}
	if entry.Validate() == nil {
		t.Error("the form took a file name for a team library's address")
	}
	entry.SetText("")
	for _, r := range withPassword {
		entry.TypedRune(r)
	}
	form.Submit()
	settled(d)
	opened(t, d)
	if d.editor.piece == nil || d.editor.piece.Title != "On the Server" {
		t.Fatalf("the desk shows %+v, want the team library's piece", d.editor.piece)
	}
	for _, kept := range append(d.recentLibraries(), d.libPath, d.win.Title()) {
		if strings.Contains(kept, "s3cret-word") {
			t.Errorf("the password was kept: %q", kept)
		}
	}
	if got := d.recentLibraries()[0]; got != store.Shown(address) {
		t.Errorf("the recent list starts with %q, want %q", got, store.Shown(address))
	}
}

// TestScreenshotTeam draws the README's pictures of the desk on a team
// library (GALLEY_SCREENSHOTS, `make screenshots`): another desk's
// presence on the open piece, then the offline banner with two changes
// waiting while the server is stopped.
func TestScreenshotTeam(t *testing.T) {
	dir := os.Getenv("GALLEY_SCREENSHOTS")
	if dir == "" {
		t.Skip("set GALLEY_SCREENSHOTS to a folder to write the screenshots")
	}
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	lib, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	b, err := bundle.OpenFS(assets.Sample(), "the sample desk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Import(context.Background(), b.Pieces, b.ReadImage, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	a.Settings().SetTheme(theme.DefaultTheme())
	a.Preferences().SetString(prefThemeVariant, themeLight)
	d := queuedNewDesk(t, a, lib)
	opened(t, d)
	q := queueOf(d)
	t.Cleanup(func() { stopped(t, d) })
	d.Window().Resize(fyne.NewSize(1280, 800))
	d.SetLibraryOpener(lib.Path(), nil, nil)
	d.SetOutbox(t.TempDir())
	d.SetAutosaveDelay(30 * time.Millisecond)
	d.CheckAndMaintain()
	if !runFor(q, func() bool { return !d.checking && d.session != nil }) {
		t.Fatal("the desk did not join the team library")
	}
	e := d.editor
	other, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	se, err := other.Join(context.Background(), "dana")
	if err != nil {
		t.Fatal(err)
	}
	defer se.Leave()
	se.Open(context.Background(), e.piece.ID)
	if !runFor(q, func() bool { return strings.HasPrefix(e.present.Text, "Open by dana") }) {
		t.Fatalf("no presence shown: %q", e.present.Text)
	}
	d.Window().Content().Refresh()
	writePNG(t, filepath.Join(dir, "desk-presence.png"), d.Window())

	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	runFor(q, func() bool { return d.offline.offline })
	typeSummary(d, " Updated while the server was away.")
	runFor(q, func() bool { return d.outbox.Len() == 1 })
	e.newPiece()
	for _, r := range "Notes From the Field Office" {
		e.story.title.TypedRune(r)
	}
	if !runFor(q, func() bool { return d.outbox.Len() == 2 }) {
		t.Fatalf("%d changes kept", d.outbox.Len())
	}
	d.Window().Content().Refresh()
	writePNG(t, filepath.Join(dir, "desk-offline.png"), d.Window())
}
