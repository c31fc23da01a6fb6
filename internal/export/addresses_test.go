package export_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// heading is the text of the page's h1.
func heading(t *testing.T, path string) string {
	t.Helper()
	h := find(parse(t, path), tag("h1"))
	if len(h) == 0 {
		t.Fatalf("%s has no h1", path)
	}
	return text(h[0])
}

// renameTopic renames the library's topic from to to.
func renameTopic(t *testing.T, st *store.Store, from, to string) {
	t.Helper()
	topics, err := st.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range topics {
		if tp.Name == from {
			if err := st.RenameTopic(ctx, tp.ID, to); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("the library has no topic %q", from)
}

// publish saves a published piece carrying topics.
func publish(t *testing.T, st *store.Store, title string, topics ...string) {
	t.Helper()
	p := &galley.Piece{Title: title, Status: galley.StatusPublished, Published: galley.Date{Year: 2026, Month: 3, Day: 2}, Topics: topics}
	if err := st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
}

// TestATopicsPageKeepsItsAddress exports a site three times: a topic's
// page stays where it was first published when a name that sorts before
// it arrives (it used to move to cafe-2.html and give its address to the
// newcomer), and after a rename its old address is a page that sends
// readers to the new one, which the sitemap does not list.
func TestATopicsPageKeepsItsAddress(t *testing.T) {
	st := sampleLibrary(t)
	out := filepath.Join(t.TempDir(), "site")
	publish(t, st, "Beans and Borders", "Café")
	exportTo(t, st, out, export.Options{BaseURL: liveBase})
	if got := heading(t, filepath.Join(out, "topics", "cafe.html")); got != "Café" {
		t.Fatalf("topics/cafe.html is %q", got)
	}

	publish(t, st, "Corner Shops", "Cafe")
	exportTo(t, st, out, export.Options{BaseURL: liveBase})
	for file, want := range map[string]string{"cafe.html": "Café", "cafe-2.html": "Cafe"} {
		if got := heading(t, filepath.Join(out, "topics", file)); got != want {
			t.Errorf("after Cafe arrived, topics/%s is %q, want %q", file, got, want)
		}
	}

	renameTopic(t, st, "Café", "Coffee Houses")
	rep := exportTo(t, st, out, export.Options{BaseURL: liveBase})
	if got := heading(t, filepath.Join(out, "topics", "coffee-houses.html")); got != "Coffee Houses" {
		t.Errorf("the renamed topic's page is %q", got)
	}
	moved := filepath.Join(out, "topics", "cafe.html")
	doc := parse(t, moved)
	links := find(doc, func(n *html.Node) bool { return n.Data == "a" })
	refresh := find(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "http-equiv") == "refresh" })
	canonical := find(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" })
	robots := find(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "name") == "robots" })
	if len(links) != 1 || attr(links[0], "href") != "../topics/coffee-houses.html" ||
		len(refresh) != 1 || attr(refresh[0], "content") != "0; url=../topics/coffee-houses.html" ||
		len(canonical) != 1 || attr(canonical[0], "href") != liveBase+"topics/coffee-houses.html" ||
		len(robots) != 1 || attr(robots[0], "content") != "noindex" {
		t.Errorf("the old address does not send readers on:\n%s", read(t, moved))
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(moved), "coffee-houses.html")); err != nil {
		t.Errorf("the redirect leads nowhere: %v", err)
	}
	if got := heading(t, filepath.Join(out, "topics", "cafe-2.html")); got != "Cafe" {
		t.Errorf("topics/cafe-2.html is %q after the rename", got)
	}
	sitemap := read(t, filepath.Join(out, "sitemap.xml"))
	if strings.Contains(sitemap, "topics/cafe.html") || !strings.Contains(sitemap, "topics/coffee-houses.html") {
		t.Errorf("the sitemap lists the old address or not the new:\n%s", sitemap)
	}
	if len(rep.Problems) != 0 {
		t.Errorf("notes: %q", rep.Problems)
	}
}

// read is the file's text.
func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestEveryPageOfARenamedTopicSendsReadersOn renames a topic whose list
// takes three pages: each of its old pages sends readers to the same
// page of the new list, not only the first.
func TestEveryPageOfARenamedTopicSendsReadersOn(t *testing.T) {
	st := sampleLibrary(t)
	for _, title := range []string{"Fog One", "Fog Two", "Fog Three", "Fog Four", "Fog Five"} {
		publish(t, st, title, "Fog")
	}
	out := filepath.Join(t.TempDir(), "site")
	opt := export.Options{BaseURL: liveBase, PageSize: 2}
	exportTo(t, st, out, opt)
	renameTopic(t, st, "Fog", "Sea Fog")
	exportTo(t, st, out, opt)
	for old, now := range map[string]string{"fog.html": "sea-fog.html", "fog--2.html": "sea-fog--2.html", "fog--3.html": "sea-fog--3.html"} {
		page := filepath.Join(out, "topics", old)
		refresh := find(parse(t, page), func(n *html.Node) bool { return n.Data == "meta" && attr(n, "http-equiv") == "refresh" })
		if len(refresh) != 1 || attr(refresh[0], "content") != "0; url=../topics/"+now {
			t.Errorf("topics/%s does not send readers to %s:\n%s", old, now, read(t, page))
		}
		if _, err := os.Stat(filepath.Join(out, "topics", now)); err != nil {
			t.Errorf("topics/%s leads nowhere: %v", old, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "topics", "fog--4.html")); err == nil {
		t.Error("a redirect page beyond the list's last page")
	}
}

// TestARenamedPersonOrTypeSendsReadersOn renames a contributor and a
// type after the site was published: each old page sends readers to the
// new one, which holds the same pieces.
func TestARenamedPersonOrTypeSendsReadersOn(t *testing.T) {
	st := sampleLibrary(t)
	if err := st.SavePiece(ctx, &galley.Piece{Title: "Fog Over The Locks", Type: "Report", Status: galley.StatusPublished,
		Published: galley.Date{Year: 2026, Month: 3, Day: 2}, Contributors: []galley.Contributor{{Name: "Ada Quill"}}}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	exportTo(t, st, out, export.Options{})
	people, err := st.Contributors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if p.Name == "Ada Quill" {
			p.Name = "Ada Quill-Oduya"
			if err := st.UpdateContributor(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	types, err := st.Types(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range types {
		if ty.Name == "Report" {
			if err := st.RenameType(ctx, ty.ID, "Field Report"); err != nil {
				t.Fatal(err)
			}
		}
	}
	exportTo(t, st, out, export.Options{})
	for _, c := range []struct{ old, now, heading string }{
		{"people/ada-quill.html", "people/ada-quill-oduya.html", "Ada Quill-Oduya"},
		{"types/report.html", "types/field-report.html", "Field Report"},
	} {
		page := filepath.Join(out, filepath.FromSlash(c.old))
		refresh := find(parse(t, page), func(n *html.Node) bool { return n.Data == "meta" && attr(n, "http-equiv") == "refresh" })
		if len(refresh) != 1 || attr(refresh[0], "content") != "0; url=../"+c.now {
			t.Errorf("%s does not send readers to %s:\n%s", c.old, c.now, read(t, page))
		}
		now := filepath.Join(out, filepath.FromSlash(c.now))
		if got := heading(t, now); got != c.heading {
			t.Errorf("%s is headed %q, want %q", c.now, got, c.heading)
		}
		if !strings.Contains(read(t, now), "Fog Over The Locks") {
			t.Errorf("%s does not list the piece", c.now)
		}
	}
}

// TestADraftsTopicTakesNoAddress: an export with drafts (a preview) gives
// a name only a draft carries a page, but keeps no address for it, so
// the published site's next export gives the address to the published
// name.
func TestADraftsTopicTakesNoAddress(t *testing.T) {
	st := sampleLibrary(t)
	if err := st.SavePiece(ctx, &galley.Piece{Title: "Corner Shops", Status: galley.StatusDraft, Topics: []string{"Cafe"}}); err != nil {
		t.Fatal(err)
	}
	publish(t, st, "Beans and Borders", "Café")
	preview := filepath.Join(t.TempDir(), "preview")
	exportTo(t, st, preview, export.Options{IncludeDrafts: true})
	if got := heading(t, filepath.Join(preview, "topics", "cafe.html")); got != "Cafe" {
		t.Fatalf("in the preview topics/cafe.html is %q", got)
	}
	out := filepath.Join(t.TempDir(), "site")
	exportTo(t, st, out, export.Options{})
	if got := heading(t, filepath.Join(out, "topics", "cafe.html")); got != "Café" {
		t.Errorf("the published site's topics/cafe.html is %q, want Café: the draft's topic kept the address", got)
	}
}

// TestAPiecesFormerAddressesSendReadersOn exports pieces that came from
// another site: at each of their old addresses stands a page sending
// readers to the piece's page; an address two pieces claim is given once,
// and the export says so; chosen pieces' exports write none.
func TestAPiecesFormerAddressesSendReadersOn(t *testing.T) {
	st := sampleLibrary(t)
	for _, p := range []*galley.Piece{
		{Title: "Fog and Radar", Status: galley.StatusPublished, Published: galley.Date{Year: 2018, Month: 5, Day: 22},
			Formerly: []string{"2018/05/fog-and-radar/", "old/fog.html"}},
		{Title: "Fog Again", Status: galley.StatusPublished, Published: galley.Date{Year: 2018, Month: 4, Day: 1},
			Formerly: []string{"old/fog.html", "حوار/"}},
	} {
		if err := st.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "site")
	rep := exportTo(t, st, out, export.Options{BaseURL: liveBase})
	for file, want := range map[string]string{
		"2018/05/fog-and-radar/index.html": "pieces/fog-and-radar.html",
		"old/fog.html":                     "pieces/fog-and-radar.html",
		"حوار/index.html":                  "pieces/fog-again.html",
	} {
		page := filepath.Join(out, filepath.FromSlash(file))
		doc := parse(t, page)
		links := find(doc, func(n *html.Node) bool { return n.Data == "a" })
		canonical := find(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" })
		if len(links) != 1 || len(canonical) != 1 || attr(canonical[0], "href") != liveBase+want {
			t.Errorf("%s does not send readers to %s:\n%s", file, want, read(t, page))
			continue
		}
		// The link is relative to the redirect page, and leads to the piece.
		if _, err := os.Stat(filepath.Join(filepath.Dir(page), filepath.FromSlash(attr(links[0], "href")))); err != nil || !strings.HasSuffix(attr(links[0], "href"), want) {
			t.Errorf("%s links to %s, which is not %s: %v", file, attr(links[0], "href"), want, err)
		}
	}
	if !slices.ContainsFunc(rep.Problems, func(p string) bool { return strings.Contains(p, "Fog Again") && strings.Contains(p, "old/fog.html") }) {
		t.Errorf("the export does not say one address was claimed twice: %q", rep.Problems)
	}
	if sitemap := read(t, filepath.Join(out, "sitemap.xml")); strings.Contains(sitemap, "2018/05") {
		t.Errorf("the sitemap lists a former address:\n%s", sitemap)
	}

	one := filepath.Join(t.TempDir(), "one")
	exportTo(t, st, one, export.Options{Pieces: []string{"fog-and-radar"}})
	if _, err := os.Stat(filepath.Join(one, "old", "fog.html")); err == nil {
		t.Error("an export of one chosen piece wrote its former addresses")
	}
}

// TestAFormerAddressNeverTakesTheExportsPlace: an old address where the
// export writes a file of its own (a site file, a list page), whose
// folder is another address's page, or which differs from another only
// in case, gets no redirect page and a note naming it; the export
// succeeds and every file stands as it would without the old addresses.
func TestAFormerAddressNeverTakesTheExportsPlace(t *testing.T) {
	st := sampleLibrary(t)
	if err := st.PutSiteFile(ctx, "CNAME", []byte("news.example.org\n")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*galley.Piece{
		{Title: "Harbour Lights", Status: galley.StatusPublished, Published: galley.Date{Year: 2019, Month: 3, Day: 2},
			Formerly: []string{"cname/", "news.html", "Old/Fog.html"}},
		{Title: "Tide Tables", Status: galley.StatusPublished, Published: galley.Date{Year: 2019, Month: 2, Day: 1},
			Formerly: []string{"news.html/tides/", "old/fog.html", "CNAME/x/"}},
	} {
		if err := st.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "site")
	rep := exportTo(t, st, out, export.Options{BaseURL: liveBase})
	if got := read(t, filepath.Join(out, "CNAME")); got != "news.example.org\n" {
		t.Errorf("CNAME holds %q", got)
	}
	if got := read(t, filepath.Join(out, "news.html")); !strings.Contains(got, "pieces/harbour-lights.html") {
		t.Errorf("news.html does not send readers to Harbour Lights:\n%s", got)
	}
	if got := read(t, filepath.Join(out, "Old", "Fog.html")); !strings.Contains(got, "pieces/harbour-lights.html") {
		t.Errorf("Old/Fog.html does not send readers to Harbour Lights:\n%s", got)
	}
	// On a case-blind disk these would be CNAME and Old/Fog.html again.
	for _, other := range [][2]string{{"cname", "CNAME"}, {"old/fog.html", "Old/Fog.html"}} {
		if same, err := sameFile(filepath.Join(out, other[0]), filepath.Join(out, other[1])); err == nil && !same {
			t.Errorf("both %s and %s were written: on a Mac or Windows one is lost", other[0], other[1])
		}
	}
	for _, want := range []struct{ title, addr string }{
		{"Harbour Lights", "cname/"}, {"Tide Tables", "news.html/tides/"}, {"Tide Tables", "old/fog.html"}, {"Tide Tables", "CNAME/x/"},
	} {
		if !slices.ContainsFunc(rep.Problems, func(p string) bool { return strings.Contains(p, want.title) && strings.Contains(p, want.addr+" ") }) {
			t.Errorf("the export does not say %s's %s was not given: %q", want.title, want.addr, rep.Problems)
		}
	}
}

// sameFile reports whether a and b are one file (as on a case-blind disk).
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// TestARedirectsFileListsEveryOldAddress exports a site with the
// redirects setting "file": _redirects holds the site's own rules first,
// as written, then a forced permanent redirect for every old address, a
// renamed topic's and a piece's from the site it came from, under the
// base URL's path and percent-encoded. Without the setting the site's
// own _redirects is copied as it is.
func TestARedirectsFileListsEveryOldAddress(t *testing.T) {
	st := sampleLibrary(t)
	p := &galley.Piece{Title: "Fog Again", Status: galley.StatusPublished, Published: galley.Date{Year: 2018, Month: 4, Day: 1},
		Topics: []string{"Fog"}, Formerly: []string{"2018/04/fog-again/", "حوار/", "?p=42"}}
	if err := st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	own := "/shop https://shop.example.org/ 302"
	if err := st.PutSiteFile(ctx, "_redirects", []byte(own)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	rep := exportTo(t, st, out, export.Options{BaseURL: liveBase})
	if got := read(t, filepath.Join(out, "_redirects")); got != own {
		t.Errorf("without the setting, _redirects is %q, want the site's own", got)
	}
	if !slices.ContainsFunc(rep.Problems, func(p string) bool { return strings.Contains(p, "?p=42") && strings.Contains(p, "redirects setting") }) {
		t.Errorf("without the setting, the export does not say ?p=42 needs it: %q", rep.Problems)
	}
	renameTopic(t, st, "Fog", "Sea Fog")
	exportTo(t, st, out, export.Options{BaseURL: liveBase, RedirectsFile: true})
	want := own + "\n# Old addresses, written by Galley's export\n" +
		"/news/2018/04/fog-again/ /news/pieces/fog-again.html 301!\n" +
		"/news/topics/fog.html /news/topics/sea-fog.html 301!\n" +
		"/news/%D8%AD%D9%88%D8%A7%D8%B1/ /news/pieces/fog-again.html 301!\n" +
		"/news/ p=42 /news/pieces/fog-again.html 301!\n"
	if got := read(t, filepath.Join(out, "_redirects")); got != want {
		t.Errorf("_redirects:\n%s\nwant:\n%s", got, want)
	}
}
