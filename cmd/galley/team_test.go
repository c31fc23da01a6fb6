//go:build linux

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/pgtest"
)

// A library file copied into a team library with galley copy is listed,
// searched and exported there as it was in the file, and copied back to a
// file whole; the address's password never shows.
func TestCopyStartsATeamLibrary(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	// The test server trusts its socket; a password in the address must
	// still never be printed.
	withPassword := strings.Replace(address, "galley_admin@", "galley_admin:s3cret@", 1)
	lib := filepath.Join(t.TempDir(), "desk.galley")
	importTestBundle(t, lib)

	r := galleyCmd(t, nil, "copy", lib, withPassword)
	if r.code != 0 || !strings.Contains(r.stdout, "Copied 2 pieces from "+lib) {
		t.Fatalf("copy = %+v", r)
	}
	if strings.Contains(r.stdout+r.stderr, "s3cret") {
		t.Errorf("the password was printed: %+v", r)
	}
	fileList := galleyCmd(t, nil, "--db", lib, "list").stdout
	if got := galleyCmd(t, nil, "--db", withPassword, "list"); got.code != 0 || got.stdout != fileList {
		t.Errorf("the team library lists\n%s\nthe file\n%s (%s)", got.stdout, fileList, got.stderr)
	}
	if got := galleyCmd(t, nil, "--db", withPassword, "list", "--query", "interconn"); !strings.HasPrefix(got.stdout, "grid-talks") {
		t.Errorf("searching the team library: %+v", got)
	}
	for _, home := range []string{lib, withPassword} {
		if r := galleyCmd(t, nil, "--db", home, "check"); r.code != 0 || strings.Contains(r.stdout, "s3cret") {
			t.Errorf("check %s = %+v", filepath.Base(home), r)
		}
	}
	back := filepath.Join(t.TempDir(), "back.galley")
	if r := galleyCmd(t, nil, "--db", withPassword, "backup", "--out", back); r.code != 0 {
		t.Fatalf("backup of the team library = %+v", r)
	}
	if got := galleyCmd(t, nil, "--db", back, "list").stdout; got != fileList {
		t.Errorf("the team library's backup lists\n%s", got)
	}
	// A copy into a library that holds pieces is refused.
	if r := galleyCmd(t, nil, "copy", lib, withPassword); r.code != 1 || !strings.Contains(r.stderr, "empty library") {
		t.Errorf("copying into a team library with pieces = %+v", r)
	}
}
