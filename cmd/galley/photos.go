package main

import (
	"context"
	"fmt"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

// cmdPhotos adds photos to a piece: `galley photos add --piece SLUG FILE...`.
// The files are added as the desk adds them (photo.AddFiles): the good
// ones with their words from the file's metadata, and the bad ones named,
// so one damaged file in twenty does not hold up the other nineteen.
func cmdPhotos(ctx context.Context, args []string, db string, e env) error {
	if len(args) == 0 || args[0] != "add" {
		return usageError{"photos: the only action is add: galley photos add --piece SLUG FILE..."}
	}
	fl := newFlags("photos add", &db)
	slug := fl.String("piece", "", "the piece to add the photos to")
	if err := fl.Parse(args[1:]); err != nil {
		return flagError(err)
	}
	if *slug == "" || fl.NArg() == 0 {
		return usageError{"photos add needs --piece SLUG and at least one image file"}
	}
	st, err := openForWriting(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.PieceBySlug(ctx, *slug)
	if err != nil {
		return err
	}
	added, bad := photo.AddFiles(p, fl.Args())
	if added > 0 {
		if err := st.SavePiece(ctx, p); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Added %d photos to %s.\n", added, p.Name())
		for _, msg := range galley.PhotoProblemsOf(p) {
			fmt.Fprintf(e.stdout, "  check: %s\n", msg)
		}
	}
	for _, err := range bad {
		fmt.Fprintf(e.stderr, "galley: not added: %s\n", galley.ErrorMessage(err))
	}
	if len(bad) > 0 {
		return galley.Errorf(galley.EInvalid, "%d of %d files were not added.", len(bad), fl.NArg())
	}
	return nil
}
