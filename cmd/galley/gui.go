package main

import (
	"context"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/galley-editorial/galley/assets"
	"github.com/galley-editorial/galley/ui"
)

// appID matches the ID in FyneApp.toml; Fyne keys preferences and storage
// on it.
const appID = "app.galley.desk"

// runGUI opens the desk on the library at path and returns when the window
// closes. A library that cannot be opened is explained in a window rather
// than by a crash.
func runGUI(path string, isDefault bool) error {
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("galley.png", assets.Icon()))
	st, err := openPath(context.Background(), path, isDefault, os.Stderr)
	if err != nil {
		ui.ErrorWindow(a, "Galley cannot open the library", err).ShowAndRun()
		return err
	}
	defer st.Close()
	ui.NewDesk(a, st).Window().ShowAndRun()
	return nil
}
