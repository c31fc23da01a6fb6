package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// revisionTexts returns each revision's summary, newest first.
func revisionSummaries(t *testing.T, s *Store, id int64) []string {
	t.Helper()
	revs, err := s.Revisions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range revs {
		p, err := s.RevisionPiece(ctx, id, r.Number)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Summary+"|"+r.Change)
	}
	return out
}

// A topic renamed between two saves of one sitting is a step of its own:
// the editor's next save must not fold into the revision the rename made,
// nor the rename into the editor's, or the text before it is lost.
func TestARenameBetweenSavesKeepsEveryText(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		s.Author = "ada"
		c := withClock(s, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		p := &galley.Piece{Title: "Rivers", Summary: "first words", Topics: []string{"Water"}}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		topics, err := s.Topics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c.advance(time.Minute)
		if err := s.RenameTopic(ctx, topics[0].ID, "Water & Climate"); err != nil {
			t.Fatal(err)
		}
		c.advance(time.Minute)
		fresh, err := s.Piece(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		fresh.Summary = "second words"
		if err := s.SavePiece(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(revisionSummaries(t, s, p.ID), ", ")
		want := "second words|, first words|topic renamed, first words|"
		if got != want {
			t.Fatalf("revisions (newest first) = %s, want %s", got, want)
		}
		revs, _ := s.Revisions(ctx, p.ID)
		if old, _ := s.RevisionPiece(ctx, p.ID, revs[2].Number); old.Topics[0] != "Water" {
			t.Errorf("the revision before the rename shows topic %q", old.Topics[0])
		}
	})
}

// A piece changed outside the revisions' knowledge (its version moved on
// without a revision) never folds the next save into the older revision.
func TestASaveAfterAnUnrecordedChangeStartsARevision(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		s.Author = "ada"
		c := withClock(s, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		p := &galley.Piece{Title: "Plains", Summary: "one"}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		// Another program's write that left no revision (as older Galleys'
		// renames did).
		if _, err := s.db.Exec(s.dialect().rebind(`UPDATE pieces SET version = version + 1, summary = 'two' WHERE id = ?`), p.ID); err != nil {
			t.Fatal(err)
		}
		c.advance(time.Minute)
		fresh, _ := s.Piece(ctx, p.ID)
		fresh.Summary = "three"
		if err := s.SavePiece(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(revisionSummaries(t, s, p.ID), ", "); got != "three|, one|" {
			t.Fatalf("revisions = %s", got)
		}
	})
}

// Reading never waits for another program's write: a library whose
// schema is current opens, lists and searches while the write lock is
// held, and a backup is made, all without the ten-second busy wait.
func TestReadsDoNotWaitForAWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "library.galley")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SavePiece(ctx, &galley.Piece{Title: "Harbour Works", Summary: "Cranes at dawn."}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	fixture.HoldWriteLock(t, path)
	start := time.Now()
	r, err := Open(path)
	if err != nil {
		t.Fatalf("opening while another program writes: %v", err)
	}
	defer r.Close()
	list, err := r.FindPieces(ctx, galley.Filter{Query: "cranes"})
	if err != nil || len(list) != 1 {
		t.Fatalf("searching while another program writes: %v, %d found", err, len(list))
	}
	dest, err := r.BackupNow(ctx)
	if err != nil {
		t.Fatalf("backing up while another program writes: %v", err)
	}
	if _, err := os.Stat(dest); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("opening, searching and backing up took %v behind a writer", took)
	}
}

// A library reached through a symbolic link is the link's target: its log
// and backups are beside the target, and the link stays a link.
func TestALibraryThroughALinkIsItsTarget(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "library.galley")
	os.Mkdir(filepath.Dir(real), 0o755)
	link := filepath.Join(dir, "link.galley")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(link); err == nil || !strings.Contains(err.Error(), "link") {
		t.Fatalf("opening a link to nothing = %v, want it refused", err)
	}
	s, err := Open(real)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	l, err := Open(link)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Path() != real {
		t.Errorf("the library through a link has path %s, want %s", l.Path(), real)
	}
	if err := l.SavePiece(ctx, &galley.Piece{Title: "Linked"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(link + "-wal"); err == nil {
		t.Errorf("a log was made beside the link")
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v", err)
	}
}

// A restore is a change like any other program's to a desk that has the
// library open: it reads the restored pieces, a save of a piece it held
// from before is a conflict (never an overwrite of the restored text), and
// a new piece it saves lands in the restored library under a number no
// piece before the restore had.
func TestARestoreUnderAnOpenLibraryLosesNoSave(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	desk, err := Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	p := &galley.Piece{Title: "Before The Backup", Summary: "one"}
	if err := desk.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	backup, err := desk.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"two", "three", "four"} {
		p.Summary = s
		if err := desk.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	later := &galley.Piece{Title: "Taken Away Later"}
	if err := desk.SavePiece(ctx, later); err != nil {
		t.Fatal(err)
	}

	kept, err := Restore(ctx, backup, lib)
	if err != nil {
		t.Fatalf("restoring under an open library: %v", err)
	}
	got, err := desk.Piece(ctx, p.ID)
	if err != nil || got.Summary != "one" {
		t.Fatalf("the open library reads %+v, %v after the restore", got, err)
	}
	p.Summary = "typed before the restore, saved after"
	if err := desk.SavePiece(ctx, p); galley.ErrorCode(err) != galley.EConflict {
		t.Fatalf("saving a piece held from before the restore = %v, want a conflict", err)
	}
	later.Summary = "typed into a piece the restore took away"
	if err := desk.SavePiece(ctx, later); galley.ErrorCode(err) != galley.ENotFound {
		t.Fatalf("saving a piece the restore took away = %v, want not found", err)
	}
	fresh := &galley.Piece{Title: "Written After The Restore"}
	if err := desk.SavePiece(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if fresh.ID <= later.ID {
		t.Errorf("a piece made after the restore took number %d, not past %d", fresh.ID, later.ID)
	}
	// The kept library is the one replaced, whole.
	k, err := Open(kept)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if was, err := k.Piece(ctx, p.ID); err != nil || was.Summary != "four" {
		t.Errorf("the kept library holds %+v, %v", was, err)
	}
	if _, err := k.Piece(ctx, later.ID); err != nil {
		t.Errorf("the kept library lacks the piece written after the backup: %v", err)
	}
	// Search works on the restored pieces.
	desk.Close()
	again, err := Open(lib, Options{QuickCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	for _, word := range []string{"before", "written"} {
		if list, err := again.FindPieces(ctx, galley.Filter{Query: word}); err != nil || len(list) != 1 {
			t.Errorf("searching the restored library for %q found %d (%v), want 1", word, len(list), err)
		}
	}
	if list, err := again.FindPieces(ctx, galley.Filter{Query: "away"}); err != nil || len(list) != 0 {
		t.Errorf("searching the restored library finds the piece it took away: %d (%v)", len(list), err)
	}
}

// Restoring through a symbolic link restores the link's target: the link
// stays a link, and the file it names holds the backup.
func TestRestoreThroughALinkRestoresItsTarget(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	real := filepath.Join(dir, "real", "desk.galley")
	link := filepath.Join(dir, "desk.galley")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	s, err := Open(real)
	if err != nil {
		t.Fatal(err)
	}
	p := &galley.Piece{Title: "Linked", Summary: "backed up"}
	s.SavePiece(ctx, p)
	backup, err := s.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.Summary = "changed"
	s.SavePiece(ctx, p)
	s.Close()

	if _, err := Restore(ctx, backup, link); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file: %v", err)
	}
	for _, path := range []string{real, link} {
		r, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := r.Piece(ctx, p.ID)
		r.Close()
		if got == nil || got.Summary != "backed up" {
			t.Errorf("through %s the piece reads %+v", path, got)
		}
	}
}

// A restore killed midway leaves its working copy beside the library; the
// next restore removes it — but never a working copy a live restore has
// claimed, nor a file Galley did not name.
func TestRestoreClearsWhatAKilledRestoreLeft(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	s, err := Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	s.SavePiece(ctx, &galley.Piece{Title: "Kept"})
	backup, err := s.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	dead := filepath.Join(dir, ".desk.galley.12345.restoring")
	os.WriteFile(dead, []byte("half a copy"), 0o600)
	os.WriteFile(dead+"-wal", []byte("its log"), 0o600)
	live, err := tempFile(dir, ".desk.galley.", ".restoring")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	mine := filepath.Join(dir, ".desk.galley.notes.restoring")
	os.WriteFile(mine, []byte("not Galley's"), 0o600)

	if _, err := Restore(ctx, backup, lib); err != nil {
		t.Fatalf("restoring with a leftover beside the library: %v", err)
	}
	for _, gone := range []string{dead, dead + "-wal"} {
		if _, err := os.Stat(gone); err == nil {
			t.Errorf("%s was left", filepath.Base(gone))
		}
	}
	for _, stays := range []string{live.Name(), mine} {
		if _, err := os.Stat(stays); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(stays), err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".restoring") && e.Name() != filepath.Base(live.Name()) && e.Name() != filepath.Base(mine) {
			t.Errorf("the restore left %s", e.Name())
		}
	}
}

// A backup killed midway leaves its working file in the backup folder;
// the next backup removes it, keeps other files, and the backup has the
// library's own permissions.
func TestBackupClearsLeftoversAndKeepsTheLibrarysMode(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	s, err := Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := os.Chmod(lib, 0o600); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(BackupDir(lib), 0o700)
	stamp := time.Now().Format(backupStamp)
	dead := filepath.Join(BackupDir(lib), ".desk "+stamp+".galley.999.partial")
	os.WriteFile(dead, []byte("half"), 0o644)
	other := filepath.Join(BackupDir(lib), ".desk.galley.partial.txt")
	os.WriteFile(other, []byte("mine"), 0o644)
	path, err := s.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); err == nil {
		t.Error("a killed backup's working file was left")
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("a file Galley did not write was removed")
	}
	out := filepath.Join(dir, "elsewhere.galley")
	if err := s.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, out} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v (%v), want the library's 0600", filepath.Base(p), fi.Mode().Perm(), err)
		}
	}
}

// Restoring where there is no library yet makes it from the backup, and
// keeps no empty "before restore" copy.
func TestRestoreWhereNoLibraryIs(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "old.galley"))
	if err != nil {
		t.Fatal(err)
	}
	s.SavePiece(ctx, &galley.Piece{Title: "Carried Over"})
	backup, err := s.BackupNow(ctx)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "new.galley")
	kept, err := Restore(ctx, backup, lib)
	if err != nil || kept != "" {
		t.Fatalf("restoring into a new library: kept %q, %v", kept, err)
	}
	r, err := Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err := r.PieceBySlug(ctx, "carried-over"); err != nil || got.Title != "Carried Over" {
		t.Errorf("the new library holds %+v, %v", got, err)
	}
	if _, err := os.Stat(BackupDir(lib)); err == nil {
		t.Errorf("a backup folder was made for a library that did not exist")
	}
}

// Restoring a revision brings back its words; a published piece stays
// published, on its date, at its address.
func TestRestoringARevisionKeepsThePiecePublished(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		s.Author = "ada"
		c := withClock(s, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		p := &galley.Piece{Title: "Early Draft Title", Summary: "first words"}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		c.advance(time.Hour)
		p.Title, p.Summary, p.Slug = "Final Title", "published words", "final-title"
		p.Status, p.Published = galley.StatusPublished, galley.Date{Year: 2026, Month: 3, Day: 2}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.RestoreRevision(ctx, p.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Summary != "first words" || got.Title != "Early Draft Title" {
			t.Errorf("the words were not restored: %q / %q", got.Title, got.Summary)
		}
		if got.Status != galley.StatusPublished || got.Published != p.Published || got.Slug != "final-title" {
			t.Errorf("restoring moved the piece: status %s, date %v, slug %s", got.Status, got.Published, got.Slug)
		}
	})
}

// A PostgreSQL address is not taken for a file's path (a folder named
// "postgres:" would be made), and the address, which may hold a
// password, is not repeated when the server cannot be reached.
func TestAServerAddressIsNotAFile(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, addr := range []string{"postgres://dana:s3cret@/galley?host=/nonexistent-galley-socket", "POSTGRESQL://dana:s3cret@/galley?host=/nonexistent-galley-socket"} {
		_, err := Open(addr)
		if err == nil {
			t.Fatalf("Open(%q) reached no server yet succeeded", addr)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error repeats the password: %v", err)
		}
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Errorf("opening a server address made %v", entries[0].Name())
	}
}
