//go:build !(sqlite_fts5 || fts5)

package store

// fts5Available is false: this build lacks the sqlite_fts5 tag, and Open
// says so instead of failing on the first search.
const fts5Available = false
