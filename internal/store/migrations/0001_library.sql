-- The first schema of a Galley library.
--
-- Text columns hold UTF-8; times are RFC 3339 in UTC; publication dates are
-- YYYY-MM-DD. Ordered lists (byline, topics, Q&A, photos, related) keep an
-- explicit position so the order editors chose survives every round trip.
--
-- Names in the shared vocabularies (types, topics, contributors) are unique
-- by key: the name case-folded and normalised by Galley (galley.NameKey),
-- since SQLite's NOCASE folds ASCII only and "Élise" must match "ÉLISE".

PRAGMA application_id = 1195461721; -- "GALY": marks the file as a Galley library

CREATE TABLE types (
	id       INTEGER PRIMARY KEY,
	name     TEXT NOT NULL CHECK (trim(name) <> ''),
	key      TEXT NOT NULL UNIQUE,
	position INTEGER NOT NULL
);

INSERT INTO types (name, key, position) VALUES
	('Analysis', 'analysis', 1),
	('Q&A', 'q&a', 2),
	('Commentary', 'commentary', 3),
	('Report', 'report', 4),
	('Congressional Testimony', 'congressional testimony', 5),
	('News', 'news', 6);

CREATE TABLE topics (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL CHECK (trim(name) <> ''),
	key  TEXT NOT NULL UNIQUE
);

CREATE TABLE contributors (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL CHECK (trim(name) <> ''),
	key  TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL DEFAULT ''
);

CREATE TABLE pieces (
	id        INTEGER PRIMARY KEY,
	slug      TEXT NOT NULL UNIQUE,
	title     TEXT NOT NULL CHECK (trim(title) <> ''),
	type_id   INTEGER REFERENCES types (id) ON DELETE RESTRICT,
	status    TEXT NOT NULL CHECK (status IN ('draft', 'review', 'ready', 'published')),
	published TEXT CHECK (published IS NULL OR published GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
	summary   TEXT NOT NULL DEFAULT '',
	body      TEXT NOT NULL DEFAULT '',
	version   INTEGER NOT NULL DEFAULT 1,
	created   TEXT NOT NULL,
	updated   TEXT NOT NULL,
	-- Newest first means by publication date, or by creation day for
	-- undated drafts, so a new draft sits with today's pieces.
	sort_day  TEXT GENERATED ALWAYS AS (coalesce(published, substr(created, 1, 10))) VIRTUAL,
	-- The piece's row in piece_search. It encodes the newest-first order
	-- (days since 1970 × 2^32 + id), so a search can walk the index in rowid
	-- order and stop after one page instead of sorting every match.
	search_rowid INTEGER
);

CREATE INDEX pieces_newest ON pieces (sort_day DESC, id DESC);
CREATE INDEX pieces_status ON pieces (status, sort_day DESC, id DESC);
CREATE INDEX pieces_type ON pieces (type_id, sort_day DESC, id DESC);

CREATE TABLE piece_contributors (
	piece_id       INTEGER NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	position       INTEGER NOT NULL,
	contributor_id INTEGER NOT NULL REFERENCES contributors (id) ON DELETE RESTRICT,
	PRIMARY KEY (piece_id, position),
	UNIQUE (piece_id, contributor_id)
) WITHOUT ROWID;

CREATE INDEX piece_contributors_contributor ON piece_contributors (contributor_id);

CREATE TABLE piece_topics (
	piece_id INTEGER NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE RESTRICT,
	PRIMARY KEY (piece_id, position),
	UNIQUE (piece_id, topic_id)
) WITHOUT ROWID;

CREATE INDEX piece_topics_topic ON piece_topics (topic_id);

CREATE TABLE qa (
	piece_id INTEGER NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	question TEXT NOT NULL,
	answer   TEXT NOT NULL,
	PRIMARY KEY (piece_id, position)
) WITHOUT ROWID;

-- Image bytes, once per distinct content. The blob is the last column so
-- reading a row's description never walks its overflow pages.
CREATE TABLE images (
	id     INTEGER PRIMARY KEY,
	sha256 TEXT NOT NULL UNIQUE,
	mime   TEXT NOT NULL,
	width  INTEGER NOT NULL,
	height INTEGER NOT NULL,
	size   INTEGER NOT NULL,
	data   BLOB NOT NULL
);

CREATE TABLE photos (
	id         INTEGER PRIMARY KEY,
	piece_id   INTEGER NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	image_id   INTEGER NOT NULL REFERENCES images (id) ON DELETE RESTRICT,
	alt        TEXT NOT NULL DEFAULT '',
	decorative INTEGER NOT NULL DEFAULT 0 CHECK (decorative IN (0, 1)),
	caption    TEXT NOT NULL DEFAULT '',
	credit     TEXT NOT NULL DEFAULT '',
	lead       INTEGER NOT NULL DEFAULT 0 CHECK (lead IN (0, 1))
);

CREATE INDEX photos_piece ON photos (piece_id, position);
CREATE INDEX photos_image ON photos (image_id);
-- At most one lead photo per piece, enforced by the file itself.
CREATE UNIQUE INDEX photos_one_lead ON photos (piece_id) WHERE lead = 1;

CREATE TABLE related (
	piece_id   INTEGER NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	related_id INTEGER NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
	PRIMARY KEY (piece_id, position),
	UNIQUE (piece_id, related_id),
	CHECK (piece_id <> related_id)
) WITHOUT ROWID;

CREATE INDEX related_target ON related (related_id);

-- Full-text search over everything an editor might remember of a piece.
-- Contentless: the words are indexed but not stored twice; rows are kept in
-- step by the store in the same transaction as every write. The rowid is
-- pieces.search_rowid, not the piece ID (see above).
CREATE VIRTUAL TABLE piece_search USING fts5 (
	title, summary, body, qa, photos, people, topics,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
