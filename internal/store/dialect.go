package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// A library lives in a SQLite file today and, for a team, on a PostgreSQL
// server. The store's SQL is written once, in the subset both speak, with
// ? placeholders; a dialect turns it into what its database reads and
// holds the few things that really differ (placeholders, full-text
// search, locking, schema versions). Everything else is shared: there is
// one store, not one per database.
type dialect interface {
	// rebind turns the store's ? placeholders into the dialect's.
	rebind(query string) string
}

// sqliteDialect is the library file's: SQLite reads the store's SQL as
// it is written.
type sqliteDialect struct{}

func (sqliteDialect) rebind(query string) string { return query }

// postgresDialect is a team library's on PostgreSQL, which numbers its
// placeholders ($1, $2 …).
type postgresDialect struct{}

func (postgresDialect) rebind(query string) string { return numberPlaceholders(query) }

// numberPlaceholders rewrites each ? outside quoted text and comments as
// $1, $2 … in order. A ? inside a string literal ('?'), a quoted name
// ("a?") or a comment is text, not a placeholder.
func numberPlaceholders(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(query[i+1:], c)
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+2])
			i += end + 1
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+1])
			i += end
		case c == '/' && i+1 < len(query) && query[i+1] == '*':
			end := strings.Index(query[i+2:], "*/")
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+4])
			i += end + 3
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// txn is a transaction of the library in its dialect. The store's helpers
// take one and write their SQL with ? placeholders, whatever the
// database.
type txn struct {
	*sql.Tx
	d dialect
	// changed are the pieces the transaction changed, announced to the
	// other desks of a team library when it commits.
	changed []int64
}

// touched notes that the transaction changed (or removed) piece id.
func (t *txn) touched(id int64) {
	for _, c := range t.changed {
		if c == id {
			return
		}
	}
	t.changed = append(t.changed, id)
}

// ExecContext runs a statement written with ? placeholders.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.rebind(query), args...)
}

// QueryContext runs a query written with ? placeholders.
func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.d.rebind(query), args...)
}

// QueryRowContext runs a query of one row written with ? placeholders.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.d.rebind(query), args...)
}

// isUniqueViolation reports whether err is a refused duplicate of a
// unique key or primary key.
func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return false
}
