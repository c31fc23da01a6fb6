package ui

import (
	"context"

	"app.galley/galley/internal/galley"
)

// behindOverlay runs work off the UI goroutine behind a working overlay
// saying what, with the menus waiting (d.retiring), so slow work — reading
// a backup whole, reaching a server, reading photos — never stops the
// window drawing, and the editor cannot type into a desk about to change.
//
// With a job group, work runs as work the editor asked for in that group
// (it ends with its library, and the desk waits for it); without one (the
// library's own work is being let go, or another library is being
// reached) it runs in the desk's interim group, with a context that never
// ends. Either way a close of the window meanwhile is put off until the
// work has ended and finish has run (d.quitAsked).
//
// work returns what is to be done with its result on the UI goroutine,
// after the overlay is hidden. It is told whether the window was closed
// meanwhile (quitting): then the window closes right after it, so it
// should only let go of what work made, or finish what must not be lost.
// If the group is stopped and work cannot start, the overlay goes and
// nothing runs.
//
// Work for the library (with a group) is refused, and behindOverlay
// reports false, while another overlay holds the desk (d.retiring): a
// library being let go or another being reached would stop its group
// under it, leaving its overlay up for good, and its end would bring the
// menus back in the middle of the other's.
func (d *Desk) behindOverlay(what string, g *jobs, work func(ctx context.Context) (finish func(quitting bool))) bool {
	if g != nil && d.retiring {
		return false
	}
	hide := working(d.win, what)
	d.retiring = true
	end := func(finish func(bool)) {
		hide()
		d.retiring = false
		quitting := d.quitAsked
		d.quitAsked = false
		finish(quitting)
		if quitting {
			d.close()
		}
	}
	if g == nil {
		// Never refused: the interim group is never stopped.
		d.interim.start(func(ctx context.Context) {
			finish := work(ctx)
			d.interim.do(func() { end(finish) })
		})
		return true
	}
	if !g.startAsked(func(ctx context.Context) {
		finish := work(ctx)
		g.do(func() { end(finish) })
	}) {
		hide()
		d.retiring = false
		return false
	}
	return true
}

// busyError is what an editor is told when slow work is refused because
// another holds the desk.
func busyError(what string) error {
	return galley.Errorf(galley.EBusy, "%s waits: the library is being closed or another opened. Try again in a moment.", what)
}
