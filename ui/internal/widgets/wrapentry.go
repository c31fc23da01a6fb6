package widgets

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// WrapEntry is a widget.Entry that keeps typing correct in a word-wrapped
// multi-line entry (Fyne 2.7.1 and 2.8.1).
//
// Fyne keeps the cursor as a visual row and column. With TextWrapWord, a
// space at a wrap point that ends a line (end of text, or just before a
// newline) belongs to no row, so the place just after it has no row and
// column: Fyne clamps the cursor back before the space, and the next key
// lands there ("ready" + " " + "b" gives "readyb "). WrapEntry remembers
// that offset itself and puts it back before handing each edit to Fyne,
// whose edits read the offset as row start + column, without bounds checks.
// Undo, OnChanged, validation and data binding still run inside Fyne.
type WrapEntry struct {
	widget.Entry

	lost    *lostCursor // a cursor offset Fyne's row and column cannot hold
	keyDown bool        // a key went down in this entry since it gained focus
}

// lostCursor is where the cursor really is, just after a space Fyne
// wrapped away; Fyne shows it one place before. It holds while the text
// and Fyne's cursor stay put (a resize that re-wraps the rows keeps it).
type lostCursor struct {
	off  int // runes from the start of the text
	text string
}

// NewWrapEntry makes a word-wrapped multi-line WrapEntry.
func NewWrapEntry() *WrapEntry {
	e := &WrapEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

// CursorOffset is the cursor's offset in runes, also where Fyne's row and
// column cannot show it.
func (e *WrapEntry) CursorOffset() int {
	if l := e.validLost(); l != nil {
		return l.off
	}
	return e.CursorTextOffset()
}

// TypedRune inserts r where the cursor really is.
func (e *WrapEntry) TypedRune(r rune) {
	if e.Disabled() {
		return
	}
	if r == ' ' && !e.keyDown && onDesktop() {
		// Space went down on another widget (a button) that moved the focus
		// here; only the character it typed arrives. It is not ours.
		e.keyDown = true
		return
	}
	e.keyDown = true
	e.eraseSelection()
	e.edit(func() { e.Entry.TypedRune(r) }, 1)
}

// TypedKey runs Backspace, Delete, Enter and cursor keys from where the
// cursor really is.
func (e *WrapEntry) TypedKey(k *fyne.KeyEvent) {
	if e.Disabled() {
		e.Entry.TypedKey(k)
		return
	}
	typed := func() { e.Entry.TypedKey(k) }
	selected := e.SelectedText() != ""
	switch {
	case selected && (k.Name == fyne.KeyBackspace || k.Name == fyne.KeyDelete):
		e.erase(typed)
	case selected && (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter):
		e.eraseSelection()
		e.edit(typed, 1)
	case selected:
		e.lost = nil
		typed()
	case k.Name == fyne.KeyBackspace:
		e.edit(typed, -1)
	case k.Name == fyne.KeyDelete:
		e.edit(typed, 0)
	case k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter:
		e.edit(typed, 1)
	default:
		l := e.validLost()
		r0, c0 := e.CursorRow, e.CursorColumn
		e.restore()
		r, c := e.CursorRow, e.CursorColumn
		typed()
		if l == nil || k.Name == fyne.KeyLeft || e.Text != l.text {
			return
		}
		// Keys Fyne ignores leave the cursor alone; Right, Down or End at
		// the end move it to where Fyne clamps it anyway. Keep it lost.
		if e.CursorRow == r && e.CursorColumn == c {
			e.CursorRow, e.CursorColumn = r0, c0
		}
		if e.CursorTextOffset() == l.off-1 {
			e.lost = l
		}
	}
}

// TypedShortcut pastes where the cursor really is, and leaves it in the
// right place after a cut.
func (e *WrapEntry) TypedShortcut(s fyne.Shortcut) {
	op := func() { e.Entry.TypedShortcut(s) }
	if _, cut := s.(*fyne.ShortcutCut); cut && !e.Disabled() && e.SelectedText() != "" {
		e.erase(op)
		return
	}
	p, ok := s.(*fyne.ShortcutPaste)
	if !ok || p.Clipboard == nil || e.Disabled() {
		e.lost = nil
		op()
		return
	}
	text := p.Clipboard.Content()
	if text == "" {
		if e.SelectedText() != "" {
			e.erase(op)
		}
		return
	}
	if !e.MultiLine {
		text = strings.ReplaceAll(text, "\n", " ")
	}
	e.eraseSelection()
	e.edit(op, len([]rune(text)))
}

// KeyDown notes that the keys reaching this entry were pressed in it.
func (e *WrapEntry) KeyDown(k *fyne.KeyEvent) {
	e.keyDown = true
	e.Entry.KeyDown(k)
}

// FocusGained starts watching for the first key pressed in this entry.
func (e *WrapEntry) FocusGained() {
	e.keyDown = false
	e.Entry.FocusGained()
}

// edit runs a Fyne edit at the real cursor offset and then puts the cursor
// at that offset plus move.
func (e *WrapEntry) edit(op func(), move int) {
	before := e.Text
	pos := e.restore()
	op()
	if e.Text != before {
		e.settle(pos + move)
	}
}

// eraseSelection deletes the selection, if any, before an edit that types
// over it. Fyne's own replace reads the cursor offset from a row it has
// just re-wrapped away, so it can insert far from the selection.
// OnChanged is left to the edit that follows.
func (e *WrapEntry) eraseSelection() {
	if e.SelectedText() == "" {
		return
	}
	cb := e.OnChanged
	e.OnChanged = nil
	defer func() { e.OnChanged = cb }()
	e.erase(func() { e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace}) })
}

// erase runs a Fyne edit that deletes the selection and puts the cursor
// where the selection began, when that place can be told from the text.
func (e *WrapEntry) erase(op func()) {
	e.lost = nil
	t0 := []rune(e.Text)
	n := len([]rune(e.SelectedText()))
	op()
	if a, ok := deletedAt(t0, []rune(e.Text), n); ok {
		e.settle(a)
	}
}

// validLost is the lost cursor, if the text and Fyne's cursor are unchanged.
func (e *WrapEntry) validLost() *lostCursor {
	l := e.lost
	if l != nil && (l.text != e.Text || e.CursorTextOffset() != l.off-1) {
		l = nil
	}
	e.lost = l
	return l
}

// restore returns the real cursor offset, setting Fyne's row and column to
// it (the column past the row's end if need be) for the next Fyne edit.
func (e *WrapEntry) restore() int {
	l := e.validLost()
	if l == nil {
		return e.CursorTextOffset()
	}
	e.CursorRow, e.CursorColumn = e.RowColFor(l.off)
	e.lost = nil
	return l.off
}

// settle puts the cursor at offset want. When Fyne cannot show it there,
// it shows it one place before, and WrapEntry remembers want.
func (e *WrapEntry) settle(want int) {
	e.lost = nil
	if e.CursorTextOffset() == want {
		return
	}
	e.CursorRow, e.CursorColumn = e.RowColFor(want)
	e.Refresh() // Fyne clamps a column past the row's end
	if e.CursorTextOffset() == want-1 {
		e.lost = &lostCursor{off: want, text: e.Text}
	}
}

// RowColFor is the last row starting at or before off, and off's column in
// it, which may lie past the row's end. It reads row starts through
// CursorTextOffset, which is a row's start plus the column, or the column
// alone past the last row. Spelling puts the cursor on a word it found by
// offset through it, as Fyne takes a cursor only as a row and column.
func (e *WrapEntry) RowColFor(off int) (row, col int) {
	r0, c0 := e.CursorRow, e.CursorColumn
	begin := 0
	for r := 1; ; r++ {
		e.CursorRow, e.CursorColumn = r, 0
		b := e.CursorTextOffset()
		if b == 0 || b > off {
			break
		}
		row, begin = r, b
	}
	e.CursorRow, e.CursorColumn = r0, c0
	return row, off - begin
}

// deletedAt finds the one place a where after == before[:a]+before[a+n:].
func deletedAt(before, after []rune, n int) (int, bool) {
	if n == 0 || len(after) != len(before)-n {
		return 0, false
	}
	cp := 0 // common prefix
	for cp < len(after) && before[cp] == after[cp] {
		cp++
	}
	cs := 0 // common suffix
	for cs < len(after) && before[len(before)-1-cs] == after[len(after)-1-cs] {
		cs++
	}
	// Any a from len(after)-cs to cp fits; they differ only when the
	// deleted text repeats next to itself, and then Fyne's cursor is kept.
	return cp, len(after)-cs == cp
}

// onDesktop reports whether keys come from a desktop keyboard, where every
// typed character follows a KeyDown to the focused widget. Tests replace it.
var onDesktop = func() bool {
	_, ok := fyne.CurrentApp().Driver().(desktop.Driver)
	return ok
}
