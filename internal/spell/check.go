package spell

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"

	"app.galley/galley/internal/galley"
)

// MaxSuggestions is how many suggestions a misspelling offers: enough
// to hold the word meant, few enough to read at a glance.
const MaxSuggestions = 3

// Kind is which text of a piece a word is in.
type Kind int

// The texts of a piece that are checked, in the order of the piece.
// Credits, slugs and the photo desk's details are names and codes, not
// prose, and are left alone.
const (
	Title Kind = iota
	Summary
	Body
	Question
	Answer
	Caption
	Alt
)

// Field is one text of a piece: its kind and, for a Q&A pair or a
// photo, which one (from 0).
type Field struct {
	Kind  Kind
	Index int
}

// Part is the part of the piece the field is in, for the desk's tabs.
func (f Field) Part() string {
	switch f.Kind {
	case Question, Answer:
		return galley.PartQA
	case Caption, Alt:
		return galley.PartPhotos
	}
	return galley.PartStory
}

// String names the field as a sentence needs it: "the summary",
// "question 3", "the answer to question 3", "the caption of photo 2".
func (f Field) String() string {
	switch f.Kind {
	case Title:
		return "the title"
	case Summary:
		return "the summary"
	case Body:
		return "the body"
	case Question:
		return fmt.Sprintf("question %d", f.Index+1)
	case Answer:
		return fmt.Sprintf("the answer to question %d", f.Index+1)
	case Caption:
		return fmt.Sprintf("the caption of photo %d", f.Index+1)
	case Alt:
		return fmt.Sprintf("the alt text of photo %d", f.Index+1)
	}
	return "the piece"
}

// markdown reports whether the field is Markdown (the export renders it
// so) rather than plain text.
func (f Field) markdown() bool { return f.Kind == Body || f.Kind == Answer }

// Fields lists the checked texts of p, in the order of the piece, with
// what each holds.
func Fields(p *galley.Piece) []FieldText {
	list := []FieldText{
		{Field{Kind: Title}, p.Title},
		{Field{Kind: Summary}, p.Summary},
		{Field{Kind: Body}, p.Body},
	}
	for i, qa := range p.QA {
		list = append(list, FieldText{Field{Question, i}, qa.Question}, FieldText{Field{Answer, i}, qa.Answer})
	}
	for i, ph := range p.Photos {
		list = append(list, FieldText{Field{Caption, i}, ph.Caption})
		if !ph.Decorative {
			list = append(list, FieldText{Field{Alt, i}, ph.Alt})
		}
	}
	return list
}

// FieldText is a field with its text.
type FieldText struct {
	Field Field
	Text  string
}

// Place is where a word is: in which field, and at which characters
// (runes, as text widgets count them) of it.
type Place struct {
	Field      Field
	Start, End int
}

// Misspelling is a word that neither the dictionary nor the library
// knows, everywhere it occurs in the piece, with what it may have been
// meant to be.
type Misspelling struct {
	Word        string
	Suggestions []string // at most MaxSuggestions, best first
	Places      []Place  // in the order of the piece; never empty
}

// Message is the misspelling as a pre-publish check says it:
// Possible misspelling: “negociators” (negotiators?) in the summary.
func (m Misspelling) Message() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Possible misspelling: “%s”", m.Word)
	if len(m.Suggestions) > 0 {
		fmt.Fprintf(&b, " (%s?)", strings.Join(m.Suggestions, ", "))
	}
	b.WriteString(" in ")
	b.WriteString(m.Where())
	b.WriteString(".")
	return b.String()
}

// Where says where the word is: "the summary", "the body and the answer
// to question 2", "question 1 and 3 other places".
func (m Misspelling) Where() string {
	var fields []string
	seen := map[Field]bool{}
	for _, pl := range m.Places {
		if !seen[pl.Field] {
			seen[pl.Field] = true
			fields = append(fields, pl.Field.String())
		}
	}
	switch len(fields) {
	case 1:
		if n := len(m.Places); n > 1 {
			return fmt.Sprintf("%s (%d times)", fields[0], n)
		}
		return fields[0]
	case 2:
		return fields[0] + " and " + fields[1]
	}
	return fmt.Sprintf("%s and %d other places", fields[0], len(fields)-1)
}

// Problem is the misspelling as one of the piece's pre-publish checks,
// pointing at the part where it first occurs.
func (m Misspelling) Problem() galley.Problem {
	return galley.Problem{Part: m.Places[0].Field.Part(), Message: m.Message()}
}

// Problems turns misspellings into pre-publish checks.
func Problems(list []Misspelling) []galley.Problem {
	out := make([]galley.Problem, 0, len(list))
	for _, m := range list {
		out = append(out, m.Problem())
	}
	return out
}

// Checker checks the spelling of pieces with a dictionary and the words
// a library knows beyond it: its word list and the names of its people
// and topics. It only reads once made, so one Checker may check pieces on
// several goroutines.
type Checker struct {
	// SuggestBudget bounds the time one Check spends finding suggestions
	// for words it has not met before; 0 finds them all.
	SuggestBudget time.Duration

	dict  *Dictionary
	known map[string][]string // the forms added, by case-folded word
}

var folder = cases.Fold()

// NewChecker makes a checker with dict and the library's own words:
// words holds the word list ("Taylor", "Helsinki"); names holds names of
// people and topics, whose every word is known ("Élise Durand" makes
// "Élise" and "Durand" known).
func NewChecker(dict *Dictionary, words, names []string) *Checker {
	c := &Checker{dict: dict, known: map[string][]string{}}
	for _, w := range words {
		c.addWord(strings.TrimSpace(w))
	}
	for _, name := range names {
		c.addName(name)
	}
	return c
}

// Lang is the language of the checker's dictionary ("en_US").
func (c *Checker) Lang() string { return c.dict.Lang }

// addWord adds w to the words the checker knows. The key's list is
// clipped before it grows, so a checker sharing its lists with another
// (with) never writes into the other's.
func (c *Checker) addWord(w string) {
	if w == "" {
		return
	}
	key := folder.String(w)
	if slices.Contains(c.known[key], w) {
		return
	}
	c.known[key] = append(slices.Clip(c.known[key]), w)
}

func (c *Checker) addName(name string) {
	plainWords(name, func(t token) { c.addWord(t.word) })
}

// knownHere reports whether the library knows w: as added, in capitals,
// or, for a word added in lower case, with any capitals (a word that
// starts a sentence). "Taylor" added does not make "taylor" right.
func (c *Checker) knownHere(w string) bool {
	forms := c.known[folder.String(w)]
	for _, f := range forms {
		if f == w || isUpper(w) || !hasUpper(f) {
			return true
		}
	}
	return false
}

// Known reports whether word is spelt right for this checker: in the
// dictionary, or known to the library.
func (c *Checker) Known(word string) bool {
	if c.knownHere(word) || c.dict.Correct(word) {
		return true
	}
	if strings.ContainsRune(word, '’') {
		// Typographic apostrophes: not every dictionary maps them.
		w := strings.ReplaceAll(word, "’", "'")
		if c.knownHere(w) || c.dict.Correct(w) {
			return true
		}
	}
	// A possessive of a known name ("Durand’s"); the dictionary knows
	// its own words' possessives.
	for _, s := range []string{"’s", "'s", "’", "'"} {
		if base, ok := strings.CutSuffix(word, s); ok && base != "" && c.knownHere(base) {
			return true
		}
	}
	return false
}

// Skip reports whether a token is not to be checked at all: a word with
// a digit ("G20", "2nd"), a single letter (an initial, a list's "a)"), an
// acronym in capitals ("UN", "NATO", "NGOs"), or one with dots inside
// ("U.S.", "e.g.", "Ph.D.", a domain): abbreviations, which dictionaries
// list unevenly, and addresses.
func Skip(word string) bool {
	letters, upper := 0, 0
	for _, r := range word {
		switch {
		case unicode.IsDigit(r) || r == '_':
			return true
		case unicode.IsUpper(r):
			letters++
			upper++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if letters < 2 || strings.Contains(strings.TrimSuffix(word, "."), ".") {
		return true
	}
	base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(word, "’s"), "'s"), "s")
	return upper >= 2 && isUpper(base) // NATO, NATO’s, NGOs
}

// Check lists the words of p that are not known, in the order of the
// piece, each with up to MaxSuggestions suggestions. ignored are words
// let stand in this piece only. The piece's own byline and topics count
// as names, even before they reach the library.
func (c *Checker) Check(p *galley.Piece, ignored []string) []Misspelling {
	local := c
	if len(ignored) > 0 || len(p.Contributors) > 0 || len(p.Topics) > 0 {
		local = c.with(ignored, p)
	}
	var list []Misspelling
	index := map[string]int{}
	for _, ft := range Fields(p) {
		local.checkText(ft, func(word string, pl Place) {
			i, seen := index[word]
			if !seen {
				i = len(list)
				index[word] = i
				list = append(list, Misspelling{Word: word})
			}
			list[i].Places = append(list[i].Places, pl)
		})
	}
	c.suggest(list)
	return list
}

// maxSuggestedRunes is the longest word suggestions are looked for: past
// it libhunspell finds none, slowly.
const maxSuggestedRunes = 40

// suggest fills in the suggestions of list. Libhunspell takes some 30 to
// 150 ms a word, so with a SuggestBudget, words not seen before get
// theirs only while the budget lasts; the next check, which finds the
// earlier ones remembered, goes on with the rest. A pasted page in
// another language thus costs each check a moment, not a minute.
func (c *Checker) suggest(list []Misspelling) {
	var deadline time.Time
	if c.SuggestBudget > 0 {
		deadline = time.Now().Add(c.SuggestBudget)
	}
	for i := range list {
		w := list[i].Word
		if utf8.RuneCountInString(w) > maxSuggestedRunes {
			continue
		}
		compute := deadline.IsZero() || time.Now().Before(deadline)
		list[i].Suggestions, _ = c.dict.suggestions(w, MaxSuggestions, compute)
	}
}

// with is c with more words known: those ignored in a piece and the
// piece's own names.
func (c *Checker) with(ignored []string, p *galley.Piece) *Checker {
	more := &Checker{SuggestBudget: c.SuggestBudget, dict: c.dict, known: make(map[string][]string, len(c.known)+len(ignored))}
	for k, v := range c.known {
		more.known[k] = v
	}
	for _, w := range ignored {
		more.addWord(strings.TrimSpace(w))
	}
	names := func(name string) { plainWords(name, func(t token) { more.addWord(t.word) }) }
	for _, person := range p.Contributors {
		names(person.Name)
	}
	for _, t := range p.Topics {
		names(t)
	}
	return more
}

// checkText calls bad for every unknown word of one field.
func (c *Checker) checkText(ft FieldText, bad func(word string, pl Place)) {
	if strings.TrimSpace(ft.Text) == "" {
		return
	}
	// Offsets in runes are counted on from the last word found, so a
	// long answer is walked once.
	runes, at := 0, 0
	found := func(t token) {
		if Skip(t.word) || c.Known(t.word) {
			return
		}
		runes += utf8.RuneCountInString(ft.Text[at:t.start])
		start := runes
		runes += utf8.RuneCountInString(t.word)
		at = t.end
		bad(t.word, Place{Field: ft.Field, Start: start, End: runes})
	}
	if ft.Field.markdown() {
		markdownWords(ft.Text, found)
	} else {
		plainWords(ft.Text, found)
	}
}

func isUpper(s string) bool {
	has := false
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			has = true
		}
	}
	return has
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}
