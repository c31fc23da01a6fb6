package store

import (
	"context"
	"database/sql"
	"math"
	"strings"

	"app.galley/galley/internal/galley"
)

// SuggestRelated proposes related publications for the piece pieceID,
// ranked the way Hugo ranks related content: by how many of the given
// topics a piece shares (more first), then by publication date (newest
// first, undated pieces last, newer pieces first among equals).
//
// topics are names, as the editor has them now, so suggestions follow
// unsaved edits; names not in the vocabulary are ignored, since no other
// piece carries them. The piece itself, pieces already on its stored
// related list, and pieces sharing no topic are left out. pieceID 0 stands
// for a piece not saved yet. A limit of 0 or less means no limit.
func (s *Store) SuggestRelated(ctx context.Context, pieceID int64, topics []string, limit int) ([]galley.Summary, error) {
	if len(topics) == 0 {
		return nil, nil
	}
	if limit <= 0 {
		limit = math.MaxInt // no limit, in a form every database takes
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	keys := make([]any, len(topics))
	for i, t := range topics {
		keys[i] = galley.NameKey(t)
	}
	var ids []any
	err = queryEach(ctx, tx, `SELECT id FROM topics WHERE key IN (`+placeholders(len(keys))+`)`, keys, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return nil, s.txError(err)
	}
	if len(ids) == 0 {
		return nil, nil
	}

	args := append(ids, pieceID, pieceID, limit)
	var list []galley.Summary
	q := suggestQuery(len(ids))
	if s.onServer() {
		// The index hint is SQLite's; PostgreSQL's planner has no such
		// words and chooses for itself.
		q = strings.Replace(q, " INDEXED BY pieces_recency", "", 1)
	}
	err = queryEach(ctx, tx, q, args, func(r *sql.Rows) error {
		sum, err := scanSummary(r)
		list = append(list, sum)
		return err
	})
	if err != nil {
		return nil, s.txError(err)
	}
	return list, nil
}

// suggestQuery ranks the pieces sharing any of n topics. Its arguments are
// the n topic IDs, the piece's ID twice, and the limit.
//
// The candidates and their shared-topic counts come from the topic index
// alone, their dates from pieces_recency (see its migration); only the
// pieces that make the cut are read from the table.
func suggestQuery(n int) string {
	return `
		WITH ranked AS (
			SELECT m.piece_id AS id, m.shared, d.published IS NULL AS undated, d.published
			FROM (
				SELECT piece_id, count(*) AS shared FROM piece_topics
				WHERE topic_id IN (` + placeholders(n) + `) AND piece_id <> ?
					AND piece_id NOT IN (SELECT related_id FROM related WHERE piece_id = ?)
				GROUP BY piece_id
			) m
			JOIN pieces d INDEXED BY pieces_recency ON d.id = m.piece_id
			ORDER BY m.shared DESC, undated, d.published DESC, m.piece_id DESC
			LIMIT ?
		)
		SELECT p.id, p.slug, p.title, coalesce(t.name, ''), p.status, coalesce(p.published, ''), p.updated
		FROM ranked r
		JOIN pieces p ON p.id = r.id
		LEFT JOIN types t ON t.id = p.type_id
		ORDER BY r.shared DESC, r.undated, r.published DESC, r.id DESC`
}

// Statuses returns the status of each of the pieces ids names that is in
// the library; IDs of pieces not (or no longer) in the library are absent
// from the map. The desk uses it to run a piece's pre-publish checks
// (galley.Piece.Checks) on its related publications.
func (s *Store) Statuses(ctx context.Context, ids []int64) (_ map[int64]galley.Status, err error) {
	defer func() { err = s.reach(err) }()
	out := make(map[int64]galley.Status, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// In batches, well under SQLite's limit on bound parameters.
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		chunk := ids[start:min(start+batch, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		err := queryEach(ctx, tx, `SELECT id, status FROM pieces WHERE id IN (`+placeholders(len(chunk))+`)`, args, func(r *sql.Rows) error {
			var id int64
			var st string
			err := r.Scan(&id, &st)
			out[id] = galley.Status(st)
			return err
		})
		if err != nil {
			return nil, s.txError(err)
		}
	}
	return out, nil
}

// placeholders returns n comma-separated question marks.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return "?" + strings.Repeat(",?", n-1)
}

// scanSummary reads a list line selected as id, slug, title, type name,
// status, publication date and update time.
func scanSummary(r *sql.Rows) (galley.Summary, error) {
	var sum galley.Summary
	var status, published, updated string
	if err := r.Scan(&sum.ID, &sum.Slug, &sum.Title, &sum.Type, &status, &published, &updated); err != nil {
		return sum, err
	}
	sum.Status = galley.Status(status)
	var err error
	if sum.Published, err = galley.ParseDate(published); err != nil {
		return sum, err
	}
	sum.Updated, err = parseTime(updated)
	return sum, err
}

// RelatedBy lists the pieces whose related publications include piece id,
// by title: what deleting it would take it off.
func (s *Store) RelatedBy(ctx context.Context, id int64) ([]galley.PieceRef, error) {
	return s.pieceRefs(ctx, `
		SELECT p.id, p.slug, p.title FROM related r JOIN pieces p ON p.id = r.piece_id
		WHERE r.related_id = ? ORDER BY p.title, p.id`, id)
}

// pieceRefs reads the pieces a query selects as (id, slug, title).
func (s *Store) pieceRefs(ctx context.Context, query string, args ...any) ([]galley.PieceRef, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var refs []galley.PieceRef
	err = queryEach(ctx, tx, query, args, func(r *sql.Rows) error {
		var ref galley.PieceRef
		err := r.Scan(&ref.ID, &ref.Slug, &ref.Title)
		refs = append(refs, ref)
		return err
	})
	return refs, s.txError(err)
}
