package store

import (
	"context"
	"strings"
)

// The site's settings (its name, base URL, language, date style, templates
// folder, where it is published) live in the library, not in one user's
// preferences, so the command line and every editor's desk export and
// publish the same site, and a copy or backup of the library carries
// them. Each is a library_meta row keyed "site:" + its name; an empty
// value is unset (writers may insert and update library_meta but not
// delete from it, and on a team library only an editor may change these
// rows: see galley_site_guard).
const siteKeyPrefix = "site:"

// SiteSettings returns the settings set in the library, by name.
func (s *Store) SiteSettings(ctx context.Context) (map[string]string, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT key, value FROM library_meta WHERE key LIKE 'site:%'`)
	if err != nil {
		return nil, s.txError(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, s.txError(err)
		}
		if v != "" {
			out[strings.TrimPrefix(k, siteKeyPrefix)] = v
		}
	}
	return out, s.txError(rows.Err())
}

// SetSiteSettings sets the named settings in one transaction; an empty
// value unsets one. The names and values are the caller's to check.
func (s *Store) SetSiteSettings(ctx context.Context, settings map[string]string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for name, value := range settings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, siteKeyPrefix+name, value); err != nil {
			return s.txError(err)
		}
	}
	return s.commit(tx)
}
