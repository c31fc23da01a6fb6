package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/publish"
	"app.galley/galley/internal/site"
	"app.galley/galley/internal/store"
)

// Publishing from the desk: the site is exported into Galley's own folder,
// compared with what the server holds, and, once the editor has seen what
// will change and agreed, sent. The work runs in the library's job group,
// behind a dialog that shows progress and can cancel it.

// publishSite is File → Publish Site….
func (d *Desk) publishSite() {
	if !d.editor.flush() {
		return
	}
	settings, err := d.siteSettings(context.Background())
	if err != nil {
		d.showError(err)
		return
	}
	where := settings["publish-to"]
	if where == "" {
		d.askPublishTarget()
		return
	}
	to, err := publish.ParseDestination(where)
	if err != nil {
		d.showError(galley.Errorf(galley.EInvalid, "The library's publish-to setting: %s", galley.ErrorMessage(err)))
		return
	}
	d.preparePublish(to, false)
}

// askPublishTarget asks where the site goes, keeps the answer in the
// library for every editor (when the user may change the site's
// settings), and goes on.
func (d *Desk) askPublishTarget() {
	where := widget.NewEntry()
	where.SetPlaceHolder("sftp://user@host/path/to/site")
	where.Validator = checkPublishTo
	note := widget.NewLabel("The site is sent over SFTP with your SSH key (ssh-agent or ~/.ssh); the server's host key must be in ~/.ssh/known_hosts. The address is kept in the library for every editor.")
	note.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem("Publish to", where), widget.NewFormItem("", note)}
	dlg := dialog.NewForm("Where does the site go?", "Continue", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		value, err := site.Check("publish-to", where.Text)
		if err != nil || value == "" {
			return
		}
		to, _ := publish.ParseDestination(value)
		if d.role != "writer" && d.role != "reader" {
			d.saveSiteChanges(map[string]string{}, map[string]string{"publish-to": value})
		}
		d.preparePublish(to, false)
	}, d.win)
	dlg.Resize(fyne.NewSize(560, 240))
	dlg.Show()
}

// cacheDir is Galley's cache folder: where resized photos and the sites
// prepared for publishing are kept.
func (d *Desk) cacheDir() string {
	if d.imageCache != "" {
		return filepath.Dir(d.imageCache)
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), fmt.Sprintf("galley-%d", os.Getuid()))
	}
	return filepath.Join(dir, "galley")
}

// preparePublish exports the site for to and compares it with the
// server's, then asks before sending anything.
func (d *Desk) preparePublish(to publish.Destination, replace bool) {
	var staging, library string
	var plan publish.Report
	var err error
	// What the work reads of the desk, read here: putOnDesk changes it on
	// this goroutine.
	from := publishSource{lib: d.lib, gen: d.libGen, path: d.libPath, opt: d.exportOptions()}
	d.withProgress("Publishing to "+to.String(), "Reading the library…", func(ctx context.Context, pd *progressDialog) {
		staging, library, plan, err = d.planPublish(ctx, from, to, replace, pd)
	}, func(cancelled bool) {
		switch {
		case cancelled:
			dialog.ShowInformation("Publish cancelled", "Nothing was sent; the site at "+to.String()+" is as it was.", d.win)
		case err != nil:
			d.publishFailed(to, err, func() { d.preparePublish(to, true) })
		case len(plan.Uploaded) == 0 && len(plan.Removed) == 0:
			dialog.ShowInformation("The site is up to date", fmt.Sprintf("%s already holds this site (%s files); nothing to send.", to, grouped(plan.Unchanged)), d.win)
		default:
			dialog.ShowConfirm("Publish the site?", publishPlanText(to, plan), func(yes bool) {
				if yes {
					d.runPublish(to, staging, library, replace)
				}
			}, d.win)
		}
	})
}

// publishSource is the library a publish reads, as the desk held it when
// the publish began.
type publishSource struct {
	lib  Library
	gen  int
	path string
	opt  export.Options
}

// planPublish exports the site into its folder for to and asks the server
// what a publish would change.
func (d *Desk) planPublish(ctx context.Context, from publishSource, to publish.Destination, replace bool, pd *progressDialog) (staging, library string, plan publish.Report, err error) {
	defer export.LimitMemory()()
	opt, err := d.withSiteOf(ctx, from.lib, from.gen, true, from.opt)
	if err != nil {
		return "", "", plan, err
	}
	if id, ok := from.lib.(identified); ok {
		library, _ = id.Identity(ctx)
	}
	opt.Library, opt.LibraryName, opt.Replace = library, store.Shown(from.path), true // Galley's own folder
	if staging, err = publish.Staging(d.cacheDir(), library+"\x00"+store.Shown(from.path), to); err != nil {
		return "", "", plan, err
	}
	opt.Progress = pd.progress(d.jobs, "Preparing the site")
	snap, err := from.lib.Snapshot(ctx)
	if err != nil {
		return "", "", plan, err
	}
	_, err = export.Site(ctx, snap, staging, opt)
	snap.Close()
	if err != nil {
		return "", "", plan, err
	}
	pd.step(d.jobs, "Comparing with "+to.String()+"…")
	plan, err = to.Publish(ctx, staging, publish.Options{DryRun: true, Replace: replace, Library: library})
	return staging, library, plan, err
}

// runPublish sends the prepared site.
func (d *Desk) runPublish(to publish.Destination, staging, library string, replace bool) {
	var rep publish.Report
	var err error
	d.withProgress("Publishing to "+to.String(), "Connecting…", func(ctx context.Context, pd *progressDialog) {
		rep, err = to.Publish(ctx, staging, publish.Options{Replace: replace, Library: library, Progress: pd.progress(d.jobs, "Sending")})
	}, func(cancelled bool) {
		switch {
		case cancelled:
			dialog.ShowInformation("Publish stopped", "Every file on "+to.String()+" is whole, the old or the new; publish again to send the rest.", d.win)
		case err != nil:
			d.publishFailed(to, err, func() { d.runPublish(to, staging, library, true) })
		default:
			d.showPublishReport(to, rep)
		}
	})
}

// publishFailed says why a publish stopped; one refused for replacing what
// it should not is the editor's to allow.
func (d *Desk) publishFailed(to publish.Destination, err error, replace func()) {
	var refused *publish.ReplaceError
	if errors.As(err, &refused) {
		dialog.ShowConfirm("Replace the site?", galley.ErrorMessage(err)+"\n\nPublish over what is there?", func(yes bool) {
			if yes {
				replace()
			}
		}, d.win)
		return
	}
	d.showError(galley.Errorf(galley.ErrorCode(err), "Nothing more was published to %s: %s", to, galley.ErrorMessage(err)))
}

// publishPlanText says what a publish will change, for the editor to agree.
func publishPlanText(to publish.Destination, plan publish.Report) string {
	msg := fmt.Sprintf("%s will receive %s new or changed files (%s)", to, grouped(len(plan.Uploaded)), galley.SizeText(plan.Bytes))
	if len(plan.Removed) > 0 {
		msg += fmt.Sprintf(" and lose %s pages and files the site no longer has", grouped(len(plan.Removed)))
	}
	if plan.Unchanged > 0 {
		msg += fmt.Sprintf("; %s stay as they are", grouped(plan.Unchanged))
	}
	msg += "."
	if plan.Unchanged == 0 && len(plan.Removed) == 0 {
		msg = fmt.Sprintf("%s will receive the whole site: %s files (%s).", to, grouped(len(plan.Uploaded)), galley.SizeText(plan.Bytes))
	}
	if plan.Resumed {
		msg += "\nThis finishes a publish that was stopped."
	}
	return msg
}

// showPublishReport says what a publish did.
func (d *Desk) showPublishReport(to publish.Destination, rep publish.Report) {
	msg := fmt.Sprintf("Published to %s: %s files sent (%s), %s removed, %s unchanged.",
		to, grouped(len(rep.Uploaded)), galley.SizeText(rep.Bytes), grouped(len(rep.Removed)), grouped(rep.Unchanged))
	if rep.RecordServed != "" {
		msg += fmt.Sprintf("\n\nThe folder's parent cannot be written, so Galley keeps its record of the site inside it (%s), where the web server can serve it. Have the server refuse names that start with a dot, or let Galley write beside the folder.", rep.RecordServed)
	}
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	content := fyne.CanvasObject(text)
	if settings, err := d.siteSettings(context.Background()); err == nil && settings["base-url"] != "" {
		base := settings["base-url"]
		content = container.NewVBox(text, container.NewHBox(widget.NewButton("Open the site", func() {
			if u, err := url.Parse(base); err == nil {
				d.app.OpenURL(u)
			}
		})))
	}
	dlg := dialog.NewCustom("Published", "Close", content, d.win)
	dlg.Resize(fyne.NewSize(560, 200))
	dlg.Show()
}
