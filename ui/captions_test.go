package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

func TestCodesExpandWhenTheCursorLeavesAField(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Coded", Photos: []galley.Photo{{Data: fixture.JPEG(30, 20, 3)}}})
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	// The list comes from a tab-separated file, imported whole.
	dir := t.TempDir()
	good := filepath.Join(dir, "codes.txt")
	os.WriteFile(good, []byte("// wire services\nap\tAssociated Press\nsvo\tSurvey Office\n"), 0o644)
	w := d.showCodes()
	if err := w.importFrom(good); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("rt\tReuters\nno tab here\n"), 0o644)
	if err := w.importFrom(bad); err == nil || !strings.Contains(err.Error(), "Line 2") {
		t.Errorf("a bad list: %v", err)
	}
	if d.codes().Len() != 2 {
		t.Errorf("%d codes after a refused import, want the 2 from before", d.codes().Len())
	}
	// Enter in the new code's boxes adds it, as the button does.
	var boxes []*widget.Entry
	walk(t, w.win.Content(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			boxes = append(boxes, e)
		}
	})
	if len(boxes) != 2 {
		t.Fatalf("the codes window has %d entries, want the code and its text", len(boxes))
	}
	boxes[0].SetText("ff")
	boxes[1].SetText("Field Files")
	boxes[1].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if d.codes().Len() != 3 {
		t.Errorf("Enter did not add the code: %d codes", d.codes().Len())
	}

	e := d.editor
	e.selectTab(e.photos.content)
	f := cardEntries(t, e.photos.cards.Objects[0])
	c := d.win.Canvas()
	c.Focus(f["Credit"])
	test.Type(f["Credit"], "Lena Oduya/=svo=")
	c.Focus(f["Caption"]) // leaving the credit expands it
	test.Type(f["Caption"], "Silt reaches the sea. =xyz=")
	c.Unfocus()
	if got := e.piece.Photos[0].Credit; got != "Lena Oduya/Survey Office" {
		t.Errorf("the credit is %q", got)
	}
	if got := e.piece.Photos[0].Caption; got != "Silt reaches the sea. =xyz=" || !strings.Contains(e.state.Text, "Unknown code: =xyz=") {
		t.Errorf("an unknown code: caption %q, state %q", got, e.state.Text)
	}
}

func TestACaptionTemplateFillsChosenPhotos(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Templated", Photos: []galley.Photo{
		{Data: fixture.JPEG(30, 20, 4), Caption: "Silt fans.", City: "Deltaville", Country: "Norland", DateCreated: "2026-03-02", Credit: "Lena Oduya"},
		{Data: fixture.JPEG(30, 20, 5), Caption: "A boat.", Country: "Norland"},
		{Data: fixture.JPEG(30, 20, 6), Caption: "Untouched."},
	}})
	d := newTestDesk(t, lib)
	ph := d.editor.photos
	if _, err := ph.applyTemplate("{city}, {country}, {date}. ({credit})", templateCaption, true, []int{0, 1}); err != nil {
		t.Fatal(err)
	}
	got := d.editor.piece.Photos
	if got[0].Caption != "Silt fans. Deltaville, Norland, Monday, March 2, 2026. (Lena Oduya)" || got[1].Caption != "A boat. Norland" || got[2].Caption != "Untouched." {
		t.Errorf("captions: %q | %q | %q", got[0].Caption, got[1].Caption, got[2].Caption)
	}
	if _, err := ph.applyTemplate("{cty}", templateCredit, false, []int{0}); err == nil || !strings.Contains(err.Error(), "cty") {
		t.Errorf("a mistyped template: %v", err)
	}
	if got[0].Credit != "Lena Oduya" {
		t.Error("a refused template changed a photo")
	}
}

func TestDroppingAPhotoWithMetadataFillsItsWords(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "From The Wire"})
	d := newTestDesk(t, lib)
	xmp := fixture.XMPPacket(`<rdf:Description rdf:about="">
		<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Barges wait at the lock on Tuesday.</rdf:li></rdf:Alt></dc:description>
		<photoshop:Credit>Ines Varga/Wire Agency</photoshop:Credit>
		<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default">Three barges in a canal lock.</rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility>
		<photoshop:City>Lockport</photoshop:City>
		<dc:subject><rdf:Bag><rdf:li>shipping</rdf:li></rdf:Bag></dc:subject>
	</rdf:Description>`)
	iptcOnly := fixture.AddJPEGIPTC(fixture.JPEG(1600, 1000, 8),
		fixture.IIM{Record: 2, Dataset: 120, Value: "A ferry at dawn."},
		fixture.IIM{Record: 2, Dataset: 80, Value: "Ola Nordmann"})
	withGPS := fixture.AddJPEGExif(fixture.JPEG(1600, 1000, 9), fixture.Exif(false, fixture.GPSPosition))
	_, files := writeFiles(t, map[string][]byte{
		"xmp.jpg":  fixture.AddJPEGXMP(fixture.JPEG(1600, 1000, 7), xmp),
		"iptc.jpg": iptcOnly,
		"gps.jpg":  withGPS,
	})
	d.editor.photos.dropped([]fyne.URI{storage.NewFileURI(files["xmp.jpg"]), storage.NewFileURI(files["iptc.jpg"]), storage.NewFileURI(files["gps.jpg"])})
	settled(d)
	ph := d.editor.piece.Photos
	if len(ph) != 3 {
		t.Fatalf("%d photos added", len(ph))
	}
	if ph[0].Caption != "Barges wait at the lock on Tuesday." || ph[0].Credit != "Ines Varga/Wire Agency" ||
		ph[0].Alt != "Three barges in a canal lock." || ph[0].City != "Lockport" || ph[0].Keywords[0] != "shipping" {
		t.Errorf("from XMP: %+v", ph[0])
	}
	// IPTC alone; the credit falls back to the by-line.
	if ph[1].Caption != "A ferry at dawn." || ph[1].Credit != "Ola Nordmann" || ph[1].Photographer != "Ola Nordmann" {
		t.Errorf("from IPTC: %+v", ph[1])
	}
	if !ph[2].Image.HasGPS || ph[0].Image.HasGPS {
		t.Error("GPS is not told apart")
	}
	if strings.Contains(strings.Join(d.editor.problems(), " "), "GPS") {
		t.Errorf("a GPS location fails a check: %v", d.editor.problems())
	}
	if notes := d.editor.checkNotes(); len(notes) != 1 || !strings.Contains(notes[0].Message, "Photo 3") || !strings.Contains(notes[0].Message, "the export removes the location") {
		t.Errorf("no note tells of the GPS location: %v", notes)
	}
	if !d.editor.save(true) {
		t.Fatal(d.editor.state.Text)
	}
	if got := stored(t, lib, d.editor.piece.ID).Photos; !got[2].Image.HasGPS || got[0].Caption != ph[0].Caption {
		t.Errorf("stored: %+v", got)
	}
}

func TestATemplateSaysWhichPhotosItSkipsAndWhy(t *testing.T) {
	p := &galley.Piece{Photos: []galley.Photo{
		{Caption: "Silt fans.", City: "Deltaville"},
		{Caption: "A boat. Deltaville", City: "Deltaville"},
		{Caption: "Untouched."},
		{Caption: "Keep me."},
	}}
	results, err := planTemplate(p, "{city}", templateCaption, false, []int{0, 1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, r := range results {
		texts = append(texts, r.text)
	}
	// Replacing with a template the photo has no details for keeps the
	// caption rather than wiping it.
	if want := []string{"Deltaville", "Deltaville", "Untouched.", "Keep me."}; !slices.Equal(texts, want) {
		t.Errorf("replacing gives %q, want %q", texts, want)
	}
	if got, want := skippedReport(results), "2 photos skipped: {city} is empty for photo 3 and photo 4."; got != want {
		t.Errorf("replacing reports %q, want %q", got, want)
	}
	results, _ = planTemplate(p, "{city}, {country}", templateCaption, true, []int{0, 1, 2})
	if got, want := skippedReport(results), "2 photos skipped: photo 2 already had this text; {city} and {country} are empty for photo 3."; got != want {
		t.Errorf("appending reports %q, want %q", got, want)
	}
	if !results[0].changed || results[0].missing() != "{country} is empty" {
		t.Errorf("photo 1 is not filled as far as it can be: %+v", results[0])
	}
}

func TestTheTemplateDialogPreviewsEachPhotoAndReportsSkips(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Templated", Photos: []galley.Photo{
		{Data: fixture.JPEG(30, 20, 4), Caption: "Silt fans.", City: "Deltaville", Country: "Norland"},
		{Data: fixture.JPEG(30, 20, 5), Caption: "A boat.", Country: "Norland"},
		{Data: fixture.JPEG(30, 20, 6), Caption: "Untouched.", City: "Elsewhere"},
	}})
	d := newTestDesk(t, lib)
	e := d.editor
	w := e.photos.askTemplate()
	if !w.apply.Disabled() {
		t.Error("Apply is offered with no template typed")
	}
	if d.win.Canvas().Focused() != fyne.Focusable(w.tmpl) {
		t.Error("the dialog opens without the cursor in the template")
	}
	if got := w.previews[0].Text; !strings.Contains(got, "Type a template") {
		t.Errorf("the preview with no template: %q", got)
	}
	if h := w.list.Size().Height; h < 300 {
		t.Errorf("the photo list is %v high, a row or two", h)
	}
	test.Type(w.tmpl, "{city}")
	if w.apply.Disabled() {
		t.Fatal("Apply stays disabled with a template typed")
	}
	if got := w.previews[0].Text; got != "→ Silt fans. Deltaville" {
		t.Errorf("photo 1's preview: %q", got)
	}
	if got := w.previews[1].Text; got != "Skipped: {city} is empty." {
		t.Errorf("photo 2's preview: %q", got)
	}
	test.Tap(w.chosen[2])
	if got := w.previews[2].Text; !strings.HasPrefix(got, "Not chosen") {
		t.Errorf("an unticked photo's preview: %q", got)
	}
	test.Type(w.tmpl, "}")
	if !w.apply.Disabled() || !w.problem.Visible() || !strings.Contains(w.problem.Text, "}") {
		t.Errorf("a template with a stray brace: Apply disabled %v, problem %q", w.apply.Disabled(), w.problem.Text)
	}
	w.tmpl.SetText("{city}")
	test.Tap(w.apply)
	got := e.piece.Photos
	if got[0].Caption != "Silt fans. Deltaville" || got[1].Caption != "A boat." || got[2].Caption != "Untouched." {
		t.Errorf("captions: %q | %q | %q", got[0].Caption, got[1].Caption, got[2].Caption)
	}
	if msg := overlayText(d.win); !strings.Contains(msg, "1 photo skipped: {city} is empty for photo 2.") {
		t.Errorf("the report after applying:\n%s", msg)
	}
	if !e.dirty {
		t.Error("a template that changed a caption left the piece saved")
	}
}

func TestATemplateThatChangesNothingLeavesThePieceSaved(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Templated", Photos: []galley.Photo{
		{Data: fixture.JPEG(30, 20, 4), Caption: "A boat."},
	}})
	d := newTestDesk(t, lib)
	e := d.editor
	w := e.photos.askTemplate()
	test.Type(w.tmpl, "{city}, {country}")
	test.Tap(w.apply)
	if e.dirty || e.stateText() == "Unsaved changes" {
		t.Errorf("nothing changed, yet the piece is unsaved (%q)", e.stateText())
	}
	if msg := overlayText(d.win); !strings.Contains(msg, "{city} and {country} are empty for photo 1") {
		t.Errorf("the report after applying:\n%s", msg)
	}
}

func TestTheLocationIsRemovedFromAPhotoOnRequest(t *testing.T) {
	withGPS := fixture.AddJPEGExif(fixture.JPEG(1600, 1000, 9), fixture.Exif(false, fixture.GPSPosition))
	lib := testLibrary(t, &galley.Piece{Title: "Located", Summary: "Barges wait.", Topics: []string{"Shipping"}, Contributors: []galley.Contributor{{Name: "Ines Varga"}}, Photos: []galley.Photo{
		{Data: withGPS, Caption: "Barges at the lock.", Credit: "Ines Varga", Alt: "Three barges.", City: "Lockport"},
	}})
	d, q := queuedDesk(t, lib)
	e := d.editor
	e.open(findByTitle(t, lib, "Located").ID)
	e.selectTab(e.photos.content)
	e.checks.refresh()
	if got := e.checks.button.Text; got != "Ready: no checks fail, 1 note" {
		t.Errorf("with only a GPS location the checks say %q (%v)", got, e.problems())
	}
	var strip *widget.Button
	walk(t, e.photos.cards, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Remove the location now" {
			strip = b
		}
	})
	if strip == nil {
		t.Fatal("the photo card offers no way to remove the location")
	}
	old := e.piece.Photos[0].Image.Hash
	test.Tap(strip)
	pump(d, q)
	ph := e.piece.Photos[0]
	if ph.Image.HasGPS || ph.Image.Hash == old || !e.dirty {
		t.Fatalf("after removing the location: GPS %v, same image %v, unsaved %v", ph.Image.HasGPS, ph.Image.Hash == old, e.dirty)
	}
	if len(e.checkNotes()) != 0 {
		t.Errorf("the note stays: %v", e.checkNotes())
	}
	if !e.save(true) {
		t.Fatal(e.state.Text)
	}
	got := stored(t, lib, e.piece.ID).Photos[0]
	data, err := lib.ImageData(t.Context(), got.Image.Hash)
	if err != nil {
		t.Fatal(err)
	}
	m, err := photo.ReadMetadata(data)
	if err != nil || m.HasGPS || got.Image.HasGPS || m.Caption != "Barges at the lock." || m.City != "Lockport" {
		t.Errorf("the stored image: GPS %v/%v, caption %q, city %q (%v)", m.HasGPS, got.Image.HasGPS, m.Caption, m.City, err)
	}
	if _, err := lib.ImageData(t.Context(), old); err == nil {
		t.Error("the image with the location is still in the library")
	}
}

func TestWithoutLocationKeepsThePictureAndTheWords(t *testing.T) {
	ph := galley.Photo{Caption: "A ferry at dawn.", Alt: "A ferry.", Credit: "Ola Nordmann", City: "Bergen"}
	turned := fixture.JPEGWithExif(40, 20, 3, 6, "Camera") // stored sideways, shown turned
	for _, c := range []struct {
		name string
		data []byte
		mime string
		w, h int
	}{
		{"a JPEG with GPS", fixture.AddJPEGExif(fixture.JPEG(40, 20, 1), fixture.Exif(false, fixture.GPSPosition)), "image/jpeg", 40, 20},
		{"a JPEG turned by EXIF", turned, "image/jpeg", 20, 40},
		{"a PNG with GPS", fixture.AddPNGExif(fixture.PNG(40, 20, 2), fixture.Exif(true, fixture.GPSPosition)), "image/png", 40, 20},
	} {
		ph.Image.MIME = c.mime
		out, err := withoutLocation(c.data, ph)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		img, err := photo.Inspect(c.name, out)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		m, _ := photo.ReadMetadata(out)
		if img.HasGPS || m.HasGPS || img.Width != c.w || img.Height != c.h || m.Caption != ph.Caption || m.City != "Bergen" {
			t.Errorf("%s: GPS %v/%v, %d × %d, caption %q, city %q", c.name, img.HasGPS, m.HasGPS, img.Width, img.Height, m.Caption, m.City)
		}
	}
	ph.Image.MIME = "image/webp"
	if _, err := withoutLocation(fixture.WebP(4, 4, 1), ph); err == nil {
		t.Error("a WebP is rewritten, though Galley cannot write its metadata")
	}
}
