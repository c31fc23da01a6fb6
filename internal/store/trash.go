package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"app.galley/galley/internal/galley"
)

// TrashDays is how long a deleted piece waits in the trash before
// PurgeTrash removes it for good.
const TrashDays = 30

// trashPiece keeps the piece, as stored, in the trash before it is deleted:
// its words, its photos by reference (the images stay while it is there)
// and the pieces that listed it as related.
func (s *Store) trashPiece(ctx context.Context, tx *txn, id int64, relatedFrom []galley.PieceRef) error {
	p, err := s.loadPiece(ctx, tx, id)
	if err != nil {
		return err
	}
	data, _, err := encodeDoc(docOf(p))
	if err != nil {
		return err
	}
	from := make([]int64, 0, len(relatedFrom))
	for _, r := range relatedFrom {
		from = append(from, r.ID)
	}
	fromJSON, _ := json.Marshal(from)
	// The trash keeps no version: the library remembers the highest one a
	// deleted piece had, so the piece (or a restored library) comes back
	// past any version a desk may still hold.
	if err := raiseVersionFloor(ctx, tx, p.Version); err != nil {
		return s.txError(err)
	}
	var trashID int64
	err = tx.QueryRowContext(ctx, `
		INSERT INTO trash (piece_id, title, slug, deleted, author, related_from, data)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (piece_id) DO UPDATE SET title = excluded.title, slug = excluded.slug, deleted = excluded.deleted,
			author = excluded.author, related_from = excluded.related_from, data = excluded.data
		RETURNING id`,
		id, p.Title, p.Slug, formatTime(s.now()), s.Author, string(fromJSON), data).Scan(&trashID)
	if err != nil {
		return s.txError(err)
	}
	for _, ph := range p.Photos {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO trash_images (trash_id, image_id)
			SELECT id_of.trash_id, images.id FROM images, (SELECT CAST(? AS BIGINT) AS trash_id) id_of
			WHERE images.sha256 = ?
			ON CONFLICT DO NOTHING`, trashID, ph.Image.Hash)
		if err != nil {
			return s.txError(err)
		}
	}
	return nil
}

// Trash lists the deleted pieces waiting in the trash, most recently
// deleted first.
func (s *Store) Trash(ctx context.Context) ([]galley.TrashEntry, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var list []galley.TrashEntry
	err = queryEach(ctx, tx, `SELECT id, piece_id, title, slug, deleted, author FROM trash ORDER BY deleted DESC, id DESC`, nil,
		func(r *sql.Rows) error {
			var e galley.TrashEntry
			var deleted string
			if err := r.Scan(&e.ID, &e.PieceID, &e.Title, &e.Slug, &deleted, &e.Author); err != nil {
				return err
			}
			t, err := parseTime(deleted)
			e.Deleted = t
			list = append(list, e)
			return err
		})
	return list, s.txError(err)
}

// RestoreTrashed brings the trashed piece back as it was deleted, with its
// ID (and so its revisions), photos, topics and related list, and puts it
// back on the related lists of the pieces that had it. Should another
// piece have taken its slug meanwhile, it gets a new one. It returns the
// piece as now stored.
func (s *Store) RestoreTrashed(ctx context.Context, trashID int64) (*galley.Piece, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var pieceID int64
	var data []byte
	var fromJSON string
	err = tx.QueryRowContext(ctx, `SELECT piece_id, data, related_from FROM trash WHERE id = ?`, trashID).Scan(&pieceID, &data, &fromJSON)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, galley.Errorf(galley.ENotFound, "That piece is no longer in the trash.")
	}
	if err != nil {
		return nil, s.txError(err)
	}
	p, err := s.docPiece(ctx, tx, data, pieceID)
	if err != nil {
		return nil, err
	}
	if err := s.readyToRestore(ctx, tx, p); err != nil {
		return nil, err
	}
	now := s.now()
	p.Updated = now
	if p.Created.IsZero() {
		p.Created = now
	}
	// Past every version the piece had before it was deleted.
	floor, err := versionFloor(ctx, tx)
	if err != nil {
		return nil, s.txError(err)
	}
	p.Version = floor + 1
	if err := s.createPiece(ctx, tx, p, fromEditor); err != nil {
		return nil, err
	}
	var from []int64
	_ = json.Unmarshal([]byte(fromJSON), &from)
	for _, other := range from {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO related (piece_id, related_id, position)
			SELECT ?, ?, coalesce((SELECT max(position) FROM related WHERE piece_id = ?), 0) + 1
			WHERE EXISTS (SELECT 1 FROM pieces WHERE id = ?)
			AND NOT EXISTS (SELECT 1 FROM related WHERE piece_id = ? AND related_id = ?)`,
			other, pieceID, other, other, other, pieceID)
		if err != nil {
			return nil, s.txError(err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE pieces SET version = version + 1, updated = ? WHERE id = ?`, formatTime(now), other); err != nil {
				return nil, s.txError(err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM trash WHERE id = ?`, trashID); err != nil {
		return nil, s.txError(err)
	}
	if err := s.recordChange(ctx, tx, pieceID, now, ChangeTrashRestore); err != nil {
		return nil, err
	}
	restored, err := s.loadPiece(ctx, tx, pieceID)
	if err != nil {
		return nil, err
	}
	return restored, s.commit(tx)
}

// EmptyTrash deletes every trashed piece for good, with its revisions and
// the images nothing else shows, and returns how many pieces went.
func (s *Store) EmptyTrash(ctx context.Context) (int, error) {
	return s.purgeTrash(ctx, time.Time{})
}

// PurgeTrash deletes for good the pieces trashed more than TrashDays ago.
func (s *Store) PurgeTrash(ctx context.Context) (int, error) {
	if !s.may(ctx, "trash", "DELETE") {
		return 0, nil
	}
	return s.purgeTrash(ctx, s.now().Add(-TrashDays*24*time.Hour))
}

// purgeTrash deletes the entries trashed before cutoff (all, for the zero
// time).
func (s *Store) purgeTrash(ctx context.Context, cutoff time.Time) (int, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	query, args := `SELECT id, piece_id FROM trash`, []any{}
	if !cutoff.IsZero() {
		query, args = query+` WHERE deleted < ?`, []any{formatTime(cutoff)}
	}
	type entry struct{ id, piece int64 }
	var entries []entry
	err = queryEach(ctx, tx, query, args, func(r *sql.Rows) error {
		var e entry
		err := r.Scan(&e.id, &e.piece)
		entries = append(entries, e)
		return err
	})
	if err != nil {
		return 0, s.txError(err)
	}
	for _, e := range entries {
		var images []int64
		err := queryEach(ctx, tx, `
			SELECT image_id FROM trash_images WHERE trash_id = ?
			UNION SELECT ri.image_id FROM revision_images ri JOIN revisions r ON r.id = ri.revision_id WHERE r.piece_id = ?`,
			[]any{e.id, e.piece}, func(r *sql.Rows) error {
				var img int64
				err := r.Scan(&img)
				images = append(images, img)
				return err
			})
		if err != nil {
			return 0, s.txError(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM trash WHERE id = ?`, e.id); err != nil {
			return 0, s.txError(err)
		}
		// A piece gone for good takes its history with it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM revisions WHERE piece_id = ?`, e.piece); err != nil {
			return 0, s.txError(err)
		}
		if err := s.dropUnusedImages(ctx, tx, images); err != nil {
			return 0, err
		}
	}
	return len(entries), s.commit(tx)
}

// versionFloor is a version above every one a piece that left the library
// (deleted, or taken away by a restore) ever had: the highest version
// recorded in any revision or left by a deletion.
func versionFloor(ctx context.Context, tx *txn) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `
		SELECT max(v) FROM (
			SELECT coalesce(max(version), 0) AS v FROM revisions
			UNION ALL SELECT coalesce(max(version), 0) FROM pieces
			UNION ALL SELECT coalesce((SELECT CAST(value AS BIGINT) FROM library_meta WHERE key = 'version_floor'), 0)) versions`).Scan(&v)
	return v, err
}

// raiseVersionFloor records that a piece at version v left the library.
func raiseVersionFloor(ctx context.Context, tx *txn, v int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO library_meta (key, value) VALUES ('version_floor', ?)
		ON CONFLICT (key) DO UPDATE SET value = CAST((SELECT max(n) FROM (
			SELECT CAST(library_meta.value AS BIGINT) AS n UNION ALL SELECT CAST(excluded.value AS BIGINT)) candidates) AS TEXT)`, strconv.FormatInt(v, 10))
	return err
}
