//go:build unix

package ui

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"app.galley/galley/internal/galley"
)

// TestThePreviewOfDraftsIsPrivate: Open in Browser exports the open
// piece, a draft often, and the export gives its pages the umask's modes
// as a site's must be. The preview lies in a folder of its own that only
// the editor can enter, made afresh (no predictable name another user
// could take first), kept for the desk's next previews and removed when
// the desk closes. Run as root, a process running as nobody is refused
// the page that one running as nobody reads in a folder open to all.
func TestThePreviewOfDraftsIsPrivate(t *testing.T) {
	draft := interview()
	draft.Status = galley.StatusDraft
	d := newTestDesk(t, testLibrary(t, draft))
	var shown []string
	d.browser = func(path string) *exec.Cmd {
		shown = append(shown, path)
		return exec.Command("true")
	}
	d.previewInBrowser()
	settled(d)
	if len(shown) != 1 {
		t.Fatalf("the preview opened %v in the browser:\n%s", shown, overlayText(d.win))
	}
	page := shown[0]
	if info, err := os.Stat(page); err != nil || !info.Mode().IsRegular() || !strings.HasSuffix(page, piecePage("newest-interview")) {
		t.Fatalf("the browser was given %s, not the exported page (%v)", page, err)
	}
	data, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(data), "Newest Interview") {
		t.Fatalf("the previewed page is not the piece's (%v)", err)
	}

	// The nearest folder above the page that no one else may enter.
	var private string
	for dir := filepath.Dir(page); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o077 == 0 {
			private = dir
			break
		}
	}
	if private == "" {
		t.Fatalf("every folder above the preview %s lets other users in", page)
	}
	info, err := os.Stat(private)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 || info.Sys().(*syscall.Stat_t).Uid != uint32(os.Getuid()) {
		t.Errorf("the preview's folder %s has mode %v, owner %d", private, info.Mode().Perm(), info.Sys().(*syscall.Stat_t).Uid)
	}
	if tmp, _ := filepath.EvalSymlinks(os.TempDir()); filepath.Dir(private) != os.TempDir() && filepath.Dir(private) != tmp {
		t.Errorf("the preview's folder %s is not a temporary folder of its own", private)
	}
	// The pages inside keep the modes every export gives them: the
	// folder, not their modes, keeps them private.
	if mask, ok := umask(); ok {
		if pageInfo, _ := os.Stat(page); pageInfo.Mode().Perm() != 0o666&^mask {
			t.Errorf("the previewed page has mode %v under umask %03o", pageInfo.Mode().Perm(), mask)
		}
	}
	if os.Getuid() == 0 {
		// As nobody: a page in a folder open to all is read, the
		// preview is not.
		open, err := os.MkdirTemp("", "galley-test-open-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(open) })
		if err := os.Chmod(open, 0o755); err != nil {
			t.Fatal(err)
		}
		control := filepath.Join(open, "page.html")
		if err := os.WriteFile(control, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := readAsNobody(control); err != nil {
			t.Fatalf("nobody cannot read even a page open to all (%v): the check below would prove nothing", err)
		}
		if err := readAsNobody(page); err == nil {
			t.Error("a process running as nobody read the preview of a draft")
		}
	}

	// The next preview goes to the same private folder, replacing the last.
	d.previewInBrowser()
	settled(d)
	if len(shown) != 2 || shown[1] != page {
		t.Errorf("the second preview opened %v, not %s", shown[1:], page)
	}
	// A cleaner of old temporary files removes the folder meanwhile: the
	// next preview goes into a new private one, not a folder the export
	// would make open to every user where the old one was.
	if err := os.RemoveAll(private); err != nil {
		t.Fatal(err)
	}
	d.previewInBrowser()
	settled(d)
	if len(shown) != 3 || shown[2] == page {
		t.Fatalf("the preview after its folder vanished opened %v", shown[2:])
	}
	if _, err := os.Stat(private); !os.IsNotExist(err) {
		t.Errorf("the vanished folder was made again (%v)", err)
	}
	again := filepath.Dir(filepath.Dir(filepath.Dir(shown[2])))
	if fi, err := os.Stat(again); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the new previews' folder %s: %v, %v; want 0700", again, fi, err)
	}
	private = again
	// Closing the desk removes the previews.
	if err := d.CloseLibrary(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(private); !os.IsNotExist(err) {
		t.Errorf("the previews' folder is still there after the desk closed (%v)", err)
	}
}

// readAsNobody reads path in a process running as the user nobody.
func readAsNobody(path string) error {
	c := exec.Command("cat", path)
	c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := c.CombinedOutput()
	if err != nil {
		return &exec.Error{Name: strings.TrimSpace(string(out)), Err: err}
	}
	return nil
}

// umask is this process's, as Linux shows it: reading it any other way
// sets it, under the export's goroutines.
func umask() (os.FileMode, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "Umask:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			return os.FileMode(n), err == nil
		}
	}
	return 0, false
}
