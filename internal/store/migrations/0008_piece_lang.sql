-- The language a piece is written in when it is not the site's, as a
-- canonical BCP 47 tag (galley.ParseLang); '' for the site's.
ALTER TABLE pieces ADD COLUMN lang TEXT NOT NULL DEFAULT '';
