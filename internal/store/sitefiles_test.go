package store

import (
	"bytes"
	"testing"

	"app.galley/galley/internal/galley"
)

// TestSiteFilesAreKeptAndReplaced keeps site files in both homes: a file
// of the same name in another case replaces the first (CNAME is cname on
// some hosts), an export's snapshot reads their bytes, a name the export
// makes itself or one that leaves the top of the site is refused, and
// removing one that is not there says so.
func TestSiteFilesAreKeptAndReplaced(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		for name, data := range map[string]string{"CNAME": "news.example.org\n", "_redirects": "/old /new 301\n", "favicon.svg": "<svg/>"} {
			if err := s.PutSiteFile(ctx, name, []byte(data)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.PutSiteFile(ctx, "cname", []byte("www.example.org\n")); err != nil {
			t.Fatal(err)
		}
		list, err := s.SiteFiles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].Name != "_redirects" || list[1].Name != "cname" || list[1].Size != 16 || list[1].Data != nil {
			t.Errorf("listed %+v", list)
		}
		snap, err := s.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		full, err := snap.SiteFiles(ctx)
		snap.Close()
		if err != nil || len(full) != 3 || !bytes.Equal(full[2].Data, []byte("<svg/>")) {
			t.Errorf("the snapshot read %+v, %v", full, err)
		}
		for _, bad := range []string{"index.html", "page-2.html", "pieces", "../escape", ".htaccess", "a/b.txt", ""} {
			if err := s.PutSiteFile(ctx, bad, []byte("x")); galley.ErrorCode(err) != galley.EInvalid {
				t.Errorf("a site file named %q: %v, want refused", bad, err)
			}
		}
		if err := s.PutSiteFile(ctx, "huge.bin", make([]byte, galley.MaxSiteFile+1)); galley.ErrorCode(err) != galley.EInvalid {
			t.Errorf("a site file over the limit: %v", err)
		}
		if err := s.RemoveSiteFile(ctx, "cname"); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveSiteFile(ctx, "cname"); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("removing it again: %v", err)
		}
	})
}
