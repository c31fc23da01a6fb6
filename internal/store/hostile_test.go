//go:build unix

package store

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// Hostile conditions ("Never lose a word"): a full disk, a read-only
// library file or folder, a library on a path with spaces and accents.
// For each, an editor gets a sentence that says what is wrong and names
// the file, the piece in the editor is exactly as it was before the failed
// save (so it can be saved again), and the library, once the condition is
// lifted, opens, passes its integrity check and holds what it held.
//
// The conditions that need a process of their own (a file-size limit, a
// user the file modes apply to: root ignores them) run in a copy of this
// test binary, with the child protocol of proc_test.go: the child reports
// in lines on stdout, the parent judges.

const (
	envHostileChild   = "GALLEY_HOSTILE_CHILD"   // which child test should run
	envHostileLibrary = "GALLEY_HOSTILE_LIBRARY" // the library it works on
	envHostileRetry   = "GALLEY_HOSTILE_RETRY"   // "1": the condition lifted, open or save again

	envHostileReadOnlyDir = "GALLEY_HOSTILE_READ_ONLY_DIR" // a read-only folder to back up into
)

// A child reports each step as "KIND WHAT STATUS TEXT", TEXT quoted:
//
//	result save-new ok ""             the step returned nil
//	result save-new invalid "The…"    it failed with this code and message
//	unchanged save-new true ""        the piece is as before the call
//	unchanged save-new false "…"      it is not; TEXT says how
//	saved retry-new 12 "{ID:12 …}"    saved as piece 12, as described
//	path backup-near - "/…/x.galley"  a file the step wrote
type hostileLine struct{ status, text string }

func hostileSay(kind, what, status, text string) {
	childSay("%s %s %s %q", kind, what, status, text)
}

// hostileResult reports what a step returned.
func hostileResult(what string, err error) {
	if err == nil {
		hostileSay("result", what, "ok", "")
		return
	}
	hostileSay("result", what, galley.ErrorCode(err), err.Error())
}

// hostileUnchanged reports whether p still reads as want (describePiece).
func hostileUnchanged(what string, p *galley.Piece, want string) {
	if got := describePiece(p); got != want {
		hostileSay("unchanged", what, "false", fmt.Sprintf("now %s\nwas %s", got, want))
		return
	}
	hostileSay("unchanged", what, "true", "")
}

// describePiece spells out every field of p, photo bytes by their hash, so
// two descriptions are equal exactly when the pieces are.
func describePiece(p *galley.Piece) string {
	c := *p
	c.Photos = nil
	var b strings.Builder
	fmt.Fprintf(&b, "%+v", c)
	for i, ph := range p.Photos {
		data := "nil"
		if ph.Data != nil {
			sum := sha256.Sum256(ph.Data)
			data = fmt.Sprintf("%d bytes %s", len(ph.Data), hex.EncodeToString(sum[:8]))
		}
		ph.Data = nil
		fmt.Fprintf(&b, " photo %d: %+v data %s;", i+1, ph, data)
	}
	return b.String()
}

// runHostileChild runs the child test test in a new process of the test
// binary bin, in the folder dir, as the user cred (nil: this process's),
// with env added to this process's environment, and returns what it
// reported, by "KIND WHAT". The child must exit cleanly.
func runHostileChild(t *testing.T, bin, dir, test string, cred *syscall.Credential, env ...string) map[string]hostileLine {
	t.Helper()
	cmd := exec.Command(bin, "-test.run=^"+test+"$", "-test.count=1", "-test.timeout=2m")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	got := map[string]hostileLine{}
	var said, other []string
	for _, line := range strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n") {
		rest, ok := strings.CutPrefix(line, childPrefix)
		if !ok {
			other = append(other, line)
			continue
		}
		said = append(said, rest)
		f := strings.SplitN(rest, " ", 4)
		if len(f) != 4 {
			t.Fatalf("%s said %q", test, rest)
		}
		text, uerr := strconv.Unquote(f[3])
		if uerr != nil {
			t.Fatalf("%s said %q: %v", test, rest, uerr)
		}
		got[f[0]+" "+f[1]] = hostileLine{f[2], text}
	}
	if err != nil || !strings.Contains(stdout.String(), "\nPASS") && !strings.HasPrefix(stdout.String(), "PASS") {
		t.Fatalf("%s: %v\nit said:\n  %s\nother output:\n%s\nstderr:\n%s", test, err,
			strings.Join(said, "\n  "), lastLines(strings.Join(other, "\n"), 20), lastLines(stderr.String(), 40))
	}
	t.Logf("%s said:\n  %s", test, strings.Join(said, "\n  "))
	return got
}

// rawErrorTexts are what SQLite, the operating system and Go's error
// wrapping say on their own: none of it is a sentence for an editor.
func rawErrorTexts() []string {
	raw := []string{"sqlite", "SQLITE", "errno", "%!", "open library", "create library", "upgrade library"}
	for code := 1; code <= 28; code++ {
		raw = append(raw, sqlite3.ErrNo(code).Error())
	}
	for _, e := range []syscall.Errno{syscall.EFBIG, syscall.ENOSPC, syscall.EDQUOT, syscall.EACCES, syscall.EPERM, syscall.EROFS, syscall.EIO} {
		raw = append(raw, e.Error())
	}
	return raw
}

// checkEditorMessage checks that msg is a sentence an editor understands:
// it starts with a capital, ends with a full stop, holds no raw error text
// and says each of the things in mention (the file, what is wrong, …).
func checkEditorMessage(t *testing.T, what, msg string, mention ...string) {
	t.Helper()
	if msg == "" {
		t.Errorf("%s: no message", what)
		return
	}
	var bad []string
	if first := []rune(msg)[0]; !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZ“", first) {
		bad = append(bad, "does not start with a capital")
	}
	if !strings.HasSuffix(msg, ".") {
		bad = append(bad, "does not end with a full stop")
	}
	for _, raw := range rawErrorTexts() {
		if strings.Contains(strings.ToLower(msg), strings.ToLower(raw)) {
			bad = append(bad, fmt.Sprintf("holds the raw %q", raw))
		}
	}
	for _, m := range mention {
		if !strings.Contains(msg, m) {
			bad = append(bad, fmt.Sprintf("does not say %q", m))
		}
	}
	if len(bad) > 0 {
		t.Errorf("%s: the message %q %s", what, msg, strings.Join(bad, "; "))
	}
}

// libraryDigest opens the library with the integrity check and describes
// everything in it: each table's rows (by hash) and each piece in full.
// Two digests are equal exactly when the libraries hold the same.
func libraryDigest(t *testing.T, path string) string {
	t.Helper()
	s, err := Open(path, Options{QuickCheck: true})
	if err != nil {
		t.Fatalf("the library does not open: %v", err)
	}
	defer s.Close()
	if err := s.QuickCheck(ctx); err != nil {
		t.Fatalf("the library fails its check: %v", err)
	}
	var b strings.Builder
	var tables []string
	err = queryEach(ctx, s.rdb, `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`, nil, func(r *sql.Rows) error {
		var name string
		err := r.Scan(&name)
		tables = append(tables, name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		h := sha256.New()
		n := 0
		rows, err := s.rdb.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%v\n", vals)
			n++
		}
		rows.Close()
		fmt.Fprintf(&b, "%s: %d rows %x\n", table, n, h.Sum(nil)[:8])
	}
	err = s.EachPiece(ctx, func(p *galley.Piece, _ ImageFunc) error {
		fmt.Fprintf(&b, "%s\n", describePiece(p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// seedLibrary makes a library at path holding two whole pieces, and
// closes it.
func seedLibrary(t *testing.T, path string) {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, title := range []string{"The Summit Changed Little", "What the Ceasefire Means"} {
		if err := s.SavePiece(ctx, fullPiece(title, 10*i+1)); err != nil {
			t.Fatal(err)
		}
	}
}

// bigPhoto is a real JPEG of about 900 kB.
func bigPhoto(seed int) galley.Photo {
	return galley.Photo{Data: fixture.JPEG(2400, 1800, seed), Alt: "A crowd in the square", Caption: "The square at noon.", Credit: "Pat Lens/Agency"}
}

// filesIn lists the names in dir, sorted.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// setFileSizeLimit sets the soft RLIMIT_FSIZE: a write past limit bytes
// fails with EFBIG, as on a full disk (SIGXFSZ must be ignored, or it
// kills the process instead). limit < 0 lifts it (to the hard limit).
func setFileSizeLimit(t *testing.T, limit int64) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
		t.Fatal(err)
	}
	rl.Cur = rl.Max
	if limit >= 0 && uint64(limit) < rl.Max {
		rl.Cur = uint64(limit)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
		t.Fatal(err)
	}
}

// hostileSaves saves a new piece and an edit of a stored one under the
// child's condition, reporting each result and whether the piece value is
// as it was before the save.
func hostileSaves(s *Store, fresh, edit *galley.Piece) {
	for _, step := range []struct {
		what string
		p    *galley.Piece
	}{{"save-new", fresh}, {"save-edit", edit}} {
		want := describePiece(step.p)
		err := s.SavePiece(ctx, step.p)
		hostileResult(step.what, err)
		hostileUnchanged(step.what, step.p, want)
	}
}

// TestHostileFullDiskChild is the process TestFullDiskLosesNothing runs
// with a file-size limit. It opens the library, tries a backup with the
// limit below the library's size, then, with the limit a little above it,
// a new piece and an edit of a stored piece, each with a large photo, and
// reports each result and whether the piece is as it was. With
// GALLEY_HOSTILE_RETRY=1 it then tries a backup under the limit, lifts
// the limit and saves the same two pieces again.
func TestHostileFullDiskChild(t *testing.T) {
	path := os.Getenv(envHostileLibrary)
	if os.Getenv(envHostileChild) != "full-disk" || path == "" {
		t.Skip("the process of TestFullDiskLosesNothing")
	}
	s, err := Open(path)
	if err != nil {
		hostileResult("open", err)
		t.Fatal(err)
	}
	defer s.Close()
	edit, err := s.Piece(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	fresh := fullPiece("A New Piece With a Large Photo", 90)
	fresh.Photos = append(fresh.Photos, bigPhoto(91))
	edit.Title = "The Summit Changed Little, Edited"
	edit.Body += "\n\nA paragraph written on a full disk."
	edit.Photos = append(edit.Photos, bigPhoto(92))
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	signal.Ignore(syscall.SIGXFSZ)

	// A backup is a compacted copy of the library: with room for less
	// than the library, it cannot be written.
	setFileSizeLimit(t, fi.Size()/2)
	dest, err := s.BackupNow(ctx)
	hostileResult("backup-under", err)
	if dest != "" {
		hostileSay("path", "backup-under", "-", dest)
	}

	// A little more room than the library takes: the log of a save with
	// a large photo does not fit.
	setFileSizeLimit(t, fi.Size()+64<<10)
	hostileSaves(s, fresh, edit)
	if os.Getenv(envHostileRetry) != "1" {
		return
	}

	// The same room: the compacted copy may well fit.
	dest, err = s.BackupNow(ctx)
	hostileResult("backup-near", err)
	if dest != "" {
		hostileSay("path", "backup-near", "-", dest)
	}
	// Space is freed; the editor saves again what is still in the editor.
	setFileSizeLimit(t, -1)
	for _, step := range []struct {
		what string
		p    *galley.Piece
	}{{"retry-new", fresh}, {"retry-edit", edit}} {
		err := s.SavePiece(ctx, step.p)
		hostileResult(step.what, err)
		if err == nil {
			hostileSay("saved", step.what, strconv.FormatInt(step.p.ID, 10), describePiece(step.p))
		}
	}
}

// TestFullDiskLosesNothing runs TestHostileFullDiskChild under a file-size
// limit (EFBIG stands in for ENOSPC: SQLite reports both as a failed
// write). Every failure is a sentence saying the disk is full and naming
// the file; the pieces in hand are unchanged; the library afterwards is
// sound and holds exactly what it held, and no half-written backup is
// left; once space is freed the same pieces save.
func TestFullDiskLosesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "desk")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "library.galley")
	seedLibrary(t, lib)
	before := libraryDigest(t, lib)
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env := []string{envHostileChild + "=full-disk", envHostileLibrary + "=" + lib}

	t.Run("fails", func(t *testing.T) {
		start := time.Now()
		got := runHostileChild(t, bin, dir, "TestHostileFullDiskChild", nil, env...)
		t.Logf("child: %v", time.Since(start).Round(time.Millisecond))
		checkFullDiskFailures(t, got, lib)
		if after := libraryDigest(t, lib); after != before {
			t.Errorf("the library changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
		if files := filesIn(t, BackupDir(lib)); len(files) > 0 {
			t.Errorf("the failed backup left %v", files)
		}
		for _, name := range filesIn(t, dir) {
			if name != "library.galley" && name != "library.galley backups" {
				t.Errorf("the library's folder holds %s", name)
			}
		}
	})

	t.Run("retry", func(t *testing.T) {
		got := runHostileChild(t, bin, dir, "TestHostileFullDiskChild", nil, append(env, envHostileRetry+"=1")...)
		checkFullDiskFailures(t, got, lib)
		switch r := got["result backup-near"]; r.status {
		case "ok":
			p := got["path backup-near"].text
			if err := CheckBackup(ctx, p); err != nil {
				t.Errorf("the backup made near the limit fails its check: %v", err)
			}
		default:
			checkEditorMessage(t, "backup near the limit", r.text, "disk", "full", BackupDir(lib))
		}
		s, err := Open(lib, Options{QuickCheck: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for _, what := range []string{"retry-new", "retry-edit"} {
			if r := got["result "+what]; r.status != "ok" {
				t.Errorf("%s once space is freed: %s %q", what, r.status, r.text)
				continue
			}
			saved := got["saved "+what]
			id, _ := strconv.ParseInt(saved.status, 10, 64)
			p, err := s.Piece(ctx, id)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if describePiece(p) != saved.text {
				t.Errorf("%s: the library holds\n%s\nthe editor was told\n%s", what, describePiece(p), saved.text)
			}
			if len(p.Photos) != 3 || p.Photos[2].Image.Size < 500_000 {
				t.Errorf("%s: the large photo is not there: %+v", what, p.Photos)
			}
		}
		if n, err := s.CountPieces(ctx, galley.Filter{}); err != nil || n != 3 {
			t.Errorf("the library holds %d pieces (%v), want 3", n, err)
		}
	})
}

func checkFullDiskFailures(t *testing.T, got map[string]hostileLine, lib string) {
	t.Helper()
	if r := got["result backup-under"]; r.status == "ok" || r.status == "" {
		t.Errorf("a backup with room for half the library: %s %q", r.status, r.text)
	} else {
		checkEditorMessage(t, "backup", r.text, BackupDir(lib), "full")
	}
	for _, what := range []string{"save-new", "save-edit"} {
		r := got["result "+what]
		if r.status == "ok" || r.status == "" {
			t.Errorf("%s on a full disk: %s %q", what, r.status, r.text)
			continue
		}
		checkEditorMessage(t, what, r.text, lib, "full", "not saved")
		if u := got["unchanged "+what]; u.status != "true" {
			t.Errorf("%s: the piece in the editor changed: %s", what, u.text)
		}
	}
}

// TestHostileReadOnlyChild is the process TestReadOnlyLibraryLosesNothing
// runs as a user the file modes apply to. It opens the library and, if
// that works, reads it, tries a new piece, an edit, a deletion and a
// backup, and reports each result and whether the piece is as it was.
// With GALLEY_HOSTILE_RETRY=1 it only opens the library (for writing, as
// Open does) and checks it.
func TestHostileReadOnlyChild(t *testing.T) {
	path := os.Getenv(envHostileLibrary)
	if os.Getenv(envHostileChild) != "read-only" || path == "" {
		t.Skip("the process of TestReadOnlyLibraryLosesNothing")
	}
	if os.Getenv(envHostileRetry) == "1" {
		// The condition lifted: the library opens for writing.
		s, err := Open(path, Options{QuickCheck: true})
		hostileResult("reopen", err)
		if err == nil {
			hostileResult("close", s.Close())
		}
		return
	}
	s, err := Open(path)
	hostileResult("open", err)
	if err != nil {
		return
	}
	defer s.Close()
	list, err := s.FindPieces(ctx, galley.Filter{Query: "summit"})
	hostileResult("search", err)
	hostileSay("found", "search", strconv.Itoa(len(list)), "")
	edit, err := s.Piece(ctx, 1)
	hostileResult("load", err)
	if err != nil {
		return
	}
	fresh := fullPiece("A New Piece on a Read-Only Desk", 90)
	edit.Title = "The Summit Changed Little, Edited"
	edit.Photos = append(edit.Photos, galley.Photo{Data: fixture.JPEG(80, 60, 93), Caption: "New."})
	hostileSaves(s, fresh, edit)
	_, err = s.DeletePiece(ctx, 2)
	hostileResult("delete", err)
	dest, err := s.BackupNow(ctx)
	hostileResult("backup", err)
	if dest != "" {
		hostileSay("path", "backup", "-", dest)
	}
	// Backups into a read-only folder, and into a folder to be made in it.
	if ro := os.Getenv(envHostileReadOnlyDir); ro != "" {
		hostileResult("backup-into", s.Backup(ctx, filepath.Join(ro, "copy.galley")))
		hostileResult("backup-under", s.Backup(ctx, filepath.Join(ro, "Backups", "copy.galley")))
	}
}

// TestReadOnlyLibraryLosesNothing makes the library file read-only, or its
// folder (SQLite keeps its write-ahead log and index beside the file), or
// both, and runs TestHostileReadOnlyChild. Root ignores file modes, so as
// root the child runs as the user nobody, who then owns the library.
// Opening the library may fail, or reading may work; every failure is a
// sentence naming the file and saying it cannot be written; the pieces in
// hand are unchanged; the file is byte for byte what it was and nothing
// is left beside it; once the modes are put back the library opens,
// passes its check and holds what it held.
func TestReadOnlyLibraryLosesNothing(t *testing.T) {
	root := os.Geteuid() == 0
	// A folder everyone can enter, for the binary and the libraries.
	base, bin := fixture.ShareableDir(t, "galley-read-only-")
	var cred *syscall.Credential
	if root {
		cred = fixture.Nobody()
	}

	for _, c := range []struct {
		name             string
		fileMode, dirMod os.FileMode
	}{
		{"file", 0o444, 0o755},
		{"folder", 0o644, 0o555},
		{"both", 0o444, 0o555},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(base, c.name)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			lib := filepath.Join(dir, "library.galley")
			seedLibrary(t, lib)
			before := libraryDigest(t, lib)
			hash := fileHash(t, lib)
			files := filesIn(t, dir)
			if root {
				for _, p := range []string{dir, lib} {
					if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := os.Chmod(lib, c.fileMode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, c.dirMod); err != nil {
				t.Fatal(err)
			}
			ro := filepath.Join(base, c.name+" read-only")
			if err := os.Mkdir(ro, 0o755); err != nil {
				t.Fatal(err)
			}
			if root {
				if err := os.Chown(ro, int(cred.Uid), int(cred.Gid)); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(ro, 0o555); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			got := runHostileChild(t, bin, base, "TestHostileReadOnlyChild", cred,
				envHostileChild+"=read-only", envHostileLibrary+"="+lib, envHostileReadOnlyDir+"="+ro)
			t.Logf("child: %v", time.Since(start).Round(time.Millisecond))

			checkReadOnlyFailures(t, got, lib)
			if got["result open"].status == "ok" {
				for _, what := range []string{"backup-into", "backup-under"} {
					if r := got["result "+what]; r.status == "ok" {
						t.Errorf("%s a read-only folder succeeded", what)
					} else {
						checkEditorMessage(t, what, r.text, "its folder "+ro+" is read-only", "The library is unchanged")
					}
				}
				if files := filesIn(t, ro); len(files) > 0 {
					t.Errorf("the failed backups left %v", files)
				}
			}
			if h := fileHash(t, lib); h != hash {
				t.Errorf("the library file changed")
			}
			checkLeftBeside(t, dir, files, got)
			// The condition lifted: the same user opens the library for
			// writing again, though SQLite's side files, made while it was
			// read-only, were read-only too.
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(lib, 0o644); err != nil {
				t.Fatal(err)
			}
			got = runHostileChild(t, bin, base, "TestHostileReadOnlyChild", cred,
				envHostileChild+"=read-only", envHostileLibrary+"="+lib, envHostileRetry+"=1")
			if r := got["result reopen"]; r.status != "ok" {
				t.Errorf("with the library writable again, it does not open: %s", r.text)
			}
			if after := libraryDigest(t, lib); after != before {
				t.Errorf("the library changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// checkLeftBeside checks that the library's folder holds what it held
// (files) and at most what a read-only library may leave: SQLite's empty
// log and its index, which it cannot remove when it may not write the
// library, and the backup the child reported, which must be sound.
func checkLeftBeside(t *testing.T, dir string, files []string, got map[string]hostileLine) {
	t.Helper()
	for _, name := range filesIn(t, dir) {
		if slices.Contains(files, name) {
			continue
		}
		p := filepath.Join(dir, name)
		switch name {
		case "library.galley-wal":
			if fi, err := os.Stat(p); err != nil || fi.Size() != 0 {
				t.Errorf("the child left a write-ahead log of %d bytes (%v)", fi.Size(), err)
			}
		case "library.galley-shm":
		case "library.galley backups":
			backup := got["path backup"].text
			for _, b := range filesIn(t, p) {
				if filepath.Join(p, b) != backup {
					t.Errorf("the child left %s in the backup folder (it reported %q)", b, backup)
				} else if err := CheckBackup(ctx, backup); err != nil {
					t.Errorf("the backup of a read-only library: %v", err)
				}
			}
		default:
			t.Errorf("the child left %s beside the library", name)
		}
	}
}

func checkReadOnlyFailures(t *testing.T, got map[string]hostileLine, lib string) {
	t.Helper()
	open := got["result open"]
	if open.status != "ok" {
		checkEditorMessage(t, "open", open.text, lib)
		return
	}
	for _, what := range []string{"save-new", "save-edit", "delete"} {
		r := got["result "+what]
		if r.status == "ok" || r.status == "" {
			t.Errorf("%s in a read-only library: %s %q", what, r.status, r.text)
			continue
		}
		checkEditorMessage(t, what, r.text, lib)
		if u, ok := got["unchanged "+what]; ok && u.status != "true" {
			t.Errorf("%s: the piece in the editor changed: %s", what, u.text)
		}
	}
	// A backup of a read-only library can be made beside it, but the
	// library cannot record when.
	if r := got["result backup"]; r.status != "ok" {
		checkEditorMessage(t, "backup", r.text, lib)
	}
}

// TestLibraryMovedWhileOpenLosesNothing moves the library file away, or
// deletes it, while it is open. SQLite in WAL mode would go on saving into
// the log beside the old path, where the moved file never sees the saves,
// and report success. Instead saving fails with a sentence saying so and
// the piece in hand is unchanged, a backup is refused (it would copy
// whatever is at the path now), nothing is made at the old path, and once
// the file is back the same piece saves.
func TestLibraryMovedWhileOpenLosesNothing(t *testing.T) {
	for _, how := range []string{"moved", "deleted"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			lib := filepath.Join(dir, "library.galley")
			seedLibrary(t, lib)
			s, err := Open(lib)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p, err := s.Piece(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			p.Title = "Edited While the File Was Away"
			want := describePiece(p)
			away := filepath.Join(dir, "elsewhere.galley")
			if how == "deleted" {
				// Kept by a hard link, so it can come back.
				if err := os.Link(lib, away); err != nil {
					t.Fatal(err)
				}
				err = os.Remove(lib)
			} else {
				err = os.Rename(lib, away)
			}
			if err != nil {
				t.Fatal(err)
			}
			err = s.SavePiece(ctx, p)
			if err == nil {
				t.Fatalf("a save into a library %s away succeeded", how)
			}
			checkEditorMessage(t, "save", err.Error(), lib, "moved, renamed or deleted", "not saved")
			if got := describePiece(p); got != want {
				t.Errorf("the piece in the editor changed:\nnow %s\nwas %s", got, want)
			}
			if _, err := s.DeletePiece(ctx, 2); err == nil {
				t.Errorf("a piece was deleted from a library %s away", how)
			}
			if _, err := s.BackupNow(ctx); err == nil {
				t.Errorf("a library %s away was backed up", how)
			} else {
				checkEditorMessage(t, "backup", err.Error(), lib, "not backed up")
			}
			if _, err := os.Stat(lib); err == nil {
				t.Errorf("a file was made at the old path")
			}
			if err := os.Rename(away, lib); err != nil {
				t.Fatal(err)
			}
			if err := s.SavePiece(ctx, p); err != nil {
				t.Fatalf("saving again with the file back: %v", err)
			}
			if p.Version != 2 {
				t.Errorf("saved as version %d, want 2", p.Version)
			}
			s.Close()
			s2, err := Open(lib, Options{QuickCheck: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			if got, err := s2.Piece(ctx, 1); err != nil || got.Title != p.Title || got.Version != 2 {
				t.Errorf("the library holds %+v (%v)", got, err)
			}
			if n, err := s2.CountPieces(ctx, galley.Filter{}); err != nil || n != 2 {
				t.Errorf("the library holds %d pieces (%v), want 2", n, err)
			}
		})
	}
}

// TestLibraryOnAPathWithSpacesAndAccents keeps a library in folders and
// files whose names have spaces, accents, a dash, and the characters a
// file: address gives meaning to (%, #, ?): opening, saving with photos,
// searching, a backup beside it ("<library> backups"), the trash, and
// restoring the backup all work, and every file lands where its name says.
func TestLibraryOnAPathWithSpacesAndAccents(t *testing.T) {
	for _, name := range []string{
		filepath.Join("Rédaction 2026", "été — desk.galley"),
		filepath.Join("Archiv 100%20 #2?", "Ünïcødé & “quotes” 50% ?.galley"),
	} {
		t.Run(filepath.Base(name), func(t *testing.T) {
			start := time.Now()
			lib := filepath.Join(t.TempDir(), name)
			dir := filepath.Dir(lib)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			s, err := Open(lib)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { s.Close() }()
			if s.Path() != lib {
				t.Errorf("Path() = %q, want %q", s.Path(), lib)
			}
			a := fullPiece("Été à Genève", 1)
			a.Body = "Les négociateurs se sont retrouvés au café du Léman."
			b := fullPiece("The Summit Changed Little", 3)
			for _, p := range []*galley.Piece{a, b} {
				if err := s.SavePiece(ctx, p); err != nil {
					t.Fatalf("save %q: %v", p.Title, err)
				}
			}
			for _, f := range filesIn(t, dir) {
				if f != filepath.Base(lib) && f != filepath.Base(lib)+"-wal" && f != filepath.Base(lib)+"-shm" {
					t.Errorf("the library's folder holds %q", f)
				}
			}
			got, err := s.Piece(ctx, a.ID)
			if err != nil || got.Title != "Été à Genève" || len(got.Photos) != 2 {
				t.Fatalf("reloaded %+v (%v)", got, err)
			}
			data, err := s.ImageData(ctx, got.Photos[0].Image.Hash)
			if err != nil || !bytes.Equal(data, fixture.JPEG(64, 48, 1)) {
				t.Errorf("the photo's bytes came back as %d bytes (%v)", len(data), err)
			}
			if list, err := s.FindPieces(ctx, galley.Filter{Query: "geneve cafe"}); err != nil || len(list) != 1 || list[0].ID != a.ID {
				t.Errorf("search = %+v (%v)", list, err)
			}

			// A backup, in "<library> backups" beside it.
			backup, err := s.BackupNow(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Dir(backup) != lib+" backups" || !strings.HasPrefix(filepath.Base(backup), strings.TrimSuffix(filepath.Base(lib), ".galley")+" ") {
				t.Errorf("the backup is at %q", backup)
			}
			if list, err := Backups(lib); err != nil || len(list) != 1 || list[0].Path != backup {
				t.Errorf("Backups = %+v (%v)", list, err)
			}
			if err := CheckBackup(ctx, backup); err != nil {
				t.Errorf("the backup fails its check: %v", err)
			}

			// The trash and back.
			if _, err := s.DeletePiece(ctx, a.ID); err != nil {
				t.Fatal(err)
			}
			trash, err := s.Trash(ctx)
			if err != nil || len(trash) != 1 || trash[0].Title != "Été à Genève" {
				t.Fatalf("trash = %+v (%v)", trash, err)
			}
			back, err := s.RestoreTrashed(ctx, trash[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			// It comes back whole; its photos are stored anew, and the
			// restore is a change of its own, at a version past any it had.
			if back.Version <= got.Version {
				t.Errorf("back from the trash at version %d, not past its %d", back.Version, got.Version)
			}
			content := func(p *galley.Piece) string {
				c := clonePiece(p)
				c.Updated, c.Version = time.Time{}, 0
				for i := range c.Photos {
					c.Photos[i].ID = 0
				}
				return describePiece(c)
			}
			if content(back) != content(got) {
				t.Errorf("back from the trash:\n%s\nwas\n%s", content(back), content(got))
			}

			// An edit after the backup, then the backup restored over it.
			back.Title = "Changed After the Backup"
			if err := s.SavePiece(ctx, back); err != nil {
				t.Fatal(err)
			}
			s.Close()
			kept, err := Restore(ctx, backup, lib)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Dir(kept) != lib+" backups" || !strings.Contains(filepath.Base(kept), "before restore") {
				t.Errorf("the library before the restore is kept at %q", kept)
			}
			if s, err = Open(lib, Options{QuickCheck: true}); err != nil {
				t.Fatal(err)
			}
			if p, err := s.Piece(ctx, a.ID); err != nil || p.Title != "Été à Genève" {
				t.Errorf("after the restore the piece is %+v (%v)", p, err)
			}
			if list, err := s.FindPieces(ctx, galley.Filter{Query: "léman"}); err != nil || len(list) != 1 {
				t.Errorf("search after the restore = %+v (%v)", list, err)
			}
			k, err := Open(kept, Options{QuickCheck: true})
			if err != nil {
				t.Fatal(err)
			}
			if p, err := k.Piece(ctx, a.ID); err != nil || p.Title != "Changed After the Backup" {
				t.Errorf("the kept library holds %+v (%v)", p, err)
			}
			k.Close()
			for _, f := range filesIn(t, dir) {
				if !strings.HasPrefix(f, filepath.Base(lib)) || strings.HasPrefix(f, ".") {
					t.Errorf("the library's folder holds %q", f)
				}
			}
			t.Logf("%v", time.Since(start).Round(time.Millisecond))
		})
	}
}
