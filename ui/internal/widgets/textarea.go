package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TextArea is a multi-line entry in which Tab moves to the next field
// instead of typing a tab: answers, captions and summaries are prose, and
// an editor filling a form expects Tab to go on to the next box. It is a
// WrapEntry, so typing through the line wraps stores what was typed.
type TextArea struct {
	WrapEntry
	rows    int // lines of text the area shows at least
	maxRows int // lines it grows to with its text before it scrolls; 0 or rows: it never grows

	// OnShortcut sees each shortcut first, so the area's owner can give
	// one a meaning (Alt+Up moves a Q&A pair); true means it was handled.
	OnShortcut func(fyne.Shortcut) bool
	// OnBlur runs when the cursor leaves the area, once its words are
	// final (=codes= in a caption are expanded then).
	OnBlur func()

	fit     *widget.RichText // lays the text out as the entry does, to count its lines
	fitText string           // what fit last measured, at fitWidth,
	fitWide float32          // so MinSize measures only after an edit or a resize
	fitRows int              // and the lines it took
}

// FocusLost runs the owner's hook after the entry's own.
func (t *TextArea) FocusLost() {
	t.Entry.FocusLost()
	if t.OnBlur != nil {
		t.OnBlur()
	}
}

// NewTextArea makes an empty text area showing at least rows lines, as
// many as what it will hold is likely to take.
func NewTextArea(rows int, placeholder string) *TextArea {
	return NewTextAreaWith(rows, placeholder, "")
}

// NewTextAreaWith makes a text area already holding text. Setting the
// fields before the first refresh lays the text out once; SetText on a
// new area lays it out twice, which adds up over fifty Q&A pairs.
func NewTextAreaWith(rows int, placeholder, text string) *TextArea {
	t := &TextArea{rows: rows}
	t.MultiLine = true
	t.Wrapping = fyne.TextWrapWord
	t.PlaceHolder = placeholder
	t.Text = text
	t.ExtendBaseWidget(t)
	return t
}

// entryDefaultRows is how many lines a multi-line Fyne entry shows when
// not told otherwise.
const entryDefaultRows = 3

// Growing makes t grow with its text from its rows up to maxRows lines,
// so an answer or a summary is read whole instead of through a scroll bar
// a few lines high, and a page of them stays within reach.
func (t *TextArea) Growing(maxRows int) *TextArea {
	t.maxRows = maxRows
	return t
}

// MinSize is the entry's, resized to show t.rows lines, or as many lines
// as the text takes at the area's width up to t.maxRows. It stands in for
// SetMinRowsVisible, which refreshes the new entry at zero width and so
// wraps its whole text a word to a line before it is ever shown.
func (t *TextArea) MinSize() fyne.Size {
	m := t.Entry.MinSize()
	rows := t.rows
	if t.maxRows > t.rows {
		rows = min(max(t.textRows(), t.rows), t.maxRows)
	}
	if rows <= 0 || rows == entryDefaultRows {
		return m
	}
	pad := 2 * theme.InnerPadding()
	line := (m.Height - pad) / entryDefaultRows
	m.Height = line*float32(rows) + pad
	return m
}

// textRows is how many lines the text takes wrapped at the area's width,
// by Fyne's own word wrapping; 0 before the area has a width.
func (t *TextArea) textRows() int {
	// The entry's text is a rich text as wide as the entry, padded inside.
	width := t.Size().Width
	if width <= 0 || t.Text == "" {
		return 0
	}
	if t.fit != nil && t.fitText == t.Text && t.fitWide == width {
		return t.fitRows
	}
	if t.fit == nil {
		t.fit = widget.NewRichTextWithText("")
		t.fit.Wrapping = fyne.TextWrapWord
	}
	t.fit.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: t.Text, Style: widget.RichTextStyleInline}}
	t.fit.Resize(fyne.NewSize(width, 0))
	t.fit.Refresh()
	// The height of one line and the step to each next one, measured in
	// the theme's text size of the moment (Settings can change it).
	one := widget.NewRichTextWithText("Mg").MinSize().Height
	step := widget.NewRichTextWithText("Mg\nMg").MinSize().Height - one
	rows := 1
	if step > 0 {
		rows += int((t.fit.MinSize().Height-one)/step + 0.5)
	}
	t.fitText, t.fitWide, t.fitRows = t.Text, width, rows
	return rows
}

// AcceptsTab reports false so Tab moves the focus on.
func (t *TextArea) AcceptsTab() bool { return false }

// TypedShortcut lets the area's owner handle a shortcut (Alt+Up to move a
// Q&A pair, say) before the entry's own copy, paste and undo.
func (t *TextArea) TypedShortcut(s fyne.Shortcut) {
	if t.OnShortcut != nil && t.OnShortcut(s) {
		return
	}
	t.WrapEntry.TypedShortcut(s)
}
