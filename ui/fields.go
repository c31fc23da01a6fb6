package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// moveItem moves s[from] to position to, shifting the ones between.
func moveItem[T any](s []T, from, to int) {
	if from < 0 || to < 0 || from >= len(s) || to >= len(s) || from == to {
		return
	}
	v := s[from]
	if from < to {
		copy(s[from:to], s[from+1:to+1])
	} else {
		copy(s[to+1:from+1], s[to:from])
	}
	s[to] = v
}

// removeItem returns s without s[i].
func removeItem[T any](s []T, i int) []T {
	return append(s[:i:i], s[i+1:]...)
}

// tapIcon is a small icon button that stays out of the Tab order, so Tab
// goes from one text box to the next instead of stopping on every move and
// delete button along the way. Q&A pairs and photos also move with
// Alt+Up and Alt+Down from their text boxes.
type tapIcon struct {
	widget.Icon
	onTap    func()
	disabled bool
}

func newTapIcon(res fyne.Resource, tap func()) *tapIcon {
	t := &tapIcon{onTap: tap}
	t.ExtendBaseWidget(t)
	t.SetResource(res)
	return t
}

// Tapped runs the action unless the icon is disabled.
func (t *tapIcon) Tapped(*fyne.PointEvent) {
	if !t.disabled && t.onTap != nil {
		t.onTap()
	}
}

// Cursor shows a pointing hand over an active icon.
func (t *tapIcon) Cursor() desktop.Cursor {
	if t.disabled {
		return desktop.DefaultCursor
	}
	return desktop.PointerCursor
}

// MinSize gives the icon a comfortable target.
func (t *tapIcon) MinSize() fyne.Size { return fyne.NewSquareSize(theme.IconInlineSize() * 1.5) }

func (t *tapIcon) disable() {
	t.disabled = true
	t.SetResource(theme.NewDisabledResource(t.Resource))
}

// confirm asks a yes/no question and runs yes only on yes.
func confirm(w fyne.Window, title, message string, yes func()) {
	dialog.ShowConfirm(title, message, func(ok bool) {
		if ok {
			yes()
		}
	}, w)
}

// rowIcons are the move-up, move-down and remove icons of row i of n;
// the first row cannot go up nor the last down.
type rowIcons struct {
	up, down, remove *tapIcon
}

func newRowIcons(i, n int, move func(from, to int), remove func(i int)) rowIcons {
	r := rowIcons{
		up:     newTapIcon(theme.MoveUpIcon(), func() { move(i, i-1) }),
		down:   newTapIcon(theme.MoveDownIcon(), func() { move(i, i+1) }),
		remove: newTapIcon(theme.DeleteIcon(), func() { remove(i) }),
	}
	if i == 0 {
		r.up.disable()
	}
	if i == n-1 {
		r.down.disable()
	}
	return r
}

// box lays the icons out in a row.
func (r rowIcons) box() *fyne.Container { return container.NewHBox(r.up, r.down, r.remove) }

// moveKeys answers Alt+Up and Alt+Down in row i's text boxes by moving the
// row.
func moveKeys(i int, move func(from, to int)) func(fyne.Shortcut) bool {
	return func(s fyne.Shortcut) bool {
		switch s.ShortcutName() {
		case shortcutPairUp.ShortcutName():
			move(i, i-1)
		case shortcutPairDown.ShortcutName():
			move(i, i+1)
		default:
			return false
		}
		return true
	}
}
