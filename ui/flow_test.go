package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// TestBuildingACompleteQAPieceFromNothing is an editor's whole job on the
// desk, through its widgets only: a Q&A piece from a blank page (title,
// summary, byline, four pairs, a lead photo with its words, two topics,
// four related pieces), previewed, published and exported as a site.
func TestBuildingACompleteQAPieceFromNothing(t *testing.T) {
	var earlier []*galley.Piece
	for i := range 5 {
		earlier = append(earlier, &galley.Piece{
			Title: fmt.Sprintf("Earlier Report on Rivers %d", i+1), Type: "Report", Status: galley.StatusPublished,
			Published: galley.Date{Year: 2023, Month: time.Month(1 + i), Day: 10}, Summary: "An earlier report.",
			Topics: []string{"Rivers"},
		})
	}
	lib := testLibrary(t, earlier...)
	d := newTestDesk(t, lib)
	e := d.editor
	_, files := writeFiles(t, map[string][]byte{"delta.jpg": fixture.JPEG(1600, 1067, 5)})

	// Story.
	d.runShortcut(shortcutNew)
	s := e.story
	test.Type(s.title, "Q&A: Reading the Delta")
	s.typ.SetText("Q&A")
	s.date.Entry().SetText("2026-03-02")
	test.Type(s.summary, "A hydrologist explains what the delta's silt says about the dams upstream.")
	test.Tap(findButton(t, s.content, "Add contributor"))
	row := s.byline.Objects[0].(*fyne.Container)
	grid := row.Objects[0].(*fyne.Container)
	test.Type(grid.Objects[0].(*widget.SelectEntry), "Noor Haddad")
	test.Type(grid.Objects[1].(*fyne.Container).Objects[0].(*widget.Entry), "hydrologist")

	// Q&A.
	e.selectTab(e.qa.content)
	for i := range 4 {
		test.Tap(findButton(t, e.qa.content, "Add question"))
		test.Type(e.qa.rows[i].question, fmt.Sprintf("Question number %d?", i+1))
		test.Type(e.qa.rows[i].answer, fmt.Sprintf("Answer number %d, with *emphasis*.", i+1))
	}

	// Photos.
	e.photos.addFiles([]string{files["delta.jpg"]})
	settled(d)
	fields := cardEntries(t, e.photos.cards.Objects[0])
	test.Type(fields["Alt text"], "Silt fans spreading into a grey sea")
	test.Type(fields["Caption"], "The delta seen from a survey flight on Monday, March 2, 2026.")
	test.Type(fields["Credit"], "Lena Oduya/Survey Office")

	// Topics: one known, one new.
	e.selectTab(e.topics.content)
	for _, name := range []string{"Rivers", "Sediment Science"} {
		test.Type(e.topics.entry, name)
		e.topics.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}

	// Related: four, from the search.
	e.selectTab(e.related.content)
	test.Type(e.related.search, "earlier report")
	for range 4 {
		test.Tap(findButton(t, e.related.results, "Add"))
	}

	// Nothing is left for the pre-publish checks; publishing does not ask.
	if msgs := e.problems(); len(msgs) != 0 {
		t.Fatalf("checks still fail: %v", msgs)
	}
	e.selectTab(e.story.content)
	s.status.SetSelected("Published")
	if len(d.win.Canvas().Overlays().List()) != 0 {
		t.Fatalf("publishing a complete piece asked:\n%s", overlayText(d.win))
	}
	d.runShortcut(shortcutSave)

	// Preview.
	d.runShortcut(shortcutPreview)
	preview := richText(e.preview.text.Segments)
	for _, want := range []string{"Q&A: Reading the Delta", "Noor Haddad, hydrologist", "Question number 4?", "Survey Office"} {
		if !strings.Contains(preview, want) {
			t.Errorf("the preview lacks %q", want)
		}
	}

	// What the library holds.
	p := findByTitle(t, lib, "Q&A: Reading the Delta")
	if p == nil {
		t.Fatal("the piece is not in the library")
	}
	if p.Type != "Q&A" || p.Status != galley.StatusPublished || p.Published.String() != "2026-03-02" || len(p.Contributors) != 1 ||
		p.Contributors[0].Role != "hydrologist" || len(p.QA) != 4 || len(p.Photos) != 1 || !p.Photos[0].Lead ||
		fmt.Sprint(p.Topics) != "[Rivers Sediment Science]" || len(p.Related) != 4 {
		t.Fatalf("stored piece: %+v", p)
	}

	// The site, exported from the desk.
	out := filepath.Join(t.TempDir(), "site")
	d.exportSiteTo(out)
	settled(d)
	page, err := os.ReadFile(filepath.Join(out, "pieces", p.Slug+".html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, want := range []string{
		"<h1>Q&amp;A: Reading the Delta</h1>",
		`<time datetime="2026-03-02">Monday, March 2, 2026</time>`,
		`alt="Silt fans spreading into a grey sea"`,
		"Lena Oduya/Survey Office",
		"Question number 3?",
		"<em>emphasis</em>",
		"Earlier Report on Rivers 2",
		"Sediment Science",
		"Related Publications",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the exported page lacks %s", want)
		}
	}
	if n := strings.Count(html, `class="card`); n < 4 {
		t.Errorf("the page has %d related cards, want 4", n)
	}
}

// findButton finds the first button labelled label under o.
func findButton(t *testing.T, o fyne.CanvasObject, label string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(t, o, func(c fyne.CanvasObject) {
		if b, ok := c.(*widget.Button); ok && b.Text == label && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q button", label)
	}
	return found
}
