-- Files of the site's own (a favicon, a logo, CNAME, _redirects, a
-- robots.txt) kept in the library, so every editor's export and the
-- command line's copy the same ones to the top of the site.
CREATE TABLE site_files (
	name TEXT PRIMARY KEY,
	data BLOB NOT NULL
);
