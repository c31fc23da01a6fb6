package ui

import (
	"context"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/desktop"
	"app.galley/galley/internal/galley"
)

// tapCheck ticks the check labelled label in the window's dialogs.
func tapCheck(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	var found *widget.Check
	for _, o := range w.Canvas().Overlays().List() {
		walk(t, o, func(c fyne.CanvasObject) {
			if b, ok := c.(*widget.Check); ok && b.Text == label && found == nil {
				found = b
			}
		})
	}
	if found == nil {
		t.Fatalf("no %q check in the dialogs:\n%s", label, overlayText(w))
	}
	test.Tap(found)
}

// wordpressExport is a folder holding a copy of the export WordPress
// wrote for the archive's tests (export.xml) and its uploads folder.
func wordpressExport(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "internal", "archive", "testdata", "wordpress"))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDeskImportsAWordPressExport imports the export WordPress wrote for
// the archive's tests through File → Import From WordPress or Ghost, as
// an editor who brought the export and its uploads folder from the old
// server: the folder beside it is offered, interviews are structured,
// the shelf lists the pieces and the report says what needs a look.
func TestDeskImportsAWordPressExport(t *testing.T) {
	dir := wordpressExport(t)
	lib := testLibrary(t)
	d := newTestDesk(t, lib)
	if d.showArchiveForm(filepath.Join(dir, "export.xml")) == nil {
		t.Fatal("the form did not open")
	}
	if text := overlayText(d.win); !strings.Contains(text, filepath.Join(dir, "uploads")) || !strings.Contains(text, "Import from WordPress") {
		t.Errorf("the form does not offer the uploads folder beside the export:\n%s", text)
	}
	tapCheck(t, d.win, "Make interviews questions and answers")
	tapButton(t, d.win, "Import")
	settled(d)
	text := overlayText(d.win)
	for _, want := range []string{"13 created, 0 updated, 0 unchanged", "Not imported: 2 pages", "structured as an interview: 3 questions and answers", "script: alert(1)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report does not say %q:\n%s", want, text)
		}
	}
	p := findByTitle(t, lib, "Talking tides with a port ecologist")
	if p == nil || len(p.QA) != 3 || p.Status != galley.StatusPublished {
		t.Fatalf("the interview came in as %+v", p)
	}
	if lead := findByTitle(t, lib, "Café culture at the docks ☕").LeadPhoto(); lead == nil || lead.Alt == "" {
		t.Error("the featured image did not become the lead photo")
	}
	if d.shelf.pages.Len() != 13 {
		t.Errorf("the shelf lists %d pieces", d.shelf.pages.Len())
	}

	// A file that is no export is said to be so, and nothing opens.
	other := filepath.Join(dir, "notes.json")
	os.WriteFile(other, []byte(`{"notes": []}`), 0o644)
	if d.showArchiveForm(other) != nil {
		t.Error("a form opened for a file that is no export")
	}
	if text := overlayText(d.win); !strings.Contains(text, "neither a WordPress export") {
		t.Errorf("no word that the file is no export:\n%s", text)
	}
}

// TestDeskAsksWhichWinsWhenBothChanged imports an export, edits one of
// its pieces here, then imports the export again after the post changed
// on the old site: the desk says both changed and that nothing was
// imported, and imports again keeping the edit or taking the post's, as
// the editor chooses.
func TestDeskAsksWhichWinsWhenBothChanged(t *testing.T) {
	dir := wordpressExport(t)
	lib := testLibrary(t)
	d := newTestDesk(t, lib)
	importFile := func(path string) {
		t.Helper()
		if d.showArchiveForm(path) == nil {
			t.Fatal("the form did not open")
		}
		tapButton(t, d.win, "Import")
		settled(d)
	}
	importFile(filepath.Join(dir, "export.xml"))
	tapButton(t, d.win, "Close")
	p := findByTitle(t, lib, "Why small ports still matter in a big-ship world")
	p.Body += "\n\nA paragraph added on the desk."
	if err := lib.SavePiece(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "export.xml"))
	if err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(dir, "changed.xml")
	os.WriteFile(changed, []byte(strings.Replace(string(data), "big-ship world]]></title>", "world of big ships]]></title>", 1)), 0o644)

	body := func() string {
		got, err := lib.PieceBySlug(context.Background(), p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		return got.Title + "\n" + got.Body
	}
	importFile(changed)
	if text := overlayWords(d.win); !strings.Contains(text, "edited in the library since it was last imported, and its post changed on the other site too. Nothing was imported.") {
		t.Fatalf("the desk does not say both changed:\n%s", text)
	}
	tapButton(t, d.win, "Keep the edits made here")
	settled(d)
	if text := overlayWords(d.win); !strings.Contains(text, "1 edited here since the last import and kept as edited ("+p.Slug+")") {
		t.Errorf("the report does not say the edit was kept:\n%s", text)
	}
	if got := body(); !strings.Contains(got, "added on the desk") {
		t.Fatalf("keeping the edits lost them:\n%s", got)
	}
	tapButton(t, d.win, "Close")

	importFile(changed)
	tapButton(t, d.win, "Take the old site's versions")
	settled(d)
	if text := overlayWords(d.win); !strings.Contains(text, "1 updated") {
		t.Errorf("the report does not say the piece was updated:\n%s", text)
	}
	if got := body(); strings.Contains(got, "added on the desk") || !strings.Contains(got, "world of big ships") {
		t.Errorf("taking the old site's version left:\n%s", got)
	}
}

// overlayWords is the text the dialogs show, its wrapped lines joined
// again with a space.
func overlayWords(w fyne.Window) string {
	var words []string
	for _, m := range textRun.FindAllStringSubmatch(overlayText(w), -1) {
		words = append(words, html.UnescapeString(m[1]))
	}
	return strings.Join(strings.Fields(strings.Join(words, " ")), " ")
}

var textRun = regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)

// TestTheDesktopsChooserIsAskedFirst gives the desk a desktop file
// chooser (the portal's, tested with real processes in internal/desktop;
// here the answers it gives): an import asks it for an export, starting
// where the last import's was, and opens the import form on its choice;
// a cancel opens nothing; a desktop without one falls back to Fyne's
// dialog, and is not asked again.
func TestTheDesktopsChooserIsAskedFirst(t *testing.T) {
	dir := wordpressExport(t)
	d := newTestDesk(t, testLibrary(t))
	var asked []desktop.Request
	answer := filepath.Join(dir, "export.xml")
	var fail error
	d.SetChooser(func(ctx context.Context, r desktop.Request) (string, error) {
		asked = append(asked, r)
		return answer, fail
	})
	d.askImportArchive()
	settled(d)
	if len(asked) != 1 || asked[0].Folder || !slices.Equal(asked[0].Exts, []string{".xml", ".json"}) || asked[0].Accept != "Import" {
		t.Fatalf("the chooser was asked %+v", asked)
	}
	if text := overlayWords(d.win); !strings.Contains(text, "Import from WordPress") {
		t.Fatalf("the chosen export's form did not open:\n%s", text)
	}
	tapButton(t, d.win, "Cancel")

	answer = "" // the editor cancels
	d.askImportArchive()
	settled(d)
	if len(asked) != 2 || asked[1].Start != dir {
		t.Errorf("the second time the chooser started in %q, want %q, the last export's folder", asked[len(asked)-1].Start, dir)
	}
	if n := len(d.win.Canvas().Overlays().List()); n != 0 {
		t.Errorf("a cancel left %d dialogs open", n)
	}

	fail = fmt.Errorf("%w: nobody home", desktop.ErrUnavailable)
	d.askImportArchive()
	settled(d)
	if d.chooser != nil || len(d.win.Canvas().Overlays().List()) != 1 {
		t.Fatalf("without a desktop chooser: chooser kept %v, %d dialogs", d.chooser != nil, len(d.win.Canvas().Overlays().List()))
	}
	if _, ok := d.win.Canvas().Overlays().Top().(*widget.PopUp); !ok {
		t.Errorf("the fallback is %T, not Fyne's dialog", d.win.Canvas().Overlays().Top())
	}
}
