package archive

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// Importer is a library an archive can be imported into: the store, in
// either of its homes.
type Importer interface {
	ImportStream(ctx context.Context, pieces iter.Seq2[galley.Piece, error], read store.ImageReader, opt store.ImportOptions) (galley.ImportReport, error)
}

var _ Importer = (*store.Store)(nil)

// Import imports the archive's posts into lib in one transaction, as a
// bundle is: an error, or ctx ending, leaves the library as it was.
// progress, when set, is told after each post how many of the archive's
// are done. Of opt, Overwrite and KeepEdited say which side wins when a
// piece was edited in the library and its post changed too; the archive
// gives the rest.
func (a *Archive) Import(ctx context.Context, lib Importer, opt store.ImportOptions, progress func(done, total int)) (galley.ImportReport, error) {
	pieces := a.All()
	if progress != nil {
		pieces = counted(pieces, a.posts, progress)
	}
	a.renamed = nil
	return lib.ImportStream(ctx, pieces, a.ReadImage, store.ImportOptions{
		Overwrite:  opt.Overwrite,
		KeepEdited: opt.KeepEdited,
		Slugs:      a.Slugs(),
		Renamed: func(title, wanted, got string) {
			a.renamed = append(a.renamed, fmt.Sprintf("“%s” was imported as %s: %s is another piece's slug.", title, got, wanted))
		},
	})
}

// counted passes pieces through, telling progress how many have gone.
func counted(pieces iter.Seq2[galley.Piece, error], total int, progress func(done, total int)) iter.Seq2[galley.Piece, error] {
	return func(yield func(galley.Piece, error) bool) {
		n := 0
		for p, err := range pieces {
			if !yield(p, err) {
				return
			}
			n++
			progress(n, total)
		}
	}
}

// Summary is what an import has to say beyond its counts, a line each:
// what the archive holds that was not imported, then each post that needs
// an editor's eye, with what the import did to it. pagesHint says how to
// import pages left out, in the words of the command line or the desk.
func (a *Archive) Summary(pagesHint string) []string {
	var out []string
	for _, s := range a.Skipped() {
		if strings.HasSuffix(s, " "+skippedPages) && pagesHint != "" {
			s += " (" + pagesHint + ")"
		}
		out = append(out, "Not imported: "+s+".")
	}
	out = append(out, a.renamed...)
	for _, n := range a.notes {
		name := "“" + n.Title + "”"
		if n.Slug != "" {
			name += " (" + n.Slug + ")"
		}
		out = append(out, name+":")
		for _, line := range n.Lines {
			out = append(out, fmt.Sprintf("  - %s", line))
		}
	}
	return out
}

// Source names what was imported, for a summary's first line: "WordPress
// export of http://example.org".
func (a *Archive) Source() string {
	s := string(a.Format) + " export"
	if a.Site != "" {
		s += " of " + a.Site
	}
	return s
}
