package outbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
)

// Library is what sending an entry needs of a team library.
type Library interface {
	Piece(ctx context.Context, id int64) (*galley.Piece, error)
	PieceBySlug(ctx context.Context, slug string) (*galley.Piece, error)
	SavePiece(ctx context.Context, p *galley.Piece) error
}

// Outcome is what became of an entry that was sent.
type Outcome int

// What Send can report.
const (
	// Saved: the library holds the edits now; remove the entry.
	Saved Outcome = iota
	// AlreadyThere: the library held these very words already (a save
	// that reached the server just as the connection went, its answer
	// lost); remove the entry.
	AlreadyThere
	// Changed: someone else saved the piece meanwhile; the entry is kept
	// for the editor to choose (theirs, or the edits as a copy).
	Changed
	// Deleted: someone deleted the piece meanwhile; the entry is kept,
	// to be saved as a new piece.
	Deleted
	// Refused: the library refused the edits for a reason of its own (a
	// writer may not publish, a slug is taken); the entry is kept and the
	// reason is in Result.Err.
	Refused
	// Unreachable: the server still cannot be reached; nothing changed.
	Unreachable
)

// Result is what Send did with one entry.
type Result struct {
	Outcome Outcome
	// Piece is the library's piece after the send: the one saved (with
	// its ID and new version), the one already there, or, when Changed,
	// theirs.
	Piece *galley.Piece
	Err   error
}

// Send saves one entry's edits to the library with the usual check: they
// are saved only over the version they were made on. It never removes the
// entry; the caller does, on Saved or AlreadyThere.
func Send(ctx context.Context, lib Library, e Entry) Result {
	p := e.Piece
	p.Photos = append([]galley.Photo(nil), e.Piece.Photos...)
	if p.ID == 0 {
		if there := alreadyCreated(ctx, lib, &p); there != nil {
			return Result{Outcome: AlreadyThere, Piece: there}
		}
	}
	err := lib.SavePiece(ctx, &p)
	switch code := galley.ErrorCode(err); {
	case err == nil:
		return Result{Outcome: Saved, Piece: &p}
	case code == galley.EUnavailable:
		return Result{Outcome: Unreachable, Err: err}
	case e.Piece.ID != 0 && (code == galley.EConflict || code == galley.ENotFound):
		stored, lerr := lib.Piece(ctx, e.Piece.ID)
		switch {
		case galley.ErrorCode(lerr) == galley.ENotFound:
			return Result{Outcome: Deleted, Err: err}
		case galley.ErrorCode(lerr) == galley.EUnavailable:
			return Result{Outcome: Unreachable, Err: lerr}
		case lerr != nil:
			return Result{Outcome: Refused, Err: lerr}
		case SameWords(stored, &e.Piece):
			return Result{Outcome: AlreadyThere, Piece: stored}
		case stored.Version != e.Piece.Version:
			return Result{Outcome: Changed, Piece: stored, Err: err}
		}
	}
	return Result{Outcome: Refused, Err: err}
}

// alreadyCreated finds a new piece's edits in the library when an earlier
// send created it and its answer was lost: a piece at the slug it would
// get, with the same words.
func alreadyCreated(ctx context.Context, lib Library, p *galley.Piece) *galley.Piece {
	slug := p.Slug
	if slug == "" {
		slug = galley.Slugify(p.Title)
	}
	if slug == "" {
		return nil
	}
	there, err := lib.PieceBySlug(ctx, slug)
	if err != nil || !SameWords(there, p) {
		return nil
	}
	return there
}

// SameWords reports whether two versions of a piece hold the same work:
// everything an editor can change, whatever the library keeps for its own
// bookkeeping (IDs, versions, times, how it stores a photo). A photo still
// being added (its bytes in Data) is the same as a stored one with the
// bytes' hash. A slug left empty, to be made from the title, matches any.
func SameWords(a, b *galley.Piece) bool {
	ca, cb := words(a), words(b)
	if a.Slug == "" || b.Slug == "" {
		ca.Slug, cb.Slug = "", ""
	}
	if a.Created.IsZero() || b.Created.IsZero() {
		// A new piece's edits have no creation time yet.
		ca.Created, cb.Created = time.Time{}, time.Time{}
	}
	ja, err1 := json.Marshal(ca)
	jb, err2 := json.Marshal(cb)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// words is p without what the library decides: the whole value otherwise,
// so a field added to a piece counts without this being told.
func words(p *galley.Piece) galley.Piece {
	c := *p
	c.ID, c.Version = 0, 0
	c.Created = c.Created.UTC().Truncate(time.Millisecond) // as the library keeps it
	c.Updated = time.Time{}                                // set by every save
	if c.Status == "" {
		c.Status = galley.StatusDraft
	}
	if len(c.Topics) == 0 {
		c.Topics = nil
	}
	if len(c.QA) == 0 {
		c.QA = nil
	}
	c.Contributors = nil
	for _, person := range p.Contributors {
		c.Contributors = append(c.Contributors, galley.Contributor{Name: strings.TrimSpace(person.Name), Role: strings.TrimSpace(person.Role)})
	}
	c.Photos = nil
	for _, ph := range p.Photos {
		ph.ID, ph.Source = 0, ""
		hash := ph.Image.Hash
		if ph.Data != nil {
			sum := sha256.Sum256(ph.Data)
			hash = hex.EncodeToString(sum[:])
		}
		ph.Image, ph.Data = galley.Image{Hash: hash}, nil
		if len(ph.Keywords) == 0 {
			ph.Keywords = nil
		}
		c.Photos = append(c.Photos, ph)
	}
	c.Related = nil
	for _, r := range p.Related {
		c.Related = append(c.Related, galley.PieceRef{ID: r.ID})
	}
	return c
}
