package galley

import (
	"regexp"
	"strings"

	"github.com/gosimple/slug"
)

// MaxSlug is the longest slug Galley makes or accepts. Long enough for any
// headline worth keeping in a URL, short enough for every file system.
const MaxSlug = 80

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	qaPattern   = regexp.MustCompile(`(?i)\bQ\s*&\s*A\b`)
)

// Slugify derives a URL-safe slug from a title: lowercase ASCII letters,
// digits and single hyphens. Accented and non-Latin letters are
// transliterated ("Café in Kyiv" gives "cafe-in-kyiv", "北京" gives "bei-jing"),
// so a slug never needs percent-encoding. A title with nothing to keep gives
// "piece".
func Slugify(title string) string {
	// "Q&A" is a type name more than a phrase: "qa", not "qanda".
	s := slug.Make(qaPattern.ReplaceAllString(title, "QA"))
	// gosimple/slug keeps underscores; a slug here is letters, digits and
	// hyphens only, so one rule covers URLs and file names.
	s = strings.ReplaceAll(s, "_", "-")
	s = collapseHyphens(s)
	if len(s) > MaxSlug {
		s = s[:MaxSlug]
		// Cut at a word boundary when one is near, so no word is clipped.
		if i := strings.LastIndexByte(s, '-'); i > MaxSlug/2 {
			s = s[:i]
		}
		s = strings.Trim(s, "-")
	}
	if s == "" {
		return "piece"
	}
	return s
}

func collapseHyphens(s string) string {
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	return strings.Trim(s, "-")
}

// CheckSlug reports whether s is a valid slug, with a message saying what
// is wrong when it is not.
func CheckSlug(s string) error {
	if s == "" {
		return Errorf(EInvalid, "The slug is empty.")
	}
	if len(s) > MaxSlug {
		return Errorf(EInvalid, "The slug %q is too long (%d characters; the limit is %d).", s, len(s), MaxSlug)
	}
	if !slugPattern.MatchString(s) {
		return Errorf(EInvalid, "The slug %q is not URL-safe: use lowercase letters a–z, digits and single hyphens, for example %q.", s, Slugify(s))
	}
	return nil
}
