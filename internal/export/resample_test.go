package export

import (
	"image"
	"image/draw"
	"math"
	"testing"

	xdraw "golang.org/x/image/draw"

	"app.galley/galley/internal/fixture"
)

// TestResampleMatchesReference compares the resampler with x/image/draw's
// Catmull-Rom, the reference it replaces to save memory. They differ only
// where the 8-bit intermediate clips the cubic's overshoot, at the hardest
// edges (this test picture wraps from white to black): over the image the
// difference stays below what an eye can see (PSNR above 50 dB).
func TestResampleMatchesReference(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 640, 427))
	draw.Draw(src, src.Bounds(), fixture.Picture(640, 427, 5), image.Point{}, draw.Src)
	// Only shrinking: Galley never enlarges a photo.
	for _, size := range [][2]int{{480, 320}, {320, 213}, {639, 426}, {100, 67}} {
		got := catmullRom(src, size[0], size[1])
		want := image.NewRGBA(image.Rect(0, 0, size[0], size[1]))
		xdraw.CatmullRom.Scale(want, want.Bounds(), src, src.Bounds(), xdraw.Src, nil)
		var worst int
		var sq float64
		for i := range got.Pix {
			d := int(got.Pix[i]) - int(want.Pix[i])
			if d < 0 {
				d = -d
			}
			worst = max(worst, d)
			sq += float64(d * d)
		}
		psnr := 10 * math.Log10(255*255/(sq/float64(len(got.Pix))+1e-9))
		t.Logf("%v: worst %d, PSNR %.1f dB", size, worst, psnr)
		if worst > 24 || psnr < 50 {
			t.Errorf("%v: differs from the reference by up to %d levels (PSNR %.1f dB)", size, worst, psnr)
		}
	}
}
