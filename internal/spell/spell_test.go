//go:build cgo

package spell

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"app.galley/galley/internal/galley"
)

// english loads Debian's American English dictionary (hunspell-en-us),
// which scripts/install-deps.sh installs for running and testing alike.
func english(t testing.TB) *Dictionary {
	t.Helper()
	d, err := Load("en_US")
	if err != nil {
		t.Fatalf("the tests read the real en_US dictionary: %v", err)
	}
	return d
}

// words is what a list of misspellings flags, in order.
func words(list []Misspelling) []string {
	var out []string
	for _, m := range list {
		out = append(out, m.Word)
	}
	return out
}

func TestAffixedWordsAreKnown(t *testing.T) {
	c := NewChecker(english(t), nil, nil)
	p := &galley.Piece{
		Title:   "Talks on the Reservoirs",
		Summary: "The negotiators’ talks about reservoirs resumed on Monday.",
		QA: []galley.QA{{
			Question: "Why did the talks stall?",
			Answer:   "Negotiators disagreed over the reservoirs' levels, and TALKS collapsed; they’re rescheduled.",
		}},
	}
	if got := c.Check(p, nil); len(got) != 0 {
		t.Errorf("words the dictionary makes from its stems and affixes were flagged: %v", words(got))
	}
}

func TestMisspellingComesWithSuggestionsAndItsPlace(t *testing.T) {
	c := NewChecker(english(t), nil, nil)
	p := &galley.Piece{
		Title: "Water talks",
		QA: []galley.QA{
			{Question: "Who was there?", Answer: "Mostly lawyers."},
			{Question: "And the negociators?", Answer: "The negociators met twice."},
		},
	}
	got := c.Check(p, nil)
	if len(got) != 1 {
		t.Fatalf("flagged %v, want only “negociators”", words(got))
	}
	m := got[0]
	if m.Word != "negociators" || len(m.Suggestions) == 0 || m.Suggestions[0] != "negotiators" || len(m.Suggestions) > MaxSuggestions {
		t.Errorf("misspelling = %+v; want “negociators” suggesting “negotiators” first, at most %d", m, MaxSuggestions)
	}
	want := []Place{{Field{Question, 1}, 8, 19}, {Field{Answer, 1}, 4, 15}}
	if !slices.Equal(m.Places, want) {
		t.Errorf("places = %v, want %v", m.Places, want)
	}
	msg := m.Message()
	if !strings.HasPrefix(msg, "Possible misspelling: “negociators” (negotiators") || !strings.HasSuffix(msg, "?) in question 2 and the answer to question 2.") {
		t.Errorf("message = %q", msg)
	}
	if pr := m.Problem(); pr.Part != galley.PartQA || pr.Message != msg {
		t.Errorf("problem = %+v", pr)
	}
}

func TestPlacesCountCharactersNotBytes(t *testing.T) {
	c := NewChecker(english(t), nil, nil)
	// "é", "—" and the curly quotes take two or three bytes each; the
	// desk puts the cursor by characters.
	text := "Café — “société” recieve"
	got := c.Check(&galley.Piece{Summary: text}, nil)
	var places []Place
	for _, m := range got {
		if m.Word == "recieve" {
			places = m.Places
		}
	}
	if len(places) != 1 {
		t.Fatalf("flagged %v, want “recieve” among them", words(got))
	}
	r := []rune(text)
	if pl := places[0]; string(r[pl.Start:pl.End]) != "recieve" {
		t.Errorf("place %d–%d holds %q, not the word", pl.Start, pl.End, string(r[pl.Start:pl.End]))
	}
}

func TestMarkdownCodeAddressesAndLinkTargetsAreNotProse(t *testing.T) {
	c := NewChecker(english(t), nil, nil)
	body := "See the `confg` file, https://exmaple.org/wrng_path and <https://autolnk.example/xyzzy>.\n\n" +
		"Read [the missspelt report](https://example.org/reprot) and ![a mispelled chart](img/chrt.png).\n\n" +
		"```\nfunc mian() {}\n```\n\n" +
		"    indentd code\n\n" +
		"<div class=\"wrapr\">raw</div>\n\n" +
		"Write to desk@exmaple.org or @handel; the **negociators** met."
	got := words(c.Check(&galley.Piece{Body: body}, nil))
	want := []string{"missspelt", "mispelled", "negociators"}
	if !slices.Equal(got, want) {
		t.Errorf("flagged %v, want %v: code, addresses and link targets are not checked; link text and image descriptions are", got, want)
	}
}

func TestAcronymsNumbersAndLibraryNamesAreNotFlagged(t *testing.T) {
	names := []string{"Élise Durand", "Conflict Analysis & Prevention", "Zelenskyy"}
	c := NewChecker(english(t), nil, names)
	p := &galley.Piece{
		Summary:      "UN and NATO officials, NGOs and the G20 met for the 2nd time over COVID-19 in the U.S., e.g. in Kyiv.",
		Body:         "Durand’s view, and Zelenskyy’s, was put by ÉLISE DURAND herself.",
		Contributors: []galley.Contributor{{Name: "Pat Okonkwo"}},
		Topics:       []string{"Kyiv"},
		QA:           []galley.QA{{Question: "Dr. Okonkwo, why now?", Answer: "Because."}},
	}
	if got := c.Check(p, nil); len(got) != 0 {
		t.Errorf("flagged %v; acronyms, words with digits, abbreviations and the names of the library and the piece are known", words(got))
	}
	// A name is known as written: lower case is another word.
	if got := words(c.Check(&galley.Piece{Summary: "durand said so."}, nil)); !slices.Equal(got, []string{"durand"}) {
		t.Errorf("flagged %v, want “durand”", got)
	}
}

func TestWordListAndIgnoredWords(t *testing.T) {
	c := NewChecker(english(t), []string{"Lavrov", "interconnectors"}, nil)
	p := &galley.Piece{Summary: "Lavrov spoke; LAVROV’s aide, Lavrov’s deputy and Interconnectors. lavrov and Shoigu did not. Teh end."}
	if got := words(c.Check(p, nil)); !slices.Equal(got, []string{"lavrov", "Shoigu", "Teh"}) {
		t.Errorf("flagged %v, want lavrov, Shoigu and Teh: a word added in capitals is known in capitals only, one added in lower case with any", got)
	}
	if got := words(c.Check(p, []string{"Shoigu", "lavrov"})); !slices.Equal(got, []string{"Teh"}) {
		t.Errorf("with Shoigu and lavrov ignored, flagged %v, want Teh", got)
	}
	// Ignoring is for one piece: the checker itself is unchanged.
	if got := words(c.Check(p, nil)); !slices.Equal(got, []string{"lavrov", "Shoigu", "Teh"}) {
		t.Errorf("after a piece ignored words, another check flagged %v", got)
	}
}

func TestAMissingSpaceDoesNotHideAWord(t *testing.T) {
	c := NewChecker(english(t), nil, nil)
	got := words(c.Check(&galley.Piece{Summary: "They met.Negociators agreed, e.g. on the U.S.A. plan, with a Ph.D. and example.org."}, nil))
	if !slices.Equal(got, []string{"Negociators"}) {
		t.Errorf("flagged %v, want Negociators: a full stop without its space is not an abbreviation", got)
	}
}

func TestSuggestionsWithinABudget(t *testing.T) {
	c := NewChecker(english(t), nil, nil)
	c.SuggestBudget = time.Nanosecond
	p := &galley.Piece{Summary: "The goverrnment and the parlaiment met."}
	for _, m := range c.Check(p, nil) {
		if len(m.Suggestions) != 0 {
			t.Errorf("%s had suggestions found past the budget: %v", m.Word, m.Suggestions)
		}
	}
	// Found once, they are remembered and given at once.
	c.SuggestBudget = 0
	c.Check(p, nil)
	c.SuggestBudget = time.Nanosecond
	got := c.Check(p, nil)
	if len(got) != 2 || !slices.Contains(got[0].Suggestions, "government") || !slices.Contains(got[1].Suggestions, "parliament") {
		t.Errorf("after a check without a budget: %+v", got)
	}
}

func TestDecorativePhotosHaveNoAltToCheck(t *testing.T) {
	c := NewChecker(english(t), nil, nil)
	p := &galley.Piece{Photos: []galley.Photo{
		{Caption: "A dam at noone.", Alt: "A dam seen from abuve"},
		{Caption: "Reservoirs.", Alt: "stale altt text", Decorative: true},
	}}
	got := c.Check(p, nil)
	if !slices.Equal(words(got), []string{"noone", "abuve"}) {
		t.Fatalf("flagged %v", words(got))
	}
	if got[0].Places[0].Field != (Field{Caption, 0}) || got[1].Places[0].Field != (Field{Alt, 0}) || got[1].Problem().Part != galley.PartPhotos {
		t.Errorf("places = %v, %v", got[0].Places, got[1].Places)
	}
	if w := got[1].Where(); w != "the alt text of photo 1" {
		t.Errorf("where = %q", w)
	}
}

func TestMissingDictionarySaysWhatToInstall(t *testing.T) {
	withoutSystemDictionaries(t)
	_, err := Load("en_US")
	var missing *MissingError
	if !errors.As(err, &missing) {
		t.Fatalf("Load with no dictionary = %v, want a MissingError", err)
	}
	msg := err.Error()
	for _, want := range []string{"American English", "hunspell-en-us", "DICPATH"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	}
	if _, err := Load("fr_FR"); err == nil || !strings.Contains(err.Error(), "install the package hunspell-fr ") {
		t.Errorf("French: %v", err)
	}
}

func TestDictionaryFromDICPATH(t *testing.T) {
	withoutSystemDictionaries(t)
	dir := t.TempDir()
	// The real dictionary under a name of its own, as an editor might keep
	// a house dictionary.
	for _, ext := range []string{".aff", ".dic"} {
		data, err := os.ReadFile("/usr/share/hunspell/en_US" + ext)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "en_ZA"+ext), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "hyph_en_ZA.dic"), []byte("UTF-8\n"), 0o644)
	t.Setenv("DICPATH", dir)
	if got := Installed(); !slices.Equal(got, []string{"en_ZA"}) {
		t.Errorf("Installed = %v, want [en_ZA] (a hyphenation file is no dictionary)", got)
	}
	d, err := Load("en") // a language without a country takes what there is
	if err != nil {
		t.Fatal(err)
	}
	if d.Lang != "en_ZA" || !d.Correct("reservoirs") || d.Correct("negociators") {
		t.Errorf("dictionary %s: reservoirs %v, negociators %v", d.Lang, d.Correct("reservoirs"), d.Correct("negociators"))
	}
}

func TestLegacyCharacterSet(t *testing.T) {
	dir := t.TempDir()
	// A dictionary in ISO 8859-1, as older ones are: "é" is one byte.
	os.WriteFile(filepath.Join(dir, "xx.aff"), []byte("SET ISO8859-1\nTRY esianrtolcdugmphbyfvkwz\xe9\n\nSFX S Y 1\nSFX S 0 s .\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "xx.dic"), []byte("2\ncaf\xe9/S\nsoir\xe9e/S\n"), 0o644)
	d, err := Open(filepath.Join(dir, "xx.aff"), filepath.Join(dir, "xx.dic"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if !d.Correct("cafés") || !d.Correct("soirée") || d.Correct("cafe") || d.Correct("日本") {
		t.Errorf("cafés %v, soirée %v, cafe %v", d.Correct("cafés"), d.Correct("soirée"), d.Correct("cafe"))
	}
	if got := d.Suggest("soiree", 3); !slices.Contains(got, "soirée") {
		t.Errorf("suggestions for soiree = %q, want soirée (decoded from the dictionary's set)", got)
	}
}

func TestUnreadableDictionaryIsAnError(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "none.aff"), filepath.Join(dir, "none.dic")); err == nil || !strings.Contains(err.Error(), "none.aff") {
		t.Errorf("Open of missing files = %v; libhunspell alone would make an empty dictionary that flags every word", err)
	}
}

func TestLocaleLanguage(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "en_GB.UTF-8"}, "en_GB"},
		{map[string]string{"LC_ALL": "fr_FR@euro", "LANG": "en_GB.UTF-8"}, "fr_FR"},
		{map[string]string{"LC_MESSAGES": "de_DE.utf8"}, "de_DE"},
		{map[string]string{"LANG": "C.UTF-8"}, ""},
		{map[string]string{"LANG": "POSIX"}, ""},
		{nil, ""},
	} {
		if got := LocaleLanguage(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("LocaleLanguage(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
	if got := PreferredLanguage(func(k string) string { return map[string]string{"LANG": "en_GB.UTF-8"}[k] }); got != "en_GB" {
		t.Errorf("PreferredLanguage in a British locale = %q (en_GB is installed)", got)
	}
	if got := PreferredLanguage(func(k string) string { return map[string]string{"LANG": "xx_YY.UTF-8"}[k] }); got != DefaultLanguage {
		t.Errorf("PreferredLanguage with no dictionary for the locale = %q", got)
	}
	for in, want := range map[string]string{"en-gb": "en_GB", "EN_us": "en_US", "fr": "fr", "C": "", "": "", "1234": ""} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConcurrentChecksShareOneDictionary(t *testing.T) {
	c := NewChecker(english(t), []string{"Lavrov"}, nil)
	p := &galley.Piece{Summary: "The negociators and Lavrov met; recieve the reservoirs."}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := words(c.Check(p, []string{"recieve"})); !slices.Equal(got, []string{"negociators"}) {
					t.Errorf("flagged %v", got)
					return
				}
			}
		})
	}
	wg.Wait()
}

// withoutSystemDictionaries hides the machine's dictionaries (and the
// user's) from the test.
func withoutSystemDictionaries(t *testing.T) {
	old := systemDirs
	systemDirs = nil
	t.Cleanup(func() { systemDirs = old })
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DICPATH", "")
}
