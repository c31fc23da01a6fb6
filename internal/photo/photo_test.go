package photo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"os"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

func TestInspectDescribesRealImages(t *testing.T) {
	for name, c := range map[string]struct {
		data []byte
		mime string
		w, h int
	}{
		"jpeg":              {fixture.JPEG(64, 48, 1), "image/jpeg", 64, 48},
		"png":               {fixture.PNG(30, 20, 2), "image/png", 30, 20},
		"sideways portrait": {fixture.JPEGWithExif(64, 48, 3, 6, "Cam"), "image/jpeg", 48, 64},
		"upright with exif": {fixture.JPEGWithExif(64, 48, 3, 1, "Cam"), "image/jpeg", 64, 48},
	} {
		img, err := Inspect(name, c.data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if img.MIME != c.mime || img.Width != c.w || img.Height != c.h || len(img.Hash) != 64 || img.Size != int64(len(c.data)) {
			t.Errorf("%s: %+v, want %s %d×%d", name, img, c.mime, c.w, c.h)
		}
	}
}

// bombPNG is a valid PNG header claiming w×h pixels, with almost no data.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func TestInspectRefusesBadFilesQuickly(t *testing.T) {
	jpg := fixture.JPEG(64, 48, 1)
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty.jpg":  {nil, "empty file"},
		"letter.jpg": {[]byte("Dear editor, this is not a photo."), "not a JPEG, PNG or WebP"},
		"cut.jpg":    {jpg[:len(jpg)/2], "damaged or truncated"},
		"bomb.png":   {bombPNG(50000, 50000), "50000 × 50000"},
		"zero.png":   {bombPNG(0, 10), ""},
		"anim.gif":   {[]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), ""},
	}
	for name, c := range cases {
		start := time.Now()
		_, err := Inspect(name, c.data)
		if galley.ErrorCode(err) != galley.EInvalid || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an invalid error naming the file and saying %q", name, err, c.want)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s took %v to refuse", name, d)
		}
	}
}

func TestOrientation(t *testing.T) {
	for o := 1; o <= 8; o++ {
		if got := Orientation(fixture.JPEGWithExif(16, 8, 1, o, "Cam")); got != o {
			t.Errorf("orientation %d read as %d", o, got)
		}
	}
	for name, data := range map[string][]byte{"no exif": fixture.JPEG(8, 8, 1), "png": fixture.PNG(8, 8, 1), "junk": []byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, "empty": nil} {
		if got := Orientation(data); got != 1 {
			t.Errorf("%s: orientation %d, want 1", name, got)
		}
	}
}

func TestUprightTurnsAsTheTagSays(t *testing.T) {
	// A 2×1 image: red on the left, blue on the right.
	src := image.NewRGBA(image.Rect(0, 0, 2, 1))
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	src.Set(0, 0, red)
	src.Set(1, 0, blue)
	// Where red ends up in the viewed image, for each orientation.
	want := map[int]image.Point{1: {0, 0}, 2: {1, 0}, 3: {1, 0}, 4: {0, 0}, 5: {0, 0}, 6: {0, 0}, 7: {0, 1}, 8: {0, 1}}
	for o, p := range want {
		out := Upright(src, o)
		b := out.Bounds()
		if o >= 5 && (b.Dx() != 1 || b.Dy() != 2) || o < 5 && (b.Dx() != 2 || b.Dy() != 1) {
			t.Errorf("orientation %d: size %v", o, b)
			continue
		}
		if r, _, _, _ := out.At(p.X, p.Y).RGBA(); r>>8 != 255 {
			t.Errorf("orientation %d: red is not at %v", o, p)
		}
	}
}

func TestThumbnailFitsTheBoxUprightAndNeverEnlarges(t *testing.T) {
	// A 300×200 photo tagged "rotate 90°" is viewed as 200×300.
	big := fixture.JPEGWithExif(300, 200, 1, 6, "TestCam")
	th, err := Thumbnail("big.jpg", big, 120)
	if err != nil {
		t.Fatal(err)
	}
	if b := th.Bounds(); b.Dx() != 80 || b.Dy() != 120 {
		t.Errorf("thumbnail is %d×%d, want 80×120 (upright, fitted)", b.Dx(), b.Dy())
	}
	small, err := Thumbnail("small.png", fixture.PNG(40, 30, 2), 120)
	if err != nil {
		t.Fatal(err)
	}
	if b := small.Bounds(); b.Dx() != 40 || b.Dy() != 30 {
		t.Errorf("a small photo became %d×%d; it must not be enlarged", b.Dx(), b.Dy())
	}
	if _, err := Thumbnail("notes.txt", []byte("not an image"), 120); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("a text file gave %v, want an error naming it", err)
	}
}

func TestFromFileMakesAPhotoWithTheFilesWords(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/ferry.jpg"
	data := fixture.AddJPEGIPTC(fixture.JPEG(64, 48, 3), fixture.IIM{Record: 2, Dataset: 120, Value: "A ferry at dawn."})
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ph, err := FromFile(path)
	if err != nil || ph.Caption != "A ferry at dawn." || ph.Image.Width != 64 || len(ph.Data) != len(data) {
		t.Fatalf("FromFile: %+v, %v", ph, err)
	}
	// What is already in the photo is kept.
	kept := galley.Photo{Caption: "Typed by an editor."}
	if err := Prepare("ferry.jpg", data, &kept); err != nil || kept.Caption != "Typed by an editor." || kept.Image.Hash == "" {
		t.Errorf("Prepare: %+v, %v", kept, err)
	}
	if _, err := FromFile(dir); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("a folder: %v", err)
	}
}
