package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/ui/internal/widgets"
)

// textArea is a multi-line entry in which Tab moves to the next field
// instead of typing a tab: answers, captions and summaries are prose, and
// an editor filling a form expects Tab to go on to the next box. It is a
// WrapEntry, so typing through the line wraps stores what was typed.
type textArea struct {
	widgets.WrapEntry
	rows       int // lines of text the area shows at least
	maxRows    int // lines it grows to with its text before it scrolls; 0 or rows: it never grows
	onShortcut func(fyne.Shortcut) bool
	onBlur     func() // the cursor left the area

	fit     *widget.RichText // lays the text out as the entry does, to count its lines
	fitText string           // what fit last measured, at fitWidth,
	fitWide float32          // so MinSize measures only after an edit or a resize
	fitRows int              // and the lines it took
}

// FocusLost runs the owner's hook after the entry's own.
func (t *textArea) FocusLost() {
	t.Entry.FocusLost()
	if t.onBlur != nil {
		t.onBlur()
	}
}

func newTextArea(rows int, placeholder string) *textArea {
	return newTextAreaWith(rows, placeholder, "")
}

// newTextAreaWith makes a text area already holding text. Setting the
// fields before the first refresh lays the text out once; SetText on a
// new area lays it out twice, which adds up over fifty Q&A pairs.
func newTextAreaWith(rows int, placeholder, text string) *textArea {
	t := &textArea{rows: rows}
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

// growing makes t grow with its text from its rows up to maxRows lines,
// so an answer or a summary is read whole instead of through a scroll bar
// a few lines high, and a page of them stays within reach.
func (t *textArea) growing(maxRows int) *textArea {
	t.maxRows = maxRows
	return t
}

// MinSize is the entry's, resized to show t.rows lines, or as many lines
// as the text takes at the area's width up to t.maxRows. It stands in for
// SetMinRowsVisible, which refreshes the new entry at zero width and so
// wraps its whole text a word to a line before it is ever shown.
func (t *textArea) MinSize() fyne.Size {
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
func (t *textArea) textRows() int {
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
func (t *textArea) AcceptsTab() bool { return false }

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

// TypedShortcut lets the area's owner handle a shortcut (Alt+Up to move a
// Q&A pair, say) before the entry's own copy, paste and undo.
func (t *textArea) TypedShortcut(s fyne.Shortcut) {
	if t.onShortcut != nil && t.onShortcut(s) {
		return
	}
	t.WrapEntry.TypedShortcut(s)
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
