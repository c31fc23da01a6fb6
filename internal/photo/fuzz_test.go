package photo

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	"image/draw"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

const (
	// fuzzMaxBytes bounds the files FuzzInspect tries: headers and EXIF
	// blocks are what it explores, and small files keep each try quick.
	fuzzMaxBytes = 64 << 10
	// fuzzMaxPixels bounds the images FuzzInspect lets Inspect decode. A
	// file under MaxPixels is decoded in full, as it should be, but at up
	// to 400 MB a try that would exhaust the fuzzing machine.
	fuzzMaxPixels = 1 << 20
	// fuzzTurnPixels bounds the images whose turns are checked pixel by
	// pixel.
	fuzzTurnPixels = 1 << 14
	// refuseAlloc is more than reading a header takes and far less than
	// decoding any image over MaxPixels (100 MB at one byte a pixel).
	refuseAlloc = 16 << 20
)

// undo[o] is the orientation that turns Upright(img, o) back into img.
var undo = [9]int{0, 1, 2, 3, 4, 5, 8, 7, 6}

// FuzzInspect checks, for any file of up to 64 KB: that Orientation
// returns 1 to 8; that Inspect and Thumbnail never panic and refuse a bad
// file with an invalid-input error naming it; that a header claiming more
// than MaxPixels is refused with the megapixel message before any pixel is
// decoded (the refusal allocates a fraction of what decoding would); that
// an accepted image decodes, is as Inspect describes it (type, hash, size,
// and width × height as viewed after the EXIF turn) and its thumbnail fits
// the box; and that Upright turns every orientation back exactly.
func FuzzInspect(f *testing.F) {
	f.Add(fixture.JPEG(64, 48, 1))
	f.Add(fixture.PNG(30, 20, 2))
	f.Add(fixture.JPEG(1, 1, 3))
	for o := 0; o <= 9; o++ {
		f.Add(fixture.JPEGWithExif(6, 4, 3, o, "Cam"))
	}
	f.Add(bombPNG(50000, 50000))
	f.Add(bombPNG(10001, 10000))
	f.Add(bombPNG(0, 10))
	f.Add(bombPNG(1<<31, 1))
	jpg := fixture.JPEG(16, 8, 4)
	f.Add(jpg[:len(jpg)/2])
	f.Add(jpegClaiming(jpg, 60000, 60000))
	f.Add(jpegClaiming(fixture.JPEGWithExif(16, 8, 1, 6, "Cam"), 20000, 6000))
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF})
	f.Add([]byte("Dear editor, this is not a photo."))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMaxBytes {
			return
		}
		o := Orientation(data)
		if o < 1 || o > 8 {
			t.Fatalf("Orientation = %d, want 1 to 8", o)
		}
		cfg, _, cfgErr := image.DecodeConfig(bytes.NewReader(data))
		pixels := int64(cfg.Width) * int64(cfg.Height)
		if cfgErr == nil && cfg.Width > 0 && cfg.Height > 0 && pixels > MaxPixels {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Inspect("bomb.png", data)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "megapixel limit") {
				t.Fatalf("a header claiming %d × %d pixels gave %v, want the megapixel refusal", cfg.Width, cfg.Height, err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > refuseAlloc {
				t.Fatalf("refusing %d × %d pixels allocated %d MB: the image was decoded", cfg.Width, cfg.Height, n>>20)
			}
			return
		}
		if cfgErr == nil && pixels > fuzzMaxPixels {
			return
		}

		img, err := Inspect("photo.jpg", data)
		thumb, thumbErr := Thumbnail("photo.jpg", data, 32)
		if err != nil {
			msg := galley.ErrorMessage(err)
			if galley.ErrorCode(err) != galley.EInvalid || !strings.Contains(msg, "photo.jpg") || !utf8.ValidString(msg) {
				t.Fatalf("Inspect refused the file with %q (code %q), want an invalid-input error naming it", msg, galley.ErrorCode(err))
			}
			if thumbErr == nil {
				t.Fatalf("Thumbnail made a picture of a file Inspect refuses (%v)", err)
			}
			return
		}
		sum := sha256.Sum256(data)
		if img.Hash != hex.EncodeToString(sum[:]) || img.Size != int64(len(data)) || img.Width <= 0 || img.Height <= 0 ||
			int64(img.Width)*int64(img.Height) > MaxPixels || Extension(img.MIME) == ".bin" {
			t.Fatalf("Inspect described a %d-byte file as %+v", len(data), img)
		}
		decoded, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("Inspect accepted a file that does not decode: %v", err)
		}
		if img.MIME != "image/jpeg" {
			o = 1 // only JPEG carries the EXIF turn
		}
		up := Upright(decoded, o).Bounds()
		if up.Dx() != img.Width || up.Dy() != img.Height {
			t.Fatalf("Inspect says %d × %d, the upright picture is %d × %d", img.Width, img.Height, up.Dx(), up.Dy())
		}
		if thumbErr != nil {
			t.Fatalf("Thumbnail failed on a file Inspect accepts: %v", thumbErr)
		}
		if tb := thumb.Bounds(); tb.Dx() < 1 || tb.Dy() < 1 || tb.Dx() > 32 || tb.Dy() > 32 ||
			img.Width <= 32 && img.Height <= 32 && (tb.Dx() != img.Width || tb.Dy() != img.Height) {
			t.Fatalf("the thumbnail of a %d × %d picture is %d × %d", img.Width, img.Height, tb.Dx(), tb.Dy())
		}

		b := decoded.Bounds()
		if b.Dx()*b.Dy() > fuzzTurnPixels {
			return
		}
		orig := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(orig, orig.Bounds(), decoded, b.Min, draw.Src)
		for o := 1; o <= 8; o++ {
			turned := Upright(decoded, o)
			tb := turned.Bounds()
			if w, h := tb.Dx(), tb.Dy(); o >= 5 && (w != b.Dy() || h != b.Dx()) || o < 5 && (w != b.Dx() || h != b.Dy()) {
				t.Fatalf("orientation %d turned %v into %v", o, b, tb)
			}
			back := Upright(turned, undo[o])
			rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
			draw.Draw(rgba, rgba.Bounds(), back, back.Bounds().Min, draw.Src)
			if back.Bounds().Size() != b.Size() || !bytes.Equal(rgba.Pix, orig.Pix) {
				t.Fatalf("orientation %d then %d does not give the picture back", o, undo[o])
			}
		}
	})
}

// jpegClaiming returns jpg with the size in its frame header (SOF0)
// replaced by w × h, as a hostile file would claim.
func jpegClaiming(jpg []byte, w, h uint16) []byte {
	out := bytes.Clone(jpg)
	for i := 2; i+9 < len(out); {
		if out[i] != 0xFF {
			break
		}
		size := int(binary.BigEndian.Uint16(out[i+2:]))
		if out[i+1] == 0xC0 {
			binary.BigEndian.PutUint16(out[i+5:], h)
			binary.BigEndian.PutUint16(out[i+7:], w)
			break
		}
		i += 2 + size
	}
	return out
}
