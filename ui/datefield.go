package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// dateField edits a publication date as YYYY-MM-DD, typed or picked from a
// calendar. It is not Fyne's DateEntry because that writes dates in the
// system's short form, where 12/10/2026 means October to one editor and
// December to the next; the ISO form reads the same everywhere and is the
// form the library and bundles use.
type dateField struct {
	entry    *widget.Entry
	pick     *widget.Button
	box      fyne.CanvasObject
	win      func() fyne.Window
	onChange func(d galley.Date)
	onError  func(err error) // what is typed is not (yet) a date
	popup    *widget.PopUp
}

func newDateField(win func() fyne.Window, onChange func(galley.Date), onError func(error)) *dateField {
	f := &dateField{entry: widget.NewEntry(), win: win, onChange: onChange, onError: onError}
	f.entry.SetPlaceHolder("YYYY-MM-DD, e.g. 2018-07-17")
	f.entry.Validator = func(s string) error {
		_, err := galley.ParseDate(strings.TrimSpace(s))
		return err
	}
	f.entry.OnChanged = func(string) {
		if err := f.check(); err != nil {
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

// check reports whether what is typed is a date (or nothing), in words
// an editor can act on.
func (f *dateField) check() error {
	text := strings.TrimSpace(f.entry.Text)
	if _, err := galley.ParseDate(text); err != nil {
		return galley.Errorf(galley.EInvalid, "The publication date “%s” is not a date in the form YYYY-MM-DD (for example 2018-07-17); correct it or clear it.", text)
	}
	return nil
}

// set shows d without reporting a change.
func (f *dateField) set(d galley.Date) {
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
func (f *dateField) showCalendar() {
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
