package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTopicsAreRenamedAndMergedFromTheCommandLine renames and merges
// topics of the sample library by name, and the exported site keeps the
// old topic pages as pages that send readers to the new ones.
func TestTopicsAreRenamedAndMergedFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	vars := map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")}
	if r := galleyCmd(t, vars, "--db", lib, "sample"); r.code != 0 {
		t.Fatalf("sample = %+v", r)
	}
	site := filepath.Join(dir, "site")
	if r := galleyCmd(t, vars, "--db", lib, "html", "--out", site); r.code != 0 {
		t.Fatalf("html = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "topics"); r.code != 0 || !strings.Contains(r.stdout, "Food Security") || !strings.Contains(r.stdout, "3 pieces") {
		t.Fatalf("topics = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "topics", "rename", "food security", "Food Systems"); r.code != 0 || !strings.Contains(r.stdout, `Renamed "Food Security" to "Food Systems" on 1 piece.`) {
		t.Errorf("rename = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "topics", "merge", "Global Policy", "Diplomacy & Negotiation"); r.code != 0 {
		t.Errorf("merge = %+v", r)
	}
	for _, bad := range [][]string{{"rename", "No Such Topic", "X"}, {"merge", "Food Systems", "No Such Topic"}} {
		if r := galleyCmd(t, vars, append([]string{"--db", lib, "topics"}, bad...)...); r.code != 1 || !strings.Contains(r.stderr, `No topic is named "No Such Topic"`) {
			t.Errorf("topics %v = %+v, want the missing topic named", bad, r)
		}
	}
	if r := galleyCmd(t, vars, "--db", lib, "topics", "rename", "Food Systems"); r.code != 2 {
		t.Errorf("rename with one name = %+v, want a usage error", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "html", "--out", site); r.code != 0 {
		t.Fatalf("html again = %+v", r)
	}
	for old, now := range map[string]string{"food-security.html": "food-systems.html", "global-policy.html": "diplomacy-and-negotiation.html"} {
		data, err := os.ReadFile(filepath.Join(site, "topics", old))
		if err != nil || !strings.Contains(string(data), `url=../topics/`+now) {
			t.Errorf("topics/%s does not send readers to %s (%v):\n%s", old, now, err, data)
		}
	}
}
