package ui

import (
	"context"
	"slices"
	"time"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// watcher is a library that tells of the changes other programs make to
// it as they commit: a team library. A library file tells nothing (its
// Watch returns at once), and the version check on saving stays the last
// line of defence either way.
type watcher interface {
	Watch(ctx context.Context, fn func(store.Change)) error
}

var _ watcher = (*store.Store)(nil)

// watch follows the library's changes for as long as it is on the desk:
// the list shows another desk's save within a moment, and the open piece
// is brought up to date, or the editor asked what to do when they have
// unsaved edits of their own.
func (d *Desk) watch() {
	w, ok := d.lib.(watcher)
	if !ok {
		return
	}
	g := d.jobs
	g.start(func(ctx context.Context) {
		w.Watch(ctx, func(c store.Change) {
			g.do(func() { d.changedElsewhere(c) })
		})
	})
}

// changedElsewhere takes in a change another program made.
func (d *Desk) changedElsewhere(c store.Change) {
	d.shelf.reload()
	e := d.editor
	p := e.piece
	if p == nil || p.ID == 0 || e.conflicted || (!c.All && !slices.Contains(c.Pieces, p.ID)) {
		return
	}
	theirs, err := d.lib.Piece(context.Background(), p.ID)
	switch {
	case galley.ErrorCode(err) == galley.ENotFound:
		theirs = nil
	case err != nil:
		return // the next save's check will tell
	case theirs.Version == p.Version:
		return // this desk's own save
	}
	if e.dirty || theirs == nil {
		e.showConflict(theirs)
		return
	}
	e.load(theirs)
	e.setState("Updated from another desk at " + time.Now().Format("15:04"))
}
