package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
)

// Backups beside a library are rotated to the newest of each of the last
// KeepDaily days and of each of the last KeepWeekly weeks.
const (
	KeepDaily  = 7
	KeepWeekly = 4
)

// backupStamp names backup files; it sorts as it reads.
const backupStamp = "2006-01-02T150405"

// BackupDir is the folder beside a library where its backups are kept:
// "library.galley backups" next to "library.galley".
func BackupDir(libraryPath string) string {
	return libraryPath + " backups"
}

// BackupFile is one backup on disk.
type BackupFile struct {
	Path  string
	Taken time.Time
	Size  int64
}

// Backup writes a consistent copy of the library to dest while it stays
// open for work: SQLite's VACUUM INTO copies one snapshot, compacted. The
// copy is written beside dest and renamed into place, so dest is never a
// half-written file. dest must not exist.
func (s *Store) Backup(ctx context.Context, dest string) error {
	dest, err := filepath.Abs(dest)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(dest); err == nil {
		return galley.Errorf(galley.EConflict, "%s already exists; choose another name for the backup.", dest)
	}
	// The copy is read through the library's path: a library moved away
	// would be read from whatever is there now, or made anew.
	if err := s.inPlace("It was not backed up; put the file back where it was, then back up again."); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		if why, todo, ok := diskProblem(filepath.Dir(dest), false, err); ok {
			return galley.Errorf(galley.EInternal, "The backup folder %s cannot be made: %s. The library is unchanged; %s, then back up again.", filepath.Dir(dest), why, todo)
		}
		return galley.Errorf(galley.EInternal, "Could not make the backup folder %s: %v", filepath.Dir(dest), err)
	}
	tmp := filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".partial")
	os.Remove(tmp)
	defer os.Remove(tmp)
	// The copy's file is made here, empty (VACUUM INTO fills an empty
	// file), so a folder it cannot be made in is told as such: SQLite says
	// only that it could not open it.
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if why, todo, ok := diskProblem(dest, false, err); ok {
			return backupError(dest, why, todo)
		}
		return galley.Errorf(galley.EInternal, "The backup to %s failed: %v", dest, err)
	}
	f.Close()
	// A connection of its own: the read pool is query-only, and the write
	// connection must stay free for saves while the copy is made.
	db, err := sql.Open("sqlite3", dsn(s.path, "deferred", false))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		if why, todo, ok := diskProblem(dest, false, err); ok {
			return backupError(dest, why, todo)
		}
		return galley.Errorf(galley.EInternal, "The backup to %s failed: %v", dest, s.txError(err))
	}
	if err := syncFile(tmp); err != nil {
		if why, todo, ok := diskProblem(dest, false, err); ok {
			return backupError(dest, why, todo)
		}
		return galley.Errorf(galley.EInternal, "The backup to %s could not be written to disk: %v", dest, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		if why, todo, ok := diskProblem(dest, false, err); ok {
			return backupError(dest, why, todo)
		}
		return galley.Errorf(galley.EInternal, "The backup to %s could not be put in place: %v", dest, err)
	}
	return syncDir(filepath.Dir(dest))
}

// backupError explains a backup the disk would not take.
func backupError(dest, why, todo string) error {
	return galley.Errorf(galley.EInternal, "The backup %s cannot be written: %s. The library is unchanged; %s, then back up again.", dest, why, todo)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// BackupNow writes a backup into the library's backup folder and rotates
// the folder. It returns the new backup's path.
func (s *Store) BackupNow(ctx context.Context) (string, error) {
	dir := BackupDir(s.path)
	name := strings.TrimSuffix(filepath.Base(s.path), filepath.Ext(s.path))
	dest := filepath.Join(dir, name+" "+s.now().Local().Format(backupStamp)+".galley")
	for n := 2; ; n++ { // two backups within a second
		if _, err := os.Lstat(dest); errors.Is(err, fs.ErrNotExist) {
			break
		}
		dest = filepath.Join(dir, fmt.Sprintf("%s %s-%d.galley", name, s.now().Local().Format(backupStamp), n))
	}
	if err := s.Backup(ctx, dest); err != nil {
		return "", err
	}
	// The date only spares tomorrow's first opening a second backup; a
	// library that cannot be written (read-only) is still backed up.
	_ = s.setMeta(ctx, "last_backup", formatTime(s.now()))
	return dest, RotateBackups(dir, s.now())
}

// DailyBackup backs the library up unless that was done today; the desk
// calls it when a library opens. It returns the new backup's path, or ""
// when none was needed.
func (s *Store) DailyBackup(ctx context.Context) (string, error) {
	last, err := s.meta(ctx, "last_backup")
	if err != nil {
		return "", err
	}
	if t, err := parseTime(last); err == nil {
		y1, m1, d1 := t.Local().Date()
		y2, m2, d2 := s.now().Local().Date()
		if y1 == y2 && m1 == m2 && d1 == d2 {
			return "", nil
		}
	}
	return s.BackupNow(ctx)
}

// Backups lists the backups in the library's backup folder, newest first.
func Backups(libraryPath string) ([]BackupFile, error) {
	entries, err := os.ReadDir(BackupDir(libraryPath))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var list []BackupFile
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".galley") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		list = append(list, BackupFile{Path: filepath.Join(BackupDir(libraryPath), e.Name()), Taken: info.ModTime(), Size: info.Size()})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Taken.After(list[j].Taken) })
	return list, nil
}

// RotateBackups deletes the backups in dir that the rotation does not
// keep: the newest of each of the last KeepDaily days that have one, and
// of each of the last KeepWeekly weeks. A backup kept as the one before a
// restore ("before restore" in its name) is never rotated away.
func RotateBackups(dir string, now time.Time) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	type backup struct {
		path  string
		taken time.Time
	}
	var list []backup
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".galley") || strings.Contains(e.Name(), "before restore") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		list = append(list, backup{filepath.Join(dir, e.Name()), info.ModTime()})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].taken.After(list[j].taken) })
	days, weeks := map[string]bool{}, map[string]bool{}
	for _, b := range list {
		day := b.taken.Local().Format("2006-01-02")
		y, w := b.taken.Local().ISOWeek()
		week := fmt.Sprint(y, "-", w)
		keep := false
		if !days[day] && len(days) < KeepDaily {
			days[day], keep = true, true
		}
		if !weeks[week] && len(weeks) < KeepWeekly {
			weeks[week], keep = true, true
		}
		if !keep {
			if err := os.Remove(b.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// CheckBackup opens the file at path read-only and checks that it is a
// sound Galley library this Galley can open: its header, its schema
// version, and SQLite's quick_check of every page. Nothing is written.
func CheckBackup(ctx context.Context, path string) error {
	exists, err := probe(path)
	if err != nil {
		return err
	}
	if !exists {
		return galley.Errorf(galley.ENotFound, "There is no backup at %s (or it is empty).", path)
	}
	u := url.URL{Scheme: "file", Path: path}
	db, err := sql.Open("sqlite3", u.String()+"?mode=ro&_query_only=1")
	if err != nil {
		return err
	}
	defer db.Close()
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return galley.Errorf(galley.EInvalid, "%s cannot be read as a library: %v", path, err)
	}
	if v > latestVersion() {
		return newerError(path, v)
	}
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return galley.Errorf(galley.EInvalid, "%s is damaged: %v", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return galley.Errorf(galley.EInvalid, "%s is damaged: %v", path, err)
	}
	if len(problems) > 0 {
		return galley.Errorf(galley.EInvalid, "%s is damaged (%s); it was not used.", path, strings.Join(problems[:min(3, len(problems))], "; "))
	}
	return nil
}

// Restore replaces the library at libraryPath with the backup at backup,
// which must pass CheckBackup. The library must be closed (by every
// process). The library as it was is first kept as a backup of its own
// ("… before restore …"), unless it cannot be read at all, in which case
// its file is kept under that name instead. The replacement is a rename,
// so the library is always either the old file or the new.
func Restore(ctx context.Context, backup, libraryPath string) (kept string, err error) {
	if err := CheckBackup(ctx, backup); err != nil {
		return "", err
	}
	libraryPath, err = filepath.Abs(libraryPath)
	if err != nil {
		return "", err
	}
	dir := BackupDir(libraryPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	name := strings.TrimSuffix(filepath.Base(libraryPath), filepath.Ext(libraryPath))
	kept = filepath.Join(dir, name+" before restore "+time.Now().Format(backupStamp)+".galley")
	if _, statErr := os.Stat(libraryPath); statErr == nil {
		if st, err := Open(libraryPath); err == nil {
			err = st.Backup(ctx, kept)
			st.Close()
			if err != nil {
				return "", err
			}
		} else if err := copyFile(libraryPath, kept); err != nil {
			// Damaged beyond opening: keep the file itself.
			return "", galley.Errorf(galley.EInternal, "The current library could not be kept before restoring: %v", err)
		}
	}
	tmp := filepath.Join(filepath.Dir(libraryPath), "."+filepath.Base(libraryPath)+".restoring")
	if err := copyFile(backup, tmp); err != nil {
		os.Remove(tmp)
		return "", galley.Errorf(galley.EInternal, "The backup could not be copied: %v", err)
	}
	// The old file's write-ahead log must not be replayed into the new one.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(libraryPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			os.Remove(tmp)
			return "", galley.Errorf(galley.EInternal, "The library is still open somewhere (%v); close Galley everywhere and restore again.", err)
		}
	}
	if err := os.Rename(tmp, libraryPath); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return kept, syncDir(filepath.Dir(libraryPath))
}

// copyFile copies src to a new file dst and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// meta reads a fact about the library ("" when unset).
func (s *Store) meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.rdb.QueryRowContext(ctx, `SELECT value FROM library_meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, s.txError(err)
}

func (s *Store) setMeta(ctx context.Context, key, value string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return s.txError(err)
	}
	return s.commit(tx)
}
