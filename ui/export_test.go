package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/desktop"
	"app.galley/galley/internal/export"
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
