package galley

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gosimple/slug"
	"github.com/gosimple/unidecode"
	"golang.org/x/text/unicode/norm"
)

// MaxSlug is the longest slug Galley makes or accepts, in bytes. Long
// enough for any headline worth keeping in a URL, short enough for every
// file system.
const MaxSlug = 80

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	qaPattern   = regexp.MustCompile(`(?i)\bQ\s*&\s*A\b`)
)

// ownScripts are the scripts a slug keeps its title's own letters in.
// They are written without their short vowels, so a transliteration
// keeps only consonants: "حوار حول الموانئ" (a conversation about the
// ports) became "hwr-hwl-lmwny", which says nothing to a reader of
// either language. Other scripts transliterate with their sense kept
// ("北京" gives "bei-jing", "Київ" gives "kyiv").
var ownScripts = []*unicode.RangeTable{unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana}

// ownLetter reports whether r is a letter of one of ownScripts.
func ownLetter(r rune) bool { return unicode.IsLetter(r) && unicode.In(r, ownScripts...) }

// Slugify derives a URL-safe slug from a title: lowercase ASCII letters,
// digits and single hyphens. Accented and non-Latin letters are
// transliterated ("Café in Kyiv" gives "cafe-in-kyiv", "北京" gives "bei-jing"),
// but for a title mostly in Arabic, Hebrew, Syriac or Thaana letters,
// whose transliteration would keep only consonants, the slug keeps the
// title's own letters ("حوار-حول-الموانئ"; see CheckSlug). A title with
// nothing to keep gives "piece".
func Slugify(title string) string {
	if title != "" && len(title) <= MaxSlug && ownSlugValid(title) {
		return title // a slug is its own slug, so re-deriving never renames
	}
	if ownLetters(title) {
		return ownSlug(title)
	}
	return ASCIISlug(transliterate(title))
}

// ASCIISlug is Slugify's transliteration for every title: only ASCII
// letters, digits and hyphens, for names that must stay ASCII whatever
// their script (a feed's tag URI). It is kept as it was when feeds first
// used it — Slugify transliterates letter by letter before it — so an id
// made from it never changes.
func ASCIISlug(title string) string {
	// "Q&A" is a type name more than a phrase: "qa", not "qanda".
	s := slug.Make(qaPattern.ReplaceAllString(title, "QA"))
	// gosimple/slug keeps underscores; a slug here is letters, digits and
	// hyphens only, so one rule covers URLs and file names.
	s = strings.ReplaceAll(s, "_", "-")
	s = collapseHyphens(s)
	s = cut(s)
	if s == "" {
		return "piece"
	}
	return s
}

// dropMarks removes the apostrophes a transliteration marks letters with.
var dropMarks = strings.NewReplacer("'", "", "`", "")

// transliterate writes each letter beyond ASCII in ASCII letters. A letter
// is one letter still: the transliteration marks some with an apostrophe
// (Kazakh "қ" is "k'"), which would otherwise split the word ("Қазақ"
// gave "k-azak").
func transliterate(title string) string {
	var b strings.Builder
	for _, r := range title {
		if r < utf8.RuneSelf || !unicode.IsLetter(r) {
			b.WriteRune(r)
			continue
		}
		b.WriteString(dropMarks.Replace(unidecode.Unidecode(string(r))))
	}
	return b.String()
}

// ownLetters reports whether most of the title's letters are of
// ownScripts.
func ownLetters(title string) bool {
	own, letters := 0, 0
	for _, r := range title {
		if unicode.IsLetter(r) {
			letters++
			if ownLetter(r) {
				own++
			}
		}
	}
	return own > 0 && own*2 > letters
}

// ownSlug keeps the title's own letters: those of ownScripts as they are
// (in their composed form, without vowel marks, which a title may carry
// or not), ASCII letters lowercased, digits as ASCII digits, and a hyphen
// for every run of anything else.
func ownSlug(title string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(qaPattern.ReplaceAllString(title, "QA")) {
		switch {
		case ownLetter(r), r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsDigit(r) && unicode.Is(unicode.Nd, r):
			b.WriteRune('0' + rune(digitValue(r)))
		case unicode.Is(unicode.Mn, r), r == 'ـ': // vowel marks, tatweel
		default:
			b.WriteByte('-')
		}
	}
	s := cut(collapseHyphens(b.String()))
	if s == "" {
		return "piece"
	}
	return s
}

// digitValue is the value of a decimal digit of any script ("٣" is 3).
func digitValue(r rune) int {
	for _, zero := range []rune{'0', '٠', '۰', '߀', '०', '০', '੦', '૦', '୦', '௦', '౦', '೦', '൦', '෦', '๐', '໐', '༠', '၀', '០', '᠐', '０'} {
		if r >= zero && r <= zero+9 {
			return int(r - zero)
		}
	}
	return 0
}

// cut shortens a slug to MaxSlug bytes, at a word boundary when one is
// near so no word is clipped, and never inside a letter.
func cut(s string) string {
	if len(s) <= MaxSlug {
		return s
	}
	end := MaxSlug
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	s = s[:end]
	if i := strings.LastIndexByte(s, '-'); i > MaxSlug/2 {
		s = s[:i]
	}
	return strings.Trim(s, "-")
}

// NumberedSlug is the nth slug tried for a name whose slug base is
// taken: base itself for n 1, then base-2, base-3, …, cut (between
// letters, never inside one) to fit MaxSlug.
func NumberedSlug(base string, n int) string {
	if n <= 1 {
		return base
	}
	suffix := "-" + strconv.Itoa(n)
	end := min(len(base), MaxSlug-len(suffix))
	for end > 0 && end < len(base) && !utf8.RuneStart(base[end]) {
		end--
	}
	return strings.TrimRight(base[:end], "-") + suffix
}

func collapseHyphens(s string) string {
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	return strings.Trim(s, "-")
}

// CheckSlug reports whether s is a valid slug, with a message saying what
// is wrong when it is not. A slug is words of lowercase ASCII letters and
// digits, or of the letters of ownScripts in their composed form, parted
// by single hyphens: such a slug is a file name on every system and, in
// an address, its own letters are percent-encoded (the export does so
// wherever it writes an absolute address).
func CheckSlug(s string) error {
	if s == "" {
		return Errorf(EInvalid, "The slug is empty.")
	}
	if len(s) > MaxSlug {
		return Errorf(EInvalid, "The slug %q is too long (%d bytes; the limit is %d).", s, len(s), MaxSlug)
	}
	if !slugPattern.MatchString(s) && !ownSlugValid(s) {
		return Errorf(EInvalid, "The slug %q is not URL-safe: use lowercase letters a–z, digits and single hyphens, for example %q.", s, Slugify(s))
	}
	return nil
}

// ownSlugValid reports whether s is a slug of ownSlug's form.
func ownSlugValid(s string) bool {
	if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !(ownLetter(r) || r == '-' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}
