package ui

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"

	"fyne.io/fyne/v2"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

// withoutLocation returns a copy of a photo's image with no GPS position,
// as the export publishes it: every metadata block of the file (EXIF with
// its GPS position and camera details, XMP, IPTC) gives way to the
// photo's own words (caption, credit, alt text, place, date, keywords).
// A JPEG that EXIF turns on display is turned for real first, since the
// tag goes with the EXIF; only then is it encoded again. JPEG and PNG
// are the formats photo.EmbedJPEG and photo.EmbedPNG write; a WebP is an
// EInvalid error.
func withoutLocation(data []byte, ph galley.Photo) ([]byte, error) {
	words := photo.Metadata{
		Caption: ph.Caption, Credit: ph.Credit, Byline: ph.Photographer, Copyright: ph.Copyright,
		City: ph.City, Country: ph.Country, DateCreated: ph.DateCreated, Keywords: ph.Keywords,
	}
	if !ph.Decorative {
		words.AltText = ph.Alt
	}
	switch ph.Image.MIME {
	case "image/jpeg":
		if o := photo.Orientation(data); o > 1 {
			pic, _, err := image.Decode(bytes.NewReader(data))
			if err != nil {
				return nil, galley.Errorf(galley.EInvalid, "The photo could not be read to remove its location: %v", err)
			}
			var b bytes.Buffer
			if err := jpeg.Encode(&b, photo.Upright(pic, o), &jpeg.Options{Quality: 95}); err != nil {
				return nil, err
			}
			data = b.Bytes()
		}
		return photo.EmbedJPEG(data, words)
	case "image/png":
		return photo.EmbedPNG(data, words)
	}
	return nil, galley.Errorf(galley.EInvalid, "Galley removes the location from JPEG and PNG photos; this one is %s. The export still leaves it out.", ph.Image.MIME)
}

// canRemoveLocation reports whether the desk offers to remove ph's GPS
// position from the stored image: it has one, in a format it can rewrite.
func canRemoveLocation(ph galley.Photo) bool {
	return ph.Image.HasGPS && (ph.Image.MIME == "image/jpeg" || ph.Image.MIME == "image/png")
}

// removeLocation replaces photo i's image with a copy without its GPS
// position, read and rewritten in the background; the piece is then
// unsaved, and saving stores the new image (the store drops the old one
// once no photo, revision or trashed piece shows it).
func (t *photosTab) removeLocation(i int, done func(error)) {
	p := t.e.piece
	if p == nil || i >= len(p.Photos) {
		return
	}
	ph := p.Photos[i]
	old := ph.Image.Hash
	lib, g := t.e.d.lib, t.e.d.jobs
	g.start(func(ctx context.Context) {
		data := ph.Data
		var err error
		if data == nil {
			data, err = lib.ImageData(ctx, old)
		}
		var clean []byte
		var img galley.Image
		if err == nil {
			clean, err = withoutLocation(data, ph)
		}
		if err == nil {
			img, err = photo.Inspect(photoChoice(i, ph), clean)
		}
		g.do(func() {
			// The piece may have been switched, or the photo moved or
			// replaced, while the image was rewritten.
			if err == nil && (p != t.e.piece || i >= len(p.Photos) || p.Photos[i].Image.Hash != old) {
				return
			}
			if err == nil {
				p.Photos[i].Data, p.Photos[i].Image = clean, img
				t.rebuild()
				t.e.changed()
			} else {
				fyne.LogError("removing a photo's location", err)
			}
			if done != nil {
				done(err)
			}
		})
	})
}
