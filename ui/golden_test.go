package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"app.galley/galley/internal/galley"
)

// TestMainScreensMatchTheirMarkup compares each tab of the desk with its
// golden markup in testdata/. When a screen changes on purpose, the new
// markup is written to testdata/failed/; look it over and copy it over the
// golden file.
func TestMainScreensMatchTheirMarkup(t *testing.T) {
	lib := testLibrary(t,
		&galley.Piece{Title: "Drought Season and the Politics of Dams", Type: "Analysis", Status: galley.StatusPublished,
			Published: galley.Date{Year: 2024, Month: 9, Day: 30}, Summary: "An earlier analysis.", Topics: []string{"Water"}},
		interview(),
	)
	d := newTestDesk(t, lib)
	e := d.editor
	if e.piece == nil || e.piece.Title != "Newest Interview" {
		t.Fatal("the desk did not open the newest piece")
	}
	e.selectTab(e.photos.content)
	waitFor(t, "the photo's thumbnail", func() bool { return len(e.photos.thumbs) == 1 })
	screens := []struct {
		golden string
		tab    func()
	}{
		{"desk_story.xml", func() { e.tabs.SelectIndex(0) }},
		{"desk_qa.xml", func() { e.selectTab(e.qa.content) }},
		{"desk_photos.xml", func() { e.selectTab(e.photos.content) }},
		{"desk_topics.xml", func() { e.selectTab(e.topics.content) }},
		{"desk_related.xml", func() { e.selectTab(e.related.content) }},
		{"desk_preview.xml", func() {
			e.selectTab(e.preview.content)
			waitFor(t, "the preview's photo", func() bool { return e.preview.photo.Visible() })
		}},
	}
	for _, s := range screens {
		s.tab()
		test.AssertRendersToMarkup(t, s.golden, d.win.Canvas())
	}
}
