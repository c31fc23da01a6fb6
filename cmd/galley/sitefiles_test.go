package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSiteFilesFromTheCommandLine adds, lists and removes site files, and
// refuses a name the export makes itself before the library is touched.
func TestSiteFilesFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	vars := map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")}
	if r := galleyCmd(t, vars, "--db", lib, "sample"); r.code != 0 {
		t.Fatalf("sample = %+v", r)
	}
	cname := filepath.Join(dir, "cname-for-host.txt")
	if err := os.WriteFile(cname, []byte("news.example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := galleyCmd(t, vars, "--db", lib, "site-files", "add", cname, "--as", "CNAME"); r.code != 0 || !strings.Contains(r.stdout, "Kept CNAME (17 bytes)") {
		t.Fatalf("add = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "site-files"); r.code != 0 || !strings.Contains(r.stdout, "CNAME") || !strings.Contains(r.stdout, "17 bytes") {
		t.Errorf("list = %+v", r)
	}
	for _, bad := range [][]string{{"add", cname, "--as", "index.html"}, {"add", cname, "--as", "../CNAME"}, {"add", filepath.Join(dir, "missing")}, {"add", dir}} {
		if r := galleyCmd(t, vars, append([]string{"--db", lib, "site-files"}, bad...)...); r.code != 1 || r.stderr == "" {
			t.Errorf("site-files %v = %+v, want refused with the reason", bad, r)
		}
	}
	if r := galleyCmd(t, vars, "--db", lib, "site-files", "remove"); r.code != 2 {
		t.Errorf("remove with no name = %+v, want a usage error", r)
	}
	site := filepath.Join(dir, "site")
	if r := galleyCmd(t, vars, "--db", lib, "html", "--out", site); r.code != 0 {
		t.Fatalf("html = %+v", r)
	}
	if data, err := os.ReadFile(filepath.Join(site, "CNAME")); err != nil || string(data) != "news.example.org\n" {
		t.Errorf("the site's CNAME: %q, %v", data, err)
	}
	if r := galleyCmd(t, vars, "--db", lib, "site-files", "remove", "CNAME"); r.code != 0 {
		t.Errorf("remove = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "site-files", "remove", "CNAME"); r.code != 1 || !strings.Contains(r.stderr, "no site file named CNAME") {
		t.Errorf("remove again = %+v", r)
	}
}
