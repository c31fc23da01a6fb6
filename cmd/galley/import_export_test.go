package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestExportJSONKeepsTheLibrarysPermissions exports a library only its
// owner may read: the zip (drafts and all) is no more readable than the
// library; it was world-readable once.
func TestExportJSONKeepsTheLibrarysPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib.galley")
	importTestBundle(t, lib)
	for _, perm := range []os.FileMode{0o600, 0o644} {
		if err := os.Chmod(lib, perm); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "export.zip")
		if r := galleyCmd(t, nil, "--db", lib, "export", "json", "--out", out); r.code != 0 {
			t.Fatal(r)
		}
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != perm {
			t.Errorf("library %o: export %o", perm, fi.Mode().Perm())
		}
	}
}
