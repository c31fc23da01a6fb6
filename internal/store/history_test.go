package store

import (
	"fmt"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// clock is a settable time for the store's Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func withClock(s *Store, start time.Time) *clock {
	c := &clock{t: start}
	s.Now = c.now
	return c
}

func revisionNumbers(t *testing.T, s *Store, id int64) string {
	t.Helper()
	revs, err := s.Revisions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range revs {
		out = append(out, fmt.Sprintf("%d:%s", r.Number, r.Status))
	}
	return fmt.Sprint(out)
}

func TestSavesGatherIntoRevisions(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		s.Author = "ada"
		c := withClock(s, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		p := &galley.Piece{Title: "Draft", Summary: "v1"}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		// Autosaves a few seconds apart fold into the first revision.
		for i := 2; i <= 5; i++ {
			c.advance(5 * time.Second)
			p.Summary = fmt.Sprintf("v%d", i)
			if err := s.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if got := revisionNumbers(t, s, p.ID); got != "[1:draft]" {
			t.Fatalf("after quick saves: %s", got)
		}
		// A save that changes nothing adds nothing, even much later.
		c.advance(time.Hour)
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		if got := revisionNumbers(t, s, p.ID); got != "[1:draft]" {
			t.Fatalf("after an empty save: %s", got)
		}
		// Past the window, a change starts a new revision…
		p.Summary = "v6"
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		// …and a status change always does, however soon.
		c.advance(time.Second)
		p.Status = galley.StatusReview
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		if got := revisionNumbers(t, s, p.ID); got != "[3:review 2:draft 1:draft]" {
			t.Fatalf("revisions: %s", got)
		}
		revs, _ := s.Revisions(ctx, p.ID)
		if revs[2].Author != "ada" || revs[2].Saved.Sub(revs[2].Started) != 20*time.Second {
			t.Errorf("first revision %+v", revs[2])
		}
		first, err := s.RevisionPiece(ctx, p.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if first.Summary != "v5" {
			t.Errorf("revision 1 holds %q, want the last save gathered into it (v5)", first.Summary)
		}
	})
}

func TestARevisionKeepsEveryPartAndRestoresAsANewRevision(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		c := withClock(s, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		other := &galley.Piece{Title: "Other"}
		if err := s.SavePiece(ctx, other); err != nil {
			t.Fatal(err)
		}
		p := &galley.Piece{
			Title: "Interview", Summary: "First summary.", Topics: []string{"Water", "Ice"},
			Contributors: []galley.Contributor{{Name: "Ada Quill", Role: "fellow"}},
			QA:           []galley.QA{{Question: "Why?", Answer: "Because."}},
			Photos:       []galley.Photo{{Data: fixture.JPEG(50, 40, 3), Caption: "Old caption", Credit: "Pat", Lead: true}},
			Related:      []galley.PieceRef{{ID: other.ID}},
		}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		// Much later: everything changes, the photo is replaced.
		c.advance(time.Hour)
		p.Summary, p.Topics, p.QA, p.Related = "Second summary.", []string{"Fire"}, nil, nil
		p.Photos = []galley.Photo{{Data: fixture.JPEG(60, 40, 4), Caption: "New"}}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "SELECT count(*) FROM images"); n != 2 {
			t.Errorf("%d images; the first photo must stay while revision 1 shows it", n)
		}
		old, err := s.RevisionPiece(ctx, p.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if old.Summary != "First summary." || fmt.Sprint(old.Topics) != "[Water Ice]" || len(old.QA) != 1 ||
			old.Photos[0].Caption != "Old caption" || old.Photos[0].Image.Width != 50 || old.Related[0].ID != other.ID {
			t.Fatalf("revision 1: %+v", old)
		}
		c.advance(time.Minute)
		restored, err := s.RestoreRevision(ctx, p.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if restored.Summary != "First summary." || len(restored.Photos) != 1 || restored.Photos[0].Caption != "Old caption" ||
			len(restored.Related) != 1 || restored.Version <= p.Version {
			t.Errorf("restored: %+v", restored)
		}
		// The restore is revision 3; what it replaced is still revision 2.
		if got := revisionNumbers(t, s, p.ID); got != "[3:draft 2:draft 1:draft]" {
			t.Errorf("revisions after restoring: %s", got)
		}
		second, _ := s.RevisionPiece(ctx, p.ID, 2)
		if second.Summary != "Second summary." {
			t.Errorf("revision 2 now holds %q", second.Summary)
		}
		// The editor's stale copy gets a conflict rather than undoing the restore.
		p.Summary = "Stale"
		if err := s.SavePiece(ctx, p); galley.ErrorCode(err) != galley.EConflict {
			t.Errorf("saving over a restore: %v", err)
		}
	})
}

func TestOldRevisionsThinOut(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
		c := withClock(s, start)
		p := &galley.Piece{Title: "Long-lived"}
		// Four saves a day, each in its own revision, for 200 days.
		for day := 0; day < 200; day++ {
			for h := 0; h < 4; h++ {
				c.t = start.Add(time.Duration(day)*24*time.Hour + time.Duration(h)*time.Hour)
				p.Summary = fmt.Sprintf("day %d, hour %d", day, h)
				if err := s.SavePiece(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
		}
		before, _ := s.Revisions(ctx, p.ID)
		removed, err := s.ThinRevisions(ctx, DefaultRevisionPolicy)
		if err != nil {
			t.Fatal(err)
		}
		after, _ := s.Revisions(ctx, p.ID)
		if len(before) != 800 || removed != len(before)-len(after) {
			t.Fatalf("%d revisions, %d removed, %d left", len(before), removed, len(after))
		}
		now := c.t
		perDay := map[string]int{}
		perWeek := map[string]int{}
		for _, r := range after {
			age := now.Sub(r.Saved)
			switch {
			case age <= 7*24*time.Hour:
			case age < 90*24*time.Hour:
				perDay[r.Saved.Format("2006-01-02")]++
			default:
				y, w := r.Saved.ISOWeek()
				perWeek[fmt.Sprint(y, w)]++
			}
		}
		for d, n := range perDay {
			if n != 1 {
				t.Errorf("%d revisions kept on %s, want one a day", n, d)
			}
		}
		for w, n := range perWeek {
			if n != 1 {
				t.Errorf("%d revisions kept in week %s, want one a week", n, w)
			}
		}
		// The last week is whole, and the newest revision is the current text.
		if after[0].Number != before[0].Number || len(after) < 28 || len(after) > 28+83+20 {
			t.Errorf("%d revisions left (newest %d)", len(after), after[0].Number)
		}
		// Thinning again removes nothing.
		if n, _ := s.ThinRevisions(ctx, DefaultRevisionPolicy); n != 0 {
			t.Errorf("a second thinning removed %d", n)
		}
	})
}

func TestTheTrashKeepsAPieceWholeAndGivesItBack(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		c := withClock(s, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		target := &galley.Piece{
			Title: "Trashed Interview", Topics: []string{"Water"}, QA: []galley.QA{{Question: "Q?", Answer: "A."}},
			Photos: []galley.Photo{{Data: fixture.JPEG(50, 40, 8), Caption: "Only here", Lead: true}},
		}
		if err := s.SavePiece(ctx, target); err != nil {
			t.Fatal(err)
		}
		fan := &galley.Piece{Title: "Lists It", Related: []galley.PieceRef{{ID: target.ID}}}
		if err := s.SavePiece(ctx, fan); err != nil {
			t.Fatal(err)
		}
		target.Related = []galley.PieceRef{{ID: fan.ID}}
		if err := s.SavePiece(ctx, target); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeletePiece(ctx, target.ID); err != nil {
			t.Fatal(err)
		}
		list, err := s.Trash(ctx)
		if err != nil || len(list) != 1 || list[0].Title != "Trashed Interview" || list[0].PieceID != target.ID {
			t.Fatalf("trash: %+v, %v", list, err)
		}
		if n, _ := s.CountPieces(ctx, galley.Filter{Query: "trashed"}); n != 0 {
			t.Error("a trashed piece is still found by search")
		}
		if n := count(t, s, "SELECT count(*) FROM images"); n != 1 {
			t.Error("the trashed piece's photo is gone")
		}
		// A new piece never takes the deleted one's ID (and its history).
		newer := &galley.Piece{Title: "Newer"}
		if err := s.SavePiece(ctx, newer); err != nil {
			t.Fatal(err)
		}
		if newer.ID <= target.ID {
			t.Errorf("new piece got ID %d, not past the deleted %d", newer.ID, target.ID)
		}
		// Someone takes its slug meanwhile.
		squatter := &galley.Piece{Title: "Trashed Interview"}
		if err := s.SavePiece(ctx, squatter); err != nil {
			t.Fatal(err)
		}
		c.advance(time.Hour)
		back, err := s.RestoreTrashed(ctx, list[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.ID != target.ID || back.Slug == squatter.Slug || len(back.Photos) != 1 || back.Photos[0].Caption != "Only here" ||
			fmt.Sprint(back.Topics) != "[Water]" || len(back.QA) != 1 || len(back.Related) != 1 || back.Related[0].ID != fan.ID {
			t.Fatalf("restored: %+v", back)
		}
		if rel := mustPiece(t, s, fan.ID).Related; len(rel) != 1 || rel[0].ID != target.ID {
			t.Errorf("the piece that listed it lists %+v", rel)
		}
		if revs, _ := s.Revisions(ctx, target.ID); len(revs) == 0 {
			t.Error("the restored piece lost its history")
		}
		if list, _ := s.Trash(ctx); len(list) != 0 {
			t.Errorf("still in the trash: %+v", list)
		}
	})
}

func TestTheTrashEmptiesExplicitlyOrAfterThirtyDays(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		c := withClock(s, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		var ids []int64
		for i := range 3 {
			p := &galley.Piece{Title: fmt.Sprintf("Piece %d", i), Photos: []galley.Photo{{Data: fixture.JPEG(20, 20, 20+i)}}}
			if err := s.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		s.DeletePiece(ctx, ids[0])
		c.advance(20 * 24 * time.Hour)
		s.DeletePiece(ctx, ids[1])
		c.advance(11 * 24 * time.Hour)
		if n, err := s.PurgeTrash(ctx); err != nil || n != 1 {
			t.Fatalf("purge removed %d (%v), want the one deleted 31 days ago", n, err)
		}
		if n := count(t, s, "SELECT count(*) FROM revisions WHERE piece_id = "+fmt.Sprint(ids[0])); n != 0 {
			t.Errorf("%d revisions left of a piece gone for good", n)
		}
		if n, _ := s.EmptyTrash(ctx); n != 1 {
			t.Errorf("emptying removed %d, want 1", n)
		}
		if n := count(t, s, "SELECT count(*) FROM images"); n != 1 {
			t.Errorf("%d images left, want only the living piece's", n)
		}
	})
}

func mustPiece(t *testing.T, s *Store, id int64) *galley.Piece {
	t.Helper()
	p, err := s.Piece(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestARestoredPieceGivesUpASourceTakenMeanwhile deletes a piece imported
// from WordPress, imports the post again (a new piece, as the old is in
// the trash), then restores the first: it comes back without the source
// and former address the new one now has, which readers of the old link
// reach. Restoring an old revision keeps the piece's source.
func TestARestoredPieceGivesUpASourceTakenMeanwhile(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		src := "wordpress http://old.example 42"
		first := &galley.Piece{Title: "Harbour Walls", Body: "First words.", Source: src, Formerly: []string{"2019/01/harbour-walls/"}}
		if err := s.SavePiece(ctx, first); err != nil {
			t.Fatal(err)
		}
		first.Body = "Second words."
		if err := s.SavePiece(ctx, first); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeletePiece(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		again := &galley.Piece{Title: "Harbour Walls", Body: "Imported again.", Source: src, Formerly: []string{"2019/01/harbour-walls/"}}
		if err := s.SavePiece(ctx, again); err != nil {
			t.Fatal(err)
		}
		list, err := s.Trash(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("trash: %+v, %v", list, err)
		}
		back, err := s.RestoreTrashed(ctx, list[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.Source != "" || len(back.Formerly) != 0 || back.Body != "Second words." {
			t.Errorf("restored: source %q, formerly %q, body %q", back.Source, back.Formerly, back.Body)
		}
		if p, _ := s.Piece(ctx, again.ID); p == nil || p.Source != src {
			t.Error("the piece imported again lost its source")
		}
		revs, err := s.Revisions(ctx, again.ID)
		if err != nil || len(revs) == 0 {
			t.Fatalf("revisions: %v", err)
		}
		again.Body, again.Source = "Edited.", src
		if err := s.SavePiece(ctx, again); err != nil {
			t.Fatal(err)
		}
		restored, err := s.RestoreRevision(ctx, again.ID, revs[len(revs)-1].Number)
		if err != nil {
			t.Fatal(err)
		}
		if restored.Source != src || len(restored.Formerly) != 1 {
			t.Errorf("a revision restored: source %q, formerly %q", restored.Source, restored.Formerly)
		}
	})
}
