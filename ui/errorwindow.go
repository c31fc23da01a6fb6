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

// UnreachableWindow explains that the team library could not be reached
// as Galley started, says how many changes made on this computer wait to
// be saved to it (kept), and offers Try again: retry runs in the
// background and, once it opens the library (putting the desk on the
// screen), the window closes; else it says why again.
func UnreachableWindow(a fyne.App, err error, kept int, retry func() error) fyne.Window {
	w := a.NewWindow("Galley")
	title := widget.NewLabel("Galley cannot reach the team library")
	title.TextStyle.Bold = true
	msg := widget.NewLabel("")
	msg.Wrapping = fyne.TextWrapWord
	say := func(err error) {
		text := galley.ErrorMessage(err)
		if kept > 0 {
			verb := "are"
			if kept == 1 {
				verb = "is"
			}
			text += "\n\n" + plural(kept, "change") + " you made while it was out of reach " + verb +
				" kept on this computer, and will be saved to it once it opens. Nothing is lost."
		}
		msg.SetText(text)
	}
	say(err)
	var again *widget.Button
	again = widget.NewButton("Try again", func() {
		again.Disable()
		again.SetText("Trying…")
		go func() {
			err := retry()
			fyne.Do(func() {
				if err == nil {
					w.Close()
					return
				}
				say(err)
				again.SetText("Try again")
				again.Enable()
			})
		}()
	})
	again.Importance = widget.HighImportance
	quit := widget.NewButton("Quit", w.Close)
	w.SetContent(container.NewPadded(container.NewBorder(title, container.NewHBox(quit, again), nil, nil, msg)))
	w.Resize(fyne.NewSize(600, 260))
	return w
}
