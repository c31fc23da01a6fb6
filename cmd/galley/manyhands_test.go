//go:build unix

package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// Several programs on one library at once ("Nothing lost with many
// hands"): each pair below runs as real processes of this test binary over
// one real library file. For every pair: no work a program reported done
// is lost, reads never fail "busy", the library's integrity and foreign
// keys hold, and the result is one of the pair's serial orders.

const envManyHands = "GALLEY_MANYHANDS_CHILD" // the child's command line, as JSON

// TestManyHandsChild is the process a pair's program runs in: a galley
// command line, or "@desk LIBRARY N" — a desk saving one piece N times the
// way the editing desk does (reload on a conflict, as its dialog offers),
// printing each save it was told succeeded.
func TestManyHandsChild(t *testing.T) {
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(envManyHands)), &args); err != nil || len(args) == 0 {
		t.Skip("the process of the many-hands tests; run by them")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if args[0] == "@desk" {
		n, _ := strconv.Atoi(args[2])
		os.Exit(deskSaves(ctx, args[1], n))
	}
	os.Exit(run(ctx, args, env{stdout: os.Stdout, stderr: os.Stderr, getenv: func(string) string { return "" }}))
}

// deskSaves saves a piece of its own n times, a few milliseconds apart, as
// autosave would, and prints "saved ID SUMMARY" for each save the store
// acknowledged. A conflict (another program changed the piece: a restore)
// reloads the piece and goes on; a piece taken away is made again.
func deskSaves(ctx context.Context, lib string, n int) int {
	st, err := store.Open(lib)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	p := &galley.Piece{Title: fmt.Sprintf("Desk %d", os.Getpid())}
	for i := 1; i <= n; i++ {
		p.Summary = fmt.Sprintf("desk-%d-save-%d", os.Getpid(), i)
		err := st.SavePiece(ctx, p)
		switch galley.ErrorCode(err) {
		case "":
			fmt.Printf("saved %d %s\n", p.ID, p.Summary)
		case galley.EConflict:
			fresh, err := st.Piece(ctx, p.ID)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			p = fresh
			fmt.Printf("conflict %d\n", p.ID)
		case galley.ENotFound:
			p = &galley.Piece{Title: p.Title}
			fmt.Printf("gone\n")
		default:
			fmt.Fprintln(os.Stderr, galley.ErrorMessage(err))
			return 1
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0
}

// proc is one program of a pair.
type proc struct {
	args           []string
	cmd            *exec.Cmd
	stdout, stderr fixture.Buffer
	err            error
	took           time.Duration
	done           chan struct{}
}

// start runs a program of a pair in a child process.
func start(t *testing.T, args ...string) *proc {
	t.Helper()
	js, _ := json.Marshal(args)
	p := &proc{args: args, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "-test.run=^TestManyHandsChild$", "-test.count=1", "-test.timeout=5m")
	p.cmd.Env = append(os.Environ(), envManyHands+"="+string(js))
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	began := time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		p.took = time.Since(began)
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits for the program and returns its exit status.
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(4 * time.Minute):
		t.Fatalf("galley %s did not end", strings.Join(p.args, " "))
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return 0
}

func (p *proc) String() string {
	return fmt.Sprintf("galley %s (%v): stdout %q stderr %q", strings.Join(p.args, " "), p.took.Round(time.Millisecond), lastOf(p.stdout.String(), 400), lastOf(p.stderr.String(), 400))
}

func lastOf(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// writeLoadBundle writes a bundle of n pieces whose slugs start with
// prefix, big enough that importing it takes a while.
func writeLoadBundle(t *testing.T, dir, prefix string, n int) string {
	t.Helper()
	b := filepath.Join(dir, prefix+" bundle")
	if err := os.MkdirAll(b, 0o755); err != nil {
		t.Fatal(err)
	}
	var pieces []map[string]any
	for i := 0; i < n; i++ {
		pieces = append(pieces, map[string]any{
			"title":   fmt.Sprintf("%s piece %d", prefix, i),
			"slug":    fmt.Sprintf("%s-%05d", prefix, i),
			"summary": strings.Repeat(fmt.Sprintf("Words of %s number %d. ", prefix, i), 8),
			"topics":  []string{"Load " + prefix, fmt.Sprintf("Batch %d", i%7)},
			"qa": []map[string]string{
				{"question": "What happened?", "answer": strings.Repeat("A long answer. ", 30)},
				{"question": "And then?", "answer": strings.Repeat("Another answer. ", 30)},
			},
		})
	}
	data, err := json.Marshal(map[string]any{"format": "galley.bundle/1", "pieces": pieces})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b, "pieces.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// slugsWith returns how many pieces of the library at path have slugs
// starting with prefix, reading the file read-only.
func slugsWith(t *testing.T, path, prefix string) int {
	t.Helper()
	db := openRaw(t, path)
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM pieces WHERE slug LIKE ? || '-%'`, prefix).Scan(&n); err != nil {
		t.Fatalf("count %s pieces in %s: %v", prefix, path, err)
	}
	return n
}

func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", (&url.URL{Scheme: "file", Path: path}).String()+"?_query_only=1&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// sound checks the library's integrity and foreign keys, and that its
// search index has a row for every piece.
func sound(t *testing.T, path string) {
	t.Helper()
	db := openRaw(t, path)
	defer db.Close()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Errorf("integrity of %s: %q, %v", filepath.Base(path), res, err)
	}
	rows, err := db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	broken := 0
	for rows.Next() {
		broken++
	}
	rows.Close()
	if broken > 0 {
		t.Errorf("%s has %d rows with broken foreign keys", filepath.Base(path), broken)
	}
	var pieces, indexed int
	db.QueryRow(`SELECT count(*) FROM pieces`).Scan(&pieces)
	db.QueryRow(`SELECT count(*) FROM pieces WHERE search_rowid IN (SELECT rowid FROM piece_search)`).Scan(&indexed)
	if pieces != indexed {
		t.Errorf("%s: %d pieces, %d in the search index", filepath.Base(path), pieces, indexed)
	}
}

// keptPath picks the "before restore" copy a restore's output names.
func keptPath(t *testing.T, restore *proc) string {
	t.Helper()
	_, after, ok := strings.Cut(restore.stdout.String(), "The library as it was is kept as ")
	if !ok {
		t.Fatalf("the restore did not say where the library was kept: %s", restore)
	}
	return strings.TrimSuffix(strings.TrimSpace(after), ".")
}

// newLibrary makes a library with the test bundle in it and a backup of
// it, and returns both paths.
func newLibrary(t *testing.T) (lib, backup string) {
	t.Helper()
	lib = filepath.Join(t.TempDir(), "desk.galley")
	importTestBundle(t, lib)
	backup = filepath.Join(t.TempDir(), "good.galley")
	if r := galleyCmd(t, nil, "--db", lib, "backup", "--out", backup); r.code != 0 {
		t.Fatal(r)
	}
	return lib, backup
}

// afterImportStarted waits until the import child has the library's write
// lock (its pieces are being written), or at most d.
func afterImportStarted(t *testing.T, lib string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		// The log grows as soon as the import writes its first pages.
		if fi, err := os.Stat(lib + "-wal"); err == nil && fi.Size() > 64<<10 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An import and a restore at once: the import's pieces, once it reports
// them created, are in the library (the import came after the restore)
// or in the copy the restore kept (it came before) — never in neither.
func TestImportAndRestoreAtOnce(t *testing.T) {
	// The second import writes for longer than a command's ten-second
	// wait for the lock: a restore must wait for it all the same, not
	// take a busy library for a damaged one and swap it away underneath.
	small, long := writeLoadBundle(t, t.TempDir(), "load", 2500), writeLoadBundle(t, t.TempDir(), "load", 7000)
	for _, wait := range []time.Duration{0, 2 * time.Second} {
		t.Run(fmt.Sprint("restore after ", wait), func(t *testing.T) {
			lib, backup := newLibrary(t)
			bundle, pieces := small, 2500
			if wait > 0 {
				bundle, pieces = long, 7000
			}
			imp := start(t, "--db", lib, "import", bundle)
			if wait > 0 {
				afterImportStarted(t, lib, wait)
			}
			rst := start(t, "--db", lib, "restore", backup)
			impCode, rstCode := imp.wait(t), rst.wait(t)
			t.Logf("%s\n%s", imp, rst)
			if rstCode != 0 {
				t.Fatalf("the restore failed: %s", rst)
			}
			sound(t, lib)
			kept := keptPath(t, rst)
			sound(t, kept)
			inLib, inKept := slugsWith(t, lib, "load"), slugsWith(t, kept, "load")
			switch {
			case impCode == 0 && !strings.Contains(imp.stdout.String(), fmt.Sprintf("%d created", pieces)):
				t.Errorf("the import said: %s", imp)
			case impCode == 0 && inLib+inKept != pieces:
				t.Errorf("the import reported %d pieces created; %d are in the library and %d in the copy kept before the restore", pieces, inLib, inKept)
			case impCode != 0 && inLib+inKept != 0:
				t.Errorf("a failed import left %d pieces in the library, %d in the kept copy", inLib, inKept)
			case impCode != 0 && !strings.Contains(imp.stderr.String(), "busy"):
				t.Errorf("the import failed for another reason than a busy library: %s", imp)
			}
			if r := galleyCmd(t, nil, "--db", lib, "list", "--query", "grid"); r.code != 0 || !strings.Contains(r.stdout, "grid-talks") {
				t.Errorf("after the restore the backup's pieces are not listed: %+v", r)
			}
		})
	}
}

// Reads while an import writes: list, check, backup and html each finish
// without waiting for the import, and each sees the library as it was
// before the import or after it, never half of it.
func TestReadsDuringAnImport(t *testing.T) {
	lib, _ := newLibrary(t)
	// Large enough that the import writes for several seconds, far longer
	// than any read takes even on a busy machine.
	bundle := writeLoadBundle(t, t.TempDir(), "load", 6000)
	imp := start(t, "--db", lib, "import", bundle)
	afterImportStarted(t, lib, 5*time.Second)
	out := t.TempDir()
	backup := filepath.Join(out, "during.galley")
	readers := []*proc{
		start(t, "--db", lib, "list"),
		start(t, "--db", lib, "list", "--query", "words"),
		start(t, "--db", lib, "check"),
		start(t, "--db", lib, "backup", "--out", backup),
		start(t, "--db", lib, "backup"),
		start(t, "--db", lib, "html", "--out", filepath.Join(out, "site"), "--include-drafts"),
	}
	for _, r := range readers {
		if code := r.wait(t); code != 0 {
			t.Errorf("during an import: %s", r)
		}
		select {
		case <-imp.done:
			t.Errorf("a read ended only after the import it ran beside (it waited for it): %s", r)
		default:
		}
		if strings.Contains(r.stderr.String(), "busy") {
			t.Errorf("a read was told the library is busy: %s", r)
		}
	}
	if code := imp.wait(t); code != 0 {
		t.Fatalf("the import: %s", imp)
	}
	t.Logf("import: %s", imp)
	sound(t, lib)
	sound(t, backup)
	if n := slugsWith(t, backup, "load"); n != 0 && n != 6000 {
		t.Errorf("a backup made during the import holds %d of its 6000 pieces", n)
	}
	if n := slugsWith(t, lib, "load"); n != 6000 {
		t.Errorf("the library holds %d of the import's 6000 pieces", n)
	}
}

// Two imports of different bundles at once both land whole (the second
// waits for the first), or one is refused as busy and changes nothing.
func TestTwoImportsAtOnce(t *testing.T) {
	lib, _ := newLibrary(t)
	dir := t.TempDir()
	a := start(t, "--db", lib, "import", writeLoadBundle(t, dir, "alpha", 800))
	b := start(t, "--db", lib, "import", writeLoadBundle(t, dir, "beta", 800))
	for _, p := range []*proc{a, b} {
		code := p.wait(t)
		t.Log(p)
		prefix := p.args[3][len(dir)+1:]
		prefix = strings.TrimSuffix(prefix, " bundle")
		n := slugsWith(t, lib, prefix)
		if code == 0 && n != 800 {
			t.Errorf("%s reported done; %d of its pieces are in the library", prefix, n)
		}
		if code != 0 && (n != 0 || !strings.Contains(p.stderr.String(), "busy")) {
			t.Errorf("%s failed with %d of its pieces in the library: %s", prefix, n, p)
		}
	}
	sound(t, lib)
}

// Two backups at once, beside the library: both are made, under two
// names, and both are whole libraries.
func TestTwoBackupsAtOnce(t *testing.T) {
	lib, _ := newLibrary(t)
	var ps []*proc
	for i := 0; i < 3; i++ {
		ps = append(ps, start(t, "--db", lib, "backup"))
	}
	seen := map[string]bool{}
	for _, p := range ps {
		if code := p.wait(t); code != 0 {
			t.Fatalf("backup: %s", p)
		}
		path := strings.TrimSuffix(strings.TrimSpace(strings.SplitN(p.stdout.String(), " to ", 2)[1]), ".")
		if seen[path] {
			t.Errorf("two backups were written to one name %s", path)
		}
		seen[path] = true
		sound(t, path)
		if n := slugsWith(t, path, "grid"); n != 1 {
			t.Errorf("the backup %s holds %d of the library's pieces", filepath.Base(path), n)
		}
	}
	entries, _ := os.ReadDir(store.BackupDir(lib))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a backup left its working file %s", e.Name())
		}
	}
}

// A desk saving while the library is restored: every save the desk was
// told succeeded is in the library's history or in the copy kept before
// the restore, and the desk goes on saving afterwards (a conflict, then
// its own new version), never into a file that is no longer the library.
func TestDeskSavesDuringARestore(t *testing.T) {
	lib, backup := newLibrary(t)
	desk := start(t, "@desk", lib, "400")
	// Let the desk's piece exist before the restore.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !strings.Contains(desk.stdout.String(), "save-20\n"); {
		time.Sleep(10 * time.Millisecond)
	}
	rst := start(t, "--db", lib, "restore", backup)
	if code := rst.wait(t); code != 0 {
		t.Fatalf("restore: %s", rst)
	}
	if code := desk.wait(t); code != 0 {
		t.Fatalf("the desk stopped: %s", desk)
	}
	kept := keptPath(t, rst)
	sound(t, lib)
	sound(t, kept)
	out := desk.stdout.String()
	if !strings.Contains(out, "gone\n") && !strings.Contains(out, "conflict") {
		t.Errorf("the desk never learned of the restore:\n%s", lastOf(out, 2000))
	}
	// Each acknowledged save is somewhere: the desk's last save before the
	// restore in the kept copy's pieces or revisions; every later one in
	// the library's.
	texts := func(path string) string {
		db := openRaw(t, path)
		defer db.Close()
		var b strings.Builder
		rows, err := db.Query(`SELECT summary FROM pieces`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			b.WriteString(s + "\n")
		}
		rows.Close()
		return b.String()
	}
	lastBefore, lastAfter := "", ""
	restored := false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case line == "gone" || strings.HasPrefix(line, "conflict"):
			restored = true
		case strings.HasPrefix(line, "saved "):
			summary := strings.Fields(line)[2]
			if restored {
				lastAfter = summary
			} else {
				lastBefore = summary
			}
		}
	}
	if lastBefore == "" || lastAfter == "" {
		t.Fatalf("the desk saved %q before and %q after the restore:\n%s", lastBefore, lastAfter, lastOf(out, 2000))
	}
	if !strings.Contains(texts(kept), lastBefore+"\n") {
		t.Errorf("the desk's last save before the restore (%s) is not in the kept library", lastBefore)
	}
	if !strings.Contains(texts(lib), lastAfter+"\n") {
		t.Errorf("the desk's last save (%s) is not in the library", lastAfter)
	}
}

// A restore or a backup killed at any moment leaves the library whole (as
// it was, or restored), and the next run of the same command clears what
// the killed one left and succeeds.
func TestKilledRestoreAndBackupLeaveNothingBehind(t *testing.T) {
	lib, _ := newLibrary(t)
	if r := galleyCmd(t, nil, "--db", lib, "import", writeLoadBundle(t, t.TempDir(), "load", 1500)); r.code != 0 {
		t.Fatal(r)
	}
	big := filepath.Join(t.TempDir(), "big.galley")
	if r := galleyCmd(t, nil, "--db", lib, "backup", "--out", big); r.code != 0 {
		t.Fatal(r)
	}
	leftovers := func(dir string) []string {
		var names []string
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				names = append(names, e.Name())
			}
		}
		return names
	}
	killedSome := false
	for _, delay := range []time.Duration{30 * time.Millisecond, 80 * time.Millisecond, 150 * time.Millisecond, 300 * time.Millisecond} {
		for _, args := range [][]string{{"restore", big}, {"backup"}} {
			p := start(t, append([]string{"--db", lib}, args...)...)
			time.Sleep(delay)
			p.cmd.Process.Signal(syscall.SIGKILL)
			if code := p.wait(t); code != 0 {
				killedSome = true
			}
			sound(t, lib)
			if n := slugsWith(t, lib, "load"); n != 1500 {
				t.Fatalf("after galley %s was killed at %v the library holds %d of its 1500 pieces", args[0], delay, n)
			}
		}
	}
	if !killedSome {
		t.Log("no run was killed midway; the machine is faster than the delays")
	}
	// The next runs clear what the killed ones left.
	for _, args := range [][]string{{"restore", big}, {"backup"}} {
		if r := galleyCmd(t, nil, append([]string{"--db", lib}, args...)...); r.code != 0 {
			t.Fatalf("galley %s after killed runs: %+v", args[0], r)
		}
	}
	for _, dir := range []string{filepath.Dir(lib), store.BackupDir(lib)} {
		if left := leftovers(dir); len(left) > 0 {
			t.Errorf("left in %s: %v", dir, left)
		}
	}
}

// restore takes a backup named by a relative path, however it is written.
func TestRestoreFromARelativePath(t *testing.T) {
	lib, backup := newLibrary(t)
	t.Chdir(filepath.Dir(backup))
	os.Mkdir("sub", 0o755)
	for _, rel := range []string{filepath.Base(backup), "./" + filepath.Base(backup), "sub/../" + filepath.Base(backup)} {
		r := galleyCmd(t, nil, "--db", lib, "restore", rel)
		if r.code != 0 || !strings.Contains(r.stdout, "Restored ") {
			t.Errorf("restore %s = %+v", rel, r)
		}
	}
	t.Chdir(filepath.Dir(lib))
	r := galleyCmd(t, nil, "--db", filepath.Base(lib), "restore", filepath.Join("..", filepath.Base(filepath.Dir(backup)), filepath.Base(backup)))
	if r.code != 0 {
		t.Errorf("restore ../… = %+v", r)
	}
}
