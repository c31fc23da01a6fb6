package galley

import (
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxFormerAddress is the longest former address kept, in bytes.
const maxFormerAddress = 1000

// reservedTop are the export's own top-level names: a former address
// under one of them would stand where the export writes its own pages.
var reservedTop = map[string]bool{
	"pieces": true, "topics": true, "types": true, "people": true, "photos": true, "images": true,
	"assets": true, "index.html": true, "style.css": true, "feed.xml": true, "sitemap.xml": true,
	"robots.txt": true, "_redirects": true,
}

// windowsDevices are the names Windows keeps for its devices, with any
// extension: a folder or file "con" or "aux.html" cannot be made there,
// so an export holding one could not be copied to a Windows machine.
var windowsDevices = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true}

// isWindowsDevice reports whether the step names a Windows device.
func isWindowsDevice(step string) bool {
	base, _, _ := strings.Cut(strings.ToLower(step), ".")
	if windowsDevices[base] {
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "com") || strings.HasPrefix(base, "lpt")) && base[3] >= '0' && base[3] <= '9'
}

// queryAddress is a former address that is a query of the site's home:
// WordPress answers "?p=123" (a post) and "?page_id=45" (a page) for
// every post, whatever its permalinks, and shortlinks use them.
var queryAddress = regexp.MustCompile(`^\?(?:p|page_id)=[1-9][0-9]{0,18}$`)

// IsQueryAddress reports whether the former address s is a query of the
// site's home ("?p=123"): no page can stand there, only a host's
// redirect rule (see FormerPage).
func IsQueryAddress(s string) bool { return queryAddress.MatchString(s) }

// CheckFormerAddress reports whether s can be one of a piece's former
// addresses: a path under the site's base address, as a static site
// serves it ("2018/05/a-pilot-on-fog/" or "news/old-page.html"), without
// a scheme, host, query or fragment, without "." or ".." steps, and not
// where the export writes pages of its own; or a WordPress query of the
// site's home ("?p=123", "?page_id=45", see IsQueryAddress). Each step must be a name a
// file can have on Windows and macOS too, since an export is copied to
// such machines and served from them: no <>:"|*, no device name such as
// "con", no step ending in a dot or a space.
func CheckFormerAddress(s string) error {
	if IsQueryAddress(s) {
		return nil
	}
	switch {
	case s == "":
		return Errorf(EInvalid, "An old address is empty.")
	case len(s) > maxFormerAddress:
		return Errorf(EInvalid, "The old address %.60q… is too long (%d bytes; the limit is %d).", s, len(s), maxFormerAddress)
	case !utf8.ValidString(s) || strings.ContainsAny(s, "?#\\\x00") || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return Errorf(EInvalid, "The old address %q is not a path: give it without a query (?…), a fragment (#…), backslashes or control characters.", s)
	case strings.HasPrefix(s, "/") || strings.Contains(s, "://"):
		return Errorf(EInvalid, "The old address %q must be a path under the site's address, without a leading slash: for example \"2018/05/a-pilot-on-fog/\".", s)
	}
	clean := path.Clean(s)
	if strings.HasSuffix(s, "/") {
		clean += "/"
	}
	if clean != s || strings.HasPrefix(s, "../") || s == ".." || s == "." {
		return Errorf(EInvalid, "The old address %q has empty, \".\" or \"..\" steps.", s)
	}
	for _, step := range strings.Split(strings.TrimSuffix(s, "/"), "/") {
		switch {
		case strings.ContainsAny(step, `<>:"|*`):
			return Errorf(EInvalid, "The old address %q holds a character a file name cannot have on Windows (<>:\"|*).", s)
		case strings.HasSuffix(step, ".") || strings.HasSuffix(step, " "):
			return Errorf(EInvalid, "The old address %q has a step ending in a dot or a space, which Windows drops from file names.", s)
		case isWindowsDevice(step):
			return Errorf(EInvalid, "The old address %q has a step Windows keeps for a device (%s).", s, step)
		}
	}
	top, _, _ := strings.Cut(s, "/")
	// Compared without case: on a Mac, Windows or a case-blind bucket
	// "Pieces/" is "pieces/".
	if reservedTop[strings.ToLower(top)] {
		return Errorf(EInvalid, "The old address %q is where the export writes pages of its own (%s).", s, top)
	}
	return nil
}

// FormerPage is the file a former address is served from: the address
// itself when it names a page ("news/old.html"), or its index.html when
// it names a folder ("2018/05/a-pilot-on-fog/", or without the slash);
// "" for a query of the site's home, which no file can answer.
func FormerPage(s string) string {
	if IsQueryAddress(s) {
		return ""
	}
	if strings.HasSuffix(s, ".html") || strings.HasSuffix(s, ".htm") {
		return s
	}
	return strings.TrimSuffix(s, "/") + "/index.html"
}
