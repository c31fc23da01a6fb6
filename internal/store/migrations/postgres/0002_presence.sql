-- Who has which piece open on a team library: a row per desk. A row counts
-- only while its desk's connection holds the advisory lock (2, session_key):
-- the server lets go of it when that connection ends, however it ends (a
-- desk closed, crashed, or cut off), so presence never outlives a desk.
CREATE TABLE presence (
	session_key bigint PRIMARY KEY,
	who         text COLLATE "C" NOT NULL,
	piece_id    bigint,
	since       text COLLATE "C" NOT NULL
);

UPDATE galley_schema SET version = 2;
