//go:build linux

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"app.galley/galley/internal/sshtest"
)

// TestPublishFromTheCommandLine publishes the sample desk to a real
// OpenSSH server as an editor would: a dry run, the publish, and a second
// publish with nothing to send.
func TestPublishFromTheCommandLine(t *testing.T) {
	srv := sshtest.Start(t)
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	if r := galleyCmd(t, nil, "--db", lib, "sample"); r.code != 0 {
		t.Fatalf("sample = %+v", r)
	}
	vars := map[string]string{"HOME": srv.UserHome(t), "XDG_CACHE_HOME": filepath.Join(dir, "cache")}
	remote := filepath.Join(dir, "www", "site")
	to := srv.URL(remote)

	r := galleyCmd(t, vars, "--db", lib, "publish", "--to", to, "--dry-run", "--base-url", "https://example.org/")
	if r.code != 0 || !strings.Contains(r.stdout, "would upload") || !strings.Contains(r.stdout, "upload pieces/why-mediators-should-talk-about-fish.html") {
		t.Fatalf("dry run = %+v", r)
	}
	if _, err := os.Stat(remote); err == nil {
		t.Fatal("a dry run made the site's folder")
	}
	r = galleyCmd(t, vars, "--db", lib, "publish", "--to", to, "--base-url", "https://example.org/")
	if r.code != 0 || !strings.Contains(r.stdout, "Published to "+to) || !strings.Contains(r.stdout, "0 removed, 0 unchanged") {
		t.Fatalf("publish = %+v", r)
	}
	// Long uploads say how far they are, and the last line is the whole.
	progress := regexp.MustCompile(`(?m)^  uploaded (\d+) of (\d+) files$`).FindAllStringSubmatch(r.stderr, -1)
	uploaded := regexp.MustCompile(`: (\d+) files uploaded`).FindStringSubmatch(r.stdout)
	if len(progress) == 0 || uploaded == nil {
		t.Fatalf("publish printed no progress on stderr, or no count: %+v", r)
	}
	if last := progress[len(progress)-1]; last[1] != last[2] || last[2] != uploaded[1] {
		t.Errorf("the last progress line is %q, the publish says %s files were uploaded", last[0], uploaded[1])
	}
	page, err := os.ReadFile(filepath.Join(remote, "index.html"))
	if err != nil || !strings.Contains(string(page), `href="https://example.org/"`) && !strings.Contains(string(page), "https://example.org/") {
		t.Fatalf("the published index: %v", err)
	}
	// Once the library knows where its site goes and lives, a bare
	// publish finds nothing to send.
	for _, set := range [][]string{{"publish-to", to}, {"base-url", "https://example.org/"}} {
		if r := galleyCmd(t, vars, "--db", lib, "settings", "set", set[0], set[1]); r.code != 0 {
			t.Fatalf("settings set = %+v", r)
		}
	}
	r = galleyCmd(t, vars, "--db", lib, "publish")
	if r.code != 0 || !strings.Contains(r.stdout, ": 0 files uploaded") {
		t.Errorf("a second publish with nothing changed = %+v", r)
	}

	// A piece deleted: the dry run lists its page to remove and changes
	// nothing; the publish then removes it.
	if r := galleyCmd(t, vars, "--db", lib, "delete", "why-mediators-should-talk-about-fish"); r.code != 0 {
		t.Fatalf("delete = %+v", r)
	}
	gone := filepath.Join(remote, "pieces", "why-mediators-should-talk-about-fish.html")
	r = galleyCmd(t, vars, "--db", lib, "publish", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "  remove pieces/why-mediators-should-talk-about-fish.html\n") || !strings.Contains(r.stdout, "Nothing was changed.") {
		t.Errorf("dry run after a delete = %+v", r)
	}
	if _, err := os.Stat(gone); err != nil {
		t.Errorf("the dry run removed the page: %v", err)
	}
	if r := galleyCmd(t, vars, "--db", lib, "publish"); r.code != 0 {
		t.Fatalf("publish after a delete = %+v", r)
	}
	if _, err := os.Stat(gone); !os.IsNotExist(err) {
		t.Errorf("the deleted piece's page is still on the server: %v", err)
	}

	// Mistakes are named; a password is never repeated.
	r = galleyCmd(t, vars, "--db", lib, "publish", "--to", "sftp://dana:hunter2@example.org/site")
	if r.code != 2 || strings.Contains(r.stdout+r.stderr, "hunter2") || !strings.Contains(r.stderr, "password") {
		t.Errorf("an address with a password = %+v", r)
	}
	// A host key that changed stops it, as ssh would.
	srv.ReplaceKnownHostKey(t)
	known, _ := os.ReadFile(srv.KnownHosts)
	os.WriteFile(filepath.Join(vars["HOME"], ".ssh", "known_hosts"), known, 0o600)
	r = galleyCmd(t, vars, "--db", lib, "publish", "--to", to)
	if r.code != 1 || !strings.Contains(r.stderr, "CHANGED") {
		t.Errorf("a changed host key = %+v", r)
	}
}

// TestAPublishKilledMidwayIsFinishedByTheNext kills a real galley process
// with SIGKILL while it uploads: every file on the server is then whole
// (the old or the new), and the next publish sends only the rest, without
// waiting on the dead process's lock.
func TestAPublishKilledMidwayIsFinishedByTheNext(t *testing.T) {
	srv := sshtest.Start(t)
	dir := t.TempDir()
	lib := slowLibrary(t, dir)
	home := srv.UserHome(t)
	cache := filepath.Join(dir, "cache")
	remote := filepath.Join(dir, "www", "site")
	to := srv.URL(remote)
	vars := map[string]string{"HOME": home, "XDG_CACHE_HOME": cache}
	// The site is made once, so the killed run spends its time uploading.
	if r := galleyCmd(t, vars, "--db", lib, "publish", "--to", to, "--dry-run"); r.code != 0 {
		t.Fatalf("dry run = %+v", r)
	}

	t.Setenv("HOME", home) // the child's keys and known hosts
	p := startGalley(t, cache, "--db", lib, "publish", "--to", to)
	deadline := time.Now().Add(time.Minute)
	killed := false
	for time.Now().Before(deadline) && !killed {
		select {
		case <-p.done:
			t.Fatalf("the publish ended before it could be killed: %s %s", p.stdout.String(), p.stderr.String())
		default:
		}
		if countFiles(remote) >= 20 {
			p.cmd.Process.Signal(syscall.SIGKILL)
			killed = true
		}
		time.Sleep(2 * time.Millisecond)
	}
	if !killed {
		t.Fatal("no upload began")
	}
	p.wait(t)

	staged, err := filepath.Glob(filepath.Join(cache, "galley", "publish", "*", "site"))
	if err != nil || len(staged) != 1 {
		t.Fatalf("the prepared site: %q %v", staged, err)
	}
	want := siteFiles(t, staged[0])
	got := siteFiles(t, remote)
	whole := 0
	for path, data := range got {
		if strings.HasSuffix(path, ".galley-upload") {
			continue
		}
		if want[path] != data {
			t.Errorf("after the kill the server's %s is not the site's", path)
		}
		whole++
	}
	if whole >= len(want) {
		t.Fatalf("all %d files were in place before the kill", whole)
	}
	t.Logf("%d of %d files were in place when the publish was killed", whole, len(want))

	r := galleyCmd(t, vars, "--db", lib, "publish", "--to", to)
	if r.code != 0 || !strings.Contains(r.stdout, "the publish stopped earlier is finished") || strings.Contains(r.stdout, " 0 unchanged") {
		t.Fatalf("the publish after the kill = %+v; want it to keep what the killed one sent", r)
	}
	t.Log(r.stdout)
	sameSite(t, "the server after the next publish", siteFiles(t, remote), want)
}

// countFiles counts the files in place under dir while another process
// changes them, ignoring what vanishes under it and uploads under way.
func countFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(d.Name(), ".galley-upload") {
			n++
		}
		return nil
	})
	return n
}
