package corpus

import (
	"context"
	"fmt"

	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/photo"
	"app.galley/galley/internal/store"
)

// batch is how many pieces WriteLibrary imports per transaction.
const batch = 5000

// libraryImages is how many distinct photos a generated library holds.
const libraryImages = 1000

// WriteLibrary creates a library of n generated pieces at path.
func WriteLibrary(ctx context.Context, path string, n int, seed uint64) error {
	st, err := store.Open(path)
	if err != nil {
		return err
	}
	defer st.Close()
	g := New(seed)
	read := func(src string) ([]byte, error) { return ImageFor(src, libraryImages) }
	for done := 0; done < n; done += batch {
		if _, err := st.Import(ctx, g.Pieces(min(batch, n-done)), read, store.ImportOptions{}); err != nil {
			return fmt.Errorf("generate library: %w", err)
		}
	}
	return nil
}

// WriteBundle writes a bundle of n generated pieces, one distinct photo
// each, to out (a folder, or a .zip file).
func WriteBundle(out string, n int, seed uint64) error {
	images := map[string][]byte{}
	w, err := bundle.Create(out)
	if err != nil {
		return err
	}
	for _, p := range New(seed).Pieces(n) {
		for i := range p.Photos {
			data, err := ImageFor(p.Photos[i].Source, 0)
			if err != nil {
				w.Abort()
				return err
			}
			img, err := photo.Inspect(p.Photos[i].Source, data)
			if err != nil {
				w.Abort()
				return err
			}
			p.Photos[i].Image = img
			images[img.Hash] = data
		}
		if err := w.Add(&p, func(hash string) ([]byte, error) { return images[hash], nil }); err != nil {
			w.Abort()
			return err
		}
		clear(images) // each image is written as its piece is added
	}
	return w.Commit()
}
