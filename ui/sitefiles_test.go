package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// TestSiteFilesAreKeptFromSettings adds a logo through the Settings' site
// files (as the file chooser hands it over), sees it listed and kept in
// the library at once, refuses a file named as a page the export makes,
// and removes the logo with its button.
func TestSiteFilesAreKeptFromSettings(t *testing.T) {
	lib := testLibrary(t, interview())
	d := newTestDesk(t, lib)
	dir := t.TempDir()
	logo := filepath.Join(dir, "logo.png")
	if err := os.WriteFile(logo, fixture.PNG(40, 20, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(dir, "index.html")
	if err := os.WriteFile(index, []byte("<p>mine</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.showSettings()
	b := d.newSiteFilesBox(true)
	if !strings.Contains(overlayText(d.win), "Site files") {
		t.Fatalf("Settings shows no site files:\n%s", overlayText(d.win))
	}
	b.add(logo)
	if !strings.Contains(overlayText(d.win), "Adding logo.png…") {
		t.Errorf("the file is not added behind the working overlay")
	}
	settled(d)
	files, err := lib.SiteFiles(context.Background())
	if err != nil || len(files) != 1 || files[0].Name != "logo.png" {
		t.Fatalf("the library keeps %+v, %v", files, err)
	}
	if text := test.RenderObjectToMarkup(b.content); !strings.Contains(text, "logo.png") {
		t.Errorf("the list does not show the logo:\n%s", text)
	}
	b.add(index)
	settled(d)
	if msg := overlayText(d.win); !strings.Contains(msg, `"index.html" is made by the export itself`) {
		t.Errorf("a page's name as a site file was not refused:\n%s", msg)
	}
	var remove *widget.Button
	walk(t, b.rows, func(o fyne.CanvasObject) {
		if btn, ok := o.(*widget.Button); ok {
			remove = btn
		}
	})
	test.Tap(remove)
	settled(d)
	if files, _ := lib.SiteFiles(context.Background()); len(files) != 0 {
		t.Errorf("after removing, the library keeps %+v", files)
	}

	// A writer sees the files but not how to change them.
	if ro := d.newSiteFilesBox(false); !strings.Contains(test.RenderObjectToMarkup(ro.content), "disabled") {
		t.Error("a read-only list of site files offers to change them")
	}
}

// TestSettingsWaitForValidFields: the settings scroll (they are taller than
// a laptop's window) with Save kept in view, and Save waits while a field
// holds what no export would take.
func TestSettingsWaitForValidFields(t *testing.T) {
	lib := testLibrary(t, interview())
	d := newTestDesk(t, lib)
	d.showSettings()
	var save *widget.Button
	for _, o := range d.win.Canvas().Overlays().List() {
		walk(t, o, func(c fyne.CanvasObject) {
			if b, ok := c.(*widget.Button); ok && b.Text == "Save" {
				save = b
			}
		})
	}
	if save == nil || save.Disabled() {
		t.Fatalf("no Save to tap in the settings")
	}
	base := findEntryWithPlaceholder(t, d.win, "https://example.org/publications/ (optional)")
	test.Type(base, "example.org")
	if !save.Disabled() {
		t.Error("Save can be tapped with a base URL no export takes")
	}
	base.SetText("https://example.org/")
	if save.Disabled() {
		t.Error("Save still waits once the base URL is good")
	}
	tapButton(t, d.win, "Save")
	settled(d)
	if got, _ := lib.SiteSettings(context.Background()); got["base-url"] != "https://example.org/" {
		t.Errorf("saved %v", got)
	}
}

// TestSlowWorkWaitsWhileTheLibraryIsLetGo: photos dropped while a library
// is being closed or another reached are refused with the reason, not
// read in a job group about to stop (whose overlay would stay up for
// good), and the desk stays held by the overlay already up.
func TestSlowWorkWaitsWhileTheLibraryIsLetGo(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Held"})
	d := newTestDesk(t, lib)
	d.editor.open(findByTitle(t, lib, "Held").ID)
	dir := t.TempDir()
	photo := filepath.Join(dir, "harbour.jpg")
	if err := os.WriteFile(photo, fixture.JPEG(40, 30, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	d.retiring = true // as while "Reaching the team library…"
	d.editor.photos.addFiles([]string{photo})
	settled(d)
	if msg := overlayText(d.win); !strings.Contains(msg, "Adding photos waits") || strings.Contains(msg, "Reading 1 photo") {
		t.Errorf("photos dropped meanwhile:\n%s", msg)
	}
	if !d.retiring || len(d.editor.piece.Photos) != 0 {
		t.Errorf("retiring %v, photos %d: the refused work changed the desk", d.retiring, len(d.editor.piece.Photos))
	}
	d.retiring = false
}
