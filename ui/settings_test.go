package ui

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/site"
	"app.galley/galley/internal/store"
)

// TestSettingsTakeTheBaseURLsTheExportTakes asks Settings' field, the
// saved setting's rule and the export's own check about the same
// addresses: they must give the expected answer alike. A base URL Settings
// let through that the export refused would break every export until the
// editor found the setting again.
func TestSettingsTakeTheBaseURLsTheExportTakes(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"", true}, // unset: links stay relative
		{"https://example.org/", true},
		{"http://example.org/news", true},
		{"HTTPS://Example.org/Publications/", true},
		{"  https://example.org/review/  ", true}, // the field's spaces are trimmed
		{"https://example.org/it's", false},
		{`https://example.org/"quoted"`, false},
		{"https://example.org/<b>", false},
		{"https://example.org/two words/", false},
		{"https://", false},
		{"example.org/news/", false},
		{"ftp://example.org/", false},
		{"javascript:alert(1)", false},
		{"mailto:desk@example.org", false},
	} {
		field := checkBaseURL(c.url)
		saved, setting := site.Check("base-url", c.url)
		exported := export.CheckBaseURL(strings.TrimSpace(c.url))
		if (field == nil) != c.ok || (setting == nil) != c.ok || (exported == nil) != c.ok {
			t.Errorf("%q: Settings' field says %v, the setting %v, the export %v; want accepted %v", c.url, field, setting, exported, c.ok)
			continue
		}
		// What the setting keeps is what the export is then given.
		if c.ok {
			if err := export.CheckBaseURL(saved); err != nil {
				t.Errorf("%q is kept as %q, which the export refuses: %v", c.url, saved, err)
			}
		}
	}
}

// oldSitePrefs sets the site's settings where this computer kept them
// before they lived in the library.
func oldSitePrefs(p fyne.Preferences) map[string]string {
	p.SetString(prefSiteName, "Basin Review")
	p.SetString(prefBaseURL, "https://example.org/review/")
	p.SetString(prefDateStyle, "ap")
	return map[string]string{"site-name": "Basin Review", "base-url": "https://example.org/review/", "date-style": "ap"}
}

// oldPrefsLeft are those of the old site preferences still set.
func oldPrefsLeft(p fyne.Preferences) []string {
	var left []string
	for _, key := range legacySitePrefs {
		if p.String(key) != "" {
			left = append(left, key)
		}
	}
	return left
}

// desksOptionsAreTheLibrarys fails the test unless the desk exports lib
// with the options galley html gives it — this computer's own, with the
// library's site settings alone applied — and returns them.
func desksOptionsAreTheLibrarys(t *testing.T, d *Desk, lib siteKeeper) export.Options {
	t.Helper()
	ctx := context.Background()
	settings, err := lib.SiteSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := d.exportOptions()
	if err := site.Apply(settings, &want); err != nil {
		t.Fatal(err)
	}
	got, err := d.withSite(ctx, d.exportOptions())
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("the desk exports with %+v (%v); the library's settings alone give %+v", got, err, want)
	}
	return got
}

// exportedPage exports the desk's library and reads the page at page.
func exportedPage(t *testing.T, d *Desk, page string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "site")
	d.exportSiteTo(out)
	settled(d)
	data, err := os.ReadFile(filepath.Join(out, page))
	if err != nil {
		t.Fatalf("%s\n%s", err, overlayText(d.win))
	}
	tapButton(t, d.win, "Close")
	return string(data)
}

// TestOldSitePreferencesMoveIntoOneLibraryOnce: the site's settings this
// computer kept before they lived in the library move into the first
// library opened without settings of its own, and are forgotten here; a
// library opened afterwards exports with its own settings alone, as
// galley html does, never with another library's base URL.
func TestOldSitePreferencesMoveIntoOneLibraryOnce(t *testing.T) {
	a := test.NewTempApp(t)
	p := a.Preferences()
	old := oldSitePrefs(p)
	first := testLibrary(t, interview())
	d := queuedNewDesk(t, a, first)
	opened(t, d)
	d.SetAutosaveDelay(time.Hour)
	d.Window().Resize(fyne.NewSize(1280, 800))
	t.Cleanup(func() { stopped(t, d) })
	settled(d)

	// Opening the first library moved them, without an export.
	ctx := context.Background()
	if got, _ := first.SiteSettings(ctx); !reflect.DeepEqual(got, old) {
		t.Errorf("the first library opened holds the site settings %v, want this computer's old %v", got, old)
	}
	if left := oldPrefsLeft(p); len(left) > 0 {
		t.Errorf("the old preferences %v are still set after the move", left)
	}
	if opt := desksOptionsAreTheLibrarys(t, d, first); opt.BaseURL != "https://example.org/review/" {
		t.Errorf("the first library exports with the base URL %q", opt.BaseURL)
	}
	page := exportedPage(t, d, piecePage("newest-interview"))
	if !strings.Contains(page, `href="https://example.org/review/pieces/newest-interview.html"`) || !strings.Contains(page, "Basin Review") {
		t.Errorf("the first library's page does not carry the moved base URL and site name:\n%s", page)
	}

	// Another library without settings gets none of them.
	d.SetLibraryOpener(first.Path(), openStore, func() error { return nil })
	d.switchLibrary(libraryFile(t, interview()), false)
	opened(t, d)
	settled(d)
	t.Cleanup(func() { d.closeLib() })
	second := d.lib.(*store.Store)
	if got, _ := second.SiteSettings(ctx); len(got) != 0 {
		t.Errorf("the second library was given the site settings %v", got)
	}
	if opt := desksOptionsAreTheLibrarys(t, d, second); opt.BaseURL != "" || opt.SiteName == "Basin Review" {
		t.Errorf("the second library exports with the first's base URL %q or site name %q", opt.BaseURL, opt.SiteName)
	}
	if page := exportedPage(t, d, piecePage("newest-interview")); strings.Contains(page, "example.org") || strings.Contains(page, "Basin Review") {
		t.Errorf("the second library's page carries the first's settings:\n%s", page)
	}
	if got, _ := first.SiteSettings(ctx); !reflect.DeepEqual(got, old) {
		t.Errorf("the first library's site settings became %v", got)
	}
}

// siteRefused is a team library where the user may not change the
// site's settings: the server refuses the write.
type siteRefused struct {
	*store.Store
	tried *int
}

func (l siteRefused) SetSiteSettings(context.Context, map[string]string) error {
	*l.tried++
	return galley.Errorf(galley.EInvalid, "Only an editor changes the site's settings on this team library.")
}

// TestOldSitePreferencesALibraryRefusesStayForTheNext: a library that will
// not take this computer's old site settings (a writer on a team library)
// opens and exports with its own settings alone, says nothing, and is not
// asked again at every export; the next library opened without settings
// takes them.
func TestOldSitePreferencesALibraryRefusesStayForTheNext(t *testing.T) {
	a := test.NewTempApp(t)
	p := a.Preferences()
	old := oldSitePrefs(p)
	tried := 0
	team := siteRefused{testLibrary(t, interview()), &tried}
	d := queuedNewDesk(t, a, team)
	opened(t, d)
	d.SetAutosaveDelay(time.Hour)
	d.Window().Resize(fyne.NewSize(1280, 800))
	t.Cleanup(func() { stopped(t, d) })
	settled(d)
	if d.editor.piece == nil || overlayText(d.win) != "" {
		t.Errorf("the library that refused the settings did not open quietly:\n%s", overlayText(d.win))
	}
	if left := oldPrefsLeft(p); len(left) != len(old) {
		t.Errorf("only %v of the old preferences are kept after a library refused them", left)
	}
	if opt := desksOptionsAreTheLibrarys(t, d, team); opt.BaseURL != "" {
		t.Errorf("the library that refused them exports with the base URL %q", opt.BaseURL)
	}
	if page := exportedPage(t, d, piecePage("newest-interview")); strings.Contains(page, "example.org") {
		t.Error("the library that refused the settings exports with them")
	}
	if tried != 1 {
		t.Errorf("the library was asked to take the settings %d times", tried)
	}

	d.SetLibraryOpener(team.Path(), openStore, func() error { return nil })
	d.switchLibrary(libraryFile(t, interview()), false)
	opened(t, d)
	settled(d)
	t.Cleanup(func() { d.closeLib() })
	if got, _ := d.lib.(*store.Store).SiteSettings(context.Background()); !reflect.DeepEqual(got, old) {
		t.Errorf("the next library opened holds the site settings %v, want %v", got, old)
	}
	if left := oldPrefsLeft(p); len(left) > 0 {
		t.Errorf("the old preferences %v are still set", left)
	}
}
