package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// browserCommand is the desktop's command that opens a file in the
// browser, or nil where Fyne's OpenURL is used instead.
func browserCommand(path string) *exec.Cmd {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		return exec.Command("xdg-open", path)
	case "darwin":
		return exec.Command("open", path)
	}
	return nil
}

// openFile opens a local file in the system's browser. Fyne's OpenURL
// starts xdg-open and never waits for it: a failure (no browser, no
// handler for HTML) goes unsaid, and the finished process is left a
// zombie. Here the opener is waited for, in the library's job group, and
// when it fails the editor is told where the page is.
func (d *Desk) openFile(path string) {
	cmd := browserCommand(path)
	if d.browser != nil {
		cmd = d.browser(path)
	}
	if cmd == nil {
		u := &url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
		if err := d.app.OpenURL(u); err != nil {
			d.browserFailed(path, "", err)
		}
		return
	}
	opener := filepath.Base(cmd.Path)
	if err := cmd.Start(); err != nil {
		d.browserFailed(path, opener, err)
		return
	}
	// Wait reaps the process whatever becomes of the library; the job
	// only decides whether the result is still told.
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	g := d.jobs
	g.start(func(ctx context.Context) {
		select {
		case err := <-exited:
			if err != nil {
				g.do(func() { d.browserFailed(path, opener, err) })
			}
		case <-ctx.Done():
		}
	})
}

// browserFailed says that no browser showed the page, why (opener is the
// program that was to start one), and where the page is.
func (d *Desk) browserFailed(path, opener string, err error) {
	why := err.Error()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		why = fmt.Sprintf("%s ended with status %d", opener, exit.ExitCode())
	case errors.Is(err, exec.ErrNotFound):
		why = fmt.Sprintf("there is no program to open it with (%s is not installed)", opener)
	}
	msg := widget.NewLabel("No browser opened the page: " + why + ".\nOpen this file in a browser yourself:")
	msg.Wrapping = fyne.TextWrapWord
	where := widget.NewEntry()
	where.SetText(path)
	copyPath := widget.NewButton("Copy the path", func() { d.app.Clipboard().SetContent(path) })
	content := container.NewVBox(msg, container.NewBorder(nil, nil, nil, copyPath, where))
	dlg := dialog.NewCustom("The page did not open", "Close", content, d.win)
	dlg.Resize(fyne.NewSize(640, 200))
	dlg.Show()
}
