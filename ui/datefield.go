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
	popup    *widget.PopUp
}

func newDateField(win func() fyne.Window, onChange func(galley.Date)) *dateField {
	f := &dateField{entry: widget.NewEntry(), win: win, onChange: onChange}
	f.entry.SetPlaceHolder("YYYY-MM-DD, e.g. 2018-07-17")
	f.entry.Validator = func(s string) error {
		_, err := galley.ParseDate(strings.TrimSpace(s))
		return err
	}
	f.entry.OnChanged = func(s string) {
		if d, err := galley.ParseDate(strings.TrimSpace(s)); err == nil {
			f.onChange(d)
		}
	}
	f.pick = widget.NewButtonWithIcon("", theme.CalendarIcon(), f.showCalendar)
	f.box = container.NewBorder(nil, nil, nil, f.pick, f.entry)
	return f
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
