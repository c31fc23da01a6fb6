package ui

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// windowLabels is the text of every label in w, as an editor reads it.
func windowLabels(t *testing.T, w fyne.Window) []string {
	t.Helper()
	var texts []string
	walk(t, w.Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	})
	return texts
}

// windowButton is the button labelled label in w.
func windowButton(t *testing.T, w fyne.Window, label string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(t, w.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == label && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q button in the window; it reads %q", label, windowLabels(t, w))
	}
	return found
}

// isOpen reports whether w is still one of the app's windows.
func isOpen(a fyne.App, w fyne.Window) bool {
	return slices.Contains(a.Driver().AllWindows(), w)
}

// runUntil runs what the window's background work hands to q on the
// test's goroutine until cond holds, failing after a while.
func runUntil(t *testing.T, q *uiQueue, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, f := range q.take() {
			f()
		}
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// gated holds each run of act until the test lets it go, so the test can
// look at the window while the work is under way; calls counts the runs.
// A run never let go gives up after a while, so a window that ran act on
// the UI goroutine fails the test instead of hanging it.
type gated struct {
	gate  chan struct{}
	calls int
	err   error // what the last run returned
	act   func() error
}

func newGated(act func() error) *gated { return &gated{gate: make(chan struct{}), act: act} }

func (g *gated) run() error {
	g.calls++
	select {
	case <-g.gate:
	case <-time.After(10 * time.Second):
		g.err = errors.New("the test never let the work go on")
		return g.err
	}
	g.err = g.act()
	return g.err
}

// release lets the run under way go on.
func (g *gated) release(t *testing.T) {
	t.Helper()
	select {
	case g.gate <- struct{}{}:
	case <-time.After(10 * time.Second):
		t.Fatal("the window's work never started")
	}
}

// The window for a mistyped library path makes nothing until the editor
// presses its button; then it makes and opens a real library there in
// the background, the button saying so and refusing a second press, and
// closes once the library is open.
func TestTheMissingLibraryWindowMakesTheLibraryOnlyWhenAsked(t *testing.T) {
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "mistyped.galley")
	var opened *store.Store
	create := newGated(func() error {
		st, err := store.Open(path)
		if err == nil {
			opened = st
			t.Cleanup(func() { st.Close() })
		}
		return err
	})
	q := &uiQueue{}
	w := missingLibraryWindow(a, path, create.run, q.do)
	w.Show()

	labels := strings.Join(windowLabels(t, w), "\n")
	if !strings.Contains(labels, "Galley cannot find the library") || !strings.Contains(labels, "There is no library at "+path+".") {
		t.Errorf("the window reads:\n%s", labels)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("showing the window made something at the path: %v", err)
	}

	button := windowButton(t, w, "Make a new library there")
	if button.Disabled() {
		t.Fatal("the button is disabled before it was pressed")
	}
	test.Tap(button)
	if button.Text != "Making it…" || !button.Disabled() {
		t.Errorf("while the library is made the button reads %q, disabled %v", button.Text, button.Disabled())
	}
	test.Tap(button) // a second press while it works
	create.release(t)
	runUntil(t, q, "the window to close", func() bool { return !isOpen(a, w) })
	if create.err != nil || opened == nil {
		t.Fatalf("making the library failed: %v", create.err)
	}
	if create.calls != 1 {
		t.Errorf("the library was made %d times; a press on the busy button counted", create.calls)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Errorf("no library file at %s after it was made: %v", path, err)
	}
}

// A library that cannot be made there leaves the window up, saying why in
// the editor's words, with the button ready for another try; once the
// folder is there, that try makes it.
func TestTheMissingLibraryWindowSaysWhyItCouldNotMakeIt(t *testing.T) {
	a := test.NewTempApp(t)
	folder := filepath.Join(t.TempDir(), "no-such-folder")
	path := filepath.Join(folder, "lib.galley")
	create := newGated(func() error {
		st, err := store.Open(path)
		if err == nil {
			t.Cleanup(func() { st.Close() })
		}
		return err
	})
	q := &uiQueue{}
	w := missingLibraryWindow(a, path, create.run, q.do)
	w.Show()
	button := windowButton(t, w, "Make a new library there")
	test.Tap(button)
	create.release(t)
	runUntil(t, q, "the button to come back", func() bool { return !button.Disabled() })

	if create.err == nil {
		t.Fatal("a library was made inside a folder that does not exist")
	}
	if !isOpen(a, w) {
		t.Fatal("the window closed although the library could not be made")
	}
	if button.Text != "Make a new library there" {
		t.Errorf("after the failure the button reads %q", button.Text)
	}
	want := galley.ErrorMessage(create.err)
	labels := windowLabels(t, w)
	if !slices.Contains(labels, want) || !strings.Contains(want, "does not exist") {
		t.Errorf("the window reads %q, not why: %q", labels, want)
	}
	if _, err := os.Stat(folder); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the failed attempt left something behind: %v", err)
	}

	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	test.Tap(button)
	create.release(t)
	runUntil(t, q, "the window to close", func() bool { return !isOpen(a, w) })
	if _, err := os.Stat(path); create.err != nil || err != nil {
		t.Errorf("the second try: %v; the library file: %v", create.err, err)
	}
}

// A library Galley cannot open says why under its heading, and Quit
// closes the window.
func TestTheErrorWindowSaysWhyAndQuits(t *testing.T) {
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "notes.galley")
	if err := os.WriteFile(path, []byte("not a library, just notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(path)
	if err == nil {
		t.Fatal("a text file opened as a library")
	}
	w := ErrorWindow(a, "Galley cannot open the library", err)
	w.Show()
	labels := windowLabels(t, w)
	if !slices.Contains(labels, "Galley cannot open the library") || !slices.Contains(labels, galley.ErrorMessage(err)) {
		t.Errorf("the window reads %q; want the heading and %q", labels, galley.ErrorMessage(err))
	}
	test.Tap(windowButton(t, w, "Quit"))
	if isOpen(a, w) {
		t.Error("Quit left the window open")
	}
}
