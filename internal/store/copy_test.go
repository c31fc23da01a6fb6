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
