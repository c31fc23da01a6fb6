//go:build linux

package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/pgtest"
)

// A team library whose server has gone (stopped, restarting, the network
// lost) says so with a code of its own, for every call the desk makes,
// without the password of its address; once the server is back the same
// store works again and holds what it held. A refusal by a server that is
// up is not "cannot be reached".
func TestAServerAwayIsUnavailable(t *testing.T) {
	srv := pgtest.Start(t)
	address := strings.Replace(srv.NewDatabase(t), pgtest.AdminUser+"@", pgtest.AdminUser+":s3cret-word@", 1)
	s, err := openServer(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := fullPiece("Before the Restart", 1)
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	edit := *p
	edit.Body = "Typed while the server was away."
	calls := map[string]error{}
	calls["SavePiece"] = s.SavePiece(ctx, &edit)
	_, calls["Piece"] = s.Piece(ctx, p.ID)
	_, calls["PieceBySlug"] = s.PieceBySlug(ctx, p.Slug)
	_, calls["FindPieces"] = s.FindPieces(ctx, galley.Filter{Query: "restart"})
	_, calls["CountPieces"] = s.CountPieces(ctx, galley.Filter{})
	_, calls["DeletePiece"] = s.DeletePiece(ctx, p.ID)
	_, calls["Vocabulary"] = s.Vocabulary(ctx)
	_, calls["Revisions"] = s.Revisions(ctx, p.ID)
	for name, err := range calls {
		if galley.ErrorCode(err) != galley.EUnavailable {
			t.Errorf("%s with the server stopped: code %q (%v), want %q", name, galley.ErrorCode(err), err, galley.EUnavailable)
			continue
		}
		msg := galley.ErrorMessage(err)
		if strings.Contains(msg, "s3cret-word") || !strings.Contains(msg, "cannot be reached") {
			t.Errorf("%s says %q: it must say the library cannot be reached, without the password", name, msg)
		}
	}
	if edit.Version != p.Version {
		t.Errorf("a failed save moved the piece's version to %d", edit.Version)
	}
	if err := srv.StartServer(); err != nil {
		t.Fatal(err)
	}
	got, err := s.Piece(ctx, p.ID)
	if err != nil {
		t.Fatalf("after the server came back: %v", err)
	}
	if got.Body != p.Body || got.Version != p.Version {
		t.Errorf("the piece reads %q v%d after the restart, want it as it was", got.Body, got.Version)
	}
	if err := s.SavePiece(ctx, &edit); err != nil {
		t.Fatalf("saving after the server came back: %v", err)
	}

	// A server that is up and refuses (no such user) is not away.
	_, err = openServer(ctx, strings.Replace(srv.NewDatabase(t), pgtest.AdminUser+"@", "nobody_here@", 1))
	if err == nil || galley.ErrorCode(err) == galley.EUnavailable {
		t.Errorf("an unknown user gave %v (code %q), want a refusal that is not 'cannot be reached'", err, galley.ErrorCode(err))
	}
}

// Watch says at once when the server goes, and again when it is back
// (with every piece to be read again: notices sent meanwhile were lost).
func TestWatchTellsOfALostServer(t *testing.T) {
	srv := pgtest.Start(t)
	s, err := openServer(ctx, srv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	changes := make(chan Change, 64)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go s.Watch(wctx, func(c Change) { changes <- c })
	time.Sleep(300 * time.Millisecond) // listening
	if err := srv.StopServer(); err != nil {
		t.Fatal(err)
	}
	wait := func(what string, want func(Change) bool) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case c := <-changes:
				if want(c) {
					return
				}
			case <-deadline:
				t.Fatalf("Watch did not tell %s within 10 s", what)
			}
		}
	}
	wait("that the server went", func(c Change) bool { return c.Lost })
	if err := srv.StartServer(); err != nil {
		t.Fatal(err)
	}
	wait("that the server is back", func(c Change) bool { return c.Back && c.All })
}

// A desk's presence comes back with the server: the first Open after a
// restart joins again, with the piece it has open.
func TestPresenceComesBackWithTheServer(t *testing.T) {
	srv := pgtest.Start(t)
	address := srv.NewDatabase(t)
	desk, err := openServer(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	p := fullPiece("Open Across a Restart", 1)
	if err := desk.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	se, err := desk.Join(ctx, "dana")
	if err != nil {
		t.Fatal(err)
	}
	defer se.Leave()
	if err := se.Open(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	other, err := openServer(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if list, err := other.Presence(ctx, nil); err != nil || len(list) != 0 {
		t.Fatalf("before the desk spoke again: %v %v (the restart ended every session)", list, err)
	}
	if err := se.Open(ctx, p.ID); err != nil {
		t.Fatalf("Open after the restart: %v", err)
	}
	list, err := other.Presence(ctx, nil)
	if err != nil || len(list) != 1 || list[0].Who != "dana" || list[0].PieceID != p.ID {
		t.Errorf("after the restart the desk is present as %+v (%v), want dana on piece %d", list, err, p.ID)
	}
}
