package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// cmdCopy copies a whole library between homes: a library file into a
// team library on PostgreSQL to start a team, or a team library into a
// file to take it offline or keep it. The target must be new or empty;
// on any error it is left as it was.
func cmdCopy(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("copy", &db)
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	if fl.NArg() != 2 {
		return usageError{"copy: which library, into which? (galley copy FROM TO)"}
	}
	from, to := fl.Arg(0), fl.Arg(1)
	if !store.IsServerAddress(from) {
		if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
			return galley.Errorf(galley.ENotFound, "There is no library at %s to copy.", from)
		}
	}
	src, err := store.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(to)
	if err != nil {
		return err
	}
	defer dst.Close()
	if err := src.CopyInto(ctx, dst); err != nil {
		return err
	}
	n, err := dst.CountPieces(ctx, galley.Filter{})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Copied %s from %s to %s, with its photos, revisions and trash.\n", plural(n, "piece"), src.Path(), dst.Path())
	return nil
}

// plural says "1 piece", "2 pieces".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
