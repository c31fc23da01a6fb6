-- Every address a topic, type or person page was given on the published
-- site, as in a library file (migrations/0007_addresses.sql): kind is the
-- site's folder, key the NameKey of the name the address leads to now,
-- live whether it is that name's page or a former one that sends the
-- reader on. An address is never removed, so no other name takes it.
CREATE TABLE addresses (
	kind text COLLATE "C" NOT NULL CHECK (kind IN ('topics', 'types', 'people')),
	slug text COLLATE "C" NOT NULL CHECK (slug <> ''),
	key  text COLLATE "C" NOT NULL,
	live boolean NOT NULL,
	PRIMARY KEY (kind, slug)
);
CREATE UNIQUE INDEX addresses_live ON addresses (kind, key) WHERE live;

-- A team set up before this table gets what galley team init now grants
-- (roles.go): a writer's export gives new names their addresses, and a
-- rename moves them, a topic's only by an editor.
DO $$ BEGIN
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'galley_writer') THEN
		GRANT SELECT, INSERT, UPDATE ON addresses TO galley_writer;
		CREATE OR REPLACE FUNCTION galley_address_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
		BEGIN
			IF NEW.kind = 'topics' AND OLD.key IS DISTINCT FROM NEW.key AND NOT pg_has_role(current_user, 'galley_editor', 'MEMBER') THEN
				RAISE EXCEPTION 'only an editor may rename or merge topics (you are a writer)'
					USING ERRCODE = '42501';
			END IF;
			RETURN NEW;
		END $f$;
		CREATE TRIGGER galley_address_guard BEFORE UPDATE ON addresses
			FOR EACH ROW EXECUTE FUNCTION galley_address_guard();
	END IF;
END $$;

UPDATE galley_schema SET version = 4;
