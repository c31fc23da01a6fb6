package widgets

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// ThumbFrame shows a photo's thumbnail and, until it has been read, a grey
// box of the photo's shape with its size in pixels ("4000 × 3000"): an
// empty gap in the Photos tab or the photo library read as a photo
// missing, and the size is what an editor checks first anyway.
type ThumbFrame struct {
	box   *fyne.Container // what is laid out
	img   *canvas.Image
	hold  *fyne.Container // the placeholder
	shape *canvas.Rectangle
	size  *canvas.Text
	area  fyne.Size // the space the thumbnail fits in
}

// NewThumbFrame makes an empty frame for thumbnails fitted into area,
// which it keeps whatever it shows, so a grid or a card does not jump.
func NewThumbFrame(area fyne.Size) *ThumbFrame {
	f := &ThumbFrame{area: area}
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

// SetImage puts th in the frame, or the placeholder for a photo width by
// height pixels while th is nil (0 × 0: its size is not known yet).
func (f *ThumbFrame) SetImage(th image.Image, width, height int) {
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

// Content is what to lay out: the frame is a part of a card or a cell,
// not a widget of its own, so that a grid reusing cells reuses it too.
func (f *ThumbFrame) Content() fyne.CanvasObject { return f.box }

// Loading reports whether the placeholder stands in for the thumbnail,
// so the desk's tests can tell a thumbnail still on its way.
func (f *ThumbFrame) Loading() bool { return f.hold.Visible() }

// Image is the thumbnail shown, nil while the placeholder stands in; the
// desk's tests check a thumbnail arrived by it.
func (f *ThumbFrame) Image() image.Image { return f.img.Image }

// Placeholder is what the placeholder says and the size of its box, which
// the desk's tests check against the photo they wait for.
func (f *ThumbFrame) Placeholder() (label string, size fyne.Size) {
	return f.size.Text, f.shape.MinSize()
}

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
