package store

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

func TestABackupIsAWholeLibraryMadeWhileOpen(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	s, err := Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := &galley.Piece{Title: "Backed Up", QA: []galley.QA{{Question: "Q?", Answer: "A."}},
		Photos: []galley.Photo{{Data: fixture.JPEG(40, 30, 2), Caption: "kept"}}}
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	path, err := s.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(path) != BackupDir(lib) || !strings.HasPrefix(filepath.Base(path), "desk ") {
		t.Errorf("backup written to %s", path)
	}
	// The library goes on being edited after the backup.
	p.Title = "Changed After"
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := CheckBackup(ctx, path); err != nil {
		t.Fatalf("a fresh backup fails its check: %v", err)
	}
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Piece(ctx, p.ID)
	b.Close()
	if err != nil || got.Title != "Backed Up" || len(got.Photos) != 1 || got.Photos[0].Caption != "kept" {
		t.Errorf("the backup holds %+v (%v)", got, err)
	}
	// Once a day: a second call the same day makes none.
	if again, err := s.DailyBackup(ctx); err != nil || again != "" {
		t.Errorf("a second daily backup the same day: %q, %v", again, err)
	}
	// Make the first backup yesterday's, as far as the clock and the
	// file's date go; then the next day comes.
	yesterday := time.Now().Add(-24 * time.Hour)
	os.Chtimes(path, yesterday, yesterday)
	s.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
	next, err := s.DailyBackup(ctx)
	if err != nil || next == "" {
		t.Errorf("the next day's backup: %q, %v", next, err)
	}
	if list, _ := Backups(lib); len(list) != 2 || list[0].Path != next {
		t.Errorf("backups listed: %+v", list)
	}
}

func TestBackupsRotateDailyAndWeekly(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.Local)
	// Two backups a day for 60 days.
	for day := 0; day < 60; day++ {
		for _, hour := range []int{9, 17} {
			taken := now.Add(-time.Duration(day) * 24 * time.Hour).Add(time.Duration(hour-12) * time.Hour)
			p := filepath.Join(dir, "desk "+taken.Format(backupStamp)+".galley")
			os.WriteFile(p, []byte("x"), 0o600)
			os.Chtimes(p, taken, taken)
		}
	}
	keep := filepath.Join(dir, "desk before restore 2026-01-01T000000.galley")
	os.WriteFile(keep, []byte("x"), 0o600)
	old := now.Add(-300 * 24 * time.Hour)
	os.Chtimes(keep, old, old)
	if err := RotateBackups(dir, now); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	days := map[string]int{}
	for _, e := range entries {
		info, _ := e.Info()
		days[info.ModTime().Format("2006-01-02")]++
	}
	// The last 7 days keep their newest backup each; older weeks one each,
	// four weeks in all (the newest week is among the seven days).
	if len(entries) < KeepDaily+1 || len(entries) > KeepDaily+KeepWeekly+1 {
		t.Errorf("%d backups kept: %v", len(entries), days)
	}
	for d, n := range days {
		if n > 1 {
			t.Errorf("%d backups kept on %s", n, d)
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error("the backup kept before a restore was rotated away")
	}
}

func TestABadBackupIsRefusedAndTheLibraryLeftAlone(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	s, err := Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	s.SavePiece(ctx, &galley.Piece{Title: "Precious"})
	good, err := s.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, _ := os.ReadFile(lib)

	notALibrary := filepath.Join(dir, "notes.galley")
	os.WriteFile(notALibrary, []byte("just some notes, not a database"), 0o600)
	truncated := filepath.Join(dir, "cut.galley")
	data, _ := os.ReadFile(good)
	os.WriteFile(truncated, data[:len(data)/2], 0o600)
	damaged := filepath.Join(dir, "damaged.galley")
	bad := append([]byte(nil), data...)
	for i := 4096; i < len(bad) && i < 4096+400; i++ { // scribble over the second page's header
		bad[i] = 0xA5
	}
	os.WriteFile(damaged, bad, 0o600)
	for _, b := range []string{notALibrary, truncated, damaged, filepath.Join(dir, "missing.galley")} {
		_, err := Restore(ctx, b, lib)
		if err == nil {
			t.Errorf("restoring %s was accepted", filepath.Base(b))
			continue
		}
		if !strings.Contains(err.Error(), filepath.Base(b)) {
			t.Errorf("the refusal of %s does not name it: %v", filepath.Base(b), err)
		}
	}
	after, _ := os.ReadFile(lib)
	if !bytes.Equal(before, after) {
		t.Error("a refused restore changed the library")
	}
}

func TestRestoreKeepsTheLibraryItReplaces(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "desk.galley")
	s, err := Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	p := &galley.Piece{Title: "Version One"}
	s.SavePiece(ctx, p)
	backup, err := s.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.Title = "Version Two"
	s.SavePiece(ctx, p)
	s.Close()

	kept, err := Restore(ctx, backup, lib)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := r.Piece(ctx, p.ID)
	r.Close()
	if got.Title != "Version One" {
		t.Errorf("after restoring, the piece is %q", got.Title)
	}
	k, err := Open(kept)
	if err != nil {
		t.Fatalf("the library before the restore was not kept: %v", err)
	}
	defer k.Close()
	if was, _ := k.Piece(ctx, p.ID); was.Title != "Version Two" {
		t.Errorf("the kept library holds %q", was.Title)
	}
}
