package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/pgtest"
	"app.galley/galley/internal/store"
)

// With the team library's server stopped, the start-up window says why
// and how many changes wait on this computer; Try again, pressed while
// the server is still away, says so again with the button back, and once
// the server is up it opens the library and the window closes. (Linux
// only: the server is a real PostgreSQL, as pgtest runs it.)
func TestTheUnreachableWindowTriesAgain(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	seed, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	seed.Close()
	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	_, away := store.Open(address)
	if galley.ErrorCode(away) != galley.EUnavailable {
		t.Fatalf("opening the stopped server's library gave %v (%s), not EUnavailable", away, galley.ErrorCode(away))
	}

	a := test.NewTempApp(t)
	var opened *store.Store
	retry := newGated(func() error {
		st, err := store.Open(address)
		if err == nil {
			opened = st
			t.Cleanup(func() { st.Close() })
		}
		return err
	})
	q := &uiQueue{}
	w := unreachableWindow(a, away, 2, retry.run, q.do)
	w.Show()
	const keptTwo = "2 changes you made while it was out of reach are kept on this computer, and will be saved to it once it opens. Nothing is lost."
	labels := windowLabels(t, w)
	if !slices.Contains(labels, "Galley cannot reach the team library") || !slices.Contains(labels, galley.ErrorMessage(away)+"\n\n"+keptTwo) {
		t.Errorf("the window reads %q", labels)
	}

	button := windowButton(t, w, "Try again")
	test.Tap(button)
	if button.Text != "Trying…" || !button.Disabled() {
		t.Errorf("while it tries the button reads %q, disabled %v", button.Text, button.Disabled())
	}
	retry.release(t)
	runUntil(t, q, "the button to come back", func() bool { return !button.Disabled() })
	if retry.err == nil || galley.ErrorCode(retry.err) != galley.EUnavailable {
		t.Fatalf("trying again with the server stopped gave %v", retry.err)
	}
	if !isOpen(a, w) || button.Text != "Try again" {
		t.Fatalf("after a failed try: window open %v, button %q", isOpen(a, w), button.Text)
	}
	if labels := windowLabels(t, w); !slices.Contains(labels, galley.ErrorMessage(retry.err)+"\n\n"+keptTwo) {
		t.Errorf("after a failed try the window reads %q", labels)
	}

	if err := srv.StartServer(); err != nil {
		t.Fatal(err)
	}
	test.Tap(button)
	retry.release(t)
	runUntil(t, q, "the window to close", func() bool { return !isOpen(a, w) })
	if retry.err != nil || opened == nil {
		t.Errorf("trying again with the server up: %v", retry.err)
	}
	if retry.calls != 2 {
		t.Errorf("the library was tried %d times for two presses", retry.calls)
	}
}

// What waits on this computer is counted in words, and not mentioned
// when nothing does.
func TestTheUnreachableWindowCountsTheKeptChanges(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	_, away := store.Open(address)
	if away == nil {
		t.Fatal("the stopped server's library opened")
	}
	a := test.NewTempApp(t)
	never := func() error { t.Error("the library was tried without a press"); return nil }
	for kept, want := range map[int]string{
		0:    galley.ErrorMessage(away),
		1:    galley.ErrorMessage(away) + "\n\n1 change you made while it was out of reach is kept on this computer, and will be saved to it once it opens. Nothing is lost.",
		1234: galley.ErrorMessage(away) + "\n\n1,234 changes you made while it was out of reach are kept on this computer, and will be saved to it once it opens. Nothing is lost.",
	} {
		w := unreachableWindow(a, away, kept, never, (&uiQueue{}).do)
		if labels := windowLabels(t, w); !slices.Contains(labels, want) {
			t.Errorf("with %d kept the window reads %q", kept, labels)
		}
		if kept == 0 && strings.Contains(strings.Join(windowLabels(t, w), " "), "kept on this computer") {
			t.Error("nothing kept, and the window says something is")
		}
		w.Close()
	}
}
