package store

import (
	"context"
	"database/sql"
	"errors"
	"iter"
	"reflect"
	"slices"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

// ImageReader returns the bytes of the file a photo came from (its Source,
// a path inside the bundle being imported).
type ImageReader func(source string) ([]byte, error)

// ImportOptions tune Import.
type ImportOptions struct {
	// Overwrite replaces library pieces even when they were updated after
	// the import's copy of them. It only ever replaces the same piece: one
	// whose slug the import gives explicitly.
	Overwrite bool
	// KeepExisting leaves pieces whose slugs are already in the library as
	// they are (reported as kept), adding only the new ones.
	KeepExisting bool
	// KeepEdited leaves a piece from another system (one with a Source)
	// as it is when it was edited in the library since its last import
	// and its post changed on the other system too (reported as kept
	// edited). Without it, or Overwrite, that is a conflict.
	KeepEdited bool
	// Slugs holds the slugs the pieces of a stream give explicitly, when
	// the stream's source knows them in advance (a bundle does, having
	// read it through once): a piece without a slug of its own is never
	// given one of them, even before the piece that claims it comes.
	// Import works them out from its slice itself.
	Slugs map[string]bool
	// Renamed, when set, is told of each piece without a slug of its own
	// whose slug from its title (wanted) belongs to another piece, and the
	// slug it was given instead (got).
	Renamed func(title, wanted, got string)
}

// Import is ImportStream over a slice of pieces.
func (s *Store) Import(ctx context.Context, pieces []galley.Piece, read ImageReader, opt ImportOptions) (galley.ImportReport, error) {
	if opt.Slugs == nil {
		opt.Slugs = map[string]bool{}
		for i := range pieces {
			if pieces[i].Slug != "" {
				opt.Slugs[pieces[i].Slug] = true
			}
		}
	}
	return s.ImportStream(ctx, seqOf(pieces), read, opt)
}

// seqOf turns a slice into the sequence ImportStream reads.
func seqOf(pieces []galley.Piece) iter.Seq2[galley.Piece, error] {
	return func(yield func(galley.Piece, error) bool) {
		for _, p := range pieces {
			if !yield(p, nil) {
				return
			}
		}
	}
}

// ImportStream adds pieces to the library, taking them one at a time from
// pieces, all in one transaction: any error, the stream's own included,
// leaves the library exactly as it was. Only the piece being written is
// held (with its photos, read through read), and of the pieces before it
// only their IDs, slugs and related lists, so a bundle of any size is
// imported in the memory of its largest piece.
//
// A piece with a slug of its own is the library piece of that slug: it is
// created, or that piece is updated. Importing it twice leaves one copy;
// the second time it is reported unchanged and keeps its version. An
// import never silently undoes newer work: when the library's piece was
// updated after the time the import gives for it, the import fails with a
// conflict naming the piece, unless opt.Overwrite says to replace it.
//
// A piece without a slug (Slug "") is never taken for another piece
// because their titles give the same slug ("Café" and "Cafe" are both
// cafe): it gets the slug from its title, or, when that belongs to
// another piece of the library or of the import, the first free one of
// slug-2, slug-3, … as WordPress does. Only an identical copy in the
// library (re-importing the same bundle) is recognised as itself, and
// reported unchanged.
//
// Related publications are given by slug and may name pieces later in the
// same batch or already in the library; a slug from the title of a piece
// of the import names that piece, whatever slug it was given.
//
// Every piece the import changes starts a revision of its own, so the text
// it replaced stays in the piece's history.
func (s *Store) ImportStream(ctx context.Context, pieces iter.Seq2[galley.Piece, error], read ImageReader, opt ImportOptions) (galley.ImportReport, error) {
	var report galley.ImportReport
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return report, err
	}
	defer tx.Rollback()
	now := s.now()

	// What is kept of each piece until the end: related lists are written
	// once every piece is in, so they can point forward in the batch.
	type written struct {
		id      int64
		title   string
		slug    string
		related []galley.PieceRef
	}
	var changed []written
	explicit := map[string]string{}  // slugs pieces gave → their titles
	claimed := map[string]bool{}     // slugs this import has given out
	fromTitle := map[string]string{} // slug from a title → the slug that piece got
	for item, err := range pieces {
		if err != nil {
			return galley.ImportReport{}, err
		}
		if err := ctx.Err(); err != nil {
			return galley.ImportReport{}, err
		}
		p := clonePiece(&item)
		p.ID, p.Version = 0, 0
		p.Status = statusOrDraft(p.Status)
		if err := p.Validate(); err != nil {
			return galley.ImportReport{}, importError(p, err)
		}
		related := p.Related
		p.Related = nil
		// For telling an unchanged piece: related slugs resolved as far as
		// the pieces read so far allow (see resolve).
		known := resolve(related, explicit, opt.Slugs, fromTitle)
		var status string
		base := ""
		if p.Source != "" {
			// A piece from another system is the library piece of its
			// source, whatever its slug; its slug names another piece
			// (one written here, or from elsewhere) only by chance.
			if base, err = s.placeBySource(ctx, tx, p); err != nil {
				return galley.ImportReport{}, importError(p, err)
			}
		}
		if p.Slug != "" {
			if other, dup := explicit[p.Slug]; dup {
				return galley.ImportReport{}, galley.Errorf(galley.EInvalid, "Two pieces in the import have the slug %q: “%s” and “%s”.", p.Slug, other, p.Title)
			}
			if claimed[p.Slug] {
				return galley.ImportReport{}, galley.Errorf(galley.EInvalid, "“%s” has the slug %q, which this import had already given to an earlier piece without a slug of its own (from its title); give that piece a slug, or list this one's first.", p.Title, p.Slug)
			}
			explicit[p.Slug] = p.Title
			status, err = s.importPiece(ctx, tx, p, known, read, now, opt)
		} else {
			wanted := galley.Slugify(p.Title)
			if base != "" {
				wanted = base
			}
			status, err = s.importUnslugged(ctx, tx, p, wanted, known, read, now, func(slug string) bool { return claimed[slug] || opt.Slugs[slug] })
			if err == nil {
				if _, seen := fromTitle[wanted]; !seen {
					fromTitle[wanted] = p.Slug
				}
				if p.Slug != wanted && status == "created" && opt.Renamed != nil {
					opt.Renamed(p.Title, wanted, p.Slug)
				}
			}
		}
		if err != nil {
			return galley.ImportReport{}, importError(p, err)
		}
		claimed[p.Slug] = true
		switch status {
		case "created":
			report.Created = append(report.Created, p.Slug)
		case "updated":
			report.Updated = append(report.Updated, p.Slug)
		case "kept":
			report.Kept = append(report.Kept, p.Slug)
			continue
		case "edited":
			report.KeptEdited = append(report.KeptEdited, p.Slug)
			continue
		default:
			report.Unchanged = append(report.Unchanged, p.Slug)
			continue
		}
		changed = append(changed, written{p.ID, p.Title, p.Slug, related})
	}
	for _, w := range changed {
		p := &galley.Piece{ID: w.id, Title: w.title, Slug: w.slug, Related: resolve(w.related, explicit, opt.Slugs, fromTitle)}
		if err := s.writeRelated(ctx, tx, p); err != nil {
			return galley.ImportReport{}, importError(p, err)
		}
	}
	for _, w := range changed {
		// A revision of its own, whatever the revision window says: an
		// import folded into the editor's last save would leave the text
		// it replaced nowhere.
		if err := s.recordChange(ctx, tx, w.id, now, ChangeImport); err != nil {
			return galley.ImportReport{}, importError(&galley.Piece{Title: w.title, Slug: w.slug}, err)
		}
	}
	if err := s.commit(tx); err != nil {
		return galley.ImportReport{}, err
	}
	return report, nil
}

// resolve turns the related slugs of an imported piece into the slugs of
// the pieces meant: a slug a piece of the import gives explicitly (given,
// or announced in advance) is that piece; one that a piece of the import
// without a slug has from its title is that piece, under the slug it got;
// any other is a library piece's.
func resolve(related []galley.PieceRef, given map[string]string, announced map[string]bool, fromTitle map[string]string) []galley.PieceRef {
	out := make([]galley.PieceRef, len(related))
	for i, r := range related {
		out[i] = r
		if _, ok := given[r.Slug]; ok || announced[r.Slug] {
			continue
		}
		if got, ok := fromTitle[r.Slug]; ok {
			out[i].Slug = got
		}
	}
	return out
}

// importUnslugged writes a piece that has no slug of its own: under base
// (the slug from its title) or the first free one after it, passing over the
// slugs taken reports as spoken for in this import. A library piece is
// only taken for it when it is an identical copy (the same bundle
// imported again).
func (s *Store) importUnslugged(ctx context.Context, tx *txn, p *galley.Piece, base string, related []galley.PieceRef, read ImageReader, now time.Time, taken func(string) bool) (string, error) {
	for n := 1; ; n++ {
		slug := galley.NumberedSlug(base, n)
		if taken(slug) {
			continue
		}
		var id int64
		var title string
		err := tx.QueryRowContext(ctx, `SELECT id, title FROM pieces WHERE slug = ?`, slug).Scan(&id, &title)
		if errors.Is(err, sql.ErrNoRows) {
			if err := readPhotos(p, read); err != nil {
				return "", err
			}
			p.Slug = slug
			importedTimes(p, now)
			return "created", s.createPiece(ctx, tx, p, fromImport)
		}
		if err != nil {
			return "", s.txError(err)
		}
		if title != p.Title {
			continue // another piece: the cheap test first
		}
		if err := readPhotos(p, read); err != nil {
			return "", err
		}
		old, err := s.loadPiece(ctx, tx, id)
		if err != nil {
			return "", err
		}
		if sameContent(old, p, related) {
			p.ID, p.Slug = id, slug
			return "unchanged", nil
		}
	}
}

// placeBySource finds the library piece an imported piece with a Source
// is: the one of that source, whose slug it takes. When there is none
// and its slug belongs to another library piece, it is given none, to be
// placed at the first free slug after it (returned); importing it must
// not replace a piece it is not.
func (s *Store) placeBySource(ctx context.Context, tx *txn, p *galley.Piece) (string, error) {
	var slug string
	err := tx.QueryRowContext(ctx, `SELECT slug FROM pieces WHERE source = ?`, p.Source).Scan(&slug)
	if err == nil {
		p.Slug = slug
		return "", nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", s.txError(err)
	}
	if p.Slug == "" {
		return "", nil
	}
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM pieces WHERE slug = ?`, p.Slug).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", s.txError(err)
	}
	base := p.Slug
	p.Slug = ""
	return base, nil
}

// readPhotos reads the photos of p that are not read yet through read and
// checks them. Fields the bundle leaves empty are filled from the file's
// own metadata; what the bundle gives is never replaced.
func readPhotos(p *galley.Piece, read ImageReader) error {
	for i := range p.Photos {
		ph := &p.Photos[i]
		if ph.Data != nil || ph.Source == "" {
			continue
		}
		data, err := read(ph.Source)
		if err != nil {
			return galley.Errorf(galley.EInvalid, "Photo %d: cannot read %s: %v.", i+1, ph.Source, err)
		}
		if err := photo.Prepare(ph.Source, data, ph); err != nil {
			return err
		}
	}
	return nil
}

// importPiece writes one piece of an import that gives its slug (without
// its related list) and says whether it was created, updated or left
// unchanged.
func (s *Store) importPiece(ctx context.Context, tx *txn, p *galley.Piece, related []galley.PieceRef, read ImageReader, now time.Time, opt ImportOptions) (string, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM pieces WHERE slug = ?`, p.Slug).Scan(&id)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", s.txError(err)
	}
	if exists && opt.KeepExisting {
		return "kept", nil
	}
	if err := readPhotos(p, read); err != nil {
		return "", err
	}

	if !exists {
		importedTimes(p, now)
		return "created", s.createPiece(ctx, tx, p, fromImport)
	}
	old, err := s.loadPiece(ctx, tx, id)
	if err != nil {
		return "", err
	}
	if sameContent(old, p, related) {
		p.ID = id
		return "unchanged", nil
	}
	if p.Source != "" && p.Source == old.Source {
		if keep, err := s.editedHere(ctx, tx, old, p, related, opt); err != nil || keep {
			p.ID = id
			return "edited", err
		}
	} else if !opt.Overwrite && !p.Updated.IsZero() && old.Updated.After(p.Updated) {
		return "", galley.Errorf(galley.EConflict, "%s was changed in the library (%s) after the copy being imported (%s). Import with --overwrite to replace the library's version anyway.",
			old.Name(), old.Updated.Local().Format(galley.ShownTimeLayout), p.Updated.Local().Format(galley.ShownTimeLayout))
	}
	p.ID = id
	if p.Updated.IsZero() {
		p.Updated = now
	}
	return "updated", s.overwritePiece(ctx, tx, p, fromImport)
}

// editedHere decides, for a piece from another system imported again, by
// what changed since its last import, which the piece's history holds:
// not edited here, the post's new version replaces it (keep false);
// edited here while the post stayed as it was, the edits stay (keep
// true, reported as kept edited); both changed, it is a conflict, unless
// opt says which side wins. The other system's clock says nothing of
// the library's edits: a post changed there after an edit here would,
// compared by time, silently replace the edit.
func (s *Store) editedHere(ctx context.Context, tx *txn, old, p *galley.Piece, related []galley.PieceRef, opt ImportOptions) (keep bool, err error) {
	var number int
	var change string
	var version int64
	err = tx.QueryRowContext(ctx, `SELECT number, change, version FROM revisions WHERE piece_id = ? ORDER BY number DESC LIMIT 1`, old.ID).Scan(&number, &change, &version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, s.txError(err)
	}
	if err == nil && change == ChangeImport && version == old.Version {
		return false, nil // as the last import left it
	}
	err = tx.QueryRowContext(ctx, `SELECT number FROM revisions WHERE piece_id = ? AND change = ? ORDER BY number DESC LIMIT 1`, old.ID, ChangeImport).Scan(&number)
	switch {
	case err == nil:
		base, err := s.revisionPiece(ctx, tx, old.ID, number)
		if err != nil {
			return false, err
		}
		// A revision keeps the words, not the time of the change; a post
		// saved again unchanged on the old site is the post as it was.
		base.Updated = p.Updated
		if sameContent(base, p, related) {
			return !opt.Overwrite, nil // only the library's copy changed
		}
	case !errors.Is(err, sql.ErrNoRows):
		return false, s.txError(err)
	}
	switch {
	case opt.Overwrite:
		return false, nil
	case opt.KeepEdited:
		return true, nil
	}
	return false, galley.Errorf(galley.EConflict, "%s was edited in the library since it was last imported, and its post changed on the other site too.", p.Name())
}

// importedTimes fills the times a new piece's bundle left out. A piece
// published before it came into this library was neither written nor
// changed on the day of the import: its publication date (midnight UTC)
// stands in, so its page, feed entry and sitemap line do not claim it was
// modified today (the export dates no change before the start of that day
// where the site is). A piece with no earlier date was made now.
func importedTimes(p *galley.Piece, now time.Time) {
	since := now
	if !p.Published.IsZero() && p.Published.Time().Before(now) {
		since = p.Published.Time()
	}
	if p.Created.IsZero() {
		p.Created = since
	}
	if p.Updated.IsZero() {
		p.Updated = since
		if p.Created.After(since) {
			p.Updated = p.Created
		}
	}
}

// sameContent reports whether importing p (with its related slugs) would
// leave old as it is. It compares the whole pieces in the form the import
// compares them in (importedForm), not a list of fields: a field added to
// galley.Piece, galley.Contributor or galley.Photo counts without anyone
// remembering to add it here, so a changed import is never reported
// unchanged and its change dropped. (A new field the library assigns
// itself belongs in importedForm; until it is there, every re-import
// reports the piece updated, which costs a revision, not a change.)
func sameContent(old, p *galley.Piece, related []galley.PieceRef) bool {
	was, now := importedForm(old, old.Related), importedForm(p, related)
	// What the import does not say, the library keeps: times a bundle
	// leaves out, and a contributor's role where the byline gives none.
	if now.Created.IsZero() {
		now.Created = was.Created
	}
	if now.Updated.IsZero() {
		now.Updated = was.Updated
	}
	for i := range now.Contributors {
		if p.Contributors[i].Role == "" && i < len(was.Contributors) {
			now.Contributors[i].Role = was.Contributors[i].Role
		}
	}
	return reflect.DeepEqual(was, now)
}

// importedForm is a copy of p as an import compares it: without what the
// library assigns (row IDs, the version, the slug it was found by, a
// contributor's count of pieces, a photo's bytes and what is read from
// them beside their hash), with names as the library matches them
// (galley.NameKey: a type, topic or contributor is the library's own
// whatever its case), related pieces by slug, times in UTC and empty
// lists as none, so that only a difference an import would write counts.
func importedForm(p *galley.Piece, related []galley.PieceRef) galley.Piece {
	c := *p
	c.ID, c.Version, c.Slug = 0, 0, ""
	c.Type = galley.NameKey(p.Type)
	c.Status = statusOrDraft(p.Status)
	c.Created, c.Updated = p.Created.UTC(), p.Updated.UTC()
	c.Contributors = nil
	for _, person := range p.Contributors {
		c.Contributors = append(c.Contributors, galley.Contributor{Name: galley.NameKey(person.Name), Role: strings.TrimSpace(person.Role)})
	}
	c.Topics = nil
	for _, name := range p.Topics {
		c.Topics = append(c.Topics, galley.NameKey(name))
	}
	c.QA = slices.Clip(p.QA)
	if len(c.QA) == 0 {
		c.QA = nil
	}
	c.Formerly = slices.Clip(p.Formerly)
	if len(c.Formerly) == 0 {
		c.Formerly = nil
	}
	c.Photos = nil
	for _, ph := range p.Photos {
		ph.ID, ph.Data, ph.Source = 0, nil, ""
		ph.Image = galley.Image{Hash: ph.Image.Hash}
		if len(ph.Keywords) == 0 {
			ph.Keywords = nil
		}
		c.Photos = append(c.Photos, ph)
	}
	c.Related = nil
	for _, r := range related {
		c.Related = append(c.Related, galley.PieceRef{Slug: r.Slug})
	}
	return c
}

func statusOrDraft(s galley.Status) galley.Status {
	if s == "" {
		return galley.StatusDraft
	}
	return s
}

// importError names the piece an import failed on, unless the message
// already does.
func importError(p *galley.Piece, err error) error {
	msg := galley.ErrorMessage(err)
	if strings.Contains(msg, p.Name()) {
		return err
	}
	code := galley.ErrorCode(err)
	return &galley.Error{Code: code, Message: "Piece " + p.Name() + " (" + p.Slug + "): " + msg}
}
