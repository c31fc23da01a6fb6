package ui

import (
	"context"

	"fyne.io/fyne/v2/dialog"

	"app.galley/galley/internal/store"
)

// The server refuses what a role may not do; the desk says so before the
// editor tries, in words, instead of letting a save fail.

// roleTeller is a library that says what its user may do.
type roleTeller interface {
	Role(ctx context.Context) (string, error)
}

var _ roleTeller = (*store.Store)(nil)

// learnRole reads the user's role on the library in the background.
func (d *Desk) learnRole() {
	rt, ok := d.lib.(roleTeller)
	if !ok {
		return
	}
	g := d.jobs
	g.start(func(ctx context.Context) {
		role, err := rt.Role(ctx)
		if err != nil {
			return
		}
		g.do(func() { d.role = role })
	})
}

// editorOnly reports whether what is about to be done is for editors
// while the user is a writer, and if so says so.
func (d *Desk) editorOnly(what string) bool {
	if d.role != "writer" && d.role != "reader" {
		return false
	}
	dialog.ShowInformation("For an editor",
		"On this team library you are a "+d.role+": "+what+" is for an editor. Ask one, or send the piece to review.", d.win)
	return true
}
