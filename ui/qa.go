package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/ui/internal/widgets"
)

// Keys that move a Q&A pair while the focus is in it.
var (
	shortcutPairUp   = &desktop.CustomShortcut{KeyName: fyne.KeyUp, Modifier: fyne.KeyModifierAlt}
	shortcutPairDown = &desktop.CustomShortcut{KeyName: fyne.KeyDown, Modifier: fyne.KeyModifierAlt}
)

// qaTab edits the interview: question and answer pairs in order. Tab goes
// question → answer → next question; Alt+Up and Alt+Down move a pair.
type qaTab struct {
	e       *editor
	pairs   *fyne.Container
	rows    []*qaRow
	scroll  *container.Scroll
	count   *widget.Label
	content fyne.CanvasObject
}

// qaRow is one pair's widgets.
type qaRow struct {
	label    *widget.Label
	question *widgets.TextArea
	answer   *widgets.TextArea
	icons    rowIcons
	box      fyne.CanvasObject
}

func newQATab(e *editor) *qaTab {
	q := &qaTab{e: e, pairs: container.NewVBox(), count: widget.NewLabel("")}
	add := widget.NewButtonWithIcon("Add question", theme.ContentAddIcon(), q.add)
	q.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(q.pairs, container.NewHBox(add))))
	q.content = container.NewBorder(q.count, nil, nil, nil, q.scroll)
	return q
}

func (q *qaTab) load(p *galley.Piece) { q.rebuild() }

// rebuild makes one row per pair. Rows are rebuilt only when pairs are
// added, moved or removed, never while typing, so the focus stays put.
func (q *qaTab) rebuild() {
	p := q.e.piece
	q.e.releaseFocus()
	q.rows = q.rows[:0]
	q.pairs.Objects = nil
	if p != nil {
		for i := range p.QA {
			r := q.newRow(i)
			q.rows = append(q.rows, r)
			q.pairs.Objects = append(q.pairs.Objects, r.box)
		}
	}
	q.pairs.Refresh()
	q.updateCount()
}

func (q *qaTab) updateCount() {
	n := 0
	if q.e.piece != nil {
		n = len(q.e.piece.QA)
	}
	if n == 0 {
		q.count.SetText("No questions yet. Add one below.")
	} else {
		q.count.SetText(plural(n, "question"))
	}
}

func (q *qaTab) newRow(i int) *qaRow {
	p := q.e.piece
	r := &qaRow{label: widget.NewLabel(fmt.Sprintf("Question %d", i+1))}
	r.label.TextStyle.Bold = true
	r.question = widgets.NewTextAreaWith(2, "The question, as put to the guest", p.QA[i].Question)
	r.answer = widgets.NewTextAreaWith(4, "The answer (Markdown)", p.QA[i].Answer).Growing(12)
	r.question.OnChanged = func(t string) {
		if !q.e.loading && p == q.e.piece && i < len(p.QA) {
			p.QA[i].Question = t
			q.e.changed()
		}
	}
	r.answer.OnChanged = func(t string) {
		if !q.e.loading && p == q.e.piece && i < len(p.QA) {
			p.QA[i].Answer = t
			q.e.changed()
		}
	}
	keys := moveKeys(i, q.move)
	r.question.OnShortcut, r.answer.OnShortcut = keys, keys
	r.icons = newRowIcons(i, len(p.QA), q.move, q.delete)
	head := container.NewBorder(nil, nil, nil, r.icons.box(), r.label)
	r.box = container.NewVBox(head, r.question, r.answer, widget.NewSeparator())
	return r
}

// add appends an empty pair and puts the cursor in its question.
func (q *qaTab) add() {
	p := q.e.piece
	if p == nil {
		return
	}
	if len(p.QA) >= galley.MaxQA {
		q.e.d.showError(galley.Errorf(galley.EInvalid, "A piece can have at most %d questions.", galley.MaxQA))
		return
	}
	p.QA = append(p.QA, galley.QA{})
	q.rebuild()
	q.e.changed()
	last := q.rows[len(q.rows)-1]
	q.e.d.win.Canvas().Focus(last.question)
	q.scroll.ScrollToBottom()
}

// move moves pair from to position to, keeping the focus on it.
func (q *qaTab) move(from, to int) {
	p := q.e.piece
	if p == nil || to < 0 || to >= len(p.QA) {
		return
	}
	focused := q.e.d.win.Canvas().Focused()
	onAnswer := from < len(q.rows) && focused == q.rows[from].answer
	moveItem(p.QA, from, to)
	q.rebuild()
	q.e.changed()
	if onAnswer {
		q.e.d.win.Canvas().Focus(q.rows[to].answer)
	} else if focused != nil {
		q.e.d.win.Canvas().Focus(q.rows[to].question)
	}
}

// delete removes a pair. An empty pair goes at once; one with words asks.
func (q *qaTab) delete(i int) {
	p := q.e.piece
	if p == nil || i >= len(p.QA) {
		return
	}
	drop := func() {
		if p != q.e.piece || i >= len(p.QA) {
			return // another piece was opened meanwhile
		}
		p.QA = removeItem(p.QA, i)
		q.rebuild()
		q.e.changed()
	}
	if p.QA[i].Question == "" && p.QA[i].Answer == "" {
		drop()
		return
	}
	confirm(q.e.d.win, "Delete this question?", fmt.Sprintf("Delete question %d and its answer?", i+1), drop)
}
