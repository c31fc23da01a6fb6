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
		FROM topics t`, nil, func(r *sql.Rows) error {
		var t galley.Topic
		err := r.Scan(&t.ID, &t.Name, &t.Pieces)
		list = append(list, t)
		return err
	})
	galley.SortNames(list, func(t galley.Topic) string { return t.Name })
	return list, s.txError(err)
}

// RenameTopic gives the topic a new name, on every piece at once. Those
// pieces get new versions, so an editor holding one open from before the
// rename is told it changed instead of saving the old name back.
func (s *Store) RenameTopic(ctx context.Context, id int64, name string) error {
	name = strings.TrimSpace(name)
	if err := galley.CheckName("topic", name); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var other int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM topics WHERE key = ? AND id <> ?`, galley.NameKey(name), id).Scan(&other)
	if err == nil {
		return galley.Errorf(galley.EConflict, "There is already a topic named %q; merge the two instead.", name)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return s.txError(err)
	}
	if err := s.renamedAddresses(ctx, tx, AddressTopics, "topics", id, name); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE topics SET name = ?, key = ? WHERE id = ?`, name, galley.NameKey(name), id)
	if err != nil {
		return s.txError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return galley.Errorf(galley.ENotFound, "Topic #%d is not in the library.", id)
	}
	if err := s.touchPieces(ctx, tx, ChangeTopicRenamed, `SELECT piece_id FROM piece_topics WHERE topic_id = ?`, id); err != nil {
		return err
	}
	return s.commit(tx)
}

// touchPieces gives the pieces a query selects new versions, fresh
// search entries and a revision saying what changed, after a change to
// vocabulary they share.
func (s *Store) touchPieces(ctx context.Context, tx *txn, change, query string, args ...any) error {
	ids, err := s.pieceIDs(ctx, tx, query, args...)
	if err != nil {
		return err
	}
	return s.touchIDs(ctx, tx, ids, change)
}

// pieceIDs returns the piece IDs a query selects. A change that takes
// vocabulary off pieces collects them first, as afterwards no query finds
// them.
func (s *Store) pieceIDs(ctx context.Context, tx *txn, query string, args ...any) ([]int64, error) {
	var ids []int64
	err := queryEach(ctx, tx, query, args, func(r *sql.Rows) error {
		var pid int64
		err := r.Scan(&pid)
		ids = append(ids, pid)
		return err
	})
	if err != nil {
		return nil, s.txError(err)
	}
	return ids, nil
}

// touchIDs gives the pieces new versions, fresh search entries and a
// revision of their own recording the change: a rename is not the
// editor's typing, and must not fold into (and so erase) the revision of
// their last sitting.
func (s *Store) touchIDs(ctx context.Context, tx *txn, ids []int64, change string) error {
	now := s.now()
	stamp := formatTime(now)
	for _, pid := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE pieces SET version = version + 1, updated = ? WHERE id = ?`, stamp, pid); err != nil {
			return s.txError(err)
		}
		if err := s.reindex(ctx, tx, pid); err != nil {
			return err
		}
		if err := s.recordChange(ctx, tx, pid, now, change); err != nil {
			return err
		}
	}
	return nil
}

// UpdateContributor changes a contributor's name and role, on every piece
// that credits them. Like a topic rename, it gives those pieces new
// versions.
func (s *Store) UpdateContributor(ctx context.Context, c galley.Contributor) error {
	if err := checkContributor(&c); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var other string
	err = tx.QueryRowContext(ctx, `SELECT name FROM contributors WHERE key = ? AND id <> ?`, galley.NameKey(c.Name), c.ID).Scan(&other)
	if err == nil {
		return galley.Errorf(galley.EConflict, "There is already a contributor named %q.", other)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return s.txError(err)
	}
	if err := s.renamedAddresses(ctx, tx, AddressPeople, "contributors", c.ID, c.Name); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE contributors SET name = ?, key = ?, role = ? WHERE id = ?`, c.Name, galley.NameKey(c.Name), c.Role, c.ID)
	if err != nil {
		return s.txError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return galley.Errorf(galley.ENotFound, "Contributor #%d is not in the library.", c.ID)
	}
	if err := s.touchPieces(ctx, tx, ChangeContributor, `SELECT piece_id FROM piece_contributors WHERE contributor_id = ?`, c.ID); err != nil {
		return err
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

// Contributors lists everyone in the library's list of people, by name,
// with how many pieces credit each (from the byline index, so cheap).
func (s *Store) Contributors(ctx context.Context) ([]galley.Contributor, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var list []galley.Contributor
	err = queryEach(ctx, tx, `
		SELECT c.id, c.name, c.role, (SELECT count(*) FROM piece_contributors pc WHERE pc.contributor_id = c.id)
		FROM contributors c`, nil, func(r *sql.Rows) error {
		var c galley.Contributor
		err := r.Scan(&c.ID, &c.Name, &c.Role, &c.Pieces)
		list = append(list, c)
		return err
	})
	galley.SortNames(list, func(c galley.Contributor) string { return c.Name })
	return list, s.txError(err)
}

// Vocabulary reads the types, topics and contributors editors choose from,
// in one consistent read and without counting pieces (the managers' lists
// count; the choices need not).
func (s *Store) Vocabulary(ctx context.Context) (_ galley.Vocabulary, err error) {
	defer func() { err = s.reach(err) }()
	var v galley.Vocabulary
	tx, err := s.beginRead(ctx)
	if err != nil {
		return v, err
	}
	defer tx.Rollback()
	names := func(query string, into *[]string) error {
		return queryEach(ctx, tx, query, nil, func(r *sql.Rows) error {
			var name string
			err := r.Scan(&name)
			*into = append(*into, name)
			return err
		})
	}
	if err := names(`SELECT name FROM types ORDER BY position, id`, &v.Types); err != nil {
		return v, s.txError(err)
	}
	if err := names(`SELECT name FROM topics`, &v.Topics); err != nil {
		return v, s.txError(err)
	}
	galley.SortNames(v.Topics, func(name string) string { return name })
	err = queryEach(ctx, tx, `SELECT id, name, role FROM contributors`, nil, func(r *sql.Rows) error {
		var c galley.Contributor
		err := r.Scan(&c.ID, &c.Name, &c.Role)
		v.Contributors = append(v.Contributors, c)
		return err
	})
	galley.SortNames(v.Contributors, func(c galley.Contributor) string { return c.Name })
	return v, s.txError(err)
}
