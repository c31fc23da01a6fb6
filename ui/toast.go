package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2/widget"
)

// toastDelay is how long a toast stays: long enough to read a few words.
const toastDelay = 2500 * time.Millisecond

// toast says briefly, in bold beside the piece's name, that something
// with no other visible result was done (the HTML copied to the
// clipboard): the saved state there is missed, and the next keystroke
// replaces it. It is not a pop-up: Fyne removes every overlay above one
// it hides, so a dialog shown meanwhile would go with it.
func (d *Desk) toast(msg string) {
	n := d.editor.notice
	d.editor.noticeGen++
	gen := d.editor.noticeGen
	n.SetText(msg)
	n.Show()
	// A job of the library's group rather than a bare timer: letting go
	// of the library stops it, and tests that wait for the group's work
	// wait for the toast to go too.
	g := d.jobs
	g.start(func(ctx context.Context) {
		select {
		case <-time.After(toastDelay):
			g.do(func() {
				if d.editor.noticeGen == gen {
					n.Hide()
				}
			})
		case <-ctx.Done():
		}
	})
}

func newNotice() *widget.Label {
	n := widget.NewLabel("")
	n.TextStyle.Bold = true
	n.Importance = widget.SuccessImportance
	n.Hide()
	return n
}
