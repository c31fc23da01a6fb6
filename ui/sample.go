package ui

import (
	"context"
	"fmt"

	"app.galley/galley/assets"
	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// sampleImporter is a library the sample pieces can be added to: the
// store. A library that is not (a test's wrapper) offers no sample.
type sampleImporter interface {
	Import(ctx context.Context, pieces []galley.Piece, read store.ImageReader, opt store.ImportOptions) (galley.ImportReport, error)
}

// The store must stay a sampleImporter, or the shelf silently stops
// offering the sample.
var _ sampleImporter = (*store.Store)(nil)

// canAddSample reports whether the library on the desk takes the sample.
func (d *Desk) canAddSample() bool {
	_, ok := d.lib.(sampleImporter)
	return ok
}

// addSample adds the sample pieces that come with Galley to the library,
// as `galley sample` does, in the background, then opens the newest. A
// library made with --db or File → New starts empty; this is the way to
// see what a finished piece looks like without the command line.
func (d *Desk) addSample(done func(error)) {
	imp, ok := d.lib.(sampleImporter)
	if !ok {
		return
	}
	g, libGen := d.jobs, d.libGen
	d.shelf.count.SetText("Adding the sample pieces…")
	d.shelf.sample.Disable()
	started := g.startAsked(func(ctx context.Context) {
		b, err := bundle.OpenFS(assets.Sample(), "the sample desk")
		var report galley.ImportReport
		if err == nil {
			// Pieces of the sample an editor has changed are kept as they are.
			report, err = imp.Import(ctx, b.Pieces, b.ReadImage, store.ImportOptions{KeepExisting: true})
		}
		g.do(func() {
			d.shelf.sample.Enable()
			if d.libGen != libGen {
				return
			}
			if err != nil {
				d.showError(fmt.Errorf("add the sample pieces: %w", err))
			}
			d.shelf.refreshChoices()
			d.shelf.reload()
			if err == nil && len(report.Created) > 0 && d.editor.piece == nil && d.shelf.pages.Len() > 0 {
				d.shelf.list.Select(0)
			}
			if done != nil {
				done(err)
			}
		})
	})
	if !started {
		d.shelf.sample.Enable()
	}
}
