package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	_ "app.galley/galley/internal/envlocale" // quiet Fyne under the C locale
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

func testLibrary(t *testing.T, pieces ...*galley.Piece) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "lib.galley"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, p := range pieces {
		if err := st.SavePiece(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// newTestDesk opens a desk on lib in a test app. Autosave waits an hour:
// the test driver runs the timer's save on the timer's own goroutine, so a
// test that saves explicitly must not race it; tests of autosave shorten
// the pause themselves.
func newTestDesk(t *testing.T, lib Library) *Desk {
	t.Helper()
	a := test.NewTempApp(t)
	d := queuedNewDesk(t, a, lib)
	opened(t, d)
	d.SetAutosaveDelay(time.Hour)
	d.Window().Resize(fyne.NewSize(1280, 800))
	t.Cleanup(func() { stopped(t, d) })
	return d
}

// settled waits until the desk has let go of any library it was letting
// go of, and the background work of the library on it has ended, running
// what that work hands to the UI (and what that starts in turn).
func settled(d *Desk) {
	for {
		d.interim.settle()
		d.jobs.settle()
		if !runQueued() {
			return
		}
	}
}

// stopped stops the background work of the library on d and waits for
// it, as closing the window does: a test's library files are removed
// after it. Its previews go too, as CloseLibrary removes them.
func stopped(t testing.TB, d *Desk) {
	t.Helper()
	d.interim.settle()
	if !d.jobs.wait(time.Minute) {
		t.Error("the library's background work did not end")
	}
	d.removePreview()
}

// openStore opens library files for the desk's File menu as Galley does.
func openStore(path string, _ bool) (Library, func() error, error) {
	st, err := store.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return st, st.Close, nil
}

// opened waits until the library being opened on d is on the shelf (and
// its newest piece on the desk): the desk reads it in the background.
func opened(t testing.TB, d *Desk) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d.interim.settle() // the library let go of before it
		runQueued()        // the shelf's first look is handed to the UI
		select {
		case <-d.shelf.ready:
			return
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the library to open on the desk")
		}
		time.Sleep(time.Millisecond)
	}
}

// waitFor polls cond until it holds, failing after a few seconds. Between
// looks it runs what the desks' background work has handed to the UI.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runQueued(); !cond(); runQueued() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// overlayText is the markup of the dialogs on the window.
func overlayText(w fyne.Window) string {
	var b strings.Builder
	for _, o := range w.Canvas().Overlays().List() {
		b.WriteString(test.RenderObjectToMarkup(o))
	}
	return b.String()
}

// tapButton taps the button labelled label in the window's dialogs.
func tapButton(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	var found *widget.Button
	for _, o := range w.Canvas().Overlays().List() {
		walk(t, o, func(c fyne.CanvasObject) {
			if b, ok := c.(*widget.Button); ok && b.Text == label && found == nil {
				found = b
			}
		})
	}
	if found == nil {
		t.Fatalf("no %q button in the dialogs:\n%s", label, overlayText(w))
	}
	test.Tap(found)
}

// walk visits every object under o.
func walk(t *testing.T, o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	visit(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(t, c, visit)
		}
	case fyne.Widget:
		r := test.TempWidgetRenderer(t, x)
		for _, c := range r.Objects() {
			walk(t, c, visit)
		}
	}
}

func stored(t *testing.T, lib *store.Store, id int64) *galley.Piece {
	t.Helper()
	p, err := lib.Piece(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func findByTitle(t *testing.T, lib *store.Store, title string) *galley.Piece {
	t.Helper()
	list, err := lib.FindPieces(context.Background(), galley.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.Title == title {
			return stored(t, lib, s.ID)
		}
	}
	return nil
}

// richText flattens rich text segments into plain text.
func richText(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, s := range segs {
		switch s := s.(type) {
		case *widget.TextSegment:
			b.WriteString(s.Text + "\n")
		case *widget.ParagraphSegment:
			b.WriteString(richText(s.Texts))
		case *widget.ListSegment:
			b.WriteString(richText(s.Items))
		}
	}
	return b.String()
}

func interview() *galley.Piece {
	return &galley.Piece{
		Title: "Newest Interview", Type: "Q&A", Status: galley.StatusPublished, Published: galley.Date{Year: 2024, Month: 11, Day: 14},
		Summary:      "An intro naming the expert.",
		Contributors: []galley.Contributor{{Name: "Ada Quill", Role: "senior fellow"}},
		Topics:       []string{"Water"},
		QA:           []galley.QA{{Question: "What about aquifers?", Answer: "They **matter**."}},
		Photos:       []galley.Photo{{Data: fixture.JPEG(60, 40, 1), Alt: "A well", Caption: "A well.", Credit: "Pat Lens/Agency", Lead: true}},
	}
}

func TestDeskListsSearchesFiltersAndPreviews(t *testing.T) {
	lib := testLibrary(t,
		&galley.Piece{Title: "Older Analysis", Type: "Analysis", Published: galley.Date{Year: 2020, Month: 1, Day: 2}, Topics: []string{"Energy"}},
		interview(),
	)
	d := newTestDesk(t, lib)
	s := d.shelf
	if s.list.Length() != 2 || s.count.Text != "2 pieces" {
		t.Fatalf("list shows %d (%q), want 2", s.list.Length(), s.count.Text)
	}
	// The newest piece is open from the start.
	if d.editor.story.title.Text != "Newest Interview" {
		t.Errorf("the desk opened %q, want the newest piece", d.editor.story.title.Text)
	}
	d.editor.showPreview()
	text := richText(d.editor.preview.text.Segments)
	for _, want := range []string{"Newest Interview", "Thursday, November 14, 2024", "Ada Quill, senior fellow", "What about aquifers?", "matter", "A well. (Pat Lens/Agency)"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lacks %q:\n%s", want, text)
		}
	}
	waitFor(t, "the preview's lead photo", func() bool { return d.editor.preview.photo.Visible() })

	// Typing in the search field narrows the list.
	test.Type(s.search, "aquif")
	if s.list.Length() != 1 || s.count.Text != "1 piece" {
		t.Errorf("after searching, the list shows %d (%q)", s.list.Length(), s.count.Text)
	}
	test.Type(s.search, "ers nowhere")
	if s.list.Length() != 0 {
		t.Errorf("a search with no match shows %d", s.list.Length())
	}
	s.search.SetText("")

	// The status filter narrows the list to drafts: the older analysis.
	s.status.SetSelected("Draft")
	if s.list.Length() != 1 {
		t.Fatalf("the draft filter shows %d pieces, want 1", s.list.Length())
	}
	if row, _ := s.pages.Item(0); row.Title != "Older Analysis" {
		t.Errorf("the draft filter shows %q", row.Title)
	}
	s.status.SetSelected(allStatuses)
	s.topic.SetSelected("Water")
	if s.list.Length() != 1 {
		t.Errorf("the topic filter shows %d pieces, want 1", s.list.Length())
	}
	s.topic.SetSelected(allTopics)
	s.typ.SetSelected("Analysis")
	if row, _ := s.pages.Item(0); s.list.Length() != 1 || row.Title != "Older Analysis" {
		t.Errorf("the type filter shows %d pieces", s.list.Length())
	}
	s.typ.SetSelected(allTypes)

	// Choosing a piece opens it.
	for i := range 2 {
		if row, _ := s.pages.Item(i); row.Title == "Older Analysis" {
			s.list.Select(i)
		}
	}
	if d.editor.piece.Title != "Older Analysis" {
		t.Errorf("selecting the analysis opened %q", d.editor.piece.Title)
	}
}

func TestShortcutsReachTheirActions(t *testing.T) {
	lib := testLibrary(t, interview())
	d := newTestDesk(t, lib)
	for _, sc := range []fyne.Shortcut{shortcutNew, shortcutSave, shortcutFind, shortcutExport, shortcutExportSite, shortcutDuplicate, shortcutPreview, shortcutCopyHTML} {
		found := false
		for _, m := range d.win.MainMenu().Items {
			for _, it := range m.Items {
				found = found || (it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName())
			}
		}
		if !found {
			t.Errorf("no menu item answers %s", sc.ShortcutName())
		}
	}
	d.runShortcut(shortcutFind)
	if d.win.Canvas().Focused() != d.shelf.search {
		t.Error("Ctrl+F does not put the cursor in the search field")
	}
	d.runShortcut(shortcutNew)
	if d.editor.piece == nil || d.editor.piece.ID != 0 || d.win.Canvas().Focused() != d.editor.story.title {
		t.Error("Ctrl+N does not start a new piece with the cursor in its title")
	}
}

func TestTypingATitleSavesItAfterThePause(t *testing.T) {
	lib := testLibrary(t)
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(20 * time.Millisecond)
	d.runShortcut(shortcutNew)
	test.Type(d.editor.story.title, "Fresh From The Desk")
	if d.editor.story.slug.Text != "fresh-from-the-desk" {
		t.Errorf("the slug shows %q while the title is typed", d.editor.story.slug.Text)
	}
	waitFor(t, "the autosave", func() bool {
		n, _ := lib.CountPieces(context.Background(), galley.Filter{})
		return n == 1
	})
	waitFor(t, "the saved state", func() bool { return !d.editor.dirty })
	p := findByTitle(t, lib, "Fresh From The Desk")
	if p == nil || p.Slug != "fresh-from-the-desk" || p.Status != galley.StatusDraft {
		t.Fatalf("stored: %+v", p)
	}
	if !strings.HasPrefix(d.editor.state.Text, "Saved") {
		t.Errorf("the state says %q after saving", d.editor.state.Text)
	}
	// Later edits go to the same piece, not a new one.
	test.Type(d.editor.story.summary, "A summary.")
	waitFor(t, "the second autosave", func() bool { return stored(t, lib, p.ID).Summary == "A summary." })
	if n, _ := lib.CountPieces(context.Background(), galley.Filter{}); n != 1 {
		t.Errorf("%d pieces after two saves, want 1", n)
	}
	if d.shelf.list.Length() != 1 {
		t.Errorf("the list shows %d pieces after the new one was saved", d.shelf.list.Length())
	}
	// Dates are typed as YYYY-MM-DD; an impossible day is not taken.
	d.editor.story.date.Entry().SetText("2025-02-30")
	d.editor.story.date.Entry().SetText("2025-03-04")
	waitFor(t, "the date's autosave", func() bool { return stored(t, lib, p.ID).Published.String() == "2025-03-04" })
	d.editor.story.date.Entry().SetText("2025-02-30")
	if d.editor.piece.Published.String() != "2025-03-04" || d.editor.story.date.Entry().Validate() == nil {
		t.Error("an impossible date was taken or not flagged")
	}
}

func TestQAPairsAreAddedMovedAndDeleted(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Interview"})
	d := newTestDesk(t, lib)
	q := d.editor.qa
	d.editor.selectTab(q.content)
	for i, text := range []string{"First?", "Second?", "Third?"} {
		q.add()
		if d.win.Canvas().Focused() != q.rows[i].question {
			t.Fatalf("adding pair %d did not put the cursor in its question", i+1)
		}
		test.Type(q.rows[i].question, text)
		test.Type(q.rows[i].answer, fmt.Sprintf("Answer %d.", i+1))
	}
	// Tab goes question → answer → next question.
	c := d.win.Canvas()
	c.Focus(q.rows[0].question)
	test.FocusNext(c)
	if c.Focused() != q.rows[0].answer {
		t.Error("Tab from a question does not go to its answer")
	}
	test.FocusNext(c)
	if c.Focused() != q.rows[1].question {
		t.Errorf("Tab from an answer goes to %T, not the next question", c.Focused())
	}
	// Alt+Up moves the third pair up; the trash icon deletes the first.
	q.rows[2].question.TypedShortcut(shortcutPairUp)
	if d.editor.piece.QA[1].Question != "Third?" {
		t.Fatalf("after Alt+Up the pairs are %+v", d.editor.piece.QA)
	}
	test.Tap(q.rows[0].icons.remove)
	tapButton(t, d.win, "Yes")
	if !d.editor.save(true) {
		t.Fatalf("save failed: %s", d.editor.state.Text)
	}
	got := stored(t, lib, d.editor.piece.ID).QA
	want := []galley.QA{{Question: "Third?", Answer: "Answer 3."}, {Question: "Second?", Answer: "Answer 2."}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stored Q&A %v, want %v", got, want)
	}
	if q.count.Text != "2 questions" {
		t.Errorf("the tab says %q", q.count.Text)
	}
}

func TestATopicIsCreatedFromTheChipEntry(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Other", Topics: []string{"Water & Climate"}}, &galley.Piece{Title: "Needs Topics"})
	d := newTestDesk(t, lib)
	p := findByTitle(t, lib, "Needs Topics")
	d.editor.open(p.ID)
	tp := d.editor.topics
	d.editor.selectTab(tp.content)
	test.Type(tp.entry, "wat")
	if !strings.Contains(test.RenderObjectToMarkup(tp.matches), "Water & Climate") {
		t.Fatalf("typing %q does not suggest the known topic:\n%s", "wat", test.RenderObjectToMarkup(tp.matches))
	}
	test.Tap(tp.matches.Objects[0].(*widget.Button))
	tp.entry.SetText("")
	test.Type(tp.entry, "Arctic Shipping")
	tp.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if tp.entry.Text != "" || len(tp.chips.Objects) != 2 {
		t.Fatalf("after Enter: entry %q, %d chips", tp.entry.Text, len(tp.chips.Objects))
	}
	// Move the new topic first: it becomes the primary topic.
	tp.move(1, 0)
	if tp.primary.Text != "Primary topic: Arctic Shipping" {
		t.Errorf("primary shows %q", tp.primary.Text)
	}
	if !d.editor.save(true) {
		t.Fatal(d.editor.state.Text)
	}
	if got := stored(t, lib, p.ID).Topics; fmt.Sprint(got) != "[Arctic Shipping Water & Climate]" {
		t.Errorf("stored topics %v", got)
	}
	if !containsOption(d.shelf.topic.Options, "Arctic Shipping") {
		t.Errorf("the new topic is not offered in the topic filter: %v", d.shelf.topic.Options)
	}
}

func containsOption(list []string, s string) bool {
	for _, o := range list {
		if o == s {
			return true
		}
	}
	return false
}

func TestARelatedPieceIsAddedFromSearch(t *testing.T) {
	lib := testLibrary(t,
		&galley.Piece{Title: "Glacier Retreat Report", Status: galley.StatusPublished, Published: galley.Date{Year: 2023, Month: 1, Day: 1}, Topics: []string{"Ice"}},
		&galley.Piece{Title: "Main Piece", Topics: []string{"Ice"}, Published: galley.Date{Year: 2024, Month: 1, Day: 1}},
	)
	d := newTestDesk(t, lib)
	p := findByTitle(t, lib, "Main Piece")
	d.editor.open(p.ID)
	r := d.editor.related
	d.editor.selectTab(r.content)
	// Sharing a topic, the report is suggested.
	if !strings.Contains(test.RenderObjectToMarkup(r.suggestions), "Glacier Retreat Report") {
		t.Errorf("the report is not suggested:\n%s", test.RenderObjectToMarkup(r.suggestions))
	}
	test.Type(r.search, "glacier")
	if len(r.results.Objects) != 1 {
		t.Fatalf("the search shows %d results", len(r.results.Objects))
	}
	var add *widget.Button
	walk(t, r.results.Objects[0], func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			add = b
		}
	})
	test.Tap(add)
	if len(r.results.Objects) != 0 {
		t.Error("a piece already added is still offered")
	}
	if !d.editor.save(true) {
		t.Fatal(d.editor.state.Text)
	}
	got := stored(t, lib, p.ID).Related
	if len(got) != 1 || got[0].Title != "Glacier Retreat Report" {
		t.Errorf("stored related %+v", got)
	}
}

func TestAConflictAsksAndLosesNothing(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Shared Piece", Summary: "Original."})
	d := newTestDesk(t, lib)
	id := d.editor.piece.ID
	// Someone else saves the piece underneath the desk.
	theirs := stored(t, lib, id)
	theirs.Summary = "Their summary."
	if err := lib.SavePiece(context.Background(), theirs); err != nil {
		t.Fatal(err)
	}
	d.editor.story.summary.SetText("My summary.")
	if d.editor.save(true) {
		t.Fatal("a save over a changed piece succeeded")
	}
	if !strings.Contains(overlayText(d.win), "changed elsewhere") {
		t.Fatalf("no conflict dialog:\n%s", overlayText(d.win))
	}
	if got := stored(t, lib, id).Summary; got != "Their summary." {
		t.Errorf("their summary was overwritten with %q", got)
	}
	tapButton(t, d.win, "Keep mine as a copy")
	settled(d) // the copy is saved in the background
	mine := findByTitle(t, lib, "Shared Piece (my copy)")
	if mine == nil || mine.Summary != "My summary." {
		t.Fatalf("my copy: %+v", mine)
	}
	if d.editor.piece.ID != mine.ID {
		t.Error("the desk does not show my copy")
	}

	// The other way out: reload theirs.
	d.editor.open(id)
	theirs = stored(t, lib, id)
	theirs.Title = "Shared Piece, Retitled"
	if err := lib.SavePiece(context.Background(), theirs); err != nil {
		t.Fatal(err)
	}
	d.editor.story.body.SetText("A paragraph of mine.")
	d.editor.save(false)
	tapButton(t, d.win, "Reload theirs")
	if d.editor.story.title.Text != "Shared Piece, Retitled" || d.editor.dirty {
		t.Errorf("after reloading, the desk shows %q (dirty %v)", d.editor.story.title.Text, d.editor.dirty)
	}
}

func TestClosingWithUnsavedChangesKeepsThem(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Draft In Progress"})
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour) // the close must save, not the timer
	id := d.editor.piece.ID
	test.Type(d.editor.story.body, "The last sentence before closing.")
	d.close()
	if got := stored(t, lib, id).Body; got != "The last sentence before closing." {
		t.Errorf("after closing, the body is %q", got)
	}

	// A new piece with words but no title is kept as "Untitled piece".
	d2 := newTestDesk(t, lib)
	d2.SetAutosaveDelay(time.Hour)
	d2.runShortcut(shortcutNew)
	test.Type(d2.editor.story.body, "Words without a title.")
	d2.close()
	p := findByTitle(t, lib, "Untitled piece")
	if p == nil || p.Body != "Words without a title." {
		t.Errorf("the untitled piece was not kept: %+v", p)
	}

	// A piece that cannot be saved is not closed without asking.
	d3 := newTestDesk(t, lib)
	d3.SetAutosaveDelay(time.Hour)
	d3.editor.open(id)
	d3.editor.story.slug.SetText("Not A Valid Slug!")
	d3.close()
	if !strings.Contains(overlayText(d3.win), "Close without saving?") {
		t.Errorf("closing with an unsavable piece did not ask:\n%s", overlayText(d3.win))
	}
}

func TestSwitchingPiecesSavesTheOpenOne(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "One"}, &galley.Piece{Title: "Two"})
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	first := d.editor.piece.ID
	test.Type(d.editor.story.summary, "Typed just before switching.")
	other := findByTitle(t, lib, "One").ID
	if other == first {
		other = findByTitle(t, lib, "Two").ID
	}
	if !d.editor.open(other) {
		t.Fatal("could not switch")
	}
	if got := stored(t, lib, first).Summary; got != "Typed just before switching." {
		t.Errorf("switching lost the summary: %q", got)
	}
}

func TestLongListsAreFetchedPageByPage(t *testing.T) {
	var pieces []*galley.Piece
	for i := range 3*pageSize + 10 {
		pieces = append(pieces, &galley.Piece{Title: fmt.Sprintf("Piece %04d", i), Published: galley.Date{Year: 2000 + i%20, Month: 1, Day: 1 + i%28}})
	}
	lib := &countingLibrary{Library: testLibrary(t, pieces...)}
	d := newTestDesk(t, lib)
	s := d.shelf
	if s.list.Length() != len(pieces) {
		t.Fatalf("list length %d, want %d", s.list.Length(), len(pieces))
	}
	if lib.finds > 2 {
		t.Errorf("%d pages fetched to show the top of the list, want at most 2", lib.finds)
	}
	before := lib.finds
	s.list.ScrollToBottom()
	last, err := s.pages.Item(len(pieces) - 1)
	if err != nil || lib.finds-before > 2 {
		t.Errorf("scrolling to the end fetched %d pages (err %v)", lib.finds-before, err)
	}
	if last.Title == "" {
		t.Error("the last row is empty")
	}
}

// countingLibrary counts page fetches.
type countingLibrary struct {
	Library
	finds int
}

func (c *countingLibrary) FindPieces(ctx context.Context, f galley.Filter) ([]galley.Summary, error) {
	if f.Limit == pageSize {
		c.finds++
	}
	return c.Library.FindPieces(ctx, f)
}

func TestDamageFoundInTheBackgroundIsShown(t *testing.T) {
	lib := &failingCheck{Library: testLibrary(t, &galley.Piece{Title: "Anything"})}
	d := newTestDesk(t, lib)
	got := make(chan error, 1)
	d.CheckLibrary(func(err error) { got <- err })
	if err := received(t, got); err == nil {
		t.Fatal("the check's failure did not reach the desk")
	}
	if !strings.Contains(overlayText(d.win), "sector 7 is unreadable") {
		t.Error("no dialog tells the editor the library is damaged")
	}
}

type failingCheck struct{ Library }

func (failingCheck) QuickCheck(context.Context) error {
	return galley.Errorf(galley.EInvalid, "The library is damaged: sector 7 is unreadable.")
}

func TestPreviewNeverLoadsImagesFromMarkdown(t *testing.T) {
	p := &galley.Piece{
		Title: "Hostile", Body: "Look ![pixel](https://tracker.example/p.gif \"tracker\") here.\n\n- ![x](file:///etc/passwd)",
		QA: []galley.QA{{Question: "Q", Answer: "![a](http://example.com/a.png)"}},
	}
	var check func([]widget.RichTextSegment)
	check = func(segs []widget.RichTextSegment) {
		for _, s := range segs {
			switch s := s.(type) {
			case *widget.ImageSegment:
				t.Errorf("preview holds an image segment for %v", s.Source)
			case *widget.ParagraphSegment:
				check(s.Texts)
			case *widget.ListSegment:
				check(s.Items)
			}
		}
	}
	check(pieceSegments(p))
}

// slowCount holds the count of a whole library until released, as a large
// library on a cold disk would; searches are counted at once.
// heldFirstLook is a library whose first vocabulary read (the desk's
// first look at it reads the vocabulary last) closes read once it has
// read, then waits for release: the test or benchmark decides when the
// first look ends.
type heldFirstLook struct {
	Library
	read    chan struct{}
	release <-chan struct{}
	held    *atomic.Bool // the first read has come (later ones do not wait)
}

func holdFirstLook(lib Library, release <-chan struct{}) heldFirstLook {
	return heldFirstLook{Library: lib, read: make(chan struct{}), release: release, held: &atomic.Bool{}}
}

func (h heldFirstLook) Vocabulary(ctx context.Context) (galley.Vocabulary, error) {
	v, err := h.Library.Vocabulary(ctx)
	if h.held.CompareAndSwap(false, true) {
		close(h.read)
		<-h.release
	}
	return v, err
}

type slowCount struct {
	Library
	release chan struct{}
}

func (s slowCount) CountPieces(ctx context.Context, f galley.Filter) (int, error) {
	if f.Query == "" {
		<-s.release
	}
	return s.Library.CountPieces(ctx, f)
}

func TestTheWindowDoesNotWaitForTheLibrary(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Older Piece"}, &galley.Piece{Title: "Newest Piece"})
	lib := slowCount{Library: st, release: make(chan struct{})}
	d := queuedNewDesk(t, test.NewTempApp(t), lib) // returns while the library is still being read
	d.SetAutosaveDelay(time.Hour)
	if got := d.shelf.count.Text; got != "Opening the library…" {
		t.Errorf("while the library is read the shelf says %q", got)
	}
	// A piece started before the library is read stays on the desk.
	d.runShortcut(shortcutNew)
	test.Type(d.editor.story.title, "Started While Opening")
	close(lib.release)
	opened(t, d)
	if d.editor.piece == nil || d.editor.piece.Title != "Started While Opening" {
		t.Fatalf("the library arriving replaced the piece being written: %+v", d.editor.piece)
	}
	if d.shelf.list.Length() != 2 || d.shelf.count.Text != "2 pieces" {
		t.Errorf("after opening the shelf lists %d pieces and says %q", d.shelf.list.Length(), d.shelf.count.Text)
	}
}

func TestASearchTypedWhileOpeningStands(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Older Piece"}, &galley.Piece{Title: "Newest Piece"})
	lib := slowCount{Library: st, release: make(chan struct{})}
	d := queuedNewDesk(t, test.NewTempApp(t), lib)
	d.SetAutosaveDelay(time.Hour)
	test.Type(d.shelf.search, "older")
	close(lib.release)
	opened(t, d)
	if d.shelf.list.Length() != 1 || d.shelf.search.Text != "older" {
		t.Fatalf("the library arriving replaced the search's %d results (search %q)", d.shelf.list.Length(), d.shelf.search.Text)
	}
	if row, _ := d.shelf.pages.Item(0); row.Title != "Older Piece" {
		t.Errorf("the search lists %q", row.Title)
	}
	if d.editor.piece != nil {
		t.Errorf("a piece was opened under the editor's search: %q", d.editor.piece.Title)
	}
}

func TestTheNewestPieceOpensWithTheLibrary(t *testing.T) {
	d := newTestDesk(t, testLibrary(t, &galley.Piece{Title: "Older Piece"}, &galley.Piece{Title: "Newest Piece"}))
	if d.editor.piece == nil || d.editor.piece.Title != "Newest Piece" || d.shelf.at != 0 {
		t.Fatalf("the desk opened on %+v (row %d)", d.editor.piece, d.shelf.at)
	}
	if d.shelf.count.Text != "2 pieces" {
		t.Errorf("the shelf says %q", d.shelf.count.Text)
	}
}

// Only a search is capped: the whole library, and a filter of it, list
// every piece, so the oldest can always be scrolled to.
func TestEveryPieceOfALargeLibraryCanBeReached(t *testing.T) {
	n := searchCap + 50
	pieces := make([]galley.Piece, n)
	for i := range pieces {
		status := galley.StatusDraft
		if i%2 == 1 {
			status = galley.StatusPublished
		}
		day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
		pieces[i] = galley.Piece{Title: fmt.Sprintf("Harbour report %04d", i), Status: status, Published: galley.DateOf(day)}
	}
	st := testLibrary(t)
	if _, err := st.Import(context.Background(), pieces, nil, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	d := newTestDesk(t, st)
	s := d.shelf
	if s.list.Length() != n || s.count.Text != "2,050 pieces" {
		t.Fatalf("the library lists %d rows and says %q, want %d", s.list.Length(), s.count.Text, n)
	}
	s.list.ScrollToBottom()
	if oldest, err := s.pages.Item(n - 1); err != nil || oldest.Title != "Harbour report 0000" {
		t.Errorf("the last row is %q (%v), want the oldest piece", oldest.Title, err)
	}
	s.status.SetSelected(statusLabel(galley.StatusDraft))
	if s.list.Length() != n/2 || s.count.Text != "1,025 pieces" {
		t.Errorf("the draft filter lists %d rows and says %q", s.list.Length(), s.count.Text)
	}
	s.status.SetSelectedIndex(0)
	test.Type(s.search, "harbour")
	if s.list.Length() != searchCap || s.count.Text != "The newest 2,000 of more than 2,000 matches" {
		t.Errorf("a search matching every piece lists %d rows and says %q", s.list.Length(), s.count.Text)
	}
}

func TestCountsAreGrouped(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567", -2000: "-2,000"} {
		if got := grouped(n); got != want {
			t.Errorf("grouped(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestAutosaveWaitsOutABusyLibrary(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Busy Day"})
	d := newTestDesk(t, lib)
	d.editor.retry = 50 * time.Millisecond
	id := d.editor.piece.ID
	release := fixture.HoldWriteLock(t, lib.Path())
	d.SetAutosaveDelay(20 * time.Millisecond)
	start := time.Now()
	test.Type(d.editor.story.summary, "Typed during an import.")
	waitFor(t, "the busy state", func() bool { return strings.Contains(d.editor.state.Text, "busy") })
	// The window waited a moment, not SQLite's ten seconds.
	if waited := time.Since(start); waited > 3*time.Second {
		t.Errorf("the autosave held the window for %v", waited)
	}
	if !d.editor.dirty || stored(t, lib, id).Summary != "" {
		t.Fatal("the busy library was written, or the desk forgot the edit")
	}
	release()
	waitFor(t, "the save once the library is free", func() bool { return stored(t, lib, id).Summary == "Typed during an import." })
	waitFor(t, "the saved state", func() bool { return strings.HasPrefix(d.editor.state.Text, "Saved") })
}

// wait waits for the manager's changes running in the background.
func (m *manager) wait() { settled(m.d) }

func TestDamageFoundWhileOpeningStillListsThePieces(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Older Piece"}, &galley.Piece{Title: "Newest Piece"})
	lib := slowCount{Library: st, release: make(chan struct{})}
	d := queuedNewDesk(t, test.NewTempApp(t), lib)
	d.SetAutosaveDelay(time.Hour)
	// The background check finds damage before the library is listed: the
	// desk turns read-only, and the pieces must still be there to read.
	d.damaged(galley.Errorf(galley.EInternal, "The library is damaged."))
	close(lib.release)
	opened(t, d)
	if d.shelf.list.Length() != 2 || d.editor.piece == nil || d.editor.piece.Title != "Newest Piece" {
		t.Fatalf("a damaged library lists %d pieces and opens %+v", d.shelf.list.Length(), d.editor.piece)
	}
	if _, ro := d.shelf.pages.lib.(readOnlyLibrary); !ro {
		t.Error("the list reads the library past its read-only guard")
	}
}

func TestSwitchingLibrariesClearsTheFiltersAndOpensTheNewest(t *testing.T) {
	first := testLibrary(t, &galley.Piece{Title: "On Glaciers", Topics: []string{"Glaciers"}})
	second := filepath.Join(t.TempDir(), "second.galley")
	other, err := store.Open(second)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.SavePiece(context.Background(), &galley.Piece{Title: "Elsewhere", Topics: []string{"Deserts"}}); err != nil {
		t.Fatal(err)
	}
	other.Close()
	d := newTestDesk(t, first)
	d.SetLibraryOpener(first.Path(), openStore, func() error { return nil })
	d.shelf.topic.SetSelected("Glaciers")
	test.Type(d.shelf.search, "glac")
	d.switchLibrary(second, false)
	opened(t, d)
	t.Cleanup(func() { d.CloseLibrary() })
	if d.shelf.search.Text != "" || d.shelf.topic.Selected != allTopics || containsOption(d.shelf.topic.Options, "Glaciers") {
		t.Errorf("the other library's search %q and topic %q (of %v) stayed", d.shelf.search.Text, d.shelf.topic.Selected, d.shelf.topic.Options)
	}
	if d.editor.piece == nil || d.editor.piece.Title != "Elsewhere" {
		t.Fatalf("after switching the desk opened %+v", d.editor.piece)
	}
	if !containsOption(d.shelf.topic.Options, "Deserts") || len(d.vocab.Topics) != 1 || d.vocab.Topics[0] != "Deserts" {
		t.Errorf("the topic choices are %v (vocabulary %v)", d.shelf.topic.Options, d.vocab.Topics)
	}
}

func TestALateFirstLookKeepsANewerVocabulary(t *testing.T) {
	st := testLibrary(t, &galley.Piece{Title: "Existing", Topics: []string{"Rivers"}})
	release := make(chan struct{})
	lib := holdFirstLook(st, release)
	d := queuedNewDesk(t, test.NewTempApp(t), lib)
	d.SetAutosaveDelay(time.Hour)
	// Once the first look has read the vocabulary, and before it is on
	// the desk, a save adds a topic and the choices are read again, as the
	// editor's save does.
	<-lib.read
	if err := st.SavePiece(context.Background(), &galley.Piece{Title: "New", Topics: []string{"Volcanoes"}}); err != nil {
		t.Fatal(err)
	}
	d.shelf.refreshChoices()
	d.shelf.topic.SetSelected("Volcanoes")
	close(release)
	opened(t, d)
	if !containsOption(d.shelf.topic.Options, "Volcanoes") || d.shelf.topic.Selected != "Volcanoes" {
		t.Errorf("the late first look put back older choices %v (chosen %q)", d.shelf.topic.Options, d.shelf.topic.Selected)
	}
	if !containsOption(d.vocab.Topics, "Volcanoes") {
		t.Errorf("the desk's vocabulary lost the new topic: %v", d.vocab.Topics)
	}
}

// TestASearchThatFindsNothingSaysSo: an empty list says whether nothing
// matches the search (with a way back to every piece) or the library is
// empty, where it was a blank list before.
func TestASearchThatFindsNothingSaysSo(t *testing.T) {
	d := newTestDesk(t, testLibrary(t, interview()))
	s := d.shelf
	if s.noneBox.Visible() {
		t.Fatal("a list with a piece says it is empty")
	}
	test.Type(s.search, "zeppelin")
	if s.pages.Len() != 0 || !s.noneBox.Visible() || s.none.Text != "No pieces match the search and filters." {
		t.Fatalf("a search finding nothing shows %d rows and %q (shown: %v)", s.pages.Len(), s.none.Text, s.noneBox.Visible())
	}
	test.Tap(s.clear)
	if s.search.Text != "" || s.pages.Len() != 1 || s.noneBox.Visible() {
		t.Errorf("clearing the search shows %d rows, search %q", s.pages.Len(), s.search.Text)
	}

	empty := newTestDesk(t, testLibrary(t))
	if !empty.shelf.noneBox.Visible() || !strings.Contains(empty.shelf.none.Text, "no pieces yet") || empty.shelf.clear.Visible() {
		t.Errorf("an empty library says %q", empty.shelf.none.Text)
	}
}

// TestAnEmptyLibraryOffersTheSample: a new, empty library offers the
// sample pieces on the desk, as `galley sample` adds them, and opens the
// newest once they are in.
func TestAnEmptyLibraryOffersTheSample(t *testing.T) {
	lib := testLibrary(t)
	d, q := queuedDesk(t, lib)
	s := d.shelf
	if !s.noneBox.Visible() || !s.sample.Visible() {
		t.Fatalf("an empty library does not offer the sample: %q", s.none.Text)
	}
	test.Tap(s.sample)
	pump(d, q)
	n, err := lib.CountPieces(context.Background(), galley.Filter{})
	if err != nil || n == 0 {
		t.Fatalf("the library holds %d pieces after adding the sample (%v)", n, err)
	}
	if s.pages.Len() != n || s.noneBox.Visible() || d.editor.piece == nil {
		t.Errorf("after adding the sample the list shows %d of %d pieces, the message shown: %v, open piece: %v", s.pages.Len(), n, s.noneBox.Visible(), d.editor.piece != nil)
	}
	if len(s.typ.Options) < 2 {
		t.Errorf("the type filter offers %v after adding the sample", s.typ.Options)
	}
}

func TestArrowKeysAndEnterChooseATopicSuggestion(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Other", Topics: []string{"Water & Climate", "Water Rights", "Wetlands"}}, &galley.Piece{Title: "Needs Topics"})
	d := newTestDesk(t, lib)
	d.editor.open(findByTitle(t, lib, "Needs Topics").ID)
	tp := d.editor.topics
	d.editor.selectTab(tp.content)
	d.win.Canvas().Focus(tp.entry)
	test.Type(tp.entry, "wat")
	if len(tp.offered) != 2 {
		t.Fatalf("typing %q suggests %q", "wat", tp.offered)
	}
	key := func(name fyne.KeyName) { d.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: name}) }
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	key(fyne.KeyDown) // past the last: stays on it
	key(fyne.KeyUp)
	key(fyne.KeyDown)
	second := tp.offered[1]
	if b := tp.matches.Objects[1].(*widget.Button); b.Importance != widget.HighImportance {
		t.Errorf("the highlighted suggestion does not stand out (importance %v)", b.Importance)
	}
	key(fyne.KeyReturn)
	if got := d.editor.piece.Topics; len(got) != 1 || got[0] != second {
		t.Fatalf("Enter on the second suggestion added %q, want %q", got, second)
	}
	if tp.entry.Text != "" || d.win.Canvas().Focused() != fyne.Focusable(tp.entry) {
		t.Errorf("after adding: entry %q, focus on %T", tp.entry.Text, d.win.Canvas().Focused())
	}
	// With nothing highlighted, Enter adds what was typed.
	test.Type(tp.entry, "Arctic Shipping")
	key(fyne.KeyReturn)
	if got := d.editor.piece.Topics; len(got) != 2 || got[1] != "Arctic Shipping" {
		t.Errorf("Enter with no suggestion highlighted: topics %q", got)
	}
}

// TestAPiecesLanguageIsTypedAsATag types a language key by key: the piece
// takes it once it is a tag, in its canonical form, says meanwhile that it
// is not one yet, and keeps it when saved; emptied, the piece is in the
// site's language again.
func TestAPiecesLanguageIsTypedAsATag(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Dialogue"})
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	p := findByTitle(t, lib, "Dialogue")
	d.editor.open(p.ID)
	lang := d.editor.story.lang
	test.Type(lang, "en-g")
	if d.editor.piece.Lang != "en" || !strings.Contains(d.editor.state.Text, "Language not taken yet") {
		t.Errorf("half a tag typed: the piece has %q, the state says %q", d.editor.piece.Lang, d.editor.state.Text)
	}
	test.Type(lang, "b")
	if d.editor.piece.Lang != "en-GB" || lang.Text != "en-gb" {
		t.Errorf("en-gb typed: the piece has %q, the field shows %q", d.editor.piece.Lang, lang.Text)
	}
	if !d.editor.save(true) {
		t.Fatal(d.editor.state.Text)
	}
	if got := stored(t, lib, p.ID).Lang; got != "en-GB" {
		t.Errorf("stored language %q", got)
	}
	lang.SetText("")
	if !d.editor.save(true) {
		t.Fatal(d.editor.state.Text)
	}
	if got := stored(t, lib, p.ID).Lang; got != "" {
		t.Errorf("emptied, the stored language is %q", got)
	}
}

// TestAPiecesOldAddressesAreShownAndEdited opens a piece imported from
// WordPress: its old address and where it came from are shown; an
// address that cannot be one is said so and not kept; emptied, the piece
// keeps no old address, and its source stays.
func TestAPiecesOldAddressesAreShownAndEdited(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Fog and Radar", Formerly: []string{"2018/05/fog-and-radar/"}, Source: "wordpress news.example.org 42"})
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	p := findByTitle(t, lib, "Fog and Radar")
	d.editor.open(p.ID)
	story := d.editor.story
	if story.formerly.Text != "2018/05/fog-and-radar/" || !story.source.Visible() || !strings.Contains(story.source.Text, "WordPress (news.example.org), post 42") {
		t.Fatalf("the old address shows %q, the source %q (shown: %v)", story.formerly.Text, story.source.Text, story.source.Visible())
	}
	story.formerly.SetText("2018/05/fog-and-radar/\nold/fog.html\nnews/con/")
	if !strings.Contains(d.editor.state.Text, "Old address not taken yet") || !story.refused.Visible() || !strings.Contains(story.refused.Text, "news/con/") {
		t.Errorf("an address Windows cannot hold: the state says %q, beside the field %q", d.editor.state.Text, story.refused.Text)
	}
	if !d.editor.save(true) {
		t.Fatal(d.editor.state.Text)
	}
	if got := stored(t, lib, p.ID).Formerly; !slices.Equal(got, []string{"2018/05/fog-and-radar/", "old/fog.html"}) {
		t.Errorf("stored old addresses %q", got)
	}
	story.formerly.SetText("")
	if !d.editor.save(true) {
		t.Fatal(d.editor.state.Text)
	}
	if got := stored(t, lib, p.ID); len(got.Formerly) != 0 || got.Source != "wordpress news.example.org 42" {
		t.Errorf("emptied: old addresses %q, source %q", got.Formerly, got.Source)
	}
	// A piece written here shows no source.
	d.editor.open(findByTitle(t, lib, "Fog and Radar").ID)
	mine := &galley.Piece{Title: "Written here"}
	if err := lib.SavePiece(context.Background(), mine); err != nil {
		t.Fatal(err)
	}
	d.editor.open(mine.ID)
	if story.source.Visible() || story.formerly.Text != "" {
		t.Errorf("a piece written here shows source %q, old addresses %q", story.source.Text, story.formerly.Text)
	}
}
