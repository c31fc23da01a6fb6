package ui

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
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
