package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/dialog"

	"app.galley/galley/internal/desk"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// deletedPiece is the piece Undo Delete brings back from the trash.
type deletedPiece struct {
	id   int64
	name string
}

// confirmDelete asks before deleting the open piece.
// relatedLister reads which pieces list a piece as related; a library
// that cannot say is asked nothing (the message then names them after
// the delete).
type relatedLister interface {
	RelatedBy(ctx context.Context, id int64) ([]galley.PieceRef, error)
}

var _ relatedLister = (*store.Store)(nil)

func (e *editor) confirmDelete() {
	p := e.piece
	if p == nil {
		return
	}
	if p.ID != 0 && e.d.editorOnly("deleting a piece") {
		return
	}
	if p.ID == 0 {
		drop := func() {
			if e.piece == p {
				e.discard()
				e.clear()
			}
		}
		if desk.IsEmpty(p) {
			drop()
			return
		}
		confirm(e.d.win, "Discard this new piece?", "The new piece has not been saved. Discard what you wrote in it?", drop)
		return
	}
	msg := fmt.Sprintf("Move %s to the trash?\nEdit → Undo Delete, or Library → Trash for %d days, brings it back.", p.Name(), store.TrashDays)
	if rl, ok := e.d.lib.(relatedLister); ok {
		if refs, err := rl.RelatedBy(context.Background(), p.ID); err == nil && len(refs) > 0 {
			names := make([]string, len(refs))
			for i, r := range refs {
				names[i] = refLabel(r)
			}
			msg += "\n" + fmt.Sprintf("It is listed as related by %s; it will leave their lists (Undo Delete puts it back).", andList(names))
		}
	}
	dialog.ShowConfirm("Delete this piece?", msg,
		func(ok bool) {
			if ok && e.piece == p {
				e.deletePiece()
			}
		}, e.d.win)
}

// deletePiece moves the open piece to the trash. Unsaved edits are saved
// first, so the trash holds the latest words; if they cannot be saved,
// the piece goes as it was last saved.
func (e *editor) deletePiece() {
	p := e.piece
	if p == nil {
		return
	}
	if e.dirty {
		e.save(false)
	}
	listedBy, err := e.d.lib.DeletePiece(context.Background(), p.ID)
	if err != nil {
		e.d.showError(err)
		return
	}
	e.discard()
	e.clear()
	s := e.d.shelf
	s.deleted = &deletedPiece{id: p.ID, name: p.Name()}
	s.refreshChoices()
	s.reload()
	s.count.SetText(deletedMessage(p.Name(), listedBy))
	s.undo.Show()
}

// deletedMessage says that the piece named name went to the trash and,
// when other pieces listed it as related, that it left their lists, naming
// them: an editor of one of those pieces would otherwise find a related
// publication gone with no word why. Undo puts it back on them.
func deletedMessage(name string, listedBy []galley.PieceRef) string {
	msg := fmt.Sprintf("Moved %s to the trash.", name)
	if len(listedBy) == 0 {
		return msg
	}
	const most = 3 // a line under the list, not an inventory
	var names []string
	for i, r := range listedBy {
		if i == most {
			names = append(names, plural(len(listedBy)-most, "other"))
			break
		}
		names = append(names, refLabel(r))
	}
	return msg + " It is no longer listed as related by " + andList(names) + "; Undo delete puts it back there."
}

// refLabel names a piece an editor knows by its title, quoted as the desk
// quotes titles, or by its slug when it has none.
func refLabel(r galley.PieceRef) string {
	switch {
	case r.Title != "":
		return "“" + r.Title + "”"
	case r.Slug != "":
		return r.Slug
	}
	return fmt.Sprintf("piece %d", r.ID)
}

// undoDelete brings back the last deleted piece from the trash.
func (s *shelf) undoDelete() {
	dp := s.deleted
	if dp == nil {
		return
	}
	list, err := s.d.lib.Trash(context.Background())
	if err != nil {
		s.d.showError(err)
		return
	}
	for _, entry := range list {
		if entry.PieceID == dp.id {
			s.d.restoreTrashed(entry.ID)
			return
		}
	}
	s.deleted = nil
	s.undo.Hide()
	s.d.showError(galley.Errorf(galley.ENotFound, "%s is no longer in the trash.", dp.name))
}

// restoreTrashed brings a piece back from the trash and opens it.
func (d *Desk) restoreTrashed(trashID int64) bool {
	if !d.editor.flush() {
		return false
	}
	p, err := d.lib.RestoreTrashed(context.Background(), trashID)
	if err != nil {
		d.showError(err)
		return false
	}
	s := d.shelf
	if s.deleted != nil && s.deleted.id == p.ID {
		s.deleted = nil
		s.undo.Hide()
	}
	s.refreshChoices()
	d.editor.load(p)
	s.reload()
	s.count.SetText(fmt.Sprintf("%s is back from the trash.", p.Name()))
	return true
}
