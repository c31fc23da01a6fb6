package desk

import "app.galley/galley/internal/galley"

// StatusChange is what moving the open piece to another status does.
type StatusChange struct {
	// ForEditor: on a team library only an editor marks a piece ready or
	// published; ask the desk whether this user may (the server refuses
	// it anyway).
	ForEditor bool
	// Confirm lists the failing pre-publish checks the editor is asked
	// about before the piece is marked ready or published; empty: no
	// question.
	Confirm []string
	// KeepSlug: a published page's address must not move with later
	// retitling, so the slug stops following the title.
	KeepSlug bool
	// Date is the publication date to set: publishing a piece without one
	// would leave the page undated. Zero: the date stays.
	Date galley.Date
}

// ChangeStatus decides what moving a piece from status from to to does.
// published is its publication date, problems its failing checks, today
// the date it is now.
func ChangeStatus(from, to galley.Status, published galley.Date, problems []string, today galley.Date) StatusChange {
	var c StatusChange
	final := to == galley.StatusReady || to == galley.StatusPublished
	c.ForEditor = final && to != from
	if final && len(problems) > 0 {
		c.Confirm = problems
	}
	if to == galley.StatusPublished {
		c.KeepSlug = true
		if published.IsZero() {
			c.Date = today
		}
	}
	return c
}
