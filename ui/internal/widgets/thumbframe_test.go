package widgets

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestPlaceholderSizeFitsThePhotoInItsArea(t *testing.T) {
	area := fyne.NewSize(200, 150)
	for _, c := range []struct {
		w, h int
		want fyne.Size
	}{
		{4000, 3000, fyne.NewSize(200, 150)},
		{1000, 1000, fyne.NewSize(150, 150)},
		{400, 100, fyne.NewSize(200, 50)},
		{0, 0, area},
	} {
		if got := placeholderSize(area, c.w, c.h); got != c.want {
			t.Errorf("placeholderSize(%d × %d) = %v, want %v", c.w, c.h, got, c.want)
		}
	}
}

// The frame holds a photo's place, shape and size until its thumbnail
// arrives, and goes back to holding it when a cell is reused.
func TestThumbFrameHoldsThePlaceUntilTheThumbnail(t *testing.T) {
	test.NewTempApp(t)
	f := NewThumbFrame(fyne.NewSize(200, 150))
	f.SetImage(nil, 400, 100)
	if label, box := f.Placeholder(); !f.Loading() || label != "400 × 100" || box != fyne.NewSize(200, 50) {
		t.Errorf("before the thumbnail: loading %v, %q in %v", f.Loading(), label, box)
	}
	th := image.NewRGBA(image.Rect(0, 0, 200, 50))
	f.SetImage(th, 400, 100)
	if f.Loading() || f.Image() != th {
		t.Error("the thumbnail arrived, yet the frame still shows its placeholder")
	}
	f.SetImage(nil, 0, 0)
	if label, box := f.Placeholder(); !f.Loading() || f.Image() != nil || label != "Loading…" || box != fyne.NewSize(200, 150) {
		t.Errorf("emptied: loading %v, %q in %v", f.Loading(), label, box)
	}
}
