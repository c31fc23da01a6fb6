package export_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// TestTheSiteIsServedAsWritten exports under the usual umask 022: the site
// folder, its folders and files get 0755 and 0644 as any program's would
// (the staging folder was 0700, so a web server running as another user
// answered 403 for the whole site), nothing of Galley's bookkeeping is in
// what is served, and a real web server running as another user (Python's
// http.server, as nobody when the tests run as root) serves the pages and
// photos.
func TestTheSiteIsServedAsWritten(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	st := sampleLibrary(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	exportTo(t, st, out, export.Options{})
	modesAre(t, out, 0o755, 0o644, "under umask 022")

	// Debian's own, which nobody may run (a python3 earlier in root's
	// PATH may live in root's home).
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skip("python3 is not installed")
	}
	// As root, the server runs as nobody: the site's modes are what let
	// another user read it. Otherwise it runs as this user, which still
	// shows the pages served and the bookkeeping not.
	var cred *syscall.Credential
	who := "this user"
	if os.Geteuid() == 0 {
		nobody, err := user.Lookup("nobody")
		if err != nil {
			t.Fatal("no user nobody to run the web server as")
		}
		uid, _ := strconv.Atoi(nobody.Uid)
		gid, _ := strconv.Atoi(nobody.Gid)
		cred, who = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, "nobody"
		// t.TempDir makes its folders 0700; the web server must reach the
		// site's own folder for the site's modes to be what is tested.
		for dir := parent; dir != os.TempDir() && dir != "/"; dir = filepath.Dir(dir) {
			os.Chmod(dir, 0o755)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	// The server serves the folder above the site, as a web root that
	// holds the site in a folder of its own (/var/www/html/news) does:
	// Galley's bookkeeping beside the site is then within its reach.
	srv := exec.Command(python, "-m", "http.server", "--bind", "127.0.0.1", "--directory", parent, strconv.Itoa(port))
	srv.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	srv.Dir = "/"
	var log strings.Builder
	srv.Stdout, srv.Stderr = &log, &log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { syscall.Kill(-srv.Process.Pid, syscall.SIGKILL); srv.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d/", port)
	get := func(path string) (int, []byte) {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			resp, err := http.Get(base + path)
			if err != nil {
				if time.Now().After(deadline) {
					t.Fatalf("the web server does not answer: %v\n%s", err, log.String())
				}
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, body
		}
	}
	pages, photos := 0, 0
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		// Every file: pages and photos, and the stylesheet, feed,
		// sitemap and robots.txt beside them.
		switch filepath.Ext(rel) {
		case ".html":
			pages++
		case ".jpg", ".png", ".webp":
			photos++
		}
		want, _ := os.ReadFile(p)
		if code, body := get("site/" + filepath.ToSlash(rel)); code != http.StatusOK || string(body) != string(want) {
			t.Errorf("GET /%s as %s = %d (%d bytes), want 200 and the file", rel, who, code, len(body))
		}
		return nil
	})
	if pages == 0 || photos == 0 {
		t.Fatalf("the site has %d pages and %d photos", pages, photos)
	}
	if code, _ := get("site/.galley-site.json"); code != http.StatusNotFound {
		t.Errorf("GET /site/.galley-site.json = %d, want 404: Galley's bookkeeping is served", code)
	}
	// Beside the site, the bookkeeping is the editor's alone: another
	// user's web server may not read it.
	kept, _ := filepath.Glob(filepath.Join(parent, ".site.galley-*"))
	if len(kept) == 0 {
		t.Fatal("no bookkeeping beside the site")
	}
	for _, p := range kept {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o004 != 0 {
			t.Errorf("%s has mode %v: every user may read it", filepath.Base(p), fi.Mode().Perm())
		}
		if cred == nil {
			continue // a server running as the editor reads what they may
		}
		if code, _ := get(filepath.Base(p)); code == http.StatusOK {
			t.Errorf("GET /%s as %s = 200: Galley's bookkeeping, with the library's path, is served", filepath.Base(p), who)
		}
	}
}

// modesAre fails the test unless every folder of the site in out has mode
// dirs and every file mode files, and none of them is a dot file of
// Galley's bookkeeping, which belongs beside the site.
func modesAre(t *testing.T, out string, dirs, files fs.FileMode, why string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := files
		if d.IsDir() {
			want = dirs
		} else {
			n++
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v %s, want %v", p, fi.Mode().Perm(), why, want)
		}
		if strings.HasPrefix(d.Name(), ".") {
			t.Errorf("%s is Galley's bookkeeping inside the served folder", p)
		}
		return nil
	})
	if err != nil || n < 20 {
		t.Fatalf("walked %d files of %s: %v", n, out, err)
	}
}

// TestTheExportFollowsTheUmask exports under a stricter umask, 027: the
// folders and files are 0750 and 0640, as the editor's umask says, not a
// mode the export chose.
func TestTheExportFollowsTheUmask(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	out := filepath.Join(t.TempDir(), "site")
	exportTo(t, sampleLibrary(t), out, export.Options{})
	modesAre(t, out, 0o750, 0o640, "under umask 027")
}

// TestAnExistingFolderKeepsItsModeAndOwner re-exports into a folder the
// editor set up for the web server (mode 0750, group of the server's
// user): the new site takes its place with the same mode and owner.
func TestAnExistingFolderKeepsItsModeAndOwner(t *testing.T) {
	st := sampleLibrary(t)
	for _, first := range []string{"an empty folder", "a previous export"} {
		t.Run(first, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "site")
			if first == "an empty folder" {
				os.Mkdir(out, 0o755)
			} else {
				exportTo(t, st, out, export.Options{})
			}
			os.Chmod(out, 0o750)
			uid, gid := os.Getuid(), os.Getgid()
			if os.Geteuid() == 0 {
				uid, gid = 65534, 65534 // nobody, nogroup
				if err := os.Chown(out, uid, gid); err != nil {
					t.Fatal(err)
				}
			}
			exportTo(t, st, out, export.Options{SiteName: "Renamed"})
			fi, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o750 {
				t.Errorf("the folder's mode is %v, want 0750 as the editor set it", fi.Mode().Perm())
			}
			if s := fi.Sys().(*syscall.Stat_t); int(s.Uid) != uid || int(s.Gid) != gid {
				t.Errorf("the folder's owner is %d:%d, want %d:%d", s.Uid, s.Gid, uid, gid)
			}
		})
	}
}

// TestAnotherLibrarysSiteIsNotReplaced exports one library's site, then
// tries another library into the same folder: refused, the site as it
// was, until the editor says replace. And an export of the same library
// that would remove most of the pages (pieces deleted, or the wrong
// filter) stops the same way.
func TestAnotherLibrarysSiteIsNotReplaced(t *testing.T) {
	ours, theirs := sampleLibrary(t), hostileLibrary(t)
	out := filepath.Join(t.TempDir(), "site")
	opts := func(st *store.Store, name string) export.Options {
		id, err := st.Identity(ctx)
		if err != nil || len(id) != 32 {
			t.Fatalf("Identity = %q, %v", id, err)
		}
		return export.Options{Library: id, LibraryName: name}
	}
	exportTo(t, ours, out, opts(ours, "/desk/ours.galley"))
	before := tree(t, out)
	if again, _ := ours.Identity(ctx); again != opts(ours, "").Library {
		t.Fatal("the identity changed between two asks")
	}

	err := siteErr(theirs, out, opts(theirs, "/desk/theirs.galley"))
	var replace *export.ReplaceError
	if !errors.As(err, &replace) || galley.ErrorCode(err) != galley.EConflict ||
		!strings.Contains(err.Error(), "holds the site of another library (/desk/ours.galley)") || !strings.Contains(err.Error(), "--replace") {
		t.Fatalf("exporting another library over the site = %v, want a refusal naming the library it holds", err)
	}
	sameTree(t, "after the refusal", tree(t, out), before)
	o := opts(theirs, "/desk/theirs.galley")
	o.Replace = true
	exportTo(t, theirs, out, o)
	if theirsTree := tree(t, out); theirsTree["index.html"] == before["index.html"] {
		t.Error("--replace did not replace the site")
	}
	var m struct {
		Library     string `json:"library"`
		LibraryName string `json:"library_name"`
	}
	data, _ := os.ReadFile(filepath.Join(filepath.Dir(out), ".site.galley-site.json"))
	if json.Unmarshal(data, &m); m.Library != o.Library || m.LibraryName != "/desk/theirs.galley" {
		t.Errorf("the folder remembers %+v, want the library that replaced it", m)
	}

	// Most pages of one's own site vanishing.
	out2 := filepath.Join(t.TempDir(), "site")
	exportTo(t, ours, out2, opts(ours, "ours"))
	before = tree(t, out2)
	list, err := ours.FindPieces(ctx, galley.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list[1:] {
		if _, err := ours.DeletePiece(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	err = siteErr(ours, out2, opts(ours, "ours"))
	if !errors.As(err, &replace) || !strings.Contains(err.Error(), "would remove") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("an export removing most pages = %v, want it stopped", err)
	}
	sameTree(t, "after the stop", tree(t, out2), before)
	o = opts(ours, "ours")
	o.Replace = true
	if rep := exportTo(t, ours, out2, o); rep.Removed == 0 {
		t.Errorf("--replace = %+v, want the deleted pieces' pages removed", rep)
	}
}

// TestAnExportStoppedBetweenSwapAndManifest leaves the folder as an export
// stopped right after swapping its site in would: the new site in place,
// its manifest under the next name, the previous manifest still beside.
// The next export takes the folder as Galley's and keeps every file.
func TestAnExportStoppedBetweenSwapAndManifest(t *testing.T) {
	st := sampleLibrary(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	manifest := filepath.Join(parent, ".site.galley-site.json")
	exportTo(t, st, out, export.Options{SiteName: "First"})
	first, _ := os.ReadFile(manifest)
	exportTo(t, st, out, export.Options{SiteName: "Second"})
	want := tree(t, out)
	os.Rename(manifest, filepath.Join(parent, ".site.galley-site.next.json"))
	os.WriteFile(manifest, first, 0o644)

	rep := exportTo(t, st, out, export.Options{SiteName: "Second"})
	if rep.Written != 0 || rep.Unchanged != len(want) || len(rep.Problems) != 0 {
		t.Errorf("the export after the stop = %+v, want every file kept", rep)
	}
	sameTree(t, "after the stop", tree(t, out), want)
	if _, err := os.Stat(filepath.Join(parent, ".site.galley-site.next.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the next manifest is left: %v", err)
	}
}

// siteErr exports st into out and returns the error.
func siteErr(st *store.Store, out string, opt export.Options) error {
	snap, err := st.Snapshot(ctx)
	if err != nil {
		return err
	}
	defer snap.Close()
	opt.ImageCache = sharedCache
	_, err = export.Site(ctx, snap, out, opt)
	return err
}
