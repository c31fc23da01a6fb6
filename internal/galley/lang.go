package galley

import (
	"strings"

	"golang.org/x/text/language"
)

// ParseLang reads a language tag as an editor may type it ("en-gb",
// "fr_CA", "ar") and returns it in its canonical BCP 47 form ("en-GB"),
// or an error naming what was typed.
func ParseLang(s string) (string, error) {
	s = strings.TrimSpace(s)
	tag, err := language.Parse(strings.ReplaceAll(s, "_", "-"))
	if err != nil || s == "" {
		return "", Errorf(EInvalid, "%q is not a language tag: give one such as en, en-GB, fr, ar or he.", s)
	}
	return tag.String(), nil
}

// rtlLanguages are the languages written right to left, by their base
// subtag: Arabic, Hebrew, Persian, Urdu, Pashto, Sindhi, Yiddish,
// Dhivehi, Central Kurdish, Uyghur, Syriac, Aramaic, N'Ko and Balochi.
var rtlLanguages = map[string]bool{
	"ar": true, "he": true, "fa": true, "ur": true, "ps": true, "sd": true, "yi": true,
	"dv": true, "ckb": true, "ug": true, "syr": true, "arc": true, "nqo": true, "bal": true,
}

// Direction is "rtl" for a language written right to left and "ltr" for
// every other, as HTML's dir attribute takes it. A script subtag decides
// where there is one ("az-Arab" is right to left, "ku-Latn" left to
// right); otherwise the language's usual script does.
func Direction(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return "ltr"
	}
	script, conf := tag.Script()
	if conf == language.Exact {
		switch script.String() {
		case "Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg":
			return "rtl"
		}
		return "ltr"
	}
	base, _ := tag.Base()
	if rtlLanguages[base.String()] {
		return "rtl"
	}
	return "ltr"
}
