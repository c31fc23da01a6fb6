package spell

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// DefaultLanguage is the dictionary a library checks with when neither
// the library nor the environment names one: the language of Galley's
// own words and of most of the pieces it was made for.
const DefaultLanguage = "en_US"

// systemDirs are where distributions install Hunspell dictionaries:
// Debian's hunspell-* packages in the first, older myspell ones in the
// next two.
var systemDirs = []string{
	"/usr/share/hunspell",
	"/usr/share/myspell",
	"/usr/share/myspell/dicts",
	"/usr/local/share/hunspell",
	"/opt/homebrew/share/hunspell",
	"/Library/Spelling",
}

// dirs are the folders searched for dictionaries, in order: those of
// $DICPATH first (a list, as for the hunspell command), so a dictionary
// of one's own can stand in for the system's.
func dirs() []string {
	var list []string
	for _, d := range filepath.SplitList(os.Getenv("DICPATH")) {
		if d != "" {
			list = append(list, d)
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		list = append(list, filepath.Join(home, ".local", "share", "hunspell"))
	}
	return append(list, systemDirs...)
}

// Normalize writes a language the way dictionary files are named:
// "en-gb", "en_GB.UTF-8" and "EN_gb" are all "en_GB"; "fr" stays "fr".
// It returns "" for the C locale and for what is not a language.
func Normalize(lang string) string {
	lang, _, _ = strings.Cut(lang, ".")
	lang, _, _ = strings.Cut(lang, "@")
	lang = strings.ReplaceAll(strings.TrimSpace(lang), "-", "_")
	base, region, _ := strings.Cut(lang, "_")
	if len(base) < 2 || len(base) > 3 || !isASCIILetters(base) || strings.EqualFold(base, "C") {
		return ""
	}
	base = strings.ToLower(base)
	if region == "" {
		return base
	}
	if !isASCIILetters(region) && !isDigits(region) {
		return base
	}
	return base + "_" + strings.ToUpper(region)
}

func isASCIILetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return s != ""
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// LocaleLanguage is the language of the environment's locale, by the
// POSIX order (LC_ALL, LC_MESSAGES, LANG), as a dictionary name: "en_GB"
// for "en_GB.UTF-8"; "" for the C locale or none.
func LocaleLanguage(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			return Normalize(v)
		}
	}
	return ""
}

// PreferredLanguage is the language a library without one of its own is
// checked in: the locale's when a dictionary for it is installed (a desk
// in London gets British spelling), else DefaultLanguage.
func PreferredLanguage(getenv func(string) string) string {
	if lang := LocaleLanguage(getenv); lang != "" {
		if _, dic, err := Find(lang); err == nil {
			return dictName(dic)
		}
	}
	return DefaultLanguage
}

// Installed lists the dictionaries found ("en_GB", "en_US"), sorted.
func Installed() []string {
	seen := map[string]bool{}
	var list []string
	for _, dir := range dirs() {
		matches, _ := filepath.Glob(filepath.Join(dir, "*.dic"))
		for _, dic := range matches {
			name := dictName(dic)
			if seen[name] || Normalize(name) != name || readable(strings.TrimSuffix(dic, ".dic")+".aff") != nil {
				// hyph_*.dic and th_*.dic are hyphenation and thesaurus
				// files, not spelling dictionaries.
				continue
			}
			seen[name] = true
			list = append(list, name)
		}
	}
	slices.Sort(list)
	return list
}

// Find returns the affix and word files of the dictionary for lang. A
// language without a region takes the first dictionary of that language
// ("en" finds en_US when it is the only English one): an editor who sets
// "fr" means French, whichever French is installed.
func Find(lang string) (aff, dic string, err error) {
	name := Normalize(lang)
	if name == "" {
		return "", "", fmt.Errorf("%q is not a language; name one as en_US, en_GB or fr_FR", lang)
	}
	for _, dir := range dirs() {
		aff, dic := filepath.Join(dir, name+".aff"), filepath.Join(dir, name+".dic")
		if readable(aff) == nil && readable(dic) == nil {
			return aff, dic, nil
		}
	}
	if !strings.Contains(name, "_") {
		for _, have := range Installed() {
			if strings.HasPrefix(have, name+"_") {
				return Find(have)
			}
		}
	}
	return "", "", &MissingError{Lang: name}
}

// MissingError says that no dictionary for a language is installed, and
// what to install.
type MissingError struct {
	Lang string // as dictionaries are named: "en_US"
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("No %s spelling dictionary is installed (%s.dic and %s.aff); install the package %s (Debian and Ubuntu), or put the two files in a folder named in $DICPATH.",
		LanguageName(e.Lang), e.Lang, e.Lang, Package(e.Lang))
}

// Package is the Debian (and Ubuntu) package holding the dictionary for
// lang. Only English, German and Portuguese come in one package per
// country; other languages have one package with all their variants.
func Package(lang string) string {
	name := Normalize(lang)
	base, region, _ := strings.Cut(name, "_")
	switch base {
	case "en", "de", "pt":
		if region == "" {
			region = map[string]string{"en": "US", "de": "DE", "pt": "PT"}[base]
		}
		return "hunspell-" + base + "-" + strings.ToLower(region)
	}
	return "hunspell-" + base
}

// LanguageName says a dictionary's language in English words: "en_GB"
// is "British English", "fr_FR" "French (France)".
func LanguageName(lang string) string {
	name := Normalize(lang)
	tag, err := language.Parse(strings.ReplaceAll(name, "_", "-"))
	if err != nil {
		return lang
	}
	if s := display.English.Tags().Name(tag); s != "" {
		return s
	}
	return lang
}

// dictName is a dictionary's name, from its file: "en_US" for
// /usr/share/hunspell/en_US.dic. A link (Debian links en_US to its
// "en-US" files) keeps the name it was found by.
func dictName(dic string) string {
	return strings.TrimSuffix(filepath.Base(dic), filepath.Ext(dic))
}

// readable reports why path cannot be read as a dictionary file, or nil.
func readable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fs.ErrNotExist
		}
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a file", path)
	}
	return nil
}

// loaded holds the dictionaries read so far, one per language for the
// whole process: a dictionary takes a tenth of a second and some
// megabytes to read, and every library and piece in that language
// shares it (what a library adds is kept apart, in Checker).
var loaded = struct {
	sync.Mutex
	dicts map[string]*loading
}{dicts: map[string]*loading{}}

type loading struct {
	once sync.Once
	dict *Dictionary
	err  error
}

// Load returns the dictionary for lang, reading it on first use. A
// missing dictionary is a *MissingError; it is looked for again on the
// next call, so installing the package mends a running desk.
func Load(lang string) (*Dictionary, error) {
	aff, dic, err := Find(lang)
	if err != nil {
		return nil, err
	}
	loaded.Lock()
	l := loaded.dicts[dic]
	if l == nil {
		l = &loading{}
		loaded.dicts[dic] = l
	}
	loaded.Unlock()
	l.once.Do(func() { l.dict, l.err = Open(aff, dic) })
	if l.err != nil {
		loaded.Lock()
		delete(loaded.dicts, dic)
		loaded.Unlock()
	}
	return l.dict, l.err
}
