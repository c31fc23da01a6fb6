-- Files of the site's own, as in a library file
-- (migrations/0009_site_files.sql). Like the site's settings they are an
-- editor's to change; every member reads them to export.
CREATE TABLE site_files (
	name text COLLATE "C" PRIMARY KEY,
	data bytea NOT NULL
);

DO $$ BEGIN
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'galley_writer') THEN
		GRANT SELECT ON site_files TO galley_writer;
		GRANT INSERT, UPDATE, DELETE ON site_files TO galley_editor;
	END IF;
END $$;

UPDATE galley_schema SET version = 6;
