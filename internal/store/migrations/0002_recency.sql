-- Related-content suggestions rank every piece sharing a topic (thousands
-- in a large archive) by publication date. Read from the pieces table,
-- each date costs a visit to the piece's row, which holds its whole text;
-- this small index answers "what is piece N's date" on its own, four times
-- faster on 100,000 pieces. The store names it in that query (INDEXED BY),
-- since SQLite would otherwise prefer the table's own key.
CREATE INDEX pieces_recency ON pieces (id, published);
