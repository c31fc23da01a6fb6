package export

import (
	"bytes"
	"image"
	"testing"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/photo"
)

// BenchmarkRenditions makes the three published sizes of a 1600 px photo:
// decode, resize and encode, as the first export of a photo does.
func BenchmarkRenditions(b *testing.B) {
	data := fixture.JPEG(1600, 1067, 1)
	img, err := photo.Inspect("bench.jpg", data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		pic, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		levels := mipmaps(toRGBA(pic))
		for _, r := range renditions(img) {
			if _, err := encode(resize(levels, r.Width, r.Height), r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
