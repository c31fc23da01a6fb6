package store

import (
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/galley"
)

func day(y int, m time.Month, d int) galley.Date { return galley.Date{Year: y, Month: m, Day: d} }

// save stores pieces, failing the test on any error.
func save(t *testing.T, s *Store, pieces ...*galley.Piece) {
	t.Helper()
	for _, p := range pieces {
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatalf("saving %s: %v", p.Name(), err)
		}
	}
}

func TestSuggestRelatedRanksBySharedTopicsThenRecency(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		linked := &galley.Piece{Title: "Already Linked", Topics: []string{"Water", "Energy", "Climate"}, Published: day(2024, 1, 1)}
		save(t, s, linked)
		subject := &galley.Piece{Title: "Subject", Topics: []string{"Water", "Energy", "Climate"}, Published: day(2023, 1, 1),
			Related: []galley.PieceRef{{ID: linked.ID}}}
		save(t, s, subject,
			&galley.Piece{Title: "All Three, Old", Topics: []string{"Climate", "Water", "Energy"}, Published: day(2009, 5, 1)},
			&galley.Piece{Title: "Two, 2020", Topics: []string{"Water", "Energy"}, Published: day(2020, 3, 1)},
			&galley.Piece{Title: "Two, 2022", Topics: []string{"Energy", "Trade", "Climate"}, Published: day(2022, 3, 1)},
			&galley.Piece{Title: "One, Undated Draft", Topics: []string{"Climate"}},
			&galley.Piece{Title: "One, 2015", Topics: []string{"Water"}, Published: day(2015, 1, 1), Status: galley.StatusPublished},
			&galley.Piece{Title: "One, 2015 Later Saved", Topics: []string{"Energy"}, Published: day(2015, 1, 1)},
			&galley.Piece{Title: "Unrelated", Topics: []string{"Trade"}, Published: day(2025, 1, 1)},
			&galley.Piece{Title: "No Topics", Published: day(2025, 1, 1)},
		)

		suggest := func(id int64, topics []string, limit int) string {
			t.Helper()
			list, err := s.SuggestRelated(ctx, id, topics, limit)
			if err != nil {
				t.Fatal(err)
			}
			return titles(list)
		}
		all := "All Three, Old | Two, 2022 | Two, 2020 | One, 2015 Later Saved | One, 2015 | One, Undated Draft"
		if got := suggest(subject.ID, subject.Topics, 0); got != all {
			t.Errorf("suggestions =\n  %s\nwant (more shared topics first, then newest; the piece itself and its related pieces left out)\n  %s", got, all)
		}
		if got := suggest(subject.ID, subject.Topics, 2); got != "All Three, Old | Two, 2022" {
			t.Errorf("first two suggestions = %s", got)
		}
		// The editor's unsaved topics count, in any case; unknown ones are ignored.
		if got := suggest(subject.ID, []string{"trade", "Brand New Topic"}, 0); got != "Unrelated | Two, 2022" {
			t.Errorf("suggestions for unsaved topics = %s", got)
		}
		// A piece not saved yet excludes nothing.
		if got := suggest(0, []string{"Climate", "Water", "Energy"}, 1); got != "Already Linked" {
			t.Errorf("suggestions for a new piece = %s", got)
		}
		if got := suggest(subject.ID, nil, 0); got != "" {
			t.Errorf("suggestions without topics = %s, want none", got)
		}

		// A summary carries what the list shows.
		list, _ := s.SuggestRelated(ctx, subject.ID, []string{"Water"}, 0)
		var found bool
		for _, sum := range list {
			if sum.Title == "One, 2015" {
				found = true
				if sum.Status != galley.StatusPublished || sum.Published != day(2015, 1, 1) || sum.Slug != "one-2015" || sum.Updated.IsZero() {
					t.Errorf("summary = %+v", sum)
				}
			}
		}
		if !found {
			t.Errorf("“One, 2015” not suggested for Water: %s", titles(list))
		}
	})
}

// TestSuggestRelatedUsesIndexes guards the speed of suggestions on a large
// archive: candidates must come from the topic index and their dates from
// pieces_recency, never from a scan of the pieces table.
func TestSuggestRelatedUsesIndexes(t *testing.T) {
	s := openFile(t)
	rows, err := s.rdb.Query("EXPLAIN QUERY PLAN "+suggestQuery(3), 1, 2, 3, 10, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	text := strings.Join(plan, "\n")
	for _, want := range []string{
		"SEARCH piece_topics USING COVERING INDEX piece_topics_topic (topic_id=?)",
		"SEARCH d USING COVERING INDEX pieces_recency (id=?)",
		"SEARCH p USING INTEGER PRIMARY KEY (rowid=?)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q:\n%s", want, text)
		}
	}
	for _, line := range plan {
		if strings.HasPrefix(line, "SCAN") && !strings.HasPrefix(line, "SCAN m") && !strings.HasPrefix(line, "SCAN r") {
			t.Errorf("plan scans a table: %q\n%s", line, text)
		}
	}
}

// bigLibrary fills s with n pieces carrying one to three of 30 topics, one
// in ten undated, written directly so the test takes seconds, not hours.
// They have no search entries, which suggestions do not need.
func bigLibrary(t testing.TB, s *Store, n int) {
	t.Helper()
	script := `
		INSERT INTO topics (id, name, key)
		WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 30)
		SELECT i, 'Topic ' || i, 'topic ' || i FROM k;

		INSERT INTO pieces (id, slug, title, status, published, summary, body, created, updated)
		WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
		SELECT i, 'piece-' || i, 'Piece ' || i, 'published',
			CASE WHEN i % 10 = 0 THEN NULL ELSE date('2005-01-01', '+' || (i * 7919 % 7300) || ' days') END,
			'A summary of a sentence or two.', printf('%.1500c', 'x'),
			'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'
		FROM k;

		INSERT OR IGNORE INTO piece_topics (piece_id, position, topic_id)
		SELECT id, 0, id % 30 + 1 FROM pieces
		UNION ALL SELECT id, 1, id * 7 % 30 + 1 FROM pieces WHERE id % 2 = 0
		UNION ALL SELECT id, 2, id * 13 % 30 + 1 FROM pieces WHERE id % 3 = 0;`
	if _, err := s.db.Exec(script, n); err != nil {
		t.Fatal(err)
	}
}

func TestSuggestRelatedOnALargeArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a library of 100,000 pieces")
	}
	s := openFile(t)
	bigLibrary(t, s, 100_000)
	topics := []string{"Topic 1", "Topic 8", "Topic 14"}
	start := time.Now()
	list, err := s.SuggestRelated(ctx, 50_000, topics, 10)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("10 suggestions among 100,000 pieces in %v", elapsed)
	if len(list) != 10 {
		t.Fatalf("%d suggestions, want 10", len(list))
	}
	shared := func(id int64) int {
		return count(t, s, `SELECT count(*) FROM piece_topics pt JOIN topics t ON t.id = pt.topic_id
			WHERE pt.piece_id = ? AND t.name IN (?, ?, ?)`, id, topics[0], topics[1], topics[2])
	}
	best := count(t, s, `SELECT max(n) FROM (SELECT count(*) AS n FROM piece_topics WHERE topic_id IN (1, 8, 14) GROUP BY piece_id)`)
	if got := shared(list[0].ID); got != best {
		t.Errorf("the first suggestion shares %d topics; some piece shares %d", got, best)
	}
	for i := 1; i < len(list); i++ {
		a, b := list[i-1], list[i]
		sa, sb := shared(a.ID), shared(b.ID)
		if sa < sb || (sa == sb && b.Published != (galley.Date{}) && a.Published.Before(b.Published)) {
			t.Errorf("%s (%d topics, %v) ranked before %s (%d topics, %v)", a.Title, sa, a.Published, b.Title, sb, b.Published)
		}
	}
	// Generous: it takes a few tens of milliseconds; reading every
	// candidate's row instead would take seconds on real pieces.
	if elapsed > 2*time.Second {
		t.Errorf("suggestions took %v", elapsed)
	}
}

func BenchmarkSuggestRelated100k(b *testing.B) {
	s, err := Open(b.TempDir() + "/big.galley")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	bigLibrary(b, s, 100_000)
	topics := []string{"Topic 1", "Topic 8", "Topic 14"}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.SuggestRelated(ctx, 50_000, topics, 10); err != nil {
			b.Fatal(err)
		}
	}
}

func TestStatusesFeedThePrePublishChecks(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		out := &galley.Piece{Title: "Out Already", Status: galley.StatusPublished}
		draft := &galley.Piece{Title: "Still a Draft"}
		gone := &galley.Piece{Title: "Soon Gone", Status: galley.StatusPublished}
		save(t, s, out, draft, gone)
		p := &galley.Piece{Title: "Going Out", Summary: "Ready.", Topics: []string{"Water"},
			Contributors: []galley.Contributor{{Name: "Ada Byline"}},
			Related:      []galley.PieceRef{{ID: out.ID}, {ID: draft.ID}, {ID: gone.ID}}}
		save(t, s, p)
		if _, err := s.DeletePiece(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		// The editor still holds the related list from before the delete.
		ids := []int64{}
		for _, r := range p.Related {
			ids = append(ids, r.ID)
		}
		// Many IDs at once are fine (they go in batches).
		for id := int64(1000); id < 2500; id++ {
			ids = append(ids, id)
		}
		st, err := s.Statuses(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 2 || st[out.ID] != galley.StatusPublished || st[draft.ID] != galley.StatusDraft {
			t.Fatalf("Statuses = %v", st)
		}
		problems := p.Checks(func(id int64) (galley.Status, bool) { s, ok := st[id]; return s, ok })
		var msgs []string
		for _, pr := range problems {
			msgs = append(msgs, pr.Message)
		}
		want := "The related publication “Still a Draft” is not published yet (it is a draft); readers would find no page there.\n" +
			"The related publication “Soon Gone” is no longer in the library; remove it from the list."
		if got := strings.Join(msgs, "\n"); got != want {
			t.Errorf("checks =\n%s\nwant\n%s", got, want)
		}
		if st, err := s.Statuses(ctx, nil); err != nil || len(st) != 0 {
			t.Errorf("Statuses(nil) = %v, %v", st, err)
		}
	})
}
