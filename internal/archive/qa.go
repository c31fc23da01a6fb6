package archive

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"app.galley/galley/internal/galley"
)

var (
	questionPrefix = regexp.MustCompile(`^Q\s*[:.)–—-]\s*`)
	answerPrefix   = regexp.MustCompile(`^(?:\*\*|__)?A\s*[:.)–—-]\s*(?:\*\*|__)?\s*`)
)

// question reports whether b asks one of an interview's questions, and
// the question as plain text. WordPress and Ghost keep an interview as
// paragraphs: a question starts "Q:", or is a paragraph all in bold that
// ends in a question mark.
func question(b block) (string, bool) {
	text := strings.Join(strings.Fields(b.text), " ")
	if strings.HasPrefix(b.markdown, "#") || strings.HasPrefix(b.markdown, ">") || strings.HasPrefix(b.markdown, "|") {
		return "", false
	}
	if loc := questionPrefix.FindStringIndex(text); loc != nil && len(text) > loc[1] {
		return text[loc[1]:], true
	}
	if b.strong && strings.ContainsAny(lastRune(text), "?؟？;") {
		return text, true
	}
	return "", false
}

// structure turns an interview's blocks into its introduction and its
// questions and answers. It gives up (ok false) unless there are at
// least two questions and each has an answer: a post with one bold
// question in it is an article, not an interview.
func structure(blocks []block) (intro string, pairs []galley.QA, ok bool) {
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
	for _, b := range blocks {
		if q, isQ := question(b); isQ {
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

// lastRune is the last character of s: a question ends in "?", or in
// Arabic and Persian "؟", fullwidth "？", Greek ";".
func lastRune(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	return string(r)
}
