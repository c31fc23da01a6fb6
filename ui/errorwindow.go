package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// ErrorWindow explains a failure that keeps the desk from opening, such as
// a library file that is damaged or belongs to a newer Galley.
func ErrorWindow(a fyne.App, heading string, err error) fyne.Window {
	w := a.NewWindow("Galley")
	title := widget.NewLabel(heading)
	title.TextStyle.Bold = true
	msg := widget.NewLabel(galley.ErrorMessage(err))
	msg.Wrapping = fyne.TextWrapWord
	quit := widget.NewButton("Quit", w.Close)
	w.SetContent(container.NewPadded(container.NewBorder(title, container.NewHBox(quit), nil, nil, msg)))
	w.Resize(fyne.NewSize(560, 220))
	return w
}
