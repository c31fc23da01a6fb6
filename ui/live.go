package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	d.learnRole()
	w, ok := d.lib.(watcher)
	if !ok {
		return
	}
	g := d.jobs
	g.start(func(ctx context.Context) {
		// On a team library the desk is present for as long as it
		// watches: the other desks see which piece it has open.
		var se *store.Session
		if j, ok := d.lib.(joiner); ok {
			se, _ = j.Join(ctx, "") // as the library knows its user
			defer se.Leave()
			g.do(func() {
				d.session = se
				d.openPresence()
			})
		}
		w.Watch(ctx, func(c store.Change) {
			g.do(func() { d.changedElsewhere(c) })
		})
	})
}

// joiner is a library other desks can be present on: a team library.
type joiner interface {
	Join(ctx context.Context, who string) (*store.Session, error)
	Presence(ctx context.Context, mine *store.Session) ([]galley.Presence, error)
}

var _ joiner = (*store.Store)(nil)

// openPresence tells the other desks which piece this one has open, and
// shows who else has it open.
func (d *Desk) openPresence() {
	se := d.session
	j, ok := d.lib.(joiner)
	if se == nil || !ok {
		d.setPresent("")
		return
	}
	var id int64
	if p := d.editor.piece; p != nil {
		id = p.ID
	}
	// Who else has this piece open, as last heard, at once; the server
	// is asked again below.
	d.showPresence(d.presence)
	g := d.jobs
	g.start(func(ctx context.Context) {
		se.Open(ctx, id)
		list, err := j.Presence(ctx, se)
		if err != nil {
			return
		}
		g.do(func() { d.showPresence(list) })
	})
}

// showPresence says who else has the open piece open, beside its name,
// and in the list beside every piece another desk has open.
func (d *Desk) showPresence(list []galley.Presence) {
	if !slices.Equal(list, d.presence) {
		d.presence = list
		d.shelf.list.Refresh()
	}
	var names []string
	if p := d.editor.piece; p != nil {
		names = d.openBy(p.ID, true)
	}
	if len(names) == 0 {
		d.setPresent("")
		return
	}
	d.setPresent("Open by " + strings.Join(names, ", "))
}

// openBy names the other desks that have piece id open, as last heard,
// with since when if since is set.
func (d *Desk) openBy(id int64, since bool) []string {
	var names []string
	for _, pr := range d.presence {
		if id == 0 || pr.PieceID != id {
			continue
		}
		if since {
			names = append(names, fmt.Sprintf("%s since %s", pr.Who, pr.Since.Local().Format(clockLayout)))
		} else {
			names = append(names, pr.Who)
		}
	}
	return names
}

// setPresent shows who else has the piece open, taking no room when no
// one does.
func (d *Desk) setPresent(text string) {
	d.editor.present.SetText(text)
	if text == "" {
		d.editor.present.Hide()
	} else {
		d.editor.present.Show()
	}
}

// changedElsewhere takes in a change another program made.
func (d *Desk) changedElsewhere(c store.Change) {
	switch {
	case c.Lost:
		d.goOffline()
		return
	case c.Back:
		d.backOnline()
	}
	if c.Presence {
		d.openPresence()
		return
	}
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
	if e.dirty || e.outKey != "" || theirs == nil {
		e.showConflict(theirs)
		return
	}
	e.load(theirs)
	e.setState("Updated from another desk at " + time.Now().Format(clockLayout))
}
