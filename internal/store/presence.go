package store

import (
	"context"
	"math/rand/v2"
	"sync"

	"github.com/jackc/pgx/v5"

	"app.galley/galley/internal/galley"
)

// Session is a desk's presence on a team library: which piece it has
// open, seen by every other desk. It holds a connection of its own, and
// with it an advisory lock that makes its row count: when the desk ends —
// closed, crashed or cut off — the server lets go of the lock and the
// desk is no longer present, without anyone cleaning up. When the server
// went and came back, the next Open joins again.
//
// Its methods may be called from several goroutines: a pgx connection
// serves one at a time, so they take turns.
type Session struct {
	s   *Store
	who string

	mu     sync.Mutex
	conn   *pgx.Conn // nil after the connection was lost, until the next Open
	key    int64
	piece  int64 // the piece last said open, told again after a reconnection
	closed bool
}

// presenceLock is the first key of a session's advisory lock; the
// session's own key is the second.
const presenceLock = 2

// Join makes this desk present on the team library, as who ("" for the
// name its revisions are signed with: the database user). A library file
// has no other desks: Join returns nil and no error.
func (s *Store) Join(ctx context.Context, who string) (*Session, error) {
	if !s.onServer() {
		return nil, nil
	}
	if who == "" {
		who = s.Author
	}
	se := &Session{s: s, who: who}
	se.mu.Lock()
	defer se.mu.Unlock()
	if err := se.connect(ctx); err != nil {
		return nil, err
	}
	return se, nil
}

// connect opens the session's connection, takes a lock of its own and
// writes its row; the caller holds se.mu.
func (se *Session) connect(ctx context.Context) error {
	s := se.s
	conn, err := pgx.Connect(ctx, s.address)
	if err != nil {
		return s.serverError(err)
	}
	fail := func(err error) error {
		conn.Close(context.Background())
		return err
	}
	for tries := 0; ; tries++ {
		if se.key == 0 || tries > 0 {
			se.key = int64(rand.Int32N(1<<31-1) + 1)
		}
		var got bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2::int)`, presenceLock, se.key).Scan(&got); err != nil {
			return fail(s.serverError(err))
		}
		if got {
			break
		}
		if tries == 10 {
			return fail(galley.Errorf(galley.EBusy, "Could not join the team library %s; try again.", s.path))
		}
	}
	var piece any
	if se.piece > 0 {
		piece = se.piece
	}
	_, err = conn.Exec(ctx, `INSERT INTO presence (session_key, who, piece_id, since) VALUES ($1, $2, $3, $4)
		ON CONFLICT (session_key) DO UPDATE SET who = excluded.who, piece_id = excluded.piece_id, since = excluded.since`,
		se.key, se.who, piece, formatTime(s.now()))
	if err != nil {
		return fail(s.serverError(err))
	}
	se.conn = conn
	se.tell(ctx)
	return nil
}

// tell lets the other desks know this desk's presence changed.
func (se *Session) tell(ctx context.Context) {
	se.conn.Exec(ctx, `SELECT pg_notify($1, 'presence')`, changeChannel)
}

// Open says this desk now has piece id open (0 for none). After the
// server went and came back it joins again first.
func (se *Session) Open(ctx context.Context, id int64) error {
	if se == nil {
		return nil
	}
	se.mu.Lock()
	defer se.mu.Unlock()
	if se.closed {
		return nil
	}
	se.piece = id
	if se.conn == nil || se.conn.IsClosed() {
		se.conn = nil
		return se.connect(ctx)
	}
	var piece any
	if id > 0 {
		piece = id
	}
	_, err := se.conn.Exec(ctx, `UPDATE presence SET piece_id = $1, since = $2 WHERE session_key = $3`, piece, formatTime(se.s.now()), se.key)
	if err != nil {
		if unreachable(err) {
			// The connection died with the server (restarted, cut
			// off): join again at once, which fails if it is still away.
			se.conn.Close(context.Background())
			se.conn = nil
			return se.connect(ctx)
		}
		return se.s.serverError(err)
	}
	se.tell(ctx)
	return nil
}

// Leave ends the desk's presence.
func (se *Session) Leave() error {
	if se == nil {
		return nil
	}
	se.mu.Lock()
	defer se.mu.Unlock()
	se.closed = true
	if se.conn == nil {
		return nil
	}
	ctx := context.Background()
	se.conn.Exec(ctx, `DELETE FROM presence WHERE session_key = $1`, se.key)
	se.tell(ctx)
	err := se.conn.Close(ctx)
	se.conn = nil
	return err
}

// Presence lists the desks present on the team library with their open
// pieces, but for the session mine (nil for none): only desks whose
// connection is alive count, and rows of desks that ended are cleared.
func (s *Store) Presence(ctx context.Context, mine *Session) ([]galley.Presence, error) {
	if !s.onServer() {
		return nil, nil
	}
	var exclude int64
	if mine != nil {
		mine.mu.Lock()
		exclude = mine.key
		mine.mu.Unlock()
	}
	// Rows whose lock nobody holds belong to desks that are gone.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM presence p WHERE NOT EXISTS (
		SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
			AND l.classid = $1 AND l.objid = p.session_key AND l.objsubid = 2)`, presenceLock); err != nil {
		return nil, s.serverError(err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT who, coalesce(piece_id, 0), since FROM presence
		WHERE session_key <> $1 ORDER BY since, who`, exclude)
	if err != nil {
		return nil, s.serverError(err)
	}
	defer rows.Close()
	var list []galley.Presence
	for rows.Next() {
		var p galley.Presence
		var since string
		if err := rows.Scan(&p.Who, &p.PieceID, &since); err != nil {
			return nil, err
		}
		if t, err := parseTime(since); err == nil {
			p.Since = t
		}
		list = append(list, p)
	}
	return list, rows.Err()
}
