package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/dialog"

	"app.galley/galley/internal/galley"
)

// deletedPiece is what Undo needs to bring a deleted piece back: the whole
// piece with its photos' bytes, and the pieces that listed it as related.
type deletedPiece struct {
	piece       *galley.Piece
	relatedFrom []galley.PieceRef
}

// confirmDelete asks before deleting the open piece.
func (e *editor) confirmDelete() {
	p := e.piece
	if p == nil {
		return
	}
	if p.ID == 0 {
		drop := func() {
			if e.piece == p {
				e.discard()
				e.clear()
			}
		}
		if isEmptyPiece(p) {
			drop()
			return
		}
		confirm(e.d.win, "Discard this new piece?", "The new piece has not been saved. Discard what you wrote in it?", drop)
		return
	}
	dialog.ShowConfirm("Delete this piece?",
		fmt.Sprintf("Delete %s?\nEdit → Undo Delete brings it back until you close Galley.", p.Name()),
		func(ok bool) {
			if ok && e.piece == p {
				e.deletePiece()
			}
		}, e.d.win)
}

// deletePiece deletes the open piece, unsaved edits included in what Undo
// brings back.
func (e *editor) deletePiece() {
	if e.piece == nil {
		return
	}
	ctx := context.Background()
	keep := undoCopy(e.piece)
	if e.dirty {
		if err := keep.Validate(); err != nil {
			// The unsaved edits could not be stored again; Undo brings
			// back the piece as it was last saved instead.
			if stored, lerr := e.d.lib.Piece(ctx, e.piece.ID); lerr == nil {
				keep = undoCopy(stored)
			}
		}
	}
	keep.Photos = append([]galley.Photo(nil), keep.Photos...)
	for i := range keep.Photos {
		ph := &keep.Photos[i]
		if ph.Data == nil {
			data, err := e.d.lib.ImageData(ctx, ph.Image.Hash)
			if err != nil {
				e.d.showError(err)
				return
			}
			ph.Data = data
		}
	}
	refs, err := e.d.lib.DeletePiece(ctx, keep.ID)
	if err != nil {
		e.d.showError(err)
		return
	}
	e.clear()
	s := e.d.shelf
	s.deleted = &deletedPiece{piece: &keep, relatedFrom: refs}
	s.refreshChoices()
	s.reload()
	s.count.SetText(fmt.Sprintf("Deleted %s.", keep.Name()))
	s.undo.Show()
}

// undoCopy is what Undo will store again: the piece without byline rows
// waiting for a name, which could not be saved.
func undoCopy(p *galley.Piece) galley.Piece {
	return withoutBlankRows(p)
}

// undoDelete brings back the last deleted piece, with its photos, topics
// and related list, and puts it back on the related lists it was on.
func (s *shelf) undoDelete() {
	dp := s.deleted
	if dp == nil {
		return
	}
	if !s.d.editor.flush() {
		return
	}
	ctx := context.Background()
	p := *dp.piece
	p.ID, p.Version = 0, 0
	for i := range p.Photos {
		p.Photos[i].ID = 0
	}
	if err := s.d.lib.SavePiece(ctx, &p); err != nil {
		if galley.ErrorCode(err) != galley.EConflict {
			s.d.showError(err)
			return
		}
		// Its slug was taken in the meantime: let the library pick another.
		p.Slug = ""
		if err := s.d.lib.SavePiece(ctx, &p); err != nil {
			s.d.showError(err)
			return
		}
	}
	var failed []string
	for _, ref := range dp.relatedFrom {
		q, err := s.d.lib.Piece(ctx, ref.ID)
		if err != nil {
			continue // deleted since: nothing to put back
		}
		q.Related = append(q.Related, galley.PieceRef{ID: p.ID})
		if err := s.d.lib.SavePiece(ctx, q); err != nil {
			failed = append(failed, q.Name())
		}
	}
	s.deleted = nil
	s.undo.Hide()
	s.refreshChoices()
	s.d.editor.load(&p)
	s.reload()
	if len(failed) > 0 {
		s.d.showError(galley.Errorf(galley.EInternal, "%s is back, but could not be put back on the related list of %v.", p.Name(), failed))
	}
}
