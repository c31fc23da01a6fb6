package export_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"app.galley/galley/assets"
	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/export"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

var ctx = context.Background()

// sharedCache keeps resized photos across the tests of this package, as a
// user's cache does across exports; tests that need fresh resizing say so.
var sharedCache string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "galley-export-cache-")
	if err != nil {
		panic(err)
	}
	sharedCache = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// library opens a new library holding the bundle fsys.
func library(t *testing.T, fsys fs.FS) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "lib.galley"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := bundle.OpenFS(fsys, "test bundle")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, b.Pieces, b.ReadImage, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return st
}

func sampleLibrary(t *testing.T) *store.Store { return library(t, assets.Sample()) }

func hostileLibrary(t *testing.T) *store.Store { return library(t, os.DirFS("testdata/hostile")) }

// exportTo exports st into out with opt.
func exportTo(t *testing.T, st *store.Store, out string, opt export.Options) export.Report {
	t.Helper()
	snap, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if opt.ImageCache == "" {
		opt.ImageCache = sharedCache
	}
	rep, err := export.Site(ctx, snap, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func parse(t *testing.T, path string) *html.Node {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// find returns the elements matching pred, in document order.
func find(n *html.Node, pred func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && pred(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func class(name string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		for _, c := range strings.Fields(attr(n, "class")) {
			if c == name {
				return true
			}
		}
		return false
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func meta(doc *html.Node, key, val string) string {
	for _, m := range find(doc, tag("meta")) {
		if attr(m, key) == val {
			return attr(m, "content")
		}
	}
	return ""
}

func TestSampleQAPageHasEveryPart(t *testing.T) {
	st := sampleLibrary(t)
	out := filepath.Join(t.TempDir(), "site")
	rep := exportTo(t, st, out, export.Options{SiteName: "Sample Desk", BaseURL: "https://example.org/pub"})
	if rep.Pages != 24 || len(rep.Problems) != 0 {
		t.Errorf("report = %+v", rep)
	}
	page := filepath.Join(out, "pieces", "what-a-river-treaty-can-teach-negotiators.html")
	doc := parse(t, page)

	// Head.
	if got := text(find(doc, tag("title"))[0]); got != "Q&A: What a River Treaty Can Teach Negotiators | Sample Desk" {
		t.Errorf("title = %q", got)
	}
	if !strings.HasPrefix(meta(doc, "name", "description"), "When Westmark and Norland signed") {
		t.Errorf("meta description = %q", meta(doc, "name", "description"))
	}
	canon := find(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" })
	if len(canon) != 1 || attr(canon[0], "href") != "https://example.org/pub/pieces/what-a-river-treaty-can-teach-negotiators.html" {
		t.Errorf("canonical = %v", canon)
	}
	for prop, want := range map[string]string{
		"og:type": "article", "og:title": "Q&A: What a River Treaty Can Teach Negotiators",
		"article:published_time": "2026-10-12", "og:image": "https://example.org/pub/images/",
	} {
		if got := meta(doc, "property", prop); !strings.HasPrefix(got, want) {
			t.Errorf("%s = %q, want %q", prop, got, want)
		}
	}
	if meta(doc, "property", "article:modified_time") == "" || meta(doc, "property", "article:tag") != "Water & Climate" {
		t.Error("article:modified_time or article:tag missing")
	}
	var ld struct {
		Type, Headline, DatePublished, DateModified string
		Author                                      []struct{ Type, Name, JobTitle string }
		Image                                       struct {
			Type, URL, Caption, CreditText string
			Creator                        struct{ Name string }
		}
	}
	scripts := find(doc, tag("script"))
	if len(scripts) != 1 || attr(scripts[0], "type") != "application/ld+json" {
		t.Fatalf("scripts = %d", len(scripts))
	}
	raw := strings.NewReplacer(`"@type"`, `"Type"`).Replace(text(scripts[0]))
	if err := json.Unmarshal([]byte(raw), &ld); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, raw)
	}
	if ld.Type != "NewsArticle" || ld.Headline != "Q&A: What a River Treaty Can Teach Negotiators" || ld.DatePublished != "2026-10-12" ||
		len(ld.Author) != 1 || ld.Author[0].JobTitle != "Senior fellow; former ambassador to Westmark" ||
		ld.Image.Type != "ImageObject" || ld.Image.CreditText != "Galley Sample Desk/Illustration" || ld.Image.Creator.Name != "Galley Sample Desk" ||
		!strings.Contains(ld.Image.Caption, "September 8, 2026") {
		t.Errorf("JSON-LD = %+v", ld)
	}

	// The article, in order.
	h1 := find(doc, tag("h1"))
	if len(h1) != 1 || text(h1[0]) != "Q&A: What a River Treaty Can Teach Negotiators" {
		t.Fatalf("h1 = %d", len(h1))
	}
	article := find(doc, class("piece"))[0]
	order := []string{}
	for _, n := range find(article, func(n *html.Node) bool {
		return class("type-label")(n) || n.Data == "h1" || class("summary")(n) || class("byline")(n) || n.Data == "time" ||
			class("topics")(n) || n.Data == "figure" || class("question")(n)
	}) {
		order = append(order, n.Data+"."+attr(n, "class"))
	}
	want := "p.type-label h1. p.summary ul.byline time. ul.topics figure.lead h2.question h2.question h2.question h2.question"
	if strings.Join(order, " ") != want {
		t.Errorf("article order:\n got %s\nwant %s", strings.Join(order, " "), want)
	}
	tm := find(article, tag("time"))[0]
	if attr(tm, "datetime") != "2026-10-12" || text(tm) != "Monday, October 12, 2026" {
		t.Errorf("time = %s %q", attr(tm, "datetime"), text(tm))
	}
	if got := text(find(article, class("byline"))[0]); got != "Mara Ellison, Senior fellow; former ambassador to Westmark" {
		t.Errorf("byline = %q", got)
	}
	lead := find(article, class("lead"))[0]
	img := find(lead, tag("img"))[0]
	if attr(img, "alt") == "" || attr(img, "width") != "960" || attr(img, "height") != "640" || !strings.Contains(attr(img, "srcset"), "1600w") || attr(img, "loading") == "lazy" {
		t.Errorf("lead img = %v", img.Attr)
	}
	cap := find(lead, tag("figcaption"))[0]
	credit := find(cap, class("credit"))
	if !strings.HasSuffix(text(cap), "September 8, 2026. (Galley Sample Desk/Illustration)") || len(credit) != 1 || text(credit[0]) != "(Galley Sample Desk/Illustration)" {
		t.Errorf("figcaption = %q", text(cap))
	}
	questions := find(article, class("question"))
	if !strings.Contains(text(questions[0]), "turns twelve this year") || !strings.Contains(text(questions[3]), "other shared rivers") {
		t.Error("questions out of order")
	}
	answers := find(article, class("answer"))
	if len(answers) != 4 || len(find(answers[1], tag("strong"))) != 1 || len(find(answers[2], tag("ul"))) != 1 {
		t.Error("answers are not rendered from Markdown")
	}

	// Related Publications.
	aside := find(doc, tag("aside"))
	if len(aside) != 1 || text(find(aside[0], tag("h2"))[0]) != "Related Publications" {
		t.Fatal("no Related Publications")
	}
	cards := find(aside[0], class("card"))
	if len(cards) != 5 {
		t.Fatalf("%d related cards, want 5", len(cards))
	}
	for _, c := range cards {
		thumb := find(c, class("thumb"))
		types := find(c, class("type"))
		if len(thumb) != 1 || attr(thumb[0], "alt") == "" || len(find(c, tag("h3"))) != 1 || len(find(c, tag("time"))) != 1 ||
			len(find(c, class("summary"))) != 1 || len(types) != 1 || !strings.HasPrefix(text(types[0]), "Type: ") ||
			len(find(find(c, class("topics"))[0], tag("a"))) == 0 {
			t.Errorf("incomplete card: %q", text(c))
		}
	}
	all := find(aside[0], class("all"))
	if len(all) != 1 || text(all[0]) != "View All Publications" || attr(find(all[0], tag("a"))[0], "href") != "../index.html" {
		t.Error("no View All Publications link to the index")
	}
	checkLinks(t, out)
}

// checkLinks follows every relative link and image of every page.
func checkLinks(t *testing.T, site string) {
	t.Helper()
	filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".html") {
			return err
		}
		doc := parse(t, p)
		for _, n := range find(doc, func(n *html.Node) bool {
			return attr(n, "href") != "" || attr(n, "src") != "" || attr(n, "srcset") != ""
		}) {
			refs := []string{attr(n, "href"), attr(n, "src")}
			for _, part := range strings.Split(attr(n, "srcset"), ",") {
				refs = append(refs, strings.Fields(part + " x")[0])
			}
			for _, ref := range refs {
				u, err := url.Parse(ref)
				if ref == "" || err != nil || u.IsAbs() || strings.HasPrefix(ref, "#") || ref == "x" {
					continue
				}
				target := filepath.Join(filepath.Dir(p), filepath.FromSlash(u.Path))
				if _, err := os.Stat(target); err != nil {
					rel, _ := filepath.Rel(site, p)
					t.Errorf("%s links to %s, which is not in the site", rel, ref)
				}
			}
		}
		return nil
	})
}

// tree reads every file of a folder.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestExportIsDeterministic(t *testing.T) {
	st := sampleLibrary(t)
	dir := t.TempDir()
	opt := export.Options{BaseURL: "https://example.org/", ImageCache: filepath.Join(dir, "cache")}
	exportTo(t, st, filepath.Join(dir, "a"), opt)
	exportTo(t, st, filepath.Join(dir, "b"), export.Options{BaseURL: "https://example.org/", ImageCache: filepath.Join(dir, "other-cache")}) // resized afresh
	a, b := tree(t, filepath.Join(dir, "a")), tree(t, filepath.Join(dir, "b"))
	if len(a) != len(b) || len(a) < 40 {
		t.Fatalf("%d files against %d", len(a), len(b))
	}
	for p := range a {
		if a[p] != b[p] {
			t.Errorf("%s differs between two exports of the same library", p)
		}
	}
}

func TestReexportRewritesOnlyWhatChanged(t *testing.T) {
	st := sampleLibrary(t)
	out := filepath.Join(t.TempDir(), "site")
	first := exportTo(t, st, out, export.Options{})
	if first.Written != 46 || first.Unchanged != 0 {
		t.Fatalf("first export = %+v", first)
	}
	before := tree(t, out)
	again := exportTo(t, st, out, export.Options{})
	if again.Written != 0 || again.Unchanged != 46 || again.Removed != 0 {
		t.Errorf("export of an unchanged library = %+v, want everything unchanged", again)
	}

	p, err := st.PieceBySlug(ctx, "why-mediators-should-talk-about-fish")
	if err != nil {
		t.Fatal(err)
	}
	p.Summary = "A new summary for the fish piece."
	st.Now = func() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) } // a later second than the import
	if err := st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	rep := exportTo(t, st, out, export.Options{})
	after := tree(t, out)
	var changed []string
	for path, data := range after {
		if before[path] != data {
			changed = append(changed, path)
		}
	}
	sort.Strings(changed)
	want := []string{
		"feed.xml",
		"index.html",
		"people/lucas-ferreira-hale.html",
		"pieces/what-a-river-treaty-can-teach-negotiators.html", // shows its card
		"pieces/why-mediators-should-talk-about-fish.html",
		"sitemap.xml",
		"topics/diplomacy-and-negotiation.html",
		"topics/food-security.html",
		"types/commentary.html",
	}
	if strings.Join(changed, "\n") != strings.Join(want, "\n") {
		t.Errorf("files changed by one edit:\n%s\nwant\n%s", strings.Join(changed, "\n"), strings.Join(want, "\n"))
	}
	if rep.Written != len(want) || rep.Unchanged != 46-len(want) {
		t.Errorf("report = %+v; want %d written", rep, len(want))
	}
}

func TestAFailedExportLeavesThePreviousSite(t *testing.T) {
	st := sampleLibrary(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	exportTo(t, st, out, export.Options{})
	before := tree(t, out)

	broken := t.TempDir()
	os.WriteFile(filepath.Join(broken, "piece.html"), []byte("{{define \"content\"}}\n<h1>{{.Piece.Title}</h1>\n{{end}}\n"), 0o644)
	snap, _ := st.Snapshot(ctx)
	_, err := export.Site(ctx, snap, out, export.Options{TemplateDir: broken})
	snap.Close()
	if err == nil || !strings.Contains(err.Error(), filepath.Join(broken, "piece.html")+":2") {
		t.Fatalf("broken template = %v, want an error naming the file and line 2", err)
	}

	// A template that parses but fails on a page fails the whole export.
	os.WriteFile(filepath.Join(broken, "piece.html"), []byte("{{define \"content\"}}{{.Piece.NoSuchField}}{{end}}\n"), 0o644)
	snap, _ = st.Snapshot(ctx)
	_, err = export.Site(ctx, snap, out, export.Options{TemplateDir: broken})
	snap.Close()
	if err == nil || !strings.Contains(err.Error(), "NoSuchField") {
		t.Fatalf("failing template = %v", err)
	}

	// Cancelled midway.
	cctx, cancel := context.WithCancel(ctx)
	snap, _ = st.Snapshot(ctx)
	_, err = export.Site(cctx, snap, out, export.Options{Progress: func(done, total int) {
		if done == 3 {
			cancel()
		}
	}})
	snap.Close()
	if err == nil {
		t.Fatal("a cancelled export succeeded")
	}

	if after := tree(t, out); len(after) != len(before) {
		t.Fatalf("failed exports changed the site: %d files, had %d", len(after), len(before))
	} else {
		for p := range before {
			if before[p] != after[p] {
				t.Errorf("failed exports changed %s", p)
			}
		}
	}
	// The site, and beside it the manifest describing it.
	entries, _ := os.ReadDir(parent)
	if len(entries) != 2 || entries[0].Name() != ".site.galley-site.json" || entries[1].Name() != "site" {
		t.Errorf("left behind in the parent folder: %v", entries)
	}
}

func TestExportNeverReplacesForeignFiles(t *testing.T) {
	st := sampleLibrary(t)
	out := filepath.Join(t.TempDir(), "site")
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
	snap, _ := st.Snapshot(ctx)
	defer snap.Close()
	reads := &readCounter{Source: snap}
	if _, err := export.Site(ctx, reads, out, export.Options{}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("export into a folder of other files = %v", err)
	}
	if reads.n != 0 {
		t.Errorf("the library was read (%d times) before the folder was refused", reads.n)
	}
	// Bad options are refused before any folder is made.
	nested := filepath.Join(t.TempDir(), "new", "site")
	if _, err := export.Site(ctx, reads, nested, export.Options{BaseURL: "ftp://example.org/"}); err == nil {
		t.Error("an export with an ftp base URL was not refused")
	}
	if _, err := os.Stat(filepath.Dir(nested)); err == nil || reads.n != 0 {
		t.Errorf("a refused export made %s or read the library (%d times)", filepath.Dir(nested), reads.n)
	}
	os.Remove(filepath.Join(out, "notes.txt"))
	exportTo(t, st, out, export.Options{})
	// Exporting one piece into the site's folder would wipe the site.
	if _, err := export.Site(ctx, snap, out, export.Options{Pieces: []string{"shared-basins-shared-data"}}); err == nil || !strings.Contains(err.Error(), "the whole site") {
		t.Errorf("a one-piece export into a site folder = %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Error("the site was damaged by a refused export")
	}
	os.WriteFile(filepath.Join(out, "pieces", "my-own-page.html"), []byte("mine"), 0o644)
	if _, err := export.Site(ctx, snap, out, export.Options{}); err == nil || !strings.Contains(err.Error(), "my-own-page.html") {
		t.Fatalf("re-export over an added file = %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "pieces", "my-own-page.html")); string(data) != "mine" {
		t.Error("the editor's file was touched")
	}
}

func TestSlugsNeverLeaveTheSite(t *testing.T) {
	st := sampleLibrary(t)
	// The store refuses such a slug; write it past the store, as another
	// program editing the file could.
	db, err := sql.Open("sqlite3", st.Path())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE pieces SET slug = '../../escape' WHERE slug = 'basin-dialogue-series-opens'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	parent := t.TempDir()
	out := filepath.Join(parent, "a", "b", "site")
	snap, _ := st.Snapshot(ctx)
	defer snap.Close()
	_, err = export.Site(ctx, snap, out, export.Options{})
	if err == nil || !strings.Contains(err.Error(), "Basin Dialogue Series") {
		t.Fatalf("export with a slug leading out = %v", err)
	}
	filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("the failed export left %s", p)
		}
		return nil
	})
}

func TestDraftsAreMarkedAndKeptOutOfSearchEngines(t *testing.T) {
	st := hostileLibrary(t)
	dir := t.TempDir()
	site := exportTo(t, st, filepath.Join(dir, "site"), export.Options{})
	if _, err := os.Stat(filepath.Join(dir, "site", "pieces", "hostile-draft.html")); err == nil {
		t.Error("a site export without --include-drafts published a draft")
	}
	_ = site
	for _, opt := range []export.Options{{IncludeDrafts: true}, {Pieces: []string{"hostile-draft"}}} {
		out := filepath.Join(dir, "drafts"+strings.Join(opt.Pieces, ""))
		exportTo(t, st, out, opt)
		doc := parse(t, filepath.Join(out, "pieces", "hostile-draft.html"))
		if meta(doc, "name", "robots") != "noindex" || len(find(doc, class("draft-banner"))) != 1 || !strings.Contains(text(find(doc, class("draft-banner"))[0]), "DRAFT") {
			t.Errorf("%+v: the draft page has no noindex or no banner", opt)
		}
		if opt.IncludeDrafts {
			pub := parse(t, filepath.Join(out, "pieces", "hostile-related.html"))
			if meta(pub, "name", "robots") != "" || len(find(pub, class("draft-banner"))) != 0 {
				t.Error("a published piece is marked as a draft")
			}
			sitemap, _ := os.ReadFile(filepath.Join(out, "sitemap.xml"))
			if strings.Contains(string(sitemap), "hostile-draft") {
				t.Error("the sitemap lists a draft")
			}
		}
	}
}

// TestHostileContentNeverBecomesMarkup parses every exported page of the
// hostile corpus; scripts/htmlcheck checks the same pages in Chromium.
func TestHostileContentNeverBecomesMarkup(t *testing.T) {
	st := hostileLibrary(t)
	dir := t.TempDir()
	exportTo(t, st, filepath.Join(dir, "site"), export.Options{IncludeDrafts: true, BaseURL: "https://example.org/"})
	exportTo(t, st, filepath.Join(dir, "fragments"), export.Options{Fragment: true, Pieces: []string{"hostile-everything", "hostile-related"}})
	if pages := checkInert(t, dir); pages < 10 {
		t.Fatalf("only %d pages checked", pages)
	}

	// The JSON-LD block carries the hostile title intact, as data.
	doc := parse(t, filepath.Join(dir, "site", "pieces", "hostile-everything.html"))
	var ld struct{ Headline string }
	if err := json.Unmarshal([]byte(text(find(doc, tag("script"))[0])), &ld); err != nil {
		t.Fatal(err)
	}
	p, _ := st.PieceBySlug(ctx, "hostile-everything")
	if ld.Headline != p.Title {
		t.Errorf("JSON-LD headline = %q, want %q", ld.Headline, p.Title)
	}
	if h1 := find(doc, tag("h1")); len(h1) != 1 || text(h1[0]) != strings.Join(strings.Fields(p.Title), " ") {
		t.Errorf("the h1 does not show the title as text: %d h1", len(h1))
	}
}

// checkInert parses every page exported under dir and fails on anything
// that could run: a script other than JSON-LD, an event attribute, an
// address a browser would execute. It returns how many pages it read.
func checkInert(t *testing.T, dir string) int {
	t.Helper()
	pages := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".html") {
			return err
		}
		pages++
		data, _ := os.ReadFile(p)
		z := html.NewTokenizer(bytes.NewReader(data))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			tok := z.Token()
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			if tok.Data == "script" {
				typ := ""
				for _, a := range tok.Attr {
					if a.Key == "type" {
						typ = a.Val
					}
				}
				if typ != "application/ld+json" {
					t.Errorf("%s: a script element", p)
				}
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, a.Val))
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("%s: <%s %s=%q>", p, tok.Data, a.Key, a.Val)
				}
				isURL := a.Key == "href" || a.Key == "src" || a.Key == "srcset" || a.Key == "action" || a.Key == "formaction"
				if isURL && (!export.SafeURL(a.Val) || strings.HasPrefix(v, "javascript:")) {
					t.Errorf("%s: <%s %s=%q>", p, tok.Data, a.Key, a.Val)
				}
			}
		}
		return nil
	})
	return pages
}

func TestFragmentIsTheArticleAlone(t *testing.T) {
	st := sampleLibrary(t)
	snap, _ := st.Snapshot(ctx)
	defer snap.Close()
	frag, err := export.Fragment(ctx, snap, "why-mediators-should-talk-about-fish", export.Options{BaseURL: "https://example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	s := string(frag)
	if !strings.HasPrefix(s, `<article class="piece">`) || strings.Contains(s, "<html") || strings.Contains(s, "<head>") || strings.Contains(s, "<nav") {
		t.Errorf("fragment:\n%s", s)
	}
	if !strings.Contains(s, `src="https://example.org/images/`) || !strings.Contains(s, `href="https://example.org/topics/food-security.html"`) {
		t.Error("a fragment for another CMS should use absolute addresses when there is a base URL")
	}

	// In someone else's page its ids cannot collide: they carry the slug.
	qa, err := export.Fragment(ctx, snap, "what-a-river-treaty-can-teach-negotiators", export.Options{BaseURL: "https://example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(qa), `id="what-a-river-treaty-can-teach-negotiators-q1"`) || strings.Contains(string(qa), `id="q1"`) {
		t.Error("a fragment's question ids are not prefixed with its slug")
	}
	// Body only: the other CMS has its own title, summary and byline.
	body, err := export.Fragment(ctx, snap, "what-a-river-treaty-can-teach-negotiators", export.Options{BaseURL: "https://example.org/", BodyOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	b := string(body)
	if strings.Contains(b, "<h1") || strings.Contains(b, `class="byline"`) || strings.Contains(b, `class="type-label"`) || strings.Contains(b, "<header") {
		t.Errorf("a body-only fragment carries the header:\n%s", b[:min(len(b), 600)])
	}
	if !strings.Contains(b, `class="question"`) || !strings.Contains(b, `<figure class="lead">`) {
		t.Error("a body-only fragment lost the questions or the photo")
	}
}

func TestDateStyles(t *testing.T) {
	d := galley.Date{Year: 2026, Month: time.September, Day: 8}
	for style, want := range map[export.DateStyle]string{export.DateLong: "Tuesday, September 8, 2026", export.DateAP: "Sept. 8, 2026"} {
		if got := style.Format(d); got != want {
			t.Errorf("%s = %q, want %q", style, got, want)
		}
	}
	if got := export.DateAP.Format(galley.Date{Year: 2018, Month: time.July, Day: 17}); got != "July 17, 2018" {
		t.Errorf("AP July = %q", got)
	}
	if _, err := export.ParseDateStyle("fancy"); err == nil {
		t.Error("an unknown date style is accepted")
	}
}

func TestTemplateOverride(t *testing.T) {
	st := sampleLibrary(t)
	dir := t.TempDir()
	tpl := filepath.Join(dir, "templates")
	os.Mkdir(tpl, 0o755)
	style, _ := fs.ReadFile(assets.Templates(), "style.css")
	os.WriteFile(filepath.Join(tpl, "style.css"), append(style, []byte("\n/* house style */\n")...), 0o644)
	out := filepath.Join(dir, "site")
	exportTo(t, st, out, export.Options{TemplateDir: tpl})
	if css, _ := os.ReadFile(filepath.Join(out, "style.css")); !strings.HasSuffix(string(css), "/* house style */\n") {
		t.Error("the stylesheet override was not used")
	}
	os.WriteFile(filepath.Join(tpl, "peice.html"), []byte("typo"), 0o644)
	snap, _ := st.Snapshot(ctx)
	defer snap.Close()
	if _, err := export.Site(ctx, snap, filepath.Join(dir, "other"), export.Options{TemplateDir: tpl}); err == nil || !strings.Contains(err.Error(), "peice.html") {
		t.Errorf("a misnamed template file = %v, want an error naming it", err)
	}
}

// countingSource counts reads of image bytes. Photos are made side by
// side, so the count is guarded; read it once the export is over.
type countingSource struct {
	export.Source
	mu    sync.Mutex
	reads int
}

func (c *countingSource) ImageData(ctx context.Context, hash string) ([]byte, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.Source.ImageData(ctx, hash)
}

func TestPhotosArePublishedResizedUprightAndStripped(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "lib.galley"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	phone := fixture.JPEGWithExif(1200, 800, -1, 6, "GalleyCam 3000") // stored sideways: viewed 800×1200
	p := &galley.Piece{Title: "Photos", Status: galley.StatusPublished, Photos: []galley.Photo{
		{Data: phone, Alt: "A portrait", Caption: "Turned.", Credit: "A/B", Lead: true},
		{Data: fixture.PNG(300, 200, 1), Alt: "Small chart"},
		{Data: fixture.JPEG(2000, 1000, 2), Alt: "Wide"},
	}}
	if err := st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	snap, _ := st.Snapshot(ctx)
	defer snap.Close()
	src := &countingSource{Source: snap}
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	rep, err := export.Site(ctx, src, filepath.Join(dir, "one"), export.Options{ImageCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	files := tree(t, filepath.Join(dir, "one", "images"))
	widths := map[string][]int{}
	for name, data := range files {
		cfg, format, err := image.DecodeConfig(strings.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		key := name[:16] + "." + format
		widths[key] = append(widths[key], cfg.Width)
		if strings.Contains(data, "Exif") || strings.Contains(data, "GalleyCam") {
			t.Errorf("%s still carries the camera's metadata", name)
		}
		if format == "jpeg" && cfg.Width <= 800 && strings.HasPrefix(name, p.Photos[0].Image.Hash[:16]) {
			// The sideways portrait is published upright: taller than wide,
			// and its red half (the sensor's left) now at the top.
			img, _, _ := image.Decode(strings.NewReader(data))
			b := img.Bounds()
			if b.Dy() <= b.Dx() {
				t.Errorf("%s is %v: not turned upright", name, b)
			}
			if r, _, bl, _ := img.At(b.Dx()/2, b.Dy()/8).RGBA(); r < bl {
				t.Errorf("%s: the top is not the red half; turned the wrong way", name)
			}
		}
	}
	for k, ws := range widths {
		sort.Ints(ws)
		widths[k] = ws
	}
	want := map[string][]int{
		p.Photos[0].Image.Hash[:16] + ".jpeg": {480, 800},       // 800 wide when upright; never enlarged
		p.Photos[1].Image.Hash[:16] + ".png":  {300},            // smaller than every width: as it is
		p.Photos[2].Image.Hash[:16] + ".jpeg": {480, 960, 1600}, // the usual three
	}
	for k, ws := range want {
		if fmt.Sprint(widths[k]) != fmt.Sprint(ws) {
			t.Errorf("%s published at %v, want %v", k, widths[k], ws)
		}
	}
	if rep.Images != 6 {
		t.Errorf("report counts %d image files, want 6", rep.Images)
	}
	doc := parse(t, filepath.Join(dir, "one", "pieces", "photos.html"))
	for _, img := range find(doc, tag("img")) {
		if attr(img, "width") == "" || attr(img, "height") == "" {
			t.Errorf("img without width or height: %v", img.Attr)
		}
	}
	lazy := 0
	for _, img := range find(doc, tag("img")) {
		if attr(img, "loading") == "lazy" {
			lazy++
		}
	}
	if lazy != 2 {
		t.Errorf("%d lazy images, want the 2 after the lead", lazy)
	}

	// A second export, elsewhere, resizes nothing: the cache has it all.
	reads := src.reads
	if _, err := export.Site(ctx, src, filepath.Join(dir, "two"), export.Options{ImageCache: cache}); err != nil {
		t.Fatal(err)
	}
	if src.reads != reads {
		t.Errorf("a second export read %d images again instead of using the cache", src.reads-reads)
	}
	if a, b := tree(t, filepath.Join(dir, "one", "images")), tree(t, filepath.Join(dir, "two", "images")); len(a) != len(b) {
		t.Error("the cached export differs")
	}
}

// readCounter counts how often an export reads its library.
type readCounter struct {
	export.Source
	n int
}

func (r *readCounter) Catalog(ctx context.Context, statuses ...galley.Status) ([]galley.Entry, error) {
	r.n++
	return r.Source.Catalog(ctx, statuses...)
}
