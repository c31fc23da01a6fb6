// Package store keeps a Galley library in one SQLite file.
//
// Every public method runs in its own transaction: writes begin IMMEDIATE
// (so two processes queue on the busy timeout instead of failing halfway),
// reads run in a deferred transaction on a separate pool so they see one
// consistent snapshot while writes go on. Private helpers take the
// transaction and do one thing each.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"

	"app.galley/galley/internal/galley"
)

// ApplicationID is written into the SQLite header of every Galley library
// ("GALY"), so Galley can tell its own files from other programs' databases
// without opening them.
const ApplicationID = 0x47414c59

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is an open Galley library.
type Store struct {
	path string
	db   *sql.DB // writes: one connection, BEGIN IMMEDIATE
	rdb  *sql.DB // reads: a small pool of query-only connections

	// Now gives the time stamped on saves. Tests replace it.
	Now func() time.Time
	// Author is who saves, recorded with each revision: the OS user.
	Author string
	// RevisionWindow is how long successive saves gather into one
	// revision (DefaultRevisionWindow).
	RevisionWindow time.Duration

	file os.FileInfo // the library file as opened: see inPlace
	d    dialect     // nil for a library file (SQLite)
	// address is a team library's postgres:// address, as given (with
	// any password): for the connection Watch listens on. Never shown.
	address string
}

// Path returns the library file's path.
func (s *Store) Path() string { return s.path }

// Options tune Open.
type Options struct {
	// QuickCheck runs SQLite's quick_check over the whole file before
	// anything is written, and refuses a damaged library. It reads every
	// page: about a second per 100 MB, so the desk runs it in the
	// background (QuickCheck method) and `galley check` runs it on demand,
	// while quick commands open with the header checks alone. Damage the
	// header checks miss still surfaces as a clear error on the first read
	// of a damaged page, and the failed transaction changes nothing.
	QuickCheck bool
}

// Open opens the library at path, creating a new one when no file exists
// there, and brings its schema up to date.
//
// An empty file becomes a new library. A file that is not a Galley library
// (a text file, a truncated file, a folder, another program's SQLite
// database) or a library from a newer Galley is refused with a clear error,
// and nothing on disk is changed: those checks read the file's header
// before SQLite opens it.
// Damage inside the file is found by Options.QuickCheck.
func Open(path string, opts ...Options) (*Store, error) {
	var opt Options
	if len(opts) > 0 {
		opt = opts[0]
	}
	if IsServerAddress(path) {
		return openServer(context.Background(), path)
	}
	if !fts5Available {
		return nil, galley.Errorf(galley.EInternal, "This Galley was built without full-text search; build it with -tags sqlite_fts5 (the Makefile does).")
	}
	abs, err := resolvePath(path)
	if err != nil {
		return nil, err
	}
	exists, err := probe(abs)
	if err != nil {
		return nil, err
	}
	if !exists {
		if err := create(abs); err != nil {
			return nil, err
		}
	} else {
		matchSideFiles(abs)
	}

	s := &Store{path: abs, Now: time.Now, Author: currentUser(), RevisionWindow: DefaultRevisionWindow}
	if s.db, err = sql.Open("sqlite3", dsn(abs, "immediate", false)); err != nil {
		return nil, fmt.Errorf("open library %s: %w", abs, err)
	}
	// One writer connection: writes queue here instead of contending for
	// SQLite's lock inside this process.
	s.db.SetMaxOpenConns(1)
	if err := s.init(opt); err != nil {
		s.db.Close()
		return nil, err
	}
	if s.file, err = os.Stat(abs); err != nil {
		s.db.Close()
		return nil, galley.Errorf(galley.EInvalid, "The library %s vanished as it was opened.", abs)
	}
	os.SameFile(s.file, s.file) // where the file's identity is read lazily (Windows), read it now
	if s.rdb, err = sql.Open("sqlite3", dsn(abs, "deferred", true)); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open library %s: %w", abs, err)
	}
	s.rdb.SetMaxOpenConns(4)
	return s, nil
}

// IsServerAddress reports whether a library is named by a PostgreSQL
// address (postgres:// or postgresql://, as libpq takes them) rather than
// a file's path.
func IsServerAddress(library string) bool {
	l := strings.ToLower(library)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// resolvePath makes path absolute and follows symbolic links to the file
// they name. A library reached through a link is the link's target: its
// write-ahead log, its backups and a restore all belong beside the
// target, where every other program that opens the same file finds them
// (SQLite keeps its log beside the name it is given, and two names for
// one file would mean two logs). A path that does not exist yet is
// resolved through its folder.
func resolvePath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("open library %s: %w", path, err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	if _, err := os.Lstat(abs); err == nil {
		// A link that leads nowhere: say so, rather than create a library
		// in its place.
		return "", galley.Errorf(galley.EInvalid, "%s is a link to a file that does not exist; it was not changed.", abs)
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs)), nil
	}
	return abs, nil
}

// create makes a new, empty library at path. It is built under a hidden
// name beside path and linked into place only when complete, with its
// schema checkpointed into the file: a crash midway leaves no half-made
// library, and the header that marks the file as Galley's is always there.
// If another process creates the library first, theirs is kept.
func create(path string) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return galley.Errorf(galley.EInvalid, "Cannot create a library at %s: the folder %s does not exist.", path, dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot create a library in %s: %v.", dir, unwrapPathErr(err))
	}
	tmp := f.Name()
	f.Close()
	defer removeLibraryFiles(tmp)

	s := &Store{path: path, Now: time.Now, Author: currentUser(), RevisionWindow: DefaultRevisionWindow}
	if s.db, err = sql.Open("sqlite3", dsn(tmp, "immediate", false)); err != nil {
		return fmt.Errorf("create library %s: %w", path, err)
	}
	s.db.SetMaxOpenConns(1)
	err = s.migrate(context.Background())
	if err == nil {
		_, err = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("create library %s: %w", path, err)
	}
	err = os.Link(tmp, path)
	if errors.Is(err, fs.ErrExist) {
		// An empty file is replaced; anything else is someone else's new
		// library, and is kept.
		if fi, serr := os.Stat(path); serr == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
			err = os.Rename(tmp, path)
		} else {
			err = nil
		}
	}
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot create the library %s: %v.", path, unwrapPathErr(err))
	}
	return nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// dsn builds the connection string. The pragmas live here, not in a PRAGMA
// statement, so every pooled connection gets them.
func dsn(path, txlock string, readOnly bool) string {
	u := url.URL{Scheme: "file", Path: path}
	// _stmt_cache_size keeps each connection's prepared statements: SQLite
	// spends longer compiling the small statements of a save than running
	// them, and saves and imports run the same few dozen again and again.
	// The writer's own busy wait is one short step: SQLite's wait cannot be
	// cut short by a context, so beginWrite waits in such steps instead.
	busy := "10000"
	if txlock == "immediate" {
		busy = strconv.Itoa(int(lockStep / time.Millisecond))
	}
	q := "_foreign_keys=1&_journal_mode=WAL&_busy_timeout=" + busy + "&_synchronous=NORMAL&_stmt_cache_size=128&_txlock=" + txlock
	if readOnly {
		q += "&_query_only=1"
	}
	return u.String() + "?" + q
}

func (s *Store) init(opt Options) error {
	ctx := context.Background()
	if opt.QuickCheck {
		if err := s.quickCheck(ctx, s.db); err != nil {
			return err
		}
	}
	// The schema version is read without the write lock: a library that
	// needs no upgrade opens while another program writes to it (an
	// import of minutes), as SQLite's write-ahead log allows. Only an
	// older schema takes the lock, and each step checks again under it.
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return s.openError(err)
	}
	if v > latestVersion() {
		return newerError(s.path, v)
	}
	if v == latestVersion() {
		return nil
	}
	return s.migrate(ctx)
}

// QuickCheck runs SQLite's quick_check over the open library and returns
// an error describing any damage. It only reads, on the reading pool, so
// editing can go on meanwhile.
func (s *Store) QuickCheck(ctx context.Context) error {
	if s.onServer() {
		// A server checks its own pages; what can be checked from here is
		// that it answers, with a library in it.
		var n int
		if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM galley_schema`).Scan(&n); err != nil || n != 1 {
			return galley.Errorf(galley.EInvalid, "The team library %s does not answer as a Galley library (%v).", s.path, s.serverError(err))
		}
		return nil
	}
	return s.quickCheck(ctx, s.rdb)
}

func (s *Store) quickCheck(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return s.openError(err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return s.openError(err)
		}
		if msg != "ok" {
			problems = append(problems, msg)
		}
	}
	if err := rows.Err(); err != nil {
		return s.openError(err)
	}
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3], "…")
		}
		return galley.Errorf(galley.EInvalid, "The library %s is damaged (the integrity check found: %s). It was not changed; restore it from a backup.", s.path, strings.Join(problems, "; "))
	}
	return nil
}

// openError turns SQLite's complaints about a file into a sentence.
func (s *Store) openError(err error) error {
	var ge *galley.Error
	if errors.As(err, &ge) {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return galley.Errorf(galley.EInvalid, "%s is damaged or is not a Galley library; it was not changed.", s.path)
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return galley.Errorf(galley.EBusy, "The library %s is busy in another program; try again in a moment.", s.path)
		}
		if why, todo, ok := diskProblem(s.path, true, err); ok {
			return galley.Errorf(galley.EInvalid, "The library %s cannot be opened for editing: %s. Nothing was changed; %s, then open it again.", s.path, why, todo)
		}
	}
	return fmt.Errorf("open library %s: %w", s.path, err)
}

// Close closes the library. Closing the last connection checkpoints the
// write-ahead log into the file.
func (s *Store) Close() error {
	var errs []error
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	return errors.Join(errs...)
}

// probe looks at the file at path without letting SQLite touch it, so a
// file that is not ours is refused byte-for-byte unchanged. It reports
// whether a file exists.
func probe(path string) (bool, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, galley.Errorf(galley.EInvalid, "Cannot open the library %s: %v.", path, err)
	}
	if fi.IsDir() {
		return true, galley.Errorf(galley.EInvalid, "%s is a folder, not a Galley library file.", path)
	}
	if fi.Size() == 0 {
		// An empty file holds nothing to lose (SQLite itself treats it as a
		// new database): a library is created in its place.
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return true, galley.Errorf(galley.EInvalid, "Cannot read the library %s: %v.", path, err)
	}
	defer f.Close()
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || string(h[:16]) != "SQLite format 3\x00" {
		return true, galley.Errorf(galley.EInvalid, "%s is not a Galley library (it is not a database file).", path)
	}
	if id := binary.BigEndian.Uint32(h[68:]); id != ApplicationID {
		return true, galley.Errorf(galley.EInvalid, "%s is a database of another program, not a Galley library; it was not changed.", path)
	}
	if v := int(binary.BigEndian.Uint32(h[60:])); v > latestVersion() {
		return true, newerError(path, v)
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(h[28:]))
	// The page count in the header is trustworthy only when the "version
	// valid for" number matches the change counter, and only when no
	// write-ahead log is pending: a checkpoint writes page 1, with the new
	// count, before the pages that make the file longer, and a crash there
	// is mended from the log when SQLite opens the file.
	if binary.BigEndian.Uint32(h[92:]) == binary.BigEndian.Uint32(h[24:]) && fi.Size() < pages*pageSize && !walPending(path) {
		return true, galley.Errorf(galley.EInvalid, "The library %s is truncated (%d bytes of %d); it was not changed. Restore it from a backup.", path, fi.Size(), pages*pageSize)
	}
	return true, nil
}

// matchSideFiles makes SQLite's log and index beside a writable library
// writable again. SQLite makes them with the library's permissions, so a
// library once opened while read-only keeps read-only ones beside it, and
// would stay unwritable after its own file is made writable again.
func matchSideFiles(path string) {
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o200 == 0 {
		return
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		side, err := os.Stat(path + suffix)
		if err == nil && side.Mode().IsRegular() && side.Mode().Perm()&0o200 == 0 {
			os.Chmod(path+suffix, fi.Mode().Perm())
		}
	}
}

// walPending reports whether a non-empty write-ahead log sits beside path.
func walPending(path string) bool {
	fi, err := os.Stat(path + "-wal")
	return err == nil && fi.Size() > 0
}

func newerError(path string, v int) error {
	return galley.Errorf(galley.EInvalid, "The library %s was written by a newer Galley (schema version %d; this Galley knows up to %d). Update Galley to open it; the file was not changed.", path, v, latestVersion())
}

// removeLibraryFiles removes a library file and its SQLite side files.
func removeLibraryFiles(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

type migration struct {
	version int
	name    string
}

func migrations() []migration {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		panic(err) // embedded; cannot fail
	}
	var ms []migration
	for _, e := range entries {
		n, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(n)
		if !ok || err != nil {
			panic("migration file without a number: " + e.Name())
		}
		ms = append(ms, migration{v, e.Name()})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms
}

// LatestVersion returns the schema version this Galley writes.
func LatestVersion() int { return latestVersion() }

func latestVersion() int {
	ms := migrations()
	return ms[len(ms)-1].version
}

// migrate applies the embedded migrations the library lacks, each in its own
// transaction together with the new schema version, so a failure leaves the
// library at the last complete version.
func (s *Store) migrate(ctx context.Context) error {
	for _, m := range migrations() {
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration) error {
	tx, err := s.beginImmediate(ctx)
	if err != nil {
		return s.openError(err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return s.openError(err)
	}
	if v > latestVersion() {
		return newerError(s.path, v)
	}
	if v >= m.version {
		return nil
	}
	script, err := migrationFS.ReadFile("migrations/" + m.name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(script)); err != nil {
		return fmt.Errorf("upgrade library %s to schema %d (%s): %w", s.path, m.version, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return fmt.Errorf("upgrade library %s to schema %d: %w", s.path, m.version, err)
	}
	if err := tx.Commit(); err != nil {
		return s.openError(err)
	}
	return nil
}

// SchemaVersion returns the library's schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	q := "PRAGMA user_version"
	if s.onServer() {
		q = "SELECT version FROM galley_schema"
	}
	var v int
	err := s.rdb.QueryRowContext(ctx, q).Scan(&v)
	return v, err
}

// inPlace checks that the library file is still where it was opened. In
// WAL mode SQLite does not notice a library moved, renamed or deleted
// while open: it goes on writing saves into the log beside the old path,
// which the moved file never sees, and reports success. then says what
// the failure means for the caller.
func (s *Store) inPlace(then string) error {
	if s.file == nil {
		return nil
	}
	if fi, err := os.Stat(s.path); err == nil && os.SameFile(fi, s.file) {
		return nil
	}
	return galley.Errorf(galley.EInvalid, "The library %s was moved, renamed or deleted while Galley had it open. %s", s.path, then)
}

// LockWait is how long a write waits for another program's write to end
// before giving up with EBusy, unless its context's deadline comes first.
const LockWait = 10 * time.Second

// lockStep is one step of that wait: SQLite's own busy wait on the writer
// connection. Between steps the context is looked at.
const lockStep = 100 * time.Millisecond

// lockWaitKey carries a shorter wait than LockWait in a context.
type lockWaitKey struct{}

// WithLockWait returns a context under which a write waits at most d for
// another program's write to end, instead of LockWait. Only the wait for
// the lock is shortened: a write that has the lock is never hurried (a
// deadline on the context would roll back a save that takes longer).
func WithLockWait(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, lockWaitKey{}, d)
}

// beginWrite starts a write transaction (BEGIN IMMEDIATE via the DSN).
// While another program holds the library's write lock it waits, in steps,
// up to LockWait, the context's WithLockWait or its deadline, whichever is
// soonest: the desk's autosave gives up after a moment and tries again
// later instead of freezing the window, while the command line waits its
// ten seconds.
func (s *Store) beginWrite(ctx context.Context) (*txn, error) {
	if s.onServer() {
		return s.beginServerWrite(ctx)
	}
	if err := s.inPlace("Your changes were not saved; put the file back where it was, then save again."); err != nil {
		return nil, err
	}
	tx, err := s.beginImmediate(ctx)
	if err != nil {
		return nil, s.txError(err)
	}
	return &txn{Tx: tx, d: s.dialect()}, nil
}

// dialect is the library's: SQLite for a library file, PostgreSQL for a
// team library.
func (s *Store) dialect() dialect {
	if s.d == nil {
		return sqliteDialect{}
	}
	return s.d
}

// onServer reports whether the library is a team library on PostgreSQL.
func (s *Store) onServer() bool {
	_, ok := s.d.(postgresDialect)
	return ok
}

// beginImmediate takes the write lock for beginWrite and the migrations.
// Waiting too long gives EBusy; other errors are SQLite's, for the caller
// to explain. Two waits are bounded: for the one writer connection (held
// by a write of this Galley's own, such as a topic renamed in the
// background) and for SQLite's lock (held by another program).
func (s *Store) beginImmediate(ctx context.Context) (*sql.Tx, error) {
	wait := LockWait
	if w, ok := ctx.Value(lockWaitKey{}).(time.Duration); ok && w < wait {
		wait = w
	}
	deadline := time.Now().Add(wait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	for {
		tx, err := s.beginBefore(ctx, deadline)
		if err == nil {
			return tx, nil
		}
		if ctx.Err() == context.Canceled {
			return nil, ctx.Err()
		}
		if err == errWaitedTooLong {
			return nil, s.busyError()
		}
		if !isBusy(err) {
			return nil, err
		}
		if !time.Now().Add(lockStep / 2).Before(deadline) {
			return nil, s.busyError()
		}
		select {
		case <-ctx.Done():
			if ctx.Err() == context.Canceled {
				return nil, ctx.Err()
			}
			return nil, s.busyError()
		case <-time.After(lockStep / 5):
		}
	}
}

// errWaitedTooLong is beginBefore's "the writer connection stayed busy".
var errWaitedTooLong = errors.New("waited too long for the writer connection")

// beginBefore begins a transaction if the writer connection comes free
// before deadline. The transaction runs under a context that the deadline
// cancels only while it is being begun: once begun, only ctx ends it (a
// deadline on a running transaction would roll it back).
func (s *Store) beginBefore(ctx context.Context, deadline time.Time) (*sql.Tx, error) {
	txCtx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(time.Until(deadline), cancel)
	tx, err := s.db.BeginTx(txCtx, nil)
	if !timer.Stop() {
		// The deadline came while beginning: whatever began is rolled
		// back by its cancelled context, and counts as not begun.
		if err == nil {
			tx.Rollback()
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errWaitedTooLong
	}
	return tx, err
}

// isBusy reports whether err is SQLite's "another connection holds the
// lock".
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

func (s *Store) busyError() error {
	return galley.Errorf(galley.EBusy, "The library is busy: another change to it (in this Galley, another one, or an import) is still being written. Nothing was lost; try again in a moment.")
}

// beginRead starts a read transaction on the query-only pool.
func (s *Store) beginRead(ctx context.Context) (*txn, error) {
	var opts *sql.TxOptions
	if s.onServer() {
		// One snapshot for the whole read, as a deferred SQLite read has.
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := s.rdb.BeginTx(ctx, opts)
	if err != nil {
		return nil, s.txError(err)
	}
	return &txn{Tx: tx, d: s.dialect()}, nil
}

// txError explains the failures an editor can do something about.
func (s *Store) txError(err error) error {
	if s.onServer() {
		return s.serverError(err)
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return s.busyError()
		case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
			return galley.Errorf(galley.EInternal, "The library %s is damaged (%v). Restore it from a backup.", s.path, err)
		}
		if why, todo, ok := diskProblem(s.path, true, err); ok {
			return galley.Errorf(galley.EInvalid, "The library %s cannot be written: %s. Your changes were not saved; %s, then save again.", s.path, why, todo)
		}
	}
	return err
}

// errReadonlyDirectory is SQLITE_READONLY_DIRECTORY: the library's folder
// is read-only, so SQLite cannot make its write-ahead log beside it.
var errReadonlyDirectory = sqlite3.ErrReadonly.Extend(6)

// diskProblem says, in an editor's words, what kept the file at path (the
// library when library is set, else a backup) from being written when the
// cause is the disk or the file's permissions, and what to do about it.
// err is SQLite's error or the system's; ok is false for any other
// failure. A failed write of SQLite's is told apart by the system's error
// number: a full disk (or a quota, or a file-size limit) is not a failing
// disk.
func diskProblem(path string, library bool, err error) (why, todo string, ok bool) {
	var errno syscall.Errno
	var se sqlite3.Error
	if errors.As(err, &se) {
		errno = se.SystemErrno
		switch {
		case se.ExtendedCode == errReadonlyDirectory:
			return notWritable(path, library, true)
		case se.Code == sqlite3.ErrFull:
			errno = syscall.ENOSPC
		case se.Code == sqlite3.ErrReadonly, se.Code == sqlite3.ErrPerm, se.Code == sqlite3.ErrCantOpen:
			if errno == 0 {
				errno = syscall.EACCES
			}
		case se.Code == sqlite3.ErrIoErr:
			if errno == 0 {
				errno = syscall.EIO
			}
		default:
			return "", "", false
		}
	} else if !errors.As(err, &errno) {
		return "", "", false
	}
	switch errno {
	case syscall.ENOSPC, syscall.EDQUOT:
		return "the disk holding it is full", "free some space", true
	case syscall.EFBIG:
		return "the disk holding it is full, or the file is as large as that disk allows", "free some space, or use another disk", true
	case syscall.EROFS:
		return "the disk holding it is read-only", "use a writable disk", true
	case syscall.EACCES, syscall.EPERM:
		return notWritable(path, library, false)
	case syscall.EIO:
		return "the disk holding it reported an error", "check the disk (or its connection)", true
	}
	if se.Code == sqlite3.ErrIoErr {
		return fmt.Sprintf("the disk holding it reported an error (%v)", errno), "check the disk (or its connection)", true
	}
	return "", "", false
}

// notWritable tells why the file at path may not be written: the file is
// read-only, or its folder is (where SQLite keeps its log and index beside
// a library), or both. dirReadOnly says the folder is known to be. It
// never opens path itself: closing any descriptor of a library would drop
// SQLite's locks on it.
func notWritable(path string, library, dirReadOnly bool) (why, todo string, ok bool) {
	dir := filepath.Dir(path)
	fileReadOnly := false
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o222 == 0 {
		fileReadOnly = true
	}
	if !dirReadOnly {
		f, err := os.CreateTemp(dir, ".galley-write-check-*")
		if err == nil {
			f.Close()
			os.Remove(f.Name())
		} else if errors.Is(err, syscall.EROFS) {
			return "the disk holding it is read-only", "use a writable disk", true
		} else if errors.Is(err, fs.ErrPermission) {
			dirReadOnly = true
		}
	}
	sideReadOnly := false
	for _, suffix := range []string{"-wal", "-shm"} {
		if fi, err := os.Stat(path + suffix); err == nil && fi.Mode().Perm()&0o222 == 0 {
			sideReadOnly = true
		}
	}
	switch {
	case fileReadOnly && dirReadOnly:
		return fmt.Sprintf("the file and its folder %s are read-only", dir), "make them both writable", true
	case fileReadOnly:
		return "the file is read-only", "make the file writable", true
	case dirReadOnly && library:
		return fmt.Sprintf("its folder %s is read-only, and Galley keeps working files beside it", dir), "make the folder writable", true
	case dirReadOnly:
		return fmt.Sprintf("its folder %s is read-only", dir), "make the folder writable", true
	case sideReadOnly:
		base := filepath.Base(path)
		return fmt.Sprintf("the working files Galley keeps beside it (%s-wal and %s-shm) are read-only", base, base), "make them writable", true
	}
	return "Galley is not allowed to change it", "check that the file and its folder are writable", true
}

// commit commits tx, explaining the failures worth explaining.
func (s *Store) commit(tx *txn) error {
	if err := s.announce(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.txError(err)
	}
	return nil
}
