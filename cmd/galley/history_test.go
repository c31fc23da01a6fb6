package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

func TestRevisionsFromTheCommandLine(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib.galley")
	st, err := store.Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	st.RevisionWindow = 0 // every save its own revision
	ctx := context.Background()
	p := &galley.Piece{Title: "Budget Notes", Summary: "First."}
	for _, summary := range []string{"First.", "Second.", "Third."} {
		p.Summary = summary
		if err := st.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	r := galleyCmd(t, nil, "--db", lib, "revisions", "budget-notes")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[1], "3 ") || !strings.Contains(lines[1], "(current)") {
		t.Fatalf("revisions: %+v", r)
	}
	r = galleyCmd(t, nil, "--db", lib, "restore-revision", "budget-notes", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "now revision 4") {
		t.Fatalf("restore-revision: %+v", r)
	}
	st, _ = store.Open(lib)
	defer st.Close()
	got, _ := st.PieceBySlug(ctx, "budget-notes")
	if got.Summary != "First." {
		t.Errorf("after restoring revision 1 the summary is %q", got.Summary)
	}
	for _, bad := range [][]string{{"restore-revision", "budget-notes", "x"}, {"restore-revision", "budget-notes"}, {"revisions"}} {
		if r := galleyCmd(t, nil, append([]string{"--db", lib}, bad...)...); r.code != 2 {
			t.Errorf("%v exited %d, want 2 (usage)", bad, r.code)
		}
	}
	if r := galleyCmd(t, nil, "--db", lib, "restore-revision", "budget-notes", "9"); r.code != 1 || !strings.Contains(r.stderr, "no revision 9") {
		t.Errorf("a missing revision: %+v", r)
	}
}

func TestDeleteAndTheTrashFromTheCommandLine(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib.galley")
	importTestBundle(t, lib)
	r := galleyCmd(t, nil, "--db", lib, "delete", "grid-talks")
	if r.code != 0 || !strings.Contains(r.stdout, "Moved “Grid Talks” to the trash") || !strings.Contains(r.stdout, "hydropower-and-its-discontents") {
		t.Fatalf("delete: %+v", r)
	}
	r = galleyCmd(t, nil, "--db", lib, "trash")
	if r.code != 0 || !strings.Contains(r.stdout, "grid-talks") || !strings.Contains(r.stdout, "30 days left") {
		t.Fatalf("trash: %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", lib, "list"); strings.Contains(r.stdout, "grid-talks") {
		t.Error("a trashed piece is still listed")
	}
	r = galleyCmd(t, nil, "--db", lib, "trash", "restore", "grid-talks")
	if r.code != 0 || !strings.Contains(r.stdout, "Restored “Grid Talks”") {
		t.Fatalf("trash restore: %+v", r)
	}
	st, _ := store.Open(lib)
	p, _ := st.PieceBySlug(context.Background(), "hydropower-and-its-discontents")
	st.Close()
	if len(p.Related) != 1 || p.Related[0].Slug != "grid-talks" {
		t.Errorf("the restored piece is not back on the related list: %+v", p.Related)
	}
	galleyCmd(t, nil, "--db", lib, "delete", "grid-talks")
	r = galleyCmd(t, nil, "--db", lib, "trash", "empty")
	if r.code != 0 || !strings.Contains(r.stdout, "1 piece deleted for good") {
		t.Fatalf("trash empty: %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", lib, "trash", "restore", "grid-talks"); r.code != 1 || !strings.Contains(r.stderr, "galley trash") {
		t.Errorf("restoring what is gone: %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", lib, "trash", "shred"); r.code != 2 {
		t.Errorf("an unknown trash action exited %d", r.code)
	}
}

func TestBackupAndRestoreFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	importTestBundle(t, lib)
	r := galleyCmd(t, nil, "--db", lib, "backup")
	if r.code != 0 || !strings.Contains(r.stdout, store.BackupDir(lib)) {
		t.Fatalf("backup: %+v", r)
	}
	out := filepath.Join(dir, "elsewhere", "copy.galley")
	if r := galleyCmd(t, nil, "--db", lib, "backup", "--out", out); r.code != 0 {
		t.Fatalf("backup --out: %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", lib, "backup", "--out", out); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("a backup over an existing file: %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", lib, "backup", "--list"); r.code != 0 || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("backup --list: %+v", r)
	}
	galleyCmd(t, nil, "--db", lib, "delete", "grid-talks")
	galleyCmd(t, nil, "--db", lib, "trash", "empty")
	r = galleyCmd(t, nil, "--db", lib, "restore", out)
	if r.code != 0 || !strings.Contains(r.stdout, "before restore") {
		t.Fatalf("restore: %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", lib, "list"); !strings.Contains(r.stdout, "grid-talks") {
		t.Errorf("after restoring, the list is:\n%s", r.stdout)
	}
	bad := filepath.Join(dir, "bad.galley")
	os.WriteFile(bad, []byte("not a library"), 0o600)
	if r := galleyCmd(t, nil, "--db", lib, "restore", bad); r.code != 1 || !strings.Contains(r.stderr, "bad.galley") {
		t.Errorf("restoring a bad file: %+v", r)
	}
}

func TestADamagedLibraryIsNotWrittenFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	importTestBundle(t, lib)
	if r := galleyCmd(t, nil, "--db", lib, "backup"); r.code != 0 {
		t.Fatal(r)
	}
	data, _ := os.ReadFile(lib)
	for i := 2 * 4096; i < 2*4096+400 && i < len(data); i++ { // the third page's b-tree header
		data[i] = 0xA5
	}
	os.WriteFile(lib, data, 0o600)
	r := galleyCmd(t, nil, "--db", lib, "delete", "grid-talks")
	if r.code != 1 || !strings.Contains(r.stderr, "damaged") || !strings.Contains(r.stderr, "galley restore") {
		t.Fatalf("deleting from a damaged library: %+v", r)
	}
	after, _ := os.ReadFile(lib)
	if !bytes.Equal(data, after) {
		t.Error("the damaged library was written")
	}
	if r := galleyCmd(t, nil, "--db", lib, "check"); r.code != 1 || !strings.Contains(r.stderr, "damaged") {
		t.Errorf("check: %+v", r)
	}
}
