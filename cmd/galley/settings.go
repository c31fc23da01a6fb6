package main

import (
	"context"
	"fmt"
	"strings"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/site"
)

// cmdSettings lists the site's settings kept in the library, or sets one.
func cmdSettings(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("settings", &db)
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	rest := fl.Args()
	switch {
	case len(rest) == 0:
	case rest[0] == "set" && len(rest) == 3:
	case rest[0] == "unset" && len(rest) == 2:
		rest = []string{"set", rest[1], ""}
	default:
		return usageError{"settings takes nothing (to list them), set NAME VALUE, or unset NAME"}
	}
	if len(rest) == 3 {
		// A mistake in the name or the value is the command line's.
		value, err := site.Check(rest[1], rest[2])
		if err != nil {
			return usageError{"settings set " + rest[1] + ": " + galley.ErrorMessage(err)}
		}
		st, err := openLibrary(ctx, db, e)
		if err != nil {
			return err
		}
		defer st.Close()
		if err := st.SetSiteSettings(ctx, map[string]string{rest[1]: value}); err != nil {
			return err
		}
		if value == "" {
			fmt.Fprintf(e.stdout, "%s unset: every export of the library now uses the default.\n", rest[1])
		} else {
			fmt.Fprintf(e.stdout, "%s = %s, for every export and publish of the library.\n", rest[1], value)
		}
		return nil
	}
	st, err := openLibrary(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	have, err := st.SiteSettings(ctx)
	if err != nil {
		return err
	}
	width := 0
	for _, s := range site.Settings {
		width = max(width, len(s.Name))
	}
	for _, s := range site.Settings {
		v, ok := have[s.Name]
		if !ok {
			v = "(" + s.Default + ")"
		}
		fmt.Fprintf(e.stdout, "%-*s  %s\n%s  %s\n", width, s.Name, v, strings.Repeat(" ", width), s.Help)
	}
	return nil
}
