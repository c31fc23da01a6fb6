package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

func TestADamagedLibraryOpensReadOnly(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Untouchable", Summary: "As it was."})
	lib := &failingCheck{Library: st}
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	done := make(chan error, 1)
	d.CheckLibrary(func(err error) { d.damaged(err); done <- err })
	received(t, done)
	if text := overlayText(d.win); !strings.Contains(text, "read-only") || !strings.Contains(text, "Restore the newest good backup") {
		t.Fatalf("the damage is not explained with a way out:\n%s", text)
	}
	id := d.editor.piece.ID
	test.Type(d.editor.story.summary, " Edited.")
	if d.editor.save(false) {
		t.Fatal("a save went through to a damaged library")
	}
	if !strings.Contains(d.editor.state.Text, "read-only") {
		t.Errorf("the state says %q", d.editor.state.Text)
	}
	if got := stored(t, st, id).Summary; got != "As it was." {
		t.Errorf("the damaged library was written: %q", got)
	}
	// The words stay on the desk to be copied out.
	if !strings.Contains(d.editor.piece.Summary, "Edited.") {
		t.Error("the editor's words were dropped")
	}
}

func TestRestoringABackupFromTheDesk(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Before The Mistake"})
	d, q := queuedDesk(t, st)
	path := st.Path()
	d.SetLibraryOpener(path, openStore, st.Close)
	// The daily upkeep makes today's backup.
	d.maintain()
	pump(d, q)
	if list, err := store.Backups(path); err != nil || len(list) != 1 {
		t.Fatalf("the daily upkeep made %d backups (%v)", len(list), err)
	}
	id := d.editor.piece.ID
	d.editor.story.title.SetText("After The Mistake")
	d.editor.save(true)
	backups, _ := store.Backups(path)
	d.restoreBackup(backups[0].Path)
	pump(d, q)
	if !strings.Contains(overlayText(d.win), "before restore") {
		t.Errorf("the restore does not say where the old library is kept:\n%s", overlayText(d.win))
	}
	p, err := d.lib.Piece(context.Background(), id)
	if err != nil || p.Title != "Before The Mistake" {
		t.Fatalf("after restoring: %+v, %v", p, err)
	}
	if row, _ := d.shelf.pages.Item(0); row.Title != "Before The Mistake" {
		t.Errorf("the list shows %q", row.Title)
	}
	d.CloseLibrary()
}

// slowCheck holds the library's check until released, as a large library
// on a slow disk would, or until the check is cancelled (SQLite
// interrupts a cancelled query).
type slowCheck struct {
	Library
	release chan struct{}
}

func (s slowCheck) QuickCheck(ctx context.Context) error {
	select {
	case <-s.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.Library.QuickCheck(ctx)
}

func TestAutosaveWaitsForTheCheck(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Waiting"})
	lib := slowCheck{Library: st, release: make(chan struct{})}
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	id := d.editor.piece.ID
	done := make(chan error, 1)
	d.CheckLibrary(func(err error) { done <- err })
	d.editor.story.summary.SetText("Typed while the check runs.")
	if d.editor.save(false) || stored(t, st, id).Summary != "" {
		t.Fatal("an autosave wrote before the library was checked")
	}
	if !strings.Contains(d.editor.state.Text, "checking") {
		t.Errorf("the state says %q", d.editor.state.Text)
	}
	close(lib.release)
	if err := received(t, done); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the save after the check", func() bool { return stored(t, st, id).Summary == "Typed while the check runs." })
}

// A backup is checked off the UI goroutine, behind the working overlay:
// restoreBackup returns at once, the library stays on the desk until the
// backup passes, and one that fails is named and changes nothing.
func TestABadBackupIsCheckedInTheBackgroundAndChangesNothing(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Kept As It Is"})
	d, q := queuedDesk(t, st)
	d.SetLibraryOpener(st.Path(), openStore, st.Close)
	bad := filepath.Join(t.TempDir(), "galley-backup-bad.galley")
	if err := os.WriteFile(bad, bytes.Repeat([]byte("not a library "), 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	lib := d.lib
	d.restoreBackup(bad)
	if !strings.Contains(overlayText(d.win), "Checking the backup") {
		t.Fatalf("no working overlay while the backup is checked:\n%s", overlayText(d.win))
	}
	if !d.retiring {
		t.Error("the menus do not wait while the backup is checked")
	}
	pump(d, q)
	if d.lib != lib || d.retiring {
		t.Fatal("a backup that failed its check replaced the library, or the desk still waits")
	}
	if text := overlayText(d.win); strings.Contains(text, "Checking the backup") || !strings.Contains(text, "galley-backup-bad.galley") {
		t.Errorf("the failed check is not told, or the overlay stays:\n%s", text)
	}
	if _, err := st.Piece(context.Background(), d.editor.piece.ID); err != nil {
		t.Errorf("the library on the desk: %v", err)
	}
}

// gatedRestore is the store's handling of library files with a restore
// that waits for the test to open its gate, as a restore of a large
// library (or one sent to a team library's server) takes its time. A
// restore still waiting after a few seconds goes on anyway and says so:
// run on the test's goroutine, which stands for the UI's, it would
// otherwise wait for good.
type gatedRestore struct {
	storeFiles
	started  chan struct{} // closed when the restore begins
	gate     chan struct{} // closed by the test to let it go on
	timedOut *atomic.Bool
}

func (g gatedRestore) Restore(ctx context.Context, backup, libraryPath string) (string, error) {
	close(g.started)
	select {
	case <-g.gate:
	case <-time.After(5 * time.Second):
		g.timedOut.Store(true)
	}
	return g.storeFiles.Restore(ctx, backup, libraryPath)
}

// mistakeToUndo is a library backed up while its piece was "Before The
// Mistake", then changed and saved, on a queued desk that can open it
// again: the scene of a restore. id is the piece's.
func mistakeToUndo(t *testing.T) (st *store.Store, backup string, d *Desk, q *uiQueue, id int64) {
	t.Helper()
	st = testLibrary(t, &galley.Piece{Title: "Before The Mistake"})
	backup, err := st.BackupNow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d, q = queuedDesk(t, st)
	d.SetLibraryOpener(st.Path(), openStore, st.Close)
	id = d.editor.piece.ID
	d.editor.story.title.SetText("After The Mistake")
	if !d.editor.save(true) {
		t.Fatalf("the change was not saved: %q", d.editor.state.Text)
	}
	return st, backup, d, q, id
}

// A backup is restored, and the restored library opened, off the UI
// goroutine: the window keeps drawing behind the working overlay, and
// what is handed to the UI meanwhile runs. Then the restored library is
// on the desk.
func TestARestoreRunsBehindTheOverlay(t *testing.T) {
	st, backup, d, q, id := mistakeToUndo(t)
	gated := gatedRestore{started: make(chan struct{}), gate: make(chan struct{}), timedOut: new(atomic.Bool)}
	d.files = gated
	d.restoreBackup(backup)
	received(t, gated.started) // the backup is checked, the library let go
	if gated.timedOut.Load() {
		t.Fatal("the restore ran on the UI goroutine")
	}
	if text := overlayText(d.win); !strings.Contains(text, "Restoring the backup") {
		t.Errorf("no working overlay while the backup is restored:\n%s", text)
	}
	if !d.retiring {
		t.Error("the menus do not wait while the backup is restored")
	}
	ran := make(chan struct{})
	q.do(func() { close(ran) })
	received(t, ran)
	close(gated.gate)
	pump(d, q)
	t.Cleanup(func() { d.CloseLibrary() })
	if gated.timedOut.Load() {
		t.Fatal("the restore ran on the UI goroutine")
	}
	if d.retiring || strings.Contains(overlayText(d.win), "Restoring the backup") {
		t.Errorf("the desk still waits after the restore:\n%s", overlayText(d.win))
	}
	if !strings.Contains(overlayText(d.win), "before restore") {
		t.Errorf("the restore does not say where the old library is kept:\n%s", overlayText(d.win))
	}
	if d.lib == Library(st) {
		t.Fatal("the library let go is still on the desk")
	}
	if p, err := d.lib.Piece(context.Background(), id); err != nil || p.Title != "Before The Mistake" {
		t.Fatalf("after restoring: %+v, %v", p, err)
	}
	if row, _ := d.shelf.pages.Item(0); row.Title != "Before The Mistake" {
		t.Errorf("the list shows %q", row.Title)
	}
}

// Closing the window while a backup is restored lets the restore finish,
// then closes: the library file is the backup's, and nothing of it is
// left open.
func TestClosingDuringARestoreFinishesItFirst(t *testing.T) {
	st, backup, d, q, id := mistakeToUndo(t)
	var opens []*store.Store
	d.opener = func(path string, create bool) (Library, func() error, error) {
		lib, closeLib, err := openStore(path, create)
		if err == nil {
			opens = append(opens, lib.(*store.Store)) // read after pump, past the overlay's end
		}
		return lib, closeLib, err
	}
	gated := gatedRestore{started: make(chan struct{}), gate: make(chan struct{}), timedOut: new(atomic.Bool)}
	d.files = gated
	var windowClosed atomic.Bool
	d.win.SetOnClosed(func() { windowClosed.Store(true) })
	d.restoreBackup(backup)
	received(t, gated.started)
	d.close()
	if windowClosed.Load() {
		t.Fatal("the window closed in the middle of the restore")
	}
	close(gated.gate)
	pump(d, q)
	if !windowClosed.Load() {
		t.Fatal("the window did not close after the restore")
	}
	if err := d.CloseLibrary(); err != nil {
		t.Error(err)
	}
	if len(opens) != 1 {
		t.Fatalf("the restored library was opened %d times", len(opens))
	}
	if err := opens[0].QuickCheck(context.Background()); err == nil {
		t.Error("the restored library is still open after the window closed")
	}
	again, err := store.Open(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got := stored(t, again, id).Title; got != "Before The Mistake" {
		t.Errorf("after the restore the library holds %q", got)
	}
}
