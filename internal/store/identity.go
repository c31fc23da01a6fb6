package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"app.galley/galley/internal/galley"
)

// identityKey is the library_meta row holding the library's identity.
const identityKey = "library_id"

// Identity returns the library's lasting identity: a random 128-bit number
// in hexadecimal, made the first time it is asked for and kept in the
// library, so copies, backups and restores of the library carry it (they
// are the same body of work) while every other library has its own. An
// export folder remembers it to tell the library's own site from
// another's.
//
// Asking is a read, as an export is: the first ask makes the identity
// only when no other program is writing (it never waits for the write
// lock past a moment, so an export never waits for an import), and otherwise
// returns "" with no error: unknown this once, made by a later ask.
func (s *Store) Identity(ctx context.Context) (string, error) {
	if id, err := s.meta(ctx, identityKey); err != nil || id != "" {
		return id, err
	}
	b := make([]byte, 16)
	rand.Read(b)
	tx, err := s.beginWrite(WithLockWait(ctx, lockStep))
	if galley.ErrorCode(err) == galley.EBusy {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	// Two programs asking at once agree on the first one written.
	if _, err := tx.ExecContext(ctx, `INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, identityKey, hex.EncodeToString(b)); err != nil {
		return "", s.txError(err)
	}
	if err := s.commit(tx); err != nil {
		return "", err
	}
	return s.meta(ctx, identityKey)
}
