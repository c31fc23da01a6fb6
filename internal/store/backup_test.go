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
	lib := filepath.Join(t.TempDir(), "desk.galley")
	dir := BackupDir(lib)
	os.Mkdir(dir, 0o700)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.Local)
	write := func(name string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("x"), 0o600)
		// The files' dates say nothing: a copied folder has new ones.
		os.Chtimes(p, now, now)
		return p
	}
	// Two backups a day for 60 days (a morning one, and an evening one
	// the day before today), and two before-restore copies a day for 60.
	kept := map[string]bool{}
	for day := 0; day < 60; day++ {
		for _, hour := range []int{9, 17} {
			taken := now.Add(-time.Duration(day)*24*time.Hour + time.Duration(hour-12)*time.Hour)
			if taken.After(now) {
				continue
			}
			write("desk " + taken.Format(backupStamp) + ".galley")
			write("desk before restore " + taken.Format(backupStamp) + ".galley")
		}
	}
	// A second backup in the same second, this morning.
	write("desk " + now.Add(-3*time.Hour).Format(backupStamp) + "-2.galley")
	// Files that are not this library's backups are never touched.
	strangers := []string{
		write("other " + now.Add(-50*24*time.Hour).Format(backupStamp) + ".galley"),
		write("desk notes.galley"),
		write("desk 2026-01-01T000000.galley.txt"),
		write("desk copy " + now.Add(-50*24*time.Hour).Format(backupStamp) + ".galley"),
	}
	if err := RotateBackups(lib, now); err != nil {
		t.Fatal(err)
	}
	for _, p := range strangers {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("rotation removed %s, which is not one of the library's backups", filepath.Base(p))
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		kept[e.Name()] = true
	}
	for _, series := range []string{"desk ", "desk before restore "} {
		days := map[string]int{}
		for name := range kept {
			stamp, ok := strings.CutPrefix(name, series)
			if _, err := time.Parse("2006-01-02", stamp[:min(10, len(stamp))]); !ok || err != nil {
				continue
			}
			days[stamp[:10]]++
		}
		// Every backup of the last 24 hours (this morning's two of the
		// same second are both kept), then one a day for the last 7
		// days, then one a week, 4 weeks in all.
		today := now.Format("2006-01-02")
		wantToday := 2
		if series != "desk " {
			wantToday = 1
		}
		if days[today] != wantToday {
			t.Errorf("%q: %d kept from today, want %d: %v", series, days[today], wantToday, days)
		}
		yesterday := now.Add(-24 * time.Hour).Format("2006-01-02")
		if days[yesterday] != 1 {
			t.Errorf("%q: %d kept from yesterday, want its newest: %v", series, days[yesterday], days)
		}
		if n := len(days); n < KeepDaily || n > KeepDaily+KeepWeekly {
			t.Errorf("%q: backups of %d days kept: %v", series, n, days)
		}
		for d, n := range days {
			if d != today && n > 1 {
				t.Errorf("%q: %d backups kept on %s", series, n, d)
			}
		}
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
