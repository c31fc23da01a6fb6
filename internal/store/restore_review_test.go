//go:build unix

package store

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"app.galley/galley/internal/galley"
)

// Found by a review of the restore: each was a way to lose or overwrite
// work, or to leave a misleading message or file behind.

// R1: maxVersion ignores trashed pieces: a desk holding a piece that is in
// the trash at restore time can hold exactly the version the restore gives
// it back, and its stale save silently overwrites the restored text.
func TestRestoreReviewStaleSaveOverRestoredTrashedPiece(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lib.galley")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := &galley.Piece{Title: "Alpha", Summary: "backup text"}
	b := &galley.Piece{Title: "Beta", Summary: "b"}
	for _, p := range []*galley.Piece{a, b} {
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	backup := filepath.Join(t.TempDir(), "b.galley")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	// A desk edits Alpha once (v2) and keeps it open; someone trashes it.
	a.Summary = "desk text v2"
	if err := s.SavePiece(ctx, a); err != nil {
		t.Fatal(err)
	}
	held := *a // version 2
	if _, err := s.DeletePiece(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, backup, path); err != nil {
		t.Fatal(err)
	}
	now, _ := s.Piece(ctx, a.ID)
	t.Logf("after restore Alpha is at version %d, desk holds %d", now.Version, held.Version)
	held.Summary = "stale desk save"
	if err := s.SavePiece(ctx, &held); err == nil {
		t.Errorf("a save of a version held from before the restore overwrote the restored text (want a conflict)")
	}
}

// R2: RestoreTrashed brings a piece back at version 1, so a desk still
// holding version 1 from long ago saves over everything since.
func TestRestoreReviewTrashRestoreResetsVersion(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		p := &galley.Piece{Title: "Gamma", Summary: "v1"}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		stale := *p // desk A opened it at v1
		for i := 2; i <= 5; i++ {
			p.Summary = fmt.Sprintf("B's work v%d", i)
			if err := s.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.DeletePiece(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		tr, _ := s.Trash(ctx)
		back, err := s.RestoreTrashed(ctx, tr[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("back from the trash at version %d", back.Version)
		stale.Summary = "A's stale text"
		if err := s.SavePiece(ctx, &stale); err == nil {
			t.Errorf("a desk holding version 1 from before the trash saved over B's v5 work")
		}
	})
}

// R3: Restore over a library written by a newer Galley: Open refuses it
// (EInvalid), and Restore treats any non-busy Open failure as damage and
// swaps the file under a live connection, deleting its -wal.
func TestRestoreReviewRestoreSwapsANewerLiveLibrary(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lib.galley")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SavePiece(ctx, &galley.Piece{Title: "Old"}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "b.galley")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A newer Galley has the library open and writing.
	u := url.URL{Scheme: "file", Path: path, RawQuery: "_journal_mode=WAL"}
	newer, err := sql.Open("sqlite3", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer newer.Close()
	newer.SetMaxOpenConns(1)
	if _, err := newer.Exec(fmt.Sprintf("PRAGMA user_version = %d", latestVersion()+1)); err != nil {
		t.Fatal(err)
	}
	newer.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	if _, err := newer.Exec(`INSERT INTO library_meta (key, value) VALUES ('newer-save-1', 'x')`); err != nil {
		t.Fatal(err)
	}
	kept, err := Restore(ctx, backup, path)
	t.Logf("Restore over a newer, open library: kept=%q err=%v", kept, err)
	if err == nil {
		if _, err := newer.Exec(`INSERT INTO library_meta (key, value) VALUES ('newer-save-2', 'x')`); err != nil {
			t.Logf("newer program's next save: %v", err)
		} else {
			t.Logf("newer program's next save reported success")
		}
		newer.Close()
		chk, _ := sql.Open("sqlite3", (&url.URL{Scheme: "file", Path: path}).String())
		defer chk.Close()
		var n int
		chk.QueryRow(`SELECT count(*) FROM library_meta WHERE key = 'newer-save-2'`).Scan(&n)
		t.Errorf("restore swapped the file of a library it should refuse (newer schema) under a live connection; save reported done after it is in the library: %v", n == 1)
	}
}

// R4: two restores in the same second compute the same kept name before
// taking the lock; the second fails with "choose another name".
func TestRestoreReviewTwoRestoresSameSecond(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lib.galley")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SavePiece(ctx, &galley.Piece{Title: "One"}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "b.galley")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for try := 0; try < 5; try++ {
		// start just after a second boundary
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[i] = Restore(ctx, backup, path) }()
		}
		wg.Wait()
		for _, e := range errs {
			if e != nil {
				t.Fatalf("one of two restores at once failed: %v", e)
			}
		}
	}
}

// R5: a restore into a library that is another program's SQLite database
// (not a Galley library) swaps it away instead of refusing.
func TestRestoreReviewRestoreOverForeignDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lib.galley")
	s, _ := Open(path)
	s.SavePiece(ctx, &galley.Piece{Title: "One"})
	backup := filepath.Join(dir, "b.galley")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	s.Close()
	foreign := filepath.Join(dir, "accounts.db")
	db, _ := sql.Open("sqlite3", foreign)
	db.Exec(`CREATE TABLE ledger (x)`)
	db.Exec(`INSERT INTO ledger VALUES (1)`)
	db.Close()
	kept, err := Restore(ctx, backup, foreign)
	if err == nil {
		fi, _ := os.Stat(kept)
		t.Errorf("restore replaced another program's database (kept at %s, %v)", kept, fi != nil)
	}
}

// R6: a restore that the disk cannot hold (the log grows to about twice
// the library) fails with SQLite's raw words.
func TestRestoreReviewRestoreDiskFullMessage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lib.galley")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 3<<20)
	for i := range big {
		big[i] = byte('a' + (i*7919+i/13)%26)
	}
	f, _ := os.Open("/dev/urandom")
	buf := make([]byte, 3<<20)
	f.Read(buf)
	f.Close()
	for i := range buf {
		big[i] = 'a' + buf[i]%26
	}
	for k := 0; k < 3; k++ {
		if err := s.SavePiece(ctx, &galley.Piece{Title: fmt.Sprint("Big ", k), Body: string(big[k<<20 : (k+1)<<20-10])}); err != nil {
			t.Fatal(err)
		}
	}
	backup := filepath.Join(dir, "b.galley")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	s.Close()
	fi, _ := os.Stat(path)
	t.Logf("library %d bytes", fi.Size())
	signal.Ignore(syscall.SIGXFSZ)
	bfi, _ := os.Stat(backup)
	t.Logf("backup %d", bfi.Size())
	setFileSizeLimit(t, fi.Size()+4096)
	defer setFileSizeLimit(t, -1)
	_, err = Restore(ctx, backup, path)
	t.Logf("restore under a full disk: %v", err)
	setFileSizeLimit(t, -1)
	list, _ := Backups(path)
	for _, b := range list {
		if err != nil && strings.Contains(b.Path, "before restore") {
			t.Errorf("a failed restore left its kept copy %s", filepath.Base(b.Path))
		}
	}
	if s2, err2 := Open(path, Options{QuickCheck: true}); err2 != nil {
		t.Errorf("library after failed restore: %v", err2)
	} else {
		s2.Close()
	}
	if err != nil {
		var ge *galley.Error
		if !errors.As(err, &ge) {
			t.Errorf("raw error reaches the editor: %q", galley.ErrorMessage(err))
		}
	}
}

func TestRestoreReviewConcurrentMigration(t *testing.T) {
	for round := 0; round < 10; round++ {
		path := filepath.Join(t.TempDir(), "lib.galley")
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s.SavePiece(ctx, &galley.Piece{Title: "x"})
		if _, err := s.db.Exec(`DROP INDEX pieces_source; ALTER TABLE pieces DROP COLUMN source; ALTER TABLE pieces DROP COLUMN formerly; DROP TABLE site_files; DROP TABLE addresses; ALTER TABLE pieces DROP COLUMN lang; ALTER TABLE revisions DROP COLUMN change; PRAGMA user_version = 5`); err != nil {
			t.Fatal(err)
		}
		s.Close()
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, err := Open(path)
				errs[i] = err
				if err == nil {
					st.Close()
				}
			}()
		}
		wg.Wait()
		for _, e := range errs {
			if e != nil {
				t.Fatalf("concurrent open of an older library: %v", e)
			}
		}
	}
}

func TestRestoreReviewBackupsThroughALink(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	real := filepath.Join(a, "real.galley")
	link := filepath.Join(b, "link.galley")
	s, err := Open(real)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	os.Symlink(real, link)
	s, err = Open(link)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	made, err := s.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, err := Backups(link)
	t.Logf("BackupNow wrote %s; Backups(link) = %v (%v)", made, list, err)
	if len(list) == 0 {
		t.Errorf("the backup made through the link is not listed for the link (CLI backup --list, desk's Restore, newestGoodBackup pass the unresolved path)")
	}
}

func TestRestoreReviewRestoreOlderSchemaAndPageSize(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lib.galley")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := &galley.Piece{Title: "Old", Summary: "in backup"}
	s.SavePiece(ctx, p)
	backup := filepath.Join(dir, "b.galley")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	db, _ := sql.Open("sqlite3", backup)
	db.SetMaxOpenConns(1)
	for _, q := range []string{`DROP INDEX pieces_source`, `ALTER TABLE pieces DROP COLUMN source`, `ALTER TABLE pieces DROP COLUMN formerly`, `DROP TABLE site_files`, `DROP TABLE addresses`, `ALTER TABLE pieces DROP COLUMN lang`, `ALTER TABLE revisions DROP COLUMN change`, `PRAGMA user_version = 5`, `PRAGMA journal_mode = DELETE`, `PRAGMA page_size = 65536`, `VACUUM`, `PRAGMA journal_mode = WAL`, `INSERT INTO library_meta VALUES ('in-wal', '1')`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	// keep the WAL un-checkpointed: copy the files while open
	os.Link(backup, filepath.Join(dir, "c.galley"))
	data, _ := os.ReadFile(backup + "-wal")
	os.WriteFile(filepath.Join(dir, "c.galley-wal"), data, 0o600)
	db.Close()
	p.Summary = "live"
	s.SavePiece(ctx, p)
	for _, b := range []string{backup, filepath.Join(dir, "c.galley")} {
		if _, err := Restore(ctx, b, path); err != nil {
			t.Errorf("restore of %s: %v", b, err)
			continue
		}
		got, _ := s.Piece(ctx, p.ID)
		v, _ := s.meta(ctx, "in-wal")
		t.Logf("restored from %s: %q, in-wal=%q", filepath.Base(b), got.Summary, v)
	}
}

func TestRestoreReviewRevisionNumbersReusedAfterRestore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lib.galley")
	s, _ := Open(path)
	defer s.Close()
	c := withClock(s, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	p := &galley.Piece{Title: "T", Summary: "one"}
	s.SavePiece(ctx, p)
	backup := filepath.Join(dir, "b.galley")
	s.Backup(ctx, backup)
	c.advance(time.Hour)
	p.Summary = "live two"
	s.SavePiece(ctx, p)
	// a History window lists revision 2 = "live two"
	if _, err := Restore(ctx, backup, path); err != nil {
		t.Fatal(err)
	}
	fresh, _ := s.Piece(ctx, p.ID)
	c.advance(time.Hour)
	fresh.Summary = "after restore"
	s.SavePiece(ctx, fresh)
	// Revision 2 was "live two"; after the restore no revision answers to
	// that number with another text.
	if back, err := s.RestoreRevision(ctx, p.ID, 2); err == nil {
		t.Errorf("revision 2, read as %q before the restore, now brings back %q", "live two", back.Summary)
	}
	revs, _ := s.Revisions(ctx, p.ID)
	if len(revs) != 2 || revs[0].Number <= 2 || revs[1].Number <= 2 {
		t.Errorf("after the restore the revisions are numbered %+v, not past 2", revs)
	}
}
