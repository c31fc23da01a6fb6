// Package export writes publish-ready HTML: a whole site (publications
// index, piece pages, topic, type and contributor pages, an Atom feed, a
// sitemap and one stylesheet), a few pieces, or one article as a fragment
// to paste into another CMS. The command line and the desk both call it.
//
// Pages come from html/template, so every field is escaped for where it
// lands; Markdown is rendered without raw HTML and with unsafe links
// removed. Published photos are resized and re-encoded, carrying their
// caption, credit and other words as XMP and IPTC and nothing else of the
// original file (no GPS position, no camera EXIF) unless
// Options.KeepPhotoMetadata says otherwise. Output is deterministic (the
// same library gives the same bytes), atomic (built beside the
// destination and swapped in) and incremental (unchanged files are linked
// from the previous export, not rewritten).
package export

import (
	"context"
	"net/url"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
)

// Source is what an export reads: one consistent view of the library, such
// as a store snapshot.
type Source interface {
	Catalog(ctx context.Context, statuses ...galley.Status) ([]galley.Entry, error)
	Piece(ctx context.Context, id int64) (*galley.Piece, error)
	ImageData(ctx context.Context, hash string) ([]byte, error)
}

// Options say what to export and how it looks.
type Options struct {
	SiteName string // shown in every page's header; default "Publications"
	BaseURL  string // e.g. "https://example.org/news/"; gives canonical links and absolute feed and sitemap URLs
	Lang     string // the pages' language; default "en"
	// TimeZone is where the site is: a publication date is the start of
	// that day there, in the feed. Default UTC.
	TimeZone  *time.Location
	DateStyle DateStyle // default DateLong

	// TemplateDir names a folder of templates replacing the defaults.
	TemplateDir string
	// IncludeDrafts puts unpublished pieces in a site export, each marked
	// as a draft on its page and kept out of search engines.
	IncludeDrafts bool
	// Pieces, when not empty, exports only the pieces with these slugs
	// (whatever their status), with their photos and the stylesheet.
	Pieces []string
	// Fragment writes each chosen piece's article alone, without page,
	// head or navigation, as <slug>.html. Its ids start with the slug
	// ("<slug>-q1"), so they cannot collide with the page it is pasted
	// into.
	Fragment bool
	// BodyOnly, with Fragment, leaves out the article's header (type
	// label, title, summary, byline, date, topics): the other CMS has
	// fields of its own for those.
	BodyOnly bool
	// FeedFullText puts each piece's whole text (body, questions and
	// answers) in the Atom feed, not only its summary.
	FeedFullText bool
	// RedirectsFile writes, beside the redirect pages at old addresses
	// (renamed topics, pieces' addresses on the site they came from), a
	// _redirects file with a permanent redirect for each, which Netlify
	// and Cloudflare Pages serve as a real 301. A _redirects of the
	// site's own files comes first in it, as written.
	RedirectsFile bool

	// KeepPhotoMetadata copies the original files' metadata (EXIF, XMP
	// and IPTC, GPS position and camera details included) into every
	// rendition untouched, but for the EXIF orientation, set upright as
	// the renditions are; this is for JPEG originals, PNG and WebP ones
	// give renditions without metadata. By default (false) the photo's
	// words (caption, credit, photographer, alt text, copyright, place,
	// date and keywords) are written into every JPEG as XMP and IPTC and
	// into every PNG as XMP, and everything else the original carried,
	// GPS position and camera EXIF included, is dropped.
	KeepPhotoMetadata bool

	// Library is the lasting identity of the library exported (see
	// store.Store.Identity) and LibraryName where it is, as it may be
	// shown (never a password): the folder remembers them, and an export
	// of another library there is refused unless Replace is set.
	Library, LibraryName string
	// Replace lets the export replace a site that is not, or no longer,
	// this library's: another library's, another kind of export, or one
	// of which this export would remove most pages (see ReplaceError).
	// Files Galley did not export are never replaced.
	Replace bool

	PageSize   int                   // cards per list page; default 20
	ImageCache string                // folder keeping resized photos between exports; "" for none
	Workers    int                   // photos resized at once; default the number of CPUs
	Progress   func(done, total int) // called as files are finished, from any goroutine
}

// Report says what an export did.
type Report struct {
	Pages     int      // HTML pages in the export
	Images    int      // image files in the export
	Written   int      // files whose bytes are new
	Unchanged int      // files kept from the previous export as they were
	Removed   int      // files of the previous export no longer part of it
	Problems  []string // things an editor may want to fix, none fatal
	// NoBaseURL is set when a site was exported without a base URL; say
	// NoBaseURLAdvice.
	NoBaseURL bool
}

// NoBaseURLAdvice is what to tell an editor who exported a site without a
// base URL.
const NoBaseURLAdvice = "There is no base URL: the pages' social cards, canonical links and JSON-LD, the feed and the sitemap need the site's address to be complete (galley settings set base-url https://…, or Settings in the desk)."

func (o Options) withDefaults() Options {
	if strings.TrimSpace(o.SiteName) == "" {
		o.SiteName = "Publications"
	}
	if o.Lang == "" {
		o.Lang = "en"
	}
	if o.DateStyle == "" {
		o.DateStyle = DateLong
	}
	if o.PageSize <= 0 {
		o.PageSize = 20
	}
	if o.BaseURL != "" && !strings.HasSuffix(o.BaseURL, "/") {
		o.BaseURL += "/"
	}
	return o
}

// CheckBaseURL accepts only web addresses for the base URL: it is written
// into every canonical link and feed entry.
func CheckBaseURL(u string) error {
	if u == "" {
		return nil
	}
	lower := strings.ToLower(u)
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host == "" || !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") || strings.ContainsAny(u, " \t\n\"'<>") {
		return galley.Errorf(galley.EInvalid, "The base URL %q is not a web address; write it like https://example.org/publications/.", u)
	}
	return nil
}
