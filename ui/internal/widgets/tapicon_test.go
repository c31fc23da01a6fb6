package widgets

import (
	"testing"

	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// A disabled icon neither runs its action nor shows the pointing hand.
func TestTapIconDisabledStaysStill(t *testing.T) {
	test.NewTempApp(t)
	taps := 0
	on, off := NewTapIcon(theme.MoveUpIcon(), func() { taps++ }), NewTapIcon(theme.MoveDownIcon(), func() { taps += 10 })
	off.Disable()
	test.Tap(on)
	test.Tap(off)
	if taps != 1 {
		t.Errorf("taps ran %d, want the active icon's alone", taps)
	}
	if on.Cursor() != desktop.PointerCursor || off.Cursor() != desktop.DefaultCursor {
		t.Errorf("cursors: active %v, disabled %v", on.Cursor(), off.Cursor())
	}
}
