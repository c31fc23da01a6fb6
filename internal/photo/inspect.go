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
	"io/fs"
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
// does. Only a regular file of at most MaxBytes is read (see ReadFile).
func FromFile(path string) (galley.Photo, error) {
	data, err := ReadFile(path)
	if err != nil {
		return galley.Photo{}, err
	}
	var ph galley.Photo
	return ph, Prepare(filepath.Base(path), data, &ph)
}

// ReadFile returns the bytes of the image file at path. Anything but a
// regular file is refused before a byte is read: /dev/zero (or a link to
// it) would be read forever, and a FIFO would hold the desk until someone
// wrote to it. The file is opened without waiting (a FIFO's open blocks
// until a writer comes otherwise), and what is checked is the opened file,
// not the path, so nothing can be swapped in between the check and the
// read. At most MaxBytes+1 bytes are read, so a file that grows after the
// check, or reports a false size, is refused as too large all the same.
func ReadFile(path string) ([]byte, error) {
	name := filepath.Base(path)
	f, err := openNoWait(path)
	if err != nil {
		return nil, galley.Errorf(galley.ENotFound, "%s could not be read: %v.", path, unwrapPathError(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, galley.Errorf(galley.ENotFound, "%s could not be read: %v.", path, unwrapPathError(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, galley.Errorf(galley.EInvalid, "%s is not a regular file (%s); only image files can be added.", path, describeMode(fi.Mode()))
	}
	if fi.Size() > MaxBytes {
		return nil, galley.Errorf(galley.EInvalid, "%s is too large (%d MB; the limit is %d MB).", name, fi.Size()>>20, MaxBytes>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, galley.Errorf(galley.ENotFound, "%s could not be read: %v.", path, unwrapPathError(err))
	}
	if len(data) > MaxBytes {
		return nil, galley.Errorf(galley.EInvalid, "%s grew past %d MB while it was read; the limit is %d MB.", name, MaxBytes>>20, MaxBytes>>20)
	}
	return data, nil
}

// describeMode names the kind of a file that is not a regular one, in an
// editor's words.
func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// unwrapPathError drops the operation and path from an *fs.PathError, whose
// text repeats what the message around it already says.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
