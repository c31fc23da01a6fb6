//go:build sqlite_fts5 || fts5

package store

// fts5Available reports whether go-sqlite3 was built with FTS5, which the
// library's search index needs.
const fts5Available = true
