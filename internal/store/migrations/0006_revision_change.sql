-- What started a revision when it was not the piece's own editor: an
-- import, a restore, a topic renamed or merged. '' is an editor's save.
-- Only an editor's consecutive saves gather into one revision; a change of
-- any other kind always starts one of its own, so the text before it is
-- never folded away.
ALTER TABLE revisions ADD COLUMN change TEXT NOT NULL DEFAULT '';
