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
	return unreachableWindow(a, err, kept, retry, fyne.Do)
}

// unreachableWindow is UnreachableWindow handing retry's outcome to the UI
// goroutine through ui, as newDesk does: tests give a queue they run on
// their own goroutine, where Fyne's test driver would run fyne.Do at once
// on retry's, beside the test's look at the window.
func unreachableWindow(a fyne.App, err error, kept int, retry func() error, ui func(func())) fyne.Window {
	say := func(err error) string {
		text := galley.ErrorMessage(err)
		if kept > 0 {
			verb := "are"
			if kept == 1 {
				verb = "is"
			}
			text += "\n\n" + plural(kept, "change") + " you made while it was out of reach " + verb +
				" kept on this computer, and will be saved to it once it opens. Nothing is lost."
		}
		return text
	}
	return actionWindow(a, "Galley cannot reach the team library", say(err), say, "Try again", "Trying…", retry, ui)
}

// MissingLibraryWindow says that Galley was started on a library file that
// is not there (a mistyped --db or GALLEY_DB) and offers to make a new,
// empty library at that path; nothing is made unless the editor asks, so
// a typo never leaves an empty library behind. create makes and opens it
// in the background, putting the desk on the screen; the window then
// closes, or says why it could not.
func MissingLibraryWindow(a fyne.App, path string, create func() error) fyne.Window {
	return missingLibraryWindow(a, path, create, fyne.Do)
}

// missingLibraryWindow is MissingLibraryWindow handing create's outcome
// to the UI goroutine through ui (see unreachableWindow).
func missingLibraryWindow(a fyne.App, path string, create func() error, ui func(func())) fyne.Window {
	text := "There is no library at " + path + ".\n\nMake a new, empty library there, or quit and check the path."
	return actionWindow(a, "Galley cannot find the library", text, galley.ErrorMessage, "Make a new library there", "Making it…", create, ui)
}

// actionWindow is a start-up window with one thing to do besides Quit:
// act runs in the background with the button disabled and labelled busy;
// once it succeeds the window closes, else say tells why. Its outcome
// reaches the widgets through ui (fyne.Do outside tests).
func actionWindow(a fyne.App, heading, text string, say func(error) string, label, busy string, act func() error, ui func(func())) fyne.Window {
	w := a.NewWindow("Galley")
	title := widget.NewLabel(heading)
	title.TextStyle.Bold = true
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	var do *widget.Button
	do = widget.NewButton(label, func() {
		do.Disable()
		do.SetText(busy)
		go func() {
			err := act()
			ui(func() {
				if err == nil {
					w.Close()
					return
				}
				msg.SetText(say(err))
				do.SetText(label)
				do.Enable()
			})
		}()
	})
	do.Importance = widget.HighImportance
	quit := widget.NewButton("Quit", w.Close)
	w.SetContent(container.NewPadded(container.NewBorder(title, container.NewHBox(quit, do), nil, nil, msg)))
	w.Resize(fyne.NewSize(600, 260))
	return w
}
