package ui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// queuedDesk opens a desk on lib for a test that runs what its
// background work hands to the UI itself, with pump.
func queuedDesk(t *testing.T, lib Library) (*Desk, *uiQueue) {
	d := newTestDesk(t, lib)
	return d, queueOf(d)
}

// pump runs what background work hands to the UI until the desk is
// idle: no library being let go, no job running, nothing handed over.
// It waits on the desk's job group, never by the clock.
func pump(d *Desk, q *uiQueue) {
	for {
		d.interim.settle()
		d.jobs.settle()
		fs := q.take()
		if len(fs) == 0 {
			return
		}
		for _, f := range fs {
			f()
		}
	}
}

// libraryFile makes a library file holding pieces and closes it, for the
// desk to open from its File menu.
func libraryFile(t *testing.T, pieces ...*galley.Piece) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "other.galley")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, p := range pieces {
		if err := st.SavePiece(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// heldCheck is a library whose check runs until it is cancelled, as the
// check of a large library on a slow disk would; ended is closed when the
// check returns.
type heldCheck struct {
	Library
	ended chan struct{}
}

func (h heldCheck) QuickCheck(ctx context.Context) error {
	defer close(h.ended)
	<-ctx.Done()
	return ctx.Err()
}

// closedAfter returns a library closer that fails the test if it is
// called before done is closed, then runs close (if not nil).
func closedAfter(t *testing.T, done <-chan struct{}, what string, close func() error) func() error {
	return func() error {
		select {
		case <-done:
		default:
			t.Errorf("the library was closed while %s", what)
		}
		if close == nil {
			return nil
		}
		return close()
	}
}

func TestSwitchingDuringTheCheckLeavesAutosaveOn(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "In The First"})
	lib := heldCheck{Library: st, ended: make(chan struct{})}
	second := libraryFile(t, &galley.Piece{Title: "In The Second"})
	d, q := queuedDesk(t, lib)
	d.SetLibraryOpener(st.Path(), openStore, closedAfter(t, lib.ended, "its check still ran", nil))
	d.CheckAndMaintain()
	if !d.checking {
		t.Fatal("the opening check is not running")
	}
	d.switchLibrary(second, false)
	pump(d, q) // the second library opened, with its own check and upkeep
	t.Cleanup(func() { d.CloseLibrary() })
	if d.editor.piece == nil || d.editor.piece.Title != "In The Second" {
		t.Fatalf("after the switch the desk shows %+v", d.editor.piece)
	}
	id := d.editor.piece.ID
	test.Type(d.editor.story.summary, "Typed after the switch.")
	if !d.editor.save(false) {
		t.Fatalf("autosave is still off after switching during the check: %q", d.editor.state.Text)
	}
	if got := stored(t, d.lib.(*store.Store), id).Summary; got != "Typed after the switch." {
		t.Errorf("the second library holds %q", got)
	}
}

// keptUp is a library that counts its daily upkeep.
type keptUp struct {
	*store.Store
	thinned, purged atomic.Int32
}

func (k *keptUp) ThinRevisions(ctx context.Context, p store.RevisionPolicy) (int, error) {
	k.thinned.Add(1)
	return k.Store.ThinRevisions(ctx, p)
}

func (k *keptUp) PurgeTrash(ctx context.Context) (int, error) {
	k.purged.Add(1)
	return k.Store.PurgeTrash(ctx)
}

func TestEveryLibraryOpenedIsCheckedAndKeptUp(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Started With"})
	d, q := queuedDesk(t, st)
	var last *keptUp
	d.SetLibraryOpener(st.Path(), func(path string, _ bool) (Library, func() error, error) {
		s, err := store.Open(path)
		if err != nil {
			return nil, nil, err
		}
		last = &keptUp{Store: s}
		return last, s.Close, nil
	}, func() error { return nil })
	d.CheckAndMaintain()
	pump(d, q)
	t.Cleanup(func() { d.CloseLibrary() })

	for _, c := range []struct {
		name   string
		path   string
		create bool
	}{
		{"Open Library", libraryFile(t, &galley.Piece{Title: "Elsewhere"}), false},
		{"New Library", filepath.Join(t.TempDir(), "new.galley"), true},
	} {
		d.switchLibrary(c.path, c.create)
		pump(d, q)
		if backups, err := store.Backups(c.path); err != nil || len(backups) != 1 {
			t.Errorf("%s: the library opened has %d backups (%v), want today's", c.name, len(backups), err)
		}
		if last.thinned.Load() != 1 || last.purged.Load() != 1 {
			t.Errorf("%s: revisions thinned %d times, trash emptied %d times", c.name, last.thinned.Load(), last.purged.Load())
		}
		if d.checking || strings.Contains(d.win.Title(), "read-only") {
			t.Errorf("%s: a sound library is %q, checking %v", c.name, d.win.Title(), d.checking)
		}
	}

	// A damaged library opened from the File menu is found out as the
	// first one would be.
	d.opener = func(path string, _ bool) (Library, func() error, error) {
		s, err := store.Open(path)
		if err != nil {
			return nil, nil, err
		}
		return failingCheck{s}, s.Close, nil
	}
	d.switchLibrary(libraryFile(t, &galley.Piece{Title: "Damaged"}), false)
	pump(d, q)
	if _, ro := d.lib.(readOnlyLibrary); !ro || !strings.Contains(overlayText(d.win), "sector 7 is unreadable") {
		t.Errorf("a damaged library opened from the menu is not read-only with the damage told:\n%s", overlayText(d.win))
	}
}

func TestRestoringDuringTheCheckLeavesAutosaveOn(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Before The Mistake"})
	backup, err := st.BackupNow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lib := heldCheck{Library: st, ended: make(chan struct{})}
	d, q := queuedDesk(t, lib)
	d.SetLibraryOpener(st.Path(), openStore, closedAfter(t, lib.ended, "its check still ran", st.Close))
	d.CheckAndMaintain()
	d.restoreBackup(backup)
	// The backup is checked beside the library's own check; then the
	// library is let go (its check cancelled) and the restored one opened,
	// with its own check and upkeep.
	waitFor(t, "the restore", func() bool { return strings.Contains(overlayText(d.win), "before restore") })
	pump(d, q)
	t.Cleanup(func() { d.CloseLibrary() })
	if !strings.Contains(overlayText(d.win), "before restore") {
		t.Fatalf("no word of the restore:\n%s", overlayText(d.win))
	}
	id := d.editor.piece.ID
	test.Type(d.editor.story.summary, "Typed after the restore.")
	if !d.editor.save(false) {
		t.Fatalf("autosave is off after restoring during the check: %q", d.editor.state.Text)
	}
	if got := stored(t, d.lib.(*store.Store), id).Summary; got != "Typed after the restore." {
		t.Errorf("the restored library holds %q", got)
	}
}

// slowUpkeep is a library whose daily backup is written until it is
// cancelled, and whose thinning cannot be interrupted at all: it ends,
// failing, when the test lets it.
type slowUpkeep struct {
	*store.Store
	backingUp   chan struct{} // closed when the backup begins
	backupEnded atomic.Bool
	thin        chan struct{} // closed by the test to let thinning end
	thinEnded   chan struct{}
}

func (s *slowUpkeep) DailyBackup(ctx context.Context) (string, error) {
	close(s.backingUp)
	<-ctx.Done()
	s.backupEnded.Store(true)
	return "", ctx.Err()
}

func (s *slowUpkeep) ThinRevisions(context.Context, store.RevisionPolicy) (int, error) {
	defer close(s.thinEnded)
	<-s.thin
	return 0, errors.New("thinning failed")
}

func TestQuittingWaitsForTheBackgroundWorkAndThenHandsNothingOver(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Last Piece"})
	lib := &slowUpkeep{Store: st, backingUp: make(chan struct{}), thin: make(chan struct{}), thinEnded: make(chan struct{})}
	d, q := queuedDesk(t, lib)
	d.stopWait = 500 * time.Millisecond // the thinning ignores its cancel: the quit waits this long, no more
	var windowClosed atomic.Bool
	d.ui = func(f func()) {
		if windowClosed.Load() {
			t.Error("work was handed to the UI after the window closed")
		}
		q.do(f)
	}
	d.win.SetOnClosed(func() {
		windowClosed.Store(true)
		if !lib.backupEnded.Load() {
			t.Error("the window closed while the daily backup was still being written")
		}
	})
	d.CheckAndMaintain()
	d.jobs.settle()
	for _, f := range q.take() {
		f() // the check's end: the upkeep starts
	}
	<-lib.backingUp
	d.close() // File → Quit, or the window's close button
	d.interim.settle()
	for _, f := range q.take() {
		f()
	}
	if !windowClosed.Load() {
		t.Fatal("the window did not close")
	}
	// The thinning ends late, with an error for the desk: nobody is told.
	close(lib.thin)
	<-lib.thinEnded
	pump(d, q)
}

// heldBackup is a library whose backup, asked for by the editor, is
// written until it is cancelled.
type heldBackup struct {
	*store.Store
	started chan struct{}
	ended   atomic.Bool
}

func (h *heldBackup) BackupNow(ctx context.Context) (string, error) {
	close(h.started)
	<-ctx.Done()
	h.ended.Store(true)
	return "", ctx.Err()
}

func TestQuittingDuringABackupAsksFirst(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Backed Up"})
	lib := &heldBackup{Store: st, started: make(chan struct{})}
	d, q := queuedDesk(t, lib)
	d.SetLibraryOpener(st.Path(), openStore, func() error { return nil })
	var windowClosed atomic.Bool
	d.win.SetOnClosed(func() { windowClosed.Store(true) })
	d.backUpNow()
	<-lib.started

	d.switchLibrary(libraryFile(t), false)
	if !strings.Contains(overlayText(d.win), "still running") || d.lib != Library(lib) {
		t.Fatalf("the switch did not wait for the backup the editor asked for:\n%s", overlayText(d.win))
	}
	d.close()
	if windowClosed.Load() || !strings.Contains(overlayText(d.win), "Stop the work in progress?") {
		t.Fatalf("quitting during a backup did not ask first:\n%s", overlayText(d.win))
	}
	tapButton(t, d.win, "Yes")
	pump(d, q)
	if !windowClosed.Load() || !lib.ended.Load() {
		t.Errorf("after agreeing: window closed %v, backup stopped %v", windowClosed.Load(), lib.ended.Load())
	}
}
