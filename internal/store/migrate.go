package store

// The library's schema: the numbered migrations embedded in the binary,
// applied in order when a library is opened, each in its own transaction.

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"app.galley/galley/internal/galley"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

func newerError(path string, v int) error {
	return galley.Errorf(galley.EInvalid, "The library %s was written by a newer Galley (schema version %d; this Galley knows up to %d). Update Galley to open it; the file was not changed.", path, v, latestVersion())
}

// migration is one numbered step of a schema: the script that takes a
// library from the version before it to this one.
type migration struct {
	version int
	name    string // the file, named in an upgrade's error
	script  string
}

// The migrations of a library file and of a team library, read once from
// the binary.
var (
	migrations       = sync.OnceValue(func() []migration { return readMigrations(migrationFS, "migrations") })
	serverMigrations = sync.OnceValue(func() []migration { return readMigrations(serverMigrationFS, "migrations/postgres") })
)

// readMigrations reads the migrations in dir of fsys, files named
// NNNN_what.sql, in order of their numbers. The numbers must run 1, 2, 3…
// with none missing or repeated: a library's schema version is the number
// of the last it ran. The files are embedded, so a wrong name is a
// mistake in this build, and it panics.
func readMigrations(fsys fs.FS, dir string) []migration {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		panic(err) // embedded; cannot fail
	}
	var ms []migration
	for _, e := range entries {
		n, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(n)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			panic("migration file not named NNNN_what.sql: " + path.Join(dir, e.Name()))
		}
		script, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			panic(err)
		}
		ms = append(ms, migration{v, e.Name(), string(script)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			panic(fmt.Sprintf("migration %s is numbered %d; the migrations in %s must be numbered 1, 2, 3…", m.name, m.version, dir))
		}
	}
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
	if _, err := tx.ExecContext(ctx, m.script); err != nil {
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
