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
)

// The same bundle imported into a library file and into a team library
// exports the same site, byte for byte: every page, feed, sitemap and
// photo rendition.
func TestContractTheSameBundleExportsTheSameSite(t *testing.T) {
	sites, dir := map[string]string{}, t.TempDir()
	for _, h := range homes() {
		t.Run(h.name, func(t *testing.T) {
			s, _ := h.open(t)
			// One clock for both: the import stamps pieces it creates.
			s.Now = func() time.Time { return time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC) }
			b, err := bundle.OpenFS(assets.Sample(), "the sample desk")
			if err != nil {
				t.Fatal(err)
			}
			rep, err := s.Import(ctx, b.Pieces, b.ReadImage, ImportOptions{})
			if err != nil || len(rep.Created) == 0 {
				t.Fatalf("import: %+v, %v", rep, err)
			}
			snap, err := s.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer snap.Close()
			out := filepath.Join(dir, h.name, "site")
			opt := export.Options{SiteName: "Basin Review", BaseURL: "https://example.org/", IncludeDrafts: true,
				ImageCache: filepath.Join(dir, h.name, "cache")}
			if _, err := export.Site(ctx, snap, out, opt); err != nil {
				t.Fatal(err)
			}
			sites[h.name] = out
		})
	}
	file, server := sites["file"], sites["server"]
	if file == "" || server == "" {
		t.Fatal("a site was not exported")
	}
	n := 0
	err := filepath.WalkDir(file, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(file, p)
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(server, rel))
		if err != nil {
			t.Errorf("%s is in the file's site only", rel)
			return nil
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the file's site and the team library's", rel)
			if rel == "feed.xml" {
				for i := range min(len(a), len(b)) {
					if a[i] != b[i] {
						t.Logf("first difference at %d:\n%s\n%s", i, a[max(0, i-80):min(len(a), i+80)], b[max(0, i-80):min(len(b), i+80)])
						break
					}
				}
			}
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m := 0
	filepath.WalkDir(server, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			m++
		}
		return nil
	})
	if n != m || n < 10 {
		t.Errorf("the file's site has %d files, the team library's %d", n, m)
	}
}
