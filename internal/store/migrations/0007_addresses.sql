-- Every address a topic, type or person page was given on the published
-- site, kept so that it never changes nor passes to another page: adding
-- "Cafe" must not move "Café" from topics/cafe.html. kind is the site's
-- folder (topics, types, people), key the NameKey of the name the address
-- leads to now. A live address is that name's page; one that is not was
-- the page of a name since renamed or merged into this one, and the export
-- makes it a page that sends the reader on. An address is never removed,
-- so no other name ever takes it.
CREATE TABLE addresses (
	kind TEXT NOT NULL CHECK (kind IN ('topics', 'types', 'people')),
	slug TEXT NOT NULL CHECK (slug <> ''),
	key  TEXT NOT NULL,
	live INTEGER NOT NULL CHECK (live IN (0, 1)),
	PRIMARY KEY (kind, slug)
);
CREATE UNIQUE INDEX addresses_live ON addresses (kind, key) WHERE live;
