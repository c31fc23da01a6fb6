package widgets

import (
	"math/rand/v2"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

const prose = "Over the past several weeks the committee received briefings that the United States and its allies were preparing a joint statement on maritime security. " +
	"Officials said the draft had been circulated to member states, and that a final version would be ready before the summit. " +
	"Several delegations asked for more time to review the language, citing concerns about enforcement and the role of regional bodies in future meetings. "

var widths = []float32{180, 250, 370, 375}

// newShown puts a WrapEntry alone in a test window width wide, focused.
func newShown(t *testing.T, width float32) (*WrapEntry, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	e := NewWrapEntry()
	w := test.NewWindow(e)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(width, 300))
	w.Canvas().Focus(e)
	return e, w
}

// typeChecked types s key by key at the cursor, checking text, cursor and
// OnChanged after every key. It returns the text expected.
func typeChecked(t *testing.T, e *WrapEntry, s string) {
	t.Helper()
	calls, last := 0, ""
	e.OnChanged = func(s string) { calls++; last = s }
	for _, r := range s {
		text := []rune(e.Text)
		pos := e.CursorOffset()
		want := string(text[:pos]) + string(r) + string(text[pos:])
		n := calls
		e.TypedRune(r)
		if e.Text != want {
			t.Fatalf("after %q:\n got %q\nwant %q", r, e.Text, want)
		}
		if got := e.CursorOffset(); got != pos+1 {
			t.Fatalf("after %q at %d: cursor %d, want %d", r, pos, got, pos+1)
		}
		if calls != n+1 || last != want {
			t.Fatalf("after %q: OnChanged ran %d times with %q", r, calls-n, last)
		}
	}
}

func TestWrapEntryTypesProse(t *testing.T) {
	for _, width := range widths {
		e, _ := newShown(t, width)
		typeChecked(t, e, prose)
		if e.Text != prose {
			t.Errorf("width %v: got %q", width, e.Text)
		}
	}
}

func TestWrapEntryTestType(t *testing.T) {
	for _, width := range widths {
		e, _ := newShown(t, width)
		test.Type(e, prose)
		if e.Text != prose || e.CursorOffset() != len([]rune(prose)) {
			t.Errorf("width %v: cursor %d got %q", width, e.CursorOffset(), e.Text)
		}
	}
}

// The space that wraps can also end a paragraph with more text after it.
func TestWrapEntryTypesBeforeNewline(t *testing.T) {
	const tail = "\n\nNext paragraph stays put."
	for _, width := range widths {
		e, _ := newShown(t, width)
		e.SetText(tail)
		e.CursorRow, e.CursorColumn = 0, 0
		typeChecked(t, e, prose[:300])
		if e.Text != prose[:300]+tail {
			t.Errorf("width %v: got %q", width, e.Text)
		}
	}
}

// lostAt types prose until the cursor sits after a space Fyne cannot show
// it after, and returns the text typed.
func lostAt(t *testing.T, e *WrapEntry) (string, bool) {
	t.Helper()
	for i, r := range prose {
		e.TypedRune(r)
		if e.lost != nil {
			return prose[:i+1], true
		}
	}
	t.Logf("width %v: no space fell at a wrap", e.Size().Width)
	return "", false
}

func key(e *WrapEntry, k fyne.KeyName) { e.TypedKey(&fyne.KeyEvent{Name: k}) }

func TestWrapEntryKeysAtWrappedSpace(t *testing.T) {
	for _, width := range widths {
		e, w := newShown(t, width)
		typed, ok := lostAt(t, e)
		if !ok {
			continue
		}
		if !strings.HasSuffix(typed, " ") {
			t.Fatalf("lost after %q", typed)
		}
		n := len([]rune(typed))

		calls := 0
		e.OnChanged = func(string) { calls++ }
		key(e, fyne.KeyBackspace) // deletes the space, not the letter before it
		if e.Text != typed[:len(typed)-1] || e.CursorOffset() != n-1 || calls != 1 {
			t.Fatalf("width %v backspace: %q cursor %d calls %d", width, e.Text, e.CursorOffset(), calls)
		}
		e.TypedRune(' ')
		key(e, fyne.KeyRight) // at the end: stays after the space
		key(e, fyne.KeyEnd)
		w.Resize(fyne.NewSize(width+1, 301)) // a re-layout keeps it
		w.Resize(fyne.NewSize(width, 300))
		e.KeyDown(&fyne.KeyEvent{Name: fyne.KeyX}) // the driver sends these before the rune
		key(e, fyne.KeyX)
		e.TypedRune('x')
		if e.Text != typed+"x" {
			t.Fatalf("width %v right/end: %q", width, e.Text)
		}
		key(e, fyne.KeyBackspace)
		key(e, fyne.KeyLeft) // goes to just before the space
		e.TypedRune('y')
		if e.Text != typed[:len(typed)-1]+"y " || e.CursorOffset() != n {
			t.Fatalf("width %v left: %q cursor %d", width, e.Text, e.CursorOffset())
		}
		key(e, fyne.KeyDelete) // deletes the space after the cursor
		if e.Text != typed[:len(typed)-1]+"y" {
			t.Fatalf("width %v delete: %q", width, e.Text)
		}
		key(e, fyne.KeyBackspace)
		e.TypedRune(' ')
		if e.Text != typed || e.lost == nil {
			t.Fatalf("width %v: not lost again: %q", width, e.Text)
		}
		key(e, fyne.KeyReturn)
		e.TypedRune('z')
		if e.Text != typed+"\nz" || e.CursorOffset() != n+2 {
			t.Fatalf("width %v enter: %q cursor %d", width, e.Text, e.CursorOffset())
		}
		key(e, fyne.KeyBackspace)
		key(e, fyne.KeyBackspace)
		if e.Text != typed {
			t.Fatalf("width %v: %q", width, e.Text)
		}

		// Paste at the lost cursor, once, with one OnChanged.
		cb := fyne.CurrentApp().Clipboard()
		cb.SetContent("pasted words ")
		calls = 0
		e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
		if e.Text != typed+"pasted words " || calls != 1 {
			t.Fatalf("width %v paste: %q calls %d", width, e.Text, calls)
		}
		e.TypedRune('!')
		if e.Text != typed+"pasted words !" {
			t.Fatalf("width %v after paste: %q", width, e.Text)
		}

		// Up then Down and typing still work.
		key(e, fyne.KeyUp)
		key(e, fyne.KeyDown)
		key(e, fyne.KeyEnd)
		e.TypedRune('.')
		if e.Text != typed+"pasted words !." {
			t.Fatalf("width %v up/down: %q", width, e.Text)
		}
	}
}

func TestWrapEntrySelection(t *testing.T) {
	for _, width := range widths {
		e, _ := newShown(t, width)
		typed, ok := lostAt(t, e)
		if !ok {
			continue
		}
		e.TypedRune('b') // "… ready b"
		// Shift+Left selects the b; a space replaces it and the cursor
		// ends after that space, where Fyne cannot show it.
		e.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
		key(e, fyne.KeyLeft)
		e.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
		if e.SelectedText() != "b" {
			t.Fatalf("width %v: selected %q", width, e.SelectedText())
		}
		calls := 0
		e.OnChanged = func(string) { calls++ }
		e.TypedRune(' ')
		e.OnChanged = nil
		e.TypedRune('c')
		if e.Text != typed+" c" || calls != 1 {
			t.Fatalf("width %v: %q calls %d", width, e.Text, calls)
		}
		// Select all and type over it.
		e.TypedShortcut(&fyne.ShortcutSelectAll{})
		e.TypedRune('Q')
		if e.Text != "Q" || e.CursorOffset() != 1 {
			t.Fatalf("width %v select all: %q", width, e.Text)
		}
	}
}

// A space pressed on a button that moves the focus into an entry arrives
// there as a bare TypedRune(' '), with no KeyDown in the entry.
func TestSpaceOnButtonDoesNotType(t *testing.T) {
	defer func(f func() bool) { onDesktop = f }(onDesktop)
	onDesktop = func() bool { return true } // the test driver is not a desktop one

	test.NewTempApp(t)
	plain := widget.NewMultiLineEntry()
	e := NewWrapEntry()
	var target fyne.Focusable
	w := test.NewWindow(nil)
	defer w.Close()
	c := w.Canvas()
	add := widget.NewButton("Add question", func() { c.Focus(target) })
	w.SetContent(container.NewVBox(add, plain, e))

	press := func() { // what the GLFW driver does for one Space key press
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		c.Focused().TypedRune(' ')
	}
	target = plain
	c.Focus(add)
	press()
	if plain.Text != " " {
		t.Errorf("plain entry: %q (expected the bug)", plain.Text)
	}
	target = e
	c.Focus(add)
	press()
	if e.Text != "" || c.Focused() != e {
		t.Errorf("WrapEntry got %q", e.Text)
	}
	// A space typed in the entry itself is kept.
	e.KeyDown(&fyne.KeyEvent{Name: fyne.KeySpace})
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	e.TypedRune(' ')
	if e.Text != " " {
		t.Errorf("typed space: %q", e.Text)
	}
}

// Every width from 40 to 300: text and cursor right after every key.
func TestWrapEntrySweep(t *testing.T) {
	const s = "one two three four five six seven eight nine ten eleven twelve"
	test.NewTempApp(t)
	for width := float32(40); width <= 300; width++ {
		e := NewWrapEntry()
		w := test.NewWindow(e)
		w.Resize(fyne.NewSize(width, 300))
		typeChecked(t, e, s)
		w.Close()
	}
}

// Random typing, Backspace, Delete, Enter and clicks, against a plain
// string and offset.
func TestWrapEntryRandom(t *testing.T) {
	test.NewTempApp(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, width := range []float32{60, 80, 120, 180, 250} {
		e := NewWrapEntry()
		w := test.NewWindow(e)
		w.Resize(fyne.NewSize(width, 300))
		text, pos, lost := []rune{}, 0, 0
		for i := 0; i < 800; i++ {
			if e.lost != nil {
				lost++
			}
			n := rng.IntN(100)
			if len(text) > 200 && n < 60 {
				n += 20 // delete more than type once long
			}
			switch {
			case n < 60:
				r := rune('a' + rng.IntN(6))
				if n < 12 {
					r = ' '
				}
				e.TypedRune(r)
				text = append(text[:pos], append([]rune{r}, text[pos:]...)...)
				pos++
			case n < 80:
				key(e, fyne.KeyBackspace)
				if pos > 0 {
					text = append(text[:pos-1], text[pos:]...)
					pos--
				}
			case n < 88:
				key(e, fyne.KeyDelete)
				if pos < len(text) {
					text = append(text[:pos], text[pos+1:]...)
				}
			case n < 90:
				key(e, fyne.KeyReturn)
				text = append(text[:pos], append([]rune{'\n'}, text[pos:]...)...)
				pos++
			default: // click somewhere Fyne can show, mostly a line's end
				off := rng.IntN(len(text) + 1)
				if rng.IntN(2) == 0 {
					off = len(text)
				}
				for rng.IntN(5) > 0 && off < len(text) && text[off] != '\n' {
					off++
				}
				e.CursorRow, e.CursorColumn = e.RowColFor(off)
				e.Refresh()
				pos = e.CursorTextOffset()
			}
			if e.Text != string(text) || e.CursorOffset() != pos {
				t.Fatalf("width %v op %d: cursor %d want %d\n got %q\nwant %q", width, i, e.CursorOffset(), pos, e.Text, string(text))
			}
		}
		t.Logf("width %v: %d keys pressed at a cursor Fyne could not show", width, lost)
		w.Close()
	}
}

// TextArea embeds the entry and extends itself.
type area struct {
	WrapEntry
	rows int
}

func TestWrapEntryEmbedded(t *testing.T) {
	test.NewTempApp(t)
	a := &area{rows: 3}
	a.MultiLine = true
	a.Wrapping = fyne.TextWrapWord
	a.ExtendBaseWidget(a)
	w := test.NewWindow(a)
	defer w.Close()
	w.Resize(fyne.NewSize(180, 300))
	w.Canvas().Focus(a)
	for _, r := range prose {
		w.Canvas().Focused().TypedRune(r)
	}
	if a.Text != prose {
		t.Errorf("got %q", a.Text)
	}
}
