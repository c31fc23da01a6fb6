package store

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"app.galley/galley/internal/galley"
)

func TestWordListIsKeptByTheLibrary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "library.galley")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Taylor", " Helsinki ", "Taylor", "Ébène", "zloty"} {
		if err := s.AddWord(ctx, w); err != nil {
			t.Fatalf("AddWord(%q): %v", w, err)
		}
	}
	s.Close()

	// Another desk opening the library later knows the words.
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Words(ctx)
	want := []string{"Ébène", "Helsinki", "Taylor", "zloty"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("Words = %q, %v; want %q (each once, trimmed, in reading order)", got, err, want)
	}
	if err := s.RemoveWord(ctx, "Taylor"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveWord(ctx, "never added"); err != nil {
		t.Errorf("removing a word not on the list: %v", err)
	}
	if got, _ := s.Words(ctx); !slices.Equal(got, []string{"Ébène", "Helsinki", "zloty"}) {
		t.Errorf("after RemoveWord(Taylor): %q", got)
	}
}

func TestWordListTakesOneWordAtATime(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		for _, w := range []string{"", "  ", "two words", "tab\tword", "line\nbreak", strings.Repeat("a", MaxWord+1)} {
			err := s.AddWord(ctx, w)
			if galley.ErrorCode(err) != galley.EInvalid {
				t.Errorf("AddWord(%q) = %v, want an invalid-input error", w, err)
			}
		}
		if got, _ := s.Words(ctx); len(got) != 0 {
			t.Errorf("refused words were kept: %q", got)
		}
		// Characters SQL patterns treat specially are only letters here.
		for _, w := range []string{"50%", "a_b", "O’Neill"} {
			if err := s.AddWord(ctx, w); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := s.Words(ctx); len(got) != 3 {
			t.Errorf("Words = %q", got)
		}
	})
}

func TestIgnoredWordsBelongToOnePiece(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		// Eleven pieces, so that piece 1's words are not taken for piece 11's.
		var ids []int64
		for i := range 11 {
			p := &galley.Piece{Title: "Piece " + string(rune('A'+i))}
			if err := s.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		first, last := ids[0], ids[10]
		if err := s.IgnoreWord(ctx, first, "teh"); err != nil {
			t.Fatal(err)
		}
		if err := s.IgnoreWord(ctx, last, "Zaporizhzhia"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.IgnoredWords(ctx, first); err != nil || !slices.Equal(got, []string{"teh"}) {
			t.Errorf("IgnoredWords(first) = %q, %v", got, err)
		}
		if got, _ := s.IgnoredWords(ctx, last); !slices.Equal(got, []string{"Zaporizhzhia"}) {
			t.Errorf("IgnoredWords(last) = %q", got)
		}
		if got, _ := s.IgnoredWords(ctx, ids[5]); len(got) != 0 {
			t.Errorf("a piece that ignored nothing has %q", got)
		}
		if got, _ := s.Words(ctx); len(got) != 0 {
			t.Errorf("a word ignored in one piece joined the library's word list: %q", got)
		}
		if err := s.UnignoreWord(ctx, first, "teh"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.IgnoredWords(ctx, first); len(got) != 0 {
			t.Errorf("after UnignoreWord: %q", got)
		}
		if err := s.IgnoreWord(ctx, 999, "teh"); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("IgnoreWord in a piece not in the library = %v, want not found", err)
		}
	})
}

func TestSpellingLanguage(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		if lang, err := s.SpellingLanguage(ctx); err != nil || lang != "" {
			t.Fatalf("a new library's language = %q, %v; want none of its own", lang, err)
		}
		for _, lang := range []string{"en_GB", "fr_FR"} {
			if err := s.SetSpellingLanguage(ctx, lang); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.SpellingLanguage(ctx); got != lang {
				t.Errorf("after setting %s: %q", lang, got)
			}
		}
		if err := s.SetSpellingLanguage(ctx, "en'; DROP TABLE pieces"); galley.ErrorCode(err) != galley.EInvalid {
			t.Errorf("a language that is not one = %v", err)
		}
		if err := s.SetSpellingLanguage(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.SpellingLanguage(ctx); got != "" {
			t.Errorf("after clearing: %q", got)
		}
	})
}
