package widgets

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// DateField edits a publication date as YYYY-MM-DD, typed or picked from a
// calendar. It is not Fyne's DateEntry because that writes dates in the
// system's short form, where 12/10/2026 means October to one editor and
// December to the next; the ISO form reads the same everywhere and is the
// form the library and bundles use.
//
// It is not a widget of its own but a text box and a calendar button side
// by side (Object), so the form it sits in lays them out as it always has.
type DateField struct {
	entry    *widget.Entry
	pick     *widget.Button
	box      fyne.CanvasObject
	win      func() fyne.Window
	onChange func(d galley.Date)
	onError  func(err error) // what is typed is not (yet) a date
	popup    *widget.PopUp
}

// NewDateField makes an empty date field. win is the window the calendar
// opens over, asked each time it opens (the field may be made before its
// window is). onChange runs with each date typed or picked, the zero Date
// when the box is cleared; onError runs instead, with what is wrong in an
// editor's words, while what is typed is not a date. Neither runs for
// Set.
func NewDateField(win func() fyne.Window, onChange func(galley.Date), onError func(error)) *DateField {
	f := &DateField{entry: widget.NewEntry(), win: win, onChange: onChange, onError: onError}
	f.entry.SetPlaceHolder("YYYY-MM-DD, e.g. 2018-07-17")
	f.entry.Validator = func(s string) error {
		_, err := galley.ParseDate(strings.TrimSpace(s))
		return err
	}
	f.entry.OnChanged = func(string) {
		if err := f.Check(); err != nil {
			f.onError(err)
			return
		}
		d, _ := galley.ParseDate(strings.TrimSpace(f.entry.Text))
		f.onChange(d)
	}
	f.pick = widget.NewButtonWithIcon("", theme.CalendarIcon(), f.showCalendar)
	f.box = container.NewBorder(nil, nil, nil, f.pick, f.entry)
	return f
}

// Object is what to put on the screen: the text box with the calendar
// button at its end.
func (f *DateField) Object() fyne.CanvasObject { return f.box }

// Entry is the text box the date is typed in, for its owner to type into
// or focus as an editor would (its Validator marks a wrong date).
func (f *DateField) Entry() *widget.Entry { return f.entry }

// Check reports whether what is typed is a date (or nothing), in words
// an editor can act on, so that its owner can refuse to move on from a
// date it cannot read instead of dropping it.
func (f *DateField) Check() error {
	text := strings.TrimSpace(f.entry.Text)
	if _, err := galley.ParseDate(text); err != nil {
		return galley.Errorf(galley.EInvalid, "The publication date “%s” is not a date in the form YYYY-MM-DD (for example 2018-07-17); correct it or clear it.", text)
	}
	return nil
}

// Set shows d (nothing for the zero Date) without reporting a change: it
// is how a piece opened is shown, not an edit.
func (f *DateField) Set(d galley.Date) {
	on := f.entry.OnChanged
	f.entry.OnChanged = nil
	if d.IsZero() {
		f.entry.SetText("")
	} else {
		f.entry.SetText(d.String())
	}
	f.entry.OnChanged = on
}

// showCalendar opens a month calendar below the field; a tap on a day
// fills it in.
func (f *DateField) showCalendar() {
	start := time.Now()
	if d, err := galley.ParseDate(strings.TrimSpace(f.entry.Text)); err == nil && !d.IsZero() {
		start = d.Time()
	}
	c := f.win().Canvas()
	cal := widget.NewCalendar(start, func(t time.Time) {
		f.entry.SetText(galley.DateOf(t).String())
		if f.popup != nil {
			f.popup.Hide()
		}
	})
	f.popup = widget.NewPopUp(cal, c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.entry)
	f.popup.ShowAtPosition(pos.Add(fyne.NewPos(0, f.entry.Size().Height)))
}
