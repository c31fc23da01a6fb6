package export_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"app.galley/galley/internal/export"
)

// A piece imported without times of its own was neither written nor
// changed on the day of the import; its publication date starts the day
// where the site is; and the feed's ids stay the same whatever the base
// URL, so setting one later does not show readers every entry again.
func TestDatesAndFeedIdsAreHonest(t *testing.T) {
	bundle := fstest.MapFS{"pieces.json": {Data: []byte(`{"format": "galley.bundle/1", "pieces": [
 {"title": "An Archive Piece From 2018", "type": "Analysis", "status": "published", "published": "2018-07-17",
  "summary": "Imported years after it was published.", "topics": ["Archives"]}]}`)}}
	st := library(t, bundle)
	dir := t.TempDir()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	read := func(out, name string) string {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	plain := filepath.Join(dir, "plain")
	exportTo(t, st, plain, export.Options{Library: id, TimeZone: ny})
	// Midnight in New York is 04:00 UTC: every date that says when the
	// piece changed is that or later, never the evening before it was
	// published.
	const start = "2018-07-17T04:00:00Z"
	page := read(plain, "pieces/an-archive-piece-from-2018.html")
	if !strings.Contains(page, `<meta property="article:modified_time" content="`+start+`">`) {
		t.Errorf("the page of the piece does not say it last changed at the start of its publication day, %s", start)
	}
	if !strings.Contains(page, `"dateModified":"`+start+`"`) {
		t.Errorf("the page's structured data does not say it last changed at %s", start)
	}
	feed := read(plain, "feed.xml")
	for _, want := range []string{"<published>2018-07-17T00:00:00-04:00</published>", "<updated>" + start + "</updated>", "<id>urn:uuid:"} {
		if !strings.Contains(feed, want) {
			t.Errorf("the feed lacks %s:\n%s", want, feed)
		}
	}
	if sitemap := read(plain, "sitemap.xml"); !strings.Contains(sitemap, "<lastmod>"+start+"</lastmod>") {
		t.Errorf("the sitemap dates the piece otherwise:\n%s", sitemap)
	}
	// West of New York too: the site's own day, whichever zone it is.
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	west := filepath.Join(dir, "west")
	exportTo(t, st, west, export.Options{Library: id, TimeZone: la})
	if feed := read(west, "feed.xml"); !strings.Contains(feed, "<published>2018-07-17T00:00:00-07:00</published>") || !strings.Contains(feed, "<updated>2018-07-17T07:00:00Z</updated>") {
		t.Errorf("in Los Angeles the piece is not published and changed at the start of July 17:\n%s", feed)
	}

	withBase := filepath.Join(dir, "with-base")
	exportTo(t, st, withBase, export.Options{Library: id, TimeZone: ny, BaseURL: "https://example.org/archive/"})
	if ids(read(withBase, "feed.xml")) != ids(feed) {
		t.Errorf("setting a base URL changed the feed's ids:\n%s\n%s", ids(feed), ids(read(withBase, "feed.xml")))
	}
	other := library(t, bundle)
	otherID, _ := other.Identity(ctx)
	elsewhere := filepath.Join(dir, "other")
	exportTo(t, other, elsewhere, export.Options{Library: otherID})
	if ids(read(elsewhere, "feed.xml")) == ids(feed) {
		t.Error("another library's feed has the same ids")
	}
}

// ids are a feed's <id> lines.
func ids(feed string) string {
	var out []string
	for _, line := range strings.Split(feed, "\n") {
		if strings.Contains(line, "<id>") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return strings.Join(out, "\n")
}

// Raw HTML in a body or an answer never reaches the page, and is not
// dropped in silence: the export names it, and the words around it stay.
func TestRawHTMLIsLeftOutAndNamed(t *testing.T) {
	st := library(t, fstest.MapFS{"pieces.json": {Data: []byte(`{"format": "galley.bundle/1", "pieces": [
 {"title": "Embeds And Tags", "type": "Q&A", "status": "published", "published": "2026-12-01",
  "body": "Water is H<sub>2</sub>O.\n\n<iframe src=\"https://video.example.org/embed/1\"></iframe>\n\nAfter the embed.",
  "qa": [{"question": "Why?", "answer": "Because<br>of this."}]}]}`)}})
	out := filepath.Join(t.TempDir(), "site")
	rep := exportTo(t, st, out, export.Options{})
	page, err := os.ReadFile(filepath.Join(out, "pieces", "embeds-and-tags.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"raw HTML omitted", "<iframe", "<sub>", "<br>"} {
		if strings.Contains(string(page), gone) {
			t.Errorf("the page holds %q", gone)
		}
	}
	for _, kept := range []string{"Water is H2O.", "After the embed.", "Because\nof this."} {
		if !strings.Contains(string(page), kept) {
			t.Errorf("the page lost %q", kept)
		}
	}
	notes := strings.Join(rep.Problems, "\n")
	for _, want := range []string{"raw HTML in the body", "<iframe src=", "raw HTML in answer 1", "<br>"} {
		if !strings.Contains(notes, want) {
			t.Errorf("the export's notes do not say %q:\n%s", want, notes)
		}
	}
}

// The feed can carry each piece's whole text for readers who read there.
func TestTheFeedCanCarryTheFullText(t *testing.T) {
	st := sampleLibrary(t)
	out := filepath.Join(t.TempDir(), "site")
	exportTo(t, st, out, export.Options{})
	feed, _ := os.ReadFile(filepath.Join(out, "feed.xml"))
	if strings.Contains(string(feed), "<content") {
		t.Error("the feed carries the full text unasked")
	}
	exportTo(t, st, out, export.Options{FeedFullText: true})
	feed, _ = os.ReadFile(filepath.Join(out, "feed.xml"))
	p, _ := st.PieceBySlug(ctx, "what-a-river-treaty-can-teach-negotiators")
	if !strings.Contains(string(feed), `<content type="html">`) || !strings.Contains(string(feed), "&lt;h2&gt;Q: ") {
		t.Fatal("the feed does not carry the pieces' text")
	}
	first := strings.Fields(p.QA[0].Answer)[0]
	if !strings.Contains(string(feed), first) {
		t.Errorf("the feed lacks the first answer's words (%q)", first)
	}
}
