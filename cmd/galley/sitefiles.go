package main

import (
	"context"
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"app.galley/galley/internal/site"
)

// cmdSiteFiles lists the site's own files, or adds or removes one.
func cmdSiteFiles(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("site-files", &db)
	as := fl.String("as", "", "the file's name on the site (default: its own)")
	var rest []string
	// Flags may come after the words (add logo-2026.png --as logo.png).
	for {
		if err := fl.Parse(args); err != nil {
			return flagError(err)
		}
		if fl.NArg() == 0 {
			break
		}
		rest = append(rest, fl.Arg(0))
		args = fl.Args()[1:]
	}
	switch {
	case len(rest) == 0 && *as == "":
	case len(rest) == 2 && rest[0] == "add":
	case len(rest) == 2 && rest[0] == "remove" && *as == "":
	default:
		return usageError{"site-files takes nothing (to list them), add FILE [--as NAME], or remove NAME"}
	}
	var data []byte
	name := *as
	if len(rest) == 2 && rest[0] == "add" {
		// Read and checked before the library is opened: a wrong file is
		// said at once, and the library is not touched.
		if name == "" {
			name = filepath.Base(rest[1])
		}
		var err error
		if data, err = site.ReadFile(rest[1], name); err != nil {
			return err
		}
	}
	st, err := openLibrary(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	switch {
	case len(rest) == 0:
		files, err := st.SiteFiles(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		for _, f := range files {
			fmt.Fprintf(tw, "%s\t%d bytes\n", f.Name, f.Size)
		}
		return tw.Flush()
	case rest[0] == "add":
		if err := st.PutSiteFile(ctx, name, data); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Kept %s (%d bytes); every site export now puts it at the top of the site.\n", name, len(data))
	default:
		if err := st.RemoveSiteFile(ctx, rest[1]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Removed %s; the next export takes it off the site.\n", rest[1])
	}
	return nil
}
