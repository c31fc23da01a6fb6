package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"

	"app.galley/galley/ui/internal/widgets"
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
	up, down, remove *widgets.TapIcon
}

func newRowIcons(i, n int, move func(from, to int), remove func(i int)) rowIcons {
	r := rowIcons{
		up:     widgets.NewTapIcon(theme.MoveUpIcon(), func() { move(i, i-1) }),
		down:   widgets.NewTapIcon(theme.MoveDownIcon(), func() { move(i, i+1) }),
		remove: widgets.NewTapIcon(theme.DeleteIcon(), func() { remove(i) }),
	}
	if i == 0 {
		r.up.Disable()
	}
	if i == n-1 {
		r.down.Disable()
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
