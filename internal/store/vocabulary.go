package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"app.galley/galley/internal/galley"
)

// Topics lists the topic vocabulary alphabetically, with how many pieces
// carry each topic.
func (s *Store) Topics(ctx context.Context) ([]galley.Topic, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var list []galley.Topic
	err = queryEach(ctx, tx, `
		SELECT t.id, t.name, (SELECT count(*) FROM piece_topics pt WHERE pt.topic_id = t.id)
		FROM topics t ORDER BY t.name COLLATE NOCASE`, nil, func(r *sql.Rows) error {
		var t galley.Topic
		err := r.Scan(&t.ID, &t.Name, &t.Pieces)
		list = append(list, t)
		return err
	})
	return list, s.txError(err)
}

// RenameTopic gives the topic a new name, on every piece at once. Pieces
// keep their versions: the topic is shared vocabulary, not the piece's text.
func (s *Store) RenameTopic(ctx context.Context, id int64, name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return galley.Errorf(galley.EInvalid, "A topic needs a name.")
	}
	if strings.ContainsAny(name, "\n\r") {
		return galley.Errorf(galley.EInvalid, "A topic name must fit on one line.")
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var other int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM topics WHERE name = ? AND id <> ?`, name, id).Scan(&other)
	if err == nil {
		return galley.Errorf(galley.EConflict, "There is already a topic named %q; merge the two instead.", name)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return s.txError(err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE topics SET name = ? WHERE id = ?`, name, id)
	if err != nil {
		return s.txError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return galley.Errorf(galley.ENotFound, "Topic #%d is not in the library.", id)
	}
	var ids []int64
	err = queryEach(ctx, tx, `SELECT piece_id FROM piece_topics WHERE topic_id = ?`, []any{id}, func(r *sql.Rows) error {
		var pid int64
		err := r.Scan(&pid)
		ids = append(ids, pid)
		return err
	})
	if err != nil {
		return s.txError(err)
	}
	for _, pid := range ids {
		if err := s.reindex(ctx, tx, pid); err != nil {
			return err
		}
	}
	return s.commit(tx)
}

// Types lists the managed piece types in their order, with piece counts.
func (s *Store) Types(ctx context.Context) ([]galley.Type, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var list []galley.Type
	err = queryEach(ctx, tx, `
		SELECT t.id, t.name, (SELECT count(*) FROM pieces p WHERE p.type_id = t.id)
		FROM types t ORDER BY t.position, t.id`, nil, func(r *sql.Rows) error {
		var t galley.Type
		err := r.Scan(&t.ID, &t.Name, &t.Pieces)
		list = append(list, t)
		return err
	})
	return list, s.txError(err)
}

// Contributors lists everyone credited in the library, by name.
func (s *Store) Contributors(ctx context.Context) ([]galley.Contributor, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var list []galley.Contributor
	err = queryEach(ctx, tx, `SELECT id, name, role FROM contributors ORDER BY name COLLATE NOCASE`, nil, func(r *sql.Rows) error {
		var c galley.Contributor
		err := r.Scan(&c.ID, &c.Name, &c.Role)
		list = append(list, c)
		return err
	})
	return list, s.txError(err)
}
