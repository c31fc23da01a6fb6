package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// FlowLayout places objects left to right, wrapping onto new lines like
// words, as chips are laid out: Fyne's own layouts give a row or a grid,
// and topics of all lengths read best as a line of text. Its zero value
// is ready to use.
type FlowLayout struct {
	width float32 // the width of the last layout, which the height depends on
}

// Layout places each object at its minimum size, wrapping at the width.
func (f *FlowLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	pad := theme.Padding()
	x, y, lineH := float32(0), float32(0), float32(0)
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if x > 0 && x+m.Width > size.Width {
			x, y, lineH = 0, y+lineH+pad, 0
		}
		o.Move(fyne.NewPos(x, y))
		o.Resize(m)
		x += m.Width + pad
		lineH = max(lineH, m.Height)
	}
}

// MinSize is the widest object's width and the height the objects take
// when wrapped at the last width laid out (at first, a typical one).
func (f *FlowLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var w, h float32
	pad := theme.Padding()
	wrap := f.width
	if wrap <= 0 {
		wrap = flowWidth
	}
	var lineW, lineH float32
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w = max(w, m.Width)
		if lineW > 0 && lineW+m.Width > wrap {
			h += lineH + pad
			lineW, lineH = 0, 0
		}
		lineW += m.Width + pad
		lineH = max(lineH, m.Height)
	}
	if lineW > 0 {
		h += lineH
	}
	return fyne.NewSize(w, h)
}

// flowWidth is the width chips are assumed to wrap at before the first
// layout.
const flowWidth = 640

var _ fyne.Layout = (*FlowLayout)(nil)
