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
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

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
//
// A library reached through a symbolic link keeps its backups beside the
// file the link names, where every program that opens it finds them.
func BackupDir(libraryPath string) string {
	if real, err := resolvePath(libraryPath); err == nil {
		libraryPath = real
	}
	return libraryPath + " backups"
}

// BackupFile is one backup on disk.
type BackupFile struct {
	Path  string
	Taken time.Time
	Size  int64
}

// Backup writes a consistent copy of the library to dest while it stays
// open for work: SQLite's VACUUM INTO copies one snapshot, compacted,
// without taking the write lock, so saves and imports go on meanwhile.
// The copy is written beside dest under a working name and linked into
// place only when whole, so dest is never a half-written file, and it
// gets the library file's permissions (a library kept private stays
// private in its backups). dest must not exist.
//
// The backup of a team library is a library file too: one snapshot of
// the server copied into it, which anyone can open.
func (s *Store) Backup(ctx context.Context, dest string) error {
	dest, err := filepath.Abs(dest)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(dest); err == nil {
		return galley.Errorf(galley.EConflict, "%s already exists; choose another name for the backup.", dest)
	}
	if s.onServer() {
		return s.backupServer(ctx, dest)
	}
	tmp, err := s.backupCopy(ctx, dest)
	if err != nil {
		return err
	}
	defer tmp.discard()
	if err := os.Link(tmp.path(), dest); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return galley.Errorf(galley.EConflict, "%s was made by another program while the backup was written; choose another name for the backup.", dest)
		}
		if why, todo, ok := diskProblem(dest, false, err); ok {
			return backupError(dest, why, todo)
		}
		return galley.Errorf(galley.EInternal, "The backup to %s could not be put in place: %v", dest, err)
	}
	return syncDir(filepath.Dir(dest))
}

// partialFile is a backup being written: a claimed working file beside
// where it will go.
type partialFile struct{ f *os.File }

func (p partialFile) path() string { return p.f.Name() }

// discard removes the working file (after it was linked into place, or
// when the backup failed) and gives up its claim.
func (p partialFile) discard() {
	os.Remove(p.f.Name())
	p.f.Close()
}

// partialPrefix and partialSuffix name the working file of a backup to
// dest: ".NAME.1234567.partial" beside it.
func partialPrefix(dest string) string { return "." + filepath.Base(dest) + "." }

const partialSuffix = ".partial"

// backupCopy writes the library's snapshot into a claimed working file in
// dest's folder, synced and with the library's permissions. Working
// files that an earlier, killed backup to the same name left are
// removed first.
func (s *Store) backupCopy(ctx context.Context, dest string) (partialFile, error) {
	// The copy is read through the library's path: a library moved away
	// would be read from whatever is there now, or made anew.
	if err := s.inPlace("It was not backed up; put the file back where it was, then back up again."); err != nil {
		return partialFile{}, err
	}
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		if why, todo, ok := diskProblem(dir, false, err); ok {
			return partialFile{}, galley.Errorf(galley.EInternal, "The backup folder %s cannot be made: %s. The library is unchanged; %s, then back up again.", dir, why, todo)
		}
		return partialFile{}, galley.Errorf(galley.EInternal, "Could not make the backup folder %s: %v", dir, err)
	}
	sweep(dir, tempPattern(partialPrefix(dest), partialSuffix))
	if dir == BackupDir(s.path) {
		// Backups beside the library are named by the second: a killed
		// one's working file has another name than this one's.
		sweep(dir, backupPartials(s.path))
	}
	// The copy's file is made here, empty (VACUUM INTO fills an empty
	// file), so a folder it cannot be made in is told as such: SQLite says
	// only that it could not open it.
	f, err := tempFile(dir, partialPrefix(dest), partialSuffix)
	if err != nil {
		if why, todo, ok := diskProblem(dest, false, err); ok {
			return partialFile{}, backupError(dest, why, todo)
		}
		return partialFile{}, galley.Errorf(galley.EInternal, "The backup to %s failed: %v", dest, err)
	}
	tmp := partialFile{f}
	if err := s.vacuumInto(ctx, tmp.path()); err != nil {
		tmp.discard()
		if why, todo, ok := diskProblem(dest, false, err); ok {
			return partialFile{}, backupError(dest, why, todo)
		}
		if ctx.Err() != nil {
			return partialFile{}, ctx.Err()
		}
		return partialFile{}, galley.Errorf(galley.EInternal, "The backup to %s failed: %v", dest, s.txError(err))
	}
	if fi, err := os.Stat(s.path); err == nil {
		os.Chmod(tmp.path(), fi.Mode().Perm())
	}
	if err := f.Sync(); err != nil {
		tmp.discard()
		if why, todo, ok := diskProblem(dest, false, err); ok {
			return partialFile{}, backupError(dest, why, todo)
		}
		return partialFile{}, galley.Errorf(galley.EInternal, "The backup to %s could not be written to disk: %v", dest, err)
	}
	return tmp, nil
}

// vacuumInto copies one consistent snapshot of the library, log included,
// into the empty file at path. It runs on a connection of its own: the
// read pool is query-only, and the write connection must stay free for
// saves while the copy is made.
func (s *Store) vacuumInto(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", dsn(s.path, "deferred", false))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}

// backupError explains a backup the disk would not take.
func backupError(dest, why, todo string) error {
	return galley.Errorf(galley.EInternal, "The backup %s cannot be written: %s. The library is unchanged; %s, then back up again.", dest, why, todo)
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
// the folder. It returns the new backup's path. Two backups made in the
// same second (by two programs) get two names.
func (s *Store) BackupNow(ctx context.Context) (string, error) {
	if s.onServer() {
		return "", galley.Errorf(galley.EInvalid, "A team library has no backup folder beside it: back it up to a file with galley backup --out FILE.")
	}
	dir := BackupDir(s.path)
	stamp := s.now().Local().Format(backupStamp)
	name := libraryName(s.path)
	dest := filepath.Join(dir, name+" "+stamp+".galley")
	tmp, err := s.backupCopy(ctx, dest)
	if err != nil {
		return "", err
	}
	defer tmp.discard()
	for n := 2; ; n++ {
		err := os.Link(tmp.path(), dest)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			if why, todo, ok := diskProblem(dest, false, err); ok {
				return "", backupError(dest, why, todo)
			}
			return "", galley.Errorf(galley.EInternal, "The backup to %s could not be put in place: %v", dest, err)
		}
		dest = filepath.Join(dir, fmt.Sprintf("%s %s-%d.galley", name, stamp, n))
	}
	if err := syncDir(dir); err != nil {
		return "", err
	}
	// The date only spares tomorrow's first opening a second backup; a
	// library that cannot be written (read-only), or that another program
	// is writing to at length (an import), is still backed up without
	// waiting for its lock.
	_ = s.setMeta(WithLockWait(ctx, 200*time.Millisecond), "last_backup", formatTime(s.now()))
	return dest, RotateBackups(s.path, s.now())
}

// libraryName is the name a library's backups are called by: its file
// name without the extension.
func libraryName(libraryPath string) string {
	return strings.TrimSuffix(filepath.Base(libraryPath), filepath.Ext(libraryPath))
}

// DailyBackup backs the library up unless that was done today; the desk
// calls it when a library opens. It returns the new backup's path, or ""
// when none was needed.
//
// A team library is backed up by whoever runs its server (and with
// galley backup --out FILE); a desk does not write a copy on every open.
func (s *Store) DailyBackup(ctx context.Context) (string, error) {
	if s.onServer() {
		return "", nil
	}
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

// backupNames matches the names of a library's own backups in its backup
// folder: "NAME 2026-11-30T101500.galley" (with "-2" … for a second in
// the same second) and, as a series of their own, "NAME before restore
// 2026-11-30T101500.galley". The stamp is when the backup was taken.
func backupNames(libraryPath string) (regular, beforeRestore *regexp.Regexp) {
	name := regexp.QuoteMeta(libraryName(libraryPath))
	stamp := `(\d{4}-\d{2}-\d{2}T\d{6})(?:-\d+)?\.galley$`
	return regexp.MustCompile(`^` + name + ` ` + stamp), regexp.MustCompile(`^` + name + ` before restore ` + stamp)
}

// backupPartials matches the working files of the library's own backups
// (and of the copies kept before a restore) in its backup folder.
func backupPartials(libraryPath string) *regexp.Regexp {
	name := regexp.QuoteMeta(libraryName(libraryPath))
	return regexp.MustCompile(`^\.` + name + ` (?:before restore )?\d{4}-\d{2}-\d{2}T\d{6}(?:-\d+)?\.galley\.[0-9]+` + regexp.QuoteMeta(partialSuffix) + `$`)
}

// RotateBackups deletes the library's own backups that the rotation does
// not keep, in each of its two series (the daily backups, and the copies
// kept before a restore) apart: every backup of the last 24 hours, then
// the newest of each of the last KeepDaily days that have one, and of
// each of the last KeepWeekly weeks. A backup's age is the time in its
// name, not its file's date (a copied file has a new one). Nothing else in
// the folder is touched: not files named otherwise, not another library's
// backups kept in the same folder.
func RotateBackups(libraryPath string, now time.Time) error {
	dir := BackupDir(libraryPath)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	type backup struct {
		path  string
		taken time.Time
	}
	regular, beforeRestore := backupNames(libraryPath)
	var errs []error
	for _, series := range []*regexp.Regexp{regular, beforeRestore} {
		var list []backup
		for _, e := range entries {
			m := series.FindStringSubmatch(e.Name())
			if m == nil || !e.Type().IsRegular() {
				continue
			}
			taken, err := time.ParseInLocation(backupStamp, m[1], time.Local)
			if err != nil {
				continue
			}
			list = append(list, backup{filepath.Join(dir, e.Name()), taken})
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].taken.After(list[j].taken) })
		days, weeks := map[string]bool{}, map[string]bool{}
		for _, b := range list {
			day := b.taken.Format(galley.DateLayout)
			y, w := b.taken.ISOWeek()
			week := fmt.Sprint(y, "-", w)
			keep := now.Sub(b.taken) < 24*time.Hour
			if !days[day] && len(days) < KeepDaily {
				days[day], keep = true, true
			}
			if !weeks[week] && len(weeks) < KeepWeekly {
				weeks[week], keep = true, true
			}
			if !keep {
				if err := os.Remove(b.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
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

// RestoreLockWait is how long a restore waits for another program's write
// (an import, say) to end before giving up: a restore replaces everything,
// so it waits for the whole of a write rather than cut in.
const RestoreLockWait = 2 * time.Minute

// Restore replaces the content of the library at libraryPath with the
// backup at backup, which must pass CheckBackup, and returns where the
// library as it was is kept ("NAME before restore …" in its backup
// folder).
//
// The restore is one write transaction on the library itself, not a swap
// of files: it waits for every other program's write to end (up to
// RestoreLockWait, then refuses, changing nothing), keeps the library as
// it then stands — so a write that ended before the restore is in the
// kept copy, and one that starts after it lands in the restored library —
// and replaces every table in one commit. Programs that have the library
// open (another desk, an import) go on working on the restored library;
// the pieces they hold are at new versions, so a save from before the
// restore is refused as a conflict and never overwrites the restored
// text, and a piece the restore removed is reported as deleted. Pieces
// made after the restore never reuse the ID of one the restore removed.
// A library reached through a symbolic link is restored in its target.
//
// Only a library too damaged to be written through SQLite is replaced by
// renaming the backup's copy over it (the damaged file is kept): close
// Galley everywhere first in that case.
func Restore(ctx context.Context, backup, libraryPath string) (kept string, err error) {
	if backup, err = filepath.Abs(backup); err != nil {
		return "", err
	}
	if err := CheckBackup(ctx, backup); err != nil {
		return "", err
	}
	if IsServerAddress(libraryPath) {
		// The team library as it was is kept beside the backup, as a
		// library file.
		st, err := Open(libraryPath)
		if err != nil {
			return "", err
		}
		defer st.Close()
		name := strings.TrimPrefix(filepath.Base(st.Path()), "?")
		if i := strings.IndexAny(name, "?#"); i >= 0 {
			name = name[:i]
		}
		kept = filepath.Join(filepath.Dir(backup), fmt.Sprintf("%s before restore %s.galley", name, time.Now().Format(backupStamp)))
		// As for a file: the backup is only read, through a copy brought
		// to the current schema.
		dir, prefix, suffix := filepath.Dir(backup), "."+filepath.Base(backup)+".", ".restoring"
		sweep(dir, tempPattern(prefix, suffix))
		f, err := tempFile(dir, prefix, suffix)
		if err != nil {
			return "", galley.Errorf(galley.EInternal, "The backup could not be copied beside itself: %v", unwrapPathErr(err))
		}
		defer func() {
			removeLibraryFiles(f.Name())
			f.Close()
		}()
		if err := prepareRestore(ctx, backup, f.Name()); err != nil {
			return "", err
		}
		if err := st.restoreServer(ctx, f.Name(), kept); err != nil {
			os.Remove(kept)
			return "", err
		}
		return kept, nil
	}
	if libraryPath, err = resolvePath(libraryPath); err != nil {
		return "", err
	}
	if same, _ := sameFile(backup, libraryPath); same {
		return "", galley.Errorf(galley.EInvalid, "%s is the library itself, not a backup of it.", backup)
	}
	dir := filepath.Dir(libraryPath)
	prefix, suffix := "."+filepath.Base(libraryPath)+".", ".restoring"
	sweep(dir, tempPattern(prefix, suffix))
	f, err := tempFile(dir, prefix, suffix)
	if err != nil {
		return "", galley.Errorf(galley.EInternal, "The backup could not be copied beside the library: %v", unwrapPathErr(err))
	}
	// The claim is given up last: closing any descriptor of a file drops
	// the SQLite locks this process holds on it.
	defer func() {
		removeLibraryFiles(f.Name())
		f.Close()
	}()
	if err := prepareRestore(ctx, backup, f.Name()); err != nil {
		return "", err
	}
	_, statErr := os.Stat(libraryPath)
	keep := !errors.Is(statErr, fs.ErrNotExist) // else the library is made from the backup
	st, err := Open(libraryPath)
	if err != nil {
		if !keep || !damaged(ctx, libraryPath) {
			// Busy, newer, another program's database, a full disk: a
			// library that is not damaged is never swapped away.
			return "", err
		}
		return swapDamaged(ctx, f.Name(), libraryPath, keptName(libraryPath, time.Now()))
	}
	kept, err = st.restoreFrom(ctx, f.Name(), keep)
	st.Close()
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB) {
		return swapDamaged(ctx, f.Name(), libraryPath, keptName(libraryPath, time.Now()))
	}
	if err != nil {
		return "", restoreError(libraryPath, err)
	}
	RotateBackups(libraryPath, time.Now())
	return kept, nil
}

// restoreError says why a restore failed, in an editor's words; the
// library is as it was.
func restoreError(libraryPath string, err error) error {
	var ge *galley.Error
	if errors.As(err, &ge) || errors.Is(err, context.Canceled) {
		return err
	}
	if why, todo, ok := diskProblem(libraryPath, true, err); ok {
		return galley.Errorf(galley.EInvalid, "The library %s cannot be restored: %s. Nothing was restored and the library is as it was; %s, then restore again.", libraryPath, why, todo)
	}
	return galley.Errorf(galley.EInternal, "The library %s could not be restored (%v). Nothing was restored and the library is as it was.", libraryPath, err)
}

// damaged reports whether the library at path is damaged — truncated, or
// failing SQLite's quick_check — rather than refused for another reason
// (another program's file, a newer Galley's, a locked or full disk).
func damaged(ctx context.Context, path string) bool {
	if _, err := probe(path); err != nil {
		return strings.Contains(galley.ErrorMessage(err), "truncated")
	}
	err := CheckBackup(ctx, path)
	if err == nil {
		return false
	}
	msg := galley.ErrorMessage(err)
	return strings.Contains(msg, "damaged") || strings.Contains(msg, "cannot be read as a library")
}

// keptName names the copy of a library kept before a restore.
func keptName(libraryPath string, now time.Time) string {
	dir := BackupDir(libraryPath)
	stamp := now.Local().Format(backupStamp)
	name := filepath.Join(dir, libraryName(libraryPath)+" before restore "+stamp+".galley")
	for n := 2; ; n++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = filepath.Join(dir, fmt.Sprintf("%s before restore %s-%d.galley", libraryName(libraryPath), stamp, n))
	}
}

// sameFile reports whether two paths name one file.
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// prepareRestore copies the backup through SQLite (its log included, if
// it has one) into the empty file at tmp and brings the copy's schema up
// to this Galley's, so the library is never seen with an older schema.
// The backup is only read: SQLite's online backup reads a read-only
// connection, where VACUUM INTO would need to write.
func prepareRestore(ctx context.Context, backup, tmp string) error {
	if err := copyDatabase(ctx, backup, tmp); err != nil {
		if why, todo, ok := diskProblem(tmp, false, err); ok {
			return galley.Errorf(galley.EInternal, "The backup cannot be copied beside the library: %s. Nothing was restored; %s, then restore again.", why, todo)
		}
		return galley.Errorf(galley.EInternal, "The backup %s could not be copied: %v", backup, err)
	}
	st, err := Open(tmp)
	if err != nil {
		return galley.Errorf(galley.EInternal, "The backup %s could not be brought up to date: %s", backup, galley.ErrorMessage(err))
	}
	return st.Close()
}

// copyDatabase copies the SQLite database at src, opened read-only, into
// the empty file at dst with SQLite's online backup.
func copyDatabase(ctx context.Context, src, dst string) error {
	u := url.URL{Scheme: "file", Path: src}
	from, err := sql.Open("sqlite3", u.String()+"?mode=ro&_query_only=1")
	if err != nil {
		return err
	}
	defer from.Close()
	// As a URL: a "?" in a plain path would be read as the start of
	// the driver's options.
	to, err := sql.Open("sqlite3", (&url.URL{Scheme: "file", Path: dst}).String())
	if err != nil {
		return err
	}
	defer to.Close()
	fromConn, err := from.Conn(ctx)
	if err != nil {
		return err
	}
	defer fromConn.Close()
	toConn, err := to.Conn(ctx)
	if err != nil {
		return err
	}
	defer toConn.Close()
	return toConn.Raw(func(d any) error {
		return fromConn.Raw(func(s any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			if _, err := b.Step(-1); err != nil {
				b.Finish()
				return err
			}
			return b.Finish()
		})
	})
}

// restoreFrom replaces every table of the library with the library file
// at src, in one write transaction, after keeping the library as it stands
// under that lock (when keep is set); it returns where it was kept. A
// failed restore leaves no kept copy behind: nothing was replaced.
func (s *Store) restoreFrom(ctx context.Context, src string, keep bool) (kept string, err error) {
	defer func() {
		if err != nil && kept != "" {
			os.Remove(kept)
			kept = ""
		}
	}()
	// A connection of the restore's own: the attached copy and the
	// foreign-key setting must not outlive it in the store's pool.
	db, err := sql.Open("sqlite3", dsn(s.path, "immediate", false))
	if err != nil {
		return kept, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return kept, s.openError(err)
	}
	defer conn.Close()
	// Every table is emptied and filled again: the foreign keys are
	// checked once at the end instead of cascading row by row.
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return kept, err
	}
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS restored`, src); err != nil {
		return kept, fmt.Errorf("restore: attach the copy of the backup: %w", err)
	}
	defer conn.ExecContext(context.Background(), `DETACH DATABASE restored`)

	tx, err := beginWaiting(ctx, conn, RestoreLockWait)
	if err != nil {
		if isBusy(err) || errors.Is(err, errWaitedTooLong) {
			return kept, galley.Errorf(galley.EBusy, "The library %s is busy: another program has been writing to it for over %v. Nothing was restored; try again when it has finished.", s.path, RestoreLockWait)
		}
		return kept, s.txError(err)
	}
	defer tx.Rollback()

	// The library as it stands now, under the lock, so nothing written
	// before the restore is in neither place. The name is chosen under
	// the lock too: two restores in one second keep two copies.
	if keep {
		for tries := 0; ; tries++ {
			name := keptName(s.path, time.Now())
			err := s.Backup(ctx, name)
			if err == nil {
				kept = name
				break
			}
			if galley.ErrorCode(err) != galley.EConflict || tries == 3 {
				return "", err
			}
		}
	}
	t := &txn{Tx: tx, d: sqliteDialect{}}
	maxVersion, maxID, err := s.restoreMarks(ctx, t)
	if err != nil {
		return kept, err
	}
	tables, err := restoredTables(ctx, tx)
	if err != nil {
		return kept, err
	}
	for _, t := range tables {
		q := quoteIdent(t.name)
		if _, err := tx.ExecContext(ctx, `DELETE FROM main.`+q); err != nil {
			return kept, fmt.Errorf("restore: empty %s: %w", t.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO main.`+q+` (`+t.columns+`) SELECT `+t.columns+` FROM restored.`+q); err != nil {
			return kept, fmt.Errorf("restore: fill %s: %w", t.name, err)
		}
	}
	if err := renumberRestored(ctx, t, maxVersion, maxID); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	// The search index of the pieces is the store's, not a table's copy:
	// made again from the restored pieces (the photos' is kept by its
	// triggers).
	if err := s.afterCopy(ctx, t); err != nil {
		return kept, err
	}
	broken := 0
	if err := queryEach(ctx, tx, `PRAGMA main.foreign_key_check`, nil, func(*sql.Rows) error { broken++; return nil }); err != nil {
		return kept, err
	}
	if broken > 0 {
		return kept, galley.Errorf(galley.EInvalid, "The backup's pieces refer to %d missing rows; nothing was restored.", broken)
	}
	if err := tx.Commit(); err != nil {
		return kept, s.txError(err)
	}
	// The log now holds the whole library once more; give the space back
	// when no reader needs it (a busy library keeps it until later).
	conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return kept, nil
}

// restoreMarks reads, under a restore's write lock, what the restored
// library must be numbered past: the highest version any piece has had
// and the highest piece ID, and (in a temporary table for
// renumberRestored) each piece's highest revision number.
func (s *Store) restoreMarks(ctx context.Context, tx *txn) (maxVersion, maxID int64, err error) {
	if maxVersion, err = versionFloor(ctx, tx); err != nil {
		return 0, 0, s.txError(err)
	}
	next, err := s.nextPieceID(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	_, err = tx.ExecContext(ctx, `CREATE TEMP TABLE restore_numbers AS
		SELECT piece_id, max(number) AS number FROM revisions GROUP BY piece_id`)
	return maxVersion, next - 1, s.txError(err)
}

// renumberRestored numbers what a restore brought back past the marks
// restoreMarks read: every piece and revision past every version an
// editor can hold from before (an older save is a conflict, never a
// silent overwrite of the restored text), each piece's revisions past the
// numbers its history showed (so "revision 2", read before the restore,
// never names another text afterwards), and new pieces past every ID.
func renumberRestored(ctx context.Context, tx *txn, maxVersion, maxID int64) error {
	for _, st := range []struct {
		query string
		args  []any
	}{
		{`UPDATE pieces SET version = version + ?`, []any{maxVersion}},
		{`UPDATE revisions SET version = version + ?`, []any{maxVersion}},
		// Negated first: each step must keep every piece's numbers
		// distinct.
		{`UPDATE revisions SET number = -(number + coalesce((SELECT n.number FROM restore_numbers n WHERE n.piece_id = revisions.piece_id), 0))`, nil},
		{`UPDATE revisions SET number = -number`, nil},
		{`DROP TABLE restore_numbers`, nil},
		{`INSERT INTO library_meta (key, value) VALUES ('version_floor', ?), ('id_floor', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, []any{strconv.FormatInt(maxVersion, 10), strconv.FormatInt(maxID, 10)}},
	} {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return err
		}
	}
	return nil
}

// restoredTable is one table a restore copies, with its column list.
type restoredTable struct{ name, columns string }

// restoredTables lists the library's own tables with their columns: not
// SQLite's, and not the full-text indexes or their shadow tables, which
// are made again from what is restored.
func restoredTables(ctx context.Context, tx *sql.Tx) ([]restoredTable, error) {
	var fts []string
	var names []string
	err := queryEach(ctx, tx, `SELECT name, sql FROM main.sqlite_schema WHERE type = 'table' ORDER BY name`, nil, func(r *sql.Rows) error {
		var name string
		var ddl sql.NullString
		if err := r.Scan(&name, &ddl); err != nil {
			return err
		}
		if strings.HasPrefix(strings.ToUpper(ddl.String), "CREATE VIRTUAL TABLE") {
			fts = append(fts, name)
		}
		names = append(names, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var tables []restoredTable
next:
	for _, name := range names {
		if strings.HasPrefix(name, "sqlite_") {
			continue
		}
		for _, v := range fts {
			if name == v || strings.HasPrefix(name, v+"_") {
				continue next
			}
		}
		var cols []string
		err := queryEach(ctx, tx, `SELECT name FROM main.pragma_table_info(?)`, []any{name}, func(r *sql.Rows) error {
			var c string
			err := r.Scan(&c)
			cols = append(cols, quoteIdent(c))
			return err
		})
		if err != nil {
			return nil, err
		}
		tables = append(tables, restoredTable{name, strings.Join(cols, ", ")})
	}
	return tables, nil
}

func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// beginWaiting begins a write transaction on conn, waiting up to wait for
// another program's write to end.
func beginWaiting(ctx context.Context, conn *sql.Conn, wait time.Duration) (*sql.Tx, error) {
	deadline := time.Now().Add(wait)
	for {
		tx, err := conn.BeginTx(ctx, nil)
		if err == nil || !isBusy(err) {
			return tx, err
		}
		if time.Now().After(deadline) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lockStep):
		}
	}
}

// swapDamaged puts the prepared copy tmp in place of a library too damaged
// to be written through SQLite, keeping the damaged file (and its log) at
// kept.
func swapDamaged(ctx context.Context, tmp, libraryPath, kept string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(kept), 0o700); err != nil {
		return "", err
	}
	if _, err := os.Stat(libraryPath); err == nil {
		if err := copyFile(libraryPath, kept); err != nil {
			return "", galley.Errorf(galley.EInternal, "The current library could not be kept before restoring: %v", err)
		}
		if walPending(libraryPath) {
			if err := copyFile(libraryPath+"-wal", kept+"-wal"); err != nil {
				return "", galley.Errorf(galley.EInternal, "The current library's log could not be kept before restoring: %v", err)
			}
		}
	}
	next := filepath.Join(filepath.Dir(libraryPath), "."+filepath.Base(libraryPath)+".restored")
	os.Remove(next)
	if err := os.Link(tmp, next); err != nil {
		return "", galley.Errorf(galley.EInternal, "The backup could not be put in place: %v", unwrapPathErr(err))
	}
	defer os.Remove(next)
	// The damaged file's log must not be replayed into the new one.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(libraryPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", galley.Errorf(galley.EInternal, "The library is still open somewhere (%v); close Galley everywhere and restore again.", err)
		}
	}
	if err := os.Rename(next, libraryPath); err != nil {
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
	err := s.rdb.QueryRowContext(ctx, s.dialect().rebind(`SELECT value FROM library_meta WHERE key = ?`), key).Scan(&v)
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
