package store

import (
	"context"
	"database/sql"
	"strings"

	"app.galley/galley/internal/galley"
)

// SiteFiles lists the site's own files, by name, without their bytes.
func (s *Store) SiteFiles(ctx context.Context) ([]galley.SiteFile, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return s.siteFiles(ctx, tx, false)
}

// SiteFiles reads the site's own files, bytes and all, as an export
// copies them.
func (sn *Snapshot) SiteFiles(ctx context.Context) ([]galley.SiteFile, error) {
	defer sn.lock()()
	return sn.s.siteFiles(ctx, sn.tx, true)
}

func (s *Store) siteFiles(ctx context.Context, tx *txn, withData bool) ([]galley.SiteFile, error) {
	q := `SELECT name, length(data), NULL FROM site_files ORDER BY name`
	if withData {
		q = `SELECT name, length(data), data FROM site_files ORDER BY name`
	}
	var list []galley.SiteFile
	err := queryEach(ctx, tx, q, nil, func(r *sql.Rows) error {
		var f galley.SiteFile
		err := r.Scan(&f.Name, &f.Size, &f.Data)
		list = append(list, f)
		return err
	})
	return list, s.txError(err)
}

// PutSiteFile keeps data as the site file name, in place of one of that
// name (whatever its case: hosts differ on whether CNAME is cname).
func (s *Store) PutSiteFile(ctx context.Context, name string, data []byte) error {
	if err := galley.CheckSiteFile(name, int64(len(data))); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM site_files WHERE lower(name) = ?`, strings.ToLower(name)); err != nil {
		return s.txError(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO site_files (name, data) VALUES (?, ?)`, name, data); err != nil {
		return s.txError(err)
	}
	return s.commit(tx)
}

// RemoveSiteFile takes the site file name (whatever its case, as
// PutSiteFile replaces it) out of the library; the next export removes
// it from the site.
func (s *Store) RemoveSiteFile(ctx context.Context, name string) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM site_files WHERE lower(name) = ?`, strings.ToLower(name))
	if err != nil {
		return s.txError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return galley.Errorf(galley.ENotFound, "The library has no site file named %s.", name)
	}
	return s.commit(tx)
}
