package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/store"
)

// exportMemoryLimit is the soft memory limit during an export.
const exportMemoryLimit = 160 << 20

// multiFlag collects a flag given several times (--piece a --piece b).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// cmdHTML exports publish-ready HTML: the site, chosen pieces, or
// fragments.
func cmdHTML(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("html", &db)
	var opt export.Options
	var pieces multiFlag
	var dateStyle string
	out := fl.String("out", "", "destination folder")
	fl.Var(&pieces, "piece", "export only this piece (repeat for more)")
	fl.BoolVar(&opt.IncludeDrafts, "include-drafts", false, "also export unpublished pieces, marked as drafts")
	fl.BoolVar(&opt.Fragment, "fragment", false, "write each piece's article alone, for pasting into another CMS")
	fl.StringVar(&opt.SiteName, "site-name", "", "the site's name (default Publications)")
	fl.StringVar(&opt.BaseURL, "base-url", "", "the address the site will live at, for canonical links, the feed and the sitemap")
	fl.StringVar(&dateStyle, "date-style", "long", "long (Tuesday, July 17, 2018) or ap (July 17, 2018)")
	fl.StringVar(&opt.TemplateDir, "templates", "", "a folder of templates replacing the defaults")
	fl.BoolVar(&opt.Replace, "replace", false, "replace the site in --out even if another library exported it, or this export removes most of its pages")
	fl.BoolVar(&opt.KeepPhotoMetadata, "keep-photo-metadata", false, "copy the photos' original metadata (GPS included) instead of writing their words as XMP and IPTC")
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	if *out == "" {
		return usageError{"html: --out DIR is required"}
	}
	if fl.NArg() > 0 {
		return usageError{fmt.Sprintf("html takes no arguments besides its flags (got %q)", fl.Arg(0))}
	}
	style, err := export.ParseDateStyle(dateStyle)
	if err != nil {
		return usageError{"html --date-style: " + err.Error()}
	}
	opt.DateStyle, opt.Pieces = style, pieces
	opt.ImageCache = imageCache(e.getenv)
	// Resizing a photo makes tens of megabytes of short-lived buffers;
	// left to itself the collector lets them pile up to several times what
	// is live. A soft limit keeps an export of thousands of photos within
	// a modest footprint, at the cost of a little more collecting.
	if prev := debug.SetMemoryLimit(-1); prev == math.MaxInt64 {
		debug.SetMemoryLimit(exportMemoryLimit)
		defer debug.SetMemoryLimit(prev)
	}

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
	return nil
}

// imageCache is where resized photos are kept between exports:
// $XDG_CACHE_HOME/galley/images, else ~/.cache/galley/images.
func imageCache(getenv func(string) string) string {
	dir := getenv("XDG_CACHE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			return "" // no cache; exports still work, more slowly
		}
		dir = filepath.Join(home, ".cache")
	}
	p := filepath.Join(dir, "galley", "images")
	if err := os.MkdirAll(p, 0o755); err != nil {
		return ""
	}
	return p
}
