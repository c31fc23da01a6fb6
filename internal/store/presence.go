package store

import (
	"context"
	"math/rand/v2"

	"github.com/jackc/pgx/v5"

	"app.galley/galley/internal/galley"
)

// Session is a desk's presence on a team library: which piece it has
// open, seen by every other desk. It holds a connection of its own, and
// with it an advisory lock that makes its row count: when the desk ends —
// closed, crashed or cut off — the server lets go of the lock and the
// desk is no longer present, without anyone cleaning up.
type Session struct {
	s    *Store
	conn *pgx.Conn
	key  int64
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
	conn, err := pgx.Connect(ctx, s.address)
	if err != nil {
		return nil, s.serverError(err)
	}
	se := &Session{s: s, conn: conn}
	for tries := 0; ; tries++ {
		se.key = int64(rand.Int32N(1<<31-1) + 1)
		var got bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2::int)`, presenceLock, se.key).Scan(&got); err != nil {
			conn.Close(ctx)
			return nil, s.serverError(err)
		}
		if got {
			break
		}
		if tries == 10 {
			conn.Close(ctx)
			return nil, galley.Errorf(galley.EBusy, "Could not join the team library %s; try again.", s.path)
		}
	}
	_, err = conn.Exec(ctx, `INSERT INTO presence (session_key, who, since) VALUES ($1, $2, $3)
		ON CONFLICT (session_key) DO UPDATE SET who = excluded.who, piece_id = NULL, since = excluded.since`,
		se.key, who, formatTime(s.now()))
	if err != nil {
		conn.Close(ctx)
		return nil, s.serverError(err)
	}
	se.tell(ctx)
	return se, nil
}

// tell lets the other desks know this desk's presence changed.
func (se *Session) tell(ctx context.Context) {
	se.conn.Exec(ctx, `SELECT pg_notify($1, 'presence')`, changeChannel)
}

// Open says this desk now has piece id open (0 for none).
func (se *Session) Open(ctx context.Context, id int64) error {
	if se == nil {
		return nil
	}
	var piece any
	if id > 0 {
		piece = id
	}
	_, err := se.conn.Exec(ctx, `UPDATE presence SET piece_id = $1, since = $2 WHERE session_key = $3`, piece, formatTime(se.s.now()), se.key)
	if err != nil {
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
	ctx := context.Background()
	se.conn.Exec(ctx, `DELETE FROM presence WHERE session_key = $1`, se.key)
	se.tell(ctx)
	return se.conn.Close(ctx)
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
		exclude = mine.key
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
