package store

// The library's schema: the numbered migrations embedded in the binary,
// applied in order when a library is opened, each in its own transaction.

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"app.galley/galley/internal/galley"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

func newerError(path string, v int) error {
	return galley.Errorf(galley.EInvalid, "The library %s was written by a newer Galley (schema version %d; this Galley knows up to %d). Update Galley to open it; the file was not changed.", path, v, latestVersion())
}

type migration struct {
	version int
	name    string
}

func migrations() []migration {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		panic(err) // embedded; cannot fail
	}
	var ms []migration
	for _, e := range entries {
		n, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(n)
		if !ok || err != nil {
			panic("migration file without a number: " + e.Name())
		}
		ms = append(ms, migration{v, e.Name()})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms
}

// LatestVersion returns the schema version this Galley writes.
func LatestVersion() int { return latestVersion() }

func latestVersion() int {
	ms := migrations()
	return ms[len(ms)-1].version
}

// migrate applies the embedded migrations the library lacks, each in its own
// transaction together with the new schema version, so a failure leaves the
// library at the last complete version.
func (s *Store) migrate(ctx context.Context) error {
	for _, m := range migrations() {
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration) error {
	tx, err := s.beginImmediate(ctx)
	if err != nil {
		return s.openError(err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return s.openError(err)
	}
	if v > latestVersion() {
		return newerError(s.path, v)
	}
	if v >= m.version {
		return nil
	}
	script, err := migrationFS.ReadFile("migrations/" + m.name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(script)); err != nil {
		return fmt.Errorf("upgrade library %s to schema %d (%s): %w", s.path, m.version, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return fmt.Errorf("upgrade library %s to schema %d: %w", s.path, m.version, err)
	}
	if err := tx.Commit(); err != nil {
		return s.openError(err)
	}
	return nil
}

// SchemaVersion returns the library's schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	q := "PRAGMA user_version"
	if s.onServer() {
		q = "SELECT version FROM galley_schema"
	}
	var v int
	err := s.rdb.QueryRowContext(ctx, q).Scan(&v)
	return v, err
}
