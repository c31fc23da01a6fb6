package widgets

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// A growing area shows its rows while short, more lines as its text
// takes them, and no more than its maximum however long the text.
func TestTextAreaGrowsWithItsTextUpToItsMaximum(t *testing.T) {
	test.NewTempApp(t)
	a := NewTextArea(2, "").Growing(5)
	w := test.NewWindow(a)
	defer w.Close()
	w.Resize(fyne.NewSize(240, 600))
	two, five := NewTextArea(2, "").MinSize().Height, NewTextArea(5, "").MinSize().Height
	if got := a.MinSize().Height; got != two {
		t.Errorf("empty: %v high, want two lines (%v)", got, two)
	}
	a.SetText(strings.Repeat(prose, 3))
	if got := a.MinSize().Height; got != five {
		t.Errorf("long: %v high, want five lines (%v)", got, five)
	}
	a.SetText("A line.")
	if got := a.MinSize().Height; got != two {
		t.Errorf("short again: %v high, want two lines (%v)", got, two)
	}
}

// The owner sees a shortcut before the entry does, and Tab is not typed.
func TestTextAreaOwnerHandlesShortcutsFirst(t *testing.T) {
	test.NewTempApp(t)
	a := NewTextArea(2, "")
	seen := 0
	a.OnShortcut = func(s fyne.Shortcut) bool {
		seen++
		_, paste := s.(*fyne.ShortcutPaste)
		return !paste
	}
	clip := test.NewClipboard()
	clip.SetContent("pasted")
	a.TypedShortcut(&fyne.ShortcutSelectAll{})
	a.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
	if seen != 2 || a.Text != "pasted" {
		t.Errorf("owner saw %d shortcuts, text %q", seen, a.Text)
	}
	if a.AcceptsTab() {
		t.Error("the area takes Tab as text")
	}
}

// OnBlur runs once the cursor leaves, for a text area and a line entry.
func TestEntriesTellTheirOwnerWhenTheCursorLeaves(t *testing.T) {
	test.NewTempApp(t)
	area, line, other := NewTextArea(2, ""), NewLineEntry("", ""), NewLineEntry("", "")
	left := map[string]int{}
	area.OnBlur = func() { left["area"]++ }
	line.OnBlur = func() { left["line"]++ }
	w := test.NewWindow(container.NewVBox(area, line, other))
	defer w.Close()
	c := w.Canvas()
	c.Focus(area)
	c.Focus(line)
	c.Focus(other)
	if left["area"] != 1 || left["line"] != 1 {
		t.Errorf("left: %v", left)
	}
}
