-- A search entry's words are galley_fold's words, no more and no fewer.
-- Until now galley_tsvector handed the folded text to to_tsvector, whose
-- parser has rules of its own for what is already split into words: it
-- drops a combining mark that starts a word and reads "0e9" in "0e9ก"
-- as a number in scientific notation, then the rest as another word. The
-- desk now folds a piece's words itself (the store's searchWords, the same
-- fold in Go, held to galley_fold by TestPostgresSchema) and the server
-- makes them a tsvector with array_to_tsvector; a photo's entry and what an
-- editor types are made here the same way, so a word is one thing
-- everywhere. Positions go: the search matches words and prefixes and
-- orders by date, not by rank.

CREATE OR REPLACE FUNCTION galley_tsvector(t text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
	-- Distinct words in the order they first appear; a word longer than a
	-- tsvector's lexeme may be (2,047 bytes) is left out, as to_tsvector
	-- left it out.
	words text[] := ARRAY(
		SELECT w FROM regexp_split_to_table(galley_fold(t), ' ') WITH ORDINALITY AS s (w, n)
		WHERE w <> '' AND octet_length(w) <= 2047
		GROUP BY w ORDER BY min(n));
	n integer := cardinality(words);
BEGIN
	-- A tsvector's words hold at most 1 MB together. Prose never comes
	-- near it, and is made at once: a block that catches an error costs a
	-- subtransaction, on every photo written. Words that overflow it
	-- (hostile input) are indexed as far as they fit.
	IF (SELECT coalesce(sum(octet_length(w)), 0) FROM unnest(words) AS w) < 1000000 THEN
		RETURN array_to_tsvector(words);
	END IF;
	LOOP
		BEGIN
			RETURN array_to_tsvector(words[1:n]);
		EXCEPTION WHEN program_limit_exceeded THEN
			n := n / 2;
		END;
	END LOOP;
END $$;

CREATE OR REPLACE FUNCTION galley_tsquery(typed text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	-- The words hold letters, digits and marks only: quote_literal gives
	-- each as 'word', which the tsquery's own syntax reads as it is.
	SELECT CASE WHEN count(*) > 0 THEN string_agg(quote_literal(w) || ':*', ' & ' ORDER BY n)::tsquery END
	FROM regexp_split_to_table(galley_fold(typed), ' ') WITH ORDINALITY AS words (w, n)
	WHERE w <> ''
$$;

-- The entries made the old way are made again: every photo's (its
-- generated column is computed anew when its row is written) and every
-- piece's, from the same text the store gathers (serverSearchText).
UPDATE photos SET caption = caption;
UPDATE pieces p SET search = galley_tsvector(concat_ws(' ', p.title, p.summary, p.body,
	(SELECT string_agg(question || ' ' || answer, ' ' ORDER BY position) FROM qa WHERE piece_id = p.id),
	(SELECT string_agg(caption || ' ' || credit || ' ' || alt || ' ' || photographer, ' ' ORDER BY position) FROM photos WHERE piece_id = p.id),
	(SELECT string_agg(c.name, ' ' ORDER BY pc.position) FROM piece_contributors pc JOIN contributors c ON c.id = pc.contributor_id WHERE pc.piece_id = p.id),
	(SELECT string_agg(t.name, ' ' ORDER BY pt.position) FROM piece_topics pt JOIN topics t ON t.id = pt.topic_id WHERE pt.piece_id = p.id)))
WHERE p.search IS NOT NULL;

UPDATE galley_schema SET version = 3;
