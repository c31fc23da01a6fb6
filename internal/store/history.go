package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/user"
	"slices"
	"sync"
	"time"

	"app.galley/galley/internal/galley"
)

// DefaultRevisionWindow is how long saves keep gathering into the same
// revision: autosave writes every few seconds while an editor types, and a
// history of every pause would bury the versions worth going back to.
const DefaultRevisionWindow = 10 * time.Minute

// pieceDoc is a piece as a revision or the trash keeps it: everything an
// editor wrote, photos by their image's hash, related pieces by ID.
type pieceDoc struct {
	Title        string       `json:"title"`
	Slug         string       `json:"slug"`
	Type         string       `json:"type,omitempty"`
	Status       string       `json:"status"`
	Published    string       `json:"published,omitempty"`
	Summary      string       `json:"summary,omitempty"`
	Body         string       `json:"body,omitempty"`
	Lang         string       `json:"lang,omitempty"`
	Formerly     []string     `json:"formerly,omitempty"`
	Source       string       `json:"source,omitempty"`
	Contributors []personDoc  `json:"contributors,omitempty"`
	Topics       []string     `json:"topics,omitempty"`
	QA           []galley.QA  `json:"qa,omitempty"`
	Photos       []photoDoc   `json:"photos,omitempty"`
	Related      []relatedDoc `json:"related,omitempty"`
	Created      string       `json:"created,omitempty"`
}

type personDoc struct {
	Name string `json:"name"`
	Role string `json:"role,omitempty"`
}

type photoDoc struct {
	Hash         string   `json:"hash"`
	Alt          string   `json:"alt,omitempty"`
	Decorative   bool     `json:"decorative,omitempty"`
	Caption      string   `json:"caption,omitempty"`
	Credit       string   `json:"credit,omitempty"`
	Lead         bool     `json:"lead,omitempty"`
	Photographer string   `json:"photographer,omitempty"`
	Copyright    string   `json:"copyright,omitempty"`
	DateCreated  string   `json:"date_created,omitempty"`
	City         string   `json:"city,omitempty"`
	Country      string   `json:"country,omitempty"`
	Keywords     []string `json:"keywords,omitempty"`
}

type relatedDoc struct {
	ID    int64  `json:"id"`
	Title string `json:"title"` // as it was, for a related piece since deleted
}

func docOf(p *galley.Piece) pieceDoc {
	d := pieceDoc{
		Title: p.Title, Slug: p.Slug, Type: p.Type, Status: string(p.Status), Published: p.Published.String(),
		Summary: p.Summary, Body: p.Body, Lang: p.Lang, Formerly: p.Formerly, Source: p.Source, Topics: p.Topics, QA: p.QA,
	}
	if !p.Created.IsZero() {
		d.Created = formatTime(p.Created)
	}
	for _, c := range p.Contributors {
		d.Contributors = append(d.Contributors, personDoc{Name: c.Name, Role: c.Role})
	}
	for _, ph := range p.Photos {
		d.Photos = append(d.Photos, photoDoc{Hash: ph.Image.Hash, Alt: ph.Alt, Decorative: ph.Decorative, Caption: ph.Caption, Credit: ph.Credit, Lead: ph.Lead,
			Photographer: ph.Photographer, Copyright: ph.Copyright, DateCreated: ph.DateCreated, City: ph.City, Country: ph.Country, Keywords: ph.Keywords})
	}
	for _, r := range p.Related {
		d.Related = append(d.Related, relatedDoc{ID: r.ID, Title: r.Title})
	}
	return d
}

// piece turns the document back into a piece (without ID and version).
// Photos carry only their image's hash; the store fills in the rest.
func (d pieceDoc) piece() (*galley.Piece, error) {
	p := &galley.Piece{
		Title: d.Title, Slug: d.Slug, Type: d.Type, Status: galley.Status(d.Status),
		Summary: d.Summary, Body: d.Body, Lang: d.Lang, Formerly: d.Formerly, Source: d.Source, Topics: d.Topics, QA: d.QA,
	}
	var err error
	if p.Published, err = galley.ParseDate(d.Published); err != nil {
		return nil, err
	}
	if d.Created != "" {
		if p.Created, err = parseTime(d.Created); err != nil {
			return nil, err
		}
	}
	for _, c := range d.Contributors {
		p.Contributors = append(p.Contributors, galley.Contributor{Name: c.Name, Role: c.Role})
	}
	for _, ph := range d.Photos {
		p.Photos = append(p.Photos, galley.Photo{Image: galley.Image{Hash: ph.Hash}, Alt: ph.Alt, Decorative: ph.Decorative,
			Caption: ph.Caption, Credit: ph.Credit, Lead: ph.Lead,
			Photographer: ph.Photographer, Copyright: ph.Copyright, DateCreated: ph.DateCreated, City: ph.City, Country: ph.Country, Keywords: ph.Keywords})
	}
	for _, r := range d.Related {
		p.Related = append(p.Related, galley.PieceRef{ID: r.ID, Title: r.Title})
	}
	return p, nil
}

// docJSON returns the document's JSON and the digest of it.
func docJSON(d pieceDoc) (raw, digest []byte, err error) {
	raw, err = json.Marshal(d)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(raw)
	return raw, sum[:], nil
}

// encodeDoc returns the compressed document and the digest of its content.
func encodeDoc(d pieceDoc) (data, digest []byte, err error) {
	raw, digest, err := docJSON(d)
	if err != nil {
		return nil, nil, err
	}
	data, err = compress(raw)
	return data, digest, err
}

// gzipWriters keeps compressors for reuse: a new one allocates about a
// megabyte of state, which cost more than everything else a revision does
// when a rename or an import records thousands at once.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// compress gzips a document. Prose compresses about fourfold even at the
// fastest level, which keeps a save that records a revision quick.
func compress(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&b)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func decodeDoc(data []byte) (pieceDoc, error) {
	var d pieceDoc
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return d, galley.Errorf(galley.EInternal, "A saved version of the piece is damaged (%v).", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil {
		return d, galley.Errorf(galley.EInternal, "A saved version of the piece is damaged (%v).", err)
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return d, galley.Errorf(galley.EInternal, "A saved version of the piece is damaged (%v).", err)
	}
	return d, nil
}

// currentUser names who saves: the operating system's user name.
func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "unknown"
}

// Changes that start a revision of their own, in the words History shows.
// An editor's own saves carry no change ("").
const (
	ChangeImport          = "import"
	ChangeRevisionRestore = "revision restored"
	ChangeTopicRenamed    = "topic renamed"
	ChangeTopicsMerged    = "topics merged"
	ChangeTopicDeleted    = "topic deleted"
	ChangeContributor     = "contributor changed"
	ChangeTrashRestore    = "restored from the trash"
)

// recordRevision keeps the piece as it now stands in the library, as an
// editor's save (force false) or as a restore (force true).
func (s *Store) recordRevision(ctx context.Context, tx *txn, id int64, now time.Time, force bool) error {
	change := ""
	if force {
		change = ChangeRevisionRestore
	}
	return s.recordChange(ctx, tx, id, now, change)
}

// recordChange keeps the piece as it now stands in the library, after a
// change an editor did not type into it when change is not "" (an
// import, a topic renamed).
func (s *Store) recordChange(ctx context.Context, tx *txn, id int64, now time.Time, change string) error {
	p, err := s.loadPiece(ctx, tx, id)
	if err != nil {
		return err
	}
	return s.recordRevisionOf(ctx, tx, p, now, change)
}

// recordRevisionOf keeps p, as the transaction stored it, in its history
// (a save has it in hand; reading it back would cost as much as the rest
// of the save).
//
// An editor's save (change "") that changes nothing keeps nothing. One
// that follows straight on from the latest revision — by the same person,
// with the same status, within the revision window, that revision itself
// an editor's save and the piece not changed in between — is folded into
// it: the consecutive autosaves of one sitting are one step of history.
// Anything else starts a new revision, so the text before an import, a
// restore or a rename is never folded away.
func (s *Store) recordRevisionOf(ctx context.Context, tx *txn, p *galley.Piece, now time.Time, change string) error {
	id := p.ID
	tx.touched(id)
	raw, digest, err := docJSON(docOf(p))
	if err != nil {
		return err
	}
	var (
		revID, number, version      int64
		started, author, lastChange string
		status                      string
		lastDigest                  []byte
	)
	err = tx.QueryRowContext(ctx, `
		SELECT id, number, started, author, status, version, change, digest FROM revisions
		WHERE piece_id = ? ORDER BY number DESC LIMIT 1`, id).
		Scan(&revID, &number, &started, &author, &status, &version, &lastChange, &lastDigest)
	hasLatest := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s.txError(err)
	}
	if hasLatest && bytes.Equal(lastDigest, digest) && change == "" {
		// Nothing to keep; the revision still follows the piece, so the
		// next save of this sitting gathers into it.
		if version == p.Version-1 && lastChange == "" && author == s.Author {
			if _, err := tx.ExecContext(ctx, `UPDATE revisions SET version = ? WHERE id = ?`, p.Version, revID); err != nil {
				return s.txError(err)
			}
		}
		return nil
	}
	data, err := compress(raw)
	if err != nil {
		return err
	}
	stamp := formatTime(now)
	if hasLatest && change == "" && lastChange == "" && version == p.Version-1 && author == s.Author && status == string(p.Status) {
		if t, err := parseTime(started); err == nil && now.Sub(t) < s.RevisionWindow {
			_, err := tx.ExecContext(ctx, `UPDATE revisions SET saved = ?, version = ?, digest = ?, data = ? WHERE id = ?`,
				stamp, p.Version, digest, data, revID)
			if err != nil {
				return s.txError(err)
			}
			return s.keepRevisionImages(ctx, tx, revID, p)
		}
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO revisions (piece_id, number, started, saved, author, status, version, change, digest, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		id, number+1, stamp, stamp, s.Author, string(p.Status), p.Version, change, digest, data).Scan(&revID)
	if err != nil {
		return s.txError(err)
	}
	return s.keepRevisionImages(ctx, tx, revID, p)
}

// keepRevisionImages records which images the revision shows, so they stay
// in the library as long as it does: three statements, however many
// photos (an autosave folding into its revision changes none of them).
func (s *Store) keepRevisionImages(ctx context.Context, tx *txn, revID int64, p *galley.Piece) error {
	hashes := []any{}
	for _, ph := range p.Photos {
		if !slices.Contains(hashes, any(ph.Image.Hash)) {
			hashes = append(hashes, ph.Image.Hash)
		}
	}
	shown := `SELECT id FROM images WHERE sha256 IN (` + marks(len(hashes)) + `)`
	if len(hashes) == 0 {
		shown = `SELECT id FROM images WHERE 1 = 0`
	}
	var gone []int64
	err := queryEach(ctx, tx, `DELETE FROM revision_images WHERE revision_id = ? AND image_id NOT IN (`+shown+`) RETURNING image_id`,
		append([]any{revID}, hashes...), func(r *sql.Rows) error {
			var id int64
			err := r.Scan(&id)
			gone = append(gone, id)
			return err
		})
	if err != nil {
		return s.txError(err)
	}
	if len(hashes) > 0 {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO revision_images (revision_id, image_id)
			SELECT CAST(? AS BIGINT), id FROM images WHERE sha256 IN (`+marks(len(hashes))+`)
			ON CONFLICT DO NOTHING`, append([]any{revID}, hashes...)...)
		if err != nil {
			return s.txError(err)
		}
	}
	return s.dropUnusedImages(ctx, tx, gone)
}

// Revisions lists the piece's revisions, newest first.
func (s *Store) Revisions(ctx context.Context, pieceID int64) ([]galley.Revision, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var list []galley.Revision
	err = queryEach(ctx, tx, `
		SELECT number, started, saved, author, status, version, change FROM revisions
		WHERE piece_id = ? ORDER BY number DESC`, []any{pieceID}, func(r *sql.Rows) error {
		var rev galley.Revision
		var started, saved, status string
		if err := r.Scan(&rev.Number, &started, &saved, &rev.Author, &status, &rev.Version, &rev.Change); err != nil {
			return err
		}
		rev.Status = galley.Status(status)
		var err error
		if rev.Started, err = parseTime(started); err != nil {
			return err
		}
		rev.Saved, err = parseTime(saved)
		list = append(list, rev)
		return err
	})
	return list, s.txError(err)
}

// RevisionPiece returns the piece as revision number of it stood: every
// field, the Q&A, the photos (their images are kept while the revision
// is) and the related list. Its ID is the piece's; its Version is the one
// the revision recorded.
func (s *Store) RevisionPiece(ctx context.Context, pieceID int64, number int) (*galley.Piece, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return s.revisionPiece(ctx, tx, pieceID, number)
}

func (s *Store) revisionPiece(ctx context.Context, tx *txn, pieceID int64, number int) (*galley.Piece, error) {
	var data []byte
	var version int64
	err := tx.QueryRowContext(ctx, `SELECT data, version FROM revisions WHERE piece_id = ? AND number = ?`, pieceID, number).Scan(&data, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, galley.Errorf(galley.ENotFound, "The piece has no revision %d.", number)
	}
	if err != nil {
		return nil, s.txError(err)
	}
	p, err := s.docPiece(ctx, tx, data, pieceID)
	if err != nil {
		return nil, err
	}
	p.Version = version
	return p, nil
}

// docPiece turns a kept document (a revision's or the trash's) back into
// the piece with the given ID, its photos completed from the stored images.
func (s *Store) docPiece(ctx context.Context, tx *txn, data []byte, id int64) (*galley.Piece, error) {
	doc, err := decodeDoc(data)
	if err != nil {
		return nil, err
	}
	p, err := doc.piece()
	if err != nil {
		return nil, err
	}
	p.ID = id
	return p, s.fillImages(ctx, tx, p)
}

// readyToRestore makes a kept piece fit to be stored again: related
// pieces deleted since are left out, a slug another piece has taken since
// is given up for a new one, and the rules of a piece still hold.
func (s *Store) readyToRestore(ctx context.Context, tx *txn, p *galley.Piece) error {
	p.Related = s.existingRelated(ctx, tx, p.Related)
	if err := s.slugFree(ctx, tx, p); err != nil {
		return err
	}
	if err := s.sourceFree(ctx, tx, p); err != nil {
		return err
	}
	return p.Validate()
}

// fillImages completes photos known by hash with their stored image.
func (s *Store) fillImages(ctx context.Context, tx *txn, p *galley.Piece) error {
	for i := range p.Photos {
		im := &p.Photos[i].Image
		err := tx.QueryRowContext(ctx, `SELECT mime, width, height, size, has_gps FROM images WHERE sha256 = ?`, im.Hash).
			Scan(&im.MIME, &im.Width, &im.Height, &im.Size, &im.HasGPS)
		if errors.Is(err, sql.ErrNoRows) {
			return galley.Errorf(galley.EInternal, "Photo %d of this version is missing from the library.", i+1)
		}
		if err != nil {
			return s.txError(err)
		}
	}
	return nil
}

// RestoreRevision makes revision number's words the piece's current
// content — its status, publication date and slug stay as they are — as
// a save would: the piece gets a new version and the restore becomes a new
// revision of its own, so the content it replaces stays in the history.
// Related pieces deleted since are left out. It returns the piece as now
// stored.
func (s *Store) RestoreRevision(ctx context.Context, pieceID int64, number int) (*galley.Piece, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	current, err := s.loadPiece(ctx, tx, pieceID)
	if err != nil {
		return nil, err
	}
	old, err := s.revisionPiece(ctx, tx, pieceID, number)
	if err != nil {
		return nil, err
	}
	old.ID, old.Version, old.Created = pieceID, current.Version, current.Created
	// A restore brings back the words, not where the piece stands: a
	// published piece stays published, on its date and at its address
	// (an older revision may have been a draft, under another slug).
	old.Status, old.Published, old.Slug = current.Status, current.Published, current.Slug
	// Nor where it came from and the addresses it had there, which
	// belong to the piece, not to one version of its words.
	old.Source, old.Formerly = current.Source, current.Formerly
	if err := s.readyToRestore(ctx, tx, old); err != nil {
		return nil, err
	}
	now := s.now()
	old.Updated = now
	if err := s.overwritePiece(ctx, tx, old, fromEditor); err != nil {
		return nil, err
	}
	if err := s.recordRevision(ctx, tx, pieceID, now, true); err != nil {
		return nil, err
	}
	restored, err := s.loadPiece(ctx, tx, pieceID)
	if err != nil {
		return nil, err
	}
	return restored, s.commit(tx)
}

// existingRelated keeps the related pieces still in the library.
func (s *Store) existingRelated(ctx context.Context, tx *txn, refs []galley.PieceRef) []galley.PieceRef {
	var out []galley.PieceRef
	for _, r := range refs {
		var one int
		if tx.QueryRowContext(ctx, `SELECT 1 FROM pieces WHERE id = ?`, r.ID).Scan(&one) == nil {
			out = append(out, galley.PieceRef{ID: r.ID})
		}
	}
	return out
}

// sourceFree lets go of p's source (and its former addresses) when
// another piece has it since: an archive imported again while p was in
// the trash made that one the source's piece, and one source has one
// piece.
func (s *Store) sourceFree(ctx context.Context, tx *txn, p *galley.Piece) error {
	if p.Source == "" {
		return nil
	}
	var other int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM pieces WHERE source = ? AND id <> ?`, p.Source, p.ID).Scan(&other)
	if err == nil {
		p.Source, p.Formerly = "", nil
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return s.txError(err)
}

// slugFree lets the library derive a new slug when another piece has
// taken p's since.
func (s *Store) slugFree(ctx context.Context, tx *txn, p *galley.Piece) error {
	var other int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM pieces WHERE slug = ? AND id <> ?`, p.Slug, p.ID).Scan(&other)
	if err == nil {
		p.Slug = ""
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return s.txError(err)
}

// nextPieceID numbers a new piece past every ID the library has used, in
// pieces, revisions or the trash, so a new piece never inherits the
// history of a deleted one — and past every ID the library had before its
// last restore (id_floor), so a desk still holding a piece the restore
// took away can never save it over a new piece of the same number.
func (s *Store) nextPieceID(ctx context.Context, tx *txn) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `
		SELECT max(n) + 1 FROM (
			SELECT coalesce(max(id), 0) AS n FROM pieces
			UNION ALL SELECT coalesce(max(piece_id), 0) FROM revisions
			UNION ALL SELECT coalesce(max(piece_id), 0) FROM trash
			UNION ALL SELECT coalesce((SELECT CAST(value AS BIGINT) FROM library_meta WHERE key = 'id_floor'), 0)) ids`).Scan(&id)
	return id, s.txError(err)
}

// RevisionPolicy says which old revisions are kept when the history is
// thinned: every revision younger than KeepAll, then the last of each day
// until Daily, then the last of each week. A piece's newest revision is
// always kept.
type RevisionPolicy struct {
	KeepAll time.Duration
	Daily   time.Duration
}

// DefaultRevisionPolicy keeps everything for a week and daily revisions
// for 90 days.
var DefaultRevisionPolicy = RevisionPolicy{KeepAll: 7 * 24 * time.Hour, Daily: 90 * 24 * time.Hour}

// ThinRevisions removes the revisions the policy does not keep, across the
// library, and returns how many went. Images only those revisions showed
// go with them.
func (s *Store) ThinRevisions(ctx context.Context, policy RevisionPolicy) (int, error) {
	if !s.may(ctx, "revisions", "DELETE") {
		return 0, nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	now := s.now()
	type rev struct {
		id, piece int64
		saved     time.Time
	}
	var candidates []rev
	// Only revisions older than KeepAll are candidates; newest first per
	// piece, so the first seen in a day or week is the one kept.
	err = queryEach(ctx, tx, `
		SELECT id, piece_id, saved FROM revisions r
		WHERE saved < ? AND number < (SELECT max(number) FROM revisions WHERE piece_id = r.piece_id)
		ORDER BY piece_id, saved DESC`, []any{formatTime(now.Add(-policy.KeepAll))}, func(r *sql.Rows) error {
		var v rev
		var saved string
		if err := r.Scan(&v.id, &v.piece, &saved); err != nil {
			return err
		}
		t, err := parseTime(saved)
		v.saved = t
		candidates = append(candidates, v)
		return err
	})
	if err != nil {
		return 0, s.txError(err)
	}
	kept := map[[2]int64]bool{} // piece, period
	var drop []int64
	for _, v := range candidates {
		var period int64
		if now.Sub(v.saved) < policy.Daily {
			period = v.saved.UTC().Truncate(24*time.Hour).Unix() / 86400
		} else {
			y, w := v.saved.UTC().ISOWeek()
			period = -int64(y*100 + w) // negative: never equal to a day number
		}
		key := [2]int64{v.piece, period}
		if kept[key] {
			drop = append(drop, v.id)
			continue
		}
		kept[key] = true
	}
	for _, id := range drop {
		var images []int64
		err := queryEach(ctx, tx, `SELECT image_id FROM revision_images WHERE revision_id = ?`, []any{id}, func(r *sql.Rows) error {
			var img int64
			err := r.Scan(&img)
			images = append(images, img)
			return err
		})
		if err != nil {
			return 0, s.txError(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM revisions WHERE id = ?`, id); err != nil {
			return 0, s.txError(err)
		}
		if err := s.dropUnusedImages(ctx, tx, images); err != nil {
			return 0, err
		}
	}
	return len(drop), s.commit(tx)
}
