package ui

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/site"
	"app.galley/galley/internal/store"
)

// siteFileKeeper is a library that keeps the site's own files (a favicon,
// a logo, CNAME…), which every site export copies to its top.
type siteFileKeeper interface {
	SiteFiles(ctx context.Context) ([]galley.SiteFile, error)
	PutSiteFile(ctx context.Context, name string, data []byte) error
	RemoveSiteFile(ctx context.Context, name string) error
}

var _ siteFileKeeper = (*store.Store)(nil)

// siteFilesBox is the Settings' list of the site's own files, with a
// button to add one and one to remove each. A change is the library's at
// once (as a manager's is), not on Save: it is not a setting of this
// desk.
type siteFilesBox struct {
	d        *Desk
	lib      siteFileKeeper
	rows     *fyne.Container
	content  fyne.CanvasObject
	editable bool
}

// newSiteFilesBox shows the site files of the library on the desk, or
// nil for a library that keeps none. A writer on a team library sees
// them without the buttons: the server refuses a writer's change.
func (d *Desk) newSiteFilesBox(editable bool) *siteFilesBox {
	lib, ok := d.lib.(siteFileKeeper)
	if !ok {
		return nil
	}
	b := &siteFilesBox{d: d, lib: lib, rows: container.NewVBox(), editable: editable}
	add := widget.NewButtonWithIcon("Add file…", theme.ContentAddIcon(), b.choose)
	if !editable {
		add.Disable()
	}
	b.content = container.NewVBox(b.rows, container.NewHBox(add))
	b.refresh()
	return b
}

// refresh lists the files again.
func (b *siteFilesBox) refresh() {
	b.rows.RemoveAll()
	files, err := b.lib.SiteFiles(context.Background())
	if err != nil {
		b.rows.Add(widget.NewLabel("The site files could not be read: " + galley.ErrorMessage(err)))
		return
	}
	if len(files) == 0 {
		b.rows.Add(widget.NewLabel("None. Add favicon.png, logo.svg, CNAME… named as they should be on the site."))
	}
	for _, f := range files {
		name := f.Name
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { b.remove(name) })
		if !b.editable {
			remove.Disable()
		}
		b.rows.Add(container.NewBorder(nil, nil, nil, remove, widget.NewLabel(name+" — "+galley.SizeText(f.Size))))
	}
}

// choose asks for a file to add.
func (b *siteFilesBox) choose() {
	b.d.choose(fileChoice{purpose: folderSiteFiles, title: "Add a site file", accept: "Add"}, b.add)
}

// add keeps the file at path as a site file under its own name, read and
// written behind the working overlay; a file the library cannot take is
// named with the reason.
func (b *siteFilesBox) add(path string) {
	name := filepath.Base(path)
	started := b.d.behindOverlay("Adding "+name+"…", b.d.jobs, func(ctx context.Context) func(bool) {
		data, err := site.ReadFile(path, name)
		if err == nil {
			err = b.lib.PutSiteFile(ctx, name, data)
		}
		return b.changed(err)
	})
	if !started {
		b.d.showError(busyError("Adding a site file"))
	}
}

// remove takes the site file name out of the library.
func (b *siteFilesBox) remove(name string) {
	started := b.d.behindOverlay("Removing "+name+"…", b.d.jobs, func(ctx context.Context) func(bool) {
		return b.changed(b.lib.RemoveSiteFile(ctx, name))
	})
	if !started {
		b.d.showError(busyError("Removing a site file"))
	}
}

// changed is how a change to the site files ends on the UI goroutine:
// the reason when it failed, and the list read again either way (unless
// the window is closing).
func (b *siteFilesBox) changed(err error) func(quitting bool) {
	return func(quitting bool) {
		if quitting {
			return
		}
		if err != nil {
			b.d.showError(err)
		}
		b.refresh()
	}
}
