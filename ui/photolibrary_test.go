package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

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
	cell := libraryCellAt(t, w, 0)
	if label, _ := cell.frame.Placeholder(); !cell.frame.Loading() || label != "400 × 300" {
		t.Errorf("before its thumbnail arrives the cell shows %q (placeholder %v)", label, cell.frame.Loading())
	}
	pump(d, q) // the thumbnail is read in the background
	if cell := libraryCellAt(t, w, 0); cell.frame.Loading() || cell.frame.Image() == nil {
		t.Error("the thumbnail arrived, yet the cell still shows its placeholder")
	}
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

// libraryCellAt is the grid's cell showing photo i.
func libraryCellAt(t *testing.T, w *photoLibraryWindow, i int) *libraryCell {
	t.Helper()
	var cells []*libraryCell
	walk(t, w.grid, func(o fyne.CanvasObject) {
		if c, ok := o.(*libraryCell); ok {
			cells = append(cells, c)
		}
	})
	if i >= len(cells) {
		t.Fatalf("the grid shows %d cells", len(cells))
	}
	return cells[i]
}

func TestAPhotoHoldsItsPlaceUntilItsThumbnailArrives(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Wide", Photos: []galley.Photo{{Data: fixture.JPEG(400, 100, 1), Caption: "A weir."}}})
	d, q := queuedDesk(t, lib)
	e := d.editor
	e.open(findByTitle(t, lib, "Wide").ID)
	e.selectTab(e.photos.content)
	f := e.photos.frames[0]
	label, box := f.Placeholder()
	if !f.Loading() || label != "400 × 100" || f.Image() != nil {
		t.Fatalf("before the thumbnail: placeholder %v saying %q", f.Loading(), label)
	}
	// The grey box has the photo's shape in the thumbnail's place.
	if box != fyne.NewSize(200, 50) {
		t.Errorf("the placeholder is %v", box)
	}
	pump(d, q)
	if f := e.photos.frames[0]; f.Loading() || f.Image() == nil {
		t.Error("the thumbnail arrived, yet the card still shows its placeholder")
	}
}
