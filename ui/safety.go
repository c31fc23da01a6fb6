package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// Maintainer is the daily upkeep a library can do: a backup at most once
// a day, thinning old revisions, and emptying the trash of pieces deleted
// more than 30 days ago. *store.Store provides it.
type Maintainer interface {
	DailyBackup(ctx context.Context) (string, error)
	ThinRevisions(ctx context.Context, policy store.RevisionPolicy) (int, error)
	PurgeTrash(ctx context.Context) (int, error)
}

// A library that is not a Maintainer gets no upkeep, silently: the store
// must stay one.
var _ Maintainer = (*store.Store)(nil)

// backer is a library File → Back Up Now can back up. *store.Store is
// one; on another library the menu item does nothing.
type backer interface {
	BackupNow(ctx context.Context) (string, error)
}

var _ backer = (*store.Store)(nil)

// errReadOnly is why a damaged library refuses every write.
var errReadOnly = galley.Errorf(galley.EInvalid,
	"The library is damaged, so Galley has opened it read-only and writes nothing to it. Restore a backup with File → Restore From Backup….")

// readOnlyLibrary stands for a damaged library: reading goes on, so the
// editor can copy their words out, and every write is refused before it
// reaches the file.
type readOnlyLibrary struct{ Library }

func (readOnlyLibrary) SavePiece(context.Context, *galley.Piece) error { return errReadOnly }
func (readOnlyLibrary) DeletePiece(context.Context, int64) ([]galley.PieceRef, error) {
	return nil, errReadOnly
}
func (readOnlyLibrary) RestoreTrashed(context.Context, int64) (*galley.Piece, error) {
	return nil, errReadOnly
}
func (readOnlyLibrary) EmptyTrash(context.Context) (int, error) { return 0, errReadOnly }
func (readOnlyLibrary) RestoreRevision(context.Context, int64, int) (*galley.Piece, error) {
	return nil, errReadOnly
}

// CheckAndMaintain checks the library in the background; a sound library
// then gets its daily upkeep (backup, thinning, trash), a damaged one is
// put in read-only mode with an offer to restore the newest good backup.
// Every library opened on the desk afterwards (File → Open, New, Open
// Recent, a restored backup) gets the same.
func (d *Desk) CheckAndMaintain() {
	d.upkeep = true
	d.checkAndMaintain()
}

func (d *Desk) checkAndMaintain() {
	d.check(func(err error) {
		if galley.ErrorCode(err) == galley.EUnavailable {
			// Out of reach is not damaged: the desk works offline and
			// watches for the server's return.
			d.goOffline()
			d.watch()
			return
		}
		if err != nil {
			d.damaged(err)
			return
		}
		d.maintain()
		d.watch()
	})
}

// damaged turns the desk read-only and says what can be done.
func (d *Desk) damaged(err error) {
	if _, already := d.lib.(readOnlyLibrary); !already {
		d.lib = readOnlyLibrary{d.lib}
		d.shelf.pages.lib = d.lib
	}
	d.win.SetTitle(d.win.Title() + " (read-only: damaged)")
	msg := widget.NewLabel(galley.ErrorMessage(err) + "\n\nGalley has opened it read-only: nothing more is written to it. " +
		"Your pieces can still be read and copied.")
	msg.Wrapping = fyne.TextWrapWord
	var dlg dialog.Dialog
	restore := widget.NewButton("Restore the newest good backup", func() {
		dlg.Hide()
		d.restoreNewestGood()
	})
	restore.Importance = widget.HighImportance
	keep := widget.NewButton("Keep reading", func() { dlg.Hide() })
	dlg = dialog.NewCustomWithoutButtons("The library is damaged", container.NewBorder(nil, container.NewHBox(keep, restore), nil, nil, msg), d.win)
	dlg.Resize(fyne.NewSize(560, 260))
	dlg.Show()
}

// maintain does the daily upkeep in the background.
func (d *Desk) maintain() {
	m, ok := d.lib.(Maintainer)
	if !ok {
		return
	}
	policy, g := d.revisionPolicy(), d.jobs
	g.start(func(ctx context.Context) {
		_, errBackup := m.DailyBackup(ctx)
		_, errThin := m.ThinRevisions(ctx, policy)
		_, errPurge := m.PurgeTrash(ctx)
		if err := errors.Join(errBackup, errThin, errPurge); err != nil {
			g.do(func() { d.showError(err) })
		}
	})
}

// backUpNow writes a backup beside the library, in the background.
func (d *Desk) backUpNow() {
	b, ok := d.lib.(backer)
	if !ok || !d.editor.flush() {
		return
	}
	g := d.jobs
	g.startAsked(func(ctx context.Context) {
		path, err := b.BackupNow(ctx)
		g.do(func() {
			if err != nil {
				d.showError(err)
				return
			}
			dialog.ShowInformation("Backed up", "The library is backed up to\n"+path, d.win)
		})
	})
}

// showRestore lists the library's backups to restore one.
func (d *Desk) showRestore() {
	if d.libPath == "" || d.opener == nil {
		d.showError(galley.Errorf(galley.EInternal, "This desk cannot restore backups."))
		return
	}
	backups, err := d.files.Backups(d.libPath)
	if err != nil {
		d.showError(err)
		return
	}
	if len(backups) == 0 {
		dialog.ShowInformation("No backups yet", "There are no backups in "+d.files.BackupDir(d.libPath)+" yet. File → Back Up Now makes one.", d.win)
		return
	}
	var names []string
	for _, b := range backups {
		names = append(names, fmt.Sprintf("%s  (%s)", b.Taken.Local().Format(backupLayout), filepath.Base(b.Path)))
	}
	choice := widget.NewRadioGroup(names, nil)
	choice.SetSelected(names[0])
	dlg := dialog.NewCustomConfirm("Restore from a backup", "Restore", "Cancel",
		container.NewVScroll(choice), func(ok bool) {
			if !ok {
				return
			}
			for i, n := range names {
				if n == choice.Selected {
					d.restoreBackup(backups[i].Path)
				}
			}
		}, d.win)
	dlg.Resize(fyne.NewSize(640, 420))
	dlg.Show()
}

// restoreNewestGood restores the newest backup that passes its check.
func (d *Desk) restoreNewestGood() {
	backups, err := d.files.Backups(d.libPath)
	if err != nil {
		d.showError(err)
		return
	}
	var paths []string
	for _, b := range backups {
		paths = append(paths, b.Path)
	}
	if !d.mayRestore() {
		return
	}
	d.firstGoodBackup(paths, func(good string, _ error) {
		if good == "" {
			d.showError(galley.Errorf(galley.ENotFound, "There is no good backup in %s to restore.", d.files.BackupDir(d.libPath)))
			return
		}
		d.replaceWithBackup(good)
	})
}

// firstGoodBackup checks backups in turn off the UI goroutine (a check
// reads a backup whole), behind a working overlay that keeps the editor
// from typing and the menus waiting, then calls then on the UI goroutine
// with the first that passes, or "" and the last check's error. A window
// closed meanwhile closes once the checks end, without then.
func (d *Desk) firstGoodBackup(backups []string, then func(good string, err error)) {
	started := d.behindOverlay("Checking the backup…", d.jobs, func(ctx context.Context) func(bool) {
		good, err := "", error(galley.Errorf(galley.ENotFound, "There is no backup to check."))
		for _, b := range backups {
			if err = d.files.CheckBackup(ctx, b); err == nil {
				good = b
				break
			}
		}
		return func(quitting bool) {
			if !quitting { // a restore is not begun on a closing window
				then(good, err)
			}
		}
	})
	if !started {
		d.showError(busyError("Restoring a backup"))
	}
}

// mayRestore reports whether a backup may replace the library on the
// desk now, saving the open piece first; if not, the editor is told why
// (or the piece could not be saved, and the state line says so).
func (d *Desk) mayRestore() bool {
	if d.opener == nil || d.retiring {
		return false
	}
	if d.jobs.askedRunning() {
		d.showError(galley.Errorf(galley.EConflict, "Wait for the export, the backup or the change to the library to finish, then restore."))
		return false
	}
	if _, ro := d.lib.(readOnlyLibrary); !ro && !d.editor.flush() {
		return false
	}
	return true
}

// restoreBackup closes the library, replaces it with the backup (checked
// first; the library as it was is kept) and opens it again.
func (d *Desk) restoreBackup(backup string) {
	if !d.mayRestore() {
		return
	}
	d.firstGoodBackup([]string{backup}, func(good string, err error) {
		if good == "" {
			d.showError(err)
			return
		}
		d.replaceWithBackup(good)
	})
}

// replaceWithBackup puts the checked backup in place of the library on
// the desk. The library's background work is stopped and waited for
// before it is closed: nothing of the desk reads or writes it while it is
// replaced. The restore and the opening of the restored library run off
// the UI goroutine, behind the working overlay: the store checks the
// backup once more (a restore never trusts its caller), copies it, or
// sends it to a team library's server, and the library opened is brought
// to the current schema, any of which takes long on a large library.
func (d *Desk) replaceWithBackup(backup string) {
	d.editor.discard()
	d.retire("Restoring the backup…", func() {
		d.closeLibWindows()
		d.editor.clear()
		if d.closeLib != nil {
			if err := d.closeLib(); err != nil {
				d.jobs = d.newJobs() // the library stays on the desk
				d.showError(err)
				return
			}
			d.closeLib = nil
		}
		// Read on the UI goroutine: the work below is handed copies.
		files, open, path := d.files, d.opener, d.libPath
		d.behindOverlay("Restoring the backup…", nil, func(ctx context.Context) func(bool) {
			kept, restoreErr := files.Restore(ctx, backup, path)
			lib, closeLib, err := open(path, false)
			return func(quitting bool) {
				switch {
				case err != nil:
					d.jobs = d.newJobs()
					d.showError(errors.Join(restoreErr, err))
				case quitting:
					// The window closes right after: the restore is
					// done, the library just opened goes again.
					if err := closeLib(); err != nil {
						fyne.LogError("closing the restored library", err)
					}
				default:
					d.putOnDesk(lib, closeLib, path)
					if restoreErr != nil {
						d.showError(restoreErr)
						return
					}
					dialog.ShowInformation("Restored", "The library is restored from\n"+backup+"\n\nThe library as it was is kept as\n"+kept, d.win)
				}
			}
		})
	})
}

// libraryFiles is what the desk does with the files beside a library
// file: list, check and restore its backups. The desk reaches the store's
// handling of library files through it alone; storeFiles is the store's.
type libraryFiles interface {
	Backups(libraryPath string) ([]store.BackupFile, error)
	BackupDir(libraryPath string) string
	CheckBackup(ctx context.Context, path string) error
	Restore(ctx context.Context, backup, libraryPath string) (kept string, err error)
}

// storeFiles is libraryFiles as the store keeps backups: in a folder
// beside the library.
type storeFiles struct{}

var _ libraryFiles = storeFiles{}

func (storeFiles) Backups(libraryPath string) ([]store.BackupFile, error) {
	return store.Backups(libraryPath)
}

func (storeFiles) BackupDir(libraryPath string) string { return store.BackupDir(libraryPath) }

func (storeFiles) CheckBackup(ctx context.Context, path string) error {
	return store.CheckBackup(ctx, path)
}

func (storeFiles) Restore(ctx context.Context, backup, libraryPath string) (string, error) {
	return store.Restore(ctx, backup, libraryPath)
}
