package spell

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// token is a word found in a text, at bytes [start, end) of it.
type token struct {
	word       string
	start, end int
}

// plainWords calls yield for each word of prose s, in order. Addresses
// (web, mail, handles, file paths) are passed over whole: their parts
// are not words. Hyphens part words ("well-known" is two), because
// dictionaries list the parts; an apostrophe or a dot between letters
// keeps them together ("don’t", "O’Neill", "e.g."), because they are
// one word to the dictionary.
func plainWords(s string, yield func(token)) {
	i := 0
	for i < len(s) {
		// One run of non-space characters at a time, so an address is
		// seen whole before it is cut into words.
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += n
		}
		if !isAddress(s[i:j]) {
			chunkWords(s, i, j, yield)
		}
		i = j
	}
}

// isAddress reports whether a run of text without spaces is an address
// rather than words: a URL, a mail address, a handle, a domain or a path.
func isAddress(chunk string) bool {
	c := strings.Trim(chunk, "()[]<>{}\"'“”‘’,;:!?")
	lower := strings.ToLower(c)
	switch {
	case strings.Contains(lower, "://"), strings.HasPrefix(lower, "www."), strings.HasPrefix(lower, "mailto:"):
		return true
	case strings.ContainsRune(c, '@'), strings.HasPrefix(c, "#") && len(c) > 1:
		return true
	case strings.HasPrefix(c, "/") || strings.HasPrefix(c, "~/") || strings.HasPrefix(c, "./"):
		return true
	}
	return false
}

// isWordRune reports whether r is part of a word: a letter, a combining
// mark (the accent of a decomposed "é") or a digit (so "G20" is one
// token, then passed over for its digit).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || r == '_'
}

// isJoiner reports whether r joins two word runs into one word.
func isJoiner(r rune) bool { return r == '\'' || r == '’' || r == '.' }

// chunkWords yields the words of s[i:j], a run without spaces.
func chunkWords(s string, i, j int, yield func(token)) {
	for i < j {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start, part := i, i // part: where the run after the last dot began
		for i < j {
			r, n := utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				i += n
				continue
			}
			if isJoiner(r) && i+n < j {
				if next, _ := utf8.DecodeRuneInString(s[i+n:]); isWordRune(next) {
					if r == '.' && sentenceBreak(s[part:i], s[i+n:j]) {
						break
					}
					i += n
					if r == '.' {
						part = i
					}
					continue
				}
			}
			break
		}
		end := i
		// An abbreviation keeps its closing dot ("e.g."): dictionaries
		// list it so.
		if strings.ContainsRune(s[start:end], '.') && end < j && s[end] == '.' {
			end++
		}
		if start > 0 && s[start-1] == '&' {
			// An HTML entity (&amp;) is not a word of the text.
			i = end
			continue
		}
		yield(token{word: s[start:end], start: start, end: end})
		i = end
	}
}

// sentenceBreak reports whether a dot between before and after ends a
// sentence whose space was left out ("agreed.The") rather than joining
// an abbreviation ("e.g", "U.S", "Ph.D") or an address: two words of two
// letters or more, the second capitalised.
func sentenceBreak(before, after string) bool {
	first, _ := utf8.DecodeRuneInString(after)
	if !unicode.IsUpper(first) || utf8.RuneCountInString(before) < 2 || isUpper(before) {
		return false
	}
	n := 0
	for _, r := range after {
		if !isWordRune(r) {
			break
		}
		n++
	}
	return n >= 2
}

// markdownParser reads Markdown as the export does (tables and
// strikethrough on), so the same text counts as prose.
var markdownParser parser.Parser = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough)).Parser()

// markdownWords calls yield for each word of the prose of Markdown s,
// with offsets into s. Code (spans and blocks), raw HTML, autolinks and
// link and image addresses are not prose; link text and image
// descriptions are. The prose is kept in place and the rest blanked out,
// so a word split by nothing but the parser (a URL typed in a
// paragraph) is still read whole.
func markdownWords(s string, yield func(token)) {
	if !strings.ContainsAny(s, "`*_[]<>!#&\\|~\n") {
		// Nothing Markdown would treat as markup: prose as it stands.
		plainWords(s, yield)
		return
	}
	src := []byte(s)
	doc := markdownParser.Parse(text.NewReader(src))
	prose := make([]byte, len(src))
	for i := range prose {
		prose[i] = ' '
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock, *ast.RawHTML, *ast.AutoLink:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			seg := n.Segment
			copy(prose[seg.Start:seg.Stop], src[seg.Start:seg.Stop])
		}
		return ast.WalkContinue, nil
	})
	plainWords(string(prose), yield)
}
