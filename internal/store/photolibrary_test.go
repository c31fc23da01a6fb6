package store

import (
	"bytes"
	"image/jpeg"
	"testing"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

func TestThePhotoLibrarySearchesAcrossPieces(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		shared := fixture.JPEG(900, 600, 1)
		a := &galley.Piece{Title: "A", Photos: []galley.Photo{{Data: shared, Caption: "Barges at the lock.", Photographer: "Ines Varga"}}}
		b := &galley.Piece{Title: "B", Photos: []galley.Photo{
			{Data: shared, Caption: "Barges again, reused.", Credit: "Wire Agency"},
			{Data: fixture.JPEG(300, 200, 2), Caption: "A ferry at dawn.", Credit: "Ola Nordmann"},
		}}
		for _, p := range []*galley.Piece{a, b} {
			if err := s.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.PhotoLibrary(ctx, "", 0, 0)
		if err != nil || len(all) != 2 {
			t.Fatalf("library: %+v, %v", all, err)
		}
		// One entry per image, with its latest words and how often it is used.
		var barge galley.LibraryPhoto
		for _, lp := range all {
			if lp.Photo.Image.Width == 900 {
				barge = lp
			}
		}
		if barge.Uses != 2 || barge.Photo.Caption != "Barges again, reused." {
			t.Errorf("the shared image: %+v", barge)
		}
		for query, want := range map[string]int{"varga": 1, "nordmann": 1, "barges": 1, "dawn ferry": 1, "nothing here": 0} {
			list, err := s.PhotoLibrary(ctx, query, 10, 0)
			n, _ := s.CountPhotoLibrary(ctx, query)
			if err != nil || len(list) != want || n != want {
				t.Errorf("search %q: %d listed, %d counted (%v), want %d", query, len(list), n, err, want)
			}
		}
		// Edits and deletes keep the search in step.
		b.Photos[1].Caption = "A tug at dusk."
		if err := s.SavePiece(ctx, b); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountPhotoLibrary(ctx, "ferry"); n != 0 {
			t.Error("an old caption is still found")
		}
		if n, _ := s.CountPhotoLibrary(ctx, "tug"); n != 1 {
			t.Error("a new caption is not found")
		}
		s.DeletePiece(ctx, b.ID)
		if n, _ := s.CountPhotoLibrary(ctx, "tug"); n != 0 {
			t.Error("a deleted piece's photo is still found")
		}
		uses, _ := s.PhotoUses(ctx, a.Photos[0].Image.Hash)
		if len(uses) != 1 || uses[0].ID != a.ID {
			t.Errorf("uses: %+v", uses)
		}
	})
}

func TestThumbnailsAreMadeOnceAndKept(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		p := &galley.Piece{Title: "T", Photos: []galley.Photo{{Data: fixture.JPEG(1200, 800, 3)}}}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		hash := p.Photos[0].Image.Hash
		th, err := s.Thumbnail(ctx, hash)
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(th))
		if err != nil || img.Bounds().Dx() != ThumbnailSize || img.Bounds().Dy() != 160 {
			t.Fatalf("thumbnail %v, %v", img.Bounds(), err)
		}
		if n := count(t, s, "SELECT count(*) FROM thumbnails"); n != 1 {
			t.Errorf("%d thumbnails kept", n)
		}
		again, _ := s.Thumbnail(ctx, hash)
		if !bytes.Equal(th, again) {
			t.Error("the kept thumbnail was not reused")
		}
		s.DeletePiece(ctx, p.ID)
		s.EmptyTrash(ctx)
		if n := count(t, s, "SELECT count(*) FROM thumbnails"); n != 0 {
			t.Error("a thumbnail outlived its image")
		}
	})
}
