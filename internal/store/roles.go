package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"app.galley/galley/internal/galley"
)

// Roles on a team library are the server's to enforce, so a hand-made
// client is refused too: a writer drafts, edits and sends pieces to
// review; only an editor marks them ready or published, deletes them,
// empties the trash, and renames, merges or deletes topics. The desk and
// the command line only explain the refusals.

// Role names on the server.
const (
	WriterRole = "galley_writer"
	EditorRole = "galley_editor"
)

// teamSetup creates the two roles and what each may do, idempotently.
var teamSetup = []string{
	`DO $$ BEGIN
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'galley_writer') THEN CREATE ROLE galley_writer NOLOGIN; END IF;
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'galley_editor') THEN CREATE ROLE galley_editor NOLOGIN; END IF;
	END $$`,
	`GRANT galley_writer TO galley_editor`,
	`GRANT USAGE ON SCHEMA public TO galley_writer`,
	`GRANT SELECT ON ALL TABLES IN SCHEMA public TO galley_writer`,
	`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO galley_writer`,
	// What a save, an import and a revision write.
	`GRANT INSERT, UPDATE ON pieces, images, thumbnails, contributors, types, revisions, library_meta, presence TO galley_writer`,
	`GRANT INSERT ON topics, trash, trash_images TO galley_writer`,
	// An export gives new names their addresses; renaming a contributor
	// or a type, which a writer may, moves its address (the guard below
	// keeps moving topics' to editors).
	`GRANT INSERT, UPDATE ON addresses TO galley_writer`,
	`GRANT INSERT, DELETE ON piece_contributors, piece_topics, qa, photos, related, revision_images, presence, thumbnails TO galley_writer`,
	// An image no photo uses any more goes with the save that dropped it.
	`GRANT DELETE ON images TO galley_writer`,
	`GRANT UPDATE ON photos TO galley_writer`,
	// What only an editor does: delete pieces, empty the trash, change
	// the vocabulary of everyone's pieces, thin the history.
	`GRANT DELETE ON pieces, trash, trash_images, topics, types, contributors, images, revisions TO galley_editor`,
	`GRANT UPDATE ON topics, trash TO galley_editor`,
	// The site's own files, like its settings.
	`GRANT INSERT, UPDATE, DELETE ON site_files TO galley_editor`,
	// Only an editor marks a piece ready or published: a check on every
	// row written, whoever writes it.
	`CREATE OR REPLACE FUNCTION galley_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF NEW.status IN ('ready', 'published')
			AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status)
			AND NOT pg_has_role(current_user, 'galley_editor', 'MEMBER') THEN
			RAISE EXCEPTION 'only an editor may mark a piece % (you are a writer)', NEW.status
				USING ERRCODE = '42501';
		END IF;
		RETURN NEW;
	END $$`,
	`DROP TRIGGER IF EXISTS galley_status_guard ON pieces`,
	`CREATE TRIGGER galley_status_guard BEFORE INSERT OR UPDATE OF status ON pieces
		FOR EACH ROW EXECUTE FUNCTION galley_status_guard()`,
	// Only an editor changes the site's settings (its address, where it
	// is published): writers write library_meta for the library's own
	// bookkeeping, so the check is on the row.
	`CREATE OR REPLACE FUNCTION galley_site_guard() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF NEW.key LIKE 'site:%' AND NOT pg_has_role(current_user, 'galley_editor', 'MEMBER') THEN
			RAISE EXCEPTION 'only an editor may change the site''s settings (you are a writer)'
				USING ERRCODE = '42501';
		END IF;
		RETURN NEW;
	END $$`,
	addressGuard,
	`DROP TRIGGER IF EXISTS galley_address_guard ON addresses`,
	`CREATE TRIGGER galley_address_guard BEFORE UPDATE ON addresses
		FOR EACH ROW EXECUTE FUNCTION galley_address_guard()`,
	`DROP TRIGGER IF EXISTS galley_site_guard ON library_meta`,
	`CREATE TRIGGER galley_site_guard BEFORE INSERT OR UPDATE ON library_meta
		FOR EACH ROW EXECUTE FUNCTION galley_site_guard()`,
}

// addressGuard keeps moving a topic's address (its rename or merge) to
// editors, as renaming a topic is; a writer may rename a contributor or a
// type, and so move theirs. Only a move is guarded: a writer's export
// that gives a name back its own former address changes no key. The
// team library's migration 0004 sets it up for teams made before it, in
// the same words.
const addressGuard = `CREATE OR REPLACE FUNCTION galley_address_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
	BEGIN
		IF NEW.kind = 'topics' AND OLD.key IS DISTINCT FROM NEW.key AND NOT pg_has_role(current_user, 'galley_editor', 'MEMBER') THEN
			RAISE EXCEPTION 'only an editor may rename or merge topics (you are a writer)'
				USING ERRCODE = '42501';
		END IF;
		RETURN NEW;
	END $f$`

// InitTeam sets up the writer and editor roles on a team library, making
// the library first if the database is empty. It must be run by the
// database's owner (or a superuser); running it again changes nothing.
func InitTeam(ctx context.Context, address string) error {
	s, err := openServer(ctx, address)
	if err != nil {
		return err
	}
	s.Close()
	conn, err := pgx.Connect(ctx, address)
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot reach the team library: %s.", redactError(err, address))
	}
	defer conn.Close(ctx)
	for _, q := range teamSetup {
		if _, err := conn.Exec(ctx, q); err != nil {
			return galley.Errorf(galley.EInvalid, "Setting up the team's roles failed (%s). Run galley team init as the database's owner.", redactError(err, address))
		}
	}
	return nil
}

// AddToTeam lets the database user name in as a writer or an editor,
// creating the login if it does not exist (its password is set by the
// server's administrator, or it signs in by the server's own means).
func AddToTeam(ctx context.Context, address, name, role string) error {
	var grant string
	switch role {
	case "writer":
		grant = WriterRole
	case "editor":
		grant = EditorRole
	default:
		return galley.Errorf(galley.EInvalid, "A team member is a writer or an editor, not %q.", role)
	}
	if name == "" || strings.ContainsAny(name, "\x00") {
		return galley.Errorf(galley.EInvalid, "Name the database user to add.")
	}
	conn, err := pgx.Connect(ctx, address)
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot reach the team library: %s.", redactError(err, address))
	}
	defer conn.Close(ctx)
	user := pgx.Identifier{name}.Sanitize()
	steps := []string{
		fmt.Sprintf(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) THEN CREATE ROLE %s LOGIN; END IF; END $$`, quoteLiteral(name), user),
		fmt.Sprintf(`REVOKE %s, %s FROM %s`, EditorRole, WriterRole, user),
		fmt.Sprintf(`GRANT %s TO %s`, grant, user),
	}
	for _, q := range steps {
		if _, err := conn.Exec(ctx, q); err != nil {
			return galley.Errorf(galley.EInvalid, "Adding %s to the team failed (%s).", name, redactError(err, address))
		}
	}
	return nil
}

// may reports whether the user may change table as action says: the
// upkeep a writer may not do (thinning the history, purging the trash) is
// left to an editor's desk instead of failing on every writer's.
func (s *Store) may(ctx context.Context, table, action string) bool {
	if !s.onServer() {
		return true
	}
	var ok bool
	if err := s.rdb.QueryRowContext(ctx, `SELECT has_table_privilege($1, $2)`, table, action).Scan(&ok); err != nil {
		return true // let the write itself say why
	}
	return ok
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Role says what the user may do on the library: "editor" or "writer" on
// a team library with roles, "" where everything is allowed (a library
// file, or a team library whose roles were never set up).
func (s *Store) Role(ctx context.Context) (string, error) {
	if !s.onServer() {
		return "", nil
	}
	var role string
	err := s.rdb.QueryRowContext(ctx, `
		SELECT CASE
			WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'galley_editor') THEN ''
			WHEN pg_has_role(current_user, 'galley_editor', 'MEMBER') THEN 'editor'
			WHEN pg_has_role(current_user, 'galley_writer', 'MEMBER') THEN 'writer'
			ELSE 'reader' END`).Scan(&role)
	return role, s.serverError(err)
}
