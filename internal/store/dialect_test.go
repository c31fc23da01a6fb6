package store

import "testing"

func TestPlaceholdersAreNumberedOutsideQuotesAndComments(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT id FROM pieces WHERE slug = ? AND id <> ?`, `SELECT id FROM pieces WHERE slug = $1 AND id <> $2`},
		{`SELECT '?' || ?, "a?b" FROM t WHERE x = ?`, `SELECT '?' || $1, "a?b" FROM t WHERE x = $2`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{"SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2"},
		{`SELECT /* a ? here */ ?`, `SELECT /* a ? here */ $1`},
		{`SELECT 'unclosed ?`, `SELECT 'unclosed ?`},
		{`INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`},
	} {
		if got := numberPlaceholders(c.in); got != c.want {
			t.Errorf("numberPlaceholders(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := (sqliteDialect{}).rebind(c.in); got != c.in {
			t.Errorf("SQLite rewrote %q as %q", c.in, got)
		}
	}
}
