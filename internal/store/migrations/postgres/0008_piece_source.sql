-- Where an imported piece came from, as in a library file
-- (migrations/0011_piece_source.sql).
ALTER TABLE pieces ADD COLUMN source text COLLATE "C" NOT NULL DEFAULT '';
CREATE UNIQUE INDEX pieces_source ON pieces (source) WHERE source <> '';

UPDATE galley_schema SET version = 8;
