package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// listTimeLayout is how the command line's lists (revisions, trash,
// backups) show an instant, in the reader's zone: sortable, and short
// enough for a table.
const listTimeLayout = "2006-01-02 15:04"

// cmdRevisions lists a piece's revisions, newest first.
func cmdRevisions(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("revisions", &db)
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	slug, err := oneArg(fl, "piece (its slug)")
	if err != nil {
		return err
	}
	return withPiece(ctx, db, e, slug, false, func(st *store.Store, p *galley.Piece) error {
		revs, err := st.Revisions(ctx, p.ID)
		if err != nil {
			return err
		}
		if len(revs) == 0 {
			fmt.Fprintf(e.stdout, "%s has no revisions yet.\n", p.Name())
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "#\tsaved\tby\tstatus\t")
		for i, r := range revs {
			// What made the revision, when it was not an editor's save:
			// an import, a restore, a topic renamed.
			note := r.Change
			if i == 0 {
				note = strings.TrimSpace(note + " (current)")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Number, r.Saved.Local().Format(listTimeLayout), r.Author, r.Status, note)
		}
		return tw.Flush()
	})
}

// withPiece opens the library — checked first when write is set, since
// the command will change it — finds the piece by slug and runs fn on it.
func withPiece(ctx context.Context, db string, e env, slug string, write bool, fn func(st *store.Store, p *galley.Piece) error) error {
	open := openLibrary
	if write {
		open = openForWriting
	}
	st, err := open(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.PieceBySlug(ctx, slug)
	if err != nil {
		return err
	}
	return fn(st, p)
}

// cmdRestoreRevision makes an old revision the piece's current content
// (itself a new revision, so nothing is lost by restoring).
func cmdRestoreRevision(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("restore-revision", &db)
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	if fl.NArg() != 2 {
		return usageError{"restore-revision takes a piece's slug and a revision number, as listed by `galley revisions SLUG`"}
	}
	slug := fl.Arg(0)
	n, err := strconv.Atoi(fl.Arg(1))
	if err != nil || n < 1 {
		return usageError{fmt.Sprintf("restore-revision: %q is not a revision number", fl.Arg(1))}
	}
	return withPiece(ctx, db, e, slug, true, func(st *store.Store, p *galley.Piece) error {
		restored, err := st.RestoreRevision(ctx, p.ID, n)
		if err != nil {
			return err
		}
		revs, err := st.Revisions(ctx, p.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Restored revision %d of %s; it is now revision %d (the text it replaced is revision %d).\n",
			n, restored.Name(), revs[0].Number, revs[0].Number-1)
		return nil
	})
}

// cmdDelete moves a piece to the trash.
func cmdDelete(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("delete", &db)
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	slug, err := oneArg(fl, "piece (its slug)")
	if err != nil {
		return err
	}
	return withPiece(ctx, db, e, slug, true, func(st *store.Store, p *galley.Piece) error {
		refs, err := st.DeletePiece(ctx, p.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Moved %s to the trash; `galley trash restore %s` brings it back within %d days.\n", p.Name(), p.Slug, store.TrashDays)
		for _, r := range refs {
			fmt.Fprintf(e.stdout, "  no longer related from %s\n", r.Slug)
		}
		return nil
	})
}

// cmdTrash lists the trash, restores a piece from it, or empties it.
func cmdTrash(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("trash", &db)
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	action := "list"
	if fl.NArg() > 0 {
		action = fl.Arg(0)
	}
	open := openForWriting
	if action == "list" {
		open = openLibrary
	}
	st, err := open(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	switch action {
	case "list":
		if fl.NArg() > 1 {
			return usageError{"trash list takes no arguments"}
		}
		return listTrash(ctx, st, e)
	case "restore":
		if fl.NArg() != 2 {
			return usageError{"trash restore takes the slug the piece had"}
		}
		return restoreTrash(ctx, st, fl.Arg(1), e)
	case "empty":
		if fl.NArg() > 1 {
			return usageError{"trash empty takes no arguments"}
		}
		n, err := st.EmptyTrash(ctx)
		if err != nil {
			return err
		}
		noun := "pieces"
		if n == 1 {
			noun = "piece"
		}
		fmt.Fprintf(e.stdout, "Emptied the trash: %d %s deleted for good.\n", n, noun)
		return nil
	}
	return usageError{fmt.Sprintf("trash: %q is not list, restore or empty", action)}
}

func listTrash(ctx context.Context, st *store.Store, e env) error {
	list, err := st.Trash(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "The trash is empty.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, t := range list {
		left := store.TrashDays - int(time.Since(t.Deleted).Hours()/24)
		fmt.Fprintf(tw, "%s\tdeleted %s by %s\t%d days left\t%s\n", t.Slug, t.Deleted.Local().Format(listTimeLayout), t.Author, max(left, 0), t.Title)
	}
	return tw.Flush()
}

func restoreTrash(ctx context.Context, st *store.Store, slug string, e env) error {
	list, err := st.Trash(ctx)
	if err != nil {
		return err
	}
	for _, t := range list {
		if t.Slug == slug {
			p, err := st.RestoreTrashed(ctx, t.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Restored %s (%s).\n", p.Name(), p.Slug)
			return nil
		}
	}
	return galley.Errorf(galley.ENotFound, "No piece with the slug %q is in the trash; `galley trash` lists what is.", slug)
}
