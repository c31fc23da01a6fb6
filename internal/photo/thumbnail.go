package photo

import (
	"bytes"
	"image"

	"golang.org/x/image/draw"

	"app.galley/galley/internal/galley"
)

// Thumbnail decodes an image and returns it turned upright and scaled to
// fit within size × size pixels (never enlarged), for the desk's photo
// cards. A 24-megapixel photo drawn at card size would otherwise keep its
// full decoded pixels (close to 100 MB) alive for as long as it is shown.
func Thumbnail(name string, data []byte, size int) (image.Image, error) {
	if _, err := Inspect(name, data); err != nil {
		return nil, err
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, galley.Errorf(galley.EInvalid, "%s could not be decoded: %v", name, err)
	}
	src = Upright(src, Orientation(data))
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= size && h <= size {
		return src, nil
	}
	if w >= h {
		w, h = size, max(1, h*size/w)
	} else {
		w, h = max(1, w*size/h), size
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// Bilinear is plenty at thumbnail size and several times quicker than
	// the export's Catmull-Rom.
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst, nil
}
