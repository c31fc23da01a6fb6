package desk

import (
	"slices"
	"strings"

	"app.galley/galley/internal/galley"
)

// MaxTopicSuggestions is how many topics are offered while typing.
const MaxTopicSuggestions = 8

// SuggestTopics is what the topic entry offers, best first, at most
// MaxTopicSuggestions: topics from the piece's photos' keywords (they say
// what the piece shows), then the library's topics whose names begin
// with what is typed, then those that hold it elsewhere; never one the
// piece has. With nothing typed, the library's most used come first.
// Names are compared by galley.NameKey (case and Unicode form aside), and a
// keyword the library knows is offered in the library's spelling.
func SuggestTopics(known []galley.Topic, have []string, keywords []string, typed string) []string {
	onPiece := map[string]bool{}
	for _, name := range have {
		onPiece[galley.NameKey(name)] = true
	}
	want := galley.NameKey(strings.TrimSpace(typed))
	var prefix, inside []galley.Topic
	for _, k := range known {
		key := galley.NameKey(k.Name)
		switch {
		case onPiece[key]:
		case want == "" || strings.HasPrefix(key, want):
			prefix = append(prefix, k)
		case strings.Contains(key, want):
			inside = append(inside, k)
		}
	}
	if want == "" {
		// Most used first: the likeliest picks (ties keep the library's order).
		slices.SortStableFunc(prefix, func(a, b galley.Topic) int { return b.Pieces - a.Pieces })
	}
	spelling := map[string]string{}
	for _, k := range known {
		spelling[galley.NameKey(k.Name)] = k.Name
	}
	var out []string
	offered := map[string]bool{}
	offer := func(key, name string) {
		if !offered[key] && len(out) < MaxTopicSuggestions {
			offered[key] = true
			out = append(out, name)
		}
	}
	for _, k := range keywords {
		key := galley.NameKey(k)
		if key == "" || onPiece[key] || want != "" && !strings.Contains(key, want) {
			continue
		}
		if s, ok := spelling[key]; ok {
			k = s
		}
		offer(key, k)
	}
	for _, k := range append(prefix, inside...) {
		offer(galley.NameKey(k.Name), k.Name)
	}
	return out
}

// StepHighlight is the suggestion highlighted after Down (step 1) or Up
// (-1) from at, among n: Down from the typed text (-1) goes to the first,
// Up from the first goes back to the typed text, and neither runs past
// the ends, so a held key settles rather than cycling.
func StepHighlight(at, n, step int) int {
	if n == 0 {
		return -1
	}
	return max(-1, min(n-1, at+step))
}
