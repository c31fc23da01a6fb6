package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// Filter choices meaning "do not filter".
const (
	allStatuses = "All statuses"
	allTypes    = "All types"
	allTopics   = "All topics"
)

// shelf is the library side of the desk: search, filters and the list of
// pieces, fed page by page so 100,000 pieces cost no more than a hundred.
type shelf struct {
	d       *Desk
	pages   *pager
	search  *widget.Entry
	status  *widget.Select
	typ     *widget.Select
	topic   *widget.Select
	list    *widget.List
	count   *widget.Label
	undo    *widget.Button
	none    *widget.Label   // in place of the list when it is empty: why
	noneBox *fyne.Container // none and what can be done about it
	clear   *widget.Button  // clears the search and filters that found nothing
	sample  *widget.Button  // adds the sample pieces to an empty library
	content fyne.CanvasObject

	deleted  *deletedPiece // the last piece deleted, kept for Undo
	quiet    bool          // set while the list is selected from code
	at       int           // the row of the open piece, or -1
	gen      int           // bumped by every reload, so a late first look is not shown over it
	vocabGen int           // bumped by every vocabulary shown, for the same reason
	ready    chan struct{} // closed when the library being opened is on the shelf
	stale    bool          // the library changed while it was being opened: list it again then
	clearing bool          // the search and filters are being cleared from code
}

func newShelf(d *Desk) *shelf {
	s := &shelf{d: d, pages: newPager(d.lib), search: widget.NewEntry(), count: widget.NewLabel(""), at: -1}
	s.search.SetPlaceHolder("Search titles, answers, captions, people, topics…")
	s.search.OnChanged = func(string) { s.reload() }
	statuses := []string{allStatuses}
	for _, st := range galley.Statuses {
		statuses = append(statuses, statusLabel(st))
	}
	s.status = widget.NewSelect(statuses, func(string) { s.reload() })
	s.status.SetSelectedIndex(0)
	s.typ = widget.NewSelect([]string{allTypes}, func(string) { s.reload() })
	s.typ.SetSelectedIndex(0)
	s.topic = widget.NewSelect([]string{allTopics}, func(string) { s.reload() })
	s.topic.SetSelectedIndex(0)
	s.typ.OnChanged = func(string) { s.reload() }

	// Through a closure: opening another library replaces the pager.
	s.list = widget.NewList(func() int { return s.pages.Len() }, newSummaryRow, s.updateRow)
	s.list.OnSelected = s.selected
	s.undo = widget.NewButton("Undo delete", s.undoDelete)
	s.undo.Hide()
	newPiece := widget.NewButton("New piece", d.editor.newPiece)
	newPiece.Importance = widget.HighImportance

	s.none = widget.NewLabel("")
	s.none.Alignment = fyne.TextAlignCenter
	s.none.Wrapping = fyne.TextWrapWord
	s.clear = widget.NewButton("Clear the search and filters", s.clearFilters)
	s.sample = widget.NewButton("Add the sample pieces", func() { d.addSample(nil) })
	s.noneBox = container.NewVBox(layout.NewSpacer(), s.none, container.NewCenter(container.NewHBox(s.clear, s.sample)), layout.NewSpacer())
	s.noneBox.Hide()

	filters := container.NewGridWithColumns(3, s.status, s.typ, s.topic)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, newPiece, s.search), filters)
	// The line under the list wraps rather than widening the shelf: a long
	// title in "Moved … to the trash." pushed the divider over the piece.
	s.count.Wrapping = fyne.TextWrapWord
	bottom := container.NewBorder(nil, nil, nil, s.undo, s.count)
	s.content = container.NewBorder(top, bottom, nil, nil, container.NewStack(s.list, s.noneBox))
	return s
}

// filtered reports whether a search or a filter narrows the list.
func (s *shelf) filtered() bool {
	f := s.filter()
	return strings.TrimSpace(f.Query) != "" || f.Status != "" || f.Type != "" || f.Topic != ""
}

// showNone says, in place of an empty list, why it is empty: nothing
// matches the search (and how to see everything again), or the library
// holds no pieces yet.
func (s *shelf) showNone(empty bool) {
	if !empty {
		s.noneBox.Hide()
		return
	}
	if s.filtered() {
		s.none.SetText("No pieces match the search and filters.")
		s.clear.Show()
		s.sample.Hide()
	} else {
		s.none.SetText("The library has no pieces yet.\nStart one with New piece (Ctrl+N).")
		s.clear.Hide()
		if s.d.canAddSample() {
			s.none.SetText("The library has no pieces yet.\nStart one with New piece (Ctrl+N), or add the sample pieces to see finished ones.")
			s.sample.Show()
		} else {
			s.sample.Hide()
		}
	}
	s.noneBox.Show()
}

// clearFilters shows every piece again.
func (s *shelf) clearFilters() {
	s.clearing = true
	s.search.SetText("")
	s.status.SetSelectedIndex(0)
	s.typ.SetSelectedIndex(0)
	s.topic.SetSelectedIndex(0)
	s.clearing = false
	s.reload()
}

// open puts lib on the shelf. The window does not wait for the library:
// its count, first rows and vocabulary are read in the background and
// shown when they arrive, then the newest piece is opened unless the
// editor has started one meanwhile. A library of 100,000 pieces, or one on
// a slow or cold disk, opens its window as quickly as an empty one, and
// the window answers while the library is read.
func (s *shelf) open(lib Library) {
	// The search and filters of the library before mean nothing here.
	s.clearing = true
	s.search.SetText("")
	s.status.SetSelectedIndex(0)
	setOptions(s.typ, []string{allTypes})
	setOptions(s.topic, []string{allTopics})
	s.clearing = false
	s.d.vocab = galley.Vocabulary{}
	s.pages = newPager(lib)
	s.gen++
	s.vocabGen++
	gen, vocabGen, libGen, f := s.gen, s.vocabGen, s.d.libGen, s.filter()
	ready := make(chan struct{})
	s.ready = ready
	s.list.UnselectAll()
	s.at = -1
	s.list.Refresh()
	s.count.SetText("Opening the library…")
	s.noneBox.Hide()
	g := s.d.jobs
	started := g.start(func(context.Context) {
		first := newPager(lib)
		err := first.Reset(f)
		if err == nil && first.Len() > 0 {
			_, err = first.Item(0) // the first page, read here rather than while the rows are drawn
		}
		vocab, vocabErr := lib.Vocabulary(context.Background())
		g.do(func() {
			defer close(ready)
			if s.d.libGen != libGen {
				return // another library replaced it meanwhile
			}
			defer func() {
				if s.stale {
					s.stale = false
					s.reload()
				}
			}()
			if s.vocabGen == vocabGen && vocabErr == nil {
				s.showChoices(vocab, nil) // unless a save has shown a newer one
			}
			if s.gen != gen {
				return // the editor searched, filtered or saved meanwhile: that list stands
			}
			first.lib = s.d.lib // read-only by now if the check found damage
			s.pages = first
			if err == nil {
				err = vocabErr
			}
			s.showCount(err)
			s.list.Refresh()
			if s.d.editor.piece == nil && first.Len() > 0 {
				// Open the piece the editor last had open in this library,
				// else the newest, so the desk never greets with a blank
				// page.
				if id := s.d.lastPiece(); id > 0 {
					if en, ok := s.d.kept(id); ok {
						s.d.editor.loadKept(en)
						s.reselect(-1)
						return
					}
					if p, err := s.d.lib.Piece(context.Background(), id); err == nil {
						s.d.editor.load(p)
						s.reselect(-1)
						return
					}
				}
				s.list.Select(0)
				return
			}
			s.reselect(-1)
		})
	})
	if !started {
		close(ready) // the desk is letting go of lib: there is nothing to wait for
	}
}

// statusLabel is how a status reads in menus: "Draft", "Published".
func statusLabel(st galley.Status) string {
	return strings.ToUpper(string(st[:1])) + string(st[1:])
}

// filter is what the search field and the three filters ask for.
func (s *shelf) filter() galley.Filter {
	f := galley.Filter{Query: s.search.Text}
	for _, st := range galley.Statuses {
		if s.status.Selected == statusLabel(st) {
			f.Status = st
		}
	}
	if s.typ.Selected != allTypes {
		f.Type = s.typ.Selected
	}
	if s.topic.Selected != allTopics {
		f.Topic = s.topic.Selected
	}
	return f
}

// refreshChoices reads the vocabulary again and fills the type and topic
// filters from it, keeping what is chosen when it still exists.
func (s *shelf) refreshChoices() {
	s.showChoices(s.d.lib.Vocabulary(context.Background()))
}

// showChoices fills the type and topic filters from a vocabulary read.
func (s *shelf) showChoices(v galley.Vocabulary, err error) {
	if err != nil {
		s.count.SetText(galley.ErrorMessage(err))
		return
	}
	s.vocabGen++
	s.d.vocab = v
	setOptions(s.typ, append([]string{allTypes}, v.Types...))
	setOptions(s.topic, append([]string{allTopics}, v.Topics...))
}

// setOptions replaces a filter's choices without firing its OnChanged when
// the chosen one survives.
func setOptions(sel *widget.Select, options []string) {
	keep := sel.Selected
	sel.Options = options
	found := false
	for _, o := range options {
		found = found || o == keep
	}
	if !found {
		sel.SetSelectedIndex(0)
	}
	sel.Refresh()
}

// reload runs the search and filters again (after a keystroke, a filter
// change, or a save that may have moved the open piece in the list or out
// of it) and keeps the open piece highlighted where it now is.
// changed lists the library again after a change the editor did not
// make on this desk (changes kept offline, saved as the library opened).
// While the library is still being opened it waits for that, so the
// first look still opens a piece.
func (s *shelf) changed() {
	select {
	case <-s.ready:
		s.reload()
	default:
		s.stale = true
	}
}

func (s *shelf) reload() {
	if s.pages == nil || s.list == nil || s.clearing {
		return // still being built, or cleared for another library
	}
	s.gen++
	s.showCount(s.pages.Reset(s.filter()))
	s.list.Refresh()
	s.reselect(s.at)
}

// showCount says under the list how many pieces it holds, or why it could
// not be read.
func (s *shelf) showCount(err error) {
	s.showNone(err == nil && s.pages.Len() == 0)
	if err != nil {
		s.count.SetText(galley.ErrorMessage(err))
	} else if s.pages.capped {
		s.count.SetText(fmt.Sprintf("The newest %s of more than %s matches", grouped(searchCap), grouped(searchCap)))
	} else {
		s.count.SetText(plural(s.pages.Len(), "piece"))
	}
}

// reselect highlights the open piece: at row hint if it is still there
// (the list does not move), else wherever it is among the first rows,
// else nowhere.
func (s *shelf) reselect(hint int) {
	s.quiet = true
	defer func() { s.quiet = false }()
	p := s.d.editor.piece
	if hint < 0 {
		hint = s.at
	}
	try := func(i int) bool {
		if i < 0 || i >= s.pages.Len() {
			return false
		}
		row, err := s.pages.Item(i)
		if err != nil || row.ID != p.ID {
			return false
		}
		s.list.Select(i)
		s.at = i
		return true
	}
	if p != nil && p.ID != 0 {
		if try(hint) {
			return
		}
		for i := 0; i < min(s.pages.Len(), pageSize); i++ {
			if try(i) {
				return
			}
		}
	}
	s.list.UnselectAll()
	s.at = -1
}

func (s *shelf) selected(id widget.ListItemID) {
	if s.quiet {
		return
	}
	row, err := s.pages.Item(id)
	if err != nil {
		s.count.SetText(galley.ErrorMessage(err))
		return
	}
	s.at = id
	if !s.d.editor.open(row.ID) {
		// The piece on the desk could not be saved; it stays open.
		s.reselect(-1)
	}
}

func (s *shelf) focusSearch() { s.d.win.Canvas().Focus(s.search) }

// newSummaryRow makes one reusable list row: the title above a line with
// type, date and status.
func newSummaryRow() fyne.CanvasObject {
	title := widget.NewLabel("Title")
	title.TextStyle.Bold = true
	title.Truncation = fyne.TextTruncateEllipsis
	meta := widget.NewLabel("Type · date · status")
	meta.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(title, meta)
}

func (s *shelf) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	row := o.(*fyne.Container)
	title, meta := row.Objects[0].(*widget.Label), row.Objects[1].(*widget.Label)
	sum, err := s.pages.Item(id)
	if err != nil {
		title.SetText("(could not load)")
		meta.SetText(galley.ErrorMessage(err))
		return
	}
	title.SetText(sum.Title)
	line := summaryLine(sum)
	if names := s.d.openBy(sum.ID, false); len(names) > 0 {
		line += " · open by " + strings.Join(names, ", ")
	}
	meta.SetText(line)
}

func summaryLine(s galley.Summary) string {
	line := ""
	if s.Type != "" {
		line = s.Type + " · "
	}
	if !s.Published.IsZero() {
		line += s.Published.Time().Format(shelfDateLayout) + " · "
	} else {
		line += "undated · "
	}
	return line + string(s.Status)
}

// plural counts n of word, "1 piece", "2,000 pieces".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return grouped(n) + " " + word + "s"
}

// grouped writes n with its thousands set apart ("100,000"), so a large
// count reads at a glance.
func grouped(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
