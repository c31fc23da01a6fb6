package export_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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

// TestPhotosKeepTheirColours exports photos tagged with wide-gamut colour
// profiles — Display P3, as every recent phone tags its photos, and the
// Adobe RGB (1998) primaries most cameras offer — as JPEG, PNG and WebP,
// and has a real browser (Chromium, colour managing into sRGB) draw each
// original file beside each of its published sizes: they must look the
// same. The same pixels without their profile — what the export used to
// publish — are drawn too, and must look different, so the comparison can
// tell.
func TestPhotosKeepTheirColours(t *testing.T) {
	p3, camera := fixture.DisplayP3Profile(), fixture.AdobeRGBProfile()
	red := color.RGBA{200, 60, 40, 255}   // a P3 red: more saturated than any sRGB (200,60,40)
	green := color.RGBA{60, 170, 80, 255} // a camera green: far out of sRGB's reach
	tag := func(data, profile []byte) []byte {
		t.Helper()
		tagged, err := photo.WithProfile(data, profile)
		if err != nil {
			t.Fatal(err)
		}
		if got := photo.ColourProfile(tagged); !bytes.Equal(got, profile) {
			t.Fatal("the profile does not read back from the tagged file")
		}
		return tagged
	}
	type source struct {
		name             string
		tagged, untagged []byte
		profile          []byte
		ext              string // of the original, as the page draws it
	}
	solidPNG := func(c color.RGBA) []byte {
		var pb bytes.Buffer
		solid := image.NewRGBA(image.Rect(0, 0, 600, 400))
		for i := 0; i < len(solid.Pix); i += 4 {
			copy(solid.Pix[i:], []byte{c.R, c.G, c.B, 255})
		}
		png.Encode(&pb, solid)
		return pb.Bytes()
	}
	phoneJPEG, cameraJPEG := fixture.SolidJPEG(600, 400, red), fixture.SolidJPEG(600, 400, green)
	webp := fixture.WebPWithProfile(600, 400, red.R, red.G, red.B, p3)
	if got := photo.ColourProfile(webp); !bytes.Equal(got, p3) {
		t.Fatal("the profile does not read back from the tagged WebP")
	}
	sources := []source{
		{"a phone's JPEG (Display P3)", tag(phoneJPEG, p3), phoneJPEG, p3, "jpg"},
		{"a phone's PNG screenshot (Display P3)", tag(solidPNG(red), p3), solidPNG(red), p3, "png"},
		{"a camera's JPEG (Adobe RGB)", tag(cameraJPEG, camera), cameraJPEG, camera, "jpg"},
		{"a WebP (Display P3)", webp, fixture.WebPWithProfile(600, 400, red.R, red.G, red.B, nil), p3, "webp"},
	}

	st, err := store.Open(filepath.Join(t.TempDir(), "lib.galley"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	piece := &galley.Piece{Title: "Colours From A Phone And A Camera", Status: galley.StatusPublished, Published: galley.Date{Year: 2026, Month: 12, Day: 6}}
	for i, src := range sources {
		piece.Photos = append(piece.Photos, galley.Photo{Data: src.tagged, Alt: "Photo " + src.name, Lead: i == 0})
	}
	if err := st.SavePiece(ctx, piece); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	exportTo(t, st, site, export.Options{})

	// The page: for each source its original, its untagged pixels and
	// every size the export published of it, one row each.
	var page strings.Builder
	page.WriteString(`<!DOCTYPE html><html><body style="margin:0;background:#fff">`)
	rows := make([][]string, len(sources))
	for i, src := range sources {
		sum := sha256.Sum256(src.tagged)
		published, _ := filepath.Glob(filepath.Join(site, "images", hex.EncodeToString(sum[:])[:16]+"-*"))
		if len(published) < 2 {
			t.Fatalf("%s: published %d sizes", src.name, len(published))
		}
		for _, f := range published {
			data, _ := os.ReadFile(f)
			if !bytes.Equal(photo.ColourProfile(data), src.profile) {
				t.Errorf("%s: %s does not carry the original's colour profile", src.name, filepath.Base(f))
			}
		}
		original, untagged := fmt.Sprintf("original-%d.%s", i, src.ext), fmt.Sprintf("untagged-%d.%s", i, src.ext)
		os.WriteFile(filepath.Join(dir, original), src.tagged, 0o644)
		os.WriteFile(filepath.Join(dir, untagged), src.untagged, 0o644)
		rows[i] = append([]string{original, untagged}, rel(t, dir, published)...)
		page.WriteString(`<div style="height:40px">`)
		for _, img := range rows[i] {
			fmt.Fprintf(&page, `<img src="%s" alt="" style="display:block;float:left;width:40px;height:40px">`, img)
		}
		page.WriteString(`</div>`)
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
	for row, src := range sources {
		at := func(i int) color.RGBA { return color.RGBAModel.Convert(shot.At(40*i+20, 40*row+20)).(color.RGBA) }
		original, untagged := at(0), at(1)
		if far(original, untagged) < 10 {
			t.Fatalf("%s: the browser draws the tagged original %v like the untagged pixels %v: it does not manage colour, so nothing can be compared", src.name, original, untagged)
		}
		for i, img := range rows[row][2:] {
			if got := at(i + 2); far(got, original) > 4 {
				t.Errorf("%s: %s is drawn %v, the original %v (untagged it would be %v)", src.name, img, got, original, untagged)
			}
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

// checkScript is scripts/htmlcheck/check.mjs, the browser checks. The
// short tests (make check) run without a browser; the whole suite (make
// test) installs it and runs them.
func checkScript(t *testing.T) string {
	if testing.Short() {
		t.Skip("a check in Chromium: part of the whole suite, not the short tests")
	}
	_, here, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(here), "..", "..", "scripts", "htmlcheck", "check.mjs")
	if _, err := os.Stat(filepath.Join(filepath.Dir(p), "node_modules", "playwright-core")); err != nil {
		t.Fatalf("the browser checks are not installed (scripts/install-deps.sh test installs them): %v", err)
	}
	return p
}

// TestTheColourProfileSurvivesEveryWayAPhotoIsWritten: a caption edited
// after the export (the published files then get new words without being
// resized again) and an export keeping the photos' own metadata both
// publish files that still carry the original's profile.
func TestTheColourProfileSurvivesEveryWayAPhotoIsWritten(t *testing.T) {
	p3 := fixture.DisplayP3Profile()
	tagged, err := photo.WithProfile(fixture.SolidJPEG(1000, 700, color.RGBA{200, 60, 40, 255}), p3)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "lib.galley"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	piece := &galley.Piece{Title: "A Red Wall", Status: galley.StatusPublished, Published: galley.Date{Year: 2026, Month: 12, Day: 6},
		Photos: []galley.Photo{{Data: tagged, Alt: "A red wall", Caption: "The wall at noon.", Lead: true}}}
	if err := st.SavePiece(ctx, piece); err != nil {
		t.Fatal(err)
	}
	profiled := func(site, when string) {
		t.Helper()
		jpegs, _ := filepath.Glob(filepath.Join(site, "images", "*.jpg"))
		if len(jpegs) < 2 {
			t.Fatalf("%s: published %d JPEGs", when, len(jpegs))
		}
		for _, f := range jpegs {
			data, _ := os.ReadFile(f)
			if !bytes.Equal(photo.ColourProfile(data), p3) {
				t.Errorf("%s: %s does not carry the original's colour profile", when, filepath.Base(f))
			}
		}
	}
	site := filepath.Join(t.TempDir(), "site")
	exportTo(t, st, site, export.Options{})
	profiled(site, "first export")

	piece.Photos[0].Caption = "The wall at dusk, repainted."
	if err := st.SavePiece(ctx, piece); err != nil {
		t.Fatal(err)
	}
	exportTo(t, st, site, export.Options{})
	jpegs, _ := filepath.Glob(filepath.Join(site, "images", "*.jpg"))
	data, _ := os.ReadFile(jpegs[0])
	if meta, _ := photo.ReadMetadata(data); meta.Caption != "The wall at dusk, repainted." {
		t.Fatalf("the published file's caption is %q after the edit", meta.Caption)
	}
	profiled(site, "after the caption's edit")

	kept := filepath.Join(t.TempDir(), "kept")
	exportTo(t, st, kept, export.Options{KeepPhotoMetadata: true})
	profiled(kept, "keeping the photos' own metadata")
}
