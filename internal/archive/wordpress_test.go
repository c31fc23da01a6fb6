package archive_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"app.galley/galley/internal/archive"
	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

var ctx = context.Background()

// The export WordPress 6.1 wrote for scripts/fixtures/wordpress.sh, and
// the upload folder it wrote beside it.
const (
	wxrFile    = "testdata/wordpress/export.xml"
	wxrUploads = "testdata/wordpress/uploads"
)

// wxrDoc reads a WordPress export whole, as a second reader to compare
// the import with: plain encoding/xml, none of the importer's code.
type wxrDoc struct {
	Channel struct {
		Authors []struct {
			Login   string `xml:"author_login"`
			Display string `xml:"author_display_name"`
		} `xml:"author"`
		Items []wxrTestItem `xml:"item"`
	} `xml:"channel"`
}

type wxrTestItem struct {
	Title      string `xml:"title"`
	Link       string `xml:"link"`
	Creator    string `xml:"creator"`
	Content    string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	ID         int64  `xml:"post_id"`
	Date       string `xml:"post_date"`
	Name       string `xml:"post_name"`
	Status     string `xml:"status"`
	Type       string `xml:"post_type"`
	Categories []struct {
		Domain   string `xml:"domain,attr"`
		Nicename string `xml:"nicename,attr"`
		Name     string `xml:",chardata"`
	} `xml:"category"`
	Meta []struct {
		Key   string `xml:"meta_key"`
		Value string `xml:"meta_value"`
	} `xml:"postmeta"`
}

func (it wxrTestItem) meta(key string) string {
	for _, m := range it.Meta {
		if m.Key == key {
			return m.Value
		}
	}
	return ""
}

func readWXR(t *testing.T) wxrDoc {
	t.Helper()
	data, err := os.ReadFile(wxrFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc wxrDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func newLibrary(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "lib.galley"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// importArchive imports the archive at path into st as `galley import`
// does.
func importArchive(t *testing.T, st *store.Store, path string, opt archive.Options) (*archive.Archive, galley.ImportReport) {
	t.Helper()
	a, err := archive.Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	report, err := a.Import(ctx, st, store.ImportOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a, report
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// rawTag finds HTML left in a body other than the comments the import
// writes on purpose.
var rawTag = regexp.MustCompile(`<[a-zA-Z/][^>]*>`)

// TestWordPressExportImports imports the real WordPress export and checks
// every post against the file itself: title, slug, date, status, topics,
// author and lead photo, and that the body is Markdown with nothing left
// out silently.
func TestWordPressExportImports(t *testing.T) {
	doc := readWXR(t)
	st := newLibrary(t)
	a, report := importArchive(t, st, wxrFile, archive.Options{Uploads: wxrUploads, QA: true})

	display := map[string]string{}
	for _, au := range doc.Channel.Authors {
		display[au.Login] = au.Display
	}
	attached := map[string]wxrTestItem{}
	for _, it := range doc.Channel.Items {
		if it.Type == "attachment" {
			attached[strconv.FormatInt(it.ID, 10)] = it
		}
	}
	posts, pages := 0, 0
	published := map[string]string{} // slug → the post's address on the old site
	for _, it := range doc.Channel.Items {
		if it.Type == "page" {
			pages++
		}
		if it.Type != "post" || it.Status == "trash" || it.Status == "auto-draft" {
			continue
		}
		posts++
		title := html.UnescapeString(it.Title)
		slug, _ := url.PathUnescape(it.Name)
		if galley.CheckSlug(slug) != nil {
			slug = galley.Slugify(title)
		}
		p, err := st.PieceBySlug(ctx, slug)
		if err != nil {
			t.Errorf("post %d “%s”: %v", it.ID, title, err)
			continue
		}
		if p.Title != title {
			t.Errorf("post %d: title %q, want %q", it.ID, p.Title, title)
		}
		want := map[string]galley.Status{"publish": galley.StatusPublished, "future": galley.StatusReady, "pending": galley.StatusReview, "draft": galley.StatusDraft, "private": galley.StatusDraft}[it.Status]
		if p.Status != want {
			t.Errorf("%s: status %s, want %s (WordPress %s)", slug, p.Status, want, it.Status)
		}
		wantDate := ""
		if it.Status == "publish" || it.Status == "future" {
			wantDate = it.Date[:10]
		}
		if p.Published.String() != wantDate {
			t.Errorf("%s: published %q, want %q", slug, p.Published, wantDate)
		}
		var topics []string
		for _, c := range it.Categories {
			if c.Domain == "category" && c.Nicename != "uncategorized" {
				topics = append(topics, html.UnescapeString(c.Name))
			}
		}
		for _, c := range it.Categories {
			if c.Domain == "post_tag" {
				topics = append(topics, html.UnescapeString(c.Name))
			}
		}
		if !slices.Equal(p.Topics, topics) {
			t.Errorf("%s: topics %q, want %q", slug, p.Topics, topics)
		}
		if len(p.Contributors) != 1 || p.Contributors[0].Name != display[it.Creator] {
			t.Errorf("%s: byline %+v, want %q", slug, p.Contributors, display[it.Creator])
		}
		lead := p.LeadPhoto()
		if thumb := it.meta("_thumbnail_id"); thumb != "" {
			att := attached[thumb]
			switch {
			case lead == nil:
				t.Errorf("%s: no lead photo; WordPress has attachment %s", slug, thumb)
			case lead.Image.Hash != fileHash(t, filepath.Join(wxrUploads, att.meta("_wp_attached_file"))):
				t.Errorf("%s: the lead photo is not %s", slug, att.meta("_wp_attached_file"))
			case lead.Alt != att.meta("_wp_attachment_image_alt"):
				t.Errorf("%s: lead alt %q, want %q", slug, lead.Alt, att.meta("_wp_attachment_image_alt"))
			}
		} else if lead != nil {
			t.Errorf("%s: a lead photo WordPress does not have", slug)
		}
		checkBody(t, slug, it.Content, p)
		if it.Status == "publish" {
			published[slug] = it.Link
			// WordPress answers ?p=ID for every post, and shortlinks use it.
			if !slices.Contains(p.Formerly, "?p="+strconv.FormatInt(it.ID, 10)) {
				t.Errorf("%s: old addresses %q lack ?p=%d", slug, p.Formerly, it.ID)
			}
		}
	}
	checkOldAddresses(t, st, "http://wp.galley.test/", published)
	if len(report.Created) != posts || posts < 10 {
		t.Errorf("created %d pieces of %d posts", len(report.Created), posts)
	}
	if !slices.Contains(a.Skipped(), strconv.Itoa(pages)+" pages") {
		t.Errorf("skipped: %q; want the %d pages named", a.Skipped(), pages)
	}

	// The same file again changes nothing.
	_, again := importArchive(t, st, wxrFile, archive.Options{Uploads: wxrUploads, QA: true})
	if len(again.Unchanged) != posts || len(again.Created)+len(again.Updated) != 0 {
		t.Errorf("a second import: %d created, %d updated, %d unchanged; want all %d unchanged", len(again.Created), len(again.Updated), len(again.Unchanged), posts)
	}
	// Pages come with --pages, and only then.
	_, withPages := importArchive(t, st, wxrFile, archive.Options{Uploads: wxrUploads, QA: true, Pages: true})
	if len(withPages.Created) != pages || len(withPages.Unchanged) != posts {
		t.Errorf("with --pages: %d created, %d unchanged; want the %d pages created", len(withPages.Created), len(withPages.Unchanged), pages)
	}
}

// checkBody checks a piece's body against its post's content: Markdown
// with no HTML left but the comments naming what could not be kept, one
// for each iframe, script and embed of the post, and each named by the
// pre-publish checks.
func checkBody(t *testing.T, slug, content string, p *galley.Piece) {
	t.Helper()
	text := p.Body
	for _, qa := range p.QA {
		text += "\n" + qa.Answer
	}
	if strings.Contains(text, "wp:") {
		t.Errorf("%s: Gutenberg's block comments are in the body", slug)
	}
	if m := rawTag.FindString(rawComment.ReplaceAllString(text, "")); m != "" {
		t.Errorf("%s: HTML %q left in the body:\n%s", slug, m, text)
	}
	for _, what := range []string{"<iframe", "<script", "[embed]"} {
		n := strings.Count(content, what)
		if got := strings.Count(text, "<!-- "+strings.Trim(what, "<[]")+": "); got != n {
			t.Errorf("%s: %d comments for %d %s in the post", slug, got, n, what)
		}
		if n > 0 && len(export.RawHTMLProblems(p)) == 0 {
			t.Errorf("%s: the checks do not name what the import left out", slug)
		}
	}
}

var rawComment = regexp.MustCompile(`<!--.*?-->`)

// checkOldAddresses exports the library as a site and follows each
// published post's old address (under old, the old site's address) to
// the page Galley left there: it must send readers to the piece's page.
func checkOldAddresses(t *testing.T, st *store.Store, old string, published map[string]string) {
	t.Helper()
	if len(published) < 5 {
		t.Fatalf("only %d published posts to follow", len(published))
	}
	snap, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	out := filepath.Join(t.TempDir(), "site")
	if _, err := export.Site(ctx, snap, out, export.Options{BaseURL: "https://example.org/", ImageCache: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	// An Arabic slug is kept, and percent-encoded in the sitemap.
	if sitemap, _ := os.ReadFile(filepath.Join(out, "sitemap.xml")); !strings.Contains(string(sitemap), "pieces/%D8%AD%D9%88%D8%A7%D8%B1-") {
		t.Errorf("the sitemap does not list the Arabic piece's address percent-encoded")
	}
	for slug, link := range published {
		rest, ok := strings.CutPrefix(link, old)
		if !ok {
			t.Errorf("%s: %s is not under %s", slug, link, old)
			continue
		}
		rest, _ = url.PathUnescape(rest)
		page := filepath.Join(out, filepath.FromSlash(galley.FormerPage(rest)))
		data, err := os.ReadFile(page)
		if err != nil {
			t.Errorf("%s: nothing at its old address %s: %v", slug, link, err)
			continue
		}
		want := `href="` + strings.Repeat("../", strings.Count(galley.FormerPage(rest), "/")) + "pieces/" + slug + `.html"`
		// html/template percent-encodes the letters of an Arabic slug.
		text, uerr := url.PathUnescape(string(data))
		if uerr != nil {
			text = string(data)
		}
		if !strings.Contains(text, want) {
			t.Errorf("%s: the page at %s does not send readers on (%s):\n%s", slug, link, want, data)
		}
	}
}

// TestAChangedWordPressExportUpdatesItsPieces imports the real export,
// then the same site after it changed: a post retitled and given another
// slug there updates its piece (found by its WordPress ID, keeping the
// slug it has here), the rest are unchanged; a post edited here since is
// a conflict, not an overwrite; a slug that a piece written here has
// gives the post another slug, never that piece.
func TestAChangedWordPressExportUpdatesItsPieces(t *testing.T) {
	data, err := os.ReadFile(wxrFile)
	if err != nil {
		t.Fatal(err)
	}
	st := newLibrary(t)
	mine := &galley.Piece{Title: "Our own piece on dredging", Slug: "dredging-costs-explained", Body: "Written here."}
	if err := st.SavePiece(ctx, mine); err != nil {
		t.Fatal(err)
	}
	a, first := importArchive(t, st, wxrFile, archive.Options{Uploads: wxrUploads})
	if !slices.Contains(first.Created, "dredging-costs-explained-2") || !slices.ContainsFunc(a.Summary(""), func(s string) bool {
		return strings.Contains(s, "was imported as dredging-costs-explained-2: dredging-costs-explained is another piece's slug")
	}) {
		t.Errorf("the post whose slug a piece here has: created %q, summary %q", first.Created, a.Summary(""))
	}
	if p, _ := st.PieceBySlug(ctx, "dredging-costs-explained"); p == nil || p.Body != "Written here." {
		t.Fatalf("the import replaced the piece written here: %+v", p)
	}

	changed := strings.Replace(string(data), "<title><![CDATA[Why small ports still matter in a big-ship world]]></title>", "<title><![CDATA[Why small ports still matter]]></title>", 1)
	changed = strings.Replace(changed, "<wp:post_name><![CDATA[why-small-ports-still-matter]]></wp:post_name>", "<wp:post_name><![CDATA[small-ports-matter]]></wp:post_name>", 1)
	changed = strings.Replace(changed, "<wp:post_modified_gmt><![CDATA[2018-11-05", "<wp:post_modified_gmt><![CDATA[2025-01-01", 1)
	if changed == string(data) {
		t.Fatal("the export did not change")
	}
	later := writeFile(t, "export.xml", changed)
	_, second := importArchive(t, st, later, archive.Options{Uploads: wxrUploads})
	if len(second.Updated) != 1 || second.Updated[0] != "why-small-ports-still-matter" || len(second.Created) != 0 || len(second.Unchanged) != len(first.Created)-1 {
		t.Errorf("the changed export: created %q, updated %q, %d unchanged", second.Created, second.Updated, len(second.Unchanged))
	}
	p, err := st.PieceBySlug(ctx, "why-small-ports-still-matter")
	if err != nil || p.Title != "Why small ports still matter" {
		t.Fatalf("the retitled post's piece: %+v, %v", p, err)
	}

	// Edited here, then the same export imported again: the post did not
	// change, so the edit stays, and the import says so.
	p.Body += "\n\nA paragraph added on the desk."
	if err := st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	reimport := func(path string, opt store.ImportOptions) (galley.ImportReport, error) {
		t.Helper()
		a, err := archive.Open(path, archive.Options{Uploads: wxrUploads})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		return a.Import(ctx, st, opt, nil)
	}
	edited := func() bool {
		got, _ := st.PieceBySlug(ctx, "why-small-ports-still-matter")
		return got != nil && strings.Contains(got.Body, "added on the desk")
	}
	third, err := reimport(later, store.ImportOptions{})
	if err != nil || !slices.Equal(third.KeptEdited, []string{"why-small-ports-still-matter"}) || len(third.Updated) != 0 {
		t.Errorf("the same export after an edit here: kept edited %q, updated %q, %v", third.KeptEdited, third.Updated, err)
	}
	if !edited() {
		t.Fatal("the edit made here was lost to an export that had not changed")
	}

	// The post changed on the old site too, and after the edit by the old
	// site's clock, or before it: either way both changed, a conflict.
	for _, when := range []string{"2099-01-01", "2019-01-01"} {
		both := writeFile(t, "export.xml", strings.Replace(
			strings.Replace(changed, "<title><![CDATA[Why small ports still matter]]></title>", "<title><![CDATA[Why small ports matter]]></title>", 1),
			"<wp:post_modified_gmt><![CDATA[2025-01-01", "<wp:post_modified_gmt><![CDATA["+when, 1))
		if _, err := reimport(both, store.ImportOptions{}); galley.ErrorCode(err) != galley.EConflict || !strings.Contains(err.Error(), "edited in the library since it was last imported") {
			t.Errorf("importing a post changed on %s over an edit made here: %v, want a conflict", when, err)
		}
		if !edited() {
			t.Fatalf("the edit made here was lost to a post changed on %s", when)
		}
		kept, err := reimport(both, store.ImportOptions{KeepEdited: true})
		if err != nil || !slices.Equal(kept.KeptEdited, []string{"why-small-ports-still-matter"}) || !edited() {
			t.Errorf("with KeepEdited: kept edited %q, %v; edit kept: %v", kept.KeptEdited, err, edited())
		}
	}
	taken, err := reimport(writeFile(t, "export.xml", strings.Replace(changed, "Why small ports still matter]]></title>", "Why small ports matter]]></title>", 1)), store.ImportOptions{Overwrite: true})
	if err != nil || !slices.Equal(taken.Updated, []string{"why-small-ports-still-matter"}) || edited() {
		t.Fatalf("with Overwrite: updated %q, %v; edit still there: %v", taken.Updated, err, edited())
	}
	revs, err := st.Revisions(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	inHistory := false
	for _, r := range revs {
		if old, err := st.RevisionPiece(ctx, p.ID, r.Number); err == nil && strings.Contains(old.Body, "added on the desk") {
			inHistory = true
		}
	}
	if !inHistory {
		t.Error("the edit the import replaced is not in the piece's history")
	}
}
