package store

import (
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

func TestASaveGivesUpOnABusyLibraryWhenAsked(t *testing.T) {
	s := openFile(t)
	p := &galley.Piece{Title: "Waiting For The Lock"}
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	release := fixture.HoldWriteLock(t, s.Path())
	defer release()

	p.Summary = "Typed while another program writes."
	start := time.Now()
	err := s.SavePiece(WithLockWait(ctx, 300*time.Millisecond), p)
	waited := time.Since(start)
	if galley.ErrorCode(err) != galley.EBusy {
		t.Fatalf("saving into a busy library = %v (%s), want the busy error", err, galley.ErrorCode(err))
	}
	// SQLite's own busy wait ignores the context; the store must not.
	if waited > 2*time.Second {
		t.Errorf("the save waited %v for a 300 ms lock wait", waited)
	}
	release()
	if stored, _ := s.Piece(ctx, p.ID); stored.Summary != "" || stored.Version != 1 {
		t.Errorf("a refused save changed the piece: %+v", stored)
	}
	if err := s.SavePiece(WithLockWait(ctx, 300*time.Millisecond), p); err != nil {
		t.Fatalf("saving again once the lock is free: %v", err)
	}
}

func TestASaveWaitsForAShortWriteToEnd(t *testing.T) {
	s := openFile(t)
	p := &galley.Piece{Title: "Patience"}
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	release := fixture.HoldWriteLock(t, s.Path())
	time.AfterFunc(700*time.Millisecond, release)
	p.Summary = "Saved once the other write ended."
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatalf("a save without a deadline gave up on a 0.7 s write: %v", err)
	}
	if stored, _ := s.Piece(ctx, p.ID); stored.Summary != p.Summary {
		t.Errorf("stored summary %q", stored.Summary)
	}
}

// A write of this Galley's own that takes a while (a topic renamed in the
// background) holds the one writer connection: a save asked to wait only
// briefly gives up on it too, rather than blocking until it ends.
func TestASaveGivesUpOnALongWriteOfItsOwnWhenAsked(t *testing.T) {
	s := openFile(t)
	p := &galley.Piece{Title: "Queued"}
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	tx, err := s.beginWrite(ctx) // the writer connection, held
	if err != nil {
		t.Fatal(err)
	}
	p.Summary = "Typed while a rename runs."
	start := time.Now()
	err = s.SavePiece(WithLockWait(ctx, 300*time.Millisecond), p)
	if galley.ErrorCode(err) != galley.EBusy || time.Since(start) > 2*time.Second {
		t.Fatalf("saving behind a long write of our own = %v after %v", err, time.Since(start))
	}
	tx.Rollback()
	if err := s.SavePiece(WithLockWait(ctx, 300*time.Millisecond), p); err != nil {
		t.Fatalf("saving once the writer connection is free: %v", err)
	}
}
