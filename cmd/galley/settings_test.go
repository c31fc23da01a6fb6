package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
)

// The site's settings live in the library: every export of it uses them,
// a flag overrides one for a run, and a bad value is refused with the
// reason and nothing changed.
func TestTheSiteSettingsAreTheLibrarys(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	vars := map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")}
	if r := galleyCmd(t, vars, "--db", lib, "sample"); r.code != 0 {
		t.Fatalf("sample = %+v", r)
	}
	for _, set := range [][]string{{"site-name", "The  Basin Review"}, {"base-url", "https://example.org/basin"}, {"date-style", "ap"}, {"language", "en-gb"},
		{"time-zone", "America/New_York"}, {"feed", "full"}} {
		if r := galleyCmd(t, vars, "--db", lib, "settings", "set", set[0], set[1]); r.code != 0 {
			t.Fatalf("settings set %s = %+v", set[0], r)
		}
	}
	r := galleyCmd(t, vars, "--db", lib, "settings")
	for _, want := range []string{"The Basin Review", "https://example.org/basin/", "en-GB", "ap", "(the built-in templates)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("settings list lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, bad := range [][]string{{"base-url", "example.org"}, {"date-style", "fancy"}, {"colour", "red"}, {"publish-to", "sftp://dana:secret@example.org/www"}, {"templates", filepath.Join(dir, "no-such-folder")},
		{"time-zone", "Mars/Olympus_Mons"}, {"feed", "everything"}} {
		r := galleyCmd(t, vars, "--db", lib, "settings", "set", bad[0], bad[1])
		if r.code != 2 || strings.Contains(r.stderr, "secret") {
			t.Errorf("settings set %s %q = %+v, want refused with the reason", bad[0], bad[1], r)
		}
	}

	out := filepath.Join(dir, "site")
	if r := galleyCmd(t, vars, "--db", lib, "html", "--out", out); r.code != 0 {
		t.Fatalf("html = %+v", r)
	}
	page, _ := os.ReadFile(filepath.Join(out, "index.html"))
	for _, want := range []string{"<title>The Basin Review</title>", `lang="en-GB"`, `<link rel="canonical" href="https://example.org/basin/">`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the exported index lacks %s", want)
		}
	}
	piece, _ := os.ReadFile(filepath.Join(out, "pieces", "why-mediators-should-talk-about-fish.html"))
	if !strings.Contains(string(piece), ">Aug. 18, 2026</time>") {
		t.Error("the ap date style setting was not used")
	}
	// The site's zone dates the feed, which carries each piece whole.
	feed, _ := os.ReadFile(filepath.Join(out, "feed.xml"))
	if !strings.Contains(string(feed), "<published>2026-08-18T00:00:00-04:00</published>") || !strings.Contains(string(feed), "<content") {
		t.Errorf("the feed does not follow the time-zone and feed settings:\n%.600s", feed)
	}
	// A flag wins for its run only.
	if r := galleyCmd(t, vars, "--db", lib, "html", "--out", out, "--site-name", "Just Today"); r.code != 0 {
		t.Fatalf("html --site-name = %+v", r)
	}
	page, _ = os.ReadFile(filepath.Join(out, "index.html"))
	if !strings.Contains(string(page), "<title>Just Today</title>") {
		t.Error("--site-name did not override the setting")
	}
	if r := galleyCmd(t, vars, "--db", lib, "settings", "unset", "site-name"); r.code != 0 {
		t.Fatalf("unset = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "settings"); !strings.Contains(r.stdout, "(Publications)") {
		t.Errorf("after unset: %s", r.stdout)
	}
	// Publishing with nowhere to go says how to set it.
	if r := galleyCmd(t, vars, "--db", lib, "publish"); r.code != 2 || !strings.Contains(r.stderr, "settings set publish-to") {
		t.Errorf("publish with no target = %+v", r)
	}
}

// A git branch is a publish target too: one commit per publish, from the
// command line or the library's setting.
func TestPublishToAGitBranchFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	vars := map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache"), "HOME": dir}
	if r := galleyCmd(t, vars, "--db", lib, "sample"); r.code != 0 {
		t.Fatalf("sample = %+v", r)
	}
	remote := filepath.Join(dir, "site.git")
	if _, err := git.PlainInit(remote, true); err != nil {
		t.Fatal(err)
	}
	r := galleyCmd(t, vars, "--db", lib, "publish", "--to", remote, "--branch", "gh-pages")
	if r.code != 0 || !strings.Contains(r.stdout, "Published to "+remote+"#gh-pages: 46 files uploaded") {
		t.Fatalf("publish to git = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "settings", "set", "publish-to", remote+"#gh-pages"); r.code != 0 {
		t.Fatalf("settings = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "publish"); r.code != 0 || !strings.Contains(r.stdout, ": 0 files uploaded") {
		t.Errorf("publish again = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "publish", "--to", remote, "--branch", "bad branch"); r.code != 2 {
		t.Errorf("a bad branch name = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "publish", "--branch", "gh-pages"); r.code != 2 {
		t.Errorf("--branch without --to = %+v", r)
	}
}
