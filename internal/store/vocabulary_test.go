package store

import (
	"context"
	"fmt"
	"testing"

	"app.galley/galley/internal/galley"
)

func TestVocabularyListsTheNamesToChooseFrom(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		ctx := context.Background()
		for _, p := range []*galley.Piece{
			{Title: "One", Type: "Field Note", Topics: []string{"water", "Energy"}, Contributors: []galley.Contributor{{Name: "Zed Ortiz", Role: "editor"}}},
			{Title: "Two", Topics: []string{"Ébène"}, Contributors: []galley.Contributor{{Name: "ada Quill"}}},
		} {
			if err := s.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		v, err := s.Vocabulary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The default types come first, in their order; a type added by a
		// piece comes after them.
		if got := v.Types[len(v.Types)-1]; got != "Field Note" || len(v.Types) != len(galley.DefaultTypes)+1 {
			t.Errorf("types %v", v.Types)
		}
		// Alphabetical as a reader looks names up: "water" among the W's, not
		// before every capital, and "Ébène" among the E's, not after the Z's.
		if got := fmt.Sprint(v.Topics); got != "[Ébène Energy water]" {
			t.Errorf("topics %s", got)
		}
		if len(v.Contributors) != 2 || v.Contributors[0].Name != "ada Quill" || v.Contributors[1].Role != "editor" || v.Contributors[1].ID == 0 {
			t.Errorf("contributors %+v", v.Contributors)
		}
	})
}
