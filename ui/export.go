package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// exportJob is one export running in the background.
type exportJob struct {
	title string
	out   string
	opt   export.Options
	page  string // the page "Open in browser" opens, relative to out
	// remember makes out the folder the next export starts in, once this
	// one has succeeded (a refused folder is not offered again).
	remember bool
	// done, if set, runs on the UI goroutine after a successful export
	// instead of the summary dialog.
	done func(export.Report)
}

// exportPiece asks for a folder and exports the open piece there.
func (d *Desk) exportPiece() {
	p := d.editor.piece
	if p == nil {
		return
	}
	if !d.editor.flush() {
		return
	}
	d.askExportFolder("Export the piece into a folder", func(dir string) { d.exportPieceTo(dir) })
}

// exportPieceTo exports the open piece into dir, in the background.
func (d *Desk) exportPieceTo(dir string) {
	p := d.editor.piece
	if p == nil || p.ID == 0 {
		return
	}
	opt := d.exportOptions()
	opt.Pieces = []string{p.Slug}
	d.startExport(exportJob{title: "Exporting " + p.Name(), out: dir, opt: opt, page: piecePage(p.Slug), remember: true})
}

// exportSite asks for a folder and exports every published piece there.
func (d *Desk) exportSite() {
	if !d.editor.flush() {
		return
	}
	d.askExportFolder("Export the site into a folder", func(dir string) { d.exportSiteTo(dir) })
}

// exportSiteTo exports the site into dir, in the background.
func (d *Desk) exportSiteTo(dir string) {
	d.startExport(exportJob{title: "Exporting the site", out: dir, opt: d.exportOptions(), page: "index.html", remember: true})
}

// askExportFolder asks where to export, starting in the default folder.
func (d *Desk) askExportFolder(title string, chosen func(dir string)) {
	// The default export folder when one is set; else beside the last
	// export, never where photos were last chosen.
	start := d.app.Preferences().String(prefExportDir)
	if start == "" {
		start = d.lastFolder(folderExport, "")
	}
	d.chooseFolder(title, "Export here", start, func(dir string) {
		d.rememberFolder(folderExport, dir, true)
		chosen(dir)
	})
}

// startExport runs job in the background, as a job of the library's
// group, with a progress dialog that can cancel it; widgets are touched
// only through the group's do. The export swaps its folder in whole at
// the end, so a cancelled or failed export leaves the previous one as it
// was.
func (d *Desk) startExport(job exportJob) {
	job.opt.LibraryName = store.Shown(d.libPath)
	lib, gen := d.lib, d.libGen // read here: putOnDesk changes them on this goroutine
	var rep export.Report
	var err error
	d.withProgress(job.title, "Reading the library…", func(ctx context.Context, pd *progressDialog) {
		job.opt.Progress = pd.progress(d.jobs, "")
		rep, err = d.runExport(ctx, job, lib, gen)
	}, func(cancelled bool) {
		if err == nil && job.remember {
			d.app.Preferences().SetString(prefExportDir, job.out)
		}
		var replace *export.ReplaceError
		switch {
		case errors.As(err, &replace) && !job.opt.Replace:
			// The folder holds another library's site, another kind of
			// export, or the export would remove most of its pages: the
			// editor decides.
			dialog.ShowConfirm("Replace the site?", galley.ErrorMessage(err)+"\n\nReplace what is there with this export?", func(yes bool) {
				if yes {
					job.opt.Replace = true
					job.opt.Progress = nil
					d.startExport(job)
				}
			}, d.win)
		case err != nil && cancelled && galley.ErrorCode(err) != galley.EInvalid:
			dialog.ShowInformation("Export cancelled", "The export was cancelled; "+job.out+" is as it was before.", d.win)
		case err != nil:
			d.showError(galley.Errorf(galley.ErrorCode(err), "The export failed, and %s is as it was before: %s", job.out, galley.ErrorMessage(err)))
		case job.done != nil:
			job.done(rep)
		default:
			d.showExportReport(job, rep)
		}
	})
}

// runExport takes a snapshot of lib, the library on the desk when the
// export began (libGen gen), and exports it.
func (d *Desk) runExport(ctx context.Context, job exportJob, lib Library, gen int) (export.Report, error) {
	defer export.LimitMemory()()
	if id, ok := lib.(identified); ok {
		// A library that cannot record its identity still exports; the
		// folder then guards only against most of its pages vanishing.
		job.opt.Library, _ = id.Identity(ctx)
	}
	opt, err := d.withSiteOf(ctx, lib, gen, true, job.opt)
	if err != nil {
		return export.Report{}, err
	}
	snap, err := lib.Snapshot(ctx)
	if err != nil {
		return export.Report{}, err
	}
	defer snap.Close()
	return export.Site(ctx, snap, job.out, opt)
}

// identified is a library that knows its lasting identity, which an
// export folder remembers (store.Store.Identity).
type identified interface {
	Identity(ctx context.Context) (string, error)
}

var _ identified = (*store.Store)(nil)

// The snapshot an export reads keeps the site's topic, type and person
// addresses (export.Addresser): without it every export would give them
// afresh, and a page could move.
var _ export.Addresser = (*store.Snapshot)(nil)

// It also gives the site's own files (favicon, logo, CNAME…) to the export.
var _ export.SiteFiler = (*store.Snapshot)(nil)

// showExportReport says what an export did.
func (d *Desk) showExportReport(job exportJob, rep export.Report) {
	msg := fmt.Sprintf("%d pages and %d images in %s.\n%d files written, %d unchanged, %d removed.",
		rep.Pages, rep.Images, job.out, rep.Written, rep.Unchanged, rep.Removed)
	problems := rep.Problems
	if rep.NoBaseURL {
		problems = append(problems[:len(problems):len(problems)], export.NoBaseURLAdvice)
	}
	if len(problems) > 0 {
		msg += "\n\nWorth a look:\n• " + strings.Join(problems, "\n• ")
	} else {
		msg += "\nNo problems found."
	}
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	open := widget.NewButton("Open in browser", func() { d.openFile(filepath.Join(job.out, job.page)) })
	dlg := dialog.NewCustom("Export finished", "Close", container.NewVBox(text, container.NewHBox(open)), d.win)
	dlg.Resize(fyne.NewSize(560, 260))
	dlg.Show()
}

// previewInBrowser exports the open piece, unsaved edits first saved, to
// the desk's preview folder and opens it in the system's browser.
func (d *Desk) previewInBrowser() {
	p := d.editor.piece
	if p == nil || !d.editor.flush() || d.editor.piece.ID == 0 {
		return
	}
	dir, err := d.previewFolder()
	if err != nil {
		d.showError(galley.Errorf(galley.EInternal, "There is no private folder for the preview: %v.", err))
		return
	}
	opt := d.exportOptions()
	opt.Pieces = []string{d.editor.piece.Slug}
	opt.Replace = true // the desk's own scratch folder, a piece at a time
	slug := d.editor.piece.Slug
	d.startExport(exportJob{title: "Preparing the preview", out: dir, opt: opt, done: func(export.Report) {
		d.openFile(filepath.Join(dir, piecePage(slug)))
	}})
}

// previewFolder is where the desk's previews are exported, one piece at
// a time, until the desk closes (removePreview). The export gives its
// pages the umask's modes (0644), as a site's must be: a preview holds
// drafts, so it lies in a folder of its own that os.MkdirTemp makes 0700
// with a name no one can guess, where another user of the computer
// cannot reach it, nor put a folder of theirs in its place beforehand.
func (d *Desk) previewFolder() (string, error) {
	if d.previewDir != "" && !privateFolder(d.previewDir) {
		// Gone (a cleaner of old temporary files) or changed: the export
		// would make it again open to every user. A new private one.
		d.previewDir = ""
	}
	if d.previewDir == "" {
		dir, err := os.MkdirTemp("", "galley-preview-")
		if err != nil {
			return "", err
		}
		d.previewDir = dir
	}
	return filepath.Join(d.previewDir, "site"), nil
}

// privateFolder reports whether dir is still a folder (not a link) no
// one else may enter. In a sticky temporary folder no other user can
// remove or replace it, so its mode is what can change.
func privateFolder(dir string) bool {
	fi, err := os.Lstat(dir)
	return err == nil && fi.IsDir() && fi.Mode().Perm()&0o077 == 0
}

// removePreview removes the desk's previews, once nothing exports there.
func (d *Desk) removePreview() {
	if d.previewDir == "" {
		return
	}
	if err := os.RemoveAll(d.previewDir); err != nil {
		fyne.LogError("removing the previews", err)
	}
	d.previewDir = ""
}

// copyHTML puts the open piece's article HTML on the clipboard, as the
// fragment export writes it, for pasting into another CMS.
func (d *Desk) copyHTML() {
	p := d.editor.piece
	if p == nil || !d.editor.flush() || d.editor.piece.ID == 0 {
		return
	}
	ctx := context.Background()
	opt, err := d.withSite(ctx, d.exportOptions())
	if err != nil {
		d.showError(err)
		return
	}
	snap, err := d.lib.Snapshot(ctx)
	if err != nil {
		d.showError(err)
		return
	}
	defer snap.Close()
	html, err := export.Fragment(ctx, snap, d.editor.piece.Slug, opt)
	if err != nil {
		d.showError(err)
		return
	}
	d.app.Clipboard().SetContent(string(html))
	d.editor.setState("HTML copied")
	d.toast("Copied the article's HTML")
}

// piecePage is where a piece's page lies in an export.
func piecePage(slug string) string { return filepath.Join("pieces", slug+".html") }
