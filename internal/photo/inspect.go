// Package photo is the photo desk's handling of image files: it
// recognises them, checks them before anything is stored, reads the
// captions, credits and places photo agencies embed (IPTC, XMP, Exif GPS),
// writes a photo's words back into published JPEGs and PNGs, and makes
// thumbnails.
package photo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	_ "image/jpeg" // register the decoders Inspect accepts
	_ "image/png"
	"io"
	"os"
	"path/filepath"

	_ "golang.org/x/image/webp"

	"app.galley/galley/internal/galley"
)

// MaxPixels caps width×height of an accepted image. Large enough for any
// camera in use (a 100-megapixel frame), small enough that a file whose
// header claims 50,000 × 50,000 pixels is refused before it is decoded.
const MaxPixels = 100_000_000

// MaxBytes caps the size of one image file.
const MaxBytes = 200 << 20

var mimeOf = map[string]string{
	"jpeg": "image/jpeg",
	"png":  "image/png",
	"webp": "image/webp",
}

// Extension returns the usual file extension (with the dot) for a MIME type
// Inspect accepts.
func Extension(mime string) string {
	switch mime {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	}
	return ".bin"
}

// Inspect checks that data is a JPEG, PNG or WebP image of sane dimensions
// and describes it. Width and height are as the photo is viewed, after the
// turn its EXIF orientation asks for. The header is read first, so a file claiming absurd
// dimensions is refused before any pixel is decoded. name is the file name
// used in error messages.
func Inspect(name string, data []byte) (galley.Image, error) {
	img, _, err := inspect(name, data)
	return img, err
}

// inspect is Inspect that also returns the file's metadata, read once for
// the GPS flag and for the words Prepare fills in.
func inspect(name string, data []byte) (galley.Image, Metadata, error) {
	if len(data) == 0 {
		return galley.Image{}, Metadata{}, galley.Errorf(galley.EInvalid, "%s is an empty file, not an image.", name)
	}
	if len(data) > MaxBytes {
		return galley.Image{}, Metadata{}, galley.Errorf(galley.EInvalid, "%s is too large (%d MB; the limit is %d MB).", name, len(data)>>20, MaxBytes>>20)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return galley.Image{}, Metadata{}, galley.Errorf(galley.EInvalid, "%s is damaged or truncated: it ends in the middle of its header.", name)
	}
	if err != nil {
		return galley.Image{}, Metadata{}, galley.Errorf(galley.EInvalid, "%s is not a JPEG, PNG or WebP image Galley can read (%v).", name, err)
	}
	mime, ok := mimeOf[format]
	if !ok {
		return galley.Image{}, Metadata{}, galley.Errorf(galley.EInvalid, "%s is a %s image; Galley takes JPEG, PNG and WebP.", name, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return galley.Image{}, Metadata{}, galley.Errorf(galley.EInvalid, "%s claims an impossible size of %d × %d pixels.", name, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return galley.Image{}, Metadata{}, galley.Errorf(galley.EInvalid, "%s claims %d × %d pixels, more than the %d-megapixel limit; it was not opened.", name, cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	// The header can be fine while the rest is cut off or garbled; decoding
	// the whole image now, under the pixel cap, keeps such a file out of the
	// library instead of failing at export time.
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return galley.Image{}, Metadata{}, galley.Errorf(galley.EInvalid, "%s is damaged or truncated: %v.", name, err)
	}
	sum := sha256.Sum256(data)
	w, h := cfg.Width, cfg.Height
	if mime == "image/jpeg" && Orientation(data) >= 5 {
		// Stored sideways: the photo is as wide as the file is tall.
		w, h = h, w
	}
	// Whether the file says where it was taken: the checks warn, and the
	// export removes it.
	meta, _ := ReadMetadata(data)
	return galley.Image{
		Hash:   hex.EncodeToString(sum[:]),
		MIME:   mime,
		Width:  w,
		Height: h,
		Size:   int64(len(data)),
		HasGPS: meta.HasGPS,
	}, meta, nil
}

// Prepare checks data as Inspect does and makes it the photo's image:
// ph gets the bytes and their description, and its empty words (caption,
// credit, alt text, details) are filled from the file's own metadata —
// never over what an editor or a bundle gave. name is used in messages.
func Prepare(name string, data []byte, ph *galley.Photo) error {
	img, meta, err := inspect(name, data)
	if err != nil {
		return err
	}
	ph.Image, ph.Data = img, data
	meta.FillPhoto(ph)
	return nil
}

// FromFile reads the image file at path into a new photo, as Prepare
// does. A file larger than MaxBytes is refused before it is read.
func FromFile(path string) (galley.Photo, error) {
	name := filepath.Base(path)
	fi, err := os.Stat(path)
	if err != nil {
		return galley.Photo{}, galley.Errorf(galley.ENotFound, "%s could not be read: %v", name, err)
	}
	if fi.IsDir() {
		return galley.Photo{}, galley.Errorf(galley.EInvalid, "%s is a folder, not an image.", name)
	}
	if fi.Size() > MaxBytes {
		return galley.Photo{}, galley.Errorf(galley.EInvalid, "%s is too large (%d MB; the limit is %d MB).", name, fi.Size()>>20, MaxBytes>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return galley.Photo{}, galley.Errorf(galley.ENotFound, "%s could not be read: %v", name, err)
	}
	var ph galley.Photo
	return ph, Prepare(name, data, &ph)
}
