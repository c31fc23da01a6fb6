package store

import (
	"context"
	"database/sql"
	"errors"
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
	// the import's copy of them.
	Overwrite bool
	// KeepExisting leaves pieces whose slugs are already in the library as
	// they are (reported as kept), adding only the new ones.
	KeepExisting bool
}

// Import adds pieces to the library, or updates the pieces with the same
// slugs, all in one transaction: any error leaves the library exactly as it
// was. Related publications are given by slug and may name pieces later in
// the same batch or already in the library. Photo bytes are read through
// read one piece at a time, so a large bundle is never held in memory.
//
// Importing the same pieces twice leaves one copy of each; the second time
// they are reported unchanged and keep their versions.
//
// An import never silently undoes newer work: when a piece in the library
// was updated after the time the import gives for it, the import fails
// with a conflict naming the piece, unless opt.Overwrite says to replace it.
func (s *Store) Import(ctx context.Context, pieces []galley.Piece, read ImageReader, opt ImportOptions) (galley.ImportReport, error) {
	var report galley.ImportReport
	batch := make([]*galley.Piece, len(pieces))
	seen := map[string]string{}
	for i := range pieces {
		p := clonePiece(&pieces[i])
		p.ID, p.Version = 0, 0
		if p.Slug == "" {
			p.Slug = galley.Slugify(p.Title)
		}
		if err := p.Validate(); err != nil {
			return report, importError(p, err)
		}
		if other, dup := seen[p.Slug]; dup {
			return report, galley.Errorf(galley.EInvalid, "Two pieces in the import have the slug %q: “%s” and “%s”.", p.Slug, other, p.Title)
		}
		seen[p.Slug] = p.Title
		batch[i] = p
	}

	tx, err := s.beginWrite(ctx)
	if err != nil {
		return report, err
	}
	defer tx.Rollback()
	now := s.now()

	// First every piece without its related list, so related slugs can
	// point forward in the batch; then the related lists.
	changed := make([]bool, len(batch))
	for i, p := range batch {
		related := p.Related
		p.Related = nil
		status, err := s.importPiece(ctx, tx, p, related, read, now, opt)
		if err != nil {
			return galley.ImportReport{}, importError(p, err)
		}
		p.Related = related
		switch status {
		case "created":
			report.Created = append(report.Created, p.Slug)
		case "updated":
			report.Updated = append(report.Updated, p.Slug)
		case "kept":
			report.Kept = append(report.Kept, p.Slug)
			continue
		default:
			report.Unchanged = append(report.Unchanged, p.Slug)
			continue
		}
		changed[i] = true
	}
	for i, p := range batch {
		if !changed[i] {
			continue
		}
		if err := s.writeRelated(ctx, tx, p); err != nil {
			return galley.ImportReport{}, importError(p, err)
		}
	}
	for i, p := range batch {
		if changed[i] {
			if err := s.recordRevision(ctx, tx, p.ID, now, false); err != nil {
				return galley.ImportReport{}, importError(p, err)
			}
		}
	}
	if err := s.commit(tx); err != nil {
		return galley.ImportReport{}, err
	}
	return report, nil
}

// importPiece writes one piece of an import (without its related list) and
// says whether it was created, updated or left unchanged.
func (s *Store) importPiece(ctx context.Context, tx *sql.Tx, p *galley.Piece, related []galley.PieceRef, read ImageReader, now time.Time, opt ImportOptions) (string, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM pieces WHERE slug = ?`, p.Slug).Scan(&id)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", s.txError(err)
	}
	if exists && opt.KeepExisting {
		return "kept", nil
	}
	for i := range p.Photos {
		ph := &p.Photos[i]
		if ph.Data != nil || ph.Source == "" {
			continue
		}
		data, err := read(ph.Source)
		if err != nil {
			return "", galley.Errorf(galley.EInvalid, "Photo %d: cannot read %s: %v.", i+1, ph.Source, err)
		}
		// Fields the bundle leaves empty are filled from the file's own
		// metadata; what the bundle gives is never replaced.
		if err := photo.Prepare(ph.Source, data, ph); err != nil {
			return "", err
		}
	}

	if !exists {
		if p.Created.IsZero() {
			p.Created = now
		}
		if p.Updated.IsZero() {
			p.Updated = now
		}
		return "created", s.createPiece(ctx, tx, p, fromImport)
	}
	old, err := s.loadPiece(ctx, tx, id)
	if err != nil {
		return "", err
	}
	if sameContent(old, p, related) {
		return "unchanged", nil
	}
	if !opt.Overwrite && !p.Updated.IsZero() && old.Updated.After(p.Updated) {
		return "", galley.Errorf(galley.EConflict, "%s was changed in the library (%s) after the copy being imported (%s). Import with --overwrite to replace the library's version anyway.",
			old.Name(), old.Updated.Local().Format("Jan 2, 2006 15:04"), p.Updated.Local().Format("Jan 2, 2006 15:04"))
	}
	p.ID = id
	if p.Updated.IsZero() {
		p.Updated = now
	}
	return "updated", s.overwritePiece(ctx, tx, p, fromImport)
}

// sameContent reports whether importing p (with its related slugs) would
// leave the stored piece old as it is.
func sameContent(old, p *galley.Piece, related []galley.PieceRef) bool {
	if old.Title != p.Title || galley.NameKey(old.Type) != galley.NameKey(p.Type) || old.Status != statusOrDraft(p.Status) ||
		old.Published != p.Published || old.Summary != p.Summary || old.Body != p.Body {
		return false
	}
	if (!p.Created.IsZero() && !p.Created.Equal(old.Created)) || (!p.Updated.IsZero() && !p.Updated.Equal(old.Updated)) {
		return false
	}
	if len(old.Contributors) != len(p.Contributors) || len(old.Topics) != len(p.Topics) || len(old.QA) != len(p.QA) ||
		len(old.Photos) != len(p.Photos) || len(old.Related) != len(related) {
		return false
	}
	for i, c := range p.Contributors {
		o := old.Contributors[i]
		if galley.NameKey(o.Name) != galley.NameKey(c.Name) || (c.Role != "" && o.Role != strings.TrimSpace(c.Role)) {
			return false
		}
	}
	for i, t := range p.Topics {
		if galley.NameKey(old.Topics[i]) != galley.NameKey(t) {
			return false
		}
	}
	for i, qa := range p.QA {
		if old.QA[i] != qa {
			return false
		}
	}
	for i, ph := range p.Photos {
		o := old.Photos[i]
		if o.Image.Hash != ph.Image.Hash || o.Alt != ph.Alt || o.Decorative != ph.Decorative ||
			o.Caption != ph.Caption || o.Credit != ph.Credit || o.Lead != ph.Lead ||
			o.Photographer != ph.Photographer || o.Copyright != ph.Copyright || o.DateCreated != ph.DateCreated ||
			o.City != ph.City || o.Country != ph.Country || strings.Join(o.Keywords, "\n") != strings.Join(ph.Keywords, "\n") {
			return false
		}
	}
	for i, r := range related {
		if old.Related[i].Slug != r.Slug {
			return false
		}
	}
	return true
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
