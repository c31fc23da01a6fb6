package ui

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/desktop"
	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// exportReport is the text of the "Export finished" dialog on d's window,
// as the editor reads it.
func exportReport(t *testing.T, d *Desk) string {
	t.Helper()
	var report string
	for _, o := range d.win.Canvas().Overlays().List() {
		walk(t, o, func(c fyne.CanvasObject) {
			if l, ok := c.(*widget.Label); ok && strings.Contains(l.Text, "files written") {
				report = l.Text
			}
		})
	}
	if !strings.Contains(overlayText(d.win), "Export finished") || report == "" {
		t.Fatalf("no export report on the desk:\n%s", overlayText(d.win))
	}
	return report
}

// The editor exports the site from the desk (File → Export Site…, the
// desktop's chooser answering with a folder): without a base URL the
// report's "Worth a look" tells what the site misses and how to set one;
// once Settings has saved one, the next export's report does not.
func TestTheExportReportAsksForABaseURLOnlyWithoutOne(t *testing.T) {
	d := newTestDesk(t, testLibrary(t, interview()))
	var out string
	d.SetChooser(func(context.Context, desktop.Request) (string, error) { return out, nil })
	exportSite := func(dir string) string {
		t.Helper()
		out = dir
		if !d.runShortcut(shortcutExportSite) {
			t.Fatal("Export Site… did not run")
		}
		settled(d)
		if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
			t.Fatalf("the site was not exported into %s: %v", dir, err)
		}
		return exportReport(t, d)
	}

	report := exportSite(filepath.Join(t.TempDir(), "site"))
	if !strings.Contains(report, "Worth a look:") || !strings.Contains(report, "• "+export.NoBaseURLAdvice) {
		t.Errorf("exported without a base URL, the report does not say what it misses:\n%s", report)
	}
	tapButton(t, d.win, "Close")

	d.showSettings()
	test.Type(findEntryWithPlaceholder(t, d.win, "https://example.org/publications/ (optional)"), "https://example.org/review/")
	tapButton(t, d.win, "Save")
	settled(d)
	report = exportSite(filepath.Join(t.TempDir(), "site"))
	if strings.Contains(report, export.NoBaseURLAdvice) || strings.Contains(report, "There is no base URL") {
		t.Errorf("with a base URL saved, the report still asks for one:\n%s", report)
	}
	page, err := os.ReadFile(filepath.Join(out, "pieces", "newest-interview.html"))
	if err != nil || !strings.Contains(string(page), "https://example.org/review/") {
		t.Errorf("the second export did not take the base URL (%v)", err)
	}
}

// folderState is every file and folder under dir, as its mode, time and
// bytes: two states compare equal only when nothing under dir was
// written, removed, renamed or touched.
func folderState(t *testing.T, dir string) map[string]string {
	t.Helper()
	state := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := e.Info()
		if err != nil {
			return err
		}
		if e.IsDir() {
			state[rel+"/"] = info.Mode().String()
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		state[rel] = fmt.Sprintf("%s %s %x", info.Mode(), info.ModTime().Format(time.RFC3339Nano), sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return state
}

// sameState reports how after differs from before, "" when it does not.
func sameState(before, after map[string]string) string {
	var diff []string
	for p, s := range before {
		if a, ok := after[p]; !ok {
			diff = append(diff, "removed "+p)
		} else if a != s {
			diff = append(diff, "changed "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			diff = append(diff, "added "+p)
		}
	}
	slices.Sort(diff)
	return strings.Join(diff, "\n")
}

// htmlPages are the pages of the site exported into dir.
func htmlPages(t *testing.T, dir string) map[string]bool {
	t.Helper()
	pages := map[string]bool{}
	for p := range folderState(t, dir) {
		if strings.HasSuffix(p, ".html") {
			pages[filepath.ToSlash(p)] = true
		}
	}
	return pages
}

// namedLibrary is a library file called name, holding pieces, open for
// the test.
func namedLibrary(t *testing.T, name string, pieces ...*galley.Piece) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), name))
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

// exportingTo makes File → Export Site… on d export into the folder
// *out names, as the desktop's chooser answers, and returns a function
// that runs it and waits for the desk to settle.
func exportingTo(t *testing.T, d *Desk, out string) func() {
	d.SetChooser(func(context.Context, desktop.Request) (string, error) { return out, nil })
	return func() {
		t.Helper()
		if !d.runShortcut(shortcutExportSite) {
			t.Fatal("Export Site… did not run")
		}
		settled(d)
	}
}

// dialogMessage is the whole text of the label in d's dialogs that holds
// part, as the editor reads it ("" when there is none): the markup
// overlayText gives breaks a long message into its wrapped lines.
func dialogMessage(t *testing.T, d *Desk, part string) string {
	t.Helper()
	var msg string
	for _, o := range d.win.Canvas().Overlays().List() {
		walk(t, o, func(c fyne.CanvasObject) {
			if l, ok := c.(*widget.Label); ok && strings.Contains(l.Text, part) {
				msg = l.Text
			}
		})
	}
	return msg
}

// replaceQuestion is the message of the desk's "Replace the site?"
// question, failing when the desk does not ask it.
func replaceQuestion(t *testing.T, d *Desk) string {
	t.Helper()
	text := overlayText(d.win)
	if !strings.Contains(text, "Replace the site?") {
		t.Fatalf("the desk did not ask before replacing the site; the dialogs show:\n%s", text)
	}
	if strings.Contains(text, "Export finished") {
		t.Fatalf("the desk exported before the editor answered:\n%s", text)
	}
	msg := dialogMessage(t, d, "Replace what is there with this export?")
	if msg == "" {
		t.Fatalf("the question does not ask whether to replace what is there:\n%s", text)
	}
	return msg
}

// The editor exports one library's site into a folder, opens another
// library and exports its site into the same folder: the desk asks
// first, naming the library whose site is there. No leaves the folder
// (and the manifest beside it) exactly as it was; Yes puts the second
// library's site there in place of the first's, after which that folder
// is the second library's and is no longer asked about.
func TestExportingOverAnotherLibrarysSiteAsksFirst(t *testing.T) {
	first := namedLibrary(t, "Basin Review.galley", interview())
	second := libraryFile(t, &galley.Piece{Title: "Tides of the Estuary", Type: "Analysis", Status: galley.StatusPublished,
		Published: galley.Date{Year: 2025, Month: 3, Day: 2}, Topics: []string{"Coasts"}, Body: "The tide comes in."})
	d := newTestDesk(t, first)
	d.SetLibraryOpener(first.Path(), openStore, func() error { return nil })
	parent := t.TempDir() // the site and the manifest Galley keeps beside it
	out := filepath.Join(parent, "site")
	export := exportingTo(t, d, out)

	export()
	exportReport(t, d)
	tapButton(t, d.win, "Close")
	firstPages, firstFiles := htmlPages(t, out), folderState(t, out)
	if !firstPages["pieces/newest-interview.html"] {
		t.Fatalf("the first library's site was not exported: %v", firstPages)
	}

	d.switchLibrary(second, false)
	opened(t, d)
	t.Cleanup(func() { d.CloseLibrary() })
	before := folderState(t, parent)

	export()
	text := replaceQuestion(t, d)
	if want := "The folder " + out + " holds the site of another library (" + first.Path() + "); nothing was changed."; !strings.Contains(text, want) {
		t.Errorf("the question does not say whose site is there (%q):\n%s", want, text)
	}
	tapButton(t, d.win, "No")
	settled(d)
	if diff := sameState(before, folderState(t, parent)); diff != "" {
		t.Errorf("answering No changed the folder:\n%s", diff)
	}
	if text := overlayText(d.win); strings.Contains(text, "Replace the site?") || strings.Contains(text, "Export finished") || strings.Contains(text, "failed") {
		t.Errorf("after No the desk still shows:\n%s", text)
	}

	export()
	replaceQuestion(t, d)
	tapButton(t, d.win, "Yes")
	settled(d)
	report := exportReport(t, d)
	pages := htmlPages(t, out)
	if !pages["pieces/tides-of-the-estuary.html"] || pages["pieces/newest-interview.html"] {
		t.Errorf("after Yes the folder does not hold the second library's site alone: %v", pages)
	}
	if want := fmt.Sprintf("%d removed.", filesGone(firstFiles, folderState(t, out))); !strings.Contains(report, want) {
		t.Errorf("the report does not count the first site's files that went (%s):\n%s", want, report)
	}
	tapButton(t, d.win, "Close")

	// The folder is now the second library's: its next export asks nothing.
	export()
	if text := overlayText(d.win); strings.Contains(text, "Replace the site?") {
		t.Fatalf("the replaced folder is still asked about:\n%s", text)
	}
	exportReport(t, d)
}

// piecesOnTheirOwn are n published pieces, each with a topic and a
// contributor of its own, so each has pages of its own on the site.
func piecesOnTheirOwn(n int) []*galley.Piece {
	pieces := make([]*galley.Piece, n)
	for i := range pieces {
		pieces[i] = &galley.Piece{
			Title: fmt.Sprintf("Field Note %d", i+1), Type: "Analysis", Status: galley.StatusPublished,
			Published:    galley.Date{Year: 2024, Month: time.Month(1 + i), Day: 3},
			Topics:       []string{fmt.Sprintf("Valley %d", i+1)},
			Contributors: []galley.Contributor{{Name: fmt.Sprintf("Writer %d", i+1)}},
			Body:         "What was seen.",
		}
	}
	return pieces
}

// An export that would remove most of the pages of the site in its
// folder (most pieces deleted since the last export) is asked about, the
// question giving the figures; No leaves the folder as it was, Yes
// exports the smaller site and the report counts what it removed.
func TestAnExportRemovingMostPagesAsksFirst(t *testing.T) {
	ctx := context.Background()
	pieces := piecesOnTheirOwn(6)
	lib := testLibrary(t, pieces...)
	d := newTestDesk(t, lib)
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	export := exportingTo(t, d, out)

	export()
	exportReport(t, d)
	tapButton(t, d.win, "Close")
	oldPages := htmlPages(t, out)
	oldFiles := folderState(t, out)
	for _, p := range pieces[1:] {
		if _, err := lib.DeletePiece(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	before := folderState(t, parent)

	export()
	text := replaceQuestion(t, d)
	m := regexp.MustCompile(`would remove (\d+) of the (\d+) pages of the site in (\S+);`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the question does not say how many pages would go:\n%s", text)
	}
	gone, total := atoi(t, m[1]), atoi(t, m[2])
	if total != len(oldPages) || 2*gone <= total || m[3] != out {
		t.Errorf("the question says %d of %d pages in %s; the folder %s holds %d", gone, total, m[3], out, len(oldPages))
	}
	tapButton(t, d.win, "No")
	settled(d)
	if diff := sameState(before, folderState(t, parent)); diff != "" {
		t.Errorf("answering No changed the folder:\n%s", diff)
	}
	if text := overlayText(d.win); strings.Contains(text, "Replace the site?") || strings.Contains(text, "Export finished") {
		t.Errorf("after No the desk still shows:\n%s", text)
	}

	export()
	replaceQuestion(t, d)
	tapButton(t, d.win, "Yes")
	settled(d)
	report := exportReport(t, d)
	pages := htmlPages(t, out)
	if len(pages) != total-gone {
		t.Errorf("the question said %d of %d pages would go; %d are left", gone, total, len(pages))
	}
	if !pages["pieces/field-note-1.html"] {
		t.Error("the piece kept has no page")
	}
	for _, p := range pieces[1:] {
		if pages["pieces/"+p.Slug+".html"] {
			t.Errorf("the deleted %s still has a page", p.Slug)
		}
	}
	removed := filesGone(oldFiles, folderState(t, out))
	if want := fmt.Sprintf("%d removed.", removed); !strings.Contains(report, want) {
		t.Errorf("%d files went; the report says:\n%s", removed, report)
	}
}

// filesGone counts the files of before that after lacks.
func filesGone(before, after map[string]string) int {
	n := 0
	for p := range before {
		if _, ok := after[p]; !ok && !strings.HasSuffix(p, "/") {
			n++
		}
	}
	return n
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
