package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql's "pgx" driver

	"app.galley/galley/internal/galley"
)

// A team library lives on a PostgreSQL server (docs/team-library.md). It
// is the same store as a library file's, speaking through the postgres
// dialect; what differs is how it is opened, how writes take turns (an
// advisory lock per library instead of SQLite's one writer) and how search
// is indexed (a tsvector instead of FTS5).
//
// This is the first part of it: opening, the schema, the write lock,
// saving, reading and search. The command line and the desk do not reach
// it yet (Open refuses a server address), so no editor meets a team
// library that lacks backups, restore or the live desk.

//go:embed migrations/postgres/*.sql
var serverMigrationFS embed.FS

// writeLockKey is the advisory lock every write to a team library takes
// first: the library's application ID ("GALY").
const writeLockKey = ApplicationID

// openServer opens the team library at a postgres:// address, creating
// it in an empty database, and refuses a database that is not a Galley
// library or holds a newer one, untouched.
func openServer(ctx context.Context, address string) (*Store, error) {
	shown := redactAddress(address) // as the editor wrote it
	address = withConnectTimeout(address)
	db, err := sql.Open("pgx", address)
	if err != nil {
		return nil, galley.Errorf(galley.EInvalid, "The team library's address is not valid: %s.", redactError(err, address))
	}
	s := &Store{path: shown, address: address, db: db, rdb: db, d: postgresDialect{},
		Now: time.Now, Author: currentUser(), RevisionWindow: DefaultRevisionWindow}
	// On a team library a revision is signed by the database user, the
	// name the server knows the editor by.
	var (
		app, version int64
		who          string
	)
	// A library already at this Galley's schema — nearly every opening —
	// is read in one round trip, without the write lock, so a desk opens
	// as fast while another desk saves. Anything else (an empty database,
	// an older schema, another program's tables) is looked at again under
	// the lock.
	err = db.QueryRowContext(ctx, `SELECT application_id, version, current_user FROM galley_schema`).Scan(&app, &version, &who)
	if err != nil && unreachable(err) {
		db.Close()
		return nil, s.reach(s.serverError(err))
	}
	if err != nil || app != ApplicationID || version != int64(latestServerSchema()) {
		if err := s.serverSchema(ctx); err != nil {
			db.Close()
			return nil, s.reach(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT current_user`).Scan(&who); err != nil {
			who = ""
		}
	}
	if who != "" {
		s.Author = who
	}
	return s, nil
}

// latestServerSchema is the schema version this Galley's team libraries
// are at.
func latestServerSchema() int {
	ms := serverMigrations()
	return ms[len(ms)-1].version
}

// Shown gives a library's name as it may be shown or kept (in a window
// title, a recent-libraries list, the preferences): a file's path as it
// is, a team library's address without its password.
func Shown(library string) string {
	if IsServerAddress(library) {
		return redactAddress(library)
	}
	return library
}

// redactAddress is the address as it may be shown: host and database,
// never the user's password.
func redactAddress(address string) string {
	u, err := url.Parse(address)
	if err != nil {
		return "the team library"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username()) // a name is not a secret
	}
	q := u.Query()
	if q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// redactError says what went wrong without repeating a password.
func redactError(err error, address string) string {
	msg := err.Error()
	if u, perr := url.Parse(address); perr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "…")
		}
	}
	return msg
}

// serverSchema brings the team library's schema up to date under the
// write lock, so two desks opening an empty database do not both make a
// library in it.
func (s *Store) serverSchema(ctx context.Context) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var marked bool
	if err := tx.QueryRowContext(ctx, `SELECT to_regclass('galley_schema') IS NOT NULL`).Scan(&marked); err != nil {
		return s.serverError(err)
	}
	version := 0
	if marked {
		var app int64
		if err := tx.QueryRowContext(ctx, `SELECT application_id, version FROM galley_schema`).Scan(&app, &version); err != nil || app != ApplicationID {
			return galley.Errorf(galley.EInvalid, "The database %s is not a Galley library; it was not changed.", s.path)
		}
	} else {
		var tables int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&tables); err != nil {
			return s.serverError(err)
		}
		if tables > 0 {
			return galley.Errorf(galley.EInvalid, "The database %s holds tables of another program, not a Galley library; it was not changed.", s.path)
		}
	}
	ms := serverMigrations()
	if latest := ms[len(ms)-1].version; version > latest {
		return galley.Errorf(galley.EInvalid, "The team library %s was made by a newer Galley (schema %d; this Galley knows up to %d). Update Galley to open it; nothing was changed.", s.path, version, latest)
	}
	for _, m := range ms {
		if m.version <= version {
			continue
		}
		// One script, run as it is: its functions are dollar-quoted.
		if _, err := tx.Tx.ExecContext(ctx, m.script); err != nil {
			return fmt.Errorf("upgrade the team library %s to schema %d (%s): %w", s.path, m.version, m.name, s.serverError(err))
		}
	}
	return s.commit(tx)
}

// beginServerWrite begins a write on a team library: READ COMMITTED, then
// the library's advisory lock, so writes take turns as on a file and each
// statement after the lock sees every write committed before it. The wait
// for the lock is bounded as a file's is (LockWait, WithLockWait).
func (s *Store) beginServerWrite(ctx context.Context) (*txn, error) {
	wait := LockWait
	if w, ok := ctx.Value(lockWaitKey{}).(time.Duration); ok && w < wait {
		wait = w
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.serverError(err)
	}
	t := &txn{Tx: tx, d: s.dialect()}
	// One round trip: the wait for the lock is bounded (lock_timeout for
	// this transaction), and once it is held nothing in the write is
	// hurried (lock_timeout back to none). Each step reads the one before
	// it, so the server runs them in order.
	_, err = tx.ExecContext(ctx, `
		WITH bounded AS MATERIALIZED (SELECT set_config('lock_timeout', $1, true)),
			locked AS MATERIALIZED (SELECT pg_advisory_xact_lock($2) FROM bounded)
		SELECT set_config('lock_timeout', '0', true) FROM locked`,
		fmt.Sprintf("%dms", max(1, wait.Milliseconds())), int64(writeLockKey))
	if err != nil {
		tx.Rollback()
		return nil, s.serverError(err)
	}
	return t, nil
}

// serverError explains a server's refusals an editor can act on, and
// says so plainly when the server cannot be reached at all.
func (s *Store) serverError(err error) error {
	if unreachable(err) {
		return s.unavailable(err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "55P03":
			return s.busyError()
		case pe.Code == "23505":
			return err // the caller tells duplicates apart
		case pe.Code == "53100":
			return galley.Errorf(galley.EInvalid, "The server of the team library %s is out of disk space. Your changes were not saved.", s.path)
		case pe.Code == "42501" && strings.HasPrefix(pe.Message, "permission denied"):
			// A grant an editor has and a writer lacks: the table alone
			// would not tell the writer what to do about it.
			return galley.Errorf(galley.EInvalid, "The team library %s refused it: deleting pieces, emptying the trash and renaming or merging topics are for an editor (%s).", s.path, pe.Message)
		case pe.Code == "42501":
			return galley.Errorf(galley.EInvalid, "The team library %s does not let you do that (%s).", s.path, pe.Message)
		}
	}
	return err
}

// unreachable reports whether err means the server could not be reached
// or went away mid-request (stopped, restarting, the network gone), as
// opposed to a refusal the server gave. The same request may succeed once
// it is back; a refusal would be refused again.
func unreachable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08 is "connection exception"; 57P01–57P03 are an
		// administrator's shutdown, a crash shutdown and a server still
		// starting up.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED):
		return true
	}
	// pgconn's own word for a connection it closed after a failure.
	return pgconn.Timeout(err) || strings.Contains(err.Error(), "conn closed")
}

// unavailable is the error of a request that could not reach the server.
func (s *Store) unavailable(err error) error {
	var ge *galley.Error
	if errors.As(err, &ge) && ge.Code == galley.EUnavailable {
		return err
	}
	return galley.Errorf(galley.EUnavailable, "The team library %s cannot be reached: the server is not answering (%s).", s.path, redactError(err, s.address))
}

// reach turns an error from a team library's server that means it could
// not be reached into EUnavailable; other errors pass unchanged. The
// desk's calls end in it, so a connection lost halfway through a save is
// told apart from a refusal however deep in the save it broke.
func (s *Store) reach(err error) error {
	if err != nil && s.onServer() && unreachable(err) {
		return s.unavailable(err)
	}
	return err
}

// defaultConnectTimeout bounds how long connecting to a team library's
// server may take when its address does not say: without it a server
// behind a dead network leaves a desk waiting minutes for the system's
// own timeout.
const defaultConnectTimeout = "10"

// withConnectTimeout adds connect_timeout to an address that sets none
// (neither in the address nor in PGCONNECT_TIMEOUT, which libpq and pgx
// read).
func withConnectTimeout(address string) string {
	u, err := url.Parse(address)
	if err != nil || os.Getenv("PGCONNECT_TIMEOUT") != "" {
		return address
	}
	q := u.Query()
	if q.Has("connect_timeout") {
		return address
	}
	q.Set("connect_timeout", defaultConnectTimeout)
	u.RawQuery = q.Encode()
	return u.String()
}

// serverSearchText selects each piece's ID and the words a file's
// piece_search holds for it: title, summary, body, Q&A, photos, people and
// topics. The caller adds which pieces (a WHERE clause).
const serverSearchText = `
	SELECT p.id, concat_ws(' ', p.title, p.summary, p.body,
		(SELECT string_agg(question || ' ' || answer, ' ' ORDER BY position) FROM qa WHERE piece_id = p.id),
		(SELECT string_agg(caption || ' ' || credit || ' ' || alt || ' ' || photographer, ' ' ORDER BY position) FROM photos WHERE piece_id = p.id),
		(SELECT string_agg(c.name, ' ' ORDER BY pc.position) FROM piece_contributors pc JOIN contributors c ON c.id = pc.contributor_id WHERE pc.piece_id = p.id),
		(SELECT string_agg(t.name, ' ' ORDER BY pt.position) FROM piece_topics pt JOIN topics t ON t.id = pt.topic_id WHERE pt.piece_id = p.id))
	FROM pieces p`

// serverSetSearch writes the search entries of the pieces whose IDs are
// the first array, each from its words (the second, each piece's folded
// words joined by spaces), with the newest-first key (days since 1970 of
// sort_day × 2^32 + id, as the file's searchKey).
const serverSetSearch = `
	UPDATE pieces p SET
		search_rowid = (p.sort_day::date - DATE '1970-01-01')::bigint * 4294967296 + p.id,
		search = array_to_tsvector(string_to_array(v.words, ' '))
	FROM unnest(CAST(? AS bigint[]), CAST(? AS text[])) AS v (id, words)
	WHERE p.id = v.id`

// setServerSearch writes the search entry of piece id from its words
// (searchWords of the texts serverSearchText gathers, in its order).
func (s *Store) setServerSearch(ctx context.Context, tx *txn, id int64, words []string) error {
	_, err := tx.ExecContext(ctx, serverSetSearch, []int64{id}, []string{strings.Join(words, " ")})
	return s.txError(err)
}

// pieceWords are the words of p's search entry, from the piece as a save
// has just stored it (its people and topics in their stored spelling):
// the texts serverSearchText would read back, in its order.
func pieceWords(p *galley.Piece) []string {
	texts := make([]string, 0, 3+2*len(p.QA)+4*len(p.Photos)+len(p.Contributors)+len(p.Topics))
	texts = append(texts, p.Title, p.Summary, p.Body)
	for _, qa := range p.QA {
		texts = append(texts, qa.Question, qa.Answer)
	}
	for _, ph := range p.Photos {
		texts = append(texts, ph.Caption, ph.Credit, ph.Alt, ph.Photographer)
	}
	for _, c := range p.Contributors {
		texts = append(texts, c.Name)
	}
	return searchWords(append(texts, p.Topics...)...)
}

// reindexServer rebuilds the search entries of a team library's pieces:
// the one with ID id, or every piece when id is 0. The desk folds the
// words (see searchWords), a few hundred pieces to a round trip.
func (s *Store) reindexServer(ctx context.Context, tx *txn, id int64) error {
	const chunk = 500
	query, args := serverSearchText+` WHERE p.id = ?`, []any{id}
	if id == 0 {
		query = serverSearchText + ` WHERE p.id > ? ORDER BY p.id LIMIT ` + strconv.Itoa(chunk)
	}
	for after := int64(0); ; {
		if id == 0 {
			args = []any{after}
		}
		var ids []int64
		var words []string
		err := queryEach(ctx, tx, query, args, func(r *sql.Rows) error {
			var pid int64
			var text string
			if err := r.Scan(&pid, &text); err != nil {
				return err
			}
			ids = append(ids, pid)
			words = append(words, strings.Join(searchWords(text), " "))
			return nil
		})
		if err != nil {
			return s.txError(err)
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, serverSetSearch, ids, words); err != nil {
			return s.txError(err)
		}
		if id != 0 || len(ids) < chunk {
			return nil
		}
		after = ids[len(ids)-1]
	}
}
