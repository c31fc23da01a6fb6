package export_test

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/net/html"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/fixture"
)

// TestTheSitesOwnFilesAreCopied keeps a favicon, a logo, CNAME and a
// robots.txt in the library: a site export puts them at its top as they
// are (the site's robots.txt in place of the one it writes), every page
// links the icon and shows the logo, chosen pieces take them from the
// live site, and a file taken out of the library leaves the site with the
// next export.
func TestTheSitesOwnFilesAreCopied(t *testing.T) {
	st := sampleLibrary(t)
	logo := fixture.PNG(64, 32, 3)
	files := map[string][]byte{"favicon.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "logo.png": logo,
		"CNAME": []byte("news.example.org\n"), "robots.txt": []byte("User-agent: *\nDisallow: /drafts/\n")}
	for name, data := range files {
		if err := st.PutSiteFile(ctx, name, data); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "site")
	if rep := exportTo(t, st, out, export.Options{}); !rep.NoBaseURL {
		t.Error("a site exported without a base URL is not reported as lacking one")
	}
	for name, want := range files {
		if got, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(got) != string(want) {
			t.Errorf("%s in the export: %q, %v; want it as kept", name, got, err)
		}
	}
	page := parse(t, filepath.Join(out, "pieces", "what-a-river-treaty-can-teach-negotiators.html"))
	icon := find(page, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "icon" })
	img := find(page, func(n *html.Node) bool { return n.Data == "img" && attr(n, "class") == "logo" })
	if len(icon) != 1 || attr(icon[0], "href") != "../favicon.svg" || len(img) != 1 || attr(img[0], "src") != "../logo.png" || attr(img[0], "alt") != "" {
		t.Errorf("the page's icon %d and logo %d are not the site files'", len(icon), len(img))
	}

	chosen := filepath.Join(t.TempDir(), "one")
	if rep := exportTo(t, st, chosen, export.Options{Pieces: []string{"what-a-river-treaty-can-teach-negotiators"}, BaseURL: liveBase}); rep.NoBaseURL {
		t.Error("a chosen piece exported with a base URL is reported as lacking one")
	}
	if _, err := os.Stat(filepath.Join(chosen, "CNAME")); !os.IsNotExist(err) {
		t.Errorf("a piece exported alone carries the site's CNAME (%v)", err)
	}
	page = parse(t, filepath.Join(chosen, "pieces", "what-a-river-treaty-can-teach-negotiators.html"))
	if icon := find(page, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "icon" }); len(icon) != 1 || attr(icon[0], "href") != liveBase+"favicon.svg" {
		t.Errorf("a chosen piece's icon is not the live site's")
	}

	if err := st.RemoveSiteFile(ctx, "CNAME"); err != nil {
		t.Fatal(err)
	}
	if err := st.RemoveSiteFile(ctx, "robots.txt"); err != nil {
		t.Fatal(err)
	}
	exportTo(t, st, out, export.Options{})
	if _, err := os.Stat(filepath.Join(out, "CNAME")); !os.IsNotExist(err) {
		t.Errorf("CNAME is still on the site after it left the library (%v)", err)
	}
	if got := read(t, filepath.Join(out, "robots.txt")); got != "User-agent: *\nAllow: /\n" {
		t.Errorf("without the site's own, robots.txt is %q", got)
	}
}
