package bundle_test

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// exportBundleMode does what `galley export json` does, with the given
// permission bits.
func exportBundleMode(t *testing.T, out string, perm fs.FileMode) {
	t.Helper()
	s := openLibrary(t, filepath.Join(t.TempDir(), "lib.galley"))
	richLibrary(t, s)
	w, err := bundle.CreateMode(out, perm)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EachPiece(ctx, func(p *galley.Piece, images store.ImageFunc) error { return w.Add(p, bundle.ImageSource(images)) }); err != nil {
		w.Abort()
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

// modes returns the permission bits of out and of everything under it.
func modes(t *testing.T, out string) map[string]fs.FileMode {
	t.Helper()
	m := map[string]fs.FileMode{}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		m[filepath.ToSlash(rel)] = fi.Mode().Perm()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestExportHasTheGivenPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	for _, c := range []struct {
		perm          fs.FileMode
		file, folders fs.FileMode
	}{
		{0o600, 0o600, 0o700},
		{0o640, 0o640, 0o750},
	} {
		dir := t.TempDir()
		zipOut := filepath.Join(dir, "private.zip")
		exportBundleMode(t, zipOut, c.perm)
		if m := modes(t, zipOut)["."]; m != c.file {
			t.Errorf("library %o: the zip is %o, want %o", c.perm, m, c.file)
		}
		folderOut := filepath.Join(dir, "private")
		exportBundleMode(t, folderOut, c.perm)
		m := modes(t, folderOut)
		if len(m) < 4 {
			t.Fatalf("the folder export holds only %v", m)
		}
		for name, mode := range m {
			want := c.file
			if name == "." || name == "photos" {
				want = c.folders
			}
			if mode != want {
				t.Errorf("library %o: %s is %o, want %o", c.perm, name, mode, want)
			}
		}
	}
}

func TestExportIsPrivateByDefault(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	dir := t.TempDir()
	s := openLibrary(t, filepath.Join(dir, "lib.galley"))
	richLibrary(t, s)
	out := filepath.Join(dir, "drafts.zip")
	if err := exportBundle(s, out); err != nil {
		t.Fatal(err)
	}
	if m := modes(t, out)["."]; m&0o077 != 0 {
		t.Errorf("a zipped export holding drafts is %o: others can read it", m)
	}
}

// TestKilledExportChild is run by TestExportRemovesWhatAKilledExportLeft
// in a child process, which it kills halfway through an export.
func TestKilledExportChild(t *testing.T) {
	out := os.Getenv("GALLEY_TEST_KILLED_EXPORT")
	if out == "" {
		t.Skip("only run as the child of TestExportRemovesWhatAKilledExportLeft")
	}
	w, err := bundle.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(&galley.Piece{Title: "Half Written", Slug: "half-written"}, nil); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("writing\n")
	time.Sleep(time.Minute)
}

// leftovers lists the entries of dir named as an export's temporary files.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".galley-bundle-") {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestExportRemovesWhatAKilledExportLeft(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("leftovers are only taken for dead after a day there")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "bundle.zip")
	child := exec.Command(os.Args[0], "-test.run=^TestKilledExportChild$", "-test.count=1")
	child.Env = append(os.Environ(), "GALLEY_TEST_KILLED_EXPORT="+out)
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "writing\n" {
		child.Process.Kill()
		child.Wait()
		t.Fatalf("the child export said %q", line)
	}
	child.Process.Kill()
	child.Wait()
	if got := leftovers(t, dir); len(got) != 1 {
		t.Fatalf("the killed export left %v, want its temporary folder", got)
	}

	s := openLibrary(t, filepath.Join(t.TempDir(), "lib.galley"))
	richLibrary(t, s)
	if err := exportBundle(s, out); err != nil {
		t.Fatal(err)
	}
	if got := leftovers(t, dir); len(got) != 0 {
		t.Errorf("after the next export, %v is still there", got)
	}
	b, err := bundle.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
}

func TestExportRemovesOnlyItsOwnLeftovers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("leftovers are only taken for dead after a day there")
	}
	dir := t.TempDir()
	for _, d := range []string{".galley-bundle-123", ".galley-bundle-456.old", ".galley-bundle-9", ".galley-bundle-notes", "galley-bundle-77", ".galley-bundle-12.old.keep"} {
		if err := os.MkdirAll(filepath.Join(dir, d, "photos"), 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, d, "pieces.json"), []byte(`{}`), 0o644)
	}
	for _, f := range []string{".galley-bundle-789.zip", ".galley-bundle-1.zip.txt", ".galley-bundle-", ".galley-bundle-x1.zip", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A folder named like a zip leftover, and a file named like a folder
	// leftover, are not what an export makes: kept.
	os.Mkdir(filepath.Join(dir, ".galley-bundle-5.zip"), 0o755)
	os.WriteFile(filepath.Join(dir, ".galley-bundle-6"), []byte("x"), 0o644)

	s := openLibrary(t, filepath.Join(t.TempDir(), "lib.galley"))
	richLibrary(t, s)
	if err := exportBundle(s, filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	want := []string{".galley-bundle-", ".galley-bundle-1.zip.txt", ".galley-bundle-12.old.keep", ".galley-bundle-5.zip", ".galley-bundle-6", ".galley-bundle-notes", ".galley-bundle-x1.zip"}
	if got := leftovers(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("left in the folder: %v\nwant %v", got, want)
	}
	for _, f := range []string{"notes.txt", "galley-bundle-77/pieces.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s was removed", f)
		}
	}
}

func TestExportLeavesALiveExportAlone(t *testing.T) {
	dir := t.TempDir()
	live, err := bundle.Create(filepath.Join(dir, "slow.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Add(&galley.Piece{Title: "Still Writing", Slug: "still-writing"}, nil); err != nil {
		t.Fatal(err)
	}
	s := openLibrary(t, filepath.Join(t.TempDir(), "lib.galley"))
	richLibrary(t, s)
	if err := exportBundle(s, filepath.Join(dir, "quick.zip")); err != nil {
		t.Fatal(err)
	}
	if err := live.Commit(); err != nil {
		t.Fatalf("the export running beside another lost its files: %v", err)
	}
	b, err := bundle.Open(filepath.Join(dir, "slow.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if len(leftovers(t, dir)) != 0 {
		t.Errorf("left behind: %v", leftovers(t, dir))
	}
}
