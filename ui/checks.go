package ui

import (
	"context"
	"strings"

	"app.galley/galley/internal/galley"
)

// problems runs the pre-publish checks on the working copy: what a reader
// or a screen reader would miss if the piece went out now.
func (e *editor) problems() []string {
	p := e.piece
	if p == nil {
		return nil
	}
	ids := make([]int64, 0, len(p.Related))
	for _, r := range p.Related {
		ids = append(ids, r.ID)
	}
	var status func(int64) (galley.Status, bool)
	if st, err := e.d.lib.Statuses(context.Background(), ids); err == nil {
		status = func(id int64) (galley.Status, bool) { s, ok := st[id]; return s, ok }
	}
	var msgs []string
	for _, pr := range p.Checks(status) {
		msgs = append(msgs, pr.Message)
	}
	return msgs
}

// refreshChecks shows the failing checks above the tabs, so they are in
// sight while the piece is finished rather than discovered at publishing.
func (e *editor) refreshChecks() {
	msgs := e.problems()
	if len(msgs) == 0 {
		e.checks.Hide()
		return
	}
	text := "Before publishing: " + strings.Join(msgs, " ")
	e.checks.SetText(text)
	e.checks.Show()
}
