package galley

import (
	"path"
	"strings"
	"unicode/utf8"
)

// maxFormerAddress is the longest former address kept, in bytes.
const maxFormerAddress = 1000

// reservedTop are the export's own top-level names: a former address
// under one of them would stand where the export writes its own pages.
var reservedTop = map[string]bool{
	"pieces": true, "topics": true, "types": true, "people": true, "photos": true,
	"assets": true, "index.html": true, "feed.xml": true, "sitemap.xml": true, "robots.txt": true,
}

// CheckFormerAddress reports whether s can be one of a piece's former
// addresses: a path under the site's base address, as a static site
// serves it ("2018/05/a-pilot-on-fog/" or "news/old-page.html"), without
// a scheme, host, query or fragment, without "." or ".." steps, and not
// where the export writes pages of its own.
func CheckFormerAddress(s string) error {
	switch {
	case s == "":
		return Errorf(EInvalid, "A former address is empty.")
	case len(s) > maxFormerAddress:
		return Errorf(EInvalid, "The former address %.60q… is too long (%d bytes; the limit is %d).", s, len(s), maxFormerAddress)
	case !utf8.ValidString(s) || strings.ContainsAny(s, "?#\\\x00") || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return Errorf(EInvalid, "The former address %q is not a path: give it without a query (?…), a fragment (#…), backslashes or control characters.", s)
	case strings.HasPrefix(s, "/") || strings.Contains(s, "://"):
		return Errorf(EInvalid, "The former address %q must be a path under the site's address, without a leading slash: for example \"2018/05/a-pilot-on-fog/\".", s)
	}
	clean := path.Clean(s)
	if strings.HasSuffix(s, "/") {
		clean += "/"
	}
	if clean != s || strings.HasPrefix(s, "../") || s == ".." || s == "." {
		return Errorf(EInvalid, "The former address %q has empty, \".\" or \"..\" steps.", s)
	}
	top, _, _ := strings.Cut(s, "/")
	// Compared without case: on a Mac, Windows or a case-blind bucket
	// "Pieces/" is "pieces/".
	if reservedTop[strings.ToLower(top)] {
		return Errorf(EInvalid, "The former address %q is where the export writes pages of its own (%s).", s, top)
	}
	return nil
}

// FormerPage is the file a former address is served from: the address
// itself when it names a page ("news/old.html"), or its index.html when
// it names a folder ("2018/05/a-pilot-on-fog/", or without the slash).
func FormerPage(s string) string {
	if strings.HasSuffix(s, ".html") || strings.HasSuffix(s, ".htm") {
		return s
	}
	return strings.TrimSuffix(s, "/") + "/index.html"
}
