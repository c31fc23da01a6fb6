package main

import (
	"context"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"app.galley/galley/assets"
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
	icon := fyne.NewStaticResource("galley.png", assets.Icon())
	app.SetMetadata(fyne.AppMetadata{
		ID: appID, Name: appName, Version: version, Build: appBuild, Icon: icon,
		Migrations: map[string]bool{"fyneDo": true},
	})
	a := app.NewWithID(appID)
	a.SetIcon(icon)
	st, err := openPath(context.Background(), path, isDefault, os.Stderr)
	if err != nil {
		ui.ErrorWindow(a, "Galley cannot open the library", err).ShowAndRun()
		return err
	}
	defer st.Close()
	desk := ui.NewDesk(a, st)
	desk.CheckLibrary(nil)
	desk.Window().ShowAndRun()
	return nil
}
