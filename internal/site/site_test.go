package site_test

import (
	"strings"
	"testing"

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
	// A setting that no longer holds is named, not dropped.
	err := site.Apply(map[string]string{"templates": "/no/such/folder"}, &export.Options{})
	if err == nil || !strings.Contains(err.Error(), "templates setting") {
		t.Errorf("a templates folder gone = %v", err)
	}
}
