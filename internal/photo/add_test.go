package photo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// TestAddFilesTakesTheGoodAndNamesTheBad adds a mix of files: the images
// are added in order with their own words, the first as lead; each file
// that is not added is named once, and the piece never passes MaxPhotos.
func TestAddFilesTakesTheGoodAndNamesTheBad(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	harbour := write("harbour.jpg", fixture.AddJPEGIPTC(fixture.JPEG(64, 48, 1),
		fixture.IIM{Record: 2, Dataset: 120, Value: "A ferry at dawn."}, fixture.IIM{Record: 2, Dataset: 110, Value: "Ola Nordmann/Wire"}))
	notes := write("notes.txt", []byte("not a photo"))
	chart := write("chart.png", fixture.PNG(30, 20, 2))

	p := &galley.Piece{Title: "Harbour"}
	added, bad := AddFiles(p, []string{harbour, notes, filepath.Join(dir, "missing.jpg"), chart, dir})
	if added != 2 || len(p.Photos) != 2 {
		t.Fatalf("added %d, photos %+v", added, p.Photos)
	}
	first, second := p.Photos[0], p.Photos[1]
	if !first.Lead || second.Lead || first.Caption != "A ferry at dawn." || first.Credit != "Ola Nordmann/Wire" ||
		first.Image.Width != 64 || first.Data == nil || second.Image.MIME != "image/png" {
		t.Errorf("photos added: %+v", p.Photos)
	}
	if len(bad) != 3 {
		t.Fatalf("not added: %v; want notes.txt, missing.jpg and the folder", bad)
	}
	for i, name := range []string{"notes.txt", "missing.jpg", filepath.Base(dir)} {
		if msg := galley.ErrorMessage(bad[i]); !strings.Contains(msg, name) {
			t.Errorf("problem %d is %q; want it to name %s", i+1, msg, name)
		}
	}

	// A piece that has a lead keeps it; one that is full takes no more.
	full := &galley.Piece{Title: "Full", Photos: make([]galley.Photo, galley.MaxPhotos-1)}
	full.Photos[0].Lead = true
	added, bad = AddFiles(full, []string{chart, harbour})
	if added != 1 || len(full.Photos) != galley.MaxPhotos || full.Photos[galley.MaxPhotos-1].Lead {
		t.Errorf("adding to an almost full piece: added %d, %d photos", added, len(full.Photos))
	}
	if len(bad) != 1 || !strings.Contains(galley.ErrorMessage(bad[0]), "harbour.jpg: a piece can have at most") {
		t.Errorf("the file past the limit: %v", bad)
	}
}

// TestReadFilesStopsWhenAsked: a read the desk cancels (the library is let
// go) reads nothing more and says why.
func TestReadFilesStopsWhenAsked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chart.png")
	if err := os.WriteFile(path, fixture.PNG(30, 20, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	photos, bad, err := ReadFiles(ctx, []string{path, path, path}, galley.MaxPhotos)
	if !errors.Is(err, context.Canceled) || len(photos)+len(bad) != 0 {
		t.Errorf("a cancelled read gave %d photos, %v, %v", len(photos), bad, err)
	}
}
