package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Millisecond) }

// formatTime writes an instant as the library keeps it (galley.StampLayout).
func formatTime(t time.Time) string { return t.UTC().Format(galley.StampLayout) }

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// SavePiece stores p: a new piece when p.ID is 0, else an update of the
// piece p.ID at version p.Version. On success p carries its ID, slug, new
// version and times, and its photos their stored images. On failure p is
// left as it was.
//
// An update over a version that changed since p was loaded fails with an
// EConflict error naming the piece: the editor's text is never silently
// overwritten, nor does it overwrite someone else's.
func (s *Store) SavePiece(ctx context.Context, p *galley.Piece) (err error) {
	defer func() { err = s.reach(err) }()
	if err := p.Validate(); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	saved := clonePiece(p)
	now := s.now()
	if saved.ID == 0 {
		saved.Created, saved.Updated = now, now
		err = s.createPiece(ctx, tx, saved, fromEditor)
	} else {
		err = s.updatePiece(ctx, tx, saved, now)
	}
	if err != nil {
		return err
	}
	if err := s.recordRevisionOf(ctx, tx, saved, now, ""); err != nil {
		return err
	}
	if err := s.commit(tx); err != nil {
		return err
	}
	*p = *saved
	return nil
}

// clonePiece copies p deeply enough that filling in IDs on the copy leaves
// the caller's slices alone.
func clonePiece(p *galley.Piece) *galley.Piece {
	c := *p
	c.Contributors = append([]galley.Contributor(nil), p.Contributors...)
	c.Topics = append([]string(nil), p.Topics...)
	c.QA = append([]galley.QA(nil), p.QA...)
	c.Photos = append([]galley.Photo(nil), p.Photos...)
	c.Related = append([]galley.PieceRef(nil), p.Related...)
	return &c
}

// origin says who a write comes from: an editor saving a piece, or an
// import, whose bundle speaks for shared details such as contributors' roles.
type origin int

const (
	fromEditor origin = iota
	fromImport
)

func (s *Store) createPiece(ctx context.Context, tx *txn, p *galley.Piece, from origin) error {
	if p.Status == "" {
		p.Status = galley.StatusDraft
	}
	if err := s.assignSlug(ctx, tx, p); err != nil {
		return err
	}
	typeID, err := s.typeID(ctx, tx, p.Type)
	if err != nil {
		return err
	}
	// A piece brought back from the trash keeps its ID (and so its
	// history); a new one is numbered past every ID ever used.
	if p.ID == 0 {
		if p.ID, err = s.nextPieceID(ctx, tx); err != nil {
			return err
		}
	}
	// A new piece starts at version 1; one brought back from the trash
	// past every version it had (the caller sets p.Version), so a desk
	// still holding an old one cannot save over it.
	p.Version = max(p.Version, 1)
	_, err = tx.ExecContext(ctx, `
		INSERT INTO pieces (id, slug, title, type_id, status, published, summary, body, lang, formerly, source, version, created, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Slug, p.Title, typeID, string(p.Status), nullDate(p.Published), p.Summary, p.Body, p.Lang, joinLines(p.Formerly), p.Source, p.Version,
		formatTime(p.Created), formatTime(p.Updated))
	if err != nil {
		return s.txError(err)
	}
	return s.writeParts(ctx, tx, p, from)
}

func (s *Store) updatePiece(ctx context.Context, tx *txn, p *galley.Piece, now time.Time) error {
	var version int64
	var title string
	err := tx.QueryRowContext(ctx, `SELECT version, title FROM pieces WHERE id = ?`, p.ID).Scan(&version, &title)
	if errors.Is(err, sql.ErrNoRows) {
		return galley.Errorf(galley.ENotFound, "%s no longer exists in the library (it was deleted elsewhere). Save it as a new piece to keep your text.", p.Name())
	}
	if err != nil {
		return s.txError(err)
	}
	if version != p.Version {
		return galley.Errorf(galley.EConflict, "“%s” was changed elsewhere since you opened it (it is now at version %d; you edited version %d). Reload it, or keep yours as a copy.", title, version, p.Version)
	}
	if p.Status == "" {
		p.Status = galley.StatusDraft
	}
	p.Updated = now
	return s.overwritePiece(ctx, tx, p, fromEditor)
}

// overwritePiece writes every field and part of p over the stored piece
// p.ID and bumps its version. The caller has decided that this is allowed.
func (s *Store) overwritePiece(ctx context.Context, tx *txn, p *galley.Piece, from origin) error {
	if err := s.assignSlug(ctx, tx, p); err != nil {
		return err
	}
	typeID, err := s.typeID(ctx, tx, p.Type)
	if err != nil {
		return err
	}
	row := tx.QueryRowContext(ctx, `
		UPDATE pieces SET slug = ?, title = ?, type_id = ?, status = ?, published = ?, summary = ?, body = ?, lang = ?, formerly = ?, source = ?,
			version = version + 1, updated = ?, created = coalesce(?, created)
		WHERE id = ?
		RETURNING version, created`,
		p.Slug, p.Title, typeID, string(p.Status), nullDate(p.Published), p.Summary, p.Body, p.Lang, joinLines(p.Formerly), p.Source,
		formatTime(p.Updated), nullTime(p.Created), p.ID)
	var created string
	if err := row.Scan(&p.Version, &created); err != nil {
		return s.txError(err)
	}
	if p.Created, err = parseTime(created); err != nil {
		return err
	}
	return s.writeParts(ctx, tx, p, from)
}

// assignSlug derives a free slug from the title when p has none, and
// refuses an explicit slug another piece already uses.
func (s *Store) assignSlug(ctx context.Context, tx *txn, p *galley.Piece) error {
	if p.Slug != "" {
		var other string
		err := tx.QueryRowContext(ctx, `SELECT title FROM pieces WHERE slug = ? AND id <> ?`, p.Slug, p.ID).Scan(&other)
		if err == nil {
			return galley.Errorf(galley.EConflict, "The slug %q is already used by “%s”; choose another.", p.Slug, other)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return nil
	}
	base := galley.Slugify(p.Title)
	for n := 1; ; n++ {
		candidate := galley.NumberedSlug(base, n)
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM pieces WHERE slug = ? AND id <> ?`, candidate, p.ID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			p.Slug = candidate
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// typeID finds the type named name, adding it to the managed list when it
// is new. The empty name is "no type".
func (s *Store) typeID(ctx context.Context, tx *txn, name string) (sql.NullInt64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return sql.NullInt64{}, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM types WHERE key = ?`, galley.NameKey(name)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `
			INSERT INTO types (name, key, position) VALUES (?, ?, (SELECT coalesce(max(position), 0) + 1 FROM types))
			RETURNING id`, name, galley.NameKey(name)).Scan(&id)
	}
	if err != nil {
		return sql.NullInt64{}, s.txError(err)
	}
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

// writeParts replaces the piece's byline, topics, Q&A, photos and related
// list with p's, then brings its search entry up to date.
func (s *Store) writeParts(ctx context.Context, tx *txn, p *galley.Piece, from origin) error {
	if err := s.writeContributors(ctx, tx, p, from); err != nil {
		return err
	}
	steps := []func(context.Context, *txn, *galley.Piece) error{
		s.writeTopics, s.writeQA, s.writePhotos, s.writeRelated,
	}
	for _, step := range steps {
		if err := step(ctx, tx, p); err != nil {
			return err
		}
	}
	if s.onServer() {
		// The piece is in hand: its words need not be read back.
		return s.setServerSearch(ctx, tx, p.ID, pieceWords(p))
	}
	return s.reindex(ctx, tx, p.ID)
}

func (s *Store) writeContributors(ctx context.Context, tx *txn, p *galley.Piece, from origin) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM piece_contributors WHERE piece_id = ?`, p.ID); err != nil {
		return s.txError(err)
	}
	if len(p.Contributors) == 0 {
		return nil
	}
	names := make([]string, len(p.Contributors))
	for i := range p.Contributors {
		p.Contributors[i].Name = strings.TrimSpace(p.Contributors[i].Name)
		names[i] = p.Contributors[i].Name
	}
	known, err := s.namedRows(ctx, tx, "contributors", names)
	if err != nil {
		return err
	}
	rows := make([][]any, len(p.Contributors))
	for i := range p.Contributors {
		c := &p.Contributors[i]
		if err := s.contributorID(ctx, tx, c, known, from == fromImport); err != nil {
			return err
		}
		rows[i] = []any{p.ID, i, c.ID}
	}
	return s.insertRows(ctx, tx, `piece_contributors (piece_id, position, contributor_id)`, rows)
}

// storedName is a contributor or topic as the library holds it.
type storedName struct {
	id         int64
	name, role string
}

// namedRows reads the rows of table (contributors or topics) whose names
// have the keys of names, in one statement, by key.
func (s *Store) namedRows(ctx context.Context, tx *txn, table string, names []string) (map[string]*storedName, error) {
	role := "''"
	if table == "contributors" {
		role = "role"
	}
	keys := make([]any, 0, len(names))
	for _, n := range names {
		if k := galley.NameKey(n); !slices.Contains(keys, any(k)) {
			keys = append(keys, k)
		}
	}
	known := map[string]*storedName{}
	query := `SELECT key, id, name, ` + role + ` FROM ` + table + ` WHERE key IN (` + marks(len(keys)) + `)`
	err := queryEach(ctx, tx, query, keys, func(r *sql.Rows) error {
		var key string
		var n storedName
		err := r.Scan(&key, &n.id, &n.name, &n.role)
		known[key] = &n
		return err
	})
	if err != nil {
		return nil, s.txError(err)
	}
	return known, nil
}

// contributorID finds (in known, the contributors the piece's byline
// names that the library holds) or adds the contributor c names and fills
// in its ID. A contributor is shared across pieces and the stored spelling
// of the name wins. The role is shared too, so saving one piece does not
// change it (a piece loaded before a role was edited would put the old
// role back): a piece's role is taken only for someone new, or without a
// role yet, or when an import says so (setRole).
func (s *Store) contributorID(ctx context.Context, tx *txn, c *galley.Contributor, known map[string]*storedName, setRole bool) error {
	role := strings.TrimSpace(c.Role)
	key := galley.NameKey(c.Name)
	stored, ok := known[key]
	var err error
	switch {
	case !ok:
		err = tx.QueryRowContext(ctx, `INSERT INTO contributors (name, key, role) VALUES (?, ?, ?) RETURNING id`,
			c.Name, key, role).Scan(&c.ID)
		c.Role = role
		known[key] = &storedName{id: c.ID, name: c.Name, role: role}
	case role != "" && role != stored.role && (stored.role == "" || setRole):
		c.ID, c.Name = stored.id, stored.name
		_, err = tx.ExecContext(ctx, `UPDATE contributors SET role = ? WHERE id = ?`, role, c.ID)
		c.Role, stored.role = role, role
	default:
		c.ID, c.Name, c.Role = stored.id, stored.name, stored.role
	}
	return s.txError(err)
}

func (s *Store) writeTopics(ctx context.Context, tx *txn, p *galley.Piece) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM piece_topics WHERE piece_id = ?`, p.ID); err != nil {
		return s.txError(err)
	}
	if len(p.Topics) == 0 {
		return nil
	}
	known, err := s.namedRows(ctx, tx, "topics", p.Topics)
	if err != nil {
		return err
	}
	rows := make([][]any, len(p.Topics))
	for i := range p.Topics {
		// A topic the library holds is stored in its spelling there.
		key := galley.NameKey(p.Topics[i])
		t, ok := known[key]
		if !ok {
			t = &storedName{name: strings.TrimSpace(p.Topics[i])}
			err := tx.QueryRowContext(ctx, `INSERT INTO topics (name, key) VALUES (?, ?) RETURNING id`, t.name, key).Scan(&t.id)
			if err != nil {
				return s.txError(err)
			}
			known[key] = t
		}
		p.Topics[i] = t.name
		rows[i] = []any{p.ID, i, t.id}
	}
	return s.insertRows(ctx, tx, `piece_topics (piece_id, position, topic_id)`, rows)
}

func (s *Store) writeQA(ctx context.Context, tx *txn, p *galley.Piece) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM qa WHERE piece_id = ?`, p.ID); err != nil {
		return s.txError(err)
	}
	if len(p.QA) == 0 {
		return nil
	}
	rows := make([][]any, len(p.QA))
	for i, qa := range p.QA {
		rows[i] = []any{p.ID, i, qa.Question, qa.Answer}
	}
	return s.insertRows(ctx, tx, `qa (piece_id, position, question, answer)`, rows)
}

// insertRows inserts rows into table (named with its columns) a hundred
// rows to a statement: on a team library every statement is a round trip
// to the server, and a long interview's answers one by one made a save
// take three times as long as its search entry.
func (s *Store) insertRows(ctx context.Context, tx *txn, table string, rows [][]any) error {
	const chunk = 100 // rows × columns stays far under SQLite's 32,766 parameters
	for len(rows) > 0 {
		n := min(len(rows), chunk)
		row := "(" + marks(len(rows[0])) + ")"
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " VALUES ")
		args := make([]any, 0, n*len(rows[0]))
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(row)
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return s.txError(err)
		}
		rows = rows[n:]
	}
	return nil
}

// writePhotos replaces the piece's photos. Photos that were already on the
// piece keep their IDs, and those unchanged are left as they are (an
// autosave of the text rewrites none); image bytes no photo uses any more
// are dropped. Each step is one statement for all the photos, however
// many: on a team library every statement is a round trip to the server.
func (s *Store) writePhotos(ctx context.Context, tx *txn, p *galley.Piece) error {
	old := map[int64]photoColumns{}
	err := queryEach(ctx, tx, `SELECT id, position, image_id, alt, decorative, caption, credit, lead,
		photographer, copyright, date_created, city, country, keywords FROM photos WHERE piece_id = ?`, []any{p.ID}, func(r *sql.Rows) error {
		var id int64
		var c photoColumns
		err := r.Scan(&id, &c.position, &c.imageID, &c.alt, &c.decorative, &c.caption, &c.credit, &c.lead,
			&c.photographer, &c.copyright, &c.dateCreated, &c.city, &c.country, &c.keywords)
		old[id] = c
		return err
	})
	if err != nil {
		return s.txError(err)
	}
	imageIDs, err := s.imagesFor(ctx, tx, p.Photos)
	if err != nil {
		return err
	}
	unchanged := map[int64]bool{}
	for i := range p.Photos {
		ph := &p.Photos[i]
		if c, ok := old[ph.ID]; ok && c == columnsOf(i, imageIDs[i], ph) {
			unchanged[ph.ID] = true
		}
	}
	var gone []any
	var goneImages []int64
	for id, c := range old {
		if !unchanged[id] {
			gone = append(gone, id)
			goneImages = append(goneImages, c.imageID)
		}
	}
	for chunk := range slices.Chunk(gone, 500) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM photos WHERE id IN (`+marks(len(chunk))+`)`, chunk...); err != nil {
			return s.txError(err)
		}
	}
	// Kept photos that changed go back in first, with their IDs, all in
	// one statement: a new photo placed before one of them would otherwise
	// be handed that ID (SQLite numbers from the highest ID left) and the
	// kept photo's insert would clash.
	var kept [][]any
	for i := range p.Photos {
		ph := &p.Photos[i]
		if _, ok := old[ph.ID]; ok && !unchanged[ph.ID] {
			kept = append(kept, append([]any{ph.ID, p.ID}, columnsOf(i, imageIDs[i], ph).args()...))
		}
	}
	if len(kept) > 0 {
		err := s.insertRows(ctx, tx, `photos (id, piece_id, position, image_id, alt, decorative, caption, credit, lead,
			photographer, copyright, date_created, city, country, keywords)`, kept)
		if err != nil {
			return err
		}
	}
	for i := range p.Photos {
		ph := &p.Photos[i]
		if _, ok := old[ph.ID]; ok {
			continue
		}
		// A new photo is numbered by the database (the column is left
		// out rather than given NULL, which a PostgreSQL identity column
		// refuses).
		err = tx.QueryRowContext(ctx, `
			INSERT INTO photos (piece_id, position, image_id, alt, decorative, caption, credit, lead,
				photographer, copyright, date_created, city, country, keywords)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			append([]any{p.ID}, columnsOf(i, imageIDs[i], ph).args()...)...).Scan(&ph.ID)
		if err != nil {
			return s.txError(err)
		}
	}
	// An image the piece still shows is not looked at again.
	goneImages = slices.DeleteFunc(goneImages, func(id int64) bool { return slices.Contains(imageIDs, id) })
	return s.dropUnusedImages(ctx, tx, goneImages)
}

// photoColumns are a stored photo's columns past its ID and piece.
type photoColumns struct {
	position                             int
	imageID                              int64
	alt                                  string
	decorative                           bool
	caption, credit                      string
	lead                                 bool
	photographer, copyright, dateCreated string
	city, country, keywords              string
}

// columnsOf is photo ph's columns at position i, showing image imageID.
func columnsOf(i int, imageID int64, ph *galley.Photo) photoColumns {
	return photoColumns{i, imageID, ph.Alt, ph.Decorative, ph.Caption, ph.Credit, ph.Lead,
		ph.Photographer, ph.Copyright, ph.DateCreated, ph.City, ph.Country, strings.Join(ph.Keywords, "\n")}
}

// args are c's values in the order of the photos table's columns.
func (c photoColumns) args() []any {
	return []any{c.position, c.imageID, c.alt, c.decorative, c.caption, c.credit, c.lead,
		c.photographer, c.copyright, c.dateCreated, c.city, c.country, c.keywords}
}

// imagesFor finds or stores the image of each photo and returns their row
// IDs, in order: new bytes are stored (once per distinct content), and the
// images photos already refer to are looked up together and filled in.
func (s *Store) imagesFor(ctx context.Context, tx *txn, photos []galley.Photo) ([]int64, error) {
	ids := make([]int64, len(photos))
	var hashes []any
	for i := range photos {
		if photos[i].Data == nil {
			hashes = append(hashes, photos[i].Image.Hash)
		}
	}
	stored := map[string]galley.Image{}
	rowIDs := map[string]int64{}
	for chunk := range slices.Chunk(hashes, 500) {
		err := queryEach(ctx, tx, `SELECT id, sha256, mime, width, height, size, has_gps FROM images WHERE sha256 IN (`+marks(len(chunk))+`)`, chunk,
			func(r *sql.Rows) error {
				var id int64
				var img galley.Image
				err := r.Scan(&id, &img.Hash, &img.MIME, &img.Width, &img.Height, &img.Size, &img.HasGPS)
				stored[img.Hash], rowIDs[img.Hash] = img, id
				return err
			})
		if err != nil {
			return nil, s.txError(err)
		}
	}
	for i := range photos {
		ph := &photos[i]
		if ph.Data != nil {
			id, err := s.storeImage(ctx, tx, ph, i)
			if err != nil {
				return nil, err
			}
			ids[i] = id
			continue
		}
		img, ok := stored[ph.Image.Hash]
		if !ok {
			return nil, galley.Errorf(galley.EInvalid, "Photo %d refers to an image that is not in the library; add the image file again.", i+1)
		}
		ph.Image.MIME, ph.Image.Width, ph.Image.Height, ph.Image.Size, ph.Image.HasGPS = img.MIME, img.Width, img.Height, img.Size, img.HasGPS
		ids[i] = rowIDs[ph.Image.Hash]
	}
	return ids, nil
}

// marks is n ? placeholders, comma-separated, for an IN list.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// storeImage stores a new photo's bytes (once per distinct content) and
// returns the image's row ID.
func (s *Store) storeImage(ctx context.Context, tx *txn, ph *galley.Photo, i int) (int64, error) {
	name := ph.Source
	if name == "" {
		name = fmt.Sprintf("Photo %d", i+1)
	}
	img, err := photo.Inspect(name, ph.Data)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `
		INSERT INTO images (sha256, mime, width, height, size, has_gps, data) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256
		RETURNING id`, img.Hash, img.MIME, img.Width, img.Height, img.Size, img.HasGPS, ph.Data).Scan(&id)
	if err != nil {
		return 0, s.txError(err)
	}
	ph.Image, ph.Data, ph.Source = img, nil, ""
	return id, nil
}

// dropUnusedImages drops those of the images ids that no photo, revision
// or trashed piece shows any more, a few hundred to a statement.
func (s *Store) dropUnusedImages(ctx context.Context, tx *txn, ids []int64) error {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for chunk := range slices.Chunk(ids, 500) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		_, err := tx.ExecContext(ctx, `
			DELETE FROM images WHERE id IN (`+marks(len(chunk))+`)
			AND NOT EXISTS (SELECT 1 FROM photos WHERE image_id = images.id)
			AND NOT EXISTS (SELECT 1 FROM revision_images WHERE image_id = images.id)
			AND NOT EXISTS (SELECT 1 FROM trash_images WHERE image_id = images.id)`, args...)
		if err != nil {
			return s.txError(err)
		}
	}
	return nil
}

func (s *Store) writeRelated(ctx context.Context, tx *txn, p *galley.Piece) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM related WHERE piece_id = ?`, p.ID); err != nil {
		return s.txError(err)
	}
	for i := range p.Related {
		r := &p.Related[i]
		var err error
		if r.ID != 0 {
			err = tx.QueryRowContext(ctx, `SELECT id, slug, title FROM pieces WHERE id = ?`, r.ID).Scan(&r.ID, &r.Slug, &r.Title)
		} else {
			err = tx.QueryRowContext(ctx, `SELECT id, slug, title FROM pieces WHERE slug = ?`, r.Slug).Scan(&r.ID, &r.Slug, &r.Title)
		}
		if errors.Is(err, sql.ErrNoRows) {
			what := r.Slug
			if what == "" {
				what = fmt.Sprintf("#%d", r.ID)
			}
			return galley.Errorf(galley.EInvalid, "%s lists the related publication %q, but no such piece is in the library or in the pieces being imported.", p.Name(), what)
		}
		if err != nil {
			return s.txError(err)
		}
		if r.ID == p.ID {
			return galley.Errorf(galley.EInvalid, "%s cannot be related to itself.", p.Name())
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO related (piece_id, position, related_id) VALUES (?, ?, ?)`, p.ID, i, r.ID)
		if err != nil {
			if isUniqueViolation(err) {
				return galley.Errorf(galley.EInvalid, "%s lists “%s” twice among its related publications.", p.Name(), r.Title)
			}
			return s.txError(err)
		}
	}
	return nil
}

// reindex rebuilds the piece's full-text entry from what is stored, inside
// the caller's transaction, so search never disagrees with the library.
// The entry's rowid follows the piece's place in the newest-first order,
// so it moves when the piece's date changes.
func (s *Store) reindex(ctx context.Context, tx *txn, id int64) error {
	if s.onServer() {
		return s.reindexServer(ctx, tx, id)
	}
	if err := s.unindex(ctx, tx, id); err != nil {
		return err
	}
	var key int64
	err := tx.QueryRowContext(ctx, `SELECT `+searchKey+` FROM pieces WHERE id = ?`, id).Scan(&key)
	if err != nil {
		return s.txError(err)
	}
	_, err = tx.ExecContext(ctx, fileSearchInsert("?", "p.id = ?"), key, id)
	if err != nil {
		return s.txError(err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE pieces SET search_rowid = ? WHERE id = ?`, key, id)
	return s.txError(err)
}

// fileSearchInsert fills a library file's search entries for the pieces
// where says (p is the piece), under the rowid key gives: everything an
// editor might remember of a piece — title, summary, body, Q&A, photos'
// words, people, topics.
func fileSearchInsert(key, where string) string {
	return `INSERT INTO piece_search (rowid, title, summary, body, qa, photos, people, topics)
		SELECT ` + key + `, p.title, p.summary, p.body,
			(SELECT group_concat(question || ' ' || answer, ' ') FROM qa WHERE piece_id = p.id),
			(SELECT group_concat(caption || ' ' || credit || ' ' || alt || ' ' || photographer, ' ') FROM photos WHERE piece_id = p.id),
			(SELECT group_concat(c.name, ' ') FROM piece_contributors pc JOIN contributors c ON c.id = pc.contributor_id WHERE pc.piece_id = p.id),
			(SELECT group_concat(t.name, ' ') FROM piece_topics pt JOIN topics t ON t.id = pt.topic_id WHERE pt.piece_id = p.id)
		FROM pieces p WHERE ` + where
}

// searchKey computes a piece's search rowid: days since 1970 of its sort
// day, times 2^32, plus its ID. Ordering by it is ordering by (sort_day
// DESC, id DESC); the low 32 bits give the ID back.
const searchKey = `(unixepoch(sort_day) / 86400) * 4294967296 + id`

// unindex removes the piece's full-text entry, if it has one.
func (s *Store) unindex(ctx context.Context, tx *txn, id int64) error {
	if s.onServer() {
		_, err := tx.ExecContext(ctx, `UPDATE pieces SET search = NULL, search_rowid = NULL WHERE id = ?`, id)
		return s.txError(err)
	}
	var old sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT search_rowid FROM pieces WHERE id = ?`, id).Scan(&old); err != nil {
		return s.txError(err)
	}
	if !old.Valid {
		return nil
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM piece_search WHERE rowid = ?`, old.Int64)
	return s.txError(err)
}

func nullDate(d galley.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

// Piece loads the piece with the given ID, with everything that hangs off
// it except image bytes (see ImageData).
func (s *Store) Piece(ctx context.Context, id int64) (_ *galley.Piece, err error) {
	defer func() { err = s.reach(err) }()
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return s.loadPiece(ctx, tx, id)
}

// PieceBySlug loads the piece with the given slug.
func (s *Store) PieceBySlug(ctx context.Context, slug string) (_ *galley.Piece, err error) {
	defer func() { err = s.reach(err) }()
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	id, err := s.idForSlug(ctx, tx, slug)
	if err != nil {
		return nil, err
	}
	return s.loadPiece(ctx, tx, id)
}

func (s *Store) idForSlug(ctx context.Context, tx *txn, slug string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM pieces WHERE slug = ?`, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, galley.Errorf(galley.ENotFound, "No piece has the slug %q.", slug)
	}
	return id, s.txError(err)
}

func (s *Store) loadPiece(ctx context.Context, tx *txn, id int64) (*galley.Piece, error) {
	p := &galley.Piece{ID: id}
	var typeName, published sql.NullString
	var status, created, updated, formerly string
	err := tx.QueryRowContext(ctx, `
		SELECT p.slug, p.title, t.name, p.status, p.published, p.summary, p.body, p.lang, p.formerly, p.source, p.version, p.created, p.updated
		FROM pieces p LEFT JOIN types t ON t.id = p.type_id WHERE p.id = ?`, id).
		Scan(&p.Slug, &p.Title, &typeName, &status, &published, &p.Summary, &p.Body, &p.Lang, &formerly, &p.Source, &p.Version, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, galley.Errorf(galley.ENotFound, "Piece #%d is not in the library.", id)
	}
	if err != nil {
		return nil, s.txError(err)
	}
	p.Type, p.Status, p.Formerly = typeName.String, galley.Status(status), splitLines(formerly)
	if p.Published, err = galley.ParseDate(published.String); err != nil {
		return nil, err
	}
	if p.Created, err = parseTime(created); err != nil {
		return nil, err
	}
	if p.Updated, err = parseTime(updated); err != nil {
		return nil, err
	}
	if err := s.loadParts(ctx, tx, p); err != nil {
		return nil, fmt.Errorf("load piece %s: %w", p.Slug, err)
	}
	return p, nil
}

func (s *Store) loadParts(ctx context.Context, tx *txn, p *galley.Piece) error {
	err := queryEach(ctx, tx, `
		SELECT c.id, c.name, c.role FROM piece_contributors pc JOIN contributors c ON c.id = pc.contributor_id
		WHERE pc.piece_id = ? ORDER BY pc.position`, []any{p.ID}, func(r *sql.Rows) error {
		var c galley.Contributor
		err := r.Scan(&c.ID, &c.Name, &c.Role)
		p.Contributors = append(p.Contributors, c)
		return err
	})
	if err != nil {
		return err
	}
	err = queryEach(ctx, tx, `
		SELECT t.name FROM piece_topics pt JOIN topics t ON t.id = pt.topic_id
		WHERE pt.piece_id = ? ORDER BY pt.position`, []any{p.ID}, func(r *sql.Rows) error {
		var name string
		err := r.Scan(&name)
		p.Topics = append(p.Topics, name)
		return err
	})
	if err != nil {
		return err
	}
	err = queryEach(ctx, tx, `SELECT question, answer FROM qa WHERE piece_id = ? ORDER BY position`, []any{p.ID}, func(r *sql.Rows) error {
		var qa galley.QA
		err := r.Scan(&qa.Question, &qa.Answer)
		p.QA = append(p.QA, qa)
		return err
	})
	if err != nil {
		return err
	}
	err = queryEach(ctx, tx, `
		SELECT ph.id, i.sha256, i.mime, i.width, i.height, i.size, i.has_gps, ph.alt, ph.decorative, ph.caption, ph.credit, ph.lead,
			ph.photographer, ph.copyright, ph.date_created, ph.city, ph.country, ph.keywords
		FROM photos ph JOIN images i ON i.id = ph.image_id
		WHERE ph.piece_id = ? ORDER BY ph.position`, []any{p.ID}, func(r *sql.Rows) error {
		var ph galley.Photo
		var keywords string
		err := r.Scan(&ph.ID, &ph.Image.Hash, &ph.Image.MIME, &ph.Image.Width, &ph.Image.Height, &ph.Image.Size, &ph.Image.HasGPS,
			&ph.Alt, &ph.Decorative, &ph.Caption, &ph.Credit, &ph.Lead,
			&ph.Photographer, &ph.Copyright, &ph.DateCreated, &ph.City, &ph.Country, &keywords)
		ph.Keywords = splitKeywords(keywords)
		p.Photos = append(p.Photos, ph)
		return err
	})
	if err != nil {
		return err
	}
	return queryEach(ctx, tx, `
		SELECT o.id, o.slug, o.title FROM related r JOIN pieces o ON o.id = r.related_id
		WHERE r.piece_id = ? ORDER BY r.position`, []any{p.ID}, func(r *sql.Rows) error {
		var ref galley.PieceRef
		err := r.Scan(&ref.ID, &ref.Slug, &ref.Title)
		p.Related = append(p.Related, ref)
		return err
	})
}

// splitKeywords reads the keywords column (one keyword a line).
func splitKeywords(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// querier is what queries run on: a transaction or a pool.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryEach runs a query and calls fn for every row.
func queryEach(ctx context.Context, q querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DeletePiece moves the piece with the given ID to the trash, whole, and
// removes it from the library. Pieces that listed it as related lose it
// from their lists (and get a new version, so an editor holding one of
// them open does not quietly put the link back); they are returned so the
// caller can say so, and RestoreTrashed puts the links back.
func (s *Store) DeletePiece(ctx context.Context, id int64) (_ []galley.PieceRef, err error) {
	defer func() { err = s.reach(err) }()
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	var affected []galley.PieceRef
	err = queryEach(ctx, tx, `
		SELECT p.id, p.slug, p.title FROM related r JOIN pieces p ON p.id = r.piece_id
		WHERE r.related_id = ? ORDER BY p.title`, []any{id}, func(r *sql.Rows) error {
		var ref galley.PieceRef
		err := r.Scan(&ref.ID, &ref.Slug, &ref.Title)
		affected = append(affected, ref)
		return err
	})
	if err != nil {
		return nil, s.txError(err)
	}
	var images []int64
	err = queryEach(ctx, tx, `SELECT image_id FROM photos WHERE piece_id = ?`, []any{id}, func(r *sql.Rows) error {
		var img int64
		err := r.Scan(&img)
		images = append(images, img)
		return err
	})
	if err != nil {
		return nil, s.txError(err)
	}
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM pieces WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, galley.Errorf(galley.ENotFound, "Piece #%d is not in the library; it may have been deleted already.", id)
	}
	if err != nil {
		return nil, s.txError(err)
	}
	if err := s.trashPiece(ctx, tx, id, affected); err != nil {
		return nil, err
	}
	if err := s.unindex(ctx, tx, id); err != nil {
		return nil, err
	}
	tx.touched(id)
	if _, err := tx.ExecContext(ctx, `DELETE FROM pieces WHERE id = ?`, id); err != nil {
		return nil, s.txError(err)
	}
	if err := s.dropUnusedImages(ctx, tx, images); err != nil {
		return nil, err
	}
	now := formatTime(s.now())
	for _, ref := range affected {
		if _, err := tx.ExecContext(ctx, `UPDATE pieces SET version = version + 1, updated = ? WHERE id = ?`, now, ref.ID); err != nil {
			return nil, s.txError(err)
		}
	}
	return affected, s.commit(tx)
}

// ImageData returns the bytes of the stored image with the given hash.
func (s *Store) ImageData(ctx context.Context, hash string) (_ []byte, err error) {
	defer func() { err = s.reach(err) }()
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return s.imageData(ctx, tx, hash)
}

func (s *Store) imageData(ctx context.Context, tx *txn, hash string) ([]byte, error) {
	var data []byte
	err := tx.QueryRowContext(ctx, `SELECT data FROM images WHERE sha256 = ?`, hash).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, galley.Errorf(galley.ENotFound, "The image %s is not in the library.", shortHash(hash))
	}
	return data, s.txError(err)
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// ImageFunc returns the bytes of a stored image, found by content hash.
type ImageFunc func(hash string) ([]byte, error)

// EachPiece calls fn with every piece of the library, oldest first, all
// read from one consistent snapshot; images reads image bytes from the
// same snapshot, so a save made meanwhile cannot take a photo away from
// under an export. It stops at the first error fn returns.
func (s *Store) EachPiece(ctx context.Context, fn func(p *galley.Piece, images ImageFunc) error) error {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var ids []int64
	err = queryEach(ctx, tx, `SELECT id FROM pieces ORDER BY id`, nil, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return s.txError(err)
	}
	images := func(hash string) ([]byte, error) { return s.imageData(ctx, tx, hash) }
	for _, id := range ids {
		p, err := s.loadPiece(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(p, images); err != nil {
			return err
		}
	}
	return nil
}

// joinLines stores a list of one-line values (a piece's former
// addresses) in one column: a line each.
func joinLines(list []string) string { return strings.Join(list, "\n") }

// splitLines reads what joinLines stored; none is nil.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
