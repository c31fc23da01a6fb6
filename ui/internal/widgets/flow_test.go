package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// Chips wrap onto a new line where the next would pass the width, and
// the layout asks for the height the lines take at the width it was
// last given.
func TestFlowLayoutWrapsLikeWords(t *testing.T) {
	test.NewTempApp(t)
	chip := func() *canvas.Rectangle {
		r := canvas.NewRectangle(nil)
		r.SetMinSize(fyne.NewSize(100, 20))
		return r
	}
	a, b, c := chip(), chip(), chip()
	box := container.New(&FlowLayout{}, a, b, c)
	pad := theme.Padding()
	box.Resize(fyne.NewSize(250, 100)) // two chips a line
	if a.Position() != fyne.NewPos(0, 0) || b.Position() != fyne.NewPos(100+pad, 0) || c.Position() != fyne.NewPos(0, 20+pad) {
		t.Errorf("placed at %v, %v, %v", a.Position(), b.Position(), c.Position())
	}
	if got := box.MinSize(); got != fyne.NewSize(100, 40+pad) {
		t.Errorf("two lines ask for %v", got)
	}
	c.Hide()
	if got := box.MinSize(); got != fyne.NewSize(100, 20) {
		t.Errorf("one line, with a hidden chip, asks for %v", got)
	}
}
