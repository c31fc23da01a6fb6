package store

// Transactions: writes take the library's write lock (BEGIN IMMEDIATE on a
// file, an advisory lock on a server), waiting up to a bound for another
// program's write; reads see one consistent snapshot.

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"time"

	"github.com/mattn/go-sqlite3"

	"app.galley/galley/internal/galley"
)

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
