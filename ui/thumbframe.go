package ui

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// thumbFrame shows a photo's thumbnail and, until it has been read, a grey
// box of the photo's shape with its size in pixels ("4000 × 3000"): an
// empty gap in the Photos tab or the photo library read as a photo
// missing, and the size is what an editor checks first anyway.
type thumbFrame struct {
	box   *fyne.Container // what is laid out
	img   *canvas.Image
	hold  *fyne.Container // the placeholder
	shape *canvas.Rectangle
	size  *canvas.Text
	area  fyne.Size // the space the thumbnail fits in
}

func newThumbFrame(area fyne.Size) *thumbFrame {
	f := &thumbFrame{area: area}
	f.img = canvas.NewImageFromImage(nil)
	f.img.FillMode = canvas.ImageFillContain
	f.img.ScaleMode = canvas.ImageScaleSmooth
	f.img.SetMinSize(area)
	f.shape = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	f.shape.CornerRadius = theme.InputRadiusSize()
	f.size = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	f.size.TextSize = theme.CaptionTextSize()
	f.hold = container.NewStack(container.NewCenter(f.shape), container.NewCenter(f.size))
	f.box = container.NewStack(f.hold, f.img)
	return f
}

// show puts th in the frame, or the placeholder for a photo width by
// height pixels while th is nil (0 × 0: its size is not known yet).
func (f *thumbFrame) show(th image.Image, width, height int) {
	f.img.Image = th
	f.img.Refresh()
	if th != nil {
		f.hold.Hide()
		return
	}
	f.shape.SetMinSize(placeholderSize(f.area, width, height))
	f.shape.FillColor = theme.Color(theme.ColorNameInputBackground)
	f.size.Text = sizeLabel(width, height)
	f.size.Color = theme.Color(theme.ColorNamePlaceHolder)
	f.hold.Show()
	f.hold.Refresh()
}

// loading reports whether the placeholder stands in for the thumbnail.
func (f *thumbFrame) loading() bool { return f.hold.Visible() }

// placeholderSize is the box a photo width by height pixels takes when
// fitted into area, as its thumbnail will be (so nothing jumps when it
// arrives); the whole area when its size is not known.
func placeholderSize(area fyne.Size, width, height int) fyne.Size {
	if width <= 0 || height <= 0 {
		return area
	}
	scale := min(area.Width/float32(width), area.Height/float32(height))
	return fyne.NewSize(float32(width)*scale, float32(height)*scale)
}

// sizeLabel is a photo's size as the placeholder says it.
func sizeLabel(width, height int) string {
	if width <= 0 || height <= 0 {
		return "Loading…"
	}
	return fmt.Sprintf("%d × %d", width, height)
}
