package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"app.galley/galley/internal/galley"
)

// copyTables are the tables of a library in the order a copy fills them:
// every table before those whose rows point to it.
var copyTables = []string{
	"types", "topics", "contributors", "images", "thumbnails", "pieces",
	"piece_contributors", "piece_topics", "qa", "photos", "related",
	"revisions", "revision_images", "trash", "trash_images", "library_meta",
	"addresses", "site_files",
}

// flagColumns hold yes or no: integers in a file, booleans on a server.
var flagColumns = map[string]bool{"has_gps": true, "decorative": true, "lead": true, "live": true}

// CopyInto copies the whole library — pieces, photos, revisions, the
// trash, vocabularies, settings kept in the library — into to, which must
// be empty: a library file into a team library to start a team, or a team
// library into a file to take it offline or archive it. It reads one
// snapshot of the library and writes to in one transaction: to ends up
// with all of it or, on any error, as it was.
func (s *Store) CopyInto(ctx context.Context, to *Store) error {
	from, err := s.beginRead(ctx)
	if err != nil {
		return err
	}
	defer from.Rollback()
	tx, err := to.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var pieces int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pieces`).Scan(&pieces); err != nil {
		return to.txError(err)
	}
	if pieces > 0 {
		return galley.Errorf(galley.EConflict, "%s already holds %d pieces; copy into an empty library.", to.path, pieces)
	}
	if err := s.replaceInto(ctx, from, to, tx); err != nil {
		return err
	}
	if err := to.afterCopy(ctx, tx); err != nil {
		return err
	}
	if err := to.commit(tx); err != nil {
		return err
	}
	to.settle(ctx)
	return nil
}

// settle brings a team library's planner statistics and search indexes up
// to date after a copy or restore wrote it whole. Without it the server
// plans searches of 100,000 new pieces as if the tables were empty until
// autovacuum comes by, and a prefix search took a quarter of a second
// instead of one millisecond. It is upkeep, not part of the copy: the
// copy is committed, and a failure here (a login that does not own the
// tables) leaves it to autovacuum.
func (s *Store) settle(ctx context.Context) {
	if !s.onServer() {
		return
	}
	for _, q := range []string{
		`SELECT gin_clean_pending_list('pieces_search'), gin_clean_pending_list('photos_search')`,
		`ANALYZE`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return
		}
	}
}

// replaceInto empties every table of to (in tx, children first) and fills
// it with the rows from reads (parents first).
func (s *Store) replaceInto(ctx context.Context, from *txn, to *Store, tx *txn) error {
	for i := len(copyTables) - 1; i >= 0; i-- {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+copyTables[i]); err != nil {
			return to.txError(err)
		}
	}
	for _, table := range copyTables {
		cols, err := copyColumns(ctx, s, from, to, tx, table)
		if err == nil {
			err = copyRows(ctx, from, tx, table, cols, to.onServer())
		}
		if err != nil {
			return fmt.Errorf("copy the %s of %s into %s: %w", strings.ReplaceAll(table, "_", " "), s.path, to.path, to.txError(err))
		}
	}
	return nil
}

// restoreServer replaces the team library's content with the library
// file at backup, as a restore of a file does: one transaction under the
// write lock, after keeping the team library as it then stands in a file
// at kept; every restored piece and revision is numbered past what the
// desks may hold, and new pieces past every ID the library had.
func (s *Store) restoreServer(ctx context.Context, backup, kept string) error {
	src, err := Open(backup)
	if err != nil {
		return err
	}
	defer src.Close()
	from, err := src.beginRead(ctx)
	if err != nil {
		return err
	}
	defer from.Rollback()
	tx, err := s.beginWrite(WithLockWait(ctx, RestoreLockWait))
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The library as it stands under the lock: no write can come between
	// this copy and the restore.
	if err := s.backupServer(ctx, kept); err != nil {
		return err
	}
	maxVersion, maxID, err := s.restoreMarks(ctx, tx)
	if err != nil {
		return err
	}
	if err := src.replaceInto(ctx, from, s, tx); err != nil {
		return err
	}
	if err := renumberRestored(ctx, tx, maxVersion, maxID); err != nil {
		return s.txError(err)
	}
	if err := s.afterCopy(ctx, tx); err != nil {
		return err
	}
	// Every desk reloads what it shows.
	tx.changed = []int64{}
	if _, err := tx.ExecContext(ctx, `SELECT pg_notify(?, '*')`, changeChannel); err != nil {
		return s.txError(err)
	}
	if err := s.commit(tx); err != nil {
		return err
	}
	s.settle(ctx)
	return nil
}

// copyColumns are the columns of table a copy carries: those both homes
// store, not the ones each computes itself (a piece's sort day, the team
// library's search columns).
func copyColumns(ctx context.Context, s *Store, from *txn, to *Store, toTx *txn, table string) ([]string, error) {
	have, err := s.storedColumns(ctx, from, table)
	if err != nil {
		return nil, err
	}
	want, err := to.storedColumns(ctx, toTx, table)
	if err != nil {
		return nil, err
	}
	var cols []string
	for _, c := range want {
		for _, h := range have {
			if c == h {
				cols = append(cols, c)
			}
		}
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no columns in common")
	}
	return cols, nil
}

// storedColumns lists the columns of table that hold data rather than
// compute it, in their order.
func (s *Store) storedColumns(ctx context.Context, tx *txn, table string) ([]string, error) {
	q := `SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid`
	if s.onServer() {
		q = `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER' AND column_name <> 'search'
			ORDER BY ordinal_position`
	}
	var cols []string
	err := queryEach(ctx, tx, q, []any{table}, func(r *sql.Rows) error {
		var c string
		err := r.Scan(&c)
		cols = append(cols, c)
		return err
	})
	return cols, err
}

// copyRows copies one table's rows, in the order of its first column.
func copyRows(ctx context.Context, from, to *txn, table string, cols []string, toServer bool) error {
	list := strings.Join(cols, ", ")
	insert := `INSERT INTO ` + table + ` (` + list + `) VALUES (?` + strings.Repeat(", ?", len(cols)-1) + `)`
	return queryEach(ctx, from, `SELECT `+list+` FROM `+table+` ORDER BY `+cols[0], nil, func(r *sql.Rows) error {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			return err
		}
		for i, c := range cols {
			if flagColumns[c] {
				values[i] = flag(values[i], toServer)
			}
		}
		_, err := to.ExecContext(ctx, insert, values...)
		return err
	})
}

// flag turns a yes-or-no value into the target home's form.
func flag(v any, toServer bool) any {
	var yes bool
	switch x := v.(type) {
	case bool:
		yes = x
	case int64:
		yes = x != 0
	}
	if toServer {
		return yes
	}
	if yes {
		return int64(1)
	}
	return int64(0)
}

// afterCopy makes what each home computes from the copied rows: the
// pieces' search index, and on a server the next numbers of its
// self-numbering tables.
func (s *Store) afterCopy(ctx context.Context, tx *txn) error {
	if s.onServer() {
		// The server plans the reindex's lookups from its statistics,
		// which know nothing yet of the rows this transaction wrote: without
		// them each piece's answers and photos are found by reading the
		// whole table (half a second for every 500 pieces of 100,000).
		if _, err := tx.ExecContext(ctx, `ANALYZE `+strings.Join(copyTables, ", ")); err != nil {
			return s.txError(err)
		}
		if err := s.reindexServer(ctx, tx, 0); err != nil {
			return err
		}
		for _, table := range []string{"types", "topics", "contributors", "images", "photos", "revisions", "trash"} {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), coalesce((SELECT max(id) FROM `+table+`), 0) + 1, false)`); err != nil {
				return s.txError(err)
			}
		}
		return nil
	}
	for _, q := range []string{
		`INSERT INTO piece_search (piece_search) VALUES ('delete-all')`,
		`UPDATE pieces SET search_rowid = ` + searchKey,
		fileSearchInsert("p.search_rowid", "p.search_rowid IS NOT NULL"),
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return s.txError(err)
		}
	}
	return nil
}

// backupServer writes a library file at dest holding one snapshot of the
// team library: made under a working name of its own beside dest (as a
// file's backup is, and swept the same way when a run was killed), linked
// into place when whole.
func (s *Store) backupServer(ctx context.Context, dest string) error {
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return galley.Errorf(galley.EInternal, "Could not make the backup folder %s: %v", dir, unwrapPathErr(err))
	}
	sweep(dir, tempPattern(partialPrefix(dest), partialSuffix))
	f, err := tempFile(dir, partialPrefix(dest), partialSuffix)
	if err != nil {
		return galley.Errorf(galley.EInternal, "The backup to %s failed: %v", dest, unwrapPathErr(err))
	}
	tmp := f.Name()
	f.Close()
	defer removeLibraryFiles(tmp)
	file, err := Open(tmp) // the empty working file becomes a new library
	if err != nil {
		return err
	}
	err = s.CopyInto(ctx, file)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, dest); err != nil {
		return galley.Errorf(galley.EConflict, "The backup could not be put at %s: %v.", dest, unwrapPathErr(err))
	}
	return syncDir(dir)
}
