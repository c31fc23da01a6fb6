package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
	"app.galley/galley/internal/store"
	"app.galley/galley/ui/internal/widgets"
)

// writeFiles writes named files into a fresh folder and returns their paths.
func writeFiles(t *testing.T, files map[string][]byte) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	paths := map[string]string{}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths[name] = p
	}
	return dir, paths
}

func TestPhotosAreAddedFromFilesAndDescribed(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Photo Story"})
	d := newTestDesk(t, lib)
	_, files := writeFiles(t, map[string][]byte{
		"harbour.jpg": fixture.JPEG(640, 427, 3),
		"map.png":     fixture.PNG(300, 200, 4),
		"notes.txt":   []byte("not a photo"),
	})
	ph := d.editor.photos
	ph.addFiles([]string{files["harbour.jpg"], files["notes.txt"], files["map.png"]})
	// The files are read in the background, behind the overlay.
	if msg := overlayText(d.win); !strings.Contains(msg, "Reading 3 photos…") || len(d.editor.piece.Photos) != 0 {
		t.Errorf("while the files are read, the overlay shows:\n%s", msg)
	}
	settled(d)
	// The bad file is named; the good ones are added, the first as lead.
	if msg := overlayText(d.win); !strings.Contains(msg, "notes.txt") {
		t.Errorf("no message names the file that is not a photo:\n%s", msg)
	}
	p := d.editor.piece
	if len(p.Photos) != 2 || !p.Photos[0].Lead || p.Photos[1].Lead {
		t.Fatalf("photos after adding: %+v", p.Photos)
	}
	if ph.count.Text != "2 photos" || !strings.Contains(test.RenderObjectToMarkup(ph.cards), "640 × 427 JPG") {
		t.Errorf("the tab does not describe the photos (%q)", ph.count.Text)
	}

	// Fill in the words for the lead through its card's fields.
	entries := cardEntries(t, ph.cards.Objects[0])
	test.Type(entries["Alt text"], "Boats moored in a harbour at dawn")
	test.Type(entries["Caption"], "The harbour on Monday.")
	test.Type(entries["Credit"], "Pat Lens/Agency")
	// Make the map the lead instead.
	var lead *widget.Check
	walk(t, ph.cards.Objects[1], func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok && c.Text == "Lead photo" {
			lead = c
		}
	})
	test.Tap(lead)
	if !d.editor.save(true) {
		t.Fatal(d.editor.state.Text)
	}
	got := stored(t, lib, p.ID).Photos
	if len(got) != 2 || got[0].Alt != "Boats moored in a harbour at dawn" || got[0].Caption != "The harbour on Monday." ||
		got[0].Credit != "Pat Lens/Agency" || got[0].Image.Width != 640 || got[0].Lead || !got[1].Lead {
		t.Errorf("stored photos: %+v", got)
	}
	// The thumbnails are made in the background.
	waitFor(t, "the thumbnails", func() bool { return len(ph.thumbs) == 2 })

	// Dropping files on the window adds them too.
	_, more := writeFiles(t, map[string][]byte{"dropped.jpg": fixture.JPEG(200, 100, 9)})
	ph.dropped([]fyne.URI{storage.NewFileURI(more["dropped.jpg"])})
	settled(d)
	if len(d.editor.piece.Photos) != 3 {
		t.Errorf("dropping a photo left %d photos", len(d.editor.piece.Photos))
	}
}

// cardEntries finds a photo card's text fields by their form labels.
func cardEntries(t *testing.T, card fyne.CanvasObject) map[string]fyne.Focusable {
	out := map[string]fyne.Focusable{}
	walk(t, card, func(o fyne.CanvasObject) {
		f, ok := o.(*widget.Form)
		if !ok {
			return
		}
		for _, it := range f.Items {
			walk(t, it.Widget, func(o fyne.CanvasObject) {
				if _, seen := out[it.Text]; seen {
					return
				}
				switch e := o.(type) {
				case *widget.Entry:
					out[it.Text] = e
				case *widgets.LineEntry:
					out[it.Text] = e
				case *widgets.TextArea:
					out[it.Text] = e
				}
			})
		}
	})
	for _, want := range []string{"Alt text", "Caption", "Credit"} {
		if out[want] == nil {
			t.Fatalf("the card has no %s field", want)
		}
	}
	return out
}

func TestPickingSeveralPhotosFromAFolder(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Folder Story"})
	d := newTestDesk(t, lib)
	dir, _ := writeFiles(t, map[string][]byte{
		"a.jpg":    fixture.JPEG(100, 80, 1),
		"b.png":    fixture.PNG(90, 60, 2),
		"c.txt":    []byte("skip me"),
		"d.JPG":    fixture.JPEG(120, 90, 3),
		"skip.gif": []byte("GIF89a"),
	})
	d.editor.photos.pickFromFolder(dir)
	text := overlayText(d.win)
	if strings.Contains(text, "c.txt") || strings.Contains(text, "skip.gif") || !strings.Contains(text, "d.JPG") {
		t.Fatalf("the folder's list offers the wrong files:\n%s", text)
	}
	tapButton(t, d.win, "Select all")
	tapButton(t, d.win, "Add")
	settled(d)
	if n := len(d.editor.piece.Photos); n != 3 {
		t.Errorf("%d photos added from the folder, want 3", n)
	}
}

func TestDeletingAPieceCanBeUndone(t *testing.T) {
	lib := testLibrary(t, interview())
	ctx := context.Background()
	target := findByTitle(t, lib, "Newest Interview")
	other := &galley.Piece{Title: "Points To It", Related: []galley.PieceRef{{ID: target.ID}}}
	if err := lib.SavePiece(ctx, other); err != nil {
		t.Fatal(err)
	}
	d := newTestDesk(t, lib)
	d.editor.open(target.ID)
	d.editor.confirmDelete()
	tapButton(t, d.win, "Yes")
	if n, _ := lib.CountPieces(ctx, galley.Filter{}); n != 1 || d.shelf.list.Length() != 1 {
		t.Fatalf("after deleting: %d stored, %d listed", n, d.shelf.list.Length())
	}
	if d.editor.piece != nil || !d.shelf.undo.Visible() || !strings.Contains(d.shelf.count.Text, "to the trash") {
		t.Errorf("the desk does not show the deletion (count %q)", d.shelf.count.Text)
	}
	if !strings.Contains(d.shelf.count.Text, "no longer listed as related by “Points To It”") {
		t.Errorf("the deletion does not name the piece that listed it as related: %q", d.shelf.count.Text)
	}
	// Library → Trash lists it.
	tw := d.showTrash()
	if len(tw.entries) != 1 || tw.entries[0].Title != "Newest Interview" {
		t.Fatalf("the trash window lists %+v", tw.entries)
	}
	d.shelf.undoDelete()
	back := findByTitle(t, lib, "Newest Interview")
	if back == nil || back.ID != target.ID || len(back.Photos) != 1 || back.Photos[0].Caption != "A well." || len(back.QA) != 1 || back.Topics[0] != "Water" {
		t.Fatalf("undo brought back %+v", back)
	}
	tw.reload()
	if len(tw.entries) != 0 || tw.empty.Disabled() == false {
		t.Errorf("after undo the trash lists %+v", tw.entries)
	}
	if rel := findByTitle(t, lib, "Points To It").Related; len(rel) != 1 || rel[0].ID != back.ID {
		t.Errorf("the piece is not back on the related list that had it: %+v", rel)
	}
	if d.shelf.undo.Visible() || d.editor.piece == nil || d.editor.piece.ID != back.ID {
		t.Error("after undo, the desk does not show the piece")
	}
}

func TestDuplicateMakesADraftCopy(t *testing.T) {
	moved := interview()
	moved.Formerly = []string{"2024/11/newest-interview/"}
	lib := testLibrary(t, moved)
	d := newTestDesk(t, lib)
	d.runShortcut(shortcutDuplicate)
	// Its images are read and the copy saved in the background, behind
	// the working overlay.
	if !strings.Contains(overlayText(d.win), "Saving a copy") || !d.retiring {
		t.Errorf("no working overlay while the copy is saved:\n%s", overlayText(d.win))
	}
	settled(d)
	if strings.Contains(overlayText(d.win), "Saving a copy") || d.retiring {
		t.Error("the working overlay stays after the copy is saved")
	}
	c := findByTitle(t, lib, "Newest Interview (copy)")
	if c == nil || c.Status != galley.StatusDraft || len(c.Photos) != 1 || len(c.QA) != 1 || c.Slug == "newest-interview" {
		t.Fatalf("the copy: %+v", c)
	}
	// Readers of the old site's link are sent to the original, not to it.
	if len(c.Formerly) != 0 || len(findByTitle(t, lib, "Newest Interview").Formerly) != 1 {
		t.Errorf("the copy took the original's former address: %q", c.Formerly)
	}
	if d.editor.piece.ID != c.ID {
		t.Error("the desk does not show the copy")
	}
}

func TestPublishingAPieceThatFailsChecksAsksFirst(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Unfinished", QA: []galley.QA{{Question: "Why?"}}})
	d := newTestDesk(t, lib)
	e := d.editor
	if got := strings.Join(e.problems(), " "); e.checks.button.Text != checksLabel(4, 0) || !strings.Contains(got, "no byline") || !strings.Contains(got, "no summary") || !strings.Contains(got, "Question 1 has no answer") {
		t.Errorf("the checks above the editor say %q: %s", e.checks.button.Text, got)
	}
	e.story.status.SetSelected("Published")
	text := overlayText(d.win)
	if !strings.Contains(text, "no summary") || !strings.Contains(text, "no topic") {
		t.Fatalf("publishing does not list the failing checks:\n%s", text)
	}
	tapButton(t, d.win, "No")
	if e.piece.Status != galley.StatusDraft || e.story.status.Selected != "Draft" {
		t.Errorf("declining left the status at %q (%q)", e.piece.Status, e.story.status.Selected)
	}
	e.story.status.SetSelected("Published")
	tapButton(t, d.win, "Yes")
	if !e.save(true) {
		t.Fatal(e.state.Text)
	}
	p := stored(t, lib, e.piece.ID)
	if p.Status != galley.StatusPublished || p.Published.IsZero() {
		t.Errorf("after confirming: status %q, date %v", p.Status, p.Published)
	}
}

func TestExportFromTheDesk(t *testing.T) {
	lib := testLibrary(t, interview(), &galley.Piece{Title: "Private Draft"})
	d := newTestDesk(t, lib)
	out := filepath.Join(t.TempDir(), "site")
	d.exportSiteTo(out)
	settled(d)
	for _, name := range []string{"index.html", "pieces/newest-interview.html", "feed.xml", "sitemap.xml"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("the site export lacks %s", name)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "pieces", "private-draft.html")); err == nil {
		t.Error("a draft was exported into the site")
	}
	if text := overlayText(d.win); !strings.Contains(text, "Export finished") || !strings.Contains(text, "files written") {
		t.Errorf("no summary after the export:\n%s", text)
	}
	// Published photos carry their credit.
	jpgs, _ := filepath.Glob(filepath.Join(out, "images", "*.jpg"))
	if len(jpgs) == 0 {
		t.Fatal("no JPEG renditions exported")
	}
	for _, f := range jpgs {
		data, _ := os.ReadFile(f)
		if m, err := photo.ReadMetadata(data); err != nil || m.Credit != "Pat Lens/Agency" || m.HasGPS {
			t.Errorf("%s carries %+v (%v)", filepath.Base(f), m, err)
		}
	}

	// Copy HTML puts the article alone on the clipboard.
	d.editor.open(findByTitle(t, lib, "Newest Interview").ID)
	d.runShortcut(shortcutCopyHTML)
	if !d.editor.notice.Visible() || !strings.Contains(d.editor.notice.Text, "Copied the article") {
		t.Errorf("Ctrl+Shift+C does not say the HTML was copied: %q", d.editor.notice.Text)
	}
	html := d.app.Clipboard().Content()
	if !strings.HasPrefix(strings.TrimSpace(html), "<article") || !strings.Contains(html, "What about aquifers?") || strings.Contains(html, "<html") || strings.Contains(html, "<nav") {
		t.Errorf("Copy HTML gave:\n%.400s", html)
	}

	// A failed export says so and leaves the folder as it was.
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	d.exportSiteTo(filepath.Join(blocker, "site"))
	settled(d)
	if text := overlayText(d.win); !strings.Contains(text, "The export failed") {
		t.Errorf("a failed export was not reported:\n%s", text)
	}
}

func TestTheTopicManagerRenamesEverywhere(t *testing.T) {
	lib := testLibrary(t, interview())
	d := newTestDesk(t, lib)
	m := d.showTopics()
	if m.win.Title() != "Topics" || len(m.rows) != 1 || m.rows[0].pieces != 1 {
		t.Fatalf("the topic manager lists %+v", m.rows)
	}
	m.list.Select(0)
	test.Tap(m.buttons[0]) // Rename…
	var name *widget.Entry
	for _, o := range m.win.Canvas().Overlays().List() {
		walk(t, o, func(c fyne.CanvasObject) {
			if e, ok := c.(*widget.Entry); ok && name == nil {
				name = e
			}
		})
	}
	name.SetText("Groundwater")
	name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter confirms, as OK does
	m.wait()
	if overlayText(m.win) != "" || overlayText(d.win) != "" {
		t.Errorf("a working overlay stayed after the rename:\n%s%s", overlayText(m.win), overlayText(d.win))
	}
	if m.rows[0].name != "Groundwater" {
		t.Errorf("the manager lists %+v after renaming", m.rows)
	}
	if got := d.editor.piece.Topics; len(got) != 1 || got[0] != "Groundwater" {
		t.Errorf("the open piece shows topics %v after the rename", got)
	}
	if !containsOption(d.shelf.topic.Options, "Groundwater") {
		t.Errorf("the topic filter offers %v", d.shelf.topic.Options)
	}
	// The piece saves without a conflict: it was reloaded after the rename.
	test.Type(d.editor.story.summary, " More.")
	if !d.editor.save(true) {
		t.Errorf("saving after a rename failed: %s", d.editor.state.Text)
	}
}

// Merging a topic with no topic chosen to merge into says so and changes
// nothing.
func TestMergingIntoNothingSaysSo(t *testing.T) {
	p := interview()
	p.Topics = []string{"Rivers", "Dams"}
	lib := testLibrary(t, p)
	d := newTestDesk(t, lib)
	m := d.showTopics()
	m.list.Select(0)
	test.Tap(m.buttons[1]) // Merge into…
	tapButton(t, m.win, "Merge")
	if text := overlayText(m.win); !strings.Contains(text, "Choose the topic to merge") {
		t.Errorf("merging into nothing shows:\n%s", text)
	}
	if topics, _ := lib.Topics(context.Background()); len(topics) != 2 {
		t.Errorf("merging into nothing left %d topics", len(topics))
	}
}

func TestSettingsShapeTheExport(t *testing.T) {
	lib := testLibrary(t, interview())
	d := newTestDesk(t, lib)
	p := d.app.Preferences()
	// What this computer chose before the site's settings lived in the
	// library moves into a library that has none of its own, when
	// background work (an export, as here) first reads them…
	p.SetString(prefSiteName, "Basin Review")
	p.SetString(prefDateStyle, "ap")
	p.SetBool(prefKeepMeta, true)
	ctx := context.Background()
	opt, err := d.withSiteOf(ctx, d.lib, d.libGen, true, d.exportOptions())
	if err != nil || opt.SiteName != "Basin Review" || opt.DateStyle != "ap" || !opt.KeepPhotoMetadata {
		t.Errorf("export options %+v, %v", opt, err)
	}
	// …and the library's own settings, which every desk shares, win.
	if err := lib.SetSiteSettings(ctx, map[string]string{"site-name": "The Shared Review"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	d.exportSiteTo(out)
	settled(d)
	page, err := os.ReadFile(filepath.Join(out, "pieces", "newest-interview.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "The Shared Review") || !strings.Contains(string(page), "Nov. 14, 2024") {
		t.Error("the exported page does not follow the settings (the library's site name, AP dates)")
	}

	// Settings saves the site's changes into the library for everyone.
	d.showSettings()
	base := findEntryWithPlaceholder(t, d.win, "https://example.org/publications/ (optional)")
	test.Type(base, "https://example.org/review/")
	tapButton(t, d.win, "Save")
	settled(d)
	got, _ := lib.SiteSettings(ctx)
	if got["base-url"] != "https://example.org/review/" || got["site-name"] != "The Shared Review" {
		t.Errorf("after Settings → Save the library's site settings are %v", got)
	}
	if _, ok := got["date-style"]; !ok {
		t.Error("the date style this computer had chose was not carried into the library")
	}
	if checkBaseURL("ftp://x") == nil || checkBaseURL("https://example.org/") != nil || checkBaseURL("") != nil {
		t.Error("the base URL check accepts or refuses the wrong addresses")
	}
	// How revisions thin out: the defaults, then the editor's choice.
	if pol := d.revisionPolicy(); pol != store.DefaultRevisionPolicy {
		t.Errorf("default policy %+v", pol)
	}
	p.SetInt(prefKeepAll, 14)
	p.SetInt(prefKeepDaily, 10) // never shorter than the first period
	if pol := d.revisionPolicy(); pol.KeepAll != 14*24*time.Hour || pol.Daily != 14*24*time.Hour {
		t.Errorf("policy after settings %+v", pol)
	}
	if checkDays("0") == nil || checkDays("x") == nil || checkDays("30") != nil {
		t.Error("the days check accepts or refuses the wrong numbers")
	}
}

func TestTheTrashWindowRestoresAndEmpties(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "First Gone"}, &galley.Piece{Title: "Second Gone"}, &galley.Piece{Title: "Stays"})
	ctx := context.Background()
	for _, title := range []string{"First Gone", "Second Gone"} {
		if _, err := lib.DeletePiece(ctx, findByTitle(t, lib, title).ID); err != nil {
			t.Fatal(err)
		}
	}
	d := newTestDesk(t, lib)
	tw := d.showTrash()
	if len(tw.entries) != 2 || !strings.Contains(tw.note.Text, "2 pieces") {
		t.Fatalf("the trash lists %+v (%q)", tw.entries, tw.note.Text)
	}
	for i, e := range tw.entries {
		if e.Title == "First Gone" {
			tw.list.Select(i)
		}
	}
	test.Tap(tw.restore)
	if d.editor.piece == nil || d.editor.piece.Title != "First Gone" || len(tw.entries) != 1 {
		t.Fatalf("after restoring: desk shows %v, trash %+v", d.editor.piece, tw.entries)
	}
	test.Tap(tw.empty)
	tapButton(t, tw.win, "Yes")
	if len(tw.entries) != 0 || tw.note.Text != "The trash is empty." {
		t.Errorf("after emptying: %+v (%q)", tw.entries, tw.note.Text)
	}
	if n, _ := lib.CountPieces(ctx, galley.Filter{}); n != 2 {
		t.Errorf("%d pieces in the library, want 2", n)
	}
}

func TestPhotoDetailsAreEditedAndKeywordsSuggestTopics(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Delta", Photos: []galley.Photo{{Data: fixture.JPEG(40, 30, 7), Caption: "Silt.", Keywords: []string{"Silt", "River mouth"}}}})
	d := newTestDesk(t, lib)
	e := d.editor
	e.selectTab(e.photos.content)
	var entries []*widget.Entry
	walk(t, e.photos.cards.Objects[0], func(o fyne.CanvasObject) {
		if f, ok := o.(*widget.Form); ok && len(f.Items) == 6 {
			for _, it := range f.Items {
				entries = append(entries, it.Widget.(*widget.Entry))
			}
		}
	})
	if len(entries) != 6 || entries[5].Text != "Silt, River mouth" {
		t.Fatalf("the details form: %d fields", len(entries))
	}
	entries[0].SetText("Lena Oduya")
	entries[3].SetText("Deltaville")
	entries[5].SetText("Silt, River mouth, Sediment")
	if !e.save(true) {
		t.Fatal(e.state.Text)
	}
	ph := stored(t, lib, e.piece.ID).Photos[0]
	if ph.Photographer != "Lena Oduya" || ph.City != "Deltaville" || len(ph.Keywords) != 3 {
		t.Errorf("stored details: %+v", ph)
	}
	e.selectTab(e.topics.content)
	if text := test.RenderObjectToMarkup(e.topics.matches); !strings.Contains(text, "River mouth") || !strings.Contains(text, "Sediment") {
		t.Errorf("the photo's keywords are not suggested as topics:\n%s", text)
	}
}

func TestTheNextExportStartsWhereTheLastOneSucceeded(t *testing.T) {
	d := newTestDesk(t, testLibrary(t, interview()))
	good := filepath.Join(t.TempDir(), "site")
	d.exportSiteTo(good)
	settled(d)
	if got := d.app.Preferences().String(prefExportDir); got != good {
		t.Fatalf("after a successful export the next one starts in %q, want %q", got, good)
	}
	// A folder the export refuses is not offered again.
	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.exportSiteTo(foreign)
	settled(d)
	if !strings.Contains(overlayText(d.win), "not empty") {
		t.Errorf("the refused export was not reported:\n%s", overlayText(d.win))
	}
	if got := d.app.Preferences().String(prefExportDir); got != good {
		t.Errorf("after a refused export the next one starts in %q, want %q", got, good)
	}
}

func TestAFailedExportIsNotCalledCancelled(t *testing.T) {
	lib := testLibrary(t, interview())
	d := newTestDesk(t, lib)
	// The piece goes away underneath (another window deleted it): its
	// export fails, and says why rather than "cancelled".
	if _, err := lib.DeletePiece(context.Background(), d.editor.piece.ID); err != nil {
		t.Fatal(err)
	}
	d.exportPieceTo(filepath.Join(t.TempDir(), "piece"))
	settled(d)
	text := overlayText(d.win)
	if strings.Contains(text, "cancelled") || !strings.Contains(text, "The export failed") || !strings.Contains(text, d.editor.piece.Slug) {
		t.Errorf("a failed export was reported as:\n%s", text)
	}
}

// TestChecksFollowTypingAndKeepTheTabsInPlace: the checks are run again on
// the words as typed once typing pauses, not only on saving ("Question 1
// is empty" stayed while it was filled), and the line that counts them
// keeps the tabs where they are as checks come and go (the banner of the
// checks grew from one line to three and pushed the tabs down).
func TestChecksFollowTypingAndKeepTheTabsInPlace(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Interview", Summary: "An intro.", Topics: []string{"Water"},
		Contributors: []galley.Contributor{{Name: "Ada Quill"}}, QA: []galley.QA{{}}})
	d, q := queuedDesk(t, lib)
	e := d.editor
	e.checks.delay = time.Millisecond
	tabsAt := func() fyne.Position { return fyne.CurrentApp().Driver().AbsolutePositionForObject(e.tabs) }
	before := tabsAt()
	if e.checks.button.Text != checksLabel(1, 0) || !strings.Contains(strings.Join(e.problems(), " "), "Question 1 is empty") {
		t.Fatalf("the checks say %q: %v", e.checks.button.Text, e.problems())
	}
	handedOver := func() {
		t.Helper()
		// Each key restarts the pause; the hand-overs of the timers it
		// stopped too late do nothing. waitFor runs them as they come.
		waitFor(t, "the checks after typing", func() bool { return !e.checks.pause.Due() })
		pump(d, q)
	}
	e.selectTab(e.qa.content)
	row := e.qa.rows[0]
	test.Type(row.question, "Why now?")
	handedOver()
	if e.checks.list[0].Message != "Question 1 has no answer." {
		t.Errorf("after typing the question, the checks say %v", e.checks.list)
	}
	test.Type(row.answer, "Because the season is dry.")
	handedOver()
	if e.checks.button.Text != checksLabel(0, 0) || len(e.checks.list) != 0 {
		t.Errorf("after typing the answer, the checks say %q: %v", e.checks.button.Text, e.checks.list)
	}
	if !e.dirty {
		t.Error("the piece was saved: the checks must follow the words before they are saved")
	}
	if after := tabsAt(); after != before {
		t.Errorf("the tabs moved from %v to %v as the checks went", before, after)
	}
	// The list under the button takes the editor to the part to put right.
	row.answer.SetText("")
	handedOver()
	e.tabs.SelectIndex(0)
	test.Tap(e.checks.button)
	if e.checks.popup == nil || !strings.Contains(test.RenderObjectToMarkup(e.checks.popup), "Question 1 has no answer.") {
		t.Fatal("the checks' button does not list them")
	}
	tapButton(t, d.win, "Show")
	if e.tabs.Selected().Content != e.qa.content || e.checks.popup != nil {
		t.Error("Show does not go to the Q&A tab")
	}
}

// TestTheSidebarKeepsItsWidthThroughADeleteAndItsUndo: the messages under
// the list ("Moved … to the trash.", "… is back from the trash.") with
// Undo beside them once widened the shelf past the divider, which jumped.
func TestTheSidebarKeepsItsWidthThroughADeleteAndItsUndo(t *testing.T) {
	long := &galley.Piece{Title: "Transboundary Water Cooperation in the Upper Basin: What Two Decades of Joint Monitoring Taught the Commission"}
	lib := testLibrary(t, interview(), long)
	d := newTestDesk(t, lib)
	d.win.Resize(fyne.NewSize(960, 700))
	split := d.split
	offset, width := split.Offset, d.shelf.content.Size().Width
	d.editor.open(findByTitle(t, lib, long.Title).ID)
	d.editor.confirmDelete()
	tapButton(t, d.win, "Yes")
	// A real window lays its content out again every frame the minimum
	// sizes change; the test canvas when asked.
	split.Refresh()
	if got := d.shelf.content.Size().Width; got != width {
		t.Errorf("after the delete the shelf is %v wide, was %v", got, width)
	}
	d.shelf.undoDelete()
	split.Refresh()
	if split.Offset != offset || d.shelf.content.Size().Width != width {
		t.Errorf("after the undo: offset %v, shelf %v wide; before: %v, %v", split.Offset, d.shelf.content.Size().Width, offset, width)
	}
}

func TestADeletionNamesThePiecesThatListedIt(t *testing.T) {
	refs := []galley.PieceRef{{ID: 1, Title: "River Talks"}, {ID: 2, Slug: "basin-data"}, {ID: 3, Title: "C"}, {ID: 4, Title: "D"}, {ID: 5, Title: "E"}}
	for _, c := range []struct {
		n    int
		want string
	}{
		{0, "Moved “Dams” to the trash."},
		{2, "Moved “Dams” to the trash. It is no longer listed as related by “River Talks” and basin-data; Undo delete puts it back there."},
		{5, "Moved “Dams” to the trash. It is no longer listed as related by “River Talks”, basin-data, “C” and 2 others; Undo delete puts it back there."},
	} {
		if got := deletedMessage("“Dams”", refs[:c.n]); got != c.want {
			t.Errorf("listed by %d:\n got %s\nwant %s", c.n, got, c.want)
		}
	}
}

// Before deleting a piece others list as related, the confirmation names
// them.
func TestDeletingAPieceOthersListSaysWhichFirst(t *testing.T) {
	dams := &galley.Piece{Title: "Dams"}
	lib := testLibrary(t, dams)
	for _, title := range []string{"River Talks", "Basin Data"} {
		if err := lib.SavePiece(context.Background(), &galley.Piece{Title: title, Related: []galley.PieceRef{{ID: dams.ID}}}); err != nil {
			t.Fatal(err)
		}
	}
	d := newTestDesk(t, lib)
	d.editor.open(dams.ID)
	d.editor.confirmDelete()
	if text := overlayText(d.win); !strings.Contains(text, "listed as related by “Basin Data” and “River Talks”") {
		t.Errorf("the confirmation says:\n%s", text)
	}
	tapButton(t, d.win, "No")
	if _, err := lib.Piece(context.Background(), dams.ID); err != nil {
		t.Errorf("declining deleted the piece: %v", err)
	}
}

// findEntryWithPlaceholder finds the entry showing placeholder in the
// window's dialogs.
func findEntryWithPlaceholder(t *testing.T, w fyne.Window, placeholder string) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	for _, o := range w.Canvas().Overlays().List() {
		walk(t, o, func(c fyne.CanvasObject) {
			if e, ok := c.(*widget.Entry); ok && e.PlaceHolder == placeholder && found == nil {
				found = e
			}
		})
	}
	if found == nil {
		t.Fatalf("no entry %q in the dialogs", placeholder)
	}
	return found
}
