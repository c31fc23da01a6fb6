package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

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

func TestDeskListsSearchesAndPreviews(t *testing.T) {
	test.NewTempApp(t)
	lib := testLibrary(t,
		&galley.Piece{Title: "Older Analysis", Type: "Analysis", Published: galley.Date{Year: 2020, Month: 1, Day: 2}},
		&galley.Piece{
			Title: "Newest Interview", Type: "Q&A", Status: galley.StatusPublished, Published: galley.Date{Year: 2024, Month: 11, Day: 14},
			Summary:      "An intro naming the expert.",
			Contributors: []galley.Contributor{{Name: "Ada Quill", Role: "senior fellow"}},
			QA:           []galley.QA{{Question: "What about aquifers?", Answer: "They **matter**."}},
			Photos:       []galley.Photo{{Data: fixture.JPEG(60, 40, 1), Caption: "A well.", Credit: "Pat Lens/Agency", Lead: true}},
		},
	)
	d := NewDesk(test.NewApp(), lib)
	w := d.Window()
	w.Resize(fyne.NewSize(1000, 700))

	if d.list.Length() != 2 || d.status.Text != "2 pieces" {
		t.Fatalf("list shows %d (%q), want 2", d.list.Length(), d.status.Text)
	}
	// The newest piece is open from the start, lead photo and all.
	text := richText(d.preview.Segments)
	for _, want := range []string{"Newest Interview", "Thursday, November 14, 2024", "Ada Quill, senior fellow", "What about aquifers?", "matter", "A well. (Pat Lens/Agency)"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lacks %q:\n%s", want, text)
		}
	}
	if !d.photo.Visible() || d.photo.Resource == nil {
		t.Error("the lead photo is not shown")
	}

	test.Type(d.search, "aquif")
	if d.list.Length() != 1 || d.status.Text != "1 piece" {
		t.Errorf("after searching, the list shows %d (%q)", d.list.Length(), d.status.Text)
	}
	test.Type(d.search, "ers nowhere")
	if d.list.Length() != 0 || d.status.Text != "0 pieces" {
		t.Errorf("a search with no match shows %d", d.list.Length())
	}
	d.search.SetText("")
	d.list.Select(1)
	if text := richText(d.preview.Segments); !strings.Contains(text, "Older Analysis") {
		t.Errorf("selecting the second piece shows:\n%s", text)
	}
	if d.photo.Visible() {
		t.Error("a piece without photos still shows the previous lead photo")
	}
}

func TestPreviewNeverLoadsImagesFromMarkdown(t *testing.T) {
	p := &galley.Piece{
		Title: "Hostile", Body: "Look ![pixel](https://tracker.example/p.gif \"tracker\") here.\n\n- ![x](file:///etc/passwd)",
		QA: []galley.QA{{Question: "Q", Answer: "![a](http://example.com/a.png)"}},
	}
	var walk func([]widget.RichTextSegment)
	walk = func(segs []widget.RichTextSegment) {
		for _, s := range segs {
			switch s := s.(type) {
			case *widget.ImageSegment:
				t.Errorf("preview holds an image segment for %v", s.Source)
			case *widget.ParagraphSegment:
				walk(s.Texts)
			case *widget.ListSegment:
				walk(s.Items)
			}
		}
	}
	walk(pieceSegments(p))
}

func TestLongListsAreFetchedPageByPage(t *testing.T) {
	test.NewTempApp(t)
	var pieces []*galley.Piece
	for i := range 3*pageSize + 10 {
		pieces = append(pieces, &galley.Piece{Title: fmt.Sprintf("Piece %04d", i), Published: galley.Date{Year: 2000 + i%20, Month: 1, Day: 1 + i%28}})
	}
	lib := &countingLibrary{Library: testLibrary(t, pieces...)}
	d := NewDesk(test.NewApp(), lib)
	d.Window().Resize(fyne.NewSize(900, 600))
	if d.list.Length() != len(pieces) {
		t.Fatalf("list length %d, want %d", d.list.Length(), len(pieces))
	}
	if lib.finds > 1 {
		t.Errorf("%d pages fetched to show the top of the list, want 1", lib.finds)
	}
	d.list.ScrollToBottom()
	last, err := d.pages.Item(len(pieces) - 1)
	if err != nil || lib.finds > 3 {
		t.Errorf("scrolling to the end fetched %d pages (err %v)", lib.finds, err)
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
	c.finds++
	return c.Library.FindPieces(ctx, f)
}

func TestDamageFoundInTheBackgroundIsShown(t *testing.T) {
	test.NewTempApp(t)
	lib := &failingCheck{Library: testLibrary(t, &galley.Piece{Title: "Anything"})}
	d := NewDesk(test.NewApp(), lib)
	d.Window().Resize(fyne.NewSize(900, 600))
	got := make(chan error, 1)
	d.CheckLibrary(func(err error) { got <- err })
	if err := <-got; err == nil {
		t.Fatal("the check's failure did not reach the desk")
	}
	var shown bool
	for _, o := range d.Window().Canvas().Overlays().List() {
		if strings.Contains(test.RenderObjectToMarkup(o), "sector 7 is unreadable") {
			shown = true
		}
	}
	if !shown {
		t.Error("no dialog tells the editor the library is damaged")
	}
}

type failingCheck struct{ Library }

func (failingCheck) QuickCheck(context.Context) error {
	return galley.Errorf(galley.EInvalid, "The library is damaged: sector 7 is unreadable.")
}
