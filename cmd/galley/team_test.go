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

// galley team init and add set up roles the server enforces: a writer's
// publish is refused with a sentence, an editor's goes through.
func TestTeamRolesFromTheCommandLine(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	if r := galleyCmd(t, nil, "team", "init", address); r.code != 0 || !strings.Contains(r.stdout, "is ready") {
		t.Fatalf("team init = %+v", r)
	}
	for user, role := range map[string]string{"dana": "writer", "eve": "editor"} {
		if r := galleyCmd(t, nil, "--db", address, "team", "add", user, "--role", role); r.code != 0 {
			t.Fatalf("team add %s = %+v", user, r)
		}
	}
	as := func(user string) string { return strings.Replace(address, "galley_admin@", user+"@", 1) }
	lib := filepath.Join(t.TempDir(), "desk.galley")
	importTestBundle(t, lib) // one published piece among them
	// A writer's import of a published piece is refused, and changes nothing.
	r := galleyCmd(t, nil, "--db", as("dana"), "import", writeTestBundle(t))
	if r.code != 1 || !strings.Contains(r.stderr, "only an editor") {
		t.Errorf("a writer importing a published piece = %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", as("dana"), "list"); r.stdout != "" {
		t.Errorf("the refused import left:\n%s", r.stdout)
	}
	if r := galleyCmd(t, nil, "--db", as("eve"), "import", writeTestBundle(t)); r.code != 0 {
		t.Errorf("an editor importing = %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", as("dana"), "delete", "grid-talks"); r.code != 1 {
		t.Errorf("a writer deleting = %+v", r)
	}
}
