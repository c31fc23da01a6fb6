package main

import (
	"context"
	"fmt"
	"iter"

	"app.galley/galley/internal/archive"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// archiveFlags are import's flags for another system's export.
type archiveFlags struct {
	uploads  *string
	pages    *bool
	qa       *bool
	typeFrom *string
}

// given reports the first archive flag set on a bundle's import, which
// has no use for them.
func (f archiveFlags) given() string {
	switch {
	case *f.uploads != "":
		return "--uploads"
	case *f.pages:
		return "--pages"
	case *f.qa:
		return "--qa"
	case *f.typeFrom != "":
		return "--type-from"
	}
	return ""
}

// importArchive imports a WordPress or Ghost export, all or nothing, and
// says what it made of each post that needs an editor's eye.
func importArchive(ctx context.Context, path string, fl archiveFlags, overwrite bool, db string, e env) error {
	a, err := archive.Open(path, archive.Options{Uploads: *fl.uploads, Pages: *fl.pages, QA: *fl.qa, TypeFrom: *fl.typeFrom})
	if err != nil {
		return galley.Errorf(galley.ErrorCode(err), "%s Nothing was imported.", galley.ErrorMessage(err))
	}
	defer a.Close()
	st, err := openForFilling(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	report, err := st.ImportStream(ctx, withProgress(a.All(), a.Posts(), e), a.ReadImage, store.ImportOptions{
		Overwrite: overwrite,
		Slugs:     a.Slugs(),
	})
	if err != nil {
		return galley.Errorf(galley.ErrorCode(err), "%s Nothing was imported.", galley.ErrorMessage(err))
	}
	from := string(a.Format) + " export"
	if a.Site != "" {
		from += " of " + a.Site
	}
	fmt.Fprintf(e.stdout, "Imported %s (%s) into %s: %s.\n", path, from, st.Path(), describe(report))
	for _, s := range a.Skipped() {
		fmt.Fprintf(e.stdout, "  Not imported: %s.\n", s)
	}
	for _, n := range a.Notes() {
		name := "“" + n.Title + "”"
		if n.Slug != "" {
			name += " (" + n.Slug + ")"
		}
		fmt.Fprintf(e.stdout, "  %s:\n", name)
		for _, line := range n.Lines {
			fmt.Fprintf(e.stdout, "    - %s\n", line)
		}
	}
	return nil
}

// progressEvery is how many posts go by between progress lines: a large
// archive takes minutes, and a silent terminal looks like a hang.
const progressEvery = 500

// withProgress passes pieces through, telling stderr how far the import
// has come when there are many.
func withProgress(pieces iter.Seq2[galley.Piece, error], total int, e env) iter.Seq2[galley.Piece, error] {
	if total < 2*progressEvery {
		return pieces
	}
	return func(yield func(galley.Piece, error) bool) {
		n := 0
		for p, err := range pieces {
			if n++; n%progressEvery == 0 {
				fmt.Fprintf(e.stderr, "Importing: %d of %d posts…\n", n, total)
			}
			if !yield(p, err) {
				return
			}
		}
	}
}
