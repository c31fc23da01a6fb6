package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Every desk on a team library learns of a save by anyone within a
// moment, without polling: a write names the pieces it changed on the
// library's channel (PostgreSQL's NOTIFY, delivered only when the
// transaction commits), and Watch listens on it. The version check stays
// the last line of defence: a desk that missed a notice still cannot save
// over newer work.

// changeChannel is the channel a team library's changes are announced on.
const changeChannel = "galley_changes"

// announce names the pieces tx changed on the library's channel. The
// server sends the notice when tx commits, and never if it rolls back.
func (s *Store) announce(tx *txn) error {
	if !s.onServer() || len(tx.changed) == 0 {
		return nil
	}
	ids := make([]string, len(tx.changed))
	for i, id := range tx.changed {
		ids[i] = strconv.FormatInt(id, 10)
	}
	// A notice holds at most 8,000 bytes: a change of thousands of pieces
	// (a rename) is announced as "everything".
	payload := strings.Join(ids, ",")
	if len(payload) > 7000 {
		payload = "*"
	}
	_, err := tx.ExecContext(ctx0, `SELECT pg_notify(?, ?)`, changeChannel, payload)
	return s.txError(err)
}

// ctx0 runs the notice: it belongs to the commit, which is not cancelled
// halfway.
var ctx0 = context.Background()

// Change is what Watch reports: the pieces another program changed, or
// All when it changed too many to name (a topic renamed across the
// library) or when notices may have been missed (the server came back).
type Change struct {
	Pieces []int64
	All    bool
	// Presence says a desk opened a piece, joined or left.
	Presence bool
	// Lost says the connection to the server went (it stopped, or the
	// network did): until a Change with Back, saves will not reach it.
	Lost bool
	// Back says the server can be reached again after Lost. All is set
	// with it: notices sent meanwhile were missed.
	Back bool
}

// Watch calls fn with each change made to the team library, by any
// program, until ctx ends; it returns why it stopped. It does nothing for
// a library file and returns at once with nil.
//
// fn runs on Watch's goroutine. A dropped connection is reported at once
// as a Change with Lost set, and once the server is back as a Change with
// Back and All set, since notices sent meanwhile are lost. Watch tries to
// reconnect every second meanwhile.
func (s *Store) Watch(ctx context.Context, fn func(Change)) error {
	if !s.onServer() {
		return nil
	}
	missed := false
	back := func() {
		if missed {
			missed = false
			fn(Change{All: true, Back: true})
		}
	}
	for ctx.Err() == nil {
		err := s.listen(ctx, func(c Change) {
			back()
			fn(c)
		}, back)
		if ctx.Err() != nil {
			return nil
		}
		if !missed {
			missed = true
			if unreachable(err) {
				fn(Change{Lost: true})
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(watchRetry):
		}
	}
	return nil
}

// watchRetry is the pause between Watch's attempts to reach a server that
// went away.
const watchRetry = time.Second

// listen holds one connection listening on the library's channel until
// it fails or ctx ends. ready runs once it listens.
func (s *Store) listen(ctx context.Context, fn func(Change), ready func()) error {
	conn, err := pgx.Connect(ctx, s.address)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+changeChannel); err != nil {
		return err
	}
	ready()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(parseChange(n.Payload))
	}
}

// parseChange reads a notice's payload.
func parseChange(payload string) Change {
	if payload == "*" {
		return Change{All: true}
	}
	if payload == "presence" {
		return Change{Presence: true}
	}
	var c Change
	for _, f := range strings.Split(payload, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			c.Pieces = append(c.Pieces, id)
		}
	}
	if len(c.Pieces) == 0 {
		c.All = true
	}
	return c
}
