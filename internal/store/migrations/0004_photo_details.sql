-- What photo desks record about a picture beyond its caption and credit:
-- who took it, whose it is, when and where, and its keywords (one per
-- line). They fill from the file's own IPTC/XMP metadata when a photo is
-- added, and travel through bundles.
ALTER TABLE photos ADD COLUMN photographer TEXT NOT NULL DEFAULT '';
ALTER TABLE photos ADD COLUMN copyright    TEXT NOT NULL DEFAULT '';
ALTER TABLE photos ADD COLUMN date_created TEXT NOT NULL DEFAULT '';
ALTER TABLE photos ADD COLUMN city         TEXT NOT NULL DEFAULT '';
ALTER TABLE photos ADD COLUMN country      TEXT NOT NULL DEFAULT '';
ALTER TABLE photos ADD COLUMN keywords     TEXT NOT NULL DEFAULT '';

-- Whether the file carries a GPS position (which exports remove): a fact
-- about the bytes, so it lives with the image.
ALTER TABLE images ADD COLUMN has_gps INTEGER NOT NULL DEFAULT 0;
