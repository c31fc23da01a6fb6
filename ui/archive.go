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
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/archive"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// archiveChoice is what the editor chose for importing an archive: the
// form shows it, Import reads it.
type archiveChoice struct {
	path     string
	format   archive.Format
	uploads  string
	qa       bool
	pages    bool
	typeFrom string // "", "category" or "tag"
	// What wins when a piece was edited here and its post changed too:
	// asked after an import meets one (askWhichWins).
	overwrite, keepEdited bool
}

// options are the archive options the choice stands for.
func (c archiveChoice) options() archive.Options {
	return archive.Options{Uploads: c.uploads, QA: c.qa, Pages: c.pages, TypeFrom: c.typeFrom}
}

// uploadsBeside guesses the upload folder of the export at path: a copy
// of wp-content/uploads or of Ghost's content/images kept beside it, as
// the editor most likely brought both from the old server.
func uploadsBeside(path string, format archive.Format) string {
	dir := filepath.Dir(path)
	names := []string{"uploads", filepath.Join("wp-content", "uploads")}
	if format == archive.Ghost {
		names = []string{"images", filepath.Join("content", "images")}
	}
	for _, name := range names {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.IsDir() {
			return filepath.Join(dir, name)
		}
	}
	return ""
}

// typeFromChoices are the type-from select's options, by the value each
// stands for.
var typeFromChoices = []struct{ label, value string }{
	{"Nothing: categories and tags become topics", ""},
	{"Its first category", "category"},
	{"Its first tag", "tag"},
}

// askImportArchive asks for a WordPress or Ghost export, then how to
// import it, as `galley import` does.
func (d *Desk) askImportArchive() {
	if _, ok := d.lib.(archive.Importer); !ok || d.editor == nil {
		return
	}
	if !d.editor.flush() {
		return
	}
	d.choose(fileChoice{purpose: folderImport, title: "Import from WordPress or Ghost", accept: "Import",
		kinds: "WordPress or Ghost exports", exts: []string{".xml", ".json"}}, func(path string) { d.showArchiveForm(path) })
}

// showArchiveForm asks how to import the export at path, and imports it
// when the editor says so. It returns the form's dialog (nil when the
// file is no export, which it says).
func (d *Desk) showArchiveForm(path string) dialog.Dialog {
	format, err := archive.Sniff(path)
	if err == nil && format == "" {
		err = galley.Errorf(galley.EInvalid, "%s is neither a WordPress export (.xml, from Tools › Export) nor a Ghost export (.json, from Settings › Labs › Export).", filepath.Base(path))
	}
	if err != nil {
		d.showError(err)
		return nil
	}
	c := archiveChoice{path: path, format: format, uploads: uploadsBeside(path, format)}
	uploads := d.folderField("Choose the old site's upload folder", c.uploads, "no images: none is imported")
	qa := widget.NewCheck("Make interviews questions and answers", nil)
	pages := widget.NewCheck("Import the site's pages too", nil)
	var labels []string
	for _, o := range typeFromChoices {
		labels = append(labels, o.label)
	}
	typeFrom := widget.NewSelect(labels, nil)
	typeFrom.SetSelectedIndex(0)
	note := widget.NewLabel("Images are taken from a copy of the old site's " + map[archive.Format]string{archive.WordPress: "wp-content/uploads", archive.Ghost: "content/images"}[format] +
		" folder; nothing is downloaded. Nothing is imported unless every post is.")
	note.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("Export", widget.NewLabel(filepath.Base(path))),
		widget.NewFormItem("Images", uploads.box),
		widget.NewFormItem("Interviews", qa),
		widget.NewFormItem("Pages", pages),
		widget.NewFormItem("A post's type", typeFrom),
		widget.NewFormItem("", note),
	}
	dlg := dialog.NewForm("Import from "+string(format), "Import", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		c.uploads, c.qa, c.pages = uploads.path, qa.Checked, pages.Checked
		c.typeFrom = typeFromChoices[max(typeFrom.SelectedIndex(), 0)].value
		d.importArchive(c)
	}, d.win)
	dlg.Resize(fyne.NewSize(640, 420))
	dlg.Show()
	return dlg
}

// importArchive imports the chosen archive in the background, with its
// progress post by post and a Cancel that leaves the library as it was,
// then says what it did.
func (d *Desk) importArchive(c archiveChoice) {
	imp, ok := d.lib.(archive.Importer)
	if !ok {
		return
	}
	var a *archive.Archive
	var report galley.ImportReport
	var err error
	d.withProgress("Importing from "+string(c.format), "Reading "+filepath.Base(c.path)+"…", func(ctx context.Context, pd *progressDialog) {
		if a, err = archive.Open(c.path, c.options()); err != nil {
			return
		}
		defer a.Close()
		report, err = a.Import(ctx, imp, store.ImportOptions{Overwrite: c.overwrite, KeepEdited: c.keepEdited}, pd.progressOf(d.jobs, "Importing", "posts"))
	}, func(cancelled bool) {
		switch {
		case cancelled:
			dialog.ShowInformation("Import cancelled", "Nothing was imported.", d.win)
		case galley.ErrorCode(err) == galley.EConflict && !c.overwrite && !c.keepEdited:
			d.askWhichWins(c, err)
		case err != nil:
			d.showError(errors.New(galley.ErrorMessage(err) + " Nothing was imported."))
		default:
			d.shelf.refreshChoices()
			d.shelf.reload()
			d.showArchiveReport(c, a, report)
		}
	})
}

// askWhichWins tells the editor that a piece was edited here while its
// post changed on the old site, that nothing was imported, and offers to
// import again keeping the library's edits or taking the posts'.
func (d *Desk) askWhichWins(c archiveChoice, err error) *dialog.CustomDialog {
	text := widget.NewLabel(galley.ErrorMessage(err) + " Nothing was imported.\n\nImport again, and for every piece edited here whose post changed too:")
	text.Wrapping = fyne.TextWrapWord
	var dlg *dialog.CustomDialog
	again := func(overwrite bool) func() {
		return func() {
			dlg.Hide()
			c.overwrite, c.keepEdited = overwrite, !overwrite
			d.importArchive(c)
		}
	}
	keep := widget.NewButton("Keep the edits made here", again(false))
	keep.Importance = widget.HighImportance
	take := widget.NewButton("Take the old site's versions", again(true))
	// A wrapping label sized by the dialog, as the editor's conflict is:
	// in a box that asks for its height it would take the whole window.
	text.SetText(text.Text + "\n\nEither way, the version replaced stays in the piece's history.")
	dlg = dialog.NewCustomWithoutButtons("Edited here and on the old site",
		container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), widget.NewButton("Cancel", func() { dlg.Hide() }), take, keep), nil, nil, text), d.win)
	dlg.Resize(fyne.NewSize(640, 280))
	dlg.Show()

	return dlg
}

// showArchiveReport says what an import did, and what in it needs an
// editor's eye.
func (d *Desk) showArchiveReport(c archiveChoice, a *archive.Archive, r galley.ImportReport) {
	msg := fmt.Sprintf("Imported %s (%s): %d created, %d updated, %d unchanged", filepath.Base(c.path), a.Source(), len(r.Created), len(r.Updated), len(r.Unchanged))
	if len(r.KeptEdited) > 0 {
		msg += fmt.Sprintf(", %d edited here since the last import and kept as edited (%s)", len(r.KeptEdited), strings.Join(r.KeptEdited, ", "))
	}
	msg += "."
	if lines := a.Summary("tick “Import the site's pages too” to import them"); len(lines) > 0 {
		msg += "\n\n" + strings.Join(lines, "\n")
	}
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(600, 320))
	dlg := dialog.NewCustom("Import finished", "Close", scroll, d.win)
	dlg.Resize(fyne.NewSize(680, 460))
	dlg.Show()
}
