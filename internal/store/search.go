package store

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"unicode"

	"app.galley/galley/internal/galley"
)

// FindPieces lists the pieces that pass f, newest first (by publication
// date, or by creation day for undated drafts).
func (s *Store) FindPieces(ctx context.Context, f galley.Filter) (_ []galley.Summary, err error) {
	defer func() { err = s.reach(err) }()
	match := MatchExpression(f.Query)
	f.Query = "" // searched below, not in the WHERE clause
	where, args, err := s.filterSQL(ctx, f)
	if err != nil {
		return nil, err
	}
	const columns = `p.id, p.slug, p.title, coalesce(t.name, ''), p.status, coalesce(p.published, ''), p.updated`
	query := `
		SELECT ` + columns + `
		FROM pieces p LEFT JOIN types t ON t.id = p.type_id` + where + `
		ORDER BY p.sort_day DESC, p.id DESC`
	if match == "" && (f.Limit > 0 || f.Offset > 0) {
		// A page deep in the list: skip to it over the newest-first index
		// alone, then read only that page's rows. Skipping over the rows
		// themselves costs a lookup for every row passed: 60 ms and more
		// for a page near the end of 100,000 pieces, against 5 ms.
		limit := int64(f.Limit)
		if limit <= 0 {
			limit = math.MaxInt64 // no limit, in a form every database takes
		}
		query = `
			SELECT ` + columns + `
			FROM (SELECT p.id FROM pieces p` + where + `
				ORDER BY p.sort_day DESC, p.id DESC LIMIT ? OFFSET ?) page
			JOIN pieces p ON p.id = page.id
			LEFT JOIN types t ON t.id = p.type_id
			ORDER BY p.sort_day DESC, p.id DESC`
		args = append(args, limit, f.Offset)
		f.Limit, f.Offset = 0, 0 // given above
	}
	if match != "" && s.onServer() {
		// The query is built once, in FROM; newest first as in a file.
		cond := strings.Replace(where, " WHERE ", " AND ", 1)
		query = `
			SELECT ` + columns + `
			FROM pieces p CROSS JOIN galley_tsquery(?) AS q
			LEFT JOIN types t ON t.id = p.type_id
			WHERE p.search @@ q` + cond + `
			ORDER BY p.sort_day DESC, p.id DESC`
		args = append([]any{match}, args...)
	} else if match != "" {
		// Walk the search index newest first (its rowids encode the order)
		// and stop after one page, however many pieces match.
		cond := strings.Replace(where, " WHERE ", " AND ", 1)
		query = `
			SELECT ` + columns + `
			FROM piece_search s
			JOIN pieces p ON p.id = (s.rowid & 4294967295)
			LEFT JOIN types t ON t.id = p.type_id
			WHERE piece_search MATCH ?` + cond + `
			ORDER BY s.rowid DESC`
		args = append([]any{match}, args...)
	}
	if f.Limit > 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	} else if f.Offset > 0 {
		// No limit: the largest one, which both SQLite and PostgreSQL
		// take (SQLite's LIMIT -1 is its own).
		query += ` LIMIT ? OFFSET ?`
		args = append(args, int64(math.MaxInt64), f.Offset)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var list []galley.Summary
	err = queryEach(ctx, tx, query, args, func(r *sql.Rows) error {
		var sum galley.Summary
		var status, published, updated string
		if err := r.Scan(&sum.ID, &sum.Slug, &sum.Title, &sum.Type, &status, &published, &updated); err != nil {
			return err
		}
		sum.Status = galley.Status(status)
		var err error
		if sum.Published, err = galley.ParseDate(published); err != nil {
			return err
		}
		sum.Updated, err = parseTime(updated)
		list = append(list, sum)
		return err
	})
	if err != nil {
		return nil, s.txError(err)
	}
	return list, nil
}

// CountPieces counts the pieces that pass f, ignoring its Offset. A
// Limit caps the count: a search as the editor types needs to know
// "more than a couple of thousand", not the exact figure, and counting
// every match of a one-letter prefix in 100,000 pieces takes longer than
// a keystroke may.
func (s *Store) CountPieces(ctx context.Context, f galley.Filter) (_ int, err error) {
	defer func() { err = s.reach(err) }()
	match := MatchExpression(f.Query)
	limit := f.Limit
	f.Query = ""
	where, args, err := s.filterSQL(ctx, f)
	if err != nil {
		return 0, err
	}
	var query string
	switch {
	case match == "":
		query = `SELECT 1 FROM pieces p` + where
	case s.onServer():
		query = `SELECT 1 FROM pieces p CROSS JOIN galley_tsquery(?) AS q WHERE p.search @@ q` + strings.Replace(where, " WHERE ", " AND ", 1)
		args = append([]any{match}, args...)
	case where == "":
		// The search index alone knows how many pieces match; joining
		// each match to its piece would cost a row lookup apiece.
		query = `SELECT 1 FROM piece_search WHERE piece_search MATCH ?`
		args = []any{match}
	default:
		query = `SELECT 1 FROM piece_search s JOIN pieces p ON p.id = (s.rowid & 4294967295)
			WHERE piece_search MATCH ?` + strings.Replace(where, " WHERE ", " AND ", 1)
		args = append([]any{match}, args...)
	}
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	var n int
	err = s.rdb.QueryRowContext(ctx, s.dialect().rebind(`SELECT count(*) FROM (`+query+`) AS matches`), args...).Scan(&n)
	return n, s.txError(err)
}

// filterSQL turns f's status, type and topic into a WHERE clause (the
// query is the callers' business). Unknown topic and type names are errors
// rather than empty results, so a typo is not mistaken for "none".
func (s *Store) filterSQL(ctx context.Context, f galley.Filter) (string, []any, error) {
	var conds []string
	var args []any
	if f.Status != "" {
		if _, err := galley.ParseStatus(string(f.Status)); err != nil {
			return "", nil, err
		}
		conds = append(conds, "p.status = ?")
		args = append(args, string(f.Status))
	}
	if f.Type != "" {
		var id int64
		err := s.rdb.QueryRowContext(ctx, s.dialect().rebind(`SELECT id FROM types WHERE key = ?`), galley.NameKey(f.Type)).Scan(&id)
		if err == sql.ErrNoRows {
			return "", nil, galley.Errorf(galley.ENotFound, "There is no type named %q.", f.Type)
		} else if err != nil {
			return "", nil, s.txError(err)
		}
		conds = append(conds, "p.type_id = ?")
		args = append(args, id)
	}
	if f.Topic != "" {
		var id int64
		err := s.rdb.QueryRowContext(ctx, s.dialect().rebind(`SELECT id FROM topics WHERE key = ?`), galley.NameKey(f.Topic)).Scan(&id)
		if err == sql.ErrNoRows {
			return "", nil, galley.Errorf(galley.ENotFound, "There is no topic named %q.", f.Topic)
		} else if err != nil {
			return "", nil, s.txError(err)
		}
		conds = append(conds, "p.id IN (SELECT piece_id FROM piece_topics WHERE topic_id = ?)")
		args = append(args, id)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// MatchExpression turns what an editor types into an FTS5 query: every
// word must appear, and each word also matches as a prefix ("cease fi"
// finds "ceasefire finally"). Words are quoted, so FTS5 syntax typed by
// accident (quotes, AND, NEAR, a colon) is searched as plain text rather
// than failing. It returns "" when there is no word to search for.
func MatchExpression(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
	var b strings.Builder
	for _, w := range words {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + w + `"*`)
	}
	return b.String()
}
