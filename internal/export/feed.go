package export

import (
	"context"
	"crypto/sha1"
	"encoding/xml"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
)

// feedSize is how many of the newest pieces the Atom feed carries.
const feedSize = 20

type (
	atomFeed struct {
		XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		Lang    string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"` // the site's language
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
		Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"` // a piece's own language
		Title      string         `xml:"title"`
		ID         string         `xml:"id"`
		Links      []atomLink     `xml:"link"`
		Published  string         `xml:"published,omitempty"`
		Updated    string         `xml:"updated"`
		Summary    string         `xml:"summary,omitempty"`
		Content    *atomContent   `xml:"content,omitempty"`
		Authors    []atomPerson   `xml:"author"`
		Categories []atomCategory `xml:"category"`
	}
	// atomContent is a piece's whole text, as escaped HTML.
	atomContent struct {
		Type string `xml:"type,attr"`
		Body string `xml:",chardata"`
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

// dayStamp is a publication date as a time: the start of that day where
// the site is (Options.TimeZone), so a piece published on July 17 is not
// the evening of July 16 for readers in the Americas.
func (s *site) dayStamp(d galley.Date) string { return s.dayStart(d).Format(time.RFC3339) }

func (s *site) dayStart(d galley.Date) time.Time {
	loc := s.opt.TimeZone
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// modified is when a piece last changed, as its page, feed entry and
// sitemap line say: never before its publication, the start of that day
// where the site is. A piece imported without times was stamped with its
// publication date at midnight UTC, hours before that day begins in the
// Americas, and one may carry a date later than its last edit; a feed
// reader or search engine takes a change before publication for an error.
func (s *site) modified(published galley.Date, updated time.Time) time.Time {
	if published.IsZero() {
		return updated
	}
	if start := s.dayStart(published); updated.Before(start) {
		return start
	}
	return updated
}

// address is where a site file is found from outside: absolute with a base
// URL, else relative to the top of the site (where the feed and sitemap
// are).
func (s *site) address(path string) string { return s.opt.BaseURL + escapePath(path) }

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
func (s *site) feed(ctx context.Context) ([]byte, error) {
	f := atomFeed{
		Title:  s.opt.SiteName,
		ID:     s.siteID(),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: s.address("feed.xml")}, {Rel: "alternate", Type: "text/html", Href: s.address(indexPath(1))}},
		Author: atomPerson{Name: s.opt.SiteName}, Lang: s.opt.Lang,
	}
	var newest time.Time
	for _, e := range s.feedEntries() {
		changed := s.modified(e.Published, e.Updated)
		if changed.After(newest) {
			newest = changed
		}
		entry := atomEntry{
			Title: e.Title, ID: s.pieceID(e), Updated: stamp(changed), Summary: e.Summary,
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: s.address(piecePath(e.Slug))}},
		}
		entry.Lang, _ = s.ownLanguage(e.Lang)
		if !e.Published.IsZero() {
			entry.Published = s.dayStamp(e.Published)
		}
		for _, c := range e.Contributors {
			entry.Authors = append(entry.Authors, atomPerson{Name: c.Name})
		}
		if s.opt.FeedFullText {
			content, err := s.fullText(ctx, e)
			if err != nil {
				return nil, err
			}
			entry.Content = &atomContent{Type: "html", Body: content}
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

// siteID and pieceID are the feed's permanent identifiers. A feed reader
// shows again every entry whose id changed, so they depend on nothing that
// changes: not on the base URL (set one later, and addresses change), not
// on the slug or the site's name, but on the library's lasting identity
// (store.Identity, carried by its copies and backups) and the piece's
// number in it, as name-based UUIDs. A library whose identity is unknown
// (read-only) falls back to its addresses.
func (s *site) siteID() string {
	if s.opt.Library != "" {
		return nameUUID(s.opt.Library, "site")
	}
	if s.opt.BaseURL != "" {
		return s.opt.BaseURL
	}
	// ASCII whatever the name's script: a tag URI is, and an id must not
	// change when slugs learn new letters.
	return "tag:galley," + "2026:" + galley.ASCIISlug(s.opt.SiteName)
}

func (s *site) pieceID(e *galley.Entry) string {
	if s.opt.Library != "" {
		return nameUUID(s.opt.Library, "piece/"+strconv.FormatInt(e.ID, 10))
	}
	if s.opt.BaseURL != "" {
		return s.address(piecePath(e.Slug))
	}
	return s.siteID() + "/" + e.Slug
}

// galleyNamespace is the UUID namespace of Galley's feed identifiers.
var galleyNamespace = [16]byte{0x5c, 0x8e, 0x1d, 0x3a, 0x92, 0x4b, 0x4f, 0x2e, 0xa1, 0x07, 0x6d, 0x3c, 0x58, 0xe9, 0x0b, 0x71}

// nameUUID is the version 5 (SHA-1, name-based) UUID of library and name,
// as a urn:uuid: URI (RFC 9562).
func nameUUID(library, name string) string {
	h := sha1.New()
	h.Write(galleyNamespace[:])
	h.Write([]byte(library + "\x00" + name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func (s *site) sitemapInputs() any {
	var vs []any
	for _, e := range s.entries {
		vs = append(vs, e.ID, e.Version)
	}
	for _, v := range []*vocabulary{s.topics, s.types, s.people} {
		for _, k := range sortedKeys(v.names) {
			vs = append(vs, v.path(v.names[k], 1))
		}
	}
	return vs
}

// sitemap lists every published piece's page, the publications index and
// the first page of every topic, type and contributor, each with when it
// last changed: the newest change among the pieces it shows. Without a
// base URL its addresses are relative, which search engines do not take:
// set one for a sitemap to submit.
func (s *site) sitemap() ([]byte, error) {
	var newest time.Time
	lists := map[string]time.Time{} // list page → its newest piece's change
	seen := func(path string, t time.Time) {
		if t.After(lists[path]) {
			lists[path] = t
		}
	}
	var pieces []sitemapURL
	for _, e := range s.entries {
		if e.Status != galley.StatusPublished {
			continue // drafts are kept out of search engines
		}
		changed := s.modified(e.Published, e.Updated)
		pieces = append(pieces, sitemapURL{Loc: s.address(piecePath(e.Slug)), LastMod: stamp(changed)})
		if changed.After(newest) {
			newest = changed
		}
		for _, t := range e.Topics {
			seen(s.topics.page(t), changed)
		}
		if e.Type != "" {
			seen(s.types.page(e.Type), changed)
		}
		for _, c := range e.Contributors {
			seen(s.people.page(c.Name), changed)
		}
	}
	home := sitemapURL{Loc: s.canonical(indexPath(1))}
	if home.Loc == "" {
		home.Loc = indexPath(1)
	}
	if !newest.IsZero() {
		home.LastMod = stamp(newest)
	}
	set := sitemapSet{URLs: append([]sitemapURL{home}, pieces...)}
	for _, path := range sortedKeys(lists) {
		if path != "" {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.address(path), LastMod: stamp(lists[path])})
		}
	}
	return marshalXML(set)
}

// robots lets every crawler in and, with a base URL, names the sitemap.
func (s *site) robots() ([]byte, error) {
	b := []byte("User-agent: *\nAllow: /\n")
	if s.opt.BaseURL != "" {
		b = append(b, "Sitemap: "+s.address("sitemap.xml")+"\n"...)
	}
	return b, nil
}

func marshalXML(v any) ([]byte, error) {
	out, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// fullText is a piece's words for a feed reader: the body, then each
// question and its answer, as HTML (the feed escapes it).
func (s *site) fullText(ctx context.Context, e *galley.Entry) (string, error) {
	p, err := s.src.Piece(ctx, e.ID)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	body, err := s.body.Render(p.Body)
	if err != nil {
		return "", err
	}
	b.WriteString(string(body))
	for _, qa := range p.QA {
		answer, err := s.answer.Render(qa.Answer)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "\n<h2>Q: %s</h2>\n%s", html.EscapeString(qa.Question), answer)
	}
	return strings.TrimSpace(b.String()), nil
}
