-- The addresses a piece had on the site it came from, as in a library
-- file (migrations/0010_piece_formerly.sql).
ALTER TABLE pieces ADD COLUMN formerly text COLLATE "C" NOT NULL DEFAULT '';

UPDATE galley_schema SET version = 7;
