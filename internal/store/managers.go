package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"app.galley/galley/internal/galley"
)

// This file holds what the desk's topic, type and contributor managers
// change. Each change is one write transaction, and every piece it reaches
// gets a new version: an editor holding such a piece open from before is
// told it changed, instead of saving the old names back (a save recreates
// the names a piece carries).

// MergeTopics folds the topic from into the topic into: every piece that
// carried from carries into instead, in from's place, and from leaves the
// vocabulary. It is how two spellings of one subject become one. A piece
// that carried both lists into once, in the earlier of the two places, so
// a piece whose primary (first) topic was either keeps the merged topic as
// its primary.
func (s *Store) MergeTopics(ctx context.Context, from, into int64) error {
	if from == into {
		return galley.Errorf(galley.EInvalid, "A topic cannot be merged into itself; choose another topic to merge it into.")
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range []int64{from, into} {
		if err := s.topicExists(ctx, tx, id); err != nil {
			return err
		}
	}
	ids, err := s.pieceIDs(ctx, tx, `SELECT piece_id FROM piece_topics WHERE topic_id = ?`, from)
	if err != nil {
		return err
	}
	// from's page now sends its readers to into's.
	var fromKey, intoKey string
	if err := tx.QueryRowContext(ctx, `SELECT f.key, i.key FROM topics f, topics i WHERE f.id = ? AND i.id = ?`, from, into).Scan(&fromKey, &intoKey); err != nil {
		return s.txError(err)
	}
	if err := s.moveAddresses(ctx, tx, AddressTopics, fromKey, intoKey); err != nil {
		return err
	}
	steps := []struct {
		query string
		args  []any
	}{
		// Pieces carrying both: where from comes first, into leaves its
		// place for from's; elsewhere from goes.
		{`DELETE FROM piece_topics WHERE topic_id = ? AND piece_id IN (
			SELECT f.piece_id FROM piece_topics f JOIN piece_topics i ON i.piece_id = f.piece_id
			WHERE f.topic_id = ? AND i.topic_id = ? AND f.position < i.position)`, []any{into, from, into}},
		{`DELETE FROM piece_topics WHERE topic_id = ? AND piece_id IN (SELECT piece_id FROM piece_topics WHERE topic_id = ?)`, []any{from, into}},
		{`UPDATE piece_topics SET topic_id = ? WHERE topic_id = ?`, []any{into, from}},
		{`DELETE FROM topics WHERE id = ?`, []any{from}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return s.txError(err)
		}
	}
	if err := s.touchIDs(ctx, tx, ids, ChangeTopicsMerged); err != nil {
		return err
	}
	return s.commit(tx)
}

// DeleteTopic takes the topic off every piece and out of the vocabulary.
// A piece whose first (primary) topic it was gets its next topic as primary.
func (s *Store) DeleteTopic(ctx context.Context, id int64) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.topicExists(ctx, tx, id); err != nil {
		return err
	}
	ids, err := s.pieceIDs(ctx, tx, `SELECT piece_id FROM piece_topics WHERE topic_id = ?`, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM piece_topics WHERE topic_id = ?`, id); err != nil {
		return s.txError(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM topics WHERE id = ?`, id); err != nil {
		return s.txError(err)
	}
	if err := s.touchIDs(ctx, tx, ids, ChangeTopicDeleted); err != nil {
		return err
	}
	return s.commit(tx)
}

// topicExists returns a not-found error an editor understands when the
// topic id is not in the vocabulary (the manager's list may be older than
// a merge or delete made in another window).
func (s *Store) topicExists(ctx context.Context, tx *txn, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM topics WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return galley.Errorf(galley.ENotFound, "Topic #%d is not in the library; it may have been merged or deleted meanwhile.", id)
	}
	return s.txError(err)
}

// CreateType adds a type to the end of the managed list, so editors can
// choose it before any piece has it.
func (s *Store) CreateType(ctx context.Context, name string) (galley.Type, error) {
	name = strings.TrimSpace(name)
	if err := galley.CheckName("type", name); err != nil {
		return galley.Type{}, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return galley.Type{}, err
	}
	defer tx.Rollback()
	if err := s.typeNameFree(ctx, tx, name, 0); err != nil {
		return galley.Type{}, err
	}
	ty := galley.Type{Name: name}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO types (name, key, position) VALUES (?, ?, (SELECT coalesce(max(position), 0) + 1 FROM types))
		RETURNING id`, name, galley.NameKey(name)).Scan(&ty.ID)
	if err != nil {
		return galley.Type{}, s.txError(err)
	}
	return ty, s.commit(tx)
}

// RenameType gives the type a new name, on every piece of that type at
// once. Those pieces get new versions (types are not in the search index,
// so their entries stay as they are).
func (s *Store) RenameType(ctx context.Context, id int64, name string) error {
	name = strings.TrimSpace(name)
	if err := galley.CheckName("type", name); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.typeNameFree(ctx, tx, name, id); err != nil {
		return err
	}
	if err := s.renamedAddresses(ctx, tx, AddressTypes, "types", id, name); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE types SET name = ?, key = ? WHERE id = ?`, name, galley.NameKey(name), id)
	if err != nil {
		return s.txError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return typeNotFound(id)
	}
	_, err = tx.ExecContext(ctx, `UPDATE pieces SET version = version + 1, updated = ? WHERE type_id = ?`, formatTime(s.now()), id)
	if err != nil {
		return s.txError(err)
	}
	return s.commit(tx)
}

// DeleteType removes the type from the managed list. Pieces of that type
// become untyped (and get new versions); they are not deleted.
func (s *Store) DeleteType(ctx context.Context, id int64) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM types WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return typeNotFound(id)
	}
	if err != nil {
		return s.txError(err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE pieces SET type_id = NULL, version = version + 1, updated = ? WHERE type_id = ?`, formatTime(s.now()), id)
	if err != nil {
		return s.txError(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM types WHERE id = ?`, id); err != nil {
		return s.txError(err)
	}
	return s.commit(tx)
}

// typeNameFree refuses a type name another type (not id) already has, in
// any case or accents, since the two would be one type to readers.
func (s *Store) typeNameFree(ctx context.Context, tx *txn, name string, id int64) error {
	var other string
	err := tx.QueryRowContext(ctx, `SELECT name FROM types WHERE key = ? AND id <> ?`, galley.NameKey(name), id).Scan(&other)
	if err == nil {
		return galley.Errorf(galley.EConflict, "There is already a type named %q; choose another name.", other)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return s.txError(err)
	}
	return nil
}

func typeNotFound(id int64) error {
	return galley.Errorf(galley.ENotFound, "Type #%d is not in the library; it may have been deleted meanwhile.", id)
}

// CreateContributor adds a person to the library's list of people, so
// editors can pick them for bylines. It returns them with their ID.
func (s *Store) CreateContributor(ctx context.Context, c galley.Contributor) (galley.Contributor, error) {
	if err := checkContributor(&c); err != nil {
		return galley.Contributor{}, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return galley.Contributor{}, err
	}
	defer tx.Rollback()
	var other string
	err = tx.QueryRowContext(ctx, `SELECT name FROM contributors WHERE key = ?`, galley.NameKey(c.Name)).Scan(&other)
	if err == nil {
		return galley.Contributor{}, galley.Errorf(galley.EConflict, "There is already a contributor named %q.", other)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return galley.Contributor{}, s.txError(err)
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO contributors (name, key, role) VALUES (?, ?, ?) RETURNING id`,
		c.Name, galley.NameKey(c.Name), c.Role).Scan(&c.ID)
	if err != nil {
		return galley.Contributor{}, s.txError(err)
	}
	c.Pieces = 0
	return c, s.commit(tx)
}

// DeleteContributor removes a person from the library's list of people.
// Someone still on a byline is refused, with how many pieces credit them:
// deleting them would silently change what those pieces say.
func (s *Store) DeleteContributor(ctx context.Context, id int64) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var name string
	var pieces int
	err = tx.QueryRowContext(ctx, `
		SELECT name, (SELECT count(*) FROM piece_contributors WHERE contributor_id = c.id)
		FROM contributors c WHERE id = ?`, id).Scan(&name, &pieces)
	if errors.Is(err, sql.ErrNoRows) {
		return galley.Errorf(galley.ENotFound, "Contributor #%d is not in the library; they may have been deleted meanwhile.", id)
	}
	if err != nil {
		return s.txError(err)
	}
	switch {
	case pieces == 1:
		return galley.Errorf(galley.EConflict, "%s is on the byline of 1 piece; take them off it before deleting them.", name)
	case pieces > 1:
		return galley.Errorf(galley.EConflict, "%s is on the bylines of %d pieces; take them off those bylines before deleting them.", name, pieces)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM contributors WHERE id = ?`, id); err != nil {
		return s.txError(err)
	}
	return s.commit(tx)
}

// checkContributor trims a contributor's name and role and checks them:
// a name, and a role on one line without control characters, which would
// break exports.
func checkContributor(c *galley.Contributor) error {
	c.Name, c.Role = strings.TrimSpace(c.Name), strings.TrimSpace(c.Role)
	if err := galley.CheckName("contributor", c.Name); err != nil {
		return err
	}
	if strings.ContainsAny(c.Role, "\n\r") || len(c.Role) > galley.MaxLine {
		return galley.Errorf(galley.EInvalid, "A role must fit on one line of at most %d bytes.", galley.MaxLine)
	}
	if !utf8.ValidString(c.Role) || strings.IndexFunc(c.Role, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) >= 0 {
		return galley.Errorf(galley.EInvalid, "The role of %s is not plain text (it holds a control character or broken bytes); retype it.", c.Name)
	}
	return nil
}
