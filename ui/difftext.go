package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// changeText shows a word-level difference as an editor reads a marked-up
// proof: removed words struck through, added words on a highlight, the
// words around them as they are, wrapped between words at the width it
// is given. Fyne's RichText has no strike-through, and the segments one
// could draw it with are never wrapped, hence a widget of its own.
type changeText struct {
	widget.BaseWidget
	changes []galley.TextChange
}

var _ fyne.Widget = (*changeText)(nil)

func newChangeText(changes []galley.TextChange) *changeText {
	c := &changeText{changes: changes}
	c.ExtendBaseWidget(c)
	return c
}

// String spells the difference with its marks, [-removed-]{+added+}, for
// tests and for the accessibility of a log line.
func (c *changeText) String() string {
	var b strings.Builder
	for _, ch := range c.changes {
		switch ch.Op {
		case galley.Added:
			b.WriteString("{+" + ch.Text + "+}")
		case galley.Removed:
			b.WriteString("[-" + ch.Text + "-]")
		default:
			b.WriteString(ch.Text)
		}
	}
	return b.String()
}

func (c *changeText) CreateRenderer() fyne.WidgetRenderer {
	r := &changeTextRenderer{c: c}
	r.build()
	return r
}

// Resize lays the words out again and, when the number of lines changed,
// asks the container for the new height.
func (c *changeText) Resize(size fyne.Size) {
	before := c.MinSize()
	c.BaseWidget.Resize(size)
	if c.MinSize() != before {
		c.Refresh()
	}
}

// changeToken is one word or run of white space with what happened to it.
type changeToken struct {
	op    galley.ChangeOp
	text  string // a word, or white space ("\n" breaks the line)
	space bool
	gap   bool // the gap left between removed words and the added ones replacing them
}

// changeTokens splits the difference into words and white space. Between
// a removed stretch and the added one right after it goes a gap, so the
// two are never drawn touching ("AgendaTalks").
func changeTokens(changes []galley.TextChange) []changeToken {
	var out []changeToken
	for i, ch := range changes {
		if i > 0 && ch.Op == galley.Added && changes[i-1].Op == galley.Removed {
			out = append(out, changeToken{op: galley.Kept, text: " ", space: true, gap: true})
		}
		for _, w := range splitSpaces(ch.Text) {
			out = append(out, changeToken{op: ch.Op, text: w, space: strings.TrimSpace(w) == ""})
		}
	}
	return out
}

// splitSpaces cuts s into words and runs of white space, each line break
// a token of its own.
func splitSpaces(s string) []string {
	var out []string
	start := 0
	kind := func(r rune) int {
		switch {
		case r == '\n':
			return 2
		case r == ' ' || r == '\t' || r == '\r' || r == '\u00a0':
			return 1
		}
		return 0
	}
	prev := -1
	for i, r := range s {
		k := kind(r)
		if i > start && (k != prev || k == 2) {
			out = append(out, s[start:i])
			start = i
		}
		prev = k
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

type changeTextRenderer struct {
	c       *changeText
	tokens  []changeToken
	texts   []*canvas.Text      // per token; nil for white space
	marks   []fyne.CanvasObject // per token: a strike line, a highlight, or nil
	objects []fyne.CanvasObject
}

func (r *changeTextRenderer) build() {
	th := r.c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	size := th.Size(theme.SizeNameText)
	r.tokens = changeTokens(r.c.changes)
	r.texts = make([]*canvas.Text, len(r.tokens))
	r.marks = make([]fyne.CanvasObject, len(r.tokens))
	var highlights, words []fyne.CanvasObject
	for i, t := range r.tokens {
		var fg color.Color = th.Color(theme.ColorNameForeground, v)
		switch t.op {
		case galley.Removed:
			fg = th.Color(theme.ColorNameError, v)
			line := canvas.NewLine(fg)
			line.StrokeWidth = max(1, size/12)
			r.marks[i] = line
			words = append(words, line)
		case galley.Added:
			if t.text != "\n" {
				bg := canvas.NewRectangle(highlightColor(th.Color(theme.ColorNameSuccess, v)))
				r.marks[i] = bg
				highlights = append(highlights, bg)
			}
		}
		if !t.space {
			text := canvas.NewText(t.text, fg)
			text.TextSize = size
			r.texts[i] = text
			words = append(words, text)
		}
	}
	// Highlights go under every word, so a highlight never covers the
	// end of the word before it.
	r.objects = append(highlights, words...)
}

// highlightColor is the success colour made faint enough that text in
// the foreground colour keeps its contrast on it.
func highlightColor(c color.Color) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = 0x48
	return n
}

// place lays the tokens out at width w (none when w is 0), calling at for
// each with its place, and returns the size taken.
func (r *changeTextRenderer) place(w float32, at func(i int, pos fyne.Position, size fyne.Size)) fyne.Size {
	th := r.c.Theme()
	size := th.Size(theme.SizeNameText)
	pad := th.Size(theme.SizeNameInnerPadding)
	space := fyne.MeasureText(" ", size, fyne.TextStyle{})
	lineHeight := space.Height
	x, y, widest := pad, pad, float32(0)
	for i, t := range r.tokens {
		var sz fyne.Size
		switch {
		case t.text == "\n":
			x, y = pad, y+lineHeight
			continue
		case t.space:
			n := len([]rune(strings.ReplaceAll(t.text, "\t", "    ")))
			sz = fyne.NewSize(space.Width*float32(n), lineHeight)
			if x == pad && !t.gap && i > 0 && r.tokens[i-1].text != "\n" {
				// A wrapped line starts with its first word, not the
				// space that ended the line before.
				continue
			}
		default:
			sz = fyne.MeasureText(t.text, size, fyne.TextStyle{})
			if w > 0 && x > pad && x+sz.Width > w-pad {
				x, y = pad, y+lineHeight
			}
		}
		if at != nil {
			at(i, fyne.NewPos(x, y), sz)
		}
		x += sz.Width
		widest = max(widest, x)
	}
	if len(r.tokens) == 0 {
		return fyne.NewSize(2*pad, lineHeight+2*pad)
	}
	return fyne.NewSize(widest+pad, y+lineHeight+pad)
}

func (r *changeTextRenderer) Layout(size fyne.Size) {
	for _, m := range r.marks {
		if m != nil {
			m.Hide()
		}
	}
	// A run of marked words on one line gets one strike line or one
	// highlight: pieces laid side by side show seams where they meet.
	var run fyne.CanvasObject
	var runOp galley.ChangeOp
	var runStart fyne.Position
	r.place(size.Width, func(i int, pos fyne.Position, sz fyne.Size) {
		if t := r.texts[i]; t != nil {
			t.Move(pos)
			t.Resize(sz)
		}
		m := r.marks[i]
		if m == nil {
			run = nil
			return
		}
		if run == nil || runOp != r.tokens[i].op || runStart.Y != pos.Y {
			run, runOp, runStart = m, r.tokens[i].op, pos
			m.Show()
		}
		end := pos.X + sz.Width
		switch m := run.(type) {
		case *canvas.Line:
			// Through the middle of the lower-case letters.
			mid := pos.Y + sz.Height*0.55
			m.Position1 = fyne.NewPos(runStart.X, mid)
			m.Position2 = fyne.NewPos(end, mid)
		case *canvas.Rectangle:
			m.Move(runStart)
			m.Resize(fyne.NewSize(end-runStart.X, sz.Height))
		}
	})
}

// MinSize is as narrow as the widest word, so the words wrap to whatever
// width the window gives, and as tall as they need at the present width.
func (r *changeTextRenderer) MinSize() fyne.Size {
	s := r.place(r.c.Size().Width, nil)
	th := r.c.Theme()
	size := th.Size(theme.SizeNameText)
	widest := float32(0)
	for _, t := range r.tokens {
		if !t.space {
			widest = max(widest, fyne.MeasureText(t.text, size, fyne.TextStyle{}).Width)
		}
	}
	s.Width = widest + 2*th.Size(theme.SizeNameInnerPadding)
	return s
}

func (r *changeTextRenderer) Refresh() {
	r.build()
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func (r *changeTextRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *changeTextRenderer) Destroy() {}
