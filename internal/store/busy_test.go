package store

import (
	"database/sql"
	"testing"
	"time"

	"app.galley/galley/internal/galley"
)

// holdWriteLock takes the library's write lock on a connection of its own,
// as another program's long write (an import, say) would, until release.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite3", dsn(path, "immediate", false))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE pieces SET summary = summary`); err != nil {
		t.Fatal(err)
	}
	return func() {
		tx.Rollback()
		other.Close()
	}
}

func TestASaveGivesUpOnABusyLibraryWhenAsked(t *testing.T) {
	s := openTemp(t)
	p := &galley.Piece{Title: "Waiting For The Lock"}
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	release := holdWriteLock(t, s.Path())
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
	// The short wait is for the lock only: a save that has it is not cut
	// short, however long it takes.
	if err := s.SavePiece(WithLockWait(ctx, time.Nanosecond), p); err != nil {
		t.Fatalf("saving again once the lock is free: %v", err)
	}
}

func TestASaveWaitsForAShortWriteToEnd(t *testing.T) {
	s := openTemp(t)
	p := &galley.Piece{Title: "Patience"}
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	release := holdWriteLock(t, s.Path())
	time.AfterFunc(700*time.Millisecond, release)
	p.Summary = "Saved once the other write ended."
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatalf("a save without a deadline gave up on a 0.7 s write: %v", err)
	}
	if stored, _ := s.Piece(ctx, p.ID); stored.Summary != p.Summary {
		t.Errorf("stored summary %q", stored.Summary)
	}
}
