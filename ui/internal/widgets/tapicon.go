package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TapIcon is a small icon button that stays out of the Tab order, so Tab
// goes from one text box to the next instead of stopping on every move and
// delete button along the way. Q&A pairs and photos also move with
// Alt+Up and Alt+Down from their text boxes.
type TapIcon struct {
	widget.Icon
	onTap    func()
	disabled bool
}

// NewTapIcon makes an icon that runs tap: an icon, not a button, so that
// Tab passes it by.
func NewTapIcon(res fyne.Resource, tap func()) *TapIcon {
	t := &TapIcon{onTap: tap}
	t.ExtendBaseWidget(t)
	t.SetResource(res)
	return t
}

// Tapped runs the action unless the icon is disabled.
func (t *TapIcon) Tapped(*fyne.PointEvent) {
	if !t.disabled && t.onTap != nil {
		t.onTap()
	}
}

// Cursor shows a pointing hand over an active icon.
func (t *TapIcon) Cursor() desktop.Cursor {
	if t.disabled {
		return desktop.DefaultCursor
	}
	return desktop.PointerCursor
}

// MinSize gives the icon a comfortable target.
func (t *TapIcon) MinSize() fyne.Size { return fyne.NewSquareSize(theme.IconInlineSize() * 1.5) }

// Disable greys the icon out and stops its taps for good, for a move
// that has nowhere to go (the first row cannot go up); rows are rebuilt,
// icons and all, when they change.
func (t *TapIcon) Disable() {
	t.disabled = true
	t.SetResource(theme.NewDisabledResource(t.Resource))
}
