package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// trashWindow lists the deleted pieces waiting in the trash, to restore
// one or to empty the trash for good.
type trashWindow struct {
	d       *Desk
	win     fyne.Window
	list    *widget.List
	entries []galley.TrashEntry
	chosen  int
	restore *widget.Button
	empty   *widget.Button
	note    *widget.Label
}

// showTrash opens the trash window.
func (d *Desk) showTrash() *trashWindow {
	t := &trashWindow{d: d, win: d.app.NewWindow("Trash"), chosen: -1, note: widget.NewLabel("")}
	t.note.Wrapping = fyne.TextWrapWord
	t.list = widget.NewList(func() int { return len(t.entries) },
		func() fyne.CanvasObject {
			title := widget.NewLabel("Title")
			title.Truncation = fyne.TextTruncateEllipsis
			when := widget.NewLabel("deleted")
			return container.NewBorder(nil, nil, nil, when, title)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			e := t.entries[i]
			c.Objects[0].(*widget.Label).SetText(e.Title)
			c.Objects[1].(*widget.Label).SetText(fmt.Sprintf("deleted %s by %s", e.Deleted.Local().Format(recentLayout), e.Author))
		})
	t.list.OnSelected = func(i widget.ListItemID) { t.chosen = i; t.restore.Enable() }
	t.list.OnUnselected = func(widget.ListItemID) { t.chosen = -1; t.restore.Disable() }
	t.restore = widget.NewButton("Restore", func() {
		if t.chosen < 0 || t.chosen >= len(t.entries) {
			return
		}
		if d.restoreTrashed(t.entries[t.chosen].ID) {
			t.reload()
		}
	})
	t.restore.Importance = widget.HighImportance
	t.empty = widget.NewButton("Empty Trash…", t.confirmEmpty)
	d.track(t.win)
	bar := container.NewHBox(t.restore, t.empty)
	t.win.SetContent(container.NewBorder(t.note, container.NewPadded(bar), nil, nil, t.list))
	t.win.Resize(fyne.NewSize(620, 480))
	t.reload()
	t.win.Show()
	return t
}

func (t *trashWindow) reload() {
	list, err := t.d.lib.Trash(context.Background())
	if err != nil {
		dialog.ShowError(fmt.Errorf("%s", galley.ErrorMessage(err)), t.win)
	}
	t.entries = list
	t.chosen = -1
	t.list.UnselectAll()
	t.list.Refresh()
	t.restore.Disable()
	if len(list) == 0 {
		t.note.SetText("The trash is empty.")
		t.empty.Disable()
	} else {
		t.note.SetText(fmt.Sprintf("%s. Deleted pieces stay here for %d days, with their photos and history; Restore brings one back as it was.",
			plural(len(list), "piece"), store.TrashDays))
		t.empty.Enable()
	}
}

func (t *trashWindow) confirmEmpty() {
	if t.d.editorOnly("emptying the trash") {
		return
	}
	confirm(t.win, "Empty the trash?",
		fmt.Sprintf("Delete the %s in the trash for good, with their history? This cannot be undone.", plural(len(t.entries), "piece")),
		func() {
			if _, err := t.d.lib.EmptyTrash(context.Background()); err != nil {
				dialog.ShowError(fmt.Errorf("%s", galley.ErrorMessage(err)), t.win)
			}
			t.d.shelf.deleted = nil
			t.d.shelf.undo.Hide()
			t.reload()
		})
}
