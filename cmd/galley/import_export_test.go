package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// writeOnePieceBundle writes a bundle folder of one piece given as JSON.
func writeOnePieceBundle(t *testing.T, piece string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bundle")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	index := `{"format": "galley.bundle/1", "pieces": [` + piece + `]}`
	if err := os.WriteFile(filepath.Join(dir, "pieces.json"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestImportKeepsAPieceWhoseSlugAnotherTitleGives imports two different
// pieces without slugs, one bundle after the other, whose titles give one
// slug. The second import once said "1 updated" and the first piece was
// gone; --overwrite must not replace it either.
func TestImportKeepsAPieceWhoseSlugAnotherTitleGives(t *testing.T) {
	for _, c := range []struct{ first, second, slug string }{
		{"Café", "Cafe", "cafe"},
		{"🙂", "🎉", "piece"},
	} {
		lib := filepath.Join(t.TempDir(), "lib.galley")
		r := galleyCmd(t, nil, "--db", lib, "import", writeOnePieceBundle(t, `{"title": "`+c.first+`", "body": "the first piece"}`))
		if r.code != 0 || !strings.Contains(r.stdout, "1 created, 0 updated") {
			t.Fatalf("first import: %+v", r)
		}
		for i, args := range [][]string{{"import"}, {"import", "--overwrite"}} {
			bundle := writeOnePieceBundle(t, `{"title": "`+c.second+`", "body": "another piece, take `+args[len(args)-1]+`", "updated": "2001-01-01T00:00:00Z"}`)
			r = galleyCmd(t, nil, append(append([]string{"--db", lib}, args...), bundle)...)
			got := c.slug + "-" + string(rune('2'+i))
			if r.code != 0 || !strings.Contains(r.stdout, "1 created, 0 updated, 0 unchanged") ||
				!strings.Contains(r.stdout, "created "+got+" for “"+c.second+"”: "+c.slug+" is another piece's slug") {
				t.Errorf("galley %s of “%s”: %+v", strings.Join(args, " "), c.second, r)
			}
		}
		st, err := store.Open(lib)
		if err != nil {
			t.Fatal(err)
		}
		first, err := st.PieceBySlug(context.Background(), c.slug)
		if err != nil || first.Title != c.first || first.Body != "the first piece" {
			t.Errorf("%s is now %+v (%v)", c.slug, first, err)
		}
		if n, _ := st.CountPieces(context.Background(), galley.Filter{}); n != 3 {
			t.Errorf("%d pieces, want 3", n)
		}
		st.Close()
	}
}

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

// TestImportTakesAWordPressExport imports the export WordPress wrote for
// the archive's tests as an editor would from a terminal: told by its
// content, with its images, interviews structured; what was left out is
// said; the same file again changes nothing; a damaged file is refused
// before a library is made; bundle imports refuse the archive options.
func TestImportTakesAWordPressExport(t *testing.T) {
	wp := filepath.Join("..", "..", "internal", "archive", "testdata", "wordpress")
	export := filepath.Join(t.TempDir(), "harbour.export") // a name that says nothing
	data, err := os.ReadFile(filepath.Join(wp, "export.xml"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(export, data, 0o644)
	lib := filepath.Join(t.TempDir(), "lib.galley")
	r := galleyCmd(t, nil, "--db", lib, "import", "--uploads", filepath.Join(wp, "uploads"), "--qa", export)
	for _, want := range []string{"(WordPress export of http://wp.galley.test)", "13 created, 0 updated, 0 unchanged", "Not imported: 2 pages (import them with --pages).",
		"structured as an interview: 4 questions and answers", "kept as a comment, not on the page: script: alert(1)"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("exit %d, the summary does not say %q:\n%s%s", r.code, want, r.stdout, r.stderr)
		}
	}
	if r = galleyCmd(t, nil, "--db", lib, "import", "--uploads", filepath.Join(wp, "uploads"), "--qa", export); r.code != 0 || !strings.Contains(r.stdout, "0 created, 0 updated, 13 unchanged") {
		t.Errorf("the same export again: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	cut := filepath.Join(t.TempDir(), "cut.xml")
	os.WriteFile(cut, data[:len(data)/2], 0o644)
	fresh := filepath.Join(t.TempDir(), "fresh.galley")
	if r = galleyCmd(t, nil, "--db", fresh, "import", cut); r.code == 0 || !strings.Contains(r.stderr, "not a complete WordPress export") || !strings.Contains(r.stderr, "Nothing was imported.") {
		t.Errorf("a truncated export: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(fresh); err == nil {
		t.Error("a refused export left a new library behind")
	}
	r = galleyCmd(t, nil, "--db", lib, "import", "--qa", writeOnePieceBundle(t, `{"title": "A bundle"}`))
	if r.code != 2 || !strings.Contains(r.stderr, "--qa is for WordPress and Ghost exports") {
		t.Errorf("--qa on a bundle: exit %d\n%s", r.code, r.stderr)
	}
}
