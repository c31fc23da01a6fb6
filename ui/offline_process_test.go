//go:build linux

package ui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/pgtest"
	"app.galley/galley/internal/store"
)

const envOfflineChild = "GALLEY_OFFLINE_CHILD"

// TestOfflineWriterChild is the body of a writing desk, a process of its
// own, for TestAWritingDeskLosesNothingWhileTheServerRestarts: a headless
// desk on the team library $GALLEY_OFFLINE_LIB, keeping what it cannot
// save under $GALLEY_OFFLINE_ROOT, with piece $GALLEY_OFFLINE_PIECE open.
// It types what it is told on its standard input, key by key, and answers
// each line on its standard output. Run by go test without
// GALLEY_OFFLINE_CHILD it skips.
func TestOfflineWriterChild(t *testing.T) {
	if os.Getenv(envOfflineChild) == "" {
		t.Skip("the body of a writing desk started by TestAWritingDeskLosesNothingWhileTheServerRestarts")
	}
	say := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	var lib *store.Store
	for {
		var err error
		if lib, err = store.Open(os.Getenv("GALLEY_OFFLINE_LIB")); err == nil {
			break
		}
		if galley.ErrorCode(err) != galley.EUnavailable {
			say("failed %v", err)
			return
		}
		time.Sleep(100 * time.Millisecond) // as an editor trying again
	}
	defer lib.Close()
	a := test.NewTempApp(t)
	d := queuedNewDesk(t, a, lib)
	q := queueOf(d)
	d.SetLibraryOpener(lib.Path(), nil, nil)
	d.SetOutbox(os.Getenv("GALLEY_OFFLINE_ROOT"))
	d.SetAutosaveDelay(50 * time.Millisecond)
	d.CheckAndMaintain()
	id, _ := strconv.ParseInt(os.Getenv("GALLEY_OFFLINE_PIECE"), 10, 64)
	run := func() {
		for _, f := range q.take() {
			f()
		}
	}
	for deadline := time.Now().Add(30 * time.Second); d.checking || d.session == nil && !d.offline.offline; {
		if time.Now().After(deadline) {
			say("failed to check the library")
			return
		}
		run()
		time.Sleep(10 * time.Millisecond)
	}
	if d.editor.piece == nil || d.editor.piece.ID != id {
		d.editor.open(id)
	}
	closeDialogs(d)
	say("ready %q", d.editor.piece.Summary)

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				return
			}
			cmd, arg, _ := strings.Cut(line, " ")
			switch cmd {
			case "type":
				typeSummary(d, arg)
				say("typed")
			case "state":
				say("state offline=%v waiting=%d dirty=%v banner=%q line=%q", d.offline.offline, d.outbox.Len(), d.editor.dirty, d.offlineBar.text.Text, d.editor.stateText())
			case "quit":
				ok := d.editor.flush()
				d.jobs.stop()
				d.jobs.wait(10 * time.Second)
				d.CloseLibrary()
				say("quit %v", ok)
				return
			}
		case <-tick.C:
			run()
		}
	}
}

// writer is a writing desk in a process of its own.
type writer struct {
	t     *testing.T
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   chan string
	mu    sync.Mutex
	trace strings.Builder
}

func startWriter(t *testing.T, address, root string, id int64) *writer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestOfflineWriterChild$", "-test.v")
	cmd.Env = append(os.Environ(), envOfflineChild+"=1", "GALLEY_OFFLINE_LIB="+address,
		"GALLEY_OFFLINE_ROOT="+root, "GALLEY_OFFLINE_PIECE="+strconv.FormatInt(id, 10))
	w := &writer{t: t, cmd: cmd, out: make(chan string, 64)}
	var err error
	if w.in, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			w.mu.Lock()
			w.trace.WriteString(sc.Text() + "\n")
			w.mu.Unlock()
			w.out <- sc.Text()
		}
		close(w.out)
	}()
	return w
}

// expect waits for the writer's next answer that starts with prefix.
func (w *writer) expect(prefix string) string {
	w.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-w.out:
			if !ok {
				w.t.Fatalf("the writer ended before saying %q:\n%s", prefix, w.report())
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline:
			w.t.Fatalf("the writer did not say %q within 60 s:\n%s", prefix, w.report())
		}
	}
}

func (w *writer) send(line string) {
	w.t.Helper()
	if _, err := io.WriteString(w.in, line+"\n"); err != nil {
		w.t.Fatalf("telling the writer %q: %v\n%s", line, err, w.report())
	}
}

// until asks the writer its state until it contains every one of want.
func (w *writer) until(want ...string) string {
	w.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		w.send("state")
		l := w.expect("state ")
		ok := true
		for _, s := range want {
			ok = ok && strings.Contains(l, s)
		}
		if ok {
			return l
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the writer's state never held %q; last: %s\n%s", want, l, w.report())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (w *writer) report() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.trace.String()
}

// A writing desk, a process of its own, types on while the team
// library's server is stopped and started under it: it says it is offline
// with its changes waiting, saves them when the server is back, and goes
// on. Killed while offline (a crash), the next run of the desk takes its
// kept changes over and saves them. At the end the library holds every
// word typed, in order.
func TestAWritingDeskLosesNothingWhileTheServerRestarts(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	seed, err := store.Open(address)
	if err != nil {
		t.Fatal(err)
	}
	p := &galley.Piece{Title: "Written Through a Restart"}
	if err := seed.SavePiece(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	seed.Close()
	root := t.TempDir()
	var typed strings.Builder
	write := func(w *writer, from, to int) {
		for i := from; i <= to; i++ {
			words := fmt.Sprintf("Sentence %d of the piece, typed key by key. ", i)
			w.send("type " + words)
			w.expect("typed")
			typed.WriteString(words)
		}
	}

	w := startWriter(t, address, root, p.ID)
	w.expect("ready")
	write(w, 1, 4)
	w.until("offline=false", "waiting=0", "dirty=false", `line="Saved`)

	// The server stops under the writer, which goes on typing.
	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	write(w, 5, 9)
	state := w.until("offline=true", "waiting=1", "dirty=false", `line="Kept offline`)
	if !strings.Contains(state, `banner="Offline — 1 change waiting.`) {
		t.Errorf("the writer's banner: %s", state)
	}
	// Back: the kept changes are saved, and typing goes on.
	if err := srv.StartServer(); err != nil {
		t.Fatal(err)
	}
	w.until("offline=false", "waiting=0", `banner=""`)
	write(w, 10, 12)
	w.until("waiting=0", "dirty=false", `line="Saved`)
	if got := readPiece(t, address, p.ID).Summary; got != typed.String() {
		t.Fatalf("after the first restart the library holds\n%q\nwant\n%q", got, typed.String())
	}

	// Stopped again; the writer types, then is killed while offline.
	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	write(w, 13, 16)
	w.until("offline=true", "waiting=1", "dirty=false")
	w.cmd.Process.Kill()
	w.cmd.Wait()
	if err := srv.StartServer(); err != nil {
		t.Fatal(err)
	}
	// The next run of the desk finds the kept words on the piece it opens
	// and saves them.
	next := startWriter(t, address, root, p.ID)
	ready := next.expect("ready")
	if want := fmt.Sprintf("ready %q", typed.String()); ready != want {
		t.Errorf("the next desk opened the piece as\n%s\nwant\n%s", ready, want)
	}
	next.until("offline=false", "waiting=0", "dirty=false", `line="Saved`)
	write(next, 17, 18)
	next.send("quit")
	if l := next.expect("quit"); l != "quit true" {
		t.Errorf("the desk quit with %q", l)
	}
	if got := readPiece(t, address, p.ID).Summary; got != typed.String() {
		t.Errorf("the library holds\n%q\nwant every word typed\n%q", got, typed.String())
	}
}
