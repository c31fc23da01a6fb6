package ui

import (
	"strings"
	"testing"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

func TestThePhotoLibraryFindsAndReusesAPhoto(t *testing.T) {
	lib := testLibrary(t,
		&galley.Piece{Title: "With Barges", Photos: []galley.Photo{{Data: fixture.JPEG(400, 300, 1), Caption: "Barges at the lock.", Credit: "Ines Varga"}}},
		&galley.Piece{Title: "Needs A Photo"},
	)
	d, q := queuedDesk(t, lib)
	d.editor.open(findByTitle(t, lib, "Needs A Photo").ID)
	w := d.showPhotoLibrary()
	if w.total != 1 || w.count.Text != "1 photo" {
		t.Fatalf("the library shows %d (%q)", w.total, w.count.Text)
	}
	w.search.SetText("varga")
	if w.total != 1 {
		t.Fatalf("searching the credit finds %d", w.total)
	}
	pump(d, q) // the thumbnail is read in the background
	if len(w.thumbs) != 1 {
		t.Fatalf("%d thumbnails read, want the one photo's", len(w.thumbs))
	}
	w.grid.Select(0)
	if !strings.Contains(w.details.Text, "Used in: With Barges") || w.add.Disabled() {
		t.Fatalf("details: %q", w.details.Text)
	}
	w.addToPiece()
	p := d.editor.piece
	if len(p.Photos) != 1 || p.Photos[0].Caption != "Barges at the lock." || !p.Photos[0].Lead {
		t.Fatalf("the open piece's photos: %+v", p.Photos)
	}
	if !d.editor.save(true) {
		t.Fatal(d.editor.state.Text)
	}
	if n, _ := lib.CountPhotoLibrary(t.Context(), ""); n != 1 {
		t.Errorf("%d images after reuse, want the one stored once", n)
	}
	w.search.SetText("nothing like this")
	if w.total != 0 {
		t.Errorf("a search without matches shows %d", w.total)
	}
}
