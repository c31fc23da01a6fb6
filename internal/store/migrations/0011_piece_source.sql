-- Where an imported piece came from, as the system it came from names it
-- (galley.Piece.Source): a second import of the same archive finds the
-- piece by it, whatever its slug. One piece per source.
ALTER TABLE pieces ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX pieces_source ON pieces (source) WHERE source <> '';
