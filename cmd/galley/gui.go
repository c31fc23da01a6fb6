package main

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"app.galley/galley/assets"
	"app.galley/galley/internal/desktop"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/outbox"
	"app.galley/galley/internal/store"
	"app.galley/galley/ui"
)

// The app's identity, as in FyneApp.toml (a test keeps the two in step).
// `fyne package` reads the file; a plain `go build` gets the same through
// app.SetMetadata below, including the fyneDo migration: every widget
// update from a goroutine goes through fyne.Do.
const (
	appID    = "app.galley.desk"
	appName  = "Galley"
	appBuild = 1
)

// runGUI opens the desk on the library at path and returns when the window
// closes. A library that cannot be opened is explained in a window rather
// than by a crash.
func runGUI(path string, isDefault bool) error {
	// The library opens while Fyne starts: a team library's connection
	// (a server's process forked, signed in, the schema read) then costs
	// the first frame nothing that the app's own start does not already
	// take. Opening touches no widget.
	type opened struct {
		st  *store.Store
		err error
	}
	opening := make(chan opened, 1)
	go func() {
		st, err := openPath(context.Background(), path, isDefault, false, os.Stderr)
		opening <- opened{st, err}
	}()
	icon := fyne.NewStaticResource("galley.png", assets.Icon())
	app.SetMetadata(fyne.AppMetadata{
		ID: appID, Name: appName, Version: version, Build: appBuild, Icon: icon,
		Migrations: map[string]bool{"fyneDo": true},
	})
	a := app.NewWithID(appID)
	a.SetIcon(icon)
	root, rootErr := outbox.Root()
	if rootErr != nil {
		fyne.LogError("no folder for the changes a team library cannot take yet", rootErr)
	}
	var desk *ui.Desk
	start := func(st *store.Store) {
		desk = ui.NewDesk(a, st)
		desk.SetImageCache(imageCache(os.Getenv))
		desk.SetLibraryOpener(st.Path(), openForDesk, st.Close)
		if desktop.Available() && os.Getenv("GALLEY_FYNE_DIALOGS") == "" {
			// The desktop's own file chooser, which takes a typed or
			// pasted path; Fyne's where there is none, or when asked.
			desk.SetChooser(desktop.Choose)
		}
		if rootErr == nil {
			// What cannot reach a team library is kept on this
			// computer and saved once it can.
			desk.SetOutbox(root)
		}
		// This library and every one opened from the File menu
		// afterwards: checked in the background, then backed up daily
		// and kept trim.
		desk.CheckAndMaintain()
		desk.Window().Show()
	}
	first := <-opening
	st, err := first.st, first.err
	switch {
	case err == nil:
		start(st)
	case galley.ErrorCode(err) == galley.EUnavailable:
		// The team library's server is away: say how many changes wait
		// for it here, and try again when the editor asks.
		kept := 0
		if rootErr == nil {
			kept = outbox.Waiting(root, store.Shown(path))
		}
		ui.UnreachableWindow(a, err, kept, func() error {
			st, err := openPath(context.Background(), path, isDefault, false, os.Stderr)
			if err != nil {
				return err
			}
			fyne.Do(func() { start(st) })
			return nil
		}).Show()
	case galley.ErrorCode(err) == galley.ENotFound && !isDefault && !store.IsServerAddress(path):
		// A mistyped --db or GALLEY_DB: make a library there only when
		// the editor says so.
		ui.MissingLibraryWindow(a, path, func() error {
			st, err := openPath(context.Background(), path, isDefault, true, os.Stderr)
			if err != nil {
				return err
			}
			fyne.Do(func() { start(st) })
			return nil
		}).Show()
	default:
		ui.ErrorWindow(a, "Galley cannot open the library", err).ShowAndRun()
		return err
	}
	// Closing the window stops the library's background work and waits
	// for it first; CloseLibrary closes whichever library is on the desk
	// by then.
	a.Run()
	if desk == nil {
		return err
	}
	return desk.CloseLibrary()
}

// openForDesk opens (or creates) another library file for the desk's
// File menu.
func openForDesk(path string, create bool) (ui.Library, func() error, error) {
	if store.IsServerAddress(path) {
		// A team library is there or not on its server: opening says.
		st, err := store.Open(path)
		if err != nil {
			return nil, nil, err
		}
		return st, st.Close, nil
	}
	_, err := os.Stat(path)
	switch {
	case create && err == nil:
		return nil, nil, galley.Errorf(galley.EConflict, "%s already exists; open it with File → Open Library instead.", path)
	case !create && errors.Is(err, fs.ErrNotExist):
		return nil, nil, galley.Errorf(galley.ENotFound, "There is no library at %s any more.", path)
	}
	st, err := store.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return st, st.Close, nil
}
