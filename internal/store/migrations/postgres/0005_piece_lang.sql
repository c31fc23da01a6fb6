-- The language a piece is written in when it is not the site's, as in a
-- library file (migrations/0008_piece_lang.sql).
ALTER TABLE pieces ADD COLUMN lang text COLLATE "C" NOT NULL DEFAULT '';

UPDATE galley_schema SET version = 5;
