-- The schema of a Galley team library on PostgreSQL, in one step: the
-- tables, columns, constraints and indexes of a library file as its
-- migrations 0001 to 0006 leave it (internal/store/migrations), in
-- PostgreSQL's types, so the store's SQL reads and writes both alike.
-- docs/team-library.md explains the choices; in short:
--
-- * Integers are bigint, as SQLite's INTEGER is 64 bits. Tables whose rows
--   the store inserts without an ID number them by identity (BY DEFAULT,
--   so a copy or a restore keeps the IDs it brings); pieces are numbered by
--   the store itself (nextPieceID), never by the database.
-- * The three 0/1 flags are boolean: the store binds and scans them as Go
--   bools, which pgx refuses to put into an integer column.
-- * Every text column is COLLATE "C": SQLite compares and sorts text byte by
--   byte (BINARY), whatever the server's locale, and so does "C". Times stay
--   text (RFC 3339, UTC, written by formatTime), so they sort as they do in
--   the file.
-- * Full-text search: FTS5's piece_search is a tsvector column on pieces,
--   written by the store with each save; photo_search and its triggers are a
--   generated tsvector column on photos. Both fold text as SQLite's
--   unicode61 tokenizer with remove_diacritics 2 does (galley_fold below),
--   without the unaccent extension, which is not always installed.
-- * galley_schema stands for the file header's application_id and
--   user_version: it marks the database as a Galley library and records its
--   schema version (the number of the last migration of this folder).
--
-- The migration runner applies this file in one transaction. It refuses a
-- database that already holds a library, and one whose encoding or locale
-- cannot fold text as SQLite does, before creating anything.

DO $$
BEGIN
	IF to_regclass('galley_schema') IS NOT NULL THEN
		RAISE EXCEPTION 'This database already holds a Galley library; it was not changed.'
			USING ERRCODE = 'duplicate_table',
			HINT = 'Galley upgrades a library itself, from the version recorded in galley_schema.';
	END IF;
	IF current_schema() IS NULL THEN
		RAISE EXCEPTION 'No schema to create the Galley library in (search_path names none that exists).'
			USING ERRCODE = 'invalid_schema_name';
	END IF;
	IF current_setting('server_encoding') <> 'UTF8' THEN
		RAISE EXCEPTION 'A Galley library needs a database in UTF-8; this one is in %.', current_setting('server_encoding')
			USING ERRCODE = 'feature_not_supported',
			HINT = 'Create the database with ENCODING ''UTF8'' and a UTF-8 locale, for instance LOCALE ''C.UTF-8''.';
	END IF;
	-- Search folds case and tells letters from punctuation with the
	-- database's character classification (LC_CTYPE): under the C locale,
	-- "É" would be neither lowercased nor a letter.
	IF lower('ÉŁ') <> 'éł' OR NOT 'é' ~ '^[[:alnum:]]$' THEN
		RAISE EXCEPTION 'A Galley library needs a database whose character classification (LC_CTYPE %) knows accented letters.', current_setting('lc_ctype')
			USING ERRCODE = 'feature_not_supported',
			HINT = 'Create the database with a UTF-8 locale, for instance LOCALE ''C.UTF-8'' or ''en_US.UTF-8''.';
	END IF;
END $$;

-- galley_fold turns text into the words SQLite's FTS5 index holds for it
-- (tokenize = 'unicode61 remove_diacritics 2'), as text PostgreSQL's
-- 'simple' parser splits at the same places:
--   * diacritics come off Latin letters only ("Ébène" → "ebene", "İstanbul"
--     → "istanbul"), as in SQLite; letters that do not decompose (ø, ł, ß,
--     æ) and other scripts keep theirs ("ёлка" stays "ёлка");
--   * letters are lowercased;
--   * everything but letters, digits and combining marks separates words:
--     "cease-fire" is "cease fire", "foo@bar.com" is "foo bar com", as in
--     SQLite (PostgreSQL's parser alone would keep "cease-fire" and the
--     e-mail address whole, and "bar" would not find it).
-- It reads its input under the database's collation: the columns are
-- COLLATE "C", under which lower() and [[:alnum:]] know ASCII only.
CREATE FUNCTION galley_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT lower(regexp_replace(
		normalize(regexp_replace(normalize(t COLLATE "default", NFD), '([A-Za-z])[\u0300-\u036f]+', '\1', 'g'), NFC),
		'[^[:alnum:]\u0300-\u036f]+', ' ', 'g'))
$$;

-- galley_tsvector is the search entry of a text: its folded words. A
-- tsvector holds at most 1 MB; text whose distinct words overflow it
-- (hostile input, never prose: 1 MiB of random five-letter words does) is
-- indexed as far as it fits, halving until it does, so no save fails for
-- the sake of its index.
CREATE FUNCTION galley_tsvector(t text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
	folded text := galley_fold(t);
	n integer := length(folded);
BEGIN
	LOOP
		BEGIN
			RETURN to_tsvector('simple', left(folded, n));
		EXCEPTION WHEN program_limit_exceeded THEN
			n := n / 2;
		END;
	END LOOP;
END $$;

-- galley_tsquery is what an editor typed, as the store's MatchExpression
-- gives it to FTS5: every word must appear, each also as a prefix ("cease
-- fi" finds "ceasefire finally"). Anything but words is ignored, so
-- MatchExpression's own output ("cease"* "fi"*) reads the same. Text with
-- no word gives NULL, which matches nothing (an empty tsquery would too,
-- with a notice in the server's log for every search).
CREATE FUNCTION galley_tsquery(typed text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT CASE WHEN count(*) > 0 THEN to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' & ' ORDER BY n)) END
	FROM regexp_split_to_table(galley_fold(typed), ' ') WITH ORDINALITY AS words (w, n)
	WHERE w <> ''
$$;

-- What this database is: a Galley library ("GALY", the application_id of
-- a library file) at schema version 1 of this folder. One row.
CREATE TABLE galley_schema (
	application_id bigint NOT NULL CHECK (application_id = 1195461721),
	version        bigint NOT NULL CHECK (version > 0)
);
CREATE UNIQUE INDEX galley_schema_one_row ON galley_schema ((true));
COMMENT ON TABLE galley_schema IS 'A Galley library (application_id "GALY") at this schema version. Galley refuses a database without it, and a newer version, untouched.';
INSERT INTO galley_schema (application_id, version) VALUES (1195461721, 1);

-- Names in the shared vocabularies are unique by key: the name case-folded
-- and normalised by Galley (galley.NameKey), not by the database.
CREATE TABLE types (
	id       bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name     text COLLATE "C" NOT NULL CHECK (trim(name) <> ''),
	key      text COLLATE "C" NOT NULL UNIQUE,
	position bigint NOT NULL
);

INSERT INTO types (name, key, position) VALUES
	('Analysis', 'analysis', 1),
	('Q&A', 'q&a', 2),
	('Commentary', 'commentary', 3),
	('Report', 'report', 4),
	('Congressional Testimony', 'congressional testimony', 5),
	('News', 'news', 6);

CREATE TABLE topics (
	id   bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name text COLLATE "C" NOT NULL CHECK (trim(name) <> ''),
	key  text COLLATE "C" NOT NULL UNIQUE
);

CREATE TABLE contributors (
	id   bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name text COLLATE "C" NOT NULL CHECK (trim(name) <> ''),
	key  text COLLATE "C" NOT NULL UNIQUE,
	role text COLLATE "C" NOT NULL DEFAULT ''
);

CREATE TABLE pieces (
	-- Numbered by the store past every ID the library ever used
	-- (nextPieceID), so no identity.
	id        bigint PRIMARY KEY,
	slug      text COLLATE "C" NOT NULL UNIQUE,
	title     text COLLATE "C" NOT NULL CHECK (trim(title) <> ''),
	type_id   bigint REFERENCES types (id) ON DELETE RESTRICT,
	status    text COLLATE "C" NOT NULL CHECK (status IN ('draft', 'review', 'ready', 'published')),
	published text COLLATE "C" CHECK (published IS NULL OR published ~ '^[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]$'),
	summary   text COLLATE "C" NOT NULL DEFAULT '',
	body      text COLLATE "C" NOT NULL DEFAULT '',
	version   bigint NOT NULL DEFAULT 1,
	created   text COLLATE "C" NOT NULL,
	updated   text COLLATE "C" NOT NULL,
	-- Newest first means by publication date, or by creation day for
	-- undated drafts, so a new draft sits with today's pieces.
	sort_day  text COLLATE "C" GENERATED ALWAYS AS (coalesce(published, substr(created, 1, 10))) STORED,
	-- The newest-first key of the piece's search entry (days since 1970 of
	-- sort_day × 2^32 + id), NULL while it has none: the rowid of
	-- piece_search in a library file. Kept here in step with search, so a
	-- copy to a file can rebuild its index in the same order.
	search_rowid bigint,
	-- The piece's words (title, summary, body, Q&A, photos, people,
	-- topics) as galley_tsvector gives them, written by the store in the
	-- transaction of every write, as it writes piece_search in a file.
	search    tsvector
);

CREATE INDEX pieces_newest ON pieces (sort_day DESC, id DESC);
CREATE INDEX pieces_status ON pieces (status, sort_day DESC, id DESC);
CREATE INDEX pieces_type ON pieces (type_id, sort_day DESC, id DESC);
CREATE INDEX pieces_recency ON pieces (id, published);
CREATE INDEX pieces_search ON pieces USING gin (search);

CREATE TABLE piece_contributors (
	piece_id       bigint NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	position       bigint NOT NULL,
	contributor_id bigint NOT NULL REFERENCES contributors (id) ON DELETE RESTRICT,
	PRIMARY KEY (piece_id, position),
	UNIQUE (piece_id, contributor_id)
);

CREATE INDEX piece_contributors_contributor ON piece_contributors (contributor_id);

CREATE TABLE piece_topics (
	piece_id bigint NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	position bigint NOT NULL,
	topic_id bigint NOT NULL REFERENCES topics (id) ON DELETE RESTRICT,
	PRIMARY KEY (piece_id, position),
	UNIQUE (piece_id, topic_id)
);

CREATE INDEX piece_topics_topic ON piece_topics (topic_id);

CREATE TABLE qa (
	piece_id bigint NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	position bigint NOT NULL,
	question text COLLATE "C" NOT NULL,
	answer   text COLLATE "C" NOT NULL,
	PRIMARY KEY (piece_id, position)
);

-- Image bytes, once per distinct content. PostgreSQL keeps large bytea
-- values out of line (TOAST) by itself.
CREATE TABLE images (
	id      bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	sha256  text COLLATE "C" NOT NULL UNIQUE,
	mime    text COLLATE "C" NOT NULL,
	width   bigint NOT NULL,
	height  bigint NOT NULL,
	size    bigint NOT NULL,
	data    bytea NOT NULL,
	-- Whether the file carries a GPS position (which exports remove).
	has_gps boolean NOT NULL DEFAULT false
);

CREATE TABLE photos (
	-- Numbered by identity for a new photo; a photo kept on a save goes
	-- back in with its ID.
	id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	piece_id     bigint NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	position     bigint NOT NULL,
	image_id     bigint NOT NULL REFERENCES images (id) ON DELETE RESTRICT,
	alt          text COLLATE "C" NOT NULL DEFAULT '',
	decorative   boolean NOT NULL DEFAULT false,
	caption      text COLLATE "C" NOT NULL DEFAULT '',
	credit       text COLLATE "C" NOT NULL DEFAULT '',
	lead         boolean NOT NULL DEFAULT false,
	photographer text COLLATE "C" NOT NULL DEFAULT '',
	copyright    text COLLATE "C" NOT NULL DEFAULT '',
	date_created text COLLATE "C" NOT NULL DEFAULT '',
	city         text COLLATE "C" NOT NULL DEFAULT '',
	country      text COLLATE "C" NOT NULL DEFAULT '',
	keywords     text COLLATE "C" NOT NULL DEFAULT '',
	-- The photo library's search: the words of the photo_search index of
	-- a library file, kept in step by PostgreSQL itself, whoever writes
	-- the row (saves, imports, restores, deletes cascading from pieces).
	search       tsvector GENERATED ALWAYS AS (galley_tsvector(caption || ' ' || credit || ' ' || photographer || ' ' || alt)) STORED
);

CREATE INDEX photos_piece ON photos (piece_id, position);
CREATE INDEX photos_image ON photos (image_id);
-- At most one lead photo per piece, enforced by the database itself.
CREATE UNIQUE INDEX photos_one_lead ON photos (piece_id) WHERE lead;
CREATE INDEX photos_search ON photos USING gin (search);

CREATE TABLE related (
	piece_id   bigint NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	position   bigint NOT NULL,
	related_id bigint NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	PRIMARY KEY (piece_id, position),
	UNIQUE (piece_id, related_id),
	CHECK (piece_id <> related_id)
);

CREATE INDEX related_target ON related (related_id);

-- Revisions: the whole piece as it stood after a save, compressed. Keyed
-- by the piece's ID without a foreign key: a piece keeps them in the trash
-- and after a restore, and piece IDs are never reused.
CREATE TABLE revisions (
	id       bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	piece_id bigint NOT NULL,
	number   bigint NOT NULL,                 -- 1, 2, 3 … per piece
	started  text COLLATE "C" NOT NULL,       -- first save gathered into this revision
	saved    text COLLATE "C" NOT NULL,       -- last save gathered into it
	author   text COLLATE "C" NOT NULL,       -- who saved
	status   text COLLATE "C" NOT NULL,
	version  bigint NOT NULL,                 -- the piece's version after the last save
	digest   bytea NOT NULL,                  -- SHA-256 of the content, to skip saves that change nothing
	data     bytea NOT NULL,                  -- gzip-compressed JSON of the piece
	-- What started the revision when it was not the piece's own editor (an
	-- import, a restore, a topic renamed); '' is an editor's save.
	change   text COLLATE "C" NOT NULL DEFAULT '',
	UNIQUE (piece_id, number)
);

-- Photos are kept by reference: an image stays in the library while a
-- revision or a trashed piece still shows it.
CREATE TABLE revision_images (
	revision_id bigint NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
	image_id    bigint NOT NULL REFERENCES images (id) ON DELETE RESTRICT,
	PRIMARY KEY (revision_id, image_id)
);
CREATE INDEX revision_images_image ON revision_images (image_id);

-- The trash: deleted pieces, whole, for 30 days.
CREATE TABLE trash (
	id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	piece_id     bigint NOT NULL UNIQUE,          -- the ID it had, and gets back
	title        text COLLATE "C" NOT NULL,
	slug         text COLLATE "C" NOT NULL,
	deleted      text COLLATE "C" NOT NULL,
	author       text COLLATE "C" NOT NULL,
	related_from text COLLATE "C" NOT NULL,       -- JSON array: the pieces that listed it as related
	data         bytea NOT NULL                   -- as revisions.data
);

CREATE TABLE trash_images (
	trash_id bigint NOT NULL REFERENCES trash (id) ON DELETE CASCADE,
	image_id bigint NOT NULL REFERENCES images (id) ON DELETE RESTRICT,
	PRIMARY KEY (trash_id, image_id)
);
CREATE INDEX trash_images_image ON trash_images (image_id);

-- Small facts about the library itself, such as when it was last backed
-- up and the floor of new piece IDs after a restore (id_floor).
CREATE TABLE library_meta (
	key   text COLLATE "C" PRIMARY KEY,
	value text COLLATE "C" NOT NULL
);

-- Thumbnails, made once per image and kept.
CREATE TABLE thumbnails (
	image_id bigint PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
	data     bytea NOT NULL
);
