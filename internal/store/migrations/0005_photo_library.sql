-- The photo library searches every photo's words. Triggers keep the index
-- in step with the photos table, whoever writes it (saves, imports,
-- restores, deletes cascading from pieces).
CREATE VIRTUAL TABLE photo_search USING fts5 (
	caption, credit, photographer, alt,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
INSERT INTO photo_search (rowid, caption, credit, photographer, alt)
	SELECT id, caption, credit, photographer, alt FROM photos;

CREATE TRIGGER photos_search_insert AFTER INSERT ON photos BEGIN
	INSERT INTO photo_search (rowid, caption, credit, photographer, alt)
	VALUES (new.id, new.caption, new.credit, new.photographer, new.alt);
END;
CREATE TRIGGER photos_search_delete AFTER DELETE ON photos BEGIN
	DELETE FROM photo_search WHERE rowid = old.id;
END;
CREATE TRIGGER photos_search_update AFTER UPDATE ON photos BEGIN
	DELETE FROM photo_search WHERE rowid = old.id;
	INSERT INTO photo_search (rowid, caption, credit, photographer, alt)
	VALUES (new.id, new.caption, new.credit, new.photographer, new.alt);
END;

-- Thumbnails, made once per image and kept: a grid of thousands of photos
-- must not decode thousands of full-size files every time it opens.
CREATE TABLE thumbnails (
	image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
	data     BLOB NOT NULL
);
