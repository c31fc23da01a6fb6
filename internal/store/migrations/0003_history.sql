-- Revisions: the whole piece as it stood after a save, compressed. A piece
-- keeps them in the trash and after a restore, so they are keyed by the
-- piece's ID without a foreign key; piece IDs are never reused (the store
-- numbers new pieces past every ID a revision or the trash remembers).
CREATE TABLE revisions (
	id       INTEGER PRIMARY KEY,
	piece_id INTEGER NOT NULL,
	number   INTEGER NOT NULL,  -- 1, 2, 3 … per piece
	started  TEXT NOT NULL,     -- first save gathered into this revision
	saved    TEXT NOT NULL,     -- last save gathered into it
	author   TEXT NOT NULL,     -- the OS user who saved
	status   TEXT NOT NULL,
	version  INTEGER NOT NULL,  -- the piece's version after the last save
	digest   BLOB NOT NULL,     -- SHA-256 of the content, to skip saves that change nothing
	data     BLOB NOT NULL,     -- gzip-compressed JSON of the piece
	UNIQUE (piece_id, number)
);

-- Photos are kept by reference: an image stays in the library while a
-- revision or a trashed piece still shows it.
CREATE TABLE revision_images (
	revision_id INTEGER NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
	image_id    INTEGER NOT NULL REFERENCES images (id) ON DELETE RESTRICT,
	PRIMARY KEY (revision_id, image_id)
) WITHOUT ROWID;
CREATE INDEX revision_images_image ON revision_images (image_id);

-- The trash: deleted pieces, whole, for 30 days.
CREATE TABLE trash (
	id           INTEGER PRIMARY KEY,
	piece_id     INTEGER NOT NULL UNIQUE,  -- the ID it had, and gets back
	title        TEXT NOT NULL,
	slug         TEXT NOT NULL,
	deleted      TEXT NOT NULL,
	author       TEXT NOT NULL,
	related_from TEXT NOT NULL,            -- JSON array: the pieces that listed it as related
	data         BLOB NOT NULL             -- as revisions.data
);

CREATE TABLE trash_images (
	trash_id INTEGER NOT NULL REFERENCES trash (id) ON DELETE CASCADE,
	image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE RESTRICT,
	PRIMARY KEY (trash_id, image_id)
) WITHOUT ROWID;
CREATE INDEX trash_images_image ON trash_images (image_id);

-- Small facts about the library itself, such as when it was last backed up.
CREATE TABLE library_meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
