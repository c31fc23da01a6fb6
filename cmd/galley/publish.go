package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/publish"
	"app.galley/galley/internal/store"
)

// cmdPublish exports the site and puts it on the web server: only what
// changed since the last publish there is uploaded.
func cmdPublish(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("publish", &db)
	to := fl.String("to", "", "where the site goes: sftp://user@host[:port]/path/to/site, or a git remote with --branch (default: the library's publish-to setting)")
	branch := fl.String("branch", "", "with a git remote for --to: the branch the site is committed to (gh-pages, say)")
	dry := fl.Bool("dry-run", false, "list what would be uploaded and removed, and change nothing")
	replace := fl.Bool("replace", false, "publish over another library's site, into a folder of other files, or removing most of the site's pages")
	sf := addSiteFlags(fl)
	var keepMeta bool
	fl.BoolVar(&keepMeta, "keep-photo-metadata", false, "copy the photos' original metadata (GPS included) instead of writing their words as XMP and IPTC")
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	if fl.NArg() > 0 {
		return usageError{fmt.Sprintf("publish takes no arguments besides its flags (got %q)", fl.Arg(0))}
	}
	var target publish.Destination
	if *to != "" {
		where := *to
		if *branch != "" {
			where += "#" + *branch
		}
		t, err := publish.ParseDestination(where)
		if err != nil {
			return usageError{"publish --to: " + galley.ErrorMessage(err)}
		}
		target = t
	} else if *branch != "" {
		return usageError{"publish --branch goes with --to and a git remote"}
	}
	defer export.LimitMemory()()

	st, err := openLibrary(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	opt, err := sf.options(ctx, st, "publish")
	if err != nil {
		return err
	}
	if *to == "" {
		settings, err := st.SiteSettings(ctx)
		if err != nil {
			return err
		}
		where := settings["publish-to"]
		if where == "" {
			return usageError{"publish: say where with --to sftp://user@host/path, or once for the library with: galley settings set publish-to sftp://user@host/path"}
		}
		if target, err = publish.ParseDestination(where); err != nil {
			return fmt.Errorf("the library's publish-to setting: %s", galley.ErrorMessage(err))
		}
	}
	opt.KeepPhotoMetadata = keepMeta
	opt.ImageCache = imageCache(e.getenv)
	id, _ := st.Identity(ctx)
	opt.Library, opt.LibraryName = id, store.Shown(st.Path())
	// The site is made in a folder of Galley's own, kept between
	// publishes so that only changed pages are made again.
	staging, err := publishStaging(e.getenv, id+"\x00"+store.Shown(st.Path()), target)
	if err != nil {
		return err
	}
	opt.Replace = true // Galley's own folder, one per library and target
	snap, err := st.Snapshot(ctx)
	if err != nil {
		return err
	}
	exp, err := export.Site(ctx, snap, staging, opt)
	snap.Close()
	if err != nil {
		if ctx.Err() != nil {
			return cancelledError{fmt.Sprintf("nothing was published, and %s is as it was", target)}
		}
		return err
	}
	for _, p := range exp.Problems {
		fmt.Fprintf(e.stdout, "  note: %s\n", p)
	}
	if exp.NoBaseURL {
		fmt.Fprintf(e.stdout, "  note: %s\n", export.NoBaseURLAdvice)
	}

	// Keys and known hosts as ssh(1) finds them.
	login := publish.SSH{Home: e.getenv("HOME"), Agent: e.getenv("SSH_AUTH_SOCK")}
	if login.Agent == "" {
		login.Agent = "-"
	}
	popt := publish.Options{DryRun: *dry, Replace: *replace, Library: id, SSH: login, Progress: progressLine(e, "uploaded")}
	rep, err := target.Publish(ctx, staging, popt)
	if err != nil {
		if ctx.Err() != nil {
			return cancelledError{fmt.Sprintf("the publish to %s was stopped; every file on the server is whole, old or new, and the next publish sends the rest", target)}
		}
		return err
	}
	if *dry {
		if len(rep.Uploaded) == 0 && len(rep.Removed) == 0 {
			fmt.Fprintf(e.stdout, "%s is up to date: nothing would change (%d files).\n", target, rep.Unchanged)
			return nil
		}
		fmt.Fprintf(e.stdout, "A publish to %s would upload %d files (%s) and remove %d; %d unchanged. Nothing was changed.\n",
			target, len(rep.Uploaded), galley.SizeText(rep.Bytes), len(rep.Removed), rep.Unchanged)
		for _, p := range rep.Uploaded {
			fmt.Fprintf(e.stdout, "  upload %s\n", p)
		}
		for _, p := range rep.Removed {
			fmt.Fprintf(e.stdout, "  remove %s\n", p)
		}
		return nil
	}
	resumed := ""
	if rep.Resumed {
		resumed = " (the publish stopped earlier is finished)"
	}
	fmt.Fprintf(e.stdout, "Published to %s: %d files uploaded (%s), %d removed, %d unchanged%s.\n",
		target, len(rep.Uploaded), galley.SizeText(rep.Bytes), len(rep.Removed), rep.Unchanged, resumed)
	if rep.RecordServed != "" {
		fmt.Fprintln(e.stdout, recordServedText(rep.RecordServed))
	}
	return nil
}

// recordServedText tells the editor that Galley's record of the site
// stands where readers can fetch it.
func recordServedText(at string) string {
	return fmt.Sprintf("Note: the folder's parent cannot be written, so Galley keeps its record of the site inside it, at %s, where the web server can serve it. Have the server refuse names that start with a dot, or let Galley write beside the folder.", at)
}

// publishStaging is the folder a library's site for one target is made
// in, under Galley's cache folder.
func publishStaging(getenv func(string) string, library string, to publish.Destination) (string, error) {
	base := cacheBase(getenv)
	if base == "" {
		return "", fmt.Errorf("neither XDG_CACHE_HOME nor HOME is set, so there is no folder to make the site in before it is published")
	}
	return publish.Staging(base, library, to)
}

// progressLine reports long work on stderr, at most every two seconds.
func progressLine(e env, verb string) func(done, total int) {
	var mu sync.Mutex
	last := time.Now()
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if done < total && time.Since(last) < 2*time.Second {
			return
		}
		last = time.Now()
		if total > 20 {
			fmt.Fprintf(e.stderr, "  %s %d of %d files\n", verb, done, total)
		}
	}
}
