//go:build unix

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
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
	"app.galley/galley/internal/store"
)

// Hostile conditions from the command line ("Never lose a word"): a
// library on a path with spaces and accents works for every command; on a
// full disk or a read-only library a command fails with a sentence that
// names the library and says what is wrong, its input is untouched and the
// library holds what it held.

// TestCLIOnAPathWithSpacesAndAccents runs the commands on a library, a
// bundle, a backup and an HTML site whose paths have spaces, accents and a
// dash.
func TestCLIOnAPathWithSpacesAndAccents(t *testing.T) {
	start := time.Now()
	dir := filepath.Join(t.TempDir(), "Rédaction 2026")
	lib := filepath.Join(dir, "été — desk.galley")
	bundleDir := filepath.Join(dir, "Arrivées du jour")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(bundleDir, os.DirFS(writeTestBundle(t))); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "Cache été")}
	cmd := func(args ...string) result {
		t.Helper()
		return galleyCmd(t, vars, append([]string{"--db", lib}, args...)...)
	}
	ok := func(r result, what string, want ...string) {
		t.Helper()
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("%s = %+v", what, r)
		}
		for _, w := range want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%s says %q, not %q", what, r.stdout, w)
			}
		}
	}

	ok(cmd("import", bundleDir), "import", "Imported "+bundleDir+" into "+lib+": 2 created")
	wantList := "grid-talks                      draft      -           Grid Talks\n" +
		"hydropower-and-its-discontents  published  2024-11-14  Hydropower and Its Discontents\n"
	if r := cmd("list"); r.code != 0 || r.stdout != wantList {
		t.Fatalf("list = %+v", r)
	}
	if r := cmd("list", "--query", "interconn"); r.code != 0 || !strings.HasPrefix(r.stdout, "grid-talks") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("list --query = %+v", r)
	}
	ok(cmd("check"), "check", "The library "+lib+" is sound (2 pieces).")

	// HTML into a folder with spaces and accents.
	site := filepath.Join(dir, "Site publié 2026")
	ok(cmd("html", "--out", site, "--include-drafts"), "html", "Exported ", " to "+site+": ")
	page, err := os.ReadFile(filepath.Join(site, "pieces", "hydropower-and-its-discontents.html"))
	if err != nil || !strings.Contains(string(page), "Hydropower and Its Discontents") {
		t.Errorf("the piece's page: %v", err)
	}
	if _, err := os.Stat(filepath.Join(site, "index.html")); err != nil {
		t.Error(err)
	}
	images := 0
	filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".jpg") || strings.HasSuffix(p, ".jpeg") || strings.HasSuffix(p, ".webp") || strings.HasSuffix(p, ".png")) {
			images++
		}
		return nil
	})
	if images == 0 {
		t.Error("the site has no images")
	}

	// A bundle out and into a second library, both with accented names.
	export := filepath.Join(dir, "Export été", "bundle été.zip")
	ok(cmd("export", "json", "--out", export), "export", "Exported 2 pieces to "+export)
	lib2 := filepath.Join(dir, "Deuxième bibliothèque.galley")
	if r := galleyCmd(t, vars, "--db", lib2, "import", export); r.code != 0 {
		t.Fatalf("import of the export = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib2, "list"); r.stdout != wantList {
		t.Errorf("the second library lists:\n%s", r.stdout)
	}

	// A backup beside the library, the trash, and the backup restored.
	r := cmd("backup")
	ok(r, "backup", "Backed up "+lib+" to "+store.BackupDir(lib)+string(filepath.Separator)+"été — desk ")
	backup := strings.TrimSuffix(strings.TrimPrefix(r.stdout, "Backed up "+lib+" to "), ".\n")
	ok(cmd("backup", "--list"), "backup --list", backup)
	ok(cmd("delete", "grid-talks"), "delete", "Moved “Grid Talks” to the trash")
	ok(cmd("trash"), "trash", "grid-talks")
	ok(cmd("trash", "restore", "grid-talks"), "trash restore", "Restored “Grid Talks”")
	ok(cmd("delete", "hydropower-and-its-discontents"), "delete")
	ok(cmd("trash", "empty"), "trash empty", "1 piece deleted for good")
	ok(cmd("restore", backup), "restore", "Restored "+lib+" from "+backup, "before restore")
	if r := cmd("list"); r.stdout != wantList {
		t.Errorf("after the restore the list is:\n%s", r.stdout)
	}
	ok(cmd("check"), "check after the restore", "is sound (2 pieces)")
	t.Logf("%v", time.Since(start).Round(time.Millisecond))
}

const (
	envCLIChild = "GALLEY_HOSTILE_CLI"       // the command line, as JSON
	envCLILimit = "GALLEY_HOSTILE_CLI_FSIZE" // a file-size limit in bytes
	cliPrefix   = "@galley-cli "
)

// TestHostileCLIChild is the process the tests below run a command in:
// under a file-size limit, or as a user the file modes apply to. It prints
// the command's exit status and output on one line.
func TestHostileCLIChild(t *testing.T) {
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(envCLIChild)), &args); err != nil || len(args) == 0 {
		t.Skip("the process of the hostile command-line tests")
	}
	if s := os.Getenv(envCLILimit); s != "" {
		limit, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		// A write past the limit fails with EFBIG, as on a full disk.
		signal.Ignore(syscall.SIGXFSZ)
		var rl syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
			t.Fatal(err)
		}
		rl.Cur = limit
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), args, env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
	fmt.Printf("%s%d %q %q\n", cliPrefix, code, out.String(), errb.String())
}

// cliChild runs one command in TestHostileCLIChild: in a copy of the test
// binary bin, as cred (nil: this user), under a file-size limit unless it
// is 0.
func cliChild(t *testing.T, bin string, cred *syscall.Credential, limit int64, args ...string) result {
	t.Helper()
	js, _ := json.Marshal(args)
	c := exec.Command(bin, "-test.run=^TestHostileCLIChild$", "-test.count=1", "-test.timeout=2m")
	c.Dir = filepath.Dir(bin)
	c.Env = append(os.Environ(), envCLIChild+"="+string(js))
	if limit > 0 {
		c.Env = append(c.Env, envCLILimit+"="+strconv.FormatInt(limit, 10))
	}
	if cred != nil {
		c.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	err := c.Run()
	for _, line := range strings.Split(stdout.String(), "\n") {
		rest, found := strings.CutPrefix(line, cliPrefix)
		if !found {
			continue
		}
		var r result
		f := strings.SplitN(rest, " ", 2)
		r.code, _ = strconv.Atoi(f[0])
		if _, serr := fmt.Sscanf(f[1], "%q %q", &r.stdout, &r.stderr); serr == nil && err == nil {
			t.Logf("galley %s: %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
			return r
		}
	}
	t.Fatalf("galley %s in a child: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	return result{}
}

// treeHash hashes every file's name, mode and bytes under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v\n", p, info.Mode())
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeLargeBundle writes a bundle of one new piece with a photo of about
// 900 kB under dir.
func writeLargeBundle(t *testing.T, dir string) string {
	t.Helper()
	b := filepath.Join(dir, "Large photo bundle")
	if err := os.MkdirAll(filepath.Join(b, "img"), 0o755); err != nil {
		t.Fatal(err)
	}
	index := `{"format": "galley.bundle/1", "pieces": [
  {"title": "The Square at Noon", "type": "Analysis", "status": "draft", "summary": "A crowd.",
   "photos": [{"file": "img/square.jpg", "alt": "A crowd in the square", "caption": "Noon.", "credit": "Pat Lens/Agency", "lead": true}]}]}`
	if err := os.WriteFile(filepath.Join(b, "pieces.json"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b, "img", "square.jpg"), fixture.JPEG(2400, 1800, 5), 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// checkSentence checks that a command's error is one sentence (or a few)
// for an editor, naming what it should, with no raw SQLite or system text.
func checkSentence(t *testing.T, what string, r result, mention ...string) {
	t.Helper()
	msg, found := strings.CutPrefix(strings.TrimSuffix(r.stderr, "\n"), "galley: ")
	if r.code != 1 || !found || strings.Contains(msg, "\n") || !strings.HasSuffix(msg, ".") {
		t.Errorf("%s = %+v, want exit status 1 and one line of explanation", what, r)
		return
	}
	for _, raw := range []string{"sqlite", "disk I/O error", "file too large", "readonly database", "unable to open", "permission denied", "no space left", "read-only file system"} {
		if strings.Contains(strings.ToLower(msg), strings.ToLower(raw)) {
			t.Errorf("%s: %q holds the raw %q", what, msg, raw)
		}
	}
	for _, m := range mention {
		if !strings.Contains(msg, m) {
			t.Errorf("%s: %q does not say %q", what, msg, m)
		}
	}
}

// TestCLIFullDiskLosesNothing imports a bundle with a large photo, and
// backs the library up, with room on the disk for little more than the
// library: each fails with a sentence saying the disk is full, the bundle
// and the library are as they were, and once there is room the same
// import works.
func TestCLIFullDiskLosesNothing(t *testing.T) {
	dir, bin := fixture.ShareableDir(t, "galley-cli-hostile-")
	lib := filepath.Join(dir, "Rédaction", "desk.galley")
	if err := os.MkdirAll(filepath.Dir(lib), 0o755); err != nil {
		t.Fatal(err)
	}
	importTestBundle(t, lib)
	large := writeLargeBundle(t, dir)
	bundleBefore := treeHash(t, large)
	listBefore := galleyCmd(t, nil, "--db", lib, "list").stdout
	fi, err := os.Stat(lib)
	if err != nil {
		t.Fatal(err)
	}

	r := cliChild(t, bin, nil, fi.Size()+64<<10, "--db", lib, "import", large)
	checkSentence(t, "import on a full disk", r, lib, "full", "Nothing was imported")
	r = cliChild(t, bin, nil, fi.Size()/2, "--db", lib, "backup")
	checkSentence(t, "backup on a full disk", r, store.BackupDir(lib), "full")

	if h := treeHash(t, large); h != bundleBefore {
		t.Error("the bundle changed")
	}
	if r := galleyCmd(t, nil, "--db", lib, "check"); r.code != 0 {
		t.Errorf("check = %+v", r)
	}
	if after := galleyCmd(t, nil, "--db", lib, "list").stdout; after != listBefore {
		t.Errorf("the library changed:\n%s\nwas\n%s", after, listBefore)
	}
	if list, _ := store.Backups(lib); len(list) != 0 {
		t.Errorf("the failed backup left %+v", list)
	}
	if r := galleyCmd(t, nil, "--db", lib, "import", large); r.code != 0 || !strings.Contains(r.stdout, "1 created") {
		t.Errorf("the import with room to spare = %+v", r)
	}
}

// TestCLIReadOnlyLibraryLosesNothing runs commands on a library whose file
// is read-only, and on one whose folder is. As root, who ignores file
// modes, the commands run as the user nobody.
func TestCLIReadOnlyLibraryLosesNothing(t *testing.T) {
	dir, bin := fixture.ShareableDir(t, "galley-cli-hostile-")
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = fixture.Nobody()
	}
	bundleDir := filepath.Join(dir, "Arrivées")
	if err := os.CopyFS(bundleDir, os.DirFS(writeLargeBundle(t, t.TempDir()))); err != nil {
		t.Fatal(err)
	}
	bundleBefore := treeHash(t, bundleDir)
	for _, c := range []struct {
		name              string
		fileMode, dirMode os.FileMode
	}{{"file", 0o444, 0o755}, {"folder", 0o644, 0o555}} {
		t.Run(c.name, func(t *testing.T) {
			folder := filepath.Join(dir, "Rédaction "+c.name)
			lib := filepath.Join(folder, "desk.galley")
			if err := os.Mkdir(folder, 0o755); err != nil {
				t.Fatal(err)
			}
			importTestBundle(t, lib)
			listBefore := galleyCmd(t, nil, "--db", lib, "list").stdout
			if cred != nil {
				for _, p := range []string{folder, lib} {
					if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := os.Chmod(lib, c.fileMode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(folder, c.dirMode); err != nil {
				t.Fatal(err)
			}

			// Where the library cannot be opened for writing, the import
			// stops before it starts.
			nothing := map[string]string{"file": "Nothing was imported", "folder": "Nothing was changed"}[c.name]
			r := cliChild(t, bin, cred, 0, "--db", lib, "import", bundleDir)
			checkSentence(t, "import", r, lib, "read-only", nothing)
			r = cliChild(t, bin, cred, 0, "--db", lib, "delete", "grid-talks")
			checkSentence(t, "delete", r, lib, "read-only")
			r = cliChild(t, bin, cred, 0, "--db", lib, "list")
			if c.name == "file" {
				// A read-only library can still be read.
				if r.code != 0 || r.stdout != listBefore {
					t.Errorf("list = %+v", r)
				}
			} else {
				checkSentence(t, "list", r, lib, "read-only")
			}

			if h := treeHash(t, bundleDir); h != bundleBefore {
				t.Error("the bundle changed")
			}
			// The condition lifted, the same user can write the library.
			os.Chmod(folder, 0o755)
			os.Chmod(lib, 0o644)
			if r := cliChild(t, bin, cred, 0, "--db", lib, "check"); r.code != 0 {
				t.Errorf("check = %+v", r)
			}
			if after := galleyCmd(t, nil, "--db", lib, "list").stdout; after != listBefore {
				t.Errorf("the library changed:\n%s\nwas\n%s", after, listBefore)
			}
		})
	}
}
