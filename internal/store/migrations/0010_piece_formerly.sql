-- The addresses a piece had on the site it came from (a WordPress
-- permalink), one per line: the export leaves a page at each that sends
-- readers on to the piece's own (galley.Piece.Formerly).
ALTER TABLE pieces ADD COLUMN formerly TEXT NOT NULL DEFAULT '';
