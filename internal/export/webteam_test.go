package export_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/fixture"
)

// What a web team checks before shipping pages: structured data that
// names the publisher, the page and each author's page; social cards with
// the picture's size; the navigation saying where the reader is; the home
// page's address without index.html; a sitemap of every page worth
// finding; robots.txt pointing at it.
func TestPagesCarryWhatAWebTeamExpects(t *testing.T) {
	st := sampleLibrary(t)
	if err := st.PutSiteFile(ctx, "logo.png", fixture.PNG(120, 40, 5)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	base := "https://example.org/basin/"
	rep := exportTo(t, st, out, export.Options{BaseURL: base, SiteName: "Basin Review"})
	if rep.NoBaseURL {
		t.Error("the report says there is no base URL")
	}
	piece := filepath.Join(out, "pieces", "what-a-river-treaty-can-teach-negotiators.html")
	doc := parse(t, piece)
	var ld struct {
		URL       string `json:"url"`
		Publisher struct {
			Type string `json:"@type"`
			Name string
			URL  string
			Logo struct {
				Type          string `json:"@type"`
				URL           string
				Width, Height int
			}
		} `json:"publisher"`
		Author []struct {
			Name, URL string
		} `json:"author"`
		DateModified string `json:"dateModified"`
	}
	if err := json.Unmarshal([]byte(text(find(doc, tag("script"))[0])), &ld); err != nil {
		t.Fatal(err)
	}
	if ld.URL != base+"pieces/what-a-river-treaty-can-teach-negotiators.html" || ld.Publisher.Name != "Basin Review" || ld.Publisher.URL != base || ld.DateModified == "" {
		t.Errorf("JSON-LD: %+v", ld)
	}
	if ld.Publisher.Type != "Organization" || ld.Publisher.Logo.Type != "ImageObject" || ld.Publisher.Logo.URL != base+"logo.png" ||
		ld.Publisher.Logo.Width != 120 || ld.Publisher.Logo.Height != 40 {
		t.Errorf("JSON-LD publisher, want an Organization with its 120×40 logo at %slogo.png: %+v", base, ld.Publisher)
	}
	if len(ld.Author) == 0 || !strings.HasPrefix(ld.Author[0].URL, base+"people/") {
		t.Errorf("JSON-LD authors have no pages: %+v", ld.Author)
	} else if _, err := os.Stat(filepath.Join(out, strings.TrimPrefix(ld.Author[0].URL, base))); err != nil {
		t.Errorf("the author's page %s is not in the site", ld.Author[0].URL)
	}
	meta := map[string]string{}
	for _, m := range find(doc, tag("meta")) {
		meta[attr(m, "property")+attr(m, "name")] = attr(m, "content")
	}
	if meta["twitter:card"] != "summary_large_image" || meta["og:image:width"] == "" || meta["og:image:width"] == "0" || meta["og:image:height"] == "" {
		t.Errorf("social card: twitter:card %q, og:image %sx%s", meta["twitter:card"], meta["og:image:width"], meta["og:image:height"])
	}

	// The lead photo is fetched first; the others when scrolled to.
	for _, img := range find(doc, tag("img")) {
		if attr(img, "class") == "logo" {
			continue // the site's logo, in the header at the top
		}
		lead := strings.Contains(attr(img.Parent, "class"), "lead")
		if lead && (attr(img, "fetchpriority") != "high" || attr(img, "loading") != "" || attr(img, "decoding") != "") {
			t.Errorf("the lead photo is <img fetchpriority=%q loading=%q decoding=%q>", attr(img, "fetchpriority"), attr(img, "loading"), attr(img, "decoding"))
		}
		if !lead && attr(img, "loading") != "lazy" {
			t.Errorf("a photo below the lead is not loaded lazily: %s", attr(img, "src"))
		}
	}

	index := parse(t, filepath.Join(out, "index.html"))
	for _, l := range find(index, tag("link")) {
		if attr(l, "rel") == "canonical" && attr(l, "href") != base {
			t.Errorf("the home page's canonical address is %s, want %s", attr(l, "href"), base)
		}
	}
	current := func(path string) []string {
		var out []string
		for _, a := range find(parse(t, path), tag("a")) {
			if attr(a, "aria-current") == "page" {
				out = append(out, text(a))
			}
		}
		return out
	}
	if got := current(filepath.Join(out, "index.html")); len(got) != 1 || got[0] != "Publications" {
		t.Errorf("on the index, aria-current marks %q", got)
	}
	if got := current(filepath.Join(out, "types", "analysis.html")); len(got) != 1 || got[0] != "Analysis" {
		t.Errorf("on the Analysis page, aria-current marks %q", got)
	}
	if got := current(piece); len(got) != 0 {
		t.Errorf("on a piece page, aria-current marks %q", got)
	}

	sitemap, _ := os.ReadFile(filepath.Join(out, "sitemap.xml"))
	for _, want := range []string{"<loc>" + base + "</loc>", base + "topics/water-and-climate.html", base + "types/analysis.html", base + "people/"} {
		if !strings.Contains(string(sitemap), want) {
			t.Errorf("the sitemap lacks %s", want)
		}
	}
	robots, _ := os.ReadFile(filepath.Join(out, "robots.txt"))
	if !strings.Contains(string(robots), "Sitemap: "+base+"sitemap.xml") {
		t.Errorf("robots.txt:\n%s", robots)
	}
}
