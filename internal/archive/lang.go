package archive

import (
	"strings"
	"unicode"

	"golang.org/x/text/language"
)

// guessLang names the language of a post written in a right-to-left
// script when the site's language is written in another, so its page
// reads right to left and screen readers use the right voice. WordPress
// and Ghost keep no language per post; the letters tell Arabic, Persian
// and Urdu apart (each has letters of its own) and Hebrew from them. Any
// other post is taken to be in the site's language: a guess there (is
// this Cyrillic Russian or Ukrainian?) would be wrong too often.
func guessLang(site, text string) string {
	var arabic, hebrew, letters int
	persian, urdu := false, false
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		switch {
		case unicode.Is(unicode.Arabic, r):
			arabic++
			switch r {
			case 'پ', 'چ', 'ژ', 'گ', 'ک', 'ی':
				persian = true
			case 'ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ھ':
				urdu = true
			}
		case unicode.Is(unicode.Hebrew, r):
			hebrew++
		}
	}
	guess := ""
	switch {
	case letters == 0:
		return ""
	case arabic*2 > letters:
		guess = "ar"
		if urdu {
			guess = "ur"
		} else if persian {
			guess = "fa"
		}
	case hebrew*2 > letters:
		guess = "he"
	default:
		return ""
	}
	if base, _ := language.Make(site).Base(); strings.EqualFold(base.String(), guess) {
		return "" // the site's own language
	}
	return guess
}
