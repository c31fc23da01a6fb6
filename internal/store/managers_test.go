package store

import (
	"strings"
	"testing"

	"app.galley/galley/internal/galley"
)

func topicID(t *testing.T, s *Store, name string) int64 {
	t.Helper()
	topics, err := s.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range topics {
		if tp.Name == name {
			return tp.ID
		}
	}
	t.Fatalf("no topic %q in %+v", name, topics)
	return 0
}

func typeID(t *testing.T, s *Store, name string) int64 {
	t.Helper()
	types, err := s.Types(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range types {
		if ty.Name == name {
			return ty.ID
		}
	}
	t.Fatalf("no type %q in %+v", name, types)
	return 0
}

func reload(t *testing.T, s *Store, p *galley.Piece) *galley.Piece {
	t.Helper()
	got, err := s.Piece(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func search(t *testing.T, s *Store, f galley.Filter) string {
	t.Helper()
	list, err := s.FindPieces(ctx, f)
	if err != nil {
		t.Fatalf("FindPieces(%+v): %v", f, err)
	}
	return titles(list)
}

// staleSaveConflicts checks that saving a copy loaded before a vocabulary
// change is refused, so the old names cannot come back.
func staleSaveConflicts(t *testing.T, s *Store, stale *galley.Piece, change string) {
	t.Helper()
	stale.Summary = "edited in a window opened before the change"
	if err := s.SavePiece(ctx, stale); galley.ErrorCode(err) != galley.EConflict {
		t.Errorf("saving %s loaded before %s = %v, want a conflict", stale.Name(), change, err)
	}
}

func TestMergeTopicsLeavesOneTopicInItsPlace(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		p1 := &galley.Piece{Title: "Grid Storage", Published: day(2024, 1, 1), Topics: []string{"Energy", "Climate Change", "Water"}}
		p2 := &galley.Piece{Title: "Both Spellings", Published: day(2023, 1, 1), Topics: []string{"Climate", "Trade", "Climate Change"}}
		p3 := &galley.Piece{Title: "Both, Other Order", Published: day(2022, 1, 1), Topics: []string{"Climate Change", "Trade", "Climate"}}
		p4 := &galley.Piece{Title: "Untouched", Published: day(2021, 1, 1), Topics: []string{"Trade"}}
		save(t, s, p1, p2, p3, p4)
		stale := reload(t, s, p1)

		if err := s.MergeTopics(ctx, topicID(t, s, "Climate Change"), topicID(t, s, "Climate")); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			p    *galley.Piece
			want string
		}{
			{p1, "Energy|Climate|Water"}, // in the merged topic's place
			{p2, "Climate|Trade"},        // no duplicate
			{p3, "Climate|Trade"},        // once, in the earlier place: still primary
			{p4, "Trade"},
		} {
			got := reload(t, s, c.p)
			if strings.Join(got.Topics, "|") != c.want {
				t.Errorf("%s topics = %v, want %s", c.p.Name(), got.Topics, c.want)
			}
			bumped := c.p != p4
			if (got.Version > c.p.Version) != bumped {
				t.Errorf("%s version %d → %d; only pieces that carried the merged topic get a new one", c.p.Name(), c.p.Version, got.Version)
			}
		}
		topics, _ := s.Topics(ctx)
		var names []string
		for _, tp := range topics {
			names = append(names, tp.Name)
			if tp.Name == "Climate" && tp.Pieces != 3 {
				t.Errorf("Climate is on %d pieces, want 3", tp.Pieces)
			}
		}
		if strings.Join(names, ",") != "Climate,Energy,Trade,Water" {
			t.Errorf("topics after merge = %v", names)
		}
		if got := search(t, s, galley.Filter{Query: "change"}); got != "" {
			t.Errorf("the merged topic's name still finds %s", got)
		}
		if got := search(t, s, galley.Filter{Query: "climate"}); got != "Grid Storage | Both Spellings | Both, Other Order" {
			t.Errorf("search for the kept topic = %s", got)
		}
		if got := search(t, s, galley.Filter{Topic: "Climate"}); got != "Grid Storage | Both Spellings | Both, Other Order" {
			t.Errorf("filter by the kept topic = %s", got)
		}
		staleSaveConflicts(t, s, stale, "a merge")

		climate := topicID(t, s, "Climate")
		if err := s.MergeTopics(ctx, climate, climate); galley.ErrorCode(err) != galley.EInvalid {
			t.Errorf("merging a topic into itself = %v, want invalid", err)
		}
		if err := s.MergeTopics(ctx, 9999, climate); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("merging a missing topic = %v, want not found", err)
		}
		if err := s.MergeTopics(ctx, climate, 9999); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("merging into a missing topic = %v, want not found", err)
		}
	})
}

func TestDeleteTopicTakesItOffEveryPiece(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		p1 := &galley.Piece{Title: "Grid Storage", Topics: []string{"Energy", "Climate"}}
		p2 := &galley.Piece{Title: "Tariffs", Topics: []string{"Trade"}}
		save(t, s, p1, p2)
		stale := reload(t, s, p1)

		if err := s.DeleteTopic(ctx, topicID(t, s, "Energy")); err != nil {
			t.Fatal(err)
		}
		if got := reload(t, s, p1); strings.Join(got.Topics, "|") != "Climate" || got.Version != p1.Version+1 {
			t.Errorf("after delete: topics %v version %d; want [Climate] and a new version", got.Topics, got.Version)
		}
		if got := reload(t, s, p2); got.Version != p2.Version {
			t.Errorf("a piece without the topic got a new version")
		}
		if got := search(t, s, galley.Filter{Query: "energy"}); got != "" {
			t.Errorf("the deleted topic still finds %s", got)
		}
		if _, err := s.FindPieces(ctx, galley.Filter{Topic: "Energy"}); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("filtering by the deleted topic = %v, want not found", err)
		}
		staleSaveConflicts(t, s, stale, "a topic delete")
		if err := s.DeleteTopic(ctx, 9999); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("deleting a missing topic = %v, want not found", err)
		}
	})
}

func TestTypesAreManaged(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		podcast, err := s.CreateType(ctx, "  Podcast ")
		if err != nil {
			t.Fatal(err)
		}
		types, _ := s.Types(ctx)
		if last := types[len(types)-1]; last.ID != podcast.ID || last.Name != "Podcast" || last.Pieces != 0 {
			t.Errorf("new type = %+v, listed last as %+v", podcast, last)
		}
		for _, name := range []string{"podcast", "ANALYSIS"} {
			if _, err := s.CreateType(ctx, name); galley.ErrorCode(err) != galley.EConflict {
				t.Errorf("CreateType(%q) = %v, want a conflict", name, err)
			}
		}
		for _, name := range []string{"", "  ", "two\nlines"} {
			if _, err := s.CreateType(ctx, name); galley.ErrorCode(err) != galley.EInvalid {
				t.Errorf("CreateType(%q) = %v, want invalid", name, err)
			}
		}

		report := &galley.Piece{Title: "Annual Report", Type: "Report"}
		other := &galley.Piece{Title: "Interview", Type: "Q&A"}
		save(t, s, report, other)
		stale := reload(t, s, report)
		if err := s.RenameType(ctx, typeID(t, s, "Report"), "Research Report"); err != nil {
			t.Fatal(err)
		}
		if got := reload(t, s, report); got.Type != "Research Report" || got.Version != report.Version+1 {
			t.Errorf("after rename: type %q version %d", got.Type, got.Version)
		}
		if got := reload(t, s, other); got.Version != other.Version {
			t.Error("a piece of another type got a new version")
		}
		if got := search(t, s, galley.Filter{Type: "research report"}); got != "Annual Report" {
			t.Errorf("filter by the new name = %s", got)
		}
		// Without the conflict, this save would bring "Report" back as a type.
		staleSaveConflicts(t, s, stale, "a type rename")
		if err := s.RenameType(ctx, typeID(t, s, "Research Report"), "q&a"); galley.ErrorCode(err) != galley.EConflict {
			t.Errorf("renaming onto another type's name = %v, want a conflict", err)
		}
		if err := s.RenameType(ctx, typeID(t, s, "Research Report"), "RESEARCH REPORT"); err != nil {
			t.Errorf("changing only the case of a name = %v", err)
		}
		if err := s.RenameType(ctx, 9999, "Anything"); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("renaming a missing type = %v, want not found", err)
		}

		stale = reload(t, s, report)
		if err := s.DeleteType(ctx, typeID(t, s, "RESEARCH REPORT")); err != nil {
			t.Fatal(err)
		}
		if got := reload(t, s, report); got.Type != "" || got.Version != stale.Version+1 {
			t.Errorf("after delete: type %q version %d; want untyped with a new version", got.Type, got.Version)
		}
		staleSaveConflicts(t, s, stale, "a type delete")
		types, _ = s.Types(ctx)
		for _, ty := range types {
			if galley.NameKey(ty.Name) == "research report" {
				t.Errorf("the deleted type is still listed: %+v", types)
			}
		}
		if err := s.DeleteType(ctx, typeID(t, s, "Podcast")); err != nil {
			t.Errorf("deleting an unused type = %v", err)
		}
		if err := s.DeleteType(ctx, podcast.ID); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("deleting a type twice = %v, want not found", err)
		}
	})
}

func TestContributorsAreManaged(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		ada, err := s.CreateContributor(ctx, galley.Contributor{Name: " Ada Quill ", Role: "senior fellow"})
		if err != nil {
			t.Fatal(err)
		}
		if ada.ID == 0 || ada.Name != "Ada Quill" {
			t.Errorf("created %+v", ada)
		}
		for _, c := range []galley.Contributor{{Name: "ADA QUILL"}, {Name: "ada quill", Role: "someone else"}} {
			if _, err := s.CreateContributor(ctx, c); galley.ErrorCode(err) != galley.EConflict || !strings.Contains(err.Error(), "Ada Quill") {
				t.Errorf("CreateContributor(%q) = %v, want a conflict naming Ada Quill", c.Name, err)
			}
		}
		for _, c := range []galley.Contributor{{Name: ""}, {Name: "Bram", Role: "two\nlines"}, {Name: "Bram", Role: "nul\x00"}} {
			if _, err := s.CreateContributor(ctx, c); galley.ErrorCode(err) != galley.EInvalid {
				t.Errorf("CreateContributor(%+v) = %v, want invalid", c, err)
			}
		}

		// A byline naming her finds the record made in the manager.
		p := &galley.Piece{Title: "After the Summit", Contributors: []galley.Contributor{{Name: "ada quill"}}}
		q := &galley.Piece{Title: "Water Rights", Contributors: []galley.Contributor{{Name: "Ada Quill"}, {Name: "Bram Oduya"}}}
		save(t, s, p, q)
		if p.Contributors[0].ID != ada.ID || p.Contributors[0].Role != "senior fellow" {
			t.Errorf("byline = %+v, want the managed record %+v", p.Contributors[0], ada)
		}
		people, _ := s.Contributors(ctx)
		if len(people) != 2 || people[0].Name != "Ada Quill" || people[0].Pieces != 2 || people[1].Name != "Bram Oduya" || people[1].Pieces != 1 {
			t.Errorf("contributors = %+v, want Ada on 2 pieces and Bram on 1", people)
		}

		err = s.DeleteContributor(ctx, ada.ID)
		if galley.ErrorCode(err) != galley.EConflict || !strings.Contains(err.Error(), "Ada Quill") || !strings.Contains(err.Error(), "2 pieces") {
			t.Errorf("deleting someone on two bylines = %v, want a conflict naming her and the count", err)
		}
		err = s.DeleteContributor(ctx, people[1].ID)
		if galley.ErrorCode(err) != galley.EConflict || !strings.Contains(err.Error(), "1 piece;") {
			t.Errorf("deleting someone on one byline = %v, want a conflict saying 1 piece", err)
		}

		// Renaming shows in search at once, and a stale copy cannot bring the
		// old name back.
		stale := reload(t, s, q)
		if err := s.UpdateContributor(ctx, galley.Contributor{ID: ada.ID, Name: "Ada Quill-Marsh", Role: "senior fellow"}); err != nil {
			t.Fatal(err)
		}
		if got := search(t, s, galley.Filter{Query: "marsh"}); got != "Water Rights | After the Summit" {
			t.Errorf("search for the new name = %q", got)
		}
		staleSaveConflicts(t, s, stale, "a contributor rename")

		// Off every byline, she can go.
		for _, piece := range []*galley.Piece{p, q} {
			cur := reload(t, s, piece)
			cur.Contributors = cur.Contributors[1:] // she is first on both
			save(t, s, cur)
		}
		if err := s.DeleteContributor(ctx, ada.ID); err != nil {
			t.Fatalf("deleting someone on no byline = %v", err)
		}
		people, _ = s.Contributors(ctx)
		if len(people) != 1 || people[0].Name != "Bram Oduya" {
			t.Errorf("contributors after delete = %+v", people)
		}
		if err := s.DeleteContributor(ctx, ada.ID); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("deleting twice = %v, want not found", err)
		}
	})
}
