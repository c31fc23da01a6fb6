package spell

import (
	"context"

	"app.galley/galley/internal/galley"
)

// Library is what the spelling check reads from a library: its language,
// its word list, the names of its people and topics, and the words let
// stand in one piece. *store.Store is one.
type Library interface {
	SpellingLanguage(ctx context.Context) (string, error)
	Words(ctx context.Context) ([]string, error)
	Contributors(ctx context.Context) ([]galley.Contributor, error)
	Topics(ctx context.Context) ([]galley.Topic, error)
	IgnoredWords(ctx context.Context, pieceID int64) ([]string, error)
}

// LibraryLanguage is the language lib's pieces are checked in: its own
// when it has one, else what the environment prefers (see
// PreferredLanguage).
func LibraryLanguage(ctx context.Context, lib Library, getenv func(string) string) (string, error) {
	lang, err := lib.SpellingLanguage(ctx)
	if err != nil || lang != "" {
		return lang, err
	}
	return PreferredLanguage(getenv), nil
}

// ForLibrary makes the checker of lib's pieces in lang: that language's
// dictionary, with the library's word list and the names of its
// contributors and topics. A missing dictionary is a *MissingError.
func ForLibrary(ctx context.Context, lib Library, lang string) (*Checker, error) {
	dict, err := Load(lang)
	if err != nil {
		return nil, err
	}
	words, err := lib.Words(ctx)
	if err != nil {
		return nil, err
	}
	people, err := lib.Contributors(ctx)
	if err != nil {
		return nil, err
	}
	topics, err := lib.Topics(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(people)+len(topics))
	for _, c := range people {
		names = append(names, c.Name)
	}
	for _, t := range topics {
		names = append(names, t.Name)
	}
	return NewChecker(dict, words, names), nil
}

// CheckPiece checks p with the words lib lets stand in it.
func (c *Checker) CheckPiece(ctx context.Context, lib Library, p *galley.Piece) ([]Misspelling, error) {
	var ignored []string
	if p.ID != 0 {
		var err error
		if ignored, err = lib.IgnoredWords(ctx, p.ID); err != nil {
			return nil, err
		}
	}
	return c.Check(p, ignored), nil
}
