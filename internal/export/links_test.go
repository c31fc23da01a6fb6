package export_test

import (
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

const liveBase = "https://example.org/news/"

// TestEveryLinkOfEveryExportResolves walks every href and src of every
// page of every kind of export: each leads to a file the export holds, to
// a page of the published site under the base URL, or to an id on the
// same page. The library has its own site files (icon, logo, robots.txt,
// _redirects) and a topic renamed after it was published, whose old
// address is a page that sends readers on. Chosen pieces used to link to "../types/.html" for types no
// exported piece carried, and to list pages they did not hold, while the
// summary said nothing was wrong.
func TestEveryLinkOfEveryExportResolves(t *testing.T) {
	st := sampleLibrary(t)
	// A draft with a type, a topic and a contributor that no published
	// piece has: nothing on the published site shows them.
	p, err := st.PieceBySlug(ctx, "basin-dialogue-series-opens")
	if err != nil {
		t.Fatal(err)
	}
	p.Status, p.Type = galley.StatusDraft, "Field Note"
	p.Topics = append(p.Topics, "Only In This Draft")
	p.Contributors = append(p.Contributors, galley.Contributor{Name: "Pat Draftwell", Role: "intern"})
	if err := st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}

	for name, data := range map[string][]byte{
		"favicon.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "logo.png": fixture.PNG(90, 30, 4),
		"robots.txt": []byte("User-agent: *\nAllow: /\n"), "_redirects": []byte("/old-home /news/ 301\n"),
	} {
		if err := st.PutSiteFile(ctx, name, data); err != nil {
			t.Fatal(err)
		}
	}

	// A piece whose address is in its title's own letters: its links are
	// percent-encoded, and must still find its page.
	river, err := st.PieceBySlug(ctx, "what-a-river-treaty-can-teach-negotiators")
	if err != nil {
		t.Fatal(err)
	}
	arabic := &galley.Piece{Title: "حوار حول الموانئ", Type: "Q&A", Status: galley.StatusPublished,
		Published: galley.Date{Year: 2026, Month: 4, Day: 9}, Topics: []string{"Ports"}, Lang: "ar",
		Related: []galley.PieceRef{{ID: river.ID}}}
	if err := st.SavePiece(ctx, arabic); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	// The published site a base URL leads to, published again after a
	// topic's rename: its old page now sends readers to the new.
	live := filepath.Join(dir, "live")
	exportTo(t, st, live, export.Options{BaseURL: liveBase})
	renameTopic(t, st, "Food Security", "Food Systems")
	exportTo(t, st, live, export.Options{BaseURL: liveBase})
	if _, err := os.Stat(filepath.Join(live, "topics", "food-security.html")); err != nil {
		t.Fatalf("the renamed topic's old page: %v", err)
	}

	chosen := []string{"what-a-river-treaty-can-teach-negotiators", "basin-dialogue-series-opens"}
	kinds := []struct {
		name string
		opt  export.Options
	}{
		{"site", export.Options{}},
		{"site-with-drafts", export.Options{IncludeDrafts: true}},
		{"site-with-base", export.Options{BaseURL: liveBase}},
		// Lists of two cards a page: every list runs to several pages,
		// linked to each other.
		{"site-in-short-pages", export.Options{PageSize: 2}},
		{"pieces", export.Options{Pieces: chosen}},
		{"pieces-with-base", export.Options{Pieces: chosen, BaseURL: liveBase}},
		{"one-piece", export.Options{Pieces: chosen[:1]}},
		{"fragments", export.Options{Pieces: chosen, Fragment: true}},
		{"fragments-with-base", export.Options{Pieces: chosen, Fragment: true, BaseURL: liveBase}},
		{"body-only", export.Options{Pieces: chosen, Fragment: true, BodyOnly: true}},
		{"body-only-with-base", export.Options{Pieces: chosen, Fragment: true, BodyOnly: true, BaseURL: liveBase}},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			out := filepath.Join(dir, k.name)
			rep := exportTo(t, st, out, k.opt)
			links := walkLinks(t, out, live, k.opt.BaseURL)
			if least := 20 - 12*btoi(k.opt.Fragment) - 4*btoi(k.opt.BodyOnly); links < least {
				t.Errorf("only %d links checked", links)
			}
			partial := len(k.opt.Pieces) > 0
			if partial && k.opt.BaseURL == "" && !strings.Contains(strings.Join(rep.Problems, "\n"), "shown as text") {
				t.Errorf("the summary does not say that links to pages the export lacks are shown as text: %q", rep.Problems)
			}
			if k.opt.PageSize > 0 {
				if _, err := os.Stat(filepath.Join(out, "page-2.html")); err != nil {
					t.Errorf("no second page of the index: %v", err)
				}
			}
			if !partial {
				if _, err := os.Stat(filepath.Join(out, "pieces", "حوار-حول-الموانئ.html")); err != nil {
					t.Errorf("the page of the piece in its own letters: %v", err)
				}
				// Every page of a site shows the icon and the logo.
				page := parse(t, filepath.Join(out, "index.html"))
				icon := find(page, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "icon" })
				logo := find(page, func(n *html.Node) bool { return n.Data == "img" && attr(n, "class") == "logo" })
				if len(icon) != 1 || len(logo) != 1 {
					t.Errorf("the index has %d icons and %d logos", len(icon), len(logo))
				}
				// And the renamed topic's old address, walked above.
				if _, err := os.Stat(filepath.Join(out, "topics", "food-security.html")); err != nil {
					t.Errorf("the renamed topic's old page: %v", err)
				}
			}
			if !partial || k.opt.BodyOnly || !slices.Contains(k.opt.Pieces, "basin-dialogue-series-opens") {
				return
			}
			// What is not linked is still shown, as text.
			page := filepath.Join(out, "pieces", "basin-dialogue-series-opens.html")
			if k.opt.Fragment {
				page = filepath.Join(out, "basin-dialogue-series-opens.html")
			}
			doc := parse(t, page)
			for _, want := range []string{"Only In This Draft", "Field Note", "Pat Draftwell"} {
				var shown bool
				for _, n := range find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && strings.Contains(text(n), want) }) {
					shown = shown || n.Data == "li" || n.Data == "p"
				}
				if !shown {
					t.Errorf("%s does not show %q", page, want)
				}
			}
		})
	}
}

// walkLinks checks every address on every page in out and returns how
// many it checked. live is the published site that addresses under base
// must find a page in.
func walkLinks(t *testing.T, out, live, base string) int {
	t.Helper()
	checked := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		doc := parse(t, p)
		ids := map[string]bool{}
		for _, n := range find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "id") != "" }) {
			ids[attr(n, "id")] = true
		}
		for _, n := range find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
			for _, a := range n.Attr {
				var addrs []string
				switch a.Key {
				case "href", "src":
					addrs = []string{a.Val}
				case "srcset":
					for _, c := range strings.Split(a.Val, ",") {
						addrs = append(addrs, strings.Fields(c)[0])
					}
				case "content":
					// A renamed page's refresh sends the reader on.
					if n.Data != "meta" || !strings.EqualFold(attr(n, "http-equiv"), "refresh") {
						continue
					}
					_, to, ok := strings.Cut(a.Val, "url=")
					if !ok {
						t.Errorf("%s: a refresh to nowhere: %q", rel, a.Val)
						continue
					}
					addrs = []string{to}
				default:
					continue
				}
				for _, addr := range addrs {
					checked++
					if msg := resolves(addr, rel, out, live, base, ids, attr(n, "rel") == "canonical"); msg != "" {
						t.Errorf("%s: <%s %s=%q>: %s", rel, n.Data, a.Key, addr, msg)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return checked
}

func resolves(addr, page, out, live, base string, ids map[string]bool, canonical bool) string {
	u, err := url.Parse(addr)
	switch {
	case err != nil:
		return err.Error()
	case addr == "":
		return "an empty address"
	case strings.HasPrefix(addr, "#"):
		if !ids[addr[1:]] {
			return "no such id on the page"
		}
		return ""
	case u.IsAbs():
		if base == "" || !strings.HasPrefix(addr, base) {
			return "an absolute address not under the base URL"
		}
		if canonical {
			return "" // where a draft will be once published
		}
		// The published site, or this export's own files, which are put
		// there (a fragment's photos).
		target := filepath.FromSlash(strings.TrimPrefix(strings.SplitN(addr, "#", 2)[0], base))
		if _, err := os.Stat(filepath.Join(live, target)); err == nil {
			return ""
		}
		if _, err := os.Stat(filepath.Join(out, target)); err == nil && !strings.HasSuffix(target, ".html") {
			return ""
		}
		return "the published site has no such page"
	case u.Host != "" || strings.HasPrefix(addr, "/"):
		return "an address from the server's root, which depends on where the site is put"
	}
	target := path.Join(path.Dir(page), u.Path)
	if strings.HasPrefix(target, "../") {
		return "leads out of the export"
	}
	if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(target))); err != nil {
		return "the export has no such file"
	}
	return ""
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
