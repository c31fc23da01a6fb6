package widgets

import "fyne.io/fyne/v2/widget"

// LineEntry is a one-line entry that tells its owner when the cursor
// leaves it, where =codes= are expanded.
type LineEntry struct {
	widget.Entry
	// OnBlur runs when the cursor leaves the entry, once its words are
	// final.
	OnBlur func()
}

// NewLineEntry makes an entry already holding text: setting it before
// the first refresh lays it out once, which counts on a card of fields.
func NewLineEntry(placeholder, text string) *LineEntry {
	e := &LineEntry{}
	e.PlaceHolder, e.Text = placeholder, text
	e.ExtendBaseWidget(e)
	return e
}

// FocusLost runs the owner's hook after the entry's own.
func (e *LineEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.OnBlur != nil {
		e.OnBlur()
	}
}
