package photo_test

import (
	"bytes"
	"encoding/binary"
	"image/color"
	"testing"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/photo"
)

func TestAColourProfileGoesAcrossFilesWhole(t *testing.T) {
	jpg := fixture.SolidJPEG(16, 16, color.RGBA{10, 200, 30, 255})
	// A profile larger than one JPEG segment holds is split and put back.
	big := bytes.Repeat([]byte("profile bytes "), 10000)
	tagged, err := photo.WithProfile(jpg, big)
	if err != nil {
		t.Fatal(err)
	}
	if got := photo.ColourProfile(tagged); !bytes.Equal(got, big) {
		t.Errorf("a %d-byte profile read back as %d bytes", len(big), len(got))
	}
	// Tagging again replaces the profile; it is never doubled.
	p3 := fixture.DisplayP3Profile()
	again, err := photo.WithProfile(tagged, p3)
	if err != nil {
		t.Fatal(err)
	}
	if got := photo.ColourProfile(again); !bytes.Equal(got, p3) {
		t.Error("a second profile did not replace the first")
	}
	if got := photo.ColourProfile(jpg); got != nil {
		t.Error("an untagged JPEG has a profile")
	}
	// A chunk missing from the sequence is no profile, not half of one.
	cut := bytes.Replace(tagged, []byte("ICC_PROFILE\x00\x02"), []byte("ICC_PROFILE\x00\x09"), 1)
	if got := photo.ColourProfile(cut); got != nil {
		t.Errorf("a damaged sequence of chunks gave %d bytes", len(got))
	}

	// A WebP carries it as an ICCP chunk.
	webp := []byte("RIFF\x00\x00\x00\x00WEBPVP8X")
	webp = binary.LittleEndian.AppendUint32(webp, 10)
	webp = append(webp, make([]byte, 10)...)
	webp = append(webp, "ICCP"...)
	webp = binary.LittleEndian.AppendUint32(webp, uint32(len(p3)))
	webp = append(webp, p3...)
	if got := photo.ColourProfile(webp); !bytes.Equal(got, p3) {
		t.Error("the WebP's profile was not read")
	}
	if _, err := photo.WithProfile([]byte("not an image"), p3); err == nil {
		t.Error("a profile was put into something that is not an image")
	}
}
