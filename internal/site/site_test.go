package site_test

import (
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/site"
)

func TestEachSettingIsCheckedByOneRule(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, in, want, err string }{
		{"site-name", "  The   Basin Review ", "The Basin Review", ""},
		{"base-url", "https://example.org/basin", "https://example.org/basin/", ""},
		{"base-url", "https://", "", "not a web address"},
		{"base-url", "https://example.org/it's", "", "not a web address"},
		{"base-url", "", "", ""},
		{"language", "en-gb", "en-GB", ""},
		{"language", "english please", "", "not a language tag"},
		{"date-style", "AP", "ap", ""},
		{"date-style", "fancy", "", "not a date style"},
		{"redirects", "File", "file", ""},
		{"redirects", "htaccess", "", "pages or file"},
		{"templates", dir, dir, ""},
		{"templates", dir + "/missing", "", "no folder"},
		{"publish-to", "sftp://deploy@example.org:2222/var/www/site/", "sftp://deploy@example.org:2222/var/www/site", ""},
		{"publish-to", "sftp://deploy:pw@example.org/site", "", "password"},
		{"feed", "Full", "full", ""},
		{"feed", "everything", "", "summary or full"},
		{"time-zone", " America/New_York ", "America/New_York", ""},
		{"time-zone", "Europe/Atlantis", "", "not a time zone"},
		{"time-zone", "Local", "", "not a time zone"}, // this computer's, which another editor's is not
		{"time-zone", "", "", ""},
		{"colour", "red", "", "no site setting"},
	} {
		got, err := site.Check(tc.name, tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s %q: %q, %v; want an error saying %q", tc.name, tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s %q = %q, %v; want %q", tc.name, tc.in, got, err, tc.want)
		}
	}
}

func TestTheLibrarysSettingsFillWhatTheRunDidNotSay(t *testing.T) {
	settings := map[string]string{"site-name": "Basin Review", "base-url": "https://example.org/", "date-style": "ap", "language": "fr"}
	opt := export.Options{SiteName: "Just Today"}
	if err := site.Apply(settings, &opt); err != nil {
		t.Fatal(err)
	}
	if opt.SiteName != "Just Today" || opt.BaseURL != "https://example.org/" || opt.DateStyle != export.DateAP || opt.Lang != "fr" {
		t.Errorf("options = %+v", opt)
	}
	// The rest of the settings, each filled when the run did not say.
	dir := t.TempDir()
	more := map[string]string{"time-zone": "America/New_York", "feed": "full", "redirects": "file", "templates": dir}
	opt = export.Options{}
	if err := site.Apply(more, &opt); err != nil {
		t.Fatal(err)
	}
	if opt.TimeZone == nil || opt.TimeZone.String() != "America/New_York" || !opt.FeedFullText || !opt.RedirectsFile || opt.TemplateDir != dir {
		t.Errorf("options from the rest = %+v", opt)
	}
	// A run that names its own time zone keeps it.
	berlin, _ := time.LoadLocation("Europe/Berlin")
	opt = export.Options{TimeZone: berlin}
	if err := site.Apply(more, &opt); err != nil || opt.TimeZone != berlin {
		t.Errorf("the run's time zone became %v (%v)", opt.TimeZone, err)
	}
	// A setting that no longer holds is named, not dropped.
	err := site.Apply(map[string]string{"templates": "/no/such/folder"}, &export.Options{})
	if err == nil || !strings.Contains(err.Error(), "templates setting") {
		t.Errorf("a templates folder gone = %v", err)
	}
}
