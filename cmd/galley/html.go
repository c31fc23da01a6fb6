package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/site"
	"app.galley/galley/internal/store"
)

// multiFlag collects a flag given several times (--piece a --piece b).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// siteFlags are the site's options a command line may give for one run;
// the library's settings (galley settings) give the rest.
type siteFlags struct {
	fl                                           *flag.FlagSet
	name, base, dateStyle, templates, lang, zone string
}

func addSiteFlags(fl *flag.FlagSet) *siteFlags {
	f := &siteFlags{fl: fl}
	fl.StringVar(&f.name, "site-name", "", "the site's name (default: the library's site-name setting, else Publications)")
	fl.StringVar(&f.base, "base-url", "", "the address the site lives at, for canonical links, the feed and the sitemap (default: the library's base-url setting)")
	fl.StringVar(&f.dateStyle, "date-style", "", "long (Tuesday, July 17, 2018) or ap (July 17, 2018) (default: the library's date-style setting, else long)")
	fl.StringVar(&f.templates, "templates", "", "a folder of templates replacing the defaults (default: the library's templates setting)")
	fl.StringVar(&f.lang, "language", "", "the pages' language, as a BCP 47 tag (default: the library's language setting, else en)")
	fl.StringVar(&f.zone, "time-zone", "", "where the site is, as an IANA name such as America/New_York (default: the library's time-zone setting, else UTC)")
	return f
}

// options are the export options: the flags given, then the library's
// settings. Each value is checked by the setting's own rule.
func (f *siteFlags) options(ctx context.Context, st *store.Store, cmd string) (export.Options, error) {
	var opt export.Options
	var bad error
	f.fl.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "site-name", "base-url", "templates", "language", "date-style", "time-zone":
		default:
			return
		}
		if err := site.Override(&opt, fl.Name, fl.Value.String()); err != nil && bad == nil {
			bad = usageError{fmt.Sprintf("%s --%s: %s", cmd, fl.Name, galley.ErrorMessage(err))}
		}
	})
	if bad != nil {
		return opt, bad
	}
	settings, err := st.SiteSettings(ctx)
	if err != nil {
		return opt, err
	}
	return opt, site.Apply(settings, &opt)
}

// cmdHTML exports publish-ready HTML: the site, chosen pieces, or
// fragments.
func cmdHTML(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("html", &db)
	var pieces multiFlag
	var drafts, fragment, bodyOnly, replace, keepMeta bool
	out := fl.String("out", "", "destination folder")
	fl.Var(&pieces, "piece", "export only this piece (repeat for more)")
	fl.BoolVar(&drafts, "include-drafts", false, "also export unpublished pieces, marked as drafts")
	fl.BoolVar(&fragment, "fragment", false, "write each piece's article alone, for pasting into another CMS")
	fl.BoolVar(&bodyOnly, "body-only", false, "with --fragment: leave out the title, summary, byline, date and topics, which the other CMS has fields for")
	sf := addSiteFlags(fl)
	fl.BoolVar(&replace, "replace", false, "replace the site in --out even if another library exported it, or this export removes most of its pages")
	fl.BoolVar(&keepMeta, "keep-photo-metadata", false, "copy the photos' original metadata (GPS included) instead of writing their words as XMP and IPTC")
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	if *out == "" {
		return usageError{"html: --out DIR is required"}
	}
	if fl.NArg() > 0 {
		return usageError{fmt.Sprintf("html takes no arguments besides its flags (got %q)", fl.Arg(0))}
	}
	if bodyOnly && !fragment {
		return usageError{"html --body-only goes with --fragment"}
	}
	// A soft limit keeps an export of thousands of photos within a modest
	// footprint, at the cost of a little more collecting.
	defer export.LimitMemory()()

	// Cancelled at any point before the export's swap, the staging
	// folder is gone and the destination was never touched.
	stopped := func(err error) error {
		if ctx.Err() != nil {
			return cancelledError{fmt.Sprintf("nothing was exported, and %s is as it was", *out)}
		}
		return err
	}
	st, err := openLibrary(ctx, db, e)
	if err != nil {
		return stopped(err)
	}
	defer st.Close()
	opt, err := sf.options(ctx, st, "html")
	if err != nil {
		return stopped(err)
	}
	opt.Pieces, opt.IncludeDrafts, opt.Fragment, opt.BodyOnly, opt.Replace, opt.KeepPhotoMetadata = pieces, drafts, fragment, bodyOnly, replace, keepMeta
	opt.ImageCache = imageCache(e.getenv)
	// The folder remembers which library wrote it. A library that cannot
	// record its identity (a read-only file) still exports; the folder
	// then guards only against most of its pages vanishing.
	opt.Library, _ = st.Identity(ctx)
	opt.LibraryName = store.Shown(st.Path())
	snap, err := st.Snapshot(ctx)
	if err != nil {
		return stopped(err)
	}
	defer snap.Close()
	rep, err := export.Site(ctx, snap, *out, opt)
	if err != nil {
		return stopped(err)
	}
	fmt.Fprintf(e.stdout, "Exported %d pages and %d images to %s: %d files written, %d unchanged, %d removed.\n",
		rep.Pages, rep.Images, *out, rep.Written, rep.Unchanged, rep.Removed)
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stdout, "  note: %s\n", p)
	}
	if rep.NoBaseURL {
		fmt.Fprintf(e.stdout, "  note: %s\n", export.NoBaseURLAdvice)
	}
	return nil
}

// imageCache is where resized photos are kept between exports:
// $XDG_CACHE_HOME/galley/images, else ~/.cache/galley/images.
func imageCache(getenv func(string) string) string {
	base := cacheBase(getenv)
	if base == "" {
		return "" // no cache; exports still work, more slowly
	}
	p := filepath.Join(base, "images")
	if err := os.MkdirAll(p, 0o755); err != nil {
		return ""
	}
	return p
}

// cacheBase is Galley's cache folder, $XDG_CACHE_HOME/galley, else
// ~/.cache/galley; "" when neither is known.
func cacheBase(getenv func(string) string) string {
	dir := getenv("XDG_CACHE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".cache")
	}
	return filepath.Join(dir, "galley")
}
