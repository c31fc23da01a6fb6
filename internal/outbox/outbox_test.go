package outbox

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

const library = "postgres://dana@db.example.org/newsroom"

func piece(id int64, title string) galley.Piece {
	return galley.Piece{ID: id, Version: 3, Title: title, Status: galley.StatusDraft,
		Summary: "What the delta keeps.", QA: []galley.QA{{Question: "Why?", Answer: "Because the silt keeps a record."}},
		Topics: []string{"Rivers"}, Photos: []galley.Photo{{Data: fixture.JPEG(8, 6, 1), Alt: "Silt", Lead: true}}}
}

func open(t *testing.T, root string) *Box {
	t.Helper()
	b, err := Open(root, library)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// What is put is what is read back, by this desk and, after it closes, by
// the next one: every word and the bytes of a photo being added.
func TestPutKeepsTheWholePieceAcrossDesks(t *testing.T) {
	root := t.TempDir()
	b := open(t, root)
	first, second := piece(12, "River Talks"), piece(0, "A new piece")
	if err := b.Put(Entry{Key: KeyOf(12), Piece: first}); err != nil {
		t.Fatal(err)
	}
	newKey := NewKey()
	if err := b.Put(Entry{Key: newKey, Piece: second}); err != nil {
		t.Fatal(err)
	}
	first.Body = "Typed later."
	if err := b.Put(Entry{Key: KeyOf(12), Piece: first}); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 2 {
		t.Fatalf("%d entries, want 2 (a second put replaces the first)", b.Len())
	}
	b.Close()

	next := open(t, root)
	got := next.Entries()
	if len(got) != 2 {
		t.Fatalf("the next desk found %d entries, want 2", len(got))
	}
	// Longest waiting first: the new piece was kept before the second put.
	if got[0].Key != newKey || got[1].Key != KeyOf(12) {
		t.Errorf("order %q, %q; want the new piece, then piece 12", got[0].Key, got[1].Key)
	}
	if !reflect.DeepEqual(got[1].Piece, first) {
		t.Errorf("piece 12 read back as\n%+v\nwant\n%+v", got[1].Piece, first)
	}
	if e, ok := next.Get(KeyOf(12)); !ok || e.Piece.Body != "Typed later." {
		t.Errorf("Get(piece-12) = %+v, %v", e.Piece.Body, ok)
	}
	if err := next.Remove(KeyOf(12)); err != nil {
		t.Fatal(err)
	}
	next.Close()
	if last := open(t, root); last.Len() != 1 {
		t.Errorf("after a remove the next desk finds %d entries, want 1", last.Len())
	}
}

// The words are private: folders 0700, files 0600, whatever the umask.
func TestEntriesArePrivate(t *testing.T) {
	root := t.TempDir()
	b := open(t, root)
	if err := b.Put(Entry{Key: KeyOf(1), Piece: piece(1, "Private")}); err != nil {
		t.Fatal(err)
	}
	err := filepath.Walk(b.Folder(), func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(b.Folder(), "library.txt"))
	if err != nil || strings.TrimSpace(string(data)) != library {
		t.Errorf("library.txt says %q (%v), want the library's address", data, err)
	}
}

// An entry file that cannot be read (damaged, or from a newer Galley) is
// named and left where it is, never removed; a write cut short is not an
// entry.
func TestDamagedEntriesAreKeptAndNamed(t *testing.T) {
	root := t.TempDir()
	b := open(t, root)
	if err := b.Put(Entry{Key: KeyOf(1), Piece: piece(1, "Whole")}); err != nil {
		t.Fatal(err)
	}
	slot := b.slot
	bad := filepath.Join(slot, "piece-2.json")
	if err := os.WriteFile(bad, []byte(`{"format":1,"key":"piece-2","piece":{"Title":"cut sh`), 0o600); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(slot, "piece-3.json")
	if err := os.WriteFile(newer, []byte(`{"format":9,"key":"piece-3","piece":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(slot, ".piece-1.json.123"), []byte(`{"format":1,"key":"piece-1","piece":{"Title":"half`), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Close()
	next := open(t, root)
	if next.Len() != 1 {
		t.Errorf("%d entries, want the one whole entry", next.Len())
	}
	if e, ok := next.Get(KeyOf(1)); !ok || e.Piece.Title != "Whole" {
		t.Errorf("the whole entry reads %q, %v", e.Piece.Title, ok)
	}
	damaged := next.Damaged()
	if len(damaged) != 2 {
		t.Errorf("damaged %q, want the cut and the newer file", damaged)
	}
	for _, p := range []string{bad, newer} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was not left where it was: %v", p, err)
		}
	}
}

const childEnv = "GALLEY_OUTBOX_CHILD"

// TestOutboxChild is the body of a desk process for the tests below: it
// opens the box under $GALLEY_OUTBOX_ROOT, keeps one entry, says so, and
// waits to be killed (or told "close" on its standard input). Run by go
// test without that variable it skips.
func TestOutboxChild(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("the body of a desk process started by TestAKilledDesksEditsAreTakenOver")
	}
	b, err := Open(os.Getenv("GALLEY_OUTBOX_ROOT"), library)
	if err != nil {
		t.Fatal(err)
	}
	p := piece(7, os.Getenv(childEnv))
	if err := b.Put(Entry{Key: KeyOf(7), Piece: p}); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("kept\n")
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	if strings.TrimSpace(line) == "close" {
		b.Close()
		os.Stdout.WriteString("closed\n")
	}
}

// A running desk's entries are its own: another desk on the same library
// does not take them. Once that desk is killed (SIGKILL: no chance to
// tidy up), the next desk to open the library takes its entries over.
func TestAKilledDesksEditsAreTakenOver(t *testing.T) {
	root := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestOutboxChild$")
	cmd.Env = append(os.Environ(), childEnv+"=Written by the first desk", "GALLEY_OUTBOX_ROOT="+root)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	lines := bufio.NewScanner(stdout)
	said := make(chan string, 4)
	go func() {
		for lines.Scan() {
			said <- lines.Text()
		}
		close(said)
	}()
	select {
	case l := <-said:
		if l != "kept" {
			t.Fatalf("the first desk said %q", l)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the first desk kept nothing within 30 s")
	}

	if n := Waiting(root, library); n != 1 {
		t.Errorf("Waiting counts %d changes, want the running desk's 1", n)
	}
	beside := open(t, root)
	if beside.Len() != 0 {
		t.Errorf("a second desk took %d entries of a desk still running", beside.Len())
	}
	beside.Close()

	cmd.Process.Kill()
	cmd.Wait()
	next := open(t, root)
	e, ok := next.Get(KeyOf(7))
	if !ok || e.Piece.Title != "Written by the first desk" || len(e.Piece.Photos) != 1 || len(e.Piece.Photos[0].Data) == 0 {
		t.Fatalf("the killed desk's entry was not taken over whole: %+v %v", e.Piece.Title, ok)
	}
	// The killed desk's slot is gone; only the new desk's remains.
	slots, _ := filepath.Glob(filepath.Join(next.Folder(), "desk-*"))
	if len(slots) != 1 || slots[0] != next.slot {
		t.Errorf("slots left: %q, want only %s", slots, next.slot)
	}
}

// Two desks that were both closed with edits to the same piece leave
// both: neither overwrites the other.
func TestTwoDesksEditsOfOnePieceAreBothKept(t *testing.T) {
	root := t.TempDir()
	a, err := Open(root, library)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(root, library)
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := piece(5, "From desk A"), piece(5, "From desk B")
	if err := a.Put(Entry{Key: KeyOf(5), Piece: pa, Kept: time.Now().Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(Entry{Key: KeyOf(5), Piece: pb}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	b.Close()
	next := open(t, root)
	got := next.Entries()
	if len(got) != 2 {
		t.Fatalf("%d entries, want both desks'", len(got))
	}
	if got[0].Piece.Title != "From desk A" || got[1].Piece.Title != "From desk B" || got[1].Key != KeyOf(5) {
		t.Errorf("entries %q %q / %q %q: want A's (older) under another key, B's (newer) as piece-5",
			got[0].Key, got[0].Piece.Title, got[1].Key, got[1].Piece.Title)
	}
}

// Another library's outbox is another folder.
func TestEachLibraryHasItsOwnBox(t *testing.T) {
	root := t.TempDir()
	a := open(t, root)
	if err := a.Put(Entry{Key: KeyOf(1), Piece: piece(1, "Newsroom")}); err != nil {
		t.Fatal(err)
	}
	other, err := Open(root, "postgres://dana@db.example.org/archive")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if other.Len() != 0 || other.Folder() == a.Folder() {
		t.Errorf("another library's box holds %d entries in %s", other.Len(), other.Folder())
	}
}

// Root follows XDG_STATE_HOME.
func TestRootFollowsTheStateFolder(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	got, err := Root()
	if err != nil || got != filepath.Join(dir, "galley", "outbox") {
		t.Errorf("Root() = %q, %v", got, err)
	}
}
