package export

import (
	"encoding/xml"
	"time"

	"app.galley/galley/internal/galley"
)

// feedSize is how many of the newest pieces the Atom feed carries.
const feedSize = 20

type (
	atomFeed struct {
		XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		Title   string      `xml:"title"`
		ID      string      `xml:"id"`
		Updated string      `xml:"updated"`
		Links   []atomLink  `xml:"link"`
		Author  atomPerson  `xml:"author"`
		Entries []atomEntry `xml:"entry"`
	}
	atomLink struct {
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
		Href string `xml:"href,attr"`
	}
	atomPerson struct {
		Name string `xml:"name"`
	}
	atomEntry struct {
		Title      string         `xml:"title"`
		ID         string         `xml:"id"`
		Links      []atomLink     `xml:"link"`
		Published  string         `xml:"published,omitempty"`
		Updated    string         `xml:"updated"`
		Summary    string         `xml:"summary,omitempty"`
		Authors    []atomPerson   `xml:"author"`
		Categories []atomCategory `xml:"category"`
	}
	atomCategory struct {
		Term string `xml:"term,attr"`
	}
	sitemapSet struct {
		XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []sitemapURL `xml:"url"`
	}
	sitemapURL struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
)

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// address is where a site file is found from outside: absolute with a base
// URL, else relative to the top of the site (where the feed and sitemap
// are).
func (s *site) address(path string) string { return s.opt.BaseURL + path }

// feedEntries are the pieces in the feed: the newest published ones.
func (s *site) feedEntries() []*galley.Entry {
	var out []*galley.Entry
	for _, e := range s.entries {
		if e.Status == galley.StatusPublished && len(out) < feedSize {
			out = append(out, e)
		}
	}
	return out
}

func (s *site) feedInputs() any {
	var vs []int64
	for _, e := range s.feedEntries() {
		vs = append(vs, e.ID, e.Version)
	}
	return vs
}

// feed writes the Atom feed. Its times come from the pieces, not from the
// clock, so exporting twice gives the same bytes.
func (s *site) feed() ([]byte, error) {
	f := atomFeed{
		Title:  s.opt.SiteName,
		ID:     s.siteID(),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: s.address("feed.xml")}, {Rel: "alternate", Type: "text/html", Href: s.address(indexPath(1))}},
		Author: atomPerson{Name: s.opt.SiteName},
	}
	var newest time.Time
	for _, e := range s.feedEntries() {
		if e.Updated.After(newest) {
			newest = e.Updated
		}
		entry := atomEntry{
			Title: e.Title, ID: s.pieceID(e), Updated: stamp(e.Updated), Summary: e.Summary,
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: s.address(piecePath(e.Slug))}},
		}
		if !e.Published.IsZero() {
			entry.Published = stamp(e.Published.Time())
		}
		for _, c := range e.Contributors {
			entry.Authors = append(entry.Authors, atomPerson{Name: c.Name})
		}
		for _, t := range e.Topics {
			entry.Categories = append(entry.Categories, atomCategory{Term: t})
		}
		f.Entries = append(f.Entries, entry)
	}
	if newest.IsZero() {
		newest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	f.Updated = stamp(newest)
	return marshalXML(f)
}

// siteID and pieceID are the feed's permanent identifiers: the addresses
// when there is a base URL, else tag URIs made from the site's name.
func (s *site) siteID() string {
	if s.opt.BaseURL != "" {
		return s.opt.BaseURL
	}
	return "tag:galley," + "2026:" + galley.Slugify(s.opt.SiteName)
}

func (s *site) pieceID(e *galley.Entry) string {
	if s.opt.BaseURL != "" {
		return s.address(piecePath(e.Slug))
	}
	return s.siteID() + "/" + e.Slug
}

func (s *site) sitemapInputs() any {
	var vs []int64
	for _, e := range s.entries {
		vs = append(vs, e.ID, e.Version)
	}
	return vs
}

// sitemap lists every piece page and the publications index. Without a
// base URL its addresses are relative, which search engines do not take:
// set one for a sitemap to submit.
func (s *site) sitemap() ([]byte, error) {
	set := sitemapSet{URLs: []sitemapURL{{Loc: s.address(indexPath(1))}}}
	for _, e := range s.entries {
		if e.Status != galley.StatusPublished {
			continue // drafts are kept out of search engines
		}
		set.URLs = append(set.URLs, sitemapURL{Loc: s.address(piecePath(e.Slug)), LastMod: stamp(e.Updated)})
	}
	return marshalXML(set)
}

func marshalXML(v any) ([]byte, error) {
	out, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
