package store

import (
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// searchLibrary holds pieces whose distinctive words each sit in one field.
func searchLibrary(t *testing.T) *Store {
	t.Helper()
	s := openTemp(t)
	pieces := []*galley.Piece{
		{Title: "Plain Title One", Status: galley.StatusPublished, Published: galley.Date{Year: 2020, Month: 1, Day: 1},
			QA: []galley.QA{{Question: "Ordinary question?", Answer: "The answer mentions aquifers only here."}}},
		{Title: "Plain Title Two", Status: galley.StatusDraft, Published: galley.Date{Year: 2021, Month: 1, Day: 1},
			Photos: []galley.Photo{{Data: fixture.PNG(8, 8, 1), Caption: "A lighthouse at dusk.", Credit: "Ivo Zenlight/Wire"}}},
		{Title: "Plain Title Three", Type: "Report", Status: galley.StatusPublished, Published: galley.Date{Year: 2022, Month: 1, Day: 1},
			Topics: []string{"Cryosphere Studies"}, Contributors: []galley.Contributor{{Name: "Oona Vantablack"}}},
		{Title: "Ceasefire Monitoring in Practice", Type: "Analysis", Status: galley.StatusPublished, Published: galley.Date{Year: 2023, Month: 1, Day: 1},
			Summary: "Monitors, mandates and maps.", Body: "Déjà vu in the café.", Topics: []string{"Cryosphere Studies", "Peacekeeping"}},
	}
	for _, p := range pieces {
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func titles(list []galley.Summary) string {
	var ts []string
	for _, s := range list {
		ts = append(ts, s.Title)
	}
	return strings.Join(ts, " | ")
}

func TestSearchFindsWordsInEveryField(t *testing.T) {
	s := searchLibrary(t)
	cases := []struct{ query, want string }{
		{"aquifers", "Plain Title One"},                                        // only in an answer
		{"lighthouse", "Plain Title Two"},                                      // only in a caption
		{"Zenlight", "Plain Title Two"},                                        // only in a credit
		{"cryosphere", "Ceasefire Monitoring in Practice | Plain Title Three"}, // a topic name, newest first
		{"vantablack", "Plain Title Three"},                                    // a contributor's name
		{"mandates", "Ceasefire Monitoring in Practice"},                       // the summary
		{"cease", "Ceasefire Monitoring in Practice"},                          // a prefix, as the editor types
		{"cease mon", "Ceasefire Monitoring in Practice"},                      // two prefixes, both required
		{"cease lighthouse", ""},                                               // words in different pieces
		{"deja cafe", "Ceasefire Monitoring in Practice"},                      // accents do not matter
		{`"aquifers`, "Plain Title One"},                                       // stray search syntax is plain text
		{`(aquifers* -`, "Plain Title One"},
	}
	for _, c := range cases {
		list, err := s.FindPieces(ctx, galley.Filter{Query: c.query})
		if err != nil {
			t.Errorf("%q: %v", c.query, err)
			continue
		}
		if got := titles(list); got != c.want {
			t.Errorf("search %q = [%s], want [%s]", c.query, got, c.want)
		}
	}
}

func TestFiltersCombineAndListNewestFirst(t *testing.T) {
	s := searchLibrary(t)
	all, err := s.FindPieces(ctx, galley.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(all); got != "Ceasefire Monitoring in Practice | Plain Title Three | Plain Title Two | Plain Title One" {
		t.Errorf("all = %s", got)
	}
	cases := []struct {
		f    galley.Filter
		want string
	}{
		{galley.Filter{Status: galley.StatusPublished}, "Ceasefire Monitoring in Practice | Plain Title Three | Plain Title One"},
		{galley.Filter{Type: "report"}, "Plain Title Three"},
		{galley.Filter{Topic: "Peacekeeping"}, "Ceasefire Monitoring in Practice"},
		{galley.Filter{Topic: "Cryosphere Studies", Query: "plain"}, "Plain Title Three"},
		{galley.Filter{Limit: 2, Offset: 1}, "Plain Title Three | Plain Title Two"},
		{galley.Filter{Offset: 3}, "Plain Title One"},
		{galley.Filter{Status: galley.StatusPublished, Limit: 1, Offset: 1}, "Plain Title Three"},
		{galley.Filter{Status: galley.StatusPublished, Offset: 2}, "Plain Title One"},
		{galley.Filter{Topic: "Cryosphere Studies", Limit: 5, Offset: 1}, "Plain Title Three"},
		{galley.Filter{Type: "analysis", Limit: 1, Offset: 1}, ""},
		{galley.Filter{Query: "plain", Limit: 1, Offset: 1}, "Plain Title Two"},
	}
	for _, c := range cases {
		list, err := s.FindPieces(ctx, c.f)
		if err != nil {
			t.Errorf("%+v: %v", c.f, err)
			continue
		}
		if got := titles(list); got != c.want {
			t.Errorf("filter %+v = [%s], want [%s]", c.f, got, c.want)
		}
		n, err := s.CountPieces(ctx, galley.Filter{Query: c.f.Query, Status: c.f.Status, Type: c.f.Type, Topic: c.f.Topic})
		if err != nil || (c.f.Limit == 0 && c.f.Offset == 0 && n != len(list)) {
			t.Errorf("count %+v = %d, %v; listed %d", c.f, n, err, len(list))
		}
	}
	for _, f := range []galley.Filter{{Topic: "Nonexistent"}, {Type: "Poetry"}, {Status: "archived"}} {
		if _, err := s.FindPieces(ctx, f); err == nil {
			t.Errorf("filter %+v should name the unknown value", f)
		}
	}
}

func TestUndatedDraftsSortByCreationDay(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		s.Now = func() time.Time { return time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC) }
		if err := s.SavePiece(ctx, &galley.Piece{Title: "Old", Published: galley.Date{Year: 2029, Month: 1, Day: 1}}); err != nil {
			t.Fatal(err)
		}
		if err := s.SavePiece(ctx, &galley.Piece{Title: "New Draft"}); err != nil {
			t.Fatal(err)
		}
		list, _ := s.FindPieces(ctx, galley.Filter{})
		if got := titles(list); got != "New Draft | Old" {
			t.Errorf("order = %s; an undated draft created today belongs before last year's piece", got)
		}
	})
}

func TestSearchFollowsEveryWrite(t *testing.T) {
	s := searchLibrary(t)
	find := func(q string) string {
		list, err := s.FindPieces(ctx, galley.Filter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return titles(list)
	}
	// An edit replaces the old words.
	list, _ := s.FindPieces(ctx, galley.Filter{Query: "aquifers"})
	p, _ := s.Piece(ctx, list[0].ID)
	p.QA[0].Answer = "Now about glaciers."
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := find("aquifers"); got != "" {
		t.Errorf("old answer still found: %s", got)
	}
	if got := find("glaciers"); got != "Plain Title One" {
		t.Errorf("new answer not found: %q", got)
	}
	// Changing a date moves the piece in the newest-first search order,
	// dates before 1970 included.
	list, _ = s.FindPieces(ctx, galley.Filter{Query: "plain"})
	if got := titles(list); got != "Plain Title Three | Plain Title Two | Plain Title One" {
		t.Fatalf("plain = %s", got)
	}
	p, _ = s.Piece(ctx, list[0].ID)
	p.Published = galley.Date{Year: 1965, Month: 3, Day: 9}
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := find("plain"); got != "Plain Title Two | Plain Title One | Plain Title Three" {
		t.Errorf("after moving Three to 1965: %s", got)
	}
	if n, _ := s.CountPieces(ctx, galley.Filter{Query: "plain"}); n != 3 {
		t.Errorf("count after a date change = %d, want 3 (one entry per piece)", n)
	}
	// A limit caps the count, with and without other filters.
	if n, _ := s.CountPieces(ctx, galley.Filter{Query: "plain", Limit: 2}); n != 2 {
		t.Errorf("count capped at 2 = %d", n)
	}
	if n, _ := s.CountPieces(ctx, galley.Filter{Query: "plain", Status: galley.StatusPublished, Limit: 1}); n != 1 {
		t.Errorf("count of published pieces capped at 1 = %d", n)
	}
	if n, _ := s.CountPieces(ctx, galley.Filter{Limit: 1}); n != 1 {
		t.Errorf("count of everything capped at 1 = %d", n)
	}

	// Renaming a topic renames it on every piece and in the index.
	topics, _ := s.Topics(ctx)
	var id int64
	for _, tp := range topics {
		if tp.Name == "Cryosphere Studies" {
			id = tp.ID
			if tp.Pieces != 2 {
				t.Errorf("topic count = %d, want 2", tp.Pieces)
			}
		}
	}
	if err := s.RenameTopic(ctx, id, "Polar Science"); err != nil {
		t.Fatal(err)
	}
	if got := find("cryosphere"); got != "" {
		t.Errorf("old topic name still found: %s", got)
	}
	if got := find("polar"); got != "Ceasefire Monitoring in Practice | Plain Title Three" {
		t.Errorf("renamed topic found in [%s]", got)
	}
	for _, l := range []string{"Ceasefire Monitoring in Practice", "Plain Title Three"} {
		all, _ := s.FindPieces(ctx, galley.Filter{Query: l})
		got, _ := s.Piece(ctx, all[0].ID)
		if got.Topics[0] != "Polar Science" {
			t.Errorf("%s topics = %v after rename", l, got.Topics)
		}
	}
	if err := s.RenameTopic(ctx, id, "peacekeeping"); galley.ErrorCode(err) != galley.EConflict {
		t.Errorf("renaming onto an existing topic = %v, want a conflict", err)
	}
}

func TestMatchExpression(t *testing.T) {
	cases := map[string]string{
		"":                   "",
		"  --  ":             "",
		"cease fi":           `"cease"* "fi"*`,
		`say "hi" OR bye`:    `"say"* "hi"* "OR"* "bye"*`,
		"U.S.-Norland talks": `"U"* "S"* "Norland"* "talks"*`,
		"Київ":               `"Київ"*`,
		"col:umn NEAR(a b)":  `"col"* "umn"* "NEAR"* "a"* "b"*`,
	}
	for in, want := range cases {
		if got := MatchExpression(in); got != want {
			t.Errorf("MatchExpression(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestSharedNamesMatchAcrossCaseAndAccents(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		a := &galley.Piece{Title: "One", Topics: []string{"Économie"}, Contributors: []galley.Contributor{{Name: "Élise Durand", Role: "economist"}}}
		b := &galley.Piece{Title: "Two", Topics: []string{"ÉCONOMIE"}, Contributors: []galley.Contributor{{Name: "E\u0301LISE DURAND"}}}
		for _, p := range []*galley.Piece{a, b} {
			if err := s.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		people, _ := s.Contributors(ctx)
		topics, _ := s.Topics(ctx)
		if len(people) != 1 || len(topics) != 1 || topics[0].Pieces != 2 {
			t.Fatalf("people %+v, topics %+v; want one of each, shared", people, topics)
		}
		if b.Contributors[0].Name != "Élise Durand" || b.Contributors[0].Role != "economist" || b.Topics[0] != "Économie" {
			t.Errorf("the second piece should carry the stored spelling and role: %+v %v", b.Contributors, b.Topics)
		}
		if list, err := s.FindPieces(ctx, galley.Filter{Topic: "économie"}); err != nil || len(list) != 2 {
			t.Errorf("filter by topic in another case = %d, %v", len(list), err)
		}
	})
}

func TestSharedDetailsAreNotRevertedByStaleSaves(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		p := &galley.Piece{Title: "Piece", Topics: []string{"Old Topic"}, Contributors: []galley.Contributor{{Name: "Ada Quill", Role: "ambassador"}}}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		stale, _ := s.Piece(ctx, p.ID)

		// The role is changed where roles are managed.
		if err := s.UpdateContributor(ctx, galley.Contributor{ID: p.Contributors[0].ID, Name: "Ada Quill", Role: "former ambassador"}); err != nil {
			t.Fatal(err)
		}
		// A save from an editor who loaded the piece earlier is a conflict, not
		// a quiet revert of the role.
		stale.Summary = "edited"
		if err := s.SavePiece(ctx, stale); galley.ErrorCode(err) != galley.EConflict {
			t.Fatalf("stale save after a contributor edit = %v, want a conflict", err)
		}
		// Saving another piece that names her with the old role keeps the new.
		other := &galley.Piece{Title: "Other", Contributors: []galley.Contributor{{Name: "ada quill", Role: "ambassador"}}}
		if err := s.SavePiece(ctx, other); err != nil {
			t.Fatal(err)
		}
		if other.Contributors[0].Role != "former ambassador" {
			t.Errorf("role after saving a piece with an old role = %q", other.Contributors[0].Role)
		}

		// The same for a topic rename.
		stale, _ = s.Piece(ctx, p.ID)
		topics, _ := s.Topics(ctx)
		if err := s.RenameTopic(ctx, topics[0].ID, "New Topic"); err != nil {
			t.Fatal(err)
		}
		if err := s.SavePiece(ctx, stale); galley.ErrorCode(err) != galley.EConflict {
			t.Errorf("stale save after a topic rename = %v, want a conflict", err)
		}
		if topics, _ := s.Topics(ctx); len(topics) != 1 || topics[0].Name != "New Topic" {
			t.Errorf("topics = %+v", topics)
		}
		for _, bad := range []string{"", "two\nlines", strings.Repeat("x", galley.MaxLine+1), "nul\x00"} {
			if err := s.RenameTopic(ctx, topics[0].ID, bad); galley.ErrorCode(err) != galley.EInvalid {
				t.Errorf("RenameTopic(%q) = %v, want invalid", bad, err)
			}
		}
	})
}
