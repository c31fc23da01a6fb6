package main

import (
	"context"
	"fmt"

	"app.galley/galley/internal/archive"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// archiveFlags are import's flags for another system's export.
type archiveFlags struct {
	uploads    *string
	pages      *bool
	qa         *bool
	typeFrom   *string
	keepEdited *bool
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
	case *f.keepEdited:
		return "--keep-edited"
	}
	return ""
}

// progressEvery is how many posts go by between progress lines: a large
// archive takes minutes, and a silent terminal looks like a hang.
const progressEvery = 500

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
	var progress func(done, total int)
	if a.Posts() >= 2*progressEvery {
		progress = func(done, total int) {
			if done%progressEvery == 0 {
				fmt.Fprintf(e.stderr, "Importing: %d of %d posts…\n", done, total)
			}
		}
	}
	report, err := a.Import(ctx, st, store.ImportOptions{Overwrite: overwrite, KeepEdited: *fl.keepEdited}, progress)
	if galley.ErrorCode(err) == galley.EConflict {
		return galley.Errorf(galley.EConflict, "%s Nothing was imported. Import with --keep-edited to keep the library's versions of such pieces, or with --overwrite to take the posts' (the library's stay in each piece's history).", galley.ErrorMessage(err))
	}
	if err != nil {
		return galley.Errorf(galley.ErrorCode(err), "%s Nothing was imported.", galley.ErrorMessage(err))
	}
	fmt.Fprintf(e.stdout, "Imported %s (%s) into %s: %s.\n", path, a.Source(), st.Path(), describe(report))
	for _, line := range a.Summary("import them with --pages") {
		fmt.Fprintf(e.stdout, "  %s\n", line)
	}
	return nil
}
