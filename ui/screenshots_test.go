package ui

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"app.galley/galley/assets"
	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// TestScreenshots draws the desk on the sample library with Fyne's own
// theme and writes the README's screenshots to the folder named by
// GALLEY_SCREENSHOTS (`make screenshots`). Without it, it is skipped.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("GALLEY_SCREENSHOTS")
	if dir == "" {
		t.Skip("set GALLEY_SCREENSHOTS to a folder to write the screenshots")
	}
	lib := testLibrary(t)
	b, err := bundle.OpenFS(assets.Sample(), "the sample desk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Import(context.Background(), b.Pieces, b.ReadImage, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	// Fyne's theme in its light variant, as an editor who chose Light
	// in Settings sees it.
	a.Settings().SetTheme(theme.DefaultTheme())
	a.Preferences().SetString(prefThemeVariant, themeLight)
	d := queuedNewDesk(t, a, lib)
	opened(t, d)
	d.Window().Resize(fyne.NewSize(1280, 800))
	e := d.editor
	e.selectTab(e.photos.content)
	waitFor(t, "the thumbnails", func() bool { return len(e.photos.thumbs) > 0 })
	shots := []struct {
		file string
		show func()
	}{
		{"desk-main.png", func() { e.tabs.SelectIndex(0) }},
		{"desk-qa.png", func() { e.selectTab(e.qa.content) }},
		{"desk-photos.png", func() { e.selectTab(e.photos.content) }},
		{"desk-topics.png", func() { e.selectTab(e.topics.content) }},
		{"desk-related.png", func() { e.selectTab(e.related.content) }},
	}
	for _, s := range shots {
		s.show()
		writePNG(t, filepath.Join(dir, s.file), d.Window())
	}

	// A caption template, previewed on each photo before it is applied.
	// The sample's photos carry no place or date: three copies of the
	// first, two with the details a wire photo brings, stand in for a
	// photo essay for the picture, and go again untouched.
	e.selectTab(e.photos.content)
	if photos := e.piece.Photos; len(photos) > 0 {
		essay := []galley.Photo{photos[0], photos[0], photos[0]}
		essay[0].City, essay[0].Country, essay[0].DateCreated = "Arlen Falls", "Westmark", "2026-09-08"
		essay[1].City, essay[1].Country, essay[1].DateCreated = "", "Norland", "2026-09-09"
		essay[1].Caption = "Survey boats moored below the weir."
		essay[2].Caption = "Gauging station at the border crossing."
		e.piece.Photos = essay
		tw := e.photos.askTemplate()
		tw.tmpl.SetText("{city}, {country}, {date}. ({credit})")
		tw.mode.SetSelected("Replace")
		tw.chosen[2].SetChecked(false)
		writePNG(t, filepath.Join(dir, "desk-template.png"), d.Window())
		tw.dlg.Hide()
		e.piece.Photos = photos
	}

	// The history of an edit: words replaced, added and removed.
	lib.RevisionWindow = 0
	e.tabs.SelectIndex(0)
	p := e.piece
	e.story.title.SetText(strings.Replace(p.Title, " ", " Still ", 1))
	summary := strings.Fields(p.Summary)
	if len(summary) > 8 {
		summary[3], summary[6] = "notably", "latest"
		summary = append(summary[:1], summary[2:]...)
	}
	e.story.summary.SetText(strings.Join(summary, " ") + " It was revised before publication.")
	h := d.showHistory()
	h.win.Resize(fyne.NewSize(1100, 640))
	writePNG(t, filepath.Join(dir, "desk-history.png"), h.win)
}

func writePNG(t *testing.T, path string, w fyne.Window) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
