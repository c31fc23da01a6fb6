package main

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/fixture"
)

// A mistyped --db once made an empty library where it pointed, and the
// export then removed every page of the published site. Every command that
// reads or changes a library now refuses a path with no library, makes
// nothing there, and leaves the site as it was; only the commands that
// fill a library make one.
func TestAMistypedLibraryPathMakesNothingAndWipesNothing(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	importTestBundle(t, lib)
	site := filepath.Join(dir, "site")
	if r := galleyCmd(t, nil, "--db", lib, "html", "--out", site); r.code != 0 {
		t.Fatal(r)
	}
	before := siteFiles(t, site)
	if len(before) < 5 {
		t.Fatalf("the site has only %d files", len(before))
	}

	typo := filepath.Join(dir, "dsek.galley")
	photo := filepath.Join(dir, "photo.jpg")
	os.WriteFile(photo, fixture.JPEG(40, 30, 2), 0o644)
	for _, args := range [][]string{
		{"html", "--out", site},
		{"html", "--out", site, "--piece", "grid-talks"},
		{"list"},
		{"export", "json", "--out", filepath.Join(dir, "out")},
		{"checks", "grid-talks"},
		{"revisions", "grid-talks"},
		{"restore-revision", "grid-talks", "1"},
		{"delete", "grid-talks"},
		{"trash", "list"},
		{"trash", "empty"},
		{"backup"},
		{"backup", "--out", filepath.Join(dir, "b.galley")},
		{"check"},
		{"photos", "add", "--piece", "grid-talks", photo},
		{"publish", "--to", "sftp://editor@127.0.0.1:1/srv/site"},
		{"publish", "--to", filepath.Join(dir, "remote.git"), "--branch", "gh-pages"},
		{"publish", "--dry-run"},
		{"settings"},
		{"settings", "set", "site-name", "A Desk"},
		{"settings", "unset", "base-url"},
		{"topics"},
		{"topics", "rename", "Energy", "Power"},
		{"topics", "merge", "Energy", "Power"},
		{"site-files"},
		{"site-files", "add", photo, "--as", "logo.jpg"},
		{"site-files", "remove", "logo.jpg"},
	} {
		r := galleyCmd(t, nil, append([]string{"--db", typo}, args...)...)
		if r.code != 1 || !strings.Contains(r.stderr, "There is no library at "+typo) {
			t.Errorf("galley --db %s %s = %+v, want exit 1 saying there is no library there", typo, strings.Join(args, " "), r)
		}
		if leftovers, _ := filepath.Glob(typo + "*"); len(leftovers) > 0 {
			t.Fatalf("galley %s left %v behind", strings.Join(args, " "), leftovers)
		}
	}
	// The same through GALLEY_DB.
	if r := galleyCmd(t, map[string]string{"GALLEY_DB": typo}, "html", "--out", site); r.code != 1 || !strings.Contains(r.stderr, "There is no library at") {
		t.Errorf("GALLEY_DB=typo html = %+v", r)
	}
	if r := galleyCmd(t, nil, "copy", typo, filepath.Join(dir, "copy.galley")); r.code != 1 || !strings.Contains(r.stderr, "There is no library at "+typo) {
		t.Errorf("copy from a typo = %+v", r)
	}
	// team add works on a team library's server: a file path is refused
	// for that reason, and nothing is made there either.
	if r := galleyCmd(t, nil, "--db", typo, "team", "add", "eve", "--role", "writer"); r.code == 0 {
		t.Errorf("team add on a typo = %+v", r)
	}
	if leftovers, _ := filepath.Glob(typo + "*"); len(leftovers) > 0 {
		t.Fatalf("team add left %v behind", leftovers)
	}
	if after := siteFiles(t, site); !maps.Equal(after, before) {
		t.Errorf("the published site changed: %d files before, %d after", len(before), len(after))
	}

	// Filling a library makes it where none was.
	fresh := filepath.Join(dir, "new.galley")
	if r := galleyCmd(t, nil, "--db", fresh, "sample"); r.code != 0 {
		t.Errorf("sample into a new library = %+v", r)
	}
	fresh2 := filepath.Join(dir, "new2.galley")
	if r := galleyCmd(t, nil, "--db", fresh2, "import", writeTestBundle(t)); r.code != 0 {
		t.Errorf("import into a new library = %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", fresh2, "list"); r.code != 0 || !strings.Contains(r.stdout, "grid-talks") {
		t.Errorf("list of the imported library = %+v", r)
	}
	// So does restoring a backup: a lost library is brought back where it
	// was, whole, never empty.
	backup := filepath.Join(dir, "kept.galley")
	if r := galleyCmd(t, nil, "--db", lib, "backup", "--out", backup); r.code != 0 {
		t.Fatalf("backup = %+v", r)
	}
	lost := filepath.Join(dir, "lost.galley")
	if r := galleyCmd(t, nil, "--db", lost, "restore", backup); r.code != 0 {
		t.Errorf("restore into an empty place = %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", lost, "list"); r.code != 0 || !strings.Contains(r.stdout, "grid-talks") {
		t.Errorf("list of the restored library = %+v", r)
	}
}

// The export folder remembers which library wrote it: exporting another
// library there, from the command line, stops, names what is there and
// changes nothing, unless --replace says to.
func TestAnotherLibrarysSiteIsReplacedOnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")}
	mine, theirs := filepath.Join(dir, "mine.galley"), filepath.Join(dir, "theirs.galley")
	galleyCmd(t, vars, "--db", mine, "sample")
	importTestBundle(t, theirs)
	site := filepath.Join(dir, "site")
	if r := galleyCmd(t, vars, "--db", mine, "html", "--out", site); r.code != 0 {
		t.Fatal(r)
	}
	before := siteFiles(t, site)
	r := galleyCmd(t, vars, "--db", theirs, "html", "--out", site)
	if r.code != 1 || !strings.Contains(r.stderr, "another library") || !strings.Contains(r.stderr, "--replace") {
		t.Errorf("exporting another library over the site = %+v, want exit 1 naming another library and --replace", r)
	}
	if after := siteFiles(t, site); !maps.Equal(after, before) {
		t.Errorf("the refused export changed the site: %d files before, %d after", len(before), len(after))
	}
	if r := galleyCmd(t, vars, "--db", theirs, "html", "--out", site, "--replace"); r.code != 0 {
		t.Fatalf("with --replace = %+v", r)
	}
	if _, err := os.Stat(filepath.Join(site, "pieces", "hydropower-and-its-discontents.html")); err != nil {
		t.Errorf("the replaced site lacks the other library's piece: %v", err)
	}
	if _, err := os.Stat(filepath.Join(site, "pieces", "why-mediators-should-talk-about-fish.html")); !os.IsNotExist(err) {
		t.Errorf("the replaced site still has the first library's piece: %v", err)
	}
	// From then on the site is the other library's, without asking.
	if r := galleyCmd(t, vars, "--db", theirs, "html", "--out", site); r.code != 0 {
		t.Errorf("a second export of the new owner = %+v", r)
	}
}
