//go:build linux

package store

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"app.galley/galley/assets"
	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/export"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// A library copied from a file to a team library and back to a file holds
// everything it held — pieces, photos, revisions, the trash — and exports
// the same site at every step; a copy into a library that holds pieces is
// refused, changing nothing.
func TestCopyBetweenHomesKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	clock := func() time.Time { return time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC) }
	file, err := Open(filepath.Join(dir, "start.galley"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	file.Now = clock
	b, err := bundle.OpenFS(assets.Sample(), "the sample desk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := file.Import(ctx, b.Pieces, b.ReadImage, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// History and the trash travel too.
	list, _ := file.FindPieces(ctx, galley.Filter{})
	p, _ := file.Piece(ctx, list[0].ID)
	p.Summary += " Edited before the copy."
	if err := file.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := file.DeletePiece(ctx, list[len(list)-1].ID); err != nil {
		t.Fatal(err)
	}

	server, err := openServer(ctx, serverAddress(t))
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	server.Now = clock
	if err := file.CopyInto(ctx, server); err != nil {
		t.Fatalf("copy to the server: %v", err)
	}
	back, err := Open(filepath.Join(dir, "back.galley"))
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if err := server.CopyInto(ctx, back); err != nil {
		t.Fatalf("copy back to a file: %v", err)
	}

	sites := map[string]string{}
	for name, s := range map[string]*Store{"file": file, "server": server, "back": back} {
		revs, err := s.Revisions(ctx, p.ID)
		if err != nil || len(revs) != 2 {
			t.Errorf("%s: %d revisions of the edited piece (%v), want 2", name, len(revs), err)
		}
		trash, err := s.Trash(ctx)
		if err != nil || len(trash) != 1 {
			t.Errorf("%s: trash %v (%v)", name, trash, err)
		}
		if found, err := s.FindPieces(ctx, galley.Filter{Query: "edited before"}); err != nil || len(found) != 1 {
			t.Errorf("%s: search finds %d (%v)", name, len(found), err)
		}
		snap, err := s.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name, "site")
		_, err = export.Site(ctx, snap, out, export.Options{IncludeDrafts: true, ImageCache: filepath.Join(dir, name, "cache")})
		snap.Close()
		if err != nil {
			t.Fatalf("%s: export: %v", name, err)
		}
		sites[name] = out
	}
	for _, name := range []string{"server", "back"} {
		filepath.WalkDir(sites["file"], func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(sites["file"], path)
			a, _ := os.ReadFile(path)
			b, err := os.ReadFile(filepath.Join(sites[name], rel))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s of the %s copy differs from the original's", rel, name)
			}
			return nil
		})
	}

	// New pieces on the server are numbered past the copied ones.
	fresh := &galley.Piece{Title: "Written On The Server", Photos: []galley.Photo{{Data: fixture.JPEG(30, 20, 9), Caption: "New."}}}
	if err := server.SavePiece(ctx, fresh); err != nil {
		t.Fatalf("saving on the server after the copy: %v", err)
	}
	// A copy into a library that holds pieces is refused.
	if err := file.CopyInto(ctx, server); galley.ErrorCode(err) != galley.EConflict {
		t.Errorf("copying into a library with pieces = %v", err)
	}
	if n, _ := server.CountPieces(ctx, galley.Filter{}); n != len(list) {
		t.Errorf("the refused copy left %d pieces on the server, want %d", n, len(list))
	}
}

// A team library restored from a backup file: the backup's pieces come
// back, the library as it was is kept as a file, a desk's stale save is a
// conflict and a piece the restore took away is gone, and new pieces are
// numbered past every one it had.
func TestRestoreATeamLibrary(t *testing.T) {
	address := serverAddress(t)
	desk, err := openServer(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	p := contractPiece()
	if err := desk.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "newsroom.galley")
	if err := desk.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	p.Summary = "Written after the backup."
	if err := desk.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	later := &galley.Piece{Title: "Taken Away By The Restore"}
	if err := desk.SavePiece(ctx, later); err != nil {
		t.Fatal(err)
	}

	before, _ := os.ReadFile(backup)
	kept, err := Restore(ctx, backup, address)
	if err != nil {
		t.Fatalf("restoring the team library: %v", err)
	}
	if after, _ := os.ReadFile(backup); !bytes.Equal(before, after) {
		t.Error("restoring from the backup changed the backup file")
	}
	got, err := desk.Piece(ctx, p.ID)
	if err != nil || got.Summary != contractPiece().Summary {
		t.Errorf("after the restore the piece reads %q (%v)", got.Summary, err)
	}
	p.Summary = "A stale save."
	if err := desk.SavePiece(ctx, p); galley.ErrorCode(err) != galley.EConflict {
		t.Errorf("a stale save after the restore = %v, want a conflict", err)
	}
	if err := desk.SavePiece(ctx, later); galley.ErrorCode(err) != galley.ENotFound {
		t.Errorf("saving a piece the restore took away = %v, want not found", err)
	}
	fresh := &galley.Piece{Title: "After The Restore"}
	if err := desk.SavePiece(ctx, fresh); err != nil || fresh.ID <= later.ID {
		t.Errorf("a new piece after the restore: ID %d (%v), want past %d", fresh.ID, err, later.ID)
	}
	if found, err := desk.FindPieces(ctx, galley.Filter{Query: "silt"}); err != nil || len(found) != 1 {
		t.Errorf("search after the restore: %d, %v", len(found), err)
	}
	k, err := Open(kept)
	if err != nil {
		t.Fatalf("the kept copy %s: %v", kept, err)
	}
	defer k.Close()
	if _, err := k.PieceBySlug(ctx, "taken-away-by-the-restore"); err != nil {
		t.Errorf("the kept copy lacks the piece written after the backup: %v", err)
	}
}
