package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// Comparison choices in the history window.
const (
	compareWithPrevious = "with the revision before"
	compareWithCurrent  = "with the text now"
)

// historyWindow shows the open piece's revisions: what each changed, word
// by word, and a way to restore one.
type historyWindow struct {
	d       *Desk
	win     fyne.Window
	pieceID int64
	revs    []galley.Revision
	list    *widget.List
	chosen  int
	compare *widget.Select
	diff    *fyne.Container // the headings and marked text of the difference shown
	restore *widget.Button
}

// showHistory opens the history of the open piece, saving it first so the
// newest revision is the text on the desk.
func (d *Desk) showHistory() *historyWindow {
	p := d.editor.piece
	if p == nil || !d.editor.flush() || d.editor.piece == nil || d.editor.piece.ID == 0 {
		return nil
	}
	p = d.editor.piece
	h := &historyWindow{d: d, win: d.app.NewWindow("History of " + p.Name()), pieceID: p.ID, chosen: -1, diff: container.NewVBox()}
	h.list = widget.NewList(func() int { return len(h.revs) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("#00 · Jan 2, 15:04 · someone · draft")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := h.revs[i]
			text := fmt.Sprintf("#%d · %s · %s · %s", r.Number, r.Saved.Local().Format(galley.ShownTimeLayout), r.Author, r.Status)
			if r.Change != "" {
				// Not the editor's typing: an import, a restore, a rename.
				text += " · " + r.Change
			}
			if i == 0 {
				text += " (now)"
			}
			o.(*widget.Label).SetText(text)
		})
	h.list.OnSelected = func(i widget.ListItemID) { h.chosen = i; h.show() }
	h.compare = widget.NewSelect([]string{compareWithPrevious, compareWithCurrent}, func(string) { h.show() })
	h.compare.SetSelected(compareWithPrevious)
	h.restore = widget.NewButtonWithIcon("Restore this revision", theme.HistoryIcon(), h.confirmRestore)
	h.restore.Disable()
	legend := newChangeText([]galley.TextChange{
		{Op: galley.Kept, Text: "Marked: "}, {Op: galley.Added, Text: "words added"},
		{Op: galley.Kept, Text: ", "}, {Op: galley.Removed, Text: "words removed"},
	})
	right := container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel("Compare"), nil, h.compare), legend), container.NewHBox(h.restore), nil, nil,
		container.NewVScroll(h.diff))
	split := container.NewHSplit(h.list, right)
	split.Offset = 0.35
	h.win.SetContent(split)
	h.win.Resize(fyne.NewSize(980, 640))
	d.track(h.win)
	h.reload()
	h.win.Show()
	return h
}

func (h *historyWindow) reload() {
	revs, err := h.d.lib.Revisions(context.Background(), h.pieceID)
	if err != nil {
		dialog.ShowError(fmt.Errorf("%s", galley.ErrorMessage(err)), h.win)
	}
	h.revs = revs
	// Any two revisions can be compared: the chosen one with any other.
	options := []string{compareWithPrevious, compareWithCurrent}
	for _, r := range revs {
		options = append(options, revisionLabel(r.Number))
	}
	h.compare.Options = options
	h.compare.Refresh()
	h.list.Refresh()
	if len(revs) > 0 {
		h.list.Select(0)
	}
}

// show draws what the chosen revision changed.
func (h *historyWindow) show() {
	if h.chosen < 0 || h.chosen >= len(h.revs) {
		return
	}
	ctx := context.Background()
	rev := h.revs[h.chosen]
	newer, err := h.d.lib.RevisionPiece(ctx, h.pieceID, rev.Number)
	if err != nil {
		h.setDiff(wrappedLabel(galley.ErrorMessage(err)))
		return
	}
	var older *galley.Piece
	var heading string
	other := 0
	for _, r := range h.revs {
		if h.compare.Selected == revisionLabel(r.Number) {
			other = r.Number
		}
	}
	switch {
	case other != 0:
		older, err = h.d.lib.RevisionPiece(ctx, h.pieceID, other)
		heading = fmt.Sprintf("From revision %d to revision %d:", other, rev.Number)
	case h.compare.Selected == compareWithCurrent:
		// What restoring this revision would do to the text now.
		older, err = h.d.lib.RevisionPiece(ctx, h.pieceID, h.revs[0].Number)
		heading = fmt.Sprintf("Restoring revision %d would change the text now like this:", rev.Number)
	case h.chosen+1 < len(h.revs):
		older, err = h.d.lib.RevisionPiece(ctx, h.pieceID, h.revs[h.chosen+1].Number)
		heading = fmt.Sprintf("What revision %d changed from revision %d:", rev.Number, h.revs[h.chosen+1].Number)
	default:
		older = &galley.Piece{}
		heading = fmt.Sprintf("Revision %d, the first:", rev.Number)
	}
	if err != nil {
		h.setDiff(wrappedLabel(galley.ErrorMessage(err)))
		return
	}
	h.setDiff(diffObjects(heading, galley.DiffPieces(older, newer))...)
	if h.chosen == 0 {
		h.restore.Disable() // it is the text now
	} else {
		h.restore.Enable()
	}
}

func (h *historyWindow) confirmRestore() {
	if h.chosen <= 0 || h.chosen >= len(h.revs) {
		return
	}
	rev := h.revs[h.chosen]
	confirm(h.win, "Restore this revision?",
		fmt.Sprintf("Make revision %d the piece's text again? The text now is kept as a revision, so this can be undone.", rev.Number),
		func() {
			d := h.d
			if !d.editor.flush() {
				return
			}
			p, err := d.lib.RestoreRevision(context.Background(), h.pieceID, rev.Number)
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s", galley.ErrorMessage(err)), h.win)
				return
			}
			if d.editor.piece != nil && d.editor.piece.ID == p.ID {
				d.editor.load(p)
			}
			d.shelf.reload()
			h.reload()
		})
}

func revisionLabel(n int) string { return fmt.Sprintf("with revision %d", n) }

// setDiff shows objs as the difference.
func (h *historyWindow) setDiff(objs ...fyne.CanvasObject) {
	h.diff.Objects = objs
	h.diff.Refresh()
}

// diffText spells the difference shown, removed words as [-…-] and added
// ones as {+…+}, a line per heading, field or list.
func (h *historyWindow) diffText() string {
	var lines []string
	for _, o := range h.diff.Objects {
		switch o := o.(type) {
		case *widget.Label:
			lines = append(lines, o.Text)
		case *changeText:
			lines = append(lines, o.String())
		}
	}
	return strings.Join(lines, "\n")
}

func wrappedLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// diffObjects lays a difference out: a heading per field, then its words
// with removed ones struck through and added ones highlighted.
func diffObjects(heading string, d galley.PieceDiff) []fyne.CanvasObject {
	objs := []fyne.CanvasObject{wrappedLabel(heading)}
	if d.Empty() {
		return append(objs, wrappedLabel("No differences."))
	}
	changes := func(title string, list []galley.TextChange) {
		t := wrappedLabel(title)
		t.TextStyle.Bold = true
		objs = append(objs, t, newChangeText(list))
	}
	line := func(title string, items []string) {
		if len(items) > 0 {
			objs = append(objs, wrappedLabel(title+": "+strings.Join(items, "; ")))
		}
	}
	for _, f := range d.Fields {
		changes(f.Field, f.Changes)
	}
	for _, q := range d.QA {
		switch q.Op {
		case galley.Added:
			line(fmt.Sprintf("Question %d added", q.Number), []string{q.Question})
		case galley.Removed:
			line(fmt.Sprintf("Question %d removed", q.Number), []string{q.Question})
		default:
			changes(fmt.Sprintf("Answer %d (%s)", q.Number, q.Question), q.Answer)
		}
	}
	line("Photos added", d.PhotosAdded)
	line("Photos removed", d.PhotosRemoved)
	for _, f := range d.PhotosChanged {
		changes(f.Field, f.Changes)
	}
	line("Topics added", d.TopicsAdded)
	line("Topics removed", d.TopicsRemoved)
	line("Related pieces added", d.RelatedAdded)
	line("Related pieces removed", d.RelatedRemoved)
	return objs
}
