package galley

import (
	"regexp"
	"strings"
)

// A SiteFile is a file of the site's own that the library keeps and every
// site export copies, as it is, to the top of the site: a favicon, a logo,
// a CNAME or _redirects for the host, a robots.txt of the site's own.
type SiteFile struct {
	Name string // the file's name at the top of the site
	Data []byte // its bytes; nil in a listing
	Size int64
}

// MaxSiteFile is the largest site file the library keeps: a logo or an
// icon, not a video.
const MaxSiteFile = 5 << 20

// siteFileName is a plain file name: letters, digits, dots, hyphens and
// underscores, not starting with a dot (no hidden files, no "..").
var siteFileName = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$`)

// madeByExport are the names at the top of a site that the export writes
// itself: a site file of that name would be overwritten or would break
// the site. robots.txt is not among them: a site file replaces the one
// the export writes.
var madeByExport = map[string]bool{
	"index.html": true, "style.css": true, "feed.xml": true, "sitemap.xml": true,
	"pieces": true, "topics": true, "types": true, "people": true, "images": true,
}

// CheckSiteFile reports whether a file named name, of size bytes, may be a
// site file, with a message naming what is wrong when it may not.
func CheckSiteFile(name string, size int64) error {
	switch {
	case !siteFileName.MatchString(name):
		return Errorf(EInvalid, "%q cannot be a site file's name: use letters, digits, dots, hyphens and underscores (favicon.ico, logo.svg, CNAME, _redirects), not starting with a dot.", name)
	case madeByExport[strings.ToLower(name)] || strings.HasPrefix(strings.ToLower(name), "page-") && strings.HasSuffix(strings.ToLower(name), ".html"):
		return Errorf(EInvalid, "%q is made by the export itself; a site file cannot take its place.", name)
	case size > MaxSiteFile:
		return Errorf(EInvalid, "%q is %d bytes; a site file can be at most %d MB.", name, size, MaxSiteFile>>20)
	}
	return nil
}
