package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/pgtest"
)

// The team library's schema (migrations/postgres) must be the library
// file's in PostgreSQL's words: the same tables and columns, keys,
// constraints and indexes, the same cascades, and search that finds the
// same words. These tests hold a fresh PostgreSQL library against a fresh
// library file made by Open, so a migration added to one home and not the
// other fails here.

// postgresMigrationDir holds the team library's migrations, applied in
// the order of their numbers, each in one transaction.
const postgresMigrationDir = "migrations/postgres"

// pgOnlyColumns are the columns a team library has and a file has not:
// the search entries that stand for the file's FTS5 tables.
var pgOnlyColumns = map[string][]string{
	"pieces": {"search"},
	"photos": {"search"},
}

// pgOnlyTables stand for what a file keeps in its header, and what only a
// team library has: the presence of other desks.
var pgOnlyTables = []string{"galley_schema", "presence"}

// pgOnlyIndexes are the search indexes that stand for the FTS5 tables, and
// galley_schema's one-row index.
var pgOnlyIndexes = []string{"pieces_search", "photos_search", "galley_schema_one_row"}

// sqliteFlags are the file's 0/1 INTEGER columns, boolean on the server.
var sqliteFlags = []string{"photos.decorative", "photos.lead", "images.has_gps", "addresses.live"}

// identityColumns are the IDs the store leaves to the database to number
// (it inserts without them); pieces are numbered by nextPieceID and
// thumbnails by their image.
var identityColumns = []string{
	"contributors.id", "images.id", "photos.id", "revisions.id", "topics.id", "trash.id", "types.id",
}

func TestPostgresSchema(t *testing.T) {
	srv := pgtest.Start(t)

	t.Run("SameTablesAndColumns", func(t *testing.T) {
		file, pg := newFileLibrary(t), newPostgresLibrary(t, srv)
		ctx := context.Background()
		tables := fileTables(t, file)
		if len(tables) < 15 {
			t.Fatalf("the library file has %d tables of its own (%v); expected every table of migrations 0001-0006", len(tables), tables)
		}
		pgTables := pgStrings(t, pg, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`)
		want := append(slices.Clone(tables), pgOnlyTables...)
		sort.Strings(want)
		if !slices.Equal(pgTables, want) {
			t.Errorf("tables on the server: %v\nwant the file's plus %v: %v", pgTables, pgOnlyTables, want)
		}
		var gotIdentity []string
		for _, table := range tables {
			fcols := fileColumns(t, file, table)
			var pcols []pgColumn
			rows, err := pg.Query(ctx, `
				SELECT column_name, data_type, is_nullable = 'YES', column_default, is_identity = 'YES', is_generated = 'ALWAYS', coalesce(collation_name, '')
				FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var c pgColumn
				if err := rows.Scan(&c.name, &c.typ, &c.nullable, &c.dflt, &c.identity, &c.generated, &c.collation); err != nil {
					t.Fatal(err)
				}
				pcols = append(pcols, c)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			var names, pnames []string
			for _, c := range fcols {
				names = append(names, c.name)
			}
			for _, c := range pcols {
				pnames = append(pnames, c.name)
			}
			// In the same order, but for the server's own columns (a
			// column added later comes after them on the server, and a copy
			// lists columns by name): then each column can be held to its
			// twin by place.
			var own []string
			pcols = slices.DeleteFunc(pcols, func(c pgColumn) bool {
				if slices.Contains(pgOnlyColumns[table], c.name) {
					own = append(own, c.name)
					return true
				}
				return false
			})
			pnames = slices.DeleteFunc(pnames, func(n string) bool { return slices.Contains(pgOnlyColumns[table], n) })
			if !slices.Equal(pnames, names) || len(own) != len(pgOnlyColumns[table]) {
				t.Errorf("%s: columns on the server %v and its own %v, want %v and %v", table, pnames, own, names, pgOnlyColumns[table])
				continue
			}
			for i, fc := range fcols {
				pc, where := pcols[i], table+"."+fc.name
				if pc.identity {
					gotIdentity = append(gotIdentity, where)
				}
				wantType := map[string]string{"INTEGER": "bigint", "TEXT": "text", "BLOB": "bytea"}[fc.typ]
				if slices.Contains(sqliteFlags, where) {
					wantType = "boolean"
				}
				if pc.typ != wantType {
					t.Errorf("%s is %s on the server; the file's %s should be %s", where, pc.typ, fc.typ, wantType)
				}
				if pc.typ == "text" && pc.collation != "C" {
					t.Errorf("%s is collated %q on the server; want \"C\", SQLite's byte order", where, pc.collation)
				}
				// A key column of the file is never NULL: each is an
				// INTEGER PRIMARY KEY (the rowid) or in a WITHOUT ROWID
				// table.
				if wantNull := !fc.notNull && fc.pk == 0; pc.nullable != wantNull {
					t.Errorf("%s: nullable %v on the server, %v in the file", where, pc.nullable, wantNull)
				}
				if pc.generated != fc.generated {
					t.Errorf("%s: generated %v on the server, %v in the file", where, pc.generated, fc.generated)
				}
				if got, want := pgDefault(pc.dflt), fc.dflt.String; got != want {
					t.Errorf("%s: default %q on the server (%q), %q in the file", where, got, pc.dflt.String, want)
				}
			}
		}
		sort.Strings(gotIdentity)
		if !slices.Equal(gotIdentity, identityColumns) {
			t.Errorf("identity columns on the server: %v, want %v", gotIdentity, identityColumns)
		}
	})

	t.Run("SameIndexesAndUniqueness", func(t *testing.T) {
		file, pg := newFileLibrary(t), newPostgresLibrary(t, srv)
		ctx := context.Background()
		// Every index the migrations name, on the same columns, in the same
		// directions, as unique and as partial as in the file.
		var fileIndexes []string
		rows, err := file.QueryContext(ctx, `SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		type named struct{ name, table string }
		var names []named
		for rows.Next() {
			var n named
			if err := rows.Scan(&n.name, &n.table); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		rows.Close()
		if len(names) < 10 {
			t.Fatalf("the file has %d named indexes", len(names))
		}
		for _, n := range names {
			fileIndexes = append(fileIndexes, n.name+" "+fileIndexShape(t, file, n.table, n.name))
		}
		var pgIndexes []string
		for _, ix := range pgIndexShapes(t, pg) {
			if ix.constraint || slices.Contains(pgOnlyIndexes, ix.name) {
				continue
			}
			pgIndexes = append(pgIndexes, ix.name+" "+ix.shape)
		}
		sort.Strings(pgIndexes)
		if !slices.Equal(pgIndexes, fileIndexes) {
			t.Errorf("named indexes on the server:\n%s\nin the file:\n%s", strings.Join(pgIndexes, "\n"), strings.Join(fileIndexes, "\n"))
		}
		for _, name := range []string{"pieces_search", "photos_search"} {
			var method string
			if err := pg.QueryRow(ctx, `SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = $1`, name).Scan(&method); err != nil || method != "gin" {
				t.Errorf("search index %s: %q, %v; want a GIN index", name, method, err)
			}
		}

		// Every uniqueness rule, whether a key, a UNIQUE column or a
		// unique index.
		var fileUnique []string
		for _, table := range fileTables(t, file) {
			fileUnique = append(fileUnique, fileUniqueShapes(t, file, table)...)
		}
		sort.Strings(fileUnique)
		fileUnique = slices.Compact(fileUnique)
		var pgUnique []string
		for _, ix := range pgIndexShapes(t, pg) {
			if strings.Contains(ix.shape, "unique") && !slices.Contains(pgOnlyTables, ix.table) {
				pgUnique = append(pgUnique, ix.shape)
			}
		}
		sort.Strings(pgUnique)
		pgUnique = slices.Compact(pgUnique)
		if !slices.Equal(pgUnique, fileUnique) {
			t.Errorf("uniqueness on the server:\n%s\nin the file:\n%s", strings.Join(pgUnique, "\n"), strings.Join(fileUnique, "\n"))
		}
	})

	t.Run("SameForeignKeys", func(t *testing.T) {
		file, pg := newFileLibrary(t), newPostgresLibrary(t, srv)
		ctx := context.Background()
		var fileKeys []string
		for _, table := range fileTables(t, file) {
			rows, err := file.QueryContext(ctx, `SELECT "table", "from", coalesce("to", ''), on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var target, from, to, onUpdate, onDelete string
				if err := rows.Scan(&target, &from, &to, &onUpdate, &onDelete); err != nil {
					t.Fatal(err)
				}
				if to == "" {
					t.Fatalf("%s.%s refers to %s without naming its column", table, from, target)
				}
				fileKeys = append(fileKeys, fmt.Sprintf("%s(%s) -> %s(%s) ON UPDATE %s ON DELETE %s", table, from, target, to, onUpdate, onDelete))
			}
			rows.Close()
		}
		sort.Strings(fileKeys)
		if len(fileKeys) < 15 {
			t.Fatalf("the file has %d foreign keys: %v", len(fileKeys), fileKeys)
		}
		pgKeys := pgStrings(t, pg, `
			SELECT format('%s(%s) -> %s(%s) ON UPDATE %s ON DELETE %s', c.conrelid::regclass, a.attname, c.confrelid::regclass, fa.attname,
				CASE c.confupdtype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END,
				CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END)
			FROM pg_constraint c
			CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k (col, fcol)
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
			JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fcol
			WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
			ORDER BY 1`)
		if !slices.Equal(pgKeys, fileKeys) {
			t.Errorf("foreign keys on the server:\n%s\nin the file:\n%s", strings.Join(pgKeys, "\n"), strings.Join(fileKeys, "\n"))
		}
	})

	t.Run("SameConstraintsAndCascades", func(t *testing.T) {
		file, pg := newFileLibrary(t), newPostgresLibrary(t, srv)
		both := &twoHomes{t: t, file: file, pg: pg}
		tables := fileTables(t, file)
		now := formatTime(time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC))
		type step struct {
			query string
			args  []any
			want  string // the kind of refusal; "" for none
		}
		steps := []step{
			{`INSERT INTO topics (name, key) VALUES (?, ?)`, []any{"Economy", "economy"}, ""},
			{`INSERT INTO topics (name, key) VALUES (?, ?)`, []any{"ECONOMY", "economy"}, "unique"},
			{`INSERT INTO topics (name, key) VALUES (?, ?)`, []any{"  ", "blank"}, "check"},
			{`INSERT INTO topics (name, key) VALUES (?, ?)`, []any{"Trade", "trade"}, ""},
			{`INSERT INTO contributors (name, key, role) VALUES (?, ?, ?)`, []any{"Dana", "dana", "senior fellow"}, ""},
			{`INSERT INTO contributors (name, key) VALUES (?, ?)`, []any{"Élise", "élise"}, ""},
			{`INSERT INTO contributors (name, key) VALUES (?, ?)`, []any{"ÉLISE", "élise"}, "unique"},
			{`INSERT INTO types (name, key, position) VALUES (?, ?, ?)`, []any{"Analysis", "analysis", 7}, "unique"},
			{`INSERT INTO pieces (id, slug, title, type_id, status, published, version, created, updated) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
				[]any{1, "one", "One", 1, "published", "2024-11-14", now, now}, ""},
			{`INSERT INTO pieces (id, slug, title, type_id, status, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				[]any{2, "two", "Two", 2, "draft", now, now}, ""},
			{`INSERT INTO pieces (id, slug, title, status, created, updated) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{3, "three", "Three", "review", now, now}, ""},
			{`INSERT INTO pieces (id, slug, title, status, created, updated) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{4, "one", "Another one", "draft", now, now}, "unique"},
			{`INSERT INTO pieces (id, slug, title, status, created, updated) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{4, "four", " ", "draft", now, now}, "check"},
			{`INSERT INTO pieces (id, slug, title, status, created, updated) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{4, "four", "Four", "gone", now, now}, "check"},
			{`INSERT INTO pieces (id, slug, title, status, created, updated) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{4, "four", "Four", "draft", nil, now}, "not null"},
			{`INSERT INTO pieces (id, slug, title, type_id, status, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				[]any{4, "four", "Four", 99, "draft", now, now}, "foreign key"},
			{`UPDATE pieces SET published = ? WHERE id = ?`, []any{"2024-1-5", 3}, "check"},
			{`UPDATE pieces SET published = ? WHERE id = ?`, []any{"2024-01-05", 3}, ""},
			{`UPDATE pieces SET sort_day = ? WHERE id = ?`, []any{"2000-01-01", 3}, "generated"},
			{`INSERT INTO piece_topics (piece_id, position, topic_id) VALUES (?, ?, ?)`, []any{1, 0, 1}, ""},
			{`INSERT INTO piece_topics (piece_id, position, topic_id) VALUES (?, ?, ?)`, []any{1, 1, 1}, "unique"},
			{`INSERT INTO piece_topics (piece_id, position, topic_id) VALUES (?, ?, ?)`, []any{1, 0, 2}, "unique"},
			{`INSERT INTO piece_topics (piece_id, position, topic_id) VALUES (?, ?, ?)`, []any{2, 0, 1}, ""},
			{`INSERT INTO piece_topics (piece_id, position, topic_id) VALUES (?, ?, ?)`, []any{2, 1, 9}, "foreign key"},
			{`INSERT INTO piece_contributors (piece_id, position, contributor_id) VALUES (?, ?, ?)`, []any{1, 0, 1}, ""},
			{`INSERT INTO piece_contributors (piece_id, position, contributor_id) VALUES (?, ?, ?)`, []any{1, 1, 1}, "unique"},
			{`INSERT INTO piece_contributors (piece_id, position, contributor_id) VALUES (?, ?, ?)`, []any{9, 0, 1}, "foreign key"},
			{`INSERT INTO qa (piece_id, position, question, answer) VALUES (?, ?, ?, ?)`, []any{1, 0, "Why?", "Because."}, ""},
			{`INSERT INTO qa (piece_id, position, question, answer) VALUES (?, ?, ?, ?)`, []any{1, 0, "Again?", "No."}, "unique"},
			{`INSERT INTO qa (piece_id, position, question, answer) VALUES (?, ?, ?, ?)`, []any{1, 1, "Why?", nil}, "not null"},
			{`INSERT INTO images (sha256, mime, width, height, size, has_gps, data) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				[]any{"aa", "image/jpeg", 640, 480, 3, true, []byte{1, 2, 3}}, ""},
			{`INSERT INTO images (sha256, mime, width, height, size, data) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{"aa", "image/png", 1, 1, 1, []byte{4}}, "unique"},
			{`INSERT INTO images (sha256, mime, width, height, size, data) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{"bb", "image/png", 1, 1, 1, []byte{4}}, ""},
			{`INSERT INTO photos (piece_id, position, image_id, caption, lead) VALUES (?, ?, ?, ?, ?)`, []any{1, 0, 1, "A lead", true}, ""},
			{`INSERT INTO photos (piece_id, position, image_id, caption, lead) VALUES (?, ?, ?, ?, ?)`, []any{1, 1, 1, "A second lead", true}, "unique"},
			{`INSERT INTO photos (piece_id, position, image_id, caption, decorative) VALUES (?, ?, (SELECT id FROM images WHERE sha256 = ?), ?, ?)`, []any{1, 1, "bb", "Not a lead", true}, ""},
			{`INSERT INTO photos (piece_id, position, image_id, lead) VALUES (?, ?, ?, ?)`, []any{2, 0, 1, true}, ""},
			{`INSERT INTO photos (piece_id, position, image_id) VALUES (?, ?, ?)`, []any{2, 1, 77}, "foreign key"},
			{`INSERT INTO photos (piece_id, position, image_id) VALUES (?, ?, ?)`, []any{77, 1, 1}, "foreign key"},
			{`INSERT INTO related (piece_id, position, related_id) VALUES (?, ?, ?)`, []any{1, 0, 2}, ""},
			{`INSERT INTO related (piece_id, position, related_id) VALUES (?, ?, ?)`, []any{1, 1, 2}, "unique"},
			{`INSERT INTO related (piece_id, position, related_id) VALUES (?, ?, ?)`, []any{1, 1, 1}, "check"},
			{`INSERT INTO related (piece_id, position, related_id) VALUES (?, ?, ?)`, []any{2, 0, 1}, ""},
			{`INSERT INTO related (piece_id, position, related_id) VALUES (?, ?, ?)`, []any{3, 0, 1}, ""},
			{`INSERT INTO related (piece_id, position, related_id) VALUES (?, ?, ?)`, []any{3, 1, 2}, ""},
			{`INSERT INTO revisions (piece_id, number, started, saved, author, status, version, digest, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				[]any{1, 1, now, now, "dana", "draft", 1, []byte{0xd1}, []byte{0xda}}, ""},
			{`INSERT INTO revisions (piece_id, number, started, saved, author, status, version, digest, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				[]any{1, 1, now, now, "dana", "draft", 1, []byte{0xd1}, []byte{0xda}}, "unique"},
			{`INSERT INTO revisions (piece_id, number, started, saved, author, status, version, change, digest, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				[]any{1, 2, now, now, "dana", "published", 2, ChangeImport, []byte{0xd2}, []byte{0xdb}}, ""},
			{`INSERT INTO revision_images (revision_id, image_id) VALUES (?, ?)`, []any{1, 1}, ""},
			{`INSERT INTO revision_images (revision_id, image_id) VALUES (?, ?)`, []any{1, 1}, "unique"},
			{`INSERT INTO revision_images (revision_id, image_id) SELECT r.id, i.id FROM revisions r, images i WHERE r.piece_id = ? AND r.number = ? AND i.sha256 = ?`, []any{1, 2, "bb"}, ""},
			{`INSERT INTO trash (piece_id, title, slug, deleted, author, related_from, data) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				[]any{40, "Gone", "gone", now, "dana", "[]", []byte{0x1f}}, ""},
			{`INSERT INTO trash (piece_id, title, slug, deleted, author, related_from, data) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				[]any{40, "Gone again", "gone", now, "dana", "[]", []byte{0x1f}}, "unique"},
			{`INSERT INTO trash_images (trash_id, image_id) SELECT t.id, i.id FROM trash t, images i WHERE t.piece_id = ? AND i.sha256 = ?`, []any{40, "bb"}, ""},
			{`INSERT INTO trash_images (trash_id, image_id) VALUES (?, ?)`, []any{99, 1}, "foreign key"},
			{`INSERT INTO thumbnails (image_id, data) VALUES (?, ?)`, []any{1, []byte{9}}, ""},
			{`INSERT INTO thumbnails (image_id, data) VALUES (?, ?)`, []any{1, []byte{9}}, "unique"},
			{`INSERT INTO thumbnails (image_id, data) SELECT id, ? FROM images WHERE sha256 = ?`, []any{[]byte{9}, "bb"}, ""},
			{`INSERT INTO library_meta (key, value) VALUES (?, ?)`, []any{"last_backup", now}, ""},
			{`INSERT INTO library_meta (key, value) VALUES (?, ?)`, []any{"last_backup", now}, "unique"},

			// The portable forms of INSERT OR IGNORE / OR REPLACE, and of the
			// store's upsert of image bytes (its "SET sha256 = sha256" is
			// ambiguous to PostgreSQL: the row's or excluded's?).
			{`INSERT INTO revision_images (revision_id, image_id) SELECT r.id, i.id FROM revisions r, images i WHERE r.piece_id = ? AND r.number = ? AND i.sha256 = ?
				ON CONFLICT DO NOTHING`, []any{1, 2, "bb"}, ""},
			{`INSERT INTO thumbnails (image_id, data) SELECT id, ? FROM images WHERE sha256 = ?
				ON CONFLICT (image_id) DO UPDATE SET data = excluded.data`, []any{[]byte{8}, "bb"}, ""},
			{`INSERT INTO images (sha256, mime, width, height, size, has_gps, data) VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256 RETURNING id`, []any{"bb", "image/png", 1, 1, 1, false, []byte{4}}, ""},

			// What is in use stays (RESTRICT).
			{`DELETE FROM types WHERE id = ?`, []any{1}, "foreign key"},
			{`DELETE FROM topics WHERE id = ?`, []any{1}, "foreign key"},
			{`DELETE FROM contributors WHERE id = ?`, []any{1}, "foreign key"},
			{`DELETE FROM images WHERE id = ?`, []any{1}, "foreign key"},
			{`DELETE FROM contributors WHERE id = ?`, []any{2}, ""},

			// What hangs off a row goes with it (CASCADE).
			{`DELETE FROM revisions WHERE piece_id = ? AND number = ?`, []any{1, 1}, ""},
			{`DELETE FROM trash WHERE piece_id = ?`, []any{40}, ""},
			{`DELETE FROM pieces WHERE id = ?`, []any{1}, ""},
			{`DELETE FROM images WHERE id = ?`, []any{1}, "foreign key"}, // piece 2's lead photo
			{`DELETE FROM photos WHERE piece_id = ?`, []any{2}, ""},
			{`DELETE FROM images WHERE id = ?`, []any{1}, ""},
			{`UPDATE pieces SET type_id = NULL WHERE type_id = ?`, []any{2}, ""},
			{`DELETE FROM types WHERE id = ?`, []any{2}, ""},
		}
		// IDs are looked up by what the rows hold, not assumed: a refused
		// insert uses up an identity value on the server, where SQLite
		// numbers the next row from the highest ID in the table.
		for _, s := range steps {
			both.expect(s.query, s.args, s.want)
			// Both homes hold as many rows of every table after every step.
			if fc, pc := both.counts(tables), both.pgCounts(tables); fc != pc {
				t.Fatalf("after %s %v:\nrows in the file:   %s\nrows on the server: %s", oneLine(s.query), s.args, fc, pc)
			}
		}
		// The cascades went where they should, in both homes.
		for _, check := range []struct {
			query string
			want  int
		}{
			{`SELECT count(*) FROM piece_topics WHERE piece_id = 1`, 0},
			{`SELECT count(*) FROM piece_contributors WHERE piece_id = 1`, 0},
			{`SELECT count(*) FROM qa WHERE piece_id = 1`, 0},
			{`SELECT count(*) FROM photos WHERE piece_id = 1`, 0},
			{`SELECT count(*) FROM related WHERE piece_id = 1 OR related_id = 1`, 0},
			{`SELECT count(*) FROM related WHERE piece_id = 3`, 1},
			{`SELECT count(*) FROM piece_topics WHERE piece_id = 2`, 1},
			{`SELECT count(*) FROM revisions WHERE piece_id = 1`, 1}, // no key: history outlives the piece
			{`SELECT count(*) FROM revision_images`, 1},
			{`SELECT count(*) FROM trash_images`, 0},
			{`SELECT count(*) FROM thumbnails`, 1},
			{`SELECT count(*) FROM images`, 1},
			{`SELECT count(*) FROM types`, 5},
		} {
			if f, p := both.fileInt(check.query), both.pgInt(check.query); f != check.want || p != check.want {
				t.Errorf("%s: %d in the file, %d on the server; want %d", check.query, f, p, check.want)
			}
		}
	})

	t.Run("PhotoSearchFoldsAsSQLite", func(t *testing.T) {
		file, pg := newFileLibrary(t), newPostgresLibrary(t, srv)
		both := &twoHomes{t: t, file: file, pg: pg}
		now := formatTime(time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC))
		both.expect(`INSERT INTO pieces (id, slug, title, status, created, updated) VALUES (?, ?, ?, ?, ?, ?)`, []any{1, "one", "One", "draft", now, now}, "")
		both.expect(`INSERT INTO images (sha256, mime, width, height, size, data) VALUES (?, ?, ?, ?, ?, ?)`, []any{"aa", "image/jpeg", 1, 1, 1, []byte{1}}, "")
		photos := []struct{ caption, credit, photographer, alt string }{
			{"Ébène talks at a joint news conference, on Monday, July 16, 2018.", "(Photographer Name/Agency)", "Søren Kierkegaard", "Two ministers shake hands"},
			{"A cease-fire in Łódź; Straße closed", "Agence France-Presse", "Dvořák", "l'Élysée at night"},
			{"İstanbul, Zürich, São Paulo: naïve Ångström", "ǅemal", "", "ёлка и Ἀθῆναι"},
			{"foo@bar.com wrote 3.14 on x_y", "Q&A", "Việt", ""},
		}
		for i, ph := range photos {
			both.expect(`INSERT INTO photos (piece_id, position, image_id, caption, credit, photographer, alt) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				[]any{1, i, 1, ph.caption, ph.credit, ph.photographer, ph.alt}, "")
		}
		queries := []string{
			"ebene", "Ébène", "EBÈNE", "eb", "e", "ebene talks", "ebene zurich",
			"agency", "name agency", "photographer", "soren", "søren", "SØREN", "kierk",
			"cease", "cease fi", "fire", "lodz", "łódź", "strasse", "straße", "dvorak", "dvořák", "elysee", "l",
			"istanbul", "zur", "sao", "naive", "angstrom", "demal", "ǆemal", "елка", "ёлка", "αθηναι", "ἀθῆναι",
			"bar", "com", "3", "14", "x", "y", "q", "a", "viet", "việt",
			"", "  --  ", "nowhere",
		}
		compare := func(when string) {
			for _, q := range queries {
				var fileIDs []int64
				if m := MatchExpression(q); m != "" {
					fileIDs = both.fileIDs(`SELECT rowid FROM photo_search WHERE photo_search MATCH ? ORDER BY rowid`, m)
				}
				pgIDs := both.pgIDs(`SELECT id FROM photos, galley_tsquery($1) AS q WHERE search @@ q ORDER BY id`, q)
				if !slices.Equal(fileIDs, pgIDs) {
					t.Errorf("%s: photos found by %q: %v in the file, %v on the server", when, q, fileIDs, pgIDs)
				}
			}
		}
		compare("as added")
		if ids := both.pgIDs(`SELECT id FROM photos, galley_tsquery($1) AS q WHERE search @@ q`, "ebene"); !slices.Equal(ids, []int64{1}) {
			t.Errorf(`"ebene" finds photos %v on the server; want the one captioned "Ébène"`, ids)
		}

		// Kept in step whoever writes the row, as the file's triggers do.
		both.expect(`UPDATE photos SET caption = ?, alt = ? WHERE id = ?`, []any{"Zürich again", "Ébène", 3}, "")
		both.expect(`DELETE FROM photos WHERE id = ?`, []any{2}, "")
		compare("after an update and a delete")

		// A caption whose distinct words overflow a tsvector (1 MB) is kept
		// whole, and found by its first words.
		var b strings.Builder
		for i := 0; b.Len() < galley.MaxText; i++ {
			fmt.Fprintf(&b, "%s ", strconv.FormatInt(int64(i)+26*26*26*26, 26))
		}
		huge := "Ébène " + b.String()
		both.expect(`INSERT INTO photos (piece_id, position, image_id, caption) VALUES (?, ?, ?, ?)`, []any{1, 9, 1, huge}, "")
		if ids := both.pgIDs(`SELECT id FROM photos, galley_tsquery($1) AS q WHERE search @@ q AND position = 9`, "ebene"); len(ids) != 1 {
			t.Errorf("the photo with a %d-byte caption is found by its first word on the server: %v", len(huge), ids)
		}
		if got, want := both.pgInt(`SELECT length(caption) FROM photos WHERE position = 9`), utf8.RuneCountInString(huge); got != want {
			t.Errorf("the caption kept is %d characters long, want %d", got, want)
		}
	})

	t.Run("TheDeskFoldsAsTheServer", func(t *testing.T) {
		// A piece's words are folded by the desk (searchWords), a photo's
		// by the server (galley_tsvector): both must give the same words
		// for every text, or a piece and its photo caption would be found
		// by different searches. Tricky strings, then thousands of random
		// ones from many scripts, marks, digits and punctuation.
		pg := newPostgresLibrary(t, srv)
		texts := []string{
			"Ébène talks at a joint news conference, on Monday, July 16, 2018.", "(Photographer Name/Agency)",
			"Søren Kierkegaard", "A cease-fire in Łódź; Straße closed", "l'Élysée at night", "Dvořák",
			"İstanbul, Zürich, São Paulo: naïve Ångström", "ǅemal", "ёлка и Ἀθῆναι", "foo@bar.com wrote 3.14 on x_y",
			"Q&A", "Việt", "“Curly quotes” — and dashes…", "e\u0301te\u0301 q\u0301 Å ﬁ ² Ⅻ ٣٤ ١٢٣", "हिन्दी ภาษาไทย 한국어 日本語",
			"العربية עִבְרִית", "emoji 🙂 ok", "zero\u200bwidth\u200djoiner", "", "   ", "--", strings.Repeat("x", 2048) + " short",
		}
		ranges := [][2]rune{{0x20, 0x7e}, {0xa0, 0x24f}, {0x300, 0x36f}, {0x370, 0x3ff}, {0x400, 0x4ff}, {0x590, 0x6ff},
			{0x900, 0x97f}, {0xe00, 0xe7f}, {0x1e00, 0x1fff}, {0x2000, 0x215f}, {0x3040, 0x30ff}, {0x4e00, 0x4e80}, {0xac00, 0xac80}, {0x1f600, 0x1f64f}}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 3000 {
			var b strings.Builder
			for range 1 + rng.IntN(24) {
				if rng.IntN(4) == 0 {
					b.WriteByte(' ')
					continue
				}
				r := ranges[rng.IntN(len(ranges))]
				b.WriteRune(r[0] + rune(rng.IntN(int(r[1]-r[0]+1))))
			}
			texts = append(texts, b.String())
		}
		ctx := context.Background()
		rows, err := pg.Query(ctx, `SELECT t, galley_fold(t), tsvector_to_array(galley_tsvector(t)) FROM unnest($1::text[]) AS t`, texts)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		bad := 0
		for rows.Next() {
			var text, folded string
			var lexemes []string
			if err := rows.Scan(&text, &folded, &lexemes); err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Fields(fold(text)), strings.Fields(folded); !slices.Equal(got, want) {
				bad++
				t.Errorf("%+q folds to %+q on the desk, %+q on the server", text, got, want)
			}
			got := searchWords(text)
			slices.Sort(got)
			if !slices.Equal(got, lexemes) {
				bad++
				t.Errorf("%+q: words %+q on the desk, lexemes %+q on the server", text, got, lexemes)
			}
			if bad > 20 {
				t.Fatal("too many differences")
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Migration3RemakesTheOldEntries", func(t *testing.T) {
		// A team library made before migration 0003 holds entries made by
		// to_tsvector's parser (positions, "0e9" split off a word). Opened
		// by this Galley, every entry is what the store writes now.
		ctx := context.Background()
		address := srv.NewDatabase(t)
		pg, err := pgx.Connect(ctx, address)
		if err != nil {
			t.Fatal(err)
		}
		defer pg.Close(ctx)
		for _, m := range postgresMigrations(t)[:2] {
			if err := applyPostgresMigration(ctx, pg, m.name); err != nil {
				t.Fatal(err)
			}
		}
		now := formatTime(time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC))
		for _, q := range []string{
			`INSERT INTO pieces (id, slug, title, body, status, created, updated) VALUES (1, 'one', 'Old Entry', 'Lot 0e9ก in Zürich', 'draft', '` + now + `', '` + now + `')`,
			`UPDATE pieces SET search = galley_tsvector(title || ' ' || body) WHERE id = 1`,
			`INSERT INTO images (sha256, mime, width, height, size, data) VALUES ('aa', 'image/jpeg', 1, 1, 1, '\x01')`,
			`INSERT INTO photos (piece_id, position, image_id, caption) VALUES (1, 0, 1, 'Lot 0e9ก again')`,
		} {
			if _, err := pg.Exec(ctx, q); err != nil {
				t.Fatal(q, err)
			}
		}
		var before string
		pg.QueryRow(ctx, `SELECT search::text FROM pieces WHERE id = 1`).Scan(&before)
		if !strings.Contains(before, "'0e9'") {
			t.Fatalf("the old entry is not the parser's (the test no longer shows the change): %s", before)
		}
		st, err := openServer(ctx, address)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		want := "'0e9ก' 'again' 'entry' 'in' 'lot' 'old' 'zurich'" // the photo's caption too
		var piece, photo string
		pg.QueryRow(ctx, `SELECT search::text FROM pieces WHERE id = 1`).Scan(&piece)
		pg.QueryRow(ctx, `SELECT search::text FROM photos WHERE piece_id = 1`).Scan(&photo)
		if piece != want {
			t.Errorf("the piece's entry after migrating: %s, want %s", piece, want)
		}
		if photo != "'0e9ก' 'again' 'lot'" {
			t.Errorf("the photo's entry after migrating: %s", photo)
		}
		found, err := st.FindPieces(ctx, galley.Filter{Query: "0e9ก zur"})
		if err != nil || len(found) != 1 {
			t.Errorf("searching the migrated library for what the piece says: %v, %v", found, err)
		}
	})

	t.Run("PieceSearchNewestFirst", func(t *testing.T) {
		// The store's PostgreSQL dialect would write pieces.search with
		// serverSetSearch (the store's) and search with postgresSearch (see
		// docs/team-library.md): they find what FTS5 finds in a file, in
		// the same order, and the newest-first keys agree.
		ctx := context.Background()
		st, err := Open(filepath.Join(t.TempDir(), "library.galley"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		day := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { day = day.Add(time.Minute); return day }
		pieces := []galley.Piece{
			{Title: "Cease-fire talks", Status: galley.StatusPublished, Published: date(t, "2024-11-14"), Type: "Q&A",
				Summary: "Our senior fellow looks at the talks.", Contributors: []galley.Contributor{{Name: "Dana Ébène", Role: "senior fellow"}},
				Topics: []string{"Conflict Analysis & Prevention", "Global Policy"},
				QA:     []galley.QA{{Question: "What now?", Answer: "A ceasefire, finally, in Zürich."}}},
			{Title: "Before 1970", Status: galley.StatusPublished, Published: date(t, "1969-07-20"), Body: "The moon, and a cease-fire."},
			{Title: "An undated draft", Body: "Cease fire? Naïve hopes in São Paulo.", Topics: []string{"Global Policy"}},
			{Title: "Same day, later ID", Status: galley.StatusReady, Published: date(t, "2024-11-14"), Body: "Global trade."},
			{Title: "Straße", Status: galley.StatusReview, Published: date(t, "2025-01-02"), Contributors: []galley.Contributor{{Name: "Søren"}}},
		}
		for i := range pieces {
			if err := st.SavePiece(ctx, &pieces[i]); err != nil {
				t.Fatal(err)
			}
		}
		file, err := sql.Open("sqlite3", dsn(st.Path(), "deferred", true))
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		pg := newPostgresLibrary(t, srv)
		for _, table := range []string{"topics", "contributors", "pieces", "piece_contributors", "piece_topics", "qa"} {
			copyTable(t, file, pg, table)
		}
		// The store's reindex: the words read back from the rows, folded
		// here, written as the store writes them.
		for _, p := range pieces {
			var id int64
			var text string
			if err := pg.QueryRow(ctx, numberPlaceholders(serverSearchText+` WHERE p.id = ?`), p.ID).Scan(&id, &text); err != nil {
				t.Fatalf("read piece %d's words: %v", p.ID, err)
			}
			words := strings.Join(searchWords(text), " ")
			if _, err := pg.Exec(ctx, numberPlaceholders(serverSetSearch), []int64{id}, []string{words}); err != nil {
				t.Fatalf("reindex piece %d: %v", p.ID, err)
			}
		}
		both := &twoHomes{t: t, file: file, pg: pg}
		if f, p := both.fileIDs(`SELECT search_rowid FROM pieces ORDER BY id`), both.pgIDs(`SELECT search_rowid FROM pieces ORDER BY id`); !slices.Equal(f, p) {
			t.Errorf("newest-first keys: %v in the file, %v on the server", f, p)
		}
		for _, q := range []string{"cease", "cease fi", "ceasefire", "fire", "ebene", "dana", "fellow", "conflict", "global", "glo pol",
			"zurich", "what now", "naive", "sao", "straße", "strasse", "soren", "søren", "moon", "talks", "t", "nothing at all", "a"} {
			var want []int64
			found, err := st.FindPieces(ctx, galley.Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range found {
				want = append(want, s.ID)
			}
			if got := both.pgIDs(numberPlaceholders(postgresSearch), q); !slices.Equal(got, want) {
				t.Errorf("search %q: %v on the server, %v in the file", q, got, want)
			}
		}
	})

	t.Run("AppliedTwiceFails", func(t *testing.T) {
		pg := newPostgresLibrary(t, srv)
		ctx := context.Background()
		var appID, version int64
		if err := pg.QueryRow(ctx, `SELECT application_id, version FROM galley_schema`).Scan(&appID, &version); err != nil {
			t.Fatal(err)
		}
		files := postgresMigrations(t)
		if appID != ApplicationID || version != int64(files[len(files)-1].version) {
			t.Errorf("galley_schema says application %#x, version %d; want %#x and %d", appID, version, ApplicationID, files[len(files)-1].version)
		}
		err := applyPostgresMigration(ctx, pg, files[0].name)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42P07" || !strings.Contains(pe.Message, "already holds a Galley library") {
			t.Fatalf("the first migration applied again: %v; want it refused (duplicate_table) as a library already there", err)
		}
		if n := (&twoHomes{t: t, pg: pg}).pgInt(`SELECT count(*) FROM galley_schema`); n != 1 {
			t.Errorf("galley_schema has %d rows after the refused second run", n)
		}
	})

	t.Run("RefusesACLocale", func(t *testing.T) {
		// Under LC_CTYPE C, "É" is neither a letter nor lowercased: search
		// could not find what it finds in a file, so the schema refuses.
		ctx := context.Background()
		admin, err := pgx.Connect(ctx, srv.URL("postgres"))
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, `CREATE DATABASE c_locale TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.DropDatabase("c_locale") })
		pg, err := pgx.Connect(ctx, srv.URL("c_locale"))
		if err != nil {
			t.Fatal(err)
		}
		defer pg.Close(ctx)
		err = applyPostgresMigration(ctx, pg, postgresMigrations(t)[0].name)
		if err == nil || !strings.Contains(err.Error(), "character classification") {
			t.Fatalf("migrating a database with LC_CTYPE C: %v; want a refusal naming the character classification", err)
		}
		if n := (&twoHomes{t: t, pg: pg}).pgInt(`SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace`); n != 0 {
			t.Errorf("the refused migration left %d relations behind", n)
		}
	})
}

// postgresSearch finds the pieces whose words match what an editor typed,
// newest first. The query is made once, in FROM: as a condition, a
// generic plan would make it again for every row.
const postgresSearch = `
	SELECT p.id FROM pieces p, galley_tsquery(?) AS q
	WHERE p.search @@ q
	ORDER BY p.sort_day DESC, p.id DESC`

type pgMigration struct {
	version int
	name    string
}

// postgresMigrations lists the team library's migrations in order.
func postgresMigrations(t *testing.T) []pgMigration {
	t.Helper()
	entries, err := os.ReadDir(postgresMigrationDir)
	if err != nil {
		t.Fatal(err)
	}
	var ms []pgMigration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		n, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("migration %s has no number", e.Name())
		}
		ms = append(ms, pgMigration{v, filepath.Join(postgresMigrationDir, e.Name())})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	if len(ms) == 0 || ms[0].version != 1 {
		t.Fatalf("no migration 1 in %s: %v", postgresMigrationDir, ms)
	}
	return ms
}

// applyPostgresMigration runs one migration file in a transaction of its
// own, as a migration runner would: through the simple protocol, which
// takes many statements at once.
func applyPostgresMigration(ctx context.Context, conn *pgx.Conn, path string) error {
	script, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, string(script)); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return tx.Commit(ctx)
}

// newPostgresLibrary makes an empty database on srv for the test and
// applies every migration to it.
func newPostgresLibrary(t *testing.T, srv *pgtest.Server) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, srv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	for _, m := range postgresMigrations(t) {
		if err := applyPostgresMigration(ctx, conn, m.name); err != nil {
			t.Fatal(err)
		}
	}
	return conn
}

// newFileLibrary makes a library file with Open and returns a writing
// connection to it, with the store's settings (foreign keys on).
func newFileLibrary(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "library.galley")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", dsn(path, "immediate", false))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// fileTables lists the file's own tables: not SQLite's, not the FTS5
// indexes and not their shadow tables.
func fileTables(t *testing.T, file *sql.DB) []string {
	t.Helper()
	rows, err := file.Query(`SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names, virtual []string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(strings.ToUpper(ddl), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, name)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(virtual) != 2 {
		t.Errorf("the file's FTS5 tables: %v; want piece_search and photo_search", virtual)
	}
	var own []string
next:
	for _, name := range names {
		if strings.HasPrefix(name, "sqlite_") {
			continue
		}
		for _, v := range virtual {
			if name == v || strings.HasPrefix(name, v+"_") {
				continue next
			}
		}
		own = append(own, name)
	}
	return own
}

type fileColumn struct {
	name, typ string
	notNull   bool
	dflt      sql.NullString
	pk        int
	generated bool
}

func fileColumns(t *testing.T, file *sql.DB, table string) []fileColumn {
	t.Helper()
	rows, err := file.Query(`SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []fileColumn
	for rows.Next() {
		var c fileColumn
		var hidden int
		if err := rows.Scan(&c.name, &c.typ, &c.notNull, &c.dflt, &c.pk, &hidden); err != nil {
			t.Fatal(err)
		}
		c.generated = hidden == 2 || hidden == 3
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols
}

type pgColumn struct {
	name, typ           string
	nullable            bool
	dflt                sql.NullString
	identity, generated bool
	collation           string
}

// pgDefault reads a column default as the server shows it (”, 1, false,
// '…'::text) in the file's words (” and 1; false is 0).
func pgDefault(d sql.NullString) string {
	if !d.Valid {
		return ""
	}
	v, _, _ := strings.Cut(d.String, "::")
	switch v {
	case "false":
		return "0"
	case "true":
		return "1"
	}
	return v
}

// fileIndexShape describes an index of the file as pgIndexShapes does one
// on the server: table(column [DESC], …) unique partial.
func fileIndexShape(t *testing.T, file *sql.DB, table, index string) string {
	t.Helper()
	var unique, partial bool
	err := file.QueryRow(`SELECT "unique", partial FROM pragma_index_list(?) WHERE name = ?`, table, index).Scan(&unique, &partial)
	if err != nil {
		t.Fatalf("index %s of %s: %v", index, table, err)
	}
	rows, err := file.Query(`SELECT name, "desc" FROM pragma_index_xinfo(?) WHERE key ORDER BY seqno`, index)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var name string
		var desc bool
		if err := rows.Scan(&name, &desc); err != nil {
			t.Fatal(err)
		}
		if desc {
			name += " DESC"
		}
		cols = append(cols, name)
	}
	return indexShape(table, cols, unique, partial)
}

// fileUniqueShapes lists the table's uniqueness rules: its unique indexes
// (UNIQUE columns, keys of WITHOUT ROWID tables, CREATE UNIQUE INDEX) and
// its INTEGER PRIMARY KEY, which is the rowid and has no index.
func fileUniqueShapes(t *testing.T, file *sql.DB, table string) []string {
	t.Helper()
	var out []string
	rows, err := file.Query(`SELECT name, partial FROM pragma_index_list(?) WHERE "unique"`, table)
	if err != nil {
		t.Fatal(err)
	}
	type ix struct {
		name    string
		partial bool
	}
	var list []ix
	for rows.Next() {
		var i ix
		if err := rows.Scan(&i.name, &i.partial); err != nil {
			t.Fatal(err)
		}
		list = append(list, i)
	}
	rows.Close()
	for _, i := range list {
		cols := fileStrings(t, file, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, i.name)
		out = append(out, indexShape(table, cols, true, i.partial))
	}
	if pk := fileStrings(t, file, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table); len(pk) > 0 {
		out = append(out, indexShape(table, pk, true, false))
	}
	return out
}

type pgIndex struct {
	name, table, shape string
	constraint         bool // made by a PRIMARY KEY or UNIQUE constraint
}

func pgIndexShapes(t *testing.T, pg *pgx.Conn) []pgIndex {
	t.Helper()
	rows, err := pg.Query(context.Background(), `
		SELECT i.relname, c.relname, x.indisunique, x.indpred IS NOT NULL,
			EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u')),
			array_agg(coalesce(a.attname, '(expression)') || CASE WHEN x.indoption[k.n - 1] & 1 = 1 THEN ' DESC' ELSE '' END ORDER BY k.n)
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class c ON c.oid = x.indrelid
		CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k (attnum, n)
		LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
		WHERE c.relnamespace = current_schema()::regnamespace
		GROUP BY 1, 2, 3, 4, 5`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []pgIndex
	for rows.Next() {
		var ix pgIndex
		var unique, partial bool
		var cols []string
		if err := rows.Scan(&ix.name, &ix.table, &unique, &partial, &ix.constraint, &cols); err != nil {
			t.Fatal(err)
		}
		ix.shape = indexShape(ix.table, cols, unique, partial)
		out = append(out, ix)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func indexShape(table string, cols []string, unique, partial bool) string {
	s := table + "(" + strings.Join(cols, ", ") + ")"
	if unique {
		s += " unique"
	}
	if partial {
		s += " partial"
	}
	return s
}

func fileStrings(t *testing.T, file *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := file.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func pgStrings(t *testing.T, pg *pgx.Conn, query string, args ...any) []string {
	t.Helper()
	rows, err := pg.Query(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// twoHomes runs the store's kind of SQL, with ? placeholders, on a library
// file and on a team library, as the dialect would.
type twoHomes struct {
	t    *testing.T
	file *sql.DB
	pg   *pgx.Conn
}

// expect runs the statement in both homes, outside any transaction, and
// checks that both accept it (want "") or both refuse it for the reason
// want names.
func (h *twoHomes) expect(query string, args []any, want string) {
	h.t.Helper()
	_, ferr := h.file.Exec(query, args...)
	_, perr := h.pg.Exec(context.Background(), numberPlaceholders(query), args...)
	fk, pk := fileRefusal(ferr), pgRefusal(perr)
	if fk != want || pk != want {
		h.t.Errorf("%s %v: want %q in both homes; the file gave %q (%v), the server %q (%v)", oneLine(query), args, want, fk, ferr, pk, perr)
	}
}

// fileRefusal names the rule SQLite gave as its reason to refuse.
func fileRefusal(err error) string {
	if err == nil {
		return ""
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.ExtendedCode {
		case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey:
			return "unique"
		case sqlite3.ErrConstraintCheck:
			return "check"
		case sqlite3.ErrConstraintForeignKey:
			return "foreign key"
		case sqlite3.ErrConstraintNotNull:
			return "not null"
		}
		if se.ExtendedCode == sqlite3.ErrConstraintTrigger && strings.Contains(se.Error(), "FOREIGN KEY") {
			return "foreign key" // ON DELETE RESTRICT acts as a trigger
		}
		if strings.Contains(se.Error(), "generated column") {
			return "generated"
		}
		return fmt.Sprintf("other (SQLite code %d): %v", se.ExtendedCode, err)
	}
	return "other: " + err.Error()
}

// pgRefusal names the rule PostgreSQL gave as its reason to refuse.
func pgRefusal(err error) string {
	if err == nil {
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return "unique"
		case "23514":
			return "check"
		case "23503": // foreign_key_violation, RESTRICT's too
			return "foreign key"
		case "23502":
			return "not null"
		case "428C9": // generated_always
			return "generated"
		}
	}
	return "other: " + err.Error()
}

// counts gives the row count of every table in the file, as one line.
func (h *twoHomes) counts(tables []string) string {
	var b strings.Builder
	for _, table := range tables {
		fmt.Fprintf(&b, "%s=%d ", table, h.fileInt(`SELECT count(*) FROM `+quoteIdent(table)))
	}
	return b.String()
}

func (h *twoHomes) pgCounts(tables []string) string {
	var b strings.Builder
	for _, table := range tables {
		fmt.Fprintf(&b, "%s=%d ", table, h.pgInt(`SELECT count(*) FROM `+quoteIdent(table)))
	}
	return b.String()
}

func (h *twoHomes) fileInt(query string) int {
	h.t.Helper()
	var n int
	if err := h.file.QueryRow(query).Scan(&n); err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (h *twoHomes) pgInt(query string) int {
	h.t.Helper()
	var n int
	if err := h.pg.QueryRow(context.Background(), query).Scan(&n); err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (h *twoHomes) fileIDs(query string, args ...any) []int64 {
	h.t.Helper()
	rows, err := h.file.Query(query, args...)
	if err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			h.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		h.t.Fatal(err)
	}
	return ids
}

func (h *twoHomes) pgIDs(query string, args ...any) []int64 {
	h.t.Helper()
	rows, err := h.pg.Query(context.Background(), query, args...)
	if err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	return ids
}

// copyTable copies a table of the file to the server, column for column,
// generated columns aside, as `galley copy` would.
func copyTable(t *testing.T, file *sql.DB, pg *pgx.Conn, table string) {
	t.Helper()
	var cols []string
	for _, c := range fileColumns(t, file, table) {
		if !c.generated {
			cols = append(cols, quoteIdent(c.name))
		}
	}
	list := strings.Join(cols, ", ")
	rows, err := file.Query(`SELECT ` + list + ` FROM ` + quoteIdent(table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	insert := numberPlaceholders(`INSERT INTO ` + quoteIdent(table) + ` (` + list + `) VALUES (` + placeholders(len(cols)) + `)`)
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if _, err := pg.Exec(context.Background(), insert, vals...); err != nil {
			t.Fatalf("copy %s: %v", table, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func date(t *testing.T, s string) galley.Date {
	t.Helper()
	d, err := galley.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
