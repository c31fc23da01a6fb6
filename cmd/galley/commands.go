package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"app.galley/galley/internal/archive"
	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// cmdList prints one line per piece: slug, status, date, title.
func cmdList(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("list", &db)
	var f galley.Filter
	var status string
	fl.StringVar(&f.Query, "query", "", "full-text search")
	fl.StringVar(&status, "status", "", "draft, review, ready or published")
	fl.StringVar(&f.Topic, "topic", "", "topic name")
	fl.StringVar(&f.Type, "type", "", "type name")
	fl.IntVar(&f.Limit, "limit", 0, "at most this many pieces")
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	if fl.NArg() > 0 {
		return usageError{fmt.Sprintf("list takes no arguments, only flags (got %q)", fl.Arg(0))}
	}
	if f.Limit < 0 {
		return usageError{"list: --limit must be 0 (no limit) or more"}
	}
	if status != "" {
		st, err := galley.ParseStatus(status)
		if err != nil {
			return usageError{"list --status: " + galley.ErrorMessage(err)}
		}
		f.Status = st
	}
	st, err := openLibrary(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.FindPieces(ctx, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, p := range list {
		date := p.Published.String()
		if date == "" {
			date = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Slug, p.Status, date, p.Title)
	}
	return tw.Flush()
}

// cmdImport imports a bundle, or a WordPress or Ghost export, in one
// transaction.
func cmdImport(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("import", &db)
	overwrite := fl.Bool("overwrite", false, "replace library pieces changed after the bundle's copy")
	af := archiveFlags{
		uploads:    fl.String("uploads", "", "WordPress or Ghost: a copy of the old site's upload folder (wp-content/uploads, content/images)"),
		pages:      fl.Bool("pages", false, "WordPress or Ghost: import the site's pages too"),
		qa:         fl.Bool("qa", false, "WordPress or Ghost: make interviews (question paragraphs, each followed by its answer) questions and answers"),
		typeFrom:   fl.String("type-from", "", "WordPress or Ghost: make the first category (category) or tag (tag) a post's type"),
		keepEdited: fl.Bool("keep-edited", false, "WordPress or Ghost: keep pieces edited here since their last import, even when their posts changed too"),
	}
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	path, err := oneArg(fl, "bundle folder or .zip, or a WordPress (.xml) or Ghost (.json) export")
	if err != nil {
		return err
	}
	// Told by content, not by name: an export may be saved as anything.
	format, err := archive.Sniff(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if format != "" {
		return importArchive(ctx, path, af, *overwrite, db, e)
	}
	if flag := af.given(); flag != "" {
		return usageError{fmt.Sprintf("import: %s is for WordPress and Ghost exports; %s is a Galley bundle", flag, path)}
	}
	// Read and check the whole bundle before the library is touched; the
	// import then reads it again, one piece at a time, so no more than a
	// piece is ever held in memory.
	b, err := bundle.Open(path)
	if err != nil {
		return err
	}
	defer b.Close()
	st, err := openForFilling(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	var renamed []string
	report, err := st.ImportStream(ctx, b.All(), b.ReadImage, store.ImportOptions{
		Overwrite: *overwrite,
		Slugs:     b.Slugs(),
		Renamed: func(title, wanted, got string) {
			renamed = append(renamed, fmt.Sprintf("created %s for “%s”: %s is another piece's slug", got, title, wanted))
		},
	})
	if err != nil {
		// The store rolled everything back; say so in the same breath.
		return galley.Errorf(galley.ErrorCode(err), "%s Nothing was imported.", galley.ErrorMessage(err))
	}
	fmt.Fprintf(e.stdout, "Imported %s into %s: %s.\n", path, st.Path(), describe(report))
	for _, line := range renamed {
		fmt.Fprintf(e.stdout, "  %s.\n", line)
	}
	return nil
}

func describe(r galley.ImportReport) string {
	s := fmt.Sprintf("%d created, %d updated, %d unchanged", len(r.Created), len(r.Updated), len(r.Unchanged))
	if len(r.Kept) > 0 {
		s += fmt.Sprintf(", %d already in the library and kept as they are", len(r.Kept))
	}
	if len(r.KeptEdited) > 0 {
		s += fmt.Sprintf(", %d edited here since the last import and kept as edited (%s)", len(r.KeptEdited), strings.Join(r.KeptEdited, ", "))
	}
	return s
}

// cmdExport writes the library as a bundle.
func cmdExport(ctx context.Context, args []string, db string, e env) error {
	if len(args) == 0 || args[0] != "json" {
		if len(args) > 0 && args[0] == "html" {
			return usageError{"the HTML export will be `galley html`; `galley export` writes bundles: galley export json --out PATH"}
		}
		return usageError{"export: say what to export: galley export json --out PATH"}
	}
	fl := newFlags("export json", &db)
	out := fl.String("out", "", "destination folder, or a .zip file")
	if err := fl.Parse(args[1:]); err != nil {
		return flagError(err)
	}
	if *out == "" {
		return usageError{"export json: --out PATH is required"}
	}
	if fl.NArg() > 0 {
		return usageError{fmt.Sprintf("export json takes no arguments besides --out (got %q)", fl.Arg(0))}
	}
	st, err := openLibrary(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := exportJSON(ctx, st, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Exported %d pieces to %s.\n", n, *out)
	return nil
}

func exportJSON(ctx context.Context, st *store.Store, out string) (int, error) {
	// The bundle holds what the library holds, drafts included: it is
	// readable by whoever may read the library, and no one else.
	perm := os.FileMode(0o600)
	if fi, err := os.Stat(st.Path()); err == nil {
		perm = fi.Mode().Perm()
	}
	w, err := bundle.CreateMode(out, perm)
	if err != nil {
		return 0, err
	}
	err = st.EachPiece(ctx, func(p *galley.Piece, images store.ImageFunc) error { return w.Add(p, bundle.ImageSource(images)) })
	if err != nil {
		w.Abort()
		return 0, err
	}
	if err := w.Commit(); err != nil {
		return 0, err
	}
	return w.Pieces(), nil
}

// cmdSample adds (or refreshes) the sample desk in the library.
func cmdSample(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("sample", &db)
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	if fl.NArg() > 0 {
		return usageError{"sample takes no arguments"}
	}
	st, err := openForFilling(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	report, err := importSample(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Sample desk added to %s: %s.\n", st.Path(), describe(report))
	return nil
}

// cmdCheck reads the whole library file to find damage the quick checks
// done on every open cannot see.
func cmdCheck(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("check", &db)
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	if fl.NArg() > 0 {
		return usageError{"check takes no arguments"}
	}
	st, err := openLibrary(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.QuickCheck(ctx); err != nil {
		return err
	}
	n, err := st.CountPieces(ctx, galley.Filter{})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "The library %s is sound (%d pieces).\n", st.Path(), n)
	return nil
}
