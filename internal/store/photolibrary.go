package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"image/jpeg"
	"math"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

// ThumbnailSize is the longest side of the thumbnails kept in the library.
const ThumbnailSize = 240

// photoLibraryQuery lists images in use with the words of their most
// recent photo, newest first. %s is an optional condition on i.id.
const photoLibraryQuery = `
	SELECT i.sha256, i.mime, i.width, i.height, i.size, i.has_gps,
		ph.caption, ph.credit, ph.photographer, ph.alt, ph.decorative, ph.copyright, ph.date_created, ph.city, ph.country, ph.keywords,
		(SELECT count(*) FROM photos WHERE image_id = i.id)
	FROM images i JOIN photos ph ON ph.id = (SELECT max(id) FROM photos WHERE image_id = i.id)
	WHERE 1 = 1 %s
	ORDER BY ph.id DESC LIMIT ? OFFSET ?`

// matchCondition narrows the photo library to images whose photos' words
// match a search, typed as in the desk's search field.
const matchCondition = ` AND i.id IN (SELECT image_id FROM photos WHERE id IN (SELECT rowid FROM photo_search WHERE photo_search MATCH ?))`

// serverMatchCondition is matchCondition on a team library, whose photos
// carry their own search column.
const serverMatchCondition = ` AND i.id IN (SELECT image_id FROM photos WHERE search @@ galley_tsquery(?))`

// photoMatch is the library's condition for photos matching a search.
func (s *Store) photoMatch() string {
	if s.onServer() {
		return serverMatchCondition
	}
	return matchCondition
}

// PhotoLibrary lists the library's photos across all pieces, one entry per
// image (however many pieces use it), newest first: those whose caption,
// credit, photographer or alt text matches query, or all when it is empty.
func (s *Store) PhotoLibrary(ctx context.Context, query string, limit, offset int) ([]galley.LibraryPhoto, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cond, args := "", []any{}
	if m := MatchExpression(query); m != "" {
		cond, args = s.photoMatch(), append(args, m)
	}
	if limit <= 0 {
		limit = math.MaxInt // no limit, in a form every database takes
	}
	args = append(args, limit, offset)
	var list []galley.LibraryPhoto
	err = queryEach(ctx, tx, strings.Replace(photoLibraryQuery, "%s", cond, 1), args, func(r *sql.Rows) error {
		var lp galley.LibraryPhoto
		var keywords string
		ph := &lp.Photo
		err := r.Scan(&ph.Image.Hash, &ph.Image.MIME, &ph.Image.Width, &ph.Image.Height, &ph.Image.Size, &ph.Image.HasGPS,
			&ph.Caption, &ph.Credit, &ph.Photographer, &ph.Alt, &ph.Decorative, &ph.Copyright, &ph.DateCreated, &ph.City, &ph.Country, &keywords, &lp.Uses)
		ph.Keywords = splitKeywords(keywords)
		list = append(list, lp)
		return err
	})
	return list, s.txError(err)
}

// CountPhotoLibrary counts the images PhotoLibrary would list.
func (s *Store) CountPhotoLibrary(ctx context.Context, query string) (int, error) {
	q, args := `SELECT count(DISTINCT i.id) FROM images i WHERE i.id IN (SELECT image_id FROM photos)`, []any{}
	if m := MatchExpression(query); m != "" {
		q, args = q+s.photoMatch(), []any{m}
	}
	var n int
	err := s.rdb.QueryRowContext(ctx, s.dialect().rebind(q), args...).Scan(&n)
	return n, s.txError(err)
}

// PhotoUses lists the pieces that show the image, newest first.
func (s *Store) PhotoUses(ctx context.Context, hash string) ([]galley.PieceRef, error) {
	return s.pieceRefs(ctx, `
		SELECT DISTINCT p.id, p.slug, p.title FROM photos ph JOIN pieces p ON p.id = ph.piece_id
		JOIN images i ON i.id = ph.image_id WHERE i.sha256 = ? ORDER BY p.id DESC`, hash)
}

// Thumbnail returns a JPEG thumbnail of the image, at most ThumbnailSize
// pixels on its longest side and turned upright. It is made the first
// time it is asked for and kept in the library (when the library can be
// written), so a grid of thousands of photos decodes each one once.
func (s *Store) Thumbnail(ctx context.Context, hash string) ([]byte, error) {
	var data []byte
	err := s.rdb.QueryRowContext(ctx, s.dialect().rebind(`SELECT t.data FROM thumbnails t JOIN images i ON i.id = t.image_id WHERE i.sha256 = ?`), hash).Scan(&data)
	if err == nil {
		return data, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, s.txError(err)
	}
	full, err := s.ImageData(ctx, hash)
	if err != nil {
		return nil, err
	}
	img, err := photo.Thumbnail("The photo", full, ThumbnailSize)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 82}); err != nil {
		return nil, err
	}
	data = b.Bytes()
	// Keeping it is a convenience: a library that cannot be written still
	// shows its thumbnails, made afresh.
	// Nor does the grid wait for another program's long write to keep it.
	if tx, err := s.beginWrite(WithLockWait(ctx, 100*time.Millisecond)); err == nil {
		_, err := tx.ExecContext(ctx, `INSERT INTO thumbnails (image_id, data) VALUES ((SELECT id FROM images WHERE sha256 = ?), ?)
			ON CONFLICT (image_id) DO UPDATE SET data = excluded.data`, hash, data)
		if err == nil {
			_ = s.commit(tx)
		} else {
			tx.Rollback()
		}
	}
	return data, nil
}
