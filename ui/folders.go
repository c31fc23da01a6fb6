package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/storage"

	"app.galley/galley/internal/desktop"
)

// What a file or folder is chosen for: each remembers its own last
// folder. Fyne's dialogs remember one for all, so choosing a photo made
// the next export start in the photo folder.
const (
	folderPhotos    = "photos"
	folderExport    = "export"
	folderLibrary   = "library"
	folderSiteFiles = "site-files"
	folderCodes     = "codes"
	folderImport    = "import"
)

// prefLastFolder + a purpose is where the last choice for it was made.
const prefLastFolder = "lastFolder."

// rememberFolder keeps where a choice for purpose was made: the folder of
// a file chosen, or the folder holding a folder chosen, so the next
// dialog opens beside it.
func (d *Desk) rememberFolder(purpose, chosen string, isFolder bool) {
	if chosen == "" {
		return
	}
	dir := filepath.Dir(filepath.Clean(chosen))
	if isFolder && dir == filepath.Clean(chosen) {
		return // the root: nowhere beside it
	}
	d.app.Preferences().SetString(prefLastFolder+purpose, dir)
}

// lastFolder is where the last choice for purpose was made, or fallback
// when there was none or that folder is gone.
func (d *Desk) lastFolder(purpose, fallback string) string {
	dir := d.app.Preferences().String(prefLastFolder + purpose)
	if fi, err := os.Stat(dir); dir != "" && err == nil && fi.IsDir() {
		return dir
	}
	return fallback
}

// startAt opens a dialog in the last folder used for purpose, or in
// fallback, or where Fyne would.
func (d *Desk) startAt(purpose, fallback string, set func(fyne.ListableURI)) {
	dir := d.lastFolder(purpose, fallback)
	if dir == "" {
		return
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		set(l)
	}
}

// A Chooser shows the desktop's own file chooser (desktop.Choose: the
// XDG portal's, which takes a typed or pasted path and shows thumbnails)
// and waits for the editor's choice: "" when cancelled, an error
// wrapping desktop.ErrUnavailable when the desktop has none.
type Chooser func(ctx context.Context, r desktop.Request) (string, error)

// SetChooser gives the desk the desktop's file chooser, asked before
// Fyne's own dialogs; nil (the default) uses Fyne's.
func (d *Desk) SetChooser(c Chooser) { d.chooser = c }

// fileChoice is a file or folder to ask the editor for.
type fileChoice struct {
	purpose string // which last folder it starts in and, for a file, remembers; "" for none
	title   string // what it is for
	accept  string // the button that takes it ("Import"); "" for the dialog's own
	folder  bool   // a folder, not a file
	kinds   string // the name of the files offered ("WordPress or Ghost exports")
	exts    []string
	start   string      // where to start when purpose has no last folder
	win     fyne.Window // the window it belongs to; the desk's when nil
}

// choose asks for the file or folder c describes and gives its path to
// chosen: in the desktop's chooser when there is one, else (or when it
// turns out to have none) in Fyne's dialog.
func (d *Desk) choose(c fileChoice, chosen func(path string)) {
	if c.win == nil {
		c.win = d.win
	}
	start := c.start
	if c.purpose != "" {
		start = d.lastFolder(c.purpose, c.start)
	}
	took := func(path string) {
		if c.purpose != "" && !c.folder {
			d.rememberFolder(c.purpose, path, false)
		}
		chosen(path)
	}
	if ask := d.chooser; ask != nil {
		req := desktop.Request{Title: c.title, Accept: c.accept, Folder: c.folder, Start: start, Kinds: c.kinds, Exts: c.exts, Parent: parentHandle(c.win)}
		// The desktop's dialog runs in its own process; the desk waits for
		// it off the UI goroutine, and closes it if the library is let go.
		if d.jobs.start(func(ctx context.Context) {
			path, err := ask(ctx, req)
			d.jobs.do(func() {
				switch {
				case errors.Is(err, desktop.ErrUnavailable):
					d.chooser = nil // not asked again: Fyne's from now on
					d.fyneChoose(c, start, took)
				case err != nil && ctx.Err() == nil:
					d.showError(err)
				case err == nil && path != "":
					took(filepath.Clean(path))
				}
			})
		}) {
			return
		}
	}
	d.fyneChoose(c, start, took)
}

// fyneChoose asks in Fyne's own dialog.
func (d *Desk) fyneChoose(c fileChoice, start string, chosen func(path string)) {
	place := func(set func(fyne.ListableURI)) {
		if start != "" {
			if l, err := storage.ListerForURI(storage.NewFileURI(start)); err == nil {
				set(l)
			}
		}
	}
	if c.folder {
		dlg := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil {
				d.showError(err)
				return
			}
			if u != nil {
				chosen(filepath.Clean(u.Path()))
			}
		}, c.win)
		dlg.SetTitleText(c.title)
		if c.accept != "" {
			dlg.SetConfirmText(c.accept)
		}
		place(dlg.SetLocation)
		dlg.Resize(fyne.NewSize(800, 560))
		dlg.Show()
		return
	}
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			d.showError(err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		chosen(path)
	}, c.win)
	dlg.SetTitleText(c.title)
	if c.accept != "" {
		dlg.SetConfirmText(c.accept)
	}
	if len(c.exts) > 0 {
		dlg.SetFilter(storage.NewExtensionFileFilter(c.exts))
	}
	place(dlg.SetLocation)
	dlg.Resize(fyne.NewSize(800, 560))
	dlg.Show()
}

// parentHandle names w to the desktop's chooser, so it stays above it:
// "x11:…" on X11, "" where the desk cannot tell.
func parentHandle(w fyne.Window) string {
	var handle string
	if nw, ok := w.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if x, ok := ctx.(driver.X11WindowContext); ok && x.WindowHandle != 0 {
				handle = fmt.Sprintf("x11:%x", x.WindowHandle)
			}
		})
	}
	return handle
}
