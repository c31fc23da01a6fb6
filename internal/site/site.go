// Package site holds the site's settings: its name, address, language,
// time zone, date style, templates and where it is published. They live in the
// library (store.SiteSettings), so every editor's desk and the command
// line export and publish the same site; this package names them, checks
// each value once for all of them, and turns them into export options.
package site

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/text/language"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/publish"
)

// Setting is one of the site's settings.
type Setting struct {
	Name    string // as `galley settings set` takes it
	Help    string
	Default string // what an unset setting means, shown as is
	check   func(string) (string, error)
}

// Settings lists every setting, in the order they are shown.
var Settings = []Setting{
	{Name: "site-name", Help: "the site's name, in every page's title and header", Default: "Publications",
		check: func(v string) (string, error) { return strings.Join(strings.Fields(v), " "), nil }},
	{Name: "base-url", Help: "the address the site lives at, for canonical links, the feed, the sitemap and links from chosen pieces", Default: "none: links stay relative",
		check: func(v string) (string, error) {
			v = strings.TrimSpace(v)
			if err := export.CheckBaseURL(v); err != nil {
				return "", err
			}
			if v != "" && !strings.HasSuffix(v, "/") {
				v += "/"
			}
			return v, nil
		}},
	{Name: "language", Help: "the pages' language, as a BCP 47 tag (en, en-GB, fr, ar)", Default: "en",
		check: func(v string) (string, error) {
			v = strings.TrimSpace(v)
			if v == "" {
				return "", nil
			}
			tag, err := language.Parse(v)
			if err != nil {
				return "", galley.Errorf(galley.EInvalid, "%q is not a language tag; write it like en, en-GB or fr.", v)
			}
			return tag.String(), nil
		}},
	{Name: "time-zone", Help: "where the site is, as an IANA name (America/New_York): a publication date starts at midnight there", Default: "UTC",
		check: func(v string) (string, error) {
			v = strings.TrimSpace(v)
			if v == "" {
				return "", nil
			}
			if _, err := time.LoadLocation(v); err != nil || v == "Local" {
				return "", galley.Errorf(galley.EInvalid, "%q is not a time zone; write it like America/New_York, Europe/Berlin or UTC.", v)
			}
			return v, nil
		}},
	{Name: "feed", Help: "what the Atom feed carries of each piece: summary, or full (the whole text)", Default: "summary",
		check: func(v string) (string, error) {
			switch v = strings.ToLower(strings.TrimSpace(v)); v {
			case "", "summary", "full":
				return v, nil
			}
			return "", galley.Errorf(galley.EInvalid, "The feed carries a summary or the full text of each piece: summary or full, not %q.", v)
		}},
	{Name: "redirects", Help: "pages (a page at each old address that sends readers on), or file (also a _redirects file of 301s, for Netlify and Cloudflare Pages)", Default: "pages",
		check: func(v string) (string, error) {
			switch v = strings.ToLower(strings.TrimSpace(v)); v {
			case "", "pages", "file":
				return v, nil
			}
			return "", galley.Errorf(galley.EInvalid, "Old addresses get redirect pages, or a _redirects file too: pages or file, not %q.", v)
		}},
	{Name: "date-style", Help: "long (Tuesday, July 17, 2018) or ap (July 17, 2018)", Default: "long",
		check: func(v string) (string, error) {
			if strings.TrimSpace(v) == "" {
				return "", nil
			}
			s, err := export.ParseDateStyle(strings.TrimSpace(v))
			return string(s), err
		}},
	{Name: "templates", Help: "a folder of templates replacing the built-in ones (a path on each computer that exports)", Default: "the built-in templates",
		check: func(v string) (string, error) {
			v = strings.TrimSpace(v)
			if v == "" {
				return "", nil
			}
			if fi, err := os.Stat(v); err != nil || !fi.IsDir() {
				return "", galley.Errorf(galley.EInvalid, "There is no folder %s for the templates.", v)
			}
			// Kept whole: the next export may run from another folder.
			return filepath.Abs(v)
		}},
	{Name: "publish-to", Help: "where galley publish and the desk's Publish put the site: sftp://user@host[:port]/path, or a git remote and branch, REMOTE#gh-pages", Default: "none: give --to",
		check: func(v string) (string, error) {
			v = strings.TrimSpace(v)
			if v == "" {
				return "", nil
			}
			d, err := publish.ParseDestination(v)
			if err != nil {
				return "", err
			}
			return d.String(), nil
		}},
}

// Check returns value as the setting name keeps it, or an error naming
// what is wrong. An empty value unsets the setting.
func Check(name, value string) (string, error) {
	for _, s := range Settings {
		if s.Name == name {
			return s.check(value)
		}
	}
	names := make([]string, len(Settings))
	for i, s := range Settings {
		names[i] = s.Name
	}
	return "", galley.Errorf(galley.EInvalid, "There is no site setting %q; the settings are %s.", name, strings.Join(names, ", "))
}

// Apply fills what the library's settings say into opt, where opt does not
// already say otherwise (a command line flag given for this run).
// A setting that no longer checks (a templates folder gone) is an error
// naming it, not silently dropped.
func Apply(settings map[string]string, opt *export.Options) error {
	for _, st := range Settings {
		v, ok := settings[st.Name]
		if !ok || given(opt, st.Name) {
			continue
		}
		checked, err := st.check(v)
		if err != nil {
			return galley.Errorf(galley.EInvalid, "The library's %s setting: %s", st.Name, galley.ErrorMessage(err))
		}
		put(opt, st.Name, checked)
	}
	return nil
}

// Override puts value, checked by the setting's own rule, into opt: a
// flag given for one run, which the library's settings then leave alone.
// Names that are not export options (publish-to) are ignored.
func Override(opt *export.Options, name, value string) error {
	checked, err := Check(name, value)
	if err != nil {
		return err
	}
	put(opt, name, checked)
	return nil
}

// put sets the export option a setting names, from a checked value.
func put(opt *export.Options, name, v string) {
	switch name {
	case "site-name":
		opt.SiteName = v
	case "base-url":
		opt.BaseURL = v
	case "language":
		opt.Lang = v
	case "templates":
		opt.TemplateDir = v
	case "date-style":
		opt.DateStyle = export.DateStyle(v)
	case "time-zone":
		if v != "" {
			opt.TimeZone, _ = time.LoadLocation(v) // checked
		}
	case "feed":
		opt.FeedFullText = v == "full"
	case "redirects":
		opt.RedirectsFile = v == "file"
	}
}

// given reports whether opt already says what the setting name would.
func given(opt *export.Options, name string) bool {
	switch name {
	case "site-name":
		return opt.SiteName != ""
	case "base-url":
		return opt.BaseURL != ""
	case "language":
		return opt.Lang != ""
	case "templates":
		return opt.TemplateDir != ""
	case "date-style":
		return opt.DateStyle != ""
	case "time-zone":
		return opt.TimeZone != nil
	case "feed":
		return opt.FeedFullText
	case "redirects":
		return opt.RedirectsFile
	}
	return true // not an export option
}
