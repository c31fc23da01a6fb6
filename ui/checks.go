package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/desk"
	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
)

// DefaultChecksDelay is how long the checks wait after a keystroke before
// they are run again on the piece as typed: soon enough that "Question 1
// is empty" goes as the answer is written, late enough not to run on
// every key.
const DefaultChecksDelay = 300 * time.Millisecond

// checkProblems runs the pre-publish checks on the working copy: what a
// reader or a screen reader would miss if the piece went out now.
func (e *editor) checkProblems() []galley.Problem {
	p := e.piece
	if p == nil {
		return nil
	}
	ids := make([]int64, 0, len(p.Related))
	for _, r := range p.Related {
		ids = append(ids, r.ID)
	}
	var status func(int64) (galley.Status, bool)
	if len(ids) > 0 {
		if st, err := e.d.lib.Statuses(context.Background(), ids); err == nil {
			status = func(id int64) (galley.Status, bool) { s, ok := st[id]; return s, ok }
		}
	}
	return p.Checks(status)
}

// checkNotes are what the editor should know before publishing but need
// not put right (a photo's GPS location, which the export removes).
func (e *editor) checkNotes() []galley.Problem {
	if e.piece == nil {
		return nil
	}
	return e.piece.Notes()
}

// problems is the messages of the failing checks, the possible
// misspellings last: what marking the piece ready or published asks
// about first.
func (e *editor) problems() []string {
	var msgs []string
	for _, pr := range e.checkProblems() {
		msgs = append(msgs, pr.Message)
	}
	// Asked only when the piece is marked ready or published: rendering
	// every answer is too much for each keystroke's checks.
	if e.piece != nil {
		for _, pr := range export.RawHTMLProblems(e.piece) {
			msgs = append(msgs, pr.Message)
		}
	}
	if e.spell != nil {
		for _, pr := range e.spell.problems() {
			msgs = append(msgs, pr.Message)
		}
	}
	return msgs
}

// checksBar is the one line beside the piece's name that counts the
// failing checks; its button lists them. It keeps its height whether
// none or ten fail, so the tabs below never move while the editor types
// (a banner of the checks themselves grew from one line to three).
type checksBar struct {
	e      *editor
	button *widget.Button
	list   []galley.Problem
	notes  []galley.Problem // told apart, never counted as failing
	popup  *widget.PopUp
	pause  desk.Pause    // due: edited since the checks last ran
	delay  time.Duration // after the last edit
}

func newChecksBar(e *editor) *checksBar {
	c := &checksBar{e: e, delay: DefaultChecksDelay}
	c.button = widget.NewButtonWithIcon("", theme.ConfirmIcon(), c.show)
	c.set(nil, nil)
	return c
}

// checksLabel says how many checks fail, in the words of the button, and
// how many notes there are when none fails: notes do not hold a piece
// back, but the editor should know the list has something in it.
func checksLabel(n, notes int) string {
	switch {
	case n == 0 && notes > 0:
		return "Ready: no checks fail, " + plural(notes, "note")
	case n == 0:
		return "Ready: no checks fail"
	case n == 1:
		return "1 check before publishing"
	}
	return fmt.Sprintf("%d checks before publishing", n)
}

// set shows list as the failing checks, and notes.
func (c *checksBar) set(list, notes []galley.Problem) {
	c.list, c.notes = list, notes
	c.button.SetText(checksLabel(len(list), len(notes)))
	if len(list) == 0 {
		c.button.SetIcon(theme.ConfirmIcon())
		c.button.Importance = widget.LowImportance
	} else {
		c.button.SetIcon(theme.WarningIcon())
		c.button.Importance = widget.MediumImportance
	}
	c.button.Refresh()
}

// refresh runs the checks now.
func (c *checksBar) refresh() {
	c.pause.Ran()
	c.set(c.e.checkProblems(), c.e.checkNotes())
}

// edited runs the checks again once typing pauses, on the words as they
// are in the editor, saved or not.
func (c *checksBar) edited() {
	// Through the job group: a timer that fires as the library is let go
	// hands nothing to the UI.
	c.pause.Hand = c.e.d.jobs.do
	c.pause.Wait(c.delay, c.refresh)
}

// partTab is the tab holding the part a check points at.
func (e *editor) partTab(part string) fyne.CanvasObject {
	switch part {
	case galley.PartQA:
		return e.qa.content
	case galley.PartPhotos:
		return e.photos.content
	case galley.PartTopics:
		return e.topics.content
	case galley.PartRelated:
		return e.related.content
	}
	return e.story.content
}

// show lists the failing checks under the button, each with a way to the
// tab where it is put right.
func (c *checksBar) show() {
	c.refresh() // what the piece holds this moment
	rows := container.NewVBox()
	if len(c.list) == 0 {
		rows.Add(widget.NewLabel("Nothing to put right before publishing."))
	}
	row := func(pr galley.Problem, note bool) fyne.CanvasObject {
		msg := widget.NewLabel(pr.Message)
		msg.Wrapping = fyne.TextWrapWord
		var icon fyne.CanvasObject
		if note {
			msg.Importance = widget.LowImportance
			icon = container.NewVBox(widget.NewIcon(theme.InfoIcon()))
		}
		goTo := widget.NewButton("Show", func() {
			c.hide()
			c.e.selectTab(c.e.partTab(pr.Part))
		})
		return container.NewBorder(nil, nil, icon, container.NewVBox(goTo, layout.NewSpacer()), msg)
	}
	for _, pr := range c.list {
		rows.Add(row(pr, false))
	}
	if len(c.notes) > 0 {
		head := widget.NewLabel("Notes: these do not hold the piece back")
		head.TextStyle.Bold = true
		rows.Add(head)
	}
	for _, pr := range c.notes {
		rows.Add(row(pr, true))
	}
	scroll := container.NewVScroll(rows)
	// Laid out at the popup's width first: wrapped messages know their
	// height only once they know their width, and a note cut in half
	// hid under the popup's edge.
	rows.Resize(fyne.NewSize(560, rows.MinSize().Height))
	height := min(rows.MinSize().Height, 420)
	// The width is fixed so the messages wrap; the height follows them
	// up to a limit, past which the list scrolls.
	scroll.SetMinSize(fyne.NewSize(560, height))
	c.popup = widget.NewPopUp(scroll, c.e.d.win.Canvas())
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(c.button)
	x := max(0, min(pos.X+c.button.Size().Width-560, c.e.d.win.Canvas().Size().Width-580))
	c.popup.ShowAtPosition(fyne.NewPos(x, pos.Y+c.button.Size().Height))
}

func (c *checksBar) hide() {
	if c.popup != nil {
		c.popup.Hide()
		c.popup = nil
	}
}

// refreshChecks runs the checks on the working copy now (a piece was
// opened or saved).
func (e *editor) refreshChecks() { e.checks.refresh() }
