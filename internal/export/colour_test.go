package export_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
	"app.galley/galley/internal/store"
)

// TestPhotosKeepTheirColours exports photos tagged Display P3, as every
// recent phone tags its photos, and has a real browser (Chromium, colour
// managing into sRGB) draw the original file beside each published size:
// they must look the same. The same pixels without their profile — what
// the export used to publish — are drawn too, and must look different, so
// the comparison can tell.
func TestPhotosKeepTheirColours(t *testing.T) {
	p3 := fixture.DisplayP3Profile()
	red := color.RGBA{200, 60, 40, 255} // a P3 red: more saturated than any sRGB (200,60,40)
	plainJPEG := fixture.SolidJPEG(600, 400, red)
	taggedJPEG, err := photo.WithProfile(plainJPEG, p3)
	if err != nil {
		t.Fatal(err)
	}
	if got := photo.ColourProfile(taggedJPEG); !bytes.Equal(got, p3) {
		t.Fatal("the profile does not read back from the tagged JPEG")
	}
	var pb bytes.Buffer
	solid := image.NewRGBA(image.Rect(0, 0, 600, 400))
	for i := 0; i < len(solid.Pix); i += 4 {
		copy(solid.Pix[i:], []byte{red.R, red.G, red.B, 255})
	}
	png.Encode(&pb, solid)
	taggedPNG, err := photo.WithProfile(pb.Bytes(), p3)
	if err != nil {
		t.Fatal(err)
	}
	if got := photo.ColourProfile(taggedPNG); !bytes.Equal(got, p3) {
		t.Fatal("the profile does not read back from the tagged PNG")
	}

	st, err := store.Open(filepath.Join(t.TempDir(), "lib.galley"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	piece := &galley.Piece{Title: "Colours From A Phone", Status: galley.StatusPublished, Published: galley.Date{Year: 2026, Month: 12, Day: 6},
		Photos: []galley.Photo{{Data: taggedJPEG, Alt: "A red wall", Lead: true}, {Data: taggedPNG, Alt: "A red chart"}}}
	if err := st.SavePiece(ctx, piece); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	exportTo(t, st, site, export.Options{})
	jpegs, _ := filepath.Glob(filepath.Join(site, "images", "*.jpg"))
	pngs, _ := filepath.Glob(filepath.Join(site, "images", "*.png"))
	if len(jpegs) < 2 || len(pngs) < 2 {
		t.Fatalf("published %d JPEGs and %d PNGs", len(jpegs), len(pngs))
	}
	for _, f := range append(jpegs, pngs...) {
		data, _ := os.ReadFile(f)
		if !bytes.Equal(photo.ColourProfile(data), p3) {
			t.Errorf("%s does not carry the original's colour profile", filepath.Base(f))
		}
	}

	// The page: the original, each published size, the untagged pixels.
	os.WriteFile(filepath.Join(dir, "original.jpg"), taggedJPEG, 0o644)
	os.WriteFile(filepath.Join(dir, "untagged.jpg"), plainJPEG, 0o644)
	images := append([]string{"original.jpg", "untagged.jpg"}, rel(t, dir, jpegs)...)
	images = append(images, rel(t, dir, pngs)...)
	var page strings.Builder
	page.WriteString(`<!DOCTYPE html><html><body style="margin:0;background:#fff">`)
	for _, src := range images {
		fmt.Fprintf(&page, `<img src="%s" alt="" style="display:block;float:left;width:40px;height:40px">`, src)
	}
	page.WriteString(`</body></html>`)
	html := filepath.Join(dir, "page.html")
	os.WriteFile(html, []byte(page.String()), 0o644)
	shotPath := filepath.Join(dir, "shot.png")
	cmd := exec.Command("node", checkScript(t), "shot", html, shotPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("Chromium could not draw the page (scripts/install-deps.sh test installs it): %v\n%s", err, out)
	}
	f, err := os.Open(shotPath)
	if err != nil {
		t.Fatal(err)
	}
	shot, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	at := func(i int) color.RGBA { return color.RGBAModel.Convert(shot.At(40*i+20, 20)).(color.RGBA) }
	original, untagged := at(0), at(1)
	if far(original, untagged) < 10 {
		t.Fatalf("the browser draws the tagged original %v like the untagged pixels %v: it does not manage colour, so nothing can be compared", original, untagged)
	}
	for i, src := range images[2:] {
		if got := at(i + 2); far(got, original) > 4 {
			t.Errorf("%s is drawn %v, the original %v (untagged it would be %v)", src, got, original, untagged)
		}
	}
}

// far is the largest difference of one channel.
func far(a, b color.RGBA) int {
	d := 0
	for _, p := range [][2]uint8{{a.R, b.R}, {a.G, b.G}, {a.B, b.B}} {
		d = max(d, abs(int(p[0])-int(p[1])))
	}
	return d
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func rel(t *testing.T, dir string, paths []string) []string {
	var out []string
	for _, p := range paths {
		r, err := filepath.Rel(dir, p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(r))
	}
	return out
}

// checkScript is scripts/htmlcheck/check.mjs, the browser checks.
func checkScript(t *testing.T) string {
	_, here, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(here), "..", "..", "scripts", "htmlcheck", "check.mjs")
	if _, err := os.Stat(filepath.Join(filepath.Dir(p), "node_modules", "playwright-core")); err != nil {
		t.Fatalf("the browser checks are not installed (scripts/install-deps.sh test installs them): %v", err)
	}
	return p
}
