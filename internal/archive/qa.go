package archive

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"app.galley/galley/internal/galley"
)

var (
	// A question starts "Q:", "Q." or "Q)"; "Q -" or "Q –" only in bold,
	// since "Q-learning" or "Q — the letter" start sentences too.
	questionPrefix = regexp.MustCompile(`^Q\s*[:.)]\s*`)
	questionDash   = regexp.MustCompile(`^Q\s*[–—-]\s*`)
	answerPrefix   = regexp.MustCompile(`^(?:\*\*|__)?A\s*[:.)–—-]\s*(?:\*\*|__)?\s*`)
)

// prefixed reports whether b asks a question the Q: way, and the
// question as plain text.
func prefixed(b block) (string, bool) {
	if isHeadingLike(b) {
		return "", false
	}
	text := strings.Join(strings.Fields(b.text), " ")
	loc := questionPrefix.FindStringIndex(text)
	if loc == nil && b.strong {
		loc = questionDash.FindStringIndex(text)
	}
	if loc != nil && len(text) > loc[1] {
		return text[loc[1]:], true
	}
	return "", false
}

// isHeadingLike reports whether b is a heading, a quote or a table,
// which never ask an interview's questions.
func isHeadingLike(b block) bool {
	return strings.HasPrefix(b.markdown, "#") || strings.HasPrefix(b.markdown, ">") || strings.HasPrefix(b.markdown, "|")
}

// asks reports whether the text ends as a question: in "?", or in
// Arabic and Persian "؟", fullwidth "？", Greek ";".
func asks(text string) bool { return strings.ContainsAny(lastRune(text), "?؟？;") }

// questions finds an interview's questions among its blocks, by one of
// two forms, the first that the post uses: every question starts "Q:"
// (and then nothing else is one), or every question is a paragraph all
// in bold. A post whose bold paragraphs are mostly not questions uses
// them as subheadings: it is an article, and has none (nil). The
// introduction's bold notes ("edited for length") come before the first
// question and are not counted.
func questions(blocks []block) map[int]string {
	out := map[int]string{}
	for i, b := range blocks {
		if q, ok := prefixed(b); ok {
			out[i] = q
		}
	}
	if len(out) > 0 {
		return out
	}
	first, asking, bold := -1, 0, 0
	for i, b := range blocks {
		if !b.strong || isHeadingLike(b) {
			continue
		}
		text := strings.Join(strings.Fields(b.text), " ")
		if first < 0 && !asks(text) {
			continue
		}
		if first < 0 {
			first = i
		}
		bold++
		if asks(text) {
			asking++
		}
		out[i] = text
	}
	// "Tell me about the harbour." asks too, in an interview whose other
	// questions end in question marks.
	if asking*3 < bold*2 {
		return nil
	}
	return out
}

// structure turns an interview's blocks into its introduction and its
// questions and answers. It gives up (ok false) unless there are at
// least two questions and each has an answer: a post with one bold
// question in it is an article, not an interview.
func structure(blocks []block) (intro string, pairs []galley.QA, ok bool) {
	asked := questions(blocks)
	var introBlocks, answer []string
	flush := func() bool {
		if len(pairs) == 0 {
			return true
		}
		if len(answer) == 0 {
			return false
		}
		answer[0] = answerPrefix.ReplaceAllString(answer[0], "")
		pairs[len(pairs)-1].Answer = strings.Join(answer, "\n\n")
		answer = nil
		return true
	}
	for i, b := range blocks {
		if q, isQ := asked[i]; isQ {
			if !flush() {
				return "", nil, false
			}
			pairs = append(pairs, galley.QA{Question: q})
			continue
		}
		if len(pairs) == 0 {
			introBlocks = append(introBlocks, b.markdown)
		} else {
			answer = append(answer, b.markdown)
		}
	}
	if !flush() || len(pairs) < 2 {
		return "", nil, false
	}
	return strings.Join(introBlocks, "\n\n"), pairs, true
}

// joinBlocks is the blocks as one Markdown text.
func joinBlocks(blocks []block) string {
	parts := make([]string, len(blocks))
	for i, b := range blocks {
		parts[i] = b.markdown
	}
	return strings.Join(parts, "\n\n")
}

// lastRune is the last character of s.
func lastRune(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	return string(r)
}
