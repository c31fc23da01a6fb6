package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// SetLibraryOpener lets the desk open and create other library files
// (File → Open Library, New Library, Open Recent). path is the file of
// the library on the desk now, and close closes it when another replaces
// it.
func (d *Desk) SetLibraryOpener(path string, open LibraryOpener, close func() error) {
	d.opener, d.closeLib = open, close
	d.libPath = path
	d.rememberLibrary(path)
	d.setTitle()
	d.win.SetMainMenu(d.mainMenu())
}

func (d *Desk) setTitle() {
	if d.libPath == "" {
		d.win.SetTitle("Galley")
		return
	}
	name := store.Shown(d.libPath)
	if store.IsServerAddress(name) {
		// A team library is named by its database, never its password.
		name = filepath.Base(strings.TrimRight(name, "/"))
	}
	d.win.SetTitle(strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)) + " — Galley")
}

// libraryMenuItems are File menu entries for switching libraries, offered
// when the desk can open other files.
func (d *Desk) libraryMenuItems() []*fyne.MenuItem {
	if d.opener == nil {
		return nil
	}
	recent := fyne.NewMenuItem("Open Recent", nil)
	for _, path := range d.recentLibraries() {
		recent.ChildMenu = appendItem(recent.ChildMenu, fyne.NewMenuItem(path, func() { d.switchLibrary(path, false) }))
	}
	if recent.ChildMenu == nil {
		recent.Disabled = true
	}
	return []*fyne.MenuItem{
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Open Library…", d.askOpenLibrary),
		fyne.NewMenuItem("Open Team Library…", func() { d.askTeamLibrary() }),
		fyne.NewMenuItem("New Library…", func() { d.askNewLibrary() }),
		recent,
	}
}

func appendItem(m *fyne.Menu, it *fyne.MenuItem) *fyne.Menu {
	if m == nil {
		m = fyne.NewMenu("")
	}
	m.Items = append(m.Items, it)
	return m
}

func (d *Desk) askOpenLibrary() {
	// Beside the library on the desk, when none was opened from elsewhere.
	start := ""
	if d.libPath != "" && !store.IsServerAddress(d.libPath) {
		start = filepath.Dir(d.libPath)
	}
	d.choose(fileChoice{purpose: folderLibrary, title: "Open a library", accept: "Open",
		kinds: "Galley libraries", exts: []string{".galley"}, start: start}, func(path string) { d.switchLibrary(path, false) })
}

// newLibraryForm asks for the name and folder of a library to create.
type newLibraryForm struct {
	name   *widget.Entry
	folder *folderField
	dlg    *dialog.FormDialog
}

// askNewLibrary asks for a new library's name and folder, then creates
// it and puts it on the desk. Fyne's save dialog is not used: it creates
// the chosen file itself, empty, before Galley is told (so the new
// library was refused as already existing), and once "overwrite" is
// confirmed it empties an existing file, which would lose a library
// chosen by mistake.
func (d *Desk) askNewLibrary() *newLibraryForm {
	f := &newLibraryForm{name: widget.NewEntry()}
	f.name.SetText("Library")
	f.name.Validator = func(s string) error {
		s = strings.TrimSpace(s)
		switch {
		case s == "" || s == ".galley":
			return errors.New("the library needs a name")
		case strings.ContainsAny(s, `/\`) || s == "." || s == "..":
			return errors.New("a name, without folders: choose the folder below")
		}
		return nil
	}
	start := ""
	if d.libPath != "" && !store.IsServerAddress(d.libPath) {
		start = filepath.Dir(d.libPath)
	} else if home, err := os.UserHomeDir(); err == nil {
		start = home
	}
	f.folder = d.folderField("Make the new library in this folder", start, "no folder chosen")
	f.dlg = dialog.NewForm("New Library", "Create", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Name", f.name),
		widget.NewFormItem("Folder", f.folder.box),
	}, func(ok bool) {
		if !ok {
			return
		}
		if f.folder.path == "" {
			d.showError(galley.Errorf(galley.EInvalid, "Choose the folder to make the new library in."))
			return
		}
		name := strings.TrimSpace(f.name.Text)
		if !strings.HasSuffix(name, ".galley") {
			name += ".galley"
		}
		d.switchLibrary(filepath.Join(f.folder.path, name), true)
	}, d.win)
	f.dlg.Resize(fyne.NewSize(640, 240))
	f.dlg.Show()
	return f
}

// switchLibrary saves the open piece, then replaces the library on the
// desk with the one at path. If the new one cannot be opened the desk
// keeps the old one and says why. The old library's background work is
// stopped and waited for before it is closed and the new one put on the
// desk.
func (d *Desk) switchLibrary(path string, create bool) {
	if d.opener == nil || d.retiring || !d.editor.flush() {
		return
	}
	if d.jobs.askedRunning() {
		d.showError(galley.Errorf(galley.EConflict, "An export, a backup or a change to the library is still running; open the other library when it has finished (an export can be cancelled)."))
		return
	}
	if store.IsServerAddress(path) {
		// Reaching a server can take until its connect timeout (a
		// black-holed network): the window keeps drawing meanwhile,
		// behind the working overlay, and nothing else is switched to.
		d.behindOverlay("Reaching the team library…", nil, func(context.Context) func(bool) {
			lib, closeLib, err := d.opener(path, create)
			return func(quitting bool) {
				if !quitting {
					d.replaceLibrary(path, lib, closeLib, err)
				} else if err == nil {
					// The window was closed while the server was
					// being reached: the library on the desk stays
					// until the end, the one just reached goes.
					closeLib()
				}
			}
		})
		return
	}
	lib, closeLib, err := d.opener(path, create)
	d.replaceLibrary(path, lib, closeLib, err)
}

// replaceLibrary puts lib, just opened from path, on the desk in place of
// the library there, or says why it could not be opened.
func (d *Desk) replaceLibrary(path string, lib Library, closeLib func() error, err error) {
	if err != nil {
		d.showError(err)
		return
	}
	d.retire("Closing the library…", func() {
		d.closeLibWindows()
		if d.closeLib != nil {
			if err := d.closeLib(); err != nil {
				d.showError(err)
			}
		}
		d.rememberLibrary(path) // before the menu is made again, so Open Recent offers it
		d.putOnDesk(lib, closeLib, path)
	})
}

// closeLibWindows closes the windows that belong to the library on the
// desk (managers, photo library, trash, history).
func (d *Desk) closeLibWindows() {
	for _, w := range append([]fyne.Window(nil), d.libWindows...) {
		w.Close()
	}
}

// newJobs makes the job group of a library put on the desk. Thumbnails
// are made as many at a time as there are processors.
func (d *Desk) newJobs() *jobs {
	return newJobs(func(f func()) { d.ui(f) }, runtime.NumCPU())
}

// retire lets go of the library on the desk: its background work is
// cancelled, and then runs on the UI goroutine once that work has ended,
// or stopWait has passed (a read that cannot be interrupted is not
// waited for forever). Meanwhile a working overlay keeps the editor from
// typing into a desk about to change.
func (d *Desk) retire(what string, then func()) {
	g := d.jobs
	g.stop()
	if !g.busy() {
		then()
		return
	}
	d.behindOverlay(what, nil, func(context.Context) func(bool) {
		if !g.wait(d.stopWait) {
			fyne.LogError("letting go of the library", errors.New("its background work did not end in time"))
		}
		// Even when the window is closing: then is what closes the
		// library, or the window itself.
		return func(bool) { then() }
	})
}

// putOnDesk puts lib, the library file at path, on the desk in place of
// the one let go, with a job group of its own. When the desk looks after
// its libraries (CheckAndMaintain), the new one is checked and kept up
// like the one Galley started with.
func (d *Desk) putOnDesk(lib Library, closeLib func() error, path string) {
	// A team library is known by its address without its password,
	// which stays in the store alone.
	d.lib, d.closeLib, d.libPath = lib, closeLib, store.Shown(path)
	d.libGen++
	d.session = nil // the library let go took the desk's presence with it
	d.presence = nil
	d.role = ""
	d.setPresent("")
	d.jobs = d.newJobs()
	d.checking = false // the check of the library before ended with it
	d.shelf.deleted = nil
	d.shelf.undo.Hide()
	d.editor.clear()
	d.shelf.open(lib)
	d.moveLegacySiteOnOpen()
	d.openOutbox()
	d.setTitle()
	d.win.SetMainMenu(d.mainMenu())
	if d.upkeep {
		d.checkAndMaintain()
	}
}

// CloseLibrary closes the library on the desk, once the window is gone.
// Its background work is stopped and waited for first (up to stopWait),
// and then the previews' folder, which holds drafts, is removed.
func (d *Desk) CloseLibrary() error {
	if !d.jobs.wait(d.stopWait) {
		fyne.LogError("closing the library", errors.New("its background work did not end in time"))
	}
	d.removePreview()
	d.closeOutbox()
	if d.closeLib == nil {
		return nil
	}
	err := d.closeLib()
	d.closeLib = nil
	return err
}

// askTeamLibrary asks for a team library's address and puts it on the
// desk. The password is best left to ~/.pgpass or PGPASSWORD, as for
// every PostgreSQL client: one typed in the address is used to connect
// but never kept (the recent libraries, the window title and the
// preferences name the library without it).
func (d *Desk) askTeamLibrary() *dialog.FormDialog {
	address := widget.NewEntry()
	address.SetPlaceHolder("postgres://dana@db.example.org/newsroom")
	address.Validator = func(s string) error {
		if !store.IsServerAddress(strings.TrimSpace(s)) {
			return errors.New("a PostgreSQL address: postgres://user@host/database")
		}
		return nil
	}
	hint := widget.NewLabel("The address of the team library's database, as for psql: postgres://user@host:port/database, " +
		"or postgres:///database?host=/run/postgresql for a local socket; sslmode and PGSERVICE work as in libpq. " +
		"The password comes from ~/.pgpass or PGPASSWORD and is never kept by Galley.")
	hint.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewForm("Open Team Library", "Open", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Address", address),
		widget.NewFormItem("", hint),
	}, func(ok bool) {
		if ok {
			d.switchLibrary(strings.TrimSpace(address.Text), false)
		}
	}, d.win)
	dlg.Resize(fyne.NewSize(640, 280))
	dlg.Show()
	d.win.Canvas().Focus(address)
	return dlg
}
