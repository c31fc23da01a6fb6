//go:build linux

package outbox

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/pgtest"
	"app.galley/galley/internal/store"
)

var ctx = context.Background()

// Sending is tested on both homes a library can have: a file, and a team
// library on a real PostgreSQL server of the test's own.
func onBoth(t *testing.T, test func(t *testing.T, mine, theirs *store.Store)) {
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "library.galley")
		test(t, openStore(t, path), openStore(t, path))
	})
	t.Run("server", func(t *testing.T) {
		address := pgtest.Start(t).NewDatabase(t)
		test(t, openStore(t, address), openStore(t, address))
	})
}

func openStore(t *testing.T, library string) *store.Store {
	t.Helper()
	s, err := store.Open(library)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// saved saves a fresh piece and returns it as the library holds it.
func saved(t *testing.T, s *store.Store, title string) *galley.Piece {
	t.Helper()
	p := piece(0, title)
	if err := s.SavePiece(ctx, &p); err != nil {
		t.Fatal(err)
	}
	got, err := s.Piece(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestSend(t *testing.T) {
	onBoth(t, func(t *testing.T, mine, theirs *store.Store) {
		t.Run("edits over the version they were made on are saved", func(t *testing.T) {
			p := saved(t, mine, "Saved Later")
			p.Body = "Written while the server was away."
			r := Send(ctx, mine, Entry{Key: KeyOf(p.ID), Piece: *p})
			if r.Outcome != Saved || r.Err != nil {
				t.Fatalf("outcome %v, %v", r.Outcome, r.Err)
			}
			got, _ := theirs.Piece(ctx, p.ID)
			if got.Body != p.Body || got.Version != p.Version+1 || r.Piece.Version != got.Version {
				t.Errorf("the library holds %q v%d (send said v%d), want the edits as v%d", got.Body, got.Version, r.Piece.Version, p.Version+1)
			}
		})
		t.Run("edits already saved are not saved twice", func(t *testing.T) {
			// The save reached the library, but its answer was lost with
			// the connection: the entry is still there.
			p := saved(t, mine, "Answer Lost")
			edit := *p
			edit.Body = "The last words before the network went."
			done := edit
			if err := mine.SavePiece(ctx, &done); err != nil {
				t.Fatal(err)
			}
			r := Send(ctx, mine, Entry{Key: KeyOf(p.ID), Piece: edit})
			if r.Outcome != AlreadyThere {
				t.Fatalf("outcome %v (%v), want AlreadyThere", r.Outcome, r.Err)
			}
			if got, _ := theirs.Piece(ctx, p.ID); got.Version != done.Version {
				t.Errorf("the piece is at v%d, want v%d: nothing saved again", got.Version, done.Version)
			}
		})
		t.Run("a piece someone else changed is not saved over", func(t *testing.T) {
			p := saved(t, mine, "Changed Meanwhile")
			other := *p
			other.Summary = "Their summary."
			if err := theirs.SavePiece(ctx, &other); err != nil {
				t.Fatal(err)
			}
			edit := *p
			edit.Body = "My offline words."
			r := Send(ctx, mine, Entry{Key: KeyOf(p.ID), Piece: edit})
			if r.Outcome != Changed || r.Piece == nil || r.Piece.Summary != "Their summary." {
				t.Fatalf("outcome %v piece %+v, want Changed with theirs", r.Outcome, r.Piece)
			}
			if got, _ := theirs.Piece(ctx, p.ID); got.Body == "My offline words." || got.Version != other.Version {
				t.Errorf("their version was saved over: %q v%d", got.Body, got.Version)
			}
		})
		t.Run("a piece deleted meanwhile is reported", func(t *testing.T) {
			p := saved(t, mine, "Deleted Meanwhile")
			if _, err := theirs.DeletePiece(ctx, p.ID); err != nil {
				t.Fatal(err)
			}
			r := Send(ctx, mine, Entry{Key: KeyOf(p.ID), Piece: *p})
			if r.Outcome != Deleted {
				t.Fatalf("outcome %v (%v), want Deleted", r.Outcome, r.Err)
			}
		})
		t.Run("a new piece is created once", func(t *testing.T) {
			p := piece(0, "Written Offline")
			e := Entry{Key: NewKey(), Piece: p}
			r := Send(ctx, mine, e)
			if r.Outcome != Saved || r.Piece.ID == 0 {
				t.Fatalf("outcome %v (%v)", r.Outcome, r.Err)
			}
			// Sent again (the answer was lost): the piece is found, not
			// made a second time.
			again := Send(ctx, mine, e)
			if again.Outcome != AlreadyThere || again.Piece.ID != r.Piece.ID {
				t.Fatalf("second send: outcome %v piece %+v, want AlreadyThere as piece %d", again.Outcome, again.Piece, r.Piece.ID)
			}
			n, _ := theirs.CountPieces(ctx, galley.Filter{Query: "Written Offline"})
			if n != 1 {
				t.Errorf("%d pieces titled so, want 1", n)
			}
		})
		t.Run("a refusal keeps the reason", func(t *testing.T) {
			p := saved(t, mine, "Refused")
			taken := saved(t, mine, "Taken Slug")
			edit := *p
			edit.Slug = taken.Slug
			r := Send(ctx, mine, Entry{Key: KeyOf(p.ID), Piece: edit})
			if r.Outcome != Refused || r.Err == nil {
				t.Fatalf("outcome %v (%v), want Refused with the reason", r.Outcome, r.Err)
			}
		})
	})
}

// While the server is away, sending changes nothing and says so; once it
// is back the same entry is saved.
func TestSendWhileTheServerIsAway(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	s := openStore(t, address)
	p := saved(t, s, "Away")
	p.Body = "Typed with the server stopped."
	e := Entry{Key: KeyOf(p.ID), Piece: *p}
	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	r := Send(ctx, s, e)
	if r.Outcome != Unreachable || galley.ErrorCode(r.Err) != galley.EUnavailable {
		t.Fatalf("outcome %v (%v), want Unreachable", r.Outcome, r.Err)
	}
	if msg := galley.ErrorMessage(r.Err); !strings.Contains(msg, "cannot be reached") {
		t.Errorf("the reason reads %q", msg)
	}
	if err := srv.StartServer(); err != nil {
		t.Fatal(err)
	}
	if r := Send(ctx, s, e); r.Outcome != Saved {
		t.Fatalf("after the server came back: outcome %v (%v)", r.Outcome, r.Err)
	}
	got, _ := s.Piece(ctx, p.ID)
	if got.Body != "Typed with the server stopped." {
		t.Errorf("the library holds %q", got.Body)
	}
}

// SameWords looks at everything an editor wrote and nothing the library
// keeps for itself.
func TestSameWords(t *testing.T) {
	base := piece(4, "Same")
	stored := base
	stored.ID, stored.Version = 9, 12
	stored.Photos = []galley.Photo{base.Photos[0]}
	stored.Photos[0].ID = 3
	stored.Photos[0].Data = nil
	stored.Photos[0].Image = galley.Image{Hash: words(&base).Photos[0].Image.Hash, MIME: "image/jpeg", Width: 8, Height: 6}
	if !SameWords(&base, &stored) {
		t.Error("the library's bookkeeping made two equal pieces differ")
	}
	for name, change := range map[string]func(p *galley.Piece){
		"title":   func(p *galley.Piece) { p.Title += "!" },
		"answer":  func(p *galley.Piece) { p.QA[0].Answer = "Another answer." },
		"caption": func(p *galley.Piece) { p.Photos[0].Caption = "A caption." },
		"photo":   func(p *galley.Piece) { p.Photos[0].Image.Hash = strings.Repeat("0", 64) },
		"topic":   func(p *galley.Piece) { p.Topics = append(p.Topics, "Dams") },
		"status":  func(p *galley.Piece) { p.Status = galley.StatusReview },
		"related": func(p *galley.Piece) { p.Related = []galley.PieceRef{{ID: 2}} },
	} {
		c := stored
		c.QA = append([]galley.QA(nil), stored.QA...)
		c.Photos = append([]galley.Photo(nil), stored.Photos...)
		change(&c)
		if SameWords(&base, &c) {
			t.Errorf("a changed %s counts as the same words", name)
		}
	}
}
