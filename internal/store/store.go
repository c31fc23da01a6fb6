// Package store keeps a Galley library: one SQLite file (the default,
// embedded, offline) or a PostgreSQL database shared by a team, behind
// one Store with the same methods and promises on both.
//
// Every public method runs in its own transaction: writes take the
// library's write lock (BEGIN IMMEDIATE on a file, an advisory lock on a
// server), so two programs queue instead of failing halfway; reads run in
// a transaction of their own so they see one consistent snapshot while
// writes go on. Private helpers take the transaction and do one thing
// each.
//
// The files: store.go opens and closes a library, migrate.go brings its
// schema up to date, txn.go holds the transactions and the write lock,
// errors.go turns what SQLite and the file system say into coded errors;
// the rest are one subject each (pieces, search, history, trash, backup,
// roles, presence, the server's own SQL in server.go and dialect.go).
package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
)

// ApplicationID is written into the SQLite header of every Galley library
// ("GALY"), so Galley can tell its own files from other programs' databases
// without opening them.
const ApplicationID = 0x47414c59

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

// removeLibraryFiles removes a library file and its SQLite side files.
func removeLibraryFiles(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}
