package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/desk"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/spell"
	"app.galley/galley/internal/store"
	"app.galley/galley/ui/internal/widgets"
)

// DefaultSpellingDelay is how long the spelling check waits after a
// keystroke, or after a piece is opened, before it reads the piece again:
// a little longer than the other checks, since it reads every word and a
// word being typed is not yet misspelt.
const DefaultSpellingDelay = 600 * time.Millisecond

// spellingSuggestBudget bounds the time one check in the background
// spends on suggestions for words it has not met before (some 30 to
// 150 ms each): a page pasted in another language lists its words at
// once, and their suggestions come with the checks that follow.
const spellingSuggestBudget = 400 * time.Millisecond

// maxSpellingRows is how many words the list shows: more is a page in
// another language or a wrong dictionary, which the list says instead.
const maxSpellingRows = 60

// spellingLibrary is what the spelling panel needs of the library on the
// desk: what spell.Library reads, and the word list and language it
// changes. A *store.Store is one; a library without a word list gets
// "not checked".
type spellingLibrary interface {
	spell.Library
	AddWord(ctx context.Context, word string) error
	RemoveWord(ctx context.Context, word string) error
	IgnoreWord(ctx context.Context, pieceID int64, word string) error
	SetSpellingLanguage(ctx context.Context, lang string) error
}

// A library that is not a spellingLibrary is "not checked": the store
// must stay one, and one spell.Library reads.
var (
	_ spellingLibrary = (*store.Store)(nil)
	_ spell.Library   = (*store.Store)(nil)
)

// errNoWordList is why a library without a word list is not checked.
var errNoWordList = errors.New("this library keeps no word list, so its spelling is not checked")

// spellingPanel is the spelling check of the open piece: a button beside
// the pre-publish checks that counts the words to look at, and the list
// it opens, where each word can be shown in its field, replaced by a
// suggestion, added to the library's word list or ignored in this piece.
//
// The check runs in the background, through the library's job group, a
// pause after the last keystroke, on a copy of the piece's words: typing
// never waits for it. Its result is taken only if nothing was typed
// meanwhile, so the places it lists are the places in the fields.
type spellingPanel struct {
	e      *editor
	button *widget.Button
	popup  *widget.PopUp

	list    []spell.Misspelling // the unknown words, as of the last check
	lang    string              // the language of the last check
	err     error               // why the last check read nothing, or nil
	checked bool                // a check ended since the piece was opened
	next    map[string]int      // the occurrence Show goes to next, by word

	// pending holds the words ignored in a piece not yet saved: it has no
	// ID to keep them under. They count at once and are written to the
	// library once the piece has one.
	pending    []string
	pendingFor *galley.Piece

	gen   int // bumped by every edit and every new piece, so a stale check is dropped
	pause desk.Pause
	delay time.Duration

	// The checker is made on a job's goroutine and kept while the
	// library's words and language stay as they were.
	mu      sync.Mutex
	checker *spell.Checker
	forLib  spell.Library
	forLang string
	getenv  func(string) string // the locale, for a library with no language of its own
}

func newSpellingPanel(e *editor) *spellingPanel {
	s := &spellingPanel{e: e, delay: DefaultSpellingDelay, getenv: os.Getenv, next: map[string]int{}}
	s.button = widget.NewButtonWithIcon("", theme.SearchIcon(), s.show)
	s.label()
	return s
}

// reset forgets the last piece's words and checks the piece just opened
// after the pause: going through the list quickly checks none of the
// pieces passed over.
func (s *spellingPanel) reset() {
	s.list, s.err, s.checked = nil, nil, false
	clear(s.next)
	if s.pendingFor != s.e.piece {
		s.pending, s.pendingFor = nil, nil
	}
	// The library's names may have grown since (a contributor added on
	// another piece).
	s.forget()
	s.label()
	s.edited()
}

// edited checks the piece again once typing pauses.
func (s *spellingPanel) edited() {
	s.gen++
	// Through the job group: a timer that fires as the library is let go
	// hands nothing to the UI.
	s.pause.Hand = s.e.d.jobs.do
	s.pause.Wait(s.delay, s.run)
}

// clear empties the panel: no piece is open.
func (s *spellingPanel) clear() {
	s.gen++
	s.pause.Stop()
	s.hide()
	s.list, s.err, s.checked = nil, nil, false
	s.label()
}

// forget drops the checker, so the next check reads the library's words
// and language again.
func (s *spellingPanel) forget() {
	s.mu.Lock()
	s.checker = nil
	s.mu.Unlock()
}

// run checks the open piece now, in the background.
func (s *spellingPanel) run() {
	s.pause.Ran()
	p := s.e.piece
	if p == nil {
		return
	}
	lib, ok := s.e.d.lib.(spellingLibrary)
	if !ok {
		s.set(nil, "", errNoWordList)
		return
	}
	s.writePending(lib, p)
	snap := spellingCopy(p)
	var extra []string
	if s.pendingFor == p {
		extra = slices.Clone(s.pending)
	}
	gen, g := s.gen, s.e.d.jobs
	g.start(func(ctx context.Context) {
		list, lang, err := s.check(ctx, lib, snap, extra)
		g.do(func() {
			if gen == s.gen {
				s.set(list, lang, err)
			}
		})
	})
}

// writePending keeps the words ignored before the piece was first saved,
// now that it has an ID.
func (s *spellingPanel) writePending(lib spellingLibrary, p *galley.Piece) {
	if s.pendingFor != p || p.ID == 0 || len(s.pending) == 0 {
		return
	}
	for _, w := range s.pending {
		if err := lib.IgnoreWord(context.Background(), p.ID, w); err != nil {
			fyne.LogError("keep a word ignored in "+p.Name(), err)
			return // kept in memory; tried again at the next check
		}
	}
	s.pending, s.pendingFor = nil, nil
}

// spellingCopy copies the words of p that the check reads, so the check
// can read them on another goroutine while the editor types.
func spellingCopy(p *galley.Piece) *galley.Piece {
	c := &galley.Piece{
		ID: p.ID, Title: p.Title, Summary: p.Summary, Body: p.Body, Lang: p.Lang,
		QA:           slices.Clone(p.QA),
		Contributors: slices.Clone(p.Contributors),
		Topics:       slices.Clone(p.Topics),
	}
	for _, ph := range p.Photos {
		c.Photos = append(c.Photos, galley.Photo{Caption: ph.Caption, Alt: ph.Alt, Decorative: ph.Decorative})
	}
	return c
}

// check runs on a job's goroutine: it makes the checker if need be and
// checks the copy, in the piece's own language or else the library's.
func (s *spellingPanel) check(ctx context.Context, lib spellingLibrary, p *galley.Piece, extra []string) ([]spell.Misspelling, string, error) {
	lang, err := p.Lang, error(nil)
	if lang == "" {
		if lang, err = spell.LibraryLanguage(ctx, lib, s.getenv); err != nil {
			return nil, "", err
		}
	}
	s.mu.Lock()
	c := s.checker
	if s.forLib != lib || s.forLang != lang {
		c = nil
	}
	s.mu.Unlock()
	if c == nil {
		if c, err = spell.ForLibrary(ctx, lib, lang); err != nil {
			return nil, lang, err
		}
		c.SuggestBudget = spellingSuggestBudget
		s.mu.Lock()
		s.checker, s.forLib, s.forLang = c, lib, lang
		s.mu.Unlock()
	}
	var ignored []string
	if p.ID != 0 {
		if ignored, err = lib.IgnoredWords(ctx, p.ID); err != nil {
			return nil, lang, err
		}
	}
	return c.Check(p, append(ignored, extra...)), lang, nil
}

// set shows the result of a check.
func (s *spellingPanel) set(list []spell.Misspelling, lang string, err error) {
	if err != nil && !errors.As(err, new(*spell.MissingError)) && !errors.Is(err, errNoWordList) {
		// The library could not be read (busy, gone): this check says
		// nothing, the next one tries again.
		fyne.LogError("check the spelling", err)
	}
	s.list, s.lang, s.err, s.checked = list, lang, err, true
	s.label()
	if s.popup != nil {
		s.fill()
	}
}

// label puts the state of the check on the button, in a few words so the
// line above the tabs keeps its place.
func (s *spellingPanel) label() {
	// Quiet until there is something to look at: before the first check
	// ends and when every word is known, the button reads the same, so
	// opening a piece does not flicker it.
	switch {
	case !s.checked || s.err == nil && len(s.list) == 0:
		s.button.SetText("Spelling")
		s.button.SetIcon(theme.SearchIcon())
		s.button.Importance = widget.LowImportance
	case s.err != nil:
		s.button.SetText("Spelling not checked")
		s.button.SetIcon(theme.WarningIcon())
		s.button.Importance = widget.MediumImportance
	default:
		s.button.SetText(plural(len(s.list), "spelling"))
		s.button.SetIcon(theme.WarningIcon())
		s.button.Importance = widget.MediumImportance
	}
	s.button.Refresh()
}

// problems are the unknown words as pre-publish checks.
func (s *spellingPanel) problems() []galley.Problem { return spell.Problems(s.list) }

// show opens the list under the button.
func (s *spellingPanel) show() {
	if s.e.piece == nil {
		return
	}
	if !s.checked && s.pause.Due() {
		s.run() // asked for: no need to wait for the pause
	}
	s.hide()
	s.popup = widget.NewPopUp(container.NewStack(), s.e.d.win.Canvas())
	s.fill()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.button)
	x := max(0, min(pos.X+s.button.Size().Width-spellingWidth, s.e.d.win.Canvas().Size().Width-spellingWidth-20))
	s.popup.ShowAtPosition(fyne.NewPos(x, pos.Y+s.button.Size().Height))
}

// spellingWidth is the width of the list; its words and buttons wrap
// within it.
const spellingWidth = 600

func (s *spellingPanel) hide() {
	if s.popup != nil {
		s.popup.Hide()
		s.popup = nil
	}
}

// fill lays out the list in the open popup, from the last check.
func (s *spellingPanel) fill() {
	rows := container.NewVBox(s.header())
	switch {
	case !s.checked:
		rows.Add(widget.NewLabel("Checking the spelling…"))
	case s.err != nil:
		msg := widget.NewLabel("Spelling is not checked: " + galley.ErrorMessage(s.err))
		msg.Wrapping = fyne.TextWrapWord
		msg.Importance = widget.WarningImportance
		rows.Add(msg)
	case len(s.list) == 0:
		rows.Add(widget.NewLabel("Every word is in the dictionary or the library's word list."))
	}
	for i, m := range s.list {
		if i == maxSpellingRows {
			n, words := len(s.list)-i, "words"
			if n == 1 {
				words = "word"
			}
			more := widget.NewLabel(fmt.Sprintf("… and %d more %s. Is the piece in another language than %s?", n, words, spell.LanguageName(s.lang)))
			more.Wrapping = fyne.TextWrapWord
			rows.Add(more)
			break
		}
		rows.Add(s.row(m))
	}
	scroll := container.NewVScroll(rows)
	scroll.SetMinSize(fyne.NewSize(spellingWidth, min(rows.MinSize().Height, 440)))
	content := s.popup.Content.(*fyne.Container)
	content.Objects = []fyne.CanvasObject{scroll}
	content.Refresh()
	s.popup.Resize(s.popup.MinSize())
}

// header says the language and offers the others installed, and the
// library's word list.
func (s *spellingPanel) header() fyne.CanvasObject {
	words := widget.NewButtonWithIcon("Word list…", theme.ListIcon(), s.showWordList)
	if _, ok := s.e.d.lib.(spellingLibrary); !ok {
		words.Disable()
	}
	installed := spell.Installed()
	names := make([]string, len(installed))
	for i, lang := range installed {
		names[i] = languageLabel(lang)
	}
	choose := widget.NewSelect(names, nil)
	choose.PlaceHolder = "Language"
	if i := slices.Index(installed, s.lang); i >= 0 {
		choose.SetSelectedIndex(i)
	} else if s.lang != "" {
		choose.PlaceHolder = languageLabel(s.lang)
	}
	choose.OnChanged = func(string) {
		if i := choose.SelectedIndex(); i >= 0 && installed[i] != s.lang {
			s.setLanguage(installed[i])
		}
	}
	if len(installed) == 0 {
		choose.Disable()
	}
	title := widget.NewLabelWithStyle("Spelling", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// The language list takes the width left, so a language's name
	// reads whole.
	return container.NewBorder(nil, widget.NewSeparator(), title, words, choose)
}

// languageLabel names a dictionary for the language list:
// "British English (en_GB)".
func languageLabel(lang string) string {
	return fmt.Sprintf("%s (%s)", spell.LanguageName(lang), lang)
}

// row is one unknown word: where it is, what it may be, and what to do.
func (s *spellingPanel) row(m spell.Misspelling) fyne.CanvasObject {
	word := widget.NewLabelWithStyle("“"+m.Word+"”", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	where := widget.NewLabel("in " + m.Where())
	where.Wrapping = fyne.TextWrapWord

	actions := container.NewHBox()
	for _, sug := range m.Suggestions {
		b := widget.NewButton(sug, func() { s.replace(m, sug) })
		actions.Add(b)
	}
	if len(m.Suggestions) == 0 {
		none := widget.NewLabel("no suggestions")
		none.Importance = widget.LowImportance
		actions.Add(none)
	}
	actions.Add(layout.NewSpacer())
	showB := widget.NewButtonWithIcon("Show", theme.VisibilityIcon(), func() { s.showWord(m) })
	add := widget.NewButtonWithIcon("Add to word list", theme.ContentAddIcon(), func() { s.addWord(m.Word) })
	ignore := widget.NewButton("Ignore", func() { s.ignore(m.Word) })
	add.Importance = widget.LowImportance
	ignore.Importance = widget.LowImportance
	buttons := container.NewHBox(layout.NewSpacer(), showB, add, ignore)
	return container.NewVBox(
		container.NewBorder(nil, nil, word, nil, where),
		container.NewBorder(nil, nil, nil, nil, container.NewHBox(actions, layout.NewSpacer())),
		buttons,
		widget.NewSeparator(),
	)
}

// drop takes word off the list at once; the check that follows agrees.
func (s *spellingPanel) drop(word string) {
	s.list = slices.DeleteFunc(s.list, func(m spell.Misspelling) bool { return m.Word == word })
	s.label()
	if s.popup != nil {
		s.fill()
	}
}

// addWord adds word to the library's word list, for every piece.
func (s *spellingPanel) addWord(word string) {
	lib, ok := s.e.d.lib.(spellingLibrary)
	if !ok {
		return
	}
	if err := lib.AddWord(context.Background(), word); err != nil {
		s.e.d.showError(err)
		return
	}
	s.forget()
	s.drop(word)
	s.e.d.toast(fmt.Sprintf("“%s” added to the library's word list", word))
	s.gen++
	s.run()
}

// ignore lets word stand in this piece only.
func (s *spellingPanel) ignore(word string) {
	p := s.e.piece
	lib, ok := s.e.d.lib.(spellingLibrary)
	if p == nil || !ok {
		return
	}
	if p.ID == 0 {
		if s.pendingFor != p {
			s.pending, s.pendingFor = nil, p
		}
		s.pending = append(s.pending, word)
	} else if err := lib.IgnoreWord(context.Background(), p.ID, word); err != nil {
		s.e.d.showError(err)
		return
	}
	s.drop(word)
	s.gen++
	s.run()
}

// setLanguage sets the language of the library's pieces.
func (s *spellingPanel) setLanguage(lang string) {
	lib, ok := s.e.d.lib.(spellingLibrary)
	if !ok {
		return
	}
	if err := lib.SetSpellingLanguage(context.Background(), lang); err != nil {
		s.e.d.showError(err)
		return
	}
	s.forget()
	s.list, s.checked, s.lang = nil, false, lang
	s.gen++
	s.run()
	if s.popup != nil {
		s.fill()
	}
	s.label()
}

// showWordList lists the library's word list, each word with a way off it.
func (s *spellingPanel) showWordList() {
	lib, ok := s.e.d.lib.(spellingLibrary)
	if !ok {
		return
	}
	s.hide()
	words, err := lib.Words(context.Background())
	if err != nil {
		s.e.d.showError(err)
		return
	}
	var dlg dialog.Dialog
	list := widget.NewList(func() int { return len(words) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil, widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), nil), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(words[i])
			w := words[i]
			row.Objects[1].(*widget.Button).OnTapped = func() {
				if err := lib.RemoveWord(context.Background(), w); err != nil {
					s.e.d.showError(err)
					return
				}
				words = slices.DeleteFunc(words, func(x string) bool { return x == w })
				s.forget()
				s.gen++
				s.run()
				dlg.Refresh()
			}
		})
	var content fyne.CanvasObject = list
	if len(words) == 0 {
		note := widget.NewLabel("The word list is empty. Words added from the spelling list are known in every piece of the library.")
		note.Wrapping = fyne.TextWrapWord
		content = note
	}
	dlg = dialog.NewCustom("The library's word list", "Close", content, s.e.d.win)
	dlg.Resize(fyne.NewSize(420, 420))
	dlg.Show()
}

// showWord takes the editor to the word's next occurrence: the tab, the
// field, scrolled into view, with the word selected.
func (s *spellingPanel) showWord(m spell.Misspelling) {
	if len(m.Places) == 0 {
		return
	}
	i := s.next[m.Word] % len(m.Places)
	s.next[m.Word] = i + 1
	s.hide()
	s.reveal(m.Word, m.Places[i])
}

// reveal focuses the field of place and selects word in it. The place is
// checked against the field first: words typed since the check moved it.
func (s *spellingPanel) reveal(word string, place spell.Place) bool {
	e := s.e
	e.selectTab(e.partTab(place.Field.Part()))
	f := s.field(place.Field)
	if f == nil {
		return false
	}
	start, ok := findWord([]rune(f.entry.Text), word, place.Start)
	e.d.win.Canvas().Focus(f.focus)
	scrollIntoView(e.partTab(place.Field.Part()), f.obj)
	if !ok {
		return false
	}
	if f.entry.SelectedText() != "" {
		// Ends the selection, so the next one starts at the word.
		f.focus.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	}
	f.entry.CursorRow, f.entry.CursorColumn = f.rowCol(start)
	// Fyne selects only from the keyboard: Shift and Right over the word.
	if k, ok := f.focus.(desktop.Keyable); ok {
		k.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
		for range []rune(word) {
			f.focus.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
		}
		k.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
	f.entry.Refresh()
	return true
}

// findWord finds word in text at start, or else the occurrence nearest
// to it, and reports whether there is one.
func findWord(text []rune, word string, start int) (int, bool) {
	w := []rune(word)
	at := func(i int) bool { return i >= 0 && i+len(w) <= len(text) && string(text[i:i+len(w)]) == word }
	for d := 0; d <= len(text)+max(start, -start); d++ {
		if at(start - d) {
			return start - d, true
		}
		if at(start + d) {
			return start + d, true
		}
	}
	return 0, false
}

// replace puts sug in place of every occurrence of m, through the fields'
// own widgets, so the piece and the editor's undo see a change typed.
func (s *spellingPanel) replace(m spell.Misspelling, sug string) {
	byField := map[spell.Field][]spell.Place{}
	var order []spell.Field
	for _, pl := range m.Places {
		if _, seen := byField[pl.Field]; !seen {
			order = append(order, pl.Field)
		}
		byField[pl.Field] = append(byField[pl.Field], pl)
	}
	s.hide()
	for _, field := range order {
		s.e.selectTab(s.e.partTab(field.Part()))
		f := s.field(field)
		if f == nil {
			continue
		}
		text := []rune(f.entry.Text)
		places := byField[field]
		// From the end, so the places before stay where they were.
		for i := len(places) - 1; i >= 0; i-- {
			pl := places[i]
			if pl.End <= len(text) && string(text[pl.Start:pl.End]) == m.Word {
				text = append(text[:pl.Start], append([]rune(sug), text[pl.End:]...)...)
			}
		}
		if string(text) != f.entry.Text {
			f.entry.SetText(string(text))
		}
	}
	s.drop(m.Word)
}

// textField is a field of the editor that spelling can show: the widget
// to focus and scroll to, its entry, and how an offset is a row and
// column there.
type textField struct {
	obj    fyne.CanvasObject
	focus  fyne.Focusable
	entry  *widget.Entry
	rowCol func(off int) (row, col int)
}

// field finds the widget of a field on its tab (already shown).
func (s *spellingPanel) field(f spell.Field) *textField {
	e := s.e
	line := func(en *widget.Entry, obj fyne.CanvasObject) *textField {
		return &textField{obj: obj, focus: obj.(fyne.Focusable), entry: en, rowCol: func(off int) (int, int) { return 0, off }}
	}
	area := func(t *widgets.TextArea) *textField {
		if t == nil {
			return nil
		}
		return &textField{obj: t, focus: t, entry: &t.Entry, rowCol: t.RowColFor}
	}
	switch f.Kind {
	case spell.Title:
		return line(e.story.title, e.story.title)
	case spell.Summary:
		return area(e.story.summary)
	case spell.Body:
		return area(e.story.body)
	case spell.Question, spell.Answer:
		if f.Index >= len(e.qa.rows) {
			return nil
		}
		if f.Kind == spell.Question {
			return area(e.qa.rows[f.Index].question)
		}
		return area(e.qa.rows[f.Index].answer)
	case spell.Caption:
		if f.Index >= len(e.photos.captions) {
			return nil
		}
		return area(e.photos.captions[f.Index])
	case spell.Alt:
		if f.Index >= len(e.photos.cards.Objects) {
			return nil
		}
		// The photo's card holds one alt text entry.
		var alt *widgets.LineEntry
		visit(e.photos.cards.Objects[f.Index], func(o fyne.CanvasObject) {
			if le, ok := o.(*widgets.LineEntry); ok && alt == nil && strings.HasPrefix(le.PlaceHolder, "Alt text") {
				alt = le
			}
		})
		if alt == nil {
			return nil
		}
		return line(&alt.Entry, alt)
	}
	return nil
}

// visit calls fn on o and what it holds, through containers, scrolls
// and forms: the parts of a tab its code builds. Widgets' own insides
// are Fyne's and are not entered.
func visit(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			visit(child, fn)
		}
	case *container.Scroll:
		visit(c.Content, fn)
	case *widget.Form:
		for _, item := range c.Items {
			visit(item.Widget, fn)
		}
	}
}

// scrollIntoView scrolls the tab so target shows, with a line of what
// comes before it, unless it shows already.
func scrollIntoView(tab, target fyne.CanvasObject) {
	var scroll *container.Scroll
	visit(tab, func(o fyne.CanvasObject) {
		if sc, ok := o.(*container.Scroll); ok && scroll == nil {
			scroll = sc
		}
	})
	if scroll == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(target).Y - d.AbsolutePositionForObject(scroll.Content).Y
	view := scroll.Size().Height
	if top >= scroll.Offset.Y && top+min(target.Size().Height, view) <= scroll.Offset.Y+view {
		return
	}
	scroll.ScrollToOffset(fyne.NewPos(scroll.Offset.X, max(0, top-theme.Padding()*4)))
}
