package ui

import (
	"strings"
	"testing"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/site"
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
