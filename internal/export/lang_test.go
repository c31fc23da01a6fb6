package export_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
)

// TestAPieceInAnotherLanguageSaysSo exports an English site holding an
// Arabic piece: its article and its card on the lists are marked lang="ar"
// and right to left, while the site's own words (navigation, headings of
// lists) stay marked as the site's; its JSON-LD names its language. A site
// in Hebrew is right to left as a whole.
func TestAPieceInAnotherLanguageSaysSo(t *testing.T) {
	st := sampleLibrary(t)
	p := &galley.Piece{Title: "حوار حول المياه", Slug: "water-dialogue-ar", Lang: "ar", Status: galley.StatusPublished,
		Published: galley.Date{Year: 2026, Month: 3, Day: 2}, Summary: "مقابلة قصيرة.", Body: "نص المقال.", Topics: []string{"Water & Climate"}}
	if err := st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	exportTo(t, st, out, export.Options{BaseURL: liveBase})

	page := filepath.Join(out, "pieces", "water-dialogue-ar.html")
	doc := parse(t, page)
	root := find(doc, func(n *html.Node) bool { return n.Data == "html" })
	article := find(doc, func(n *html.Node) bool { return n.Data == "article" && attr(n, "class") == "piece" })
	if attr(root[0], "lang") != "en" || attr(root[0], "dir") != "" {
		t.Errorf("the page is marked lang=%q dir=%q, want the site's en", attr(root[0], "lang"), attr(root[0], "dir"))
	}
	if len(article) != 1 || attr(article[0], "lang") != "ar" || attr(article[0], "dir") != "rtl" {
		t.Errorf("the Arabic article is not marked lang=ar dir=rtl:\n%s", read(t, page))
	}
	if !strings.Contains(read(t, page), `"inLanguage":"ar"`) {
		t.Errorf("the JSON-LD does not name the piece's language")
	}
	if feed := read(t, filepath.Join(out, "feed.xml")); !strings.Contains(feed, `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">`) || !strings.Contains(feed, `<entry xml:lang="ar">`) {
		t.Errorf("the feed does not say the site's and the piece's languages:\n%.600s", feed)
	}
	cards := find(parse(t, filepath.Join(out, "index.html")), func(n *html.Node) bool { return n.Data == "article" && attr(n, "class") == "card" })
	var marked, plain int
	for _, c := range cards {
		switch {
		case attr(c, "lang") == "ar" && attr(c, "dir") == "rtl":
			marked++
		case attr(c, "lang") == "" && attr(c, "dir") == "":
			plain++
		}
	}
	if marked != 1 || plain != len(cards)-1 {
		t.Errorf("of %d cards, %d are marked Arabic and %d the site's; want 1 and the rest", len(cards), marked, plain)
	}

	hebrew := filepath.Join(t.TempDir(), "he")
	exportTo(t, st, hebrew, export.Options{Lang: "he"})
	root = find(parse(t, filepath.Join(hebrew, "index.html")), func(n *html.Node) bool { return n.Data == "html" })
	if attr(root[0], "lang") != "he" || attr(root[0], "dir") != "rtl" {
		t.Errorf("a Hebrew site is marked lang=%q dir=%q", attr(root[0], "lang"), attr(root[0], "dir"))
	}
}
