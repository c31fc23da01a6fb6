// Package ui is Galley's desktop interface, built with Fyne. It reaches the
// library only through the Library interface, so every screen can be built
// and driven headless in tests with fyne.io/fyne/v2/test.
package ui

import (
	"context"
	"errors"
	"os/exec"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/outbox"
	"app.galley/galley/internal/store"
)

// Library is what the desk needs from an open library. *store.Store is
// the real one; tests wrap it to count or fail calls.
type Library interface {
	FindPieces(ctx context.Context, f galley.Filter) ([]galley.Summary, error)
	CountPieces(ctx context.Context, f galley.Filter) (int, error)
	Piece(ctx context.Context, id int64) (*galley.Piece, error)
	PieceBySlug(ctx context.Context, slug string) (*galley.Piece, error)
	SavePiece(ctx context.Context, p *galley.Piece) error
	DeletePiece(ctx context.Context, id int64) ([]galley.PieceRef, error)
	Trash(ctx context.Context) ([]galley.TrashEntry, error)
	RestoreTrashed(ctx context.Context, trashID int64) (*galley.Piece, error)
	EmptyTrash(ctx context.Context) (int, error)
	Revisions(ctx context.Context, pieceID int64) ([]galley.Revision, error)
	RevisionPiece(ctx context.Context, pieceID int64, number int) (*galley.Piece, error)
	RestoreRevision(ctx context.Context, pieceID int64, number int) (*galley.Piece, error)
	ImageData(ctx context.Context, hash string) ([]byte, error)
	Vocabulary(ctx context.Context) (galley.Vocabulary, error)
	Topics(ctx context.Context) ([]galley.Topic, error)
	Types(ctx context.Context) ([]galley.Type, error)
	Contributors(ctx context.Context) ([]galley.Contributor, error)
	Snapshot(ctx context.Context) (*store.Snapshot, error)
	Statuses(ctx context.Context, ids []int64) (map[int64]galley.Status, error)
	SuggestRelated(ctx context.Context, pieceID int64, topics []string, limit int) ([]galley.Summary, error)
	QuickCheck(ctx context.Context) error
}

// Galley puts a *store.Store on the desk.
var _ Library = (*store.Store)(nil)

// DefaultAutosaveDelay is how long the desk waits after the last keystroke
// before saving: long enough not to save mid-word, short enough that a
// crash or power cut costs a sentence at most.
const DefaultAutosaveDelay = 1500 * time.Millisecond

// Desk is the main window: the library's pieces on the left, the selected
// piece's editor on the right.
type Desk struct {
	app    fyne.App
	win    fyne.Window
	lib    Library
	libGen int // bumped when another library (or a restored one) replaces lib; not when it turns read-only
	// chooser is the desktop's file chooser, asked before Fyne's dialogs;
	// nil for Fyne's (SetChooser).
	chooser Chooser
	// session is the desk's presence on a team library (nil on a file):
	// it ends with the library's background work.
	session *store.Session
	// presence is who is on the team library and which piece each has
	// open, as last heard (this desk not included).
	presence []galley.Presence
	// role is the user's on a team library ("writer", "editor"; "" for
	// a file): what the desk explains before the server refuses.
	role   string
	shelf  *shelf
	editor *editor
	split  *container.Split  // the shelf beside the editor
	vocab  galley.Vocabulary // the names offered as choices, read again when they change

	imageCache string                      // where resized photos are kept between exports
	opener     LibraryOpener               // opens another library file; nil offers none
	files      libraryFiles                // the backups beside a library file
	closeLib   func() error                // closes the library on the desk when another replaces it
	libPath    string                      // the library file on the desk, when known
	checking   bool                        // the library's check is running; autosave waits
	upkeep     bool                        // every library opened gets the check and daily upkeep (CheckAndMaintain)
	libWindows []fyne.Window               // windows of the library on the desk (managers, photo library, trash, history), closed with it
	baseTheme  fyne.Theme                  // the app's theme before the desk's choices were laid over it
	browser    func(path string) *exec.Cmd // opens a file in a browser; nil: the desktop's (tests replace it)
	legacy     legacySite                  // moving this computer's earlier site settings into a library, once
	previewDir string                      // the private folder of the previews, made at the first; removed when the desk closes

	// Background work. Each library on the desk has its own job group;
	// letting go of the library (switch, restore, quit) stops it and waits
	// for it, up to stopWait, behind a working overlay.
	jobs      *jobs
	ui        func(func())  // hands work to the UI goroutine: fyne.Do
	stopWait  time.Duration // how long letting go of a library waits for its jobs
	retiring  bool          // a library is being let go: menus wait
	quitAsked bool          // the window was closed while a library was let go
	closing   bool          // the window is closing: its library is let go for good
	// interim runs the desk's own slow work, which belongs to no
	// library's group: waiting for a library let go, reaching a team
	// library, restoring a backup (behindOverlay without a group). It is
	// never stopped; the window's close is put off (quitAsked) until its
	// work has ended, and tests wait for it with settle.
	interim *jobs

	// Changes that cannot reach a team library are kept on this computer
	// (offline.go).
	outboxRoot string       // where outboxes are kept; "" keeps none
	outbox     *outbox.Box  // the team library's on the desk; nil for a file
	offline    offlineState // what the banner says
	offlineBar *offlineBar
	probing    bool // asking the server whether it is back
	sending    bool // sending the kept changes
}

// LibraryOpener opens (create false) or creates (create true) the library
// file at path for the desk, returning it and a function that closes it.
type LibraryOpener func(path string, create bool) (Library, func() error, error)

// SetImageCache names the folder where exports keep resized photos.
func (d *Desk) SetImageCache(dir string) { d.imageCache = dir }

// DefaultStopWait bounds how long the desk waits for the background work
// of a library it lets go (another is opened, a backup restored, Galley
// quits). The work is cancelled first and usually ends at once; a read
// or write that cannot be interrupted is not waited for forever.
const DefaultStopWait = 10 * time.Second

// NewDesk builds the main window for lib. It does not show it.
func NewDesk(a fyne.App, lib Library) *Desk {
	return newDesk(a, lib, fyne.Do)
}

// newDesk is NewDesk handing background work's results to the UI
// goroutine through ui. Fyne's test driver runs fyne.Do at once on the
// caller's goroutine, beside the test's own; tests give a queue they run
// on the test's goroutine instead, as the desktop driver runs everything
// on its one.
func newDesk(a fyne.App, lib Library, ui func(func())) *Desk {
	d := &Desk{app: a, win: a.NewWindow("Galley"), lib: lib, ui: ui, stopWait: DefaultStopWait, files: storeFiles{}}
	d.applyAppearance(d.appearance())
	d.jobs = d.newJobs()
	d.interim = d.newJobs()
	d.editor = newEditor(d)
	d.shelf = newShelf(d)
	d.offlineBar = newOfflineBar(d)

	d.split = container.NewHSplit(d.shelf.content, d.editor.content)
	d.split.Offset = 0.32
	// The offline banner above both, taking no room while hidden.
	d.win.SetContent(container.NewBorder(d.offlineBar.content, nil, nil, nil, d.split))
	d.win.SetMainMenu(d.mainMenu())
	d.win.Resize(d.windowSize())
	d.win.SetCloseIntercept(d.close)
	d.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { d.editor.photos.dropped(uris) })
	d.shelf.open(lib)
	d.moveLegacySiteOnOpen()
	return d
}

// Window returns the desk's window.
func (d *Desk) Window() fyne.Window { return d.win }

// SetAutosaveDelay changes the pause after typing before the piece is
// saved (tests shorten it).
func (d *Desk) SetAutosaveDelay(delay time.Duration) { d.editor.delay = delay }

// CheckLibrary reads the whole library file in the background, looking for
// damage, and tells the editor if it finds any. done, if not nil, is
// called on the UI goroutine when the check ends.
func (d *Desk) CheckLibrary(done func(error)) {
	d.check(func(err error) {
		if err != nil {
			d.showError(err)
		}
		if done != nil {
			done(err)
		}
	})
}

// check runs the library's quick check in the background and then calls
// then on the UI goroutine. Until it ends, autosave waits (the words stay
// on the desk): nothing is written to a library before it is known sound,
// unless the editor saves, switches or closes. The check belongs to the
// library's job group: letting go of the library cancels it, and the
// next library starts with autosave on (or its own check).
func (d *Desk) check(then func(error)) {
	lib, g := d.lib, d.jobs
	d.checking = true // before the job starts: its end may be handed over at once
	started := g.start(func(ctx context.Context) {
		err := lib.QuickCheck(ctx)
		g.do(func() {
			d.checking = false
			then(err)
			if err == nil && d.editor.dirty {
				d.editor.save(false)
			}
		})
	})
	if !started {
		d.checking = false
	}
}

// showError tells the editor what went wrong in a sentence they can act on.
func (d *Desk) showError(err error) {
	dialog.ShowError(errors.New(galley.ErrorMessage(err)), d.win)
}

// close saves the open piece before the window goes, then stops the
// library's background work and waits for it before the window closes (a
// backup is not cut off half written, and nothing is handed to a window
// that is gone). If the piece cannot be saved, the editor is asked, and
// the window stays unless they choose to discard: text is never lost
// silently.
func (d *Desk) close() {
	if d.closing {
		return
	}
	if d.retiring {
		d.quitAsked = true // once the library in hand is let go
		return
	}
	if d.editor.flush() {
		d.quit()
		return
	}
	dialog.ShowConfirm("Close without saving?",
		"The open piece could not be saved ("+d.editor.stateText()+").\nClose anyway and lose the unsaved changes?",
		func(discard bool) {
			if discard {
				d.editor.discard()
				d.quit()
			}
		}, d.win)
}

// quit lets go of the library and closes the window. Work the editor
// asked for (an export, a change from a manager, a backup) is stopped
// only if they agree: what it has not finished is left as it was.
func (d *Desk) quit() {
	d.keepWindowSize()
	if !d.jobs.askedRunning() {
		d.closing = true
		d.retire("Closing the library…", d.win.Close)
		return
	}
	dialog.ShowConfirm("Stop the work in progress?",
		"An export, a backup or a change to the library is still running.\n"+
			"Quit now and stop it? What it has not finished is left as it was before it began.",
		func(stop bool) {
			if stop {
				d.closing = true
				d.retire("Closing the library…", d.win.Close)
			}
		}, d.win)
}

// Shortcuts, held by the main menu so they work wherever the focus is
// (a focused entry would swallow canvas shortcuts).
var (
	shortcutNew        = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSave       = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutFind       = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutDuplicate  = &desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutExport     = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutExportSite = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	shortcutPreview    = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutCopyHTML   = &desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	shortcutSettings   = &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutHistory    = &desktop.CustomShortcut{KeyName: fyne.KeyH, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutPublish    = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

func item(label string, sc fyne.Shortcut, action func()) *fyne.MenuItem {
	it := fyne.NewMenuItem(label, action)
	it.Shortcut = sc
	return it
}

func (d *Desk) mainMenu() *fyne.MainMenu {
	e := d.editor
	file := fyne.NewMenu("File",
		item("New Piece", shortcutNew, e.newPiece),
		item("Duplicate Piece", shortcutDuplicate, e.duplicate),
		item("Save", shortcutSave, func() { e.save(true) }),
		fyne.NewMenuItemSeparator(),
		item("Export Piece…", shortcutExport, d.exportPiece),
		item("Export Site…", shortcutExportSite, d.exportSite),
		item("Copy HTML", shortcutCopyHTML, d.copyHTML),
		item("Open in Browser", nil, d.previewInBrowser),
		item("Publish Site…", shortcutPublish, d.publishSite),
		item("History…", shortcutHistory, func() { d.showHistory() }),
		item("Import From WordPress or Ghost…", nil, d.askImportArchive),
		fyne.NewMenuItemSeparator(),
		item("Delete Piece…", nil, e.confirmDelete),
	)
	file.Items = append(file.Items, d.libraryMenuItems()...)
	file.Items = append(file.Items, fyne.NewMenuItemSeparator(),
		item("Back Up Now", nil, d.backUpNow),
		item("Restore From Backup…", nil, d.showRestore))
	edit := fyne.NewMenu("Edit",
		item("Find", shortcutFind, d.shelf.focusSearch),
		item("Undo Delete", nil, d.shelf.undoDelete),
		item("Caption Codes…", nil, func() { d.showCodes() }),
		fyne.NewMenuItemSeparator(),
		item("Settings…", shortcutSettings, d.showSettings),
	)
	view := fyne.NewMenu("View",
		item("Preview", shortcutPreview, e.showPreview),
	)
	library := fyne.NewMenu("Library",
		item("Photos…", nil, func() { d.showPhotoLibrary() }),
		item("Topics…", nil, func() { d.showTopics() }),
		item("Contributors…", nil, func() { d.showContributors() }),
		item("Types…", nil, func() { d.showTypes() }),
		fyne.NewMenuItemSeparator(),
		item("Trash…", nil, func() { d.showTrash() }),
	)
	return fyne.NewMainMenu(file, edit, view, library)
}

// runShortcut runs the menu action bound to sc, as the desktop driver does
// for a key press; tests use it to press shortcuts headless.
func (d *Desk) runShortcut(sc fyne.Shortcut) bool {
	for _, m := range d.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() && it.Action != nil {
				it.Action()
				return true
			}
		}
	}
	return false
}

// Preference keys for what the desk remembers between runs.
const (
	prefWindowWidth  = "windowWidth"
	prefWindowHeight = "windowHeight"
	prefLastPiece    = "lastPiece:" // + the library's path
)

// windowSize is the size the window had when Galley last closed, or
// 1280 × 800 the first time.
func (d *Desk) windowSize() fyne.Size {
	p := d.app.Preferences()
	w, h := p.Float(prefWindowWidth), p.Float(prefWindowHeight)
	if w < 480 || h < 360 {
		return fyne.NewSize(1280, 800)
	}
	return fyne.NewSize(float32(w), float32(h))
}

// keepWindowSize remembers the window's size for the next run.
func (d *Desk) keepWindowSize() {
	size := d.win.Canvas().Size()
	if size.Width < 480 || size.Height < 360 {
		return
	}
	p := d.app.Preferences()
	p.SetFloat(prefWindowWidth, float64(size.Width))
	p.SetFloat(prefWindowHeight, float64(size.Height))
}

// rememberPiece notes the piece open in the library on the desk, to open
// it again next time.
func (d *Desk) rememberPiece(id int64) {
	if d.session != nil {
		d.openPresence()
	}
	if d.libPath != "" && id > 0 {
		d.app.Preferences().SetInt(prefLastPiece+store.Shown(d.libPath), int(id))
	}
}

// lastPiece is the piece last open in the library on the desk, or 0.
func (d *Desk) lastPiece() int64 {
	if d.libPath == "" {
		return 0
	}
	return int64(d.app.Preferences().Int(prefLastPiece + store.Shown(d.libPath)))
}
