package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/desk"
	"app.galley/galley/internal/galley"
	"app.galley/galley/ui/internal/widgets"
)

// topicsTab edits the piece's topics: chips in order (the first is the
// primary topic) and an entry that completes from the vocabulary or
// creates a new topic on Enter.
type topicsTab struct {
	e        *editor
	chips    *fyne.Container
	entry    *topicEntry
	matches  *fyne.Container
	offered  []string // the suggested topics, in the order shown
	at       int      // the suggestion Down and Up have highlighted, -1 for none
	known    []galley.Topic
	content  fyne.CanvasObject
	primary  *widget.Label
	emptyTip *widget.Label
}

func newTopicsTab(e *editor) *topicsTab {
	t := &topicsTab{e: e, chips: container.New(&widgets.FlowLayout{}), matches: container.New(&widgets.FlowLayout{}), at: -1}
	t.entry = newTopicEntry(t)
	t.entry.SetPlaceHolder("Type a topic and press Enter, or Down to choose a matching topic below")
	t.entry.OnChanged = func(string) { t.suggest() }
	t.entry.OnSubmitted = func(s string) { t.add(s) }
	t.primary = widget.NewLabel("")
	t.primary.Importance = widget.LowImportance
	t.emptyTip = widget.NewLabel("No topics yet. The first topic is the piece's primary topic.")
	add := widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), func() { t.add(t.entry.Text) })
	t.content = container.NewVScroll(container.NewPadded(container.NewVBox(
		t.emptyTip, t.chips, t.primary, widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, add, t.entry), t.matches,
	)))
	return t
}

func (t *topicsTab) load(p *galley.Piece) {
	if list, err := t.e.d.lib.Topics(context.Background()); err == nil {
		t.known = list
	}
	t.entry.SetText("")
	t.rebuild()
}

// rebuild lays out one chip per topic, with buttons to move it earlier or
// later and to remove it.
func (t *topicsTab) rebuild() {
	p := t.e.piece
	t.chips.Objects = nil
	if p != nil {
		for i, name := range p.Topics {
			t.chips.Add(t.chip(i, name))
		}
	}
	t.chips.Refresh()
	if p == nil || len(p.Topics) == 0 {
		t.emptyTip.Show()
		t.primary.SetText("")
	} else {
		t.emptyTip.Hide()
		t.primary.SetText("Primary topic: " + p.Topics[0])
	}
	t.suggest()
}

func (t *topicsTab) chip(i int, name string) fyne.CanvasObject {
	n := len(t.e.piece.Topics)
	label := widget.NewLabel(name)
	if i == 0 {
		label.TextStyle.Bold = true
	}
	left := widgets.NewTapIcon(theme.NavigateBackIcon(), func() { t.move(i, i-1) })
	right := widgets.NewTapIcon(theme.NavigateNextIcon(), func() { t.move(i, i+1) })
	remove := widgets.NewTapIcon(theme.CancelIcon(), func() { t.remove(i) })
	if i == 0 {
		left.Disable()
	}
	if i == n-1 {
		right.Disable()
	}
	bg := canvasChipBackground()
	return container.NewStack(bg, container.NewHBox(left, label, right, remove))
}

// suggest offers vocabulary topics matching what is typed, not already on
// the piece; with nothing typed, the most used ones.
func (t *topicsTab) suggest() {
	t.matches.Objects = nil
	p := t.e.piece
	if p == nil {
		t.matches.Refresh()
		return
	}
	var keywords []string
	for _, ph := range p.Photos {
		keywords = append(keywords, ph.Keywords...)
	}
	t.offered, t.at = desk.SuggestTopics(t.known, p.Topics, keywords, t.entry.Text), -1
	for _, name := range t.offered {
		b := widget.NewButton(name, func() { t.add(name) })
		b.Importance = widget.LowImportance
		t.matches.Add(b)
	}
	t.matches.Refresh()
}

// highlight marks suggestion i, or none for -1, as Enter's choice.
func (t *topicsTab) highlight(i int) {
	t.at = i
	for j, o := range t.matches.Objects {
		b := o.(*widget.Button)
		want := widget.LowImportance
		if j == i {
			want = widget.HighImportance
		}
		if b.Importance != want {
			b.Importance = want
			b.Refresh()
		}
	}
}

// topicEntry is the topic entry: Down and Up move through the suggestions
// below it and Enter adds the highlighted one, so a topic is chosen
// without leaving the keyboard.
type topicEntry struct {
	widget.Entry
	t *topicsTab
}

var _ fyne.Widget = (*topicEntry)(nil)

func newTopicEntry(t *topicsTab) *topicEntry {
	e := &topicEntry{t: t}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey moves the highlight on Down and Up and adds the highlighted
// suggestion on Enter; other keys, and Enter with nothing highlighted,
// are the entry's.
func (e *topicEntry) TypedKey(k *fyne.KeyEvent) {
	t := e.t
	switch k.Name {
	case fyne.KeyDown:
		t.highlight(desk.StepHighlight(t.at, len(t.offered), 1))
		return
	case fyne.KeyUp:
		t.highlight(desk.StepHighlight(t.at, len(t.offered), -1))
		return
	case fyne.KeyEscape:
		if t.at >= 0 {
			t.highlight(-1)
			return
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if t.at >= 0 && t.at < len(t.offered) {
			t.add(t.offered[t.at])
			return
		}
	}
	e.Entry.TypedKey(k)
}

// add puts a topic on the piece: the vocabulary's spelling when it is
// known, else a new topic, created in the library when the piece is saved.
func (t *topicsTab) add(name string) {
	p := t.e.piece
	name = strings.Join(strings.Fields(name), " ")
	if p == nil || name == "" {
		return
	}
	if err := galley.CheckName("topic", name); err != nil {
		t.e.d.showError(err)
		return
	}
	key := galley.NameKey(name)
	for _, have := range p.Topics {
		if galley.NameKey(have) == key {
			t.entry.SetText("")
			return // already there
		}
	}
	isNew := true
	for _, k := range t.known {
		if galley.NameKey(k.Name) == key {
			name, isNew = k.Name, false
		}
	}
	p.Topics = append(p.Topics, name)
	if isNew {
		t.known = append(t.known, galley.Topic{Name: name})
		t.e.vocab = true
	}
	t.entry.SetText("")
	t.rebuild()
	t.e.changed()
	t.e.d.win.Canvas().Focus(t.entry)
}

func (t *topicsTab) move(from, to int) {
	p := t.e.piece
	if p == nil || to < 0 || to >= len(p.Topics) {
		return
	}
	moveItem(p.Topics, from, to)
	t.rebuild()
	t.e.changed()
}

func (t *topicsTab) remove(i int) {
	p := t.e.piece
	if p == nil || i >= len(p.Topics) {
		return
	}
	p.Topics = removeItem(p.Topics, i)
	t.rebuild()
	t.e.changed()
}

// canvasChipBackground is the rounded fill behind a chip.
func canvasChipBackground() fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.CornerRadius = theme.InputRadiusSize()
	return r
}
