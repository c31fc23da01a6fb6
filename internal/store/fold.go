package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A team library's piece search is PostgreSQL's own (a tsvector per piece,
// a GIN index, prefix queries), but the words go in folded by the desk, not
// by the server. The schema's galley_fold (migrations/postgres/0001) folds
// as SQLite's FTS5 tokenizer does, and is what a photo's generated search
// column uses; run over a long interview it cost the server 4–6 ms of
// every save (normalize and two regular expressions over 13 kB, then
// to_tsvector's parser), more than the rest of the save together, on the
// one machine a whole team shares. searchWords is the same fold in Go, a
// few dozen microseconds on the desk; the server only makes the words a
// tsvector (array_to_tsvector, as galley_tsvector does since migration
// 0003). TestPostgresSchema/TheDeskFoldsAsTheServer holds the two to the
// same words on a real server, string by string.

// isWordRune reports whether r belongs to a word as galley_fold's
// [[:alnum:]] class reads it under a UTF-8 locale (glibc's classes follow
// Unicode's Alphabetic property, with every script's decimal digits), or
// is one of the combining diacritics the fold keeps (U+0300–U+036F).
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Nl, r) ||
		unicode.Is(unicode.Other_Alphabetic, r) || isCombiningDiacritic(r)
}

// isCombiningDiacritic reports whether r is in U+0300–U+036F, the marks
// the fold takes off a Latin letter ("é" is "e").
func isCombiningDiacritic(r rune) bool { return 0x300 <= r && r <= 0x36f }

// fold is galley_fold: diacritics off Latin letters, lowercased, and every
// run of characters that is not part of a word one space.
func fold(text string) string {
	if !isPlain(text) {
		text = stripLatinDiacritics(text)
	}
	var b strings.Builder
	b.Grow(len(text))
	gap := false
	for _, r := range text {
		if !isWordRune(r) {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteRune(unicode.ToLower(r))
	}
	if gap && b.Len() > 0 {
		b.WriteByte(' ')
	}
	return b.String()
}

// isPlain reports whether text is ASCII, which normalising leaves alone.
func isPlain(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// stripLatinDiacritics decomposes text (NFD), drops the combining
// diacritics that follow an ASCII letter, and composes what is left (NFC):
// "Ébène" is "Ebene", "ёлка" stays "ёлка".
func stripLatinDiacritics(text string) string {
	d := norm.NFD.String(text)
	var b strings.Builder
	b.Grow(len(d))
	afterLatin := false
	for _, r := range d {
		if afterLatin && isCombiningDiacritic(r) {
			continue
		}
		afterLatin = r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// maxLexeme is the longest word, in bytes, PostgreSQL keeps in a tsvector;
// galley_tsvector leaves a longer one out, and so does searchWords.
const maxLexeme = 2047

// maxSearchBytes bounds the words of one piece's entry: a tsvector's
// words hold at most 1 MB together. Prose never comes near it (a
// 100,000-word piece has a few thousand distinct words); hostile text of
// millions of distinct words is indexed as far as it fits, as
// galley_tsvector does, and the save goes on.
const maxSearchBytes = 1_000_000

// searchWords gives the distinct folded words of texts, in the order they
// first appear, for a team library's search entry: the lexemes
// galley_tsvector gives the same text.
func searchWords(texts ...string) []string {
	seen := map[string]bool{}
	var words []string
	size := 0
	for _, t := range texts {
		for _, w := range strings.Fields(fold(t)) {
			if len(w) > maxLexeme || seen[w] {
				continue
			}
			if size += len(w); size >= maxSearchBytes {
				return words
			}
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}
