package export_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/archive"
	"app.galley/galley/internal/export"
	"app.galley/galley/internal/store"
)

// hostilePiece is a piece of the hostile corpus as its bundle gives it.
type hostilePiece struct {
	Slug, Title, Type, Status, Published, Summary, Body string
	Topics                                              []string
	Contributors                                        []struct{ Name string }
	QA                                                  []struct{ Question, Answer string }
	Photos                                              []struct{ File, Alt, Caption string }
}

func hostileCorpus(t *testing.T) []hostilePiece {
	t.Helper()
	data, err := os.ReadFile("testdata/hostile/pieces.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Pieces []hostilePiece }
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Pieces
}

// hostileHTML is a hostile piece's text as a post's content: its body,
// its questions as bold paragraphs, its photos as images of the uploads.
func hostileHTML(p hostilePiece, imageURL func(file string) string) string {
	var b strings.Builder
	b.WriteString(p.Body + "\n\n")
	for _, qa := range p.QA {
		fmt.Fprintf(&b, "<p><strong>Q: %s?</strong></p>\n\n<p>%s</p>\n\n", qa.Question, qa.Answer)
	}
	for _, ph := range p.Photos {
		fmt.Fprintf(&b, "<figure><img src=%q alt=%q><figcaption>%s</figcaption></figure>\n\n", imageURL(ph.File), ph.Alt, ph.Caption)
	}
	return b.String()
}

func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

// writeHostileWXR writes the hostile corpus as a WordPress export, with
// its photos in an uploads folder, and returns both paths. It is written
// here because no WordPress would hold these payloads for us; the real
// export files are in internal/archive/testdata.
func writeHostileWXR(t *testing.T, pieces []hostilePiece) (string, string) {
	dir := t.TempDir()
	uploads := filepath.Join(dir, "uploads")
	os.MkdirAll(filepath.Join(uploads, "photos"), 0o755)
	var items strings.Builder
	for i, p := range pieces {
		for _, ph := range p.Photos {
			data, err := os.ReadFile(filepath.Join("testdata/hostile", ph.File))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(uploads, ph.File), data, 0o644)
		}
		status := "publish"
		if p.Status == "draft" {
			status = "draft"
		}
		fmt.Fprintf(&items, "<item><title>%s</title><dc:creator>%s</dc:creator><content:encoded>%s</content:encoded><excerpt:encoded>%s</excerpt:encoded>",
			cdata(p.Title), cdata(fmt.Sprintf("author%d", i)), cdata(hostileHTML(p, func(f string) string { return "http://wp.test/wp-content/uploads/" + f })), cdata(p.Summary))
		fmt.Fprintf(&items, "<wp:post_id>%d</wp:post_id><wp:post_date>%s 09:00:00</wp:post_date><wp:post_name>%s</wp:post_name><wp:status>%s</wp:status><wp:post_type>post</wp:post_type>",
			100+i, p.Published, p.Slug, status)
		if p.Type != "" {
			fmt.Fprintf(&items, `<category domain="category" nicename="t%d">%s</category>`, i, cdata(p.Type))
		}
		for j, topic := range p.Topics {
			fmt.Fprintf(&items, `<category domain="post_tag" nicename="t%d-%d">%s</category>`, i, j, cdata(topic))
		}
		items.WriteString("</item>\n")
	}
	var authors strings.Builder
	for i, p := range pieces {
		if len(p.Contributors) > 0 {
			fmt.Fprintf(&authors, "<wp:author><wp:author_login>%s</wp:author_login><wp:author_display_name>%s</wp:author_display_name></wp:author>",
				cdata(fmt.Sprintf("author%d", i)), cdata(p.Contributors[0].Name))
		}
	}
	doc := `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Hostile</title><link>http://wp.test</link><wp:wxr_version>1.2</wp:wxr_version>` + authors.String() + items.String() + `</channel></rss>`
	path := filepath.Join(dir, "hostile.xml")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, uploads
}

// writeHostileGhost writes the hostile corpus as a Ghost export.
func writeHostileGhost(t *testing.T, pieces []hostilePiece, uploads string) string {
	type row = map[string]any
	var posts, tags, postsTags, users, postsAuthors, meta []row
	for i, p := range pieces {
		id := fmt.Sprintf("p%d", i)
		status := "published"
		if p.Status == "draft" {
			status = "draft"
		}
		var feature any
		if len(p.Photos) > 0 {
			feature = "__GHOST_URL__/content/images/" + p.Photos[0].File
			meta = append(meta, row{"post_id": id, "feature_image_alt": p.Photos[0].Alt, "feature_image_caption": p.Photos[0].Caption})
		}
		posts = append(posts, row{"id": id, "title": p.Title, "slug": p.Slug, "type": "post", "status": status,
			"html": hostileHTML(p, func(f string) string { return "__GHOST_URL__/content/images/" + f }), "feature_image": feature,
			"custom_excerpt": p.Summary, "published_at": p.Published + "T09:00:00.000Z", "created_at": p.Published + "T08:00:00.000Z", "updated_at": p.Published + "T10:00:00.000Z"})
		for j, topic := range append([]string{p.Type}, p.Topics...) {
			tid := fmt.Sprintf("t%d-%d", i, j)
			tags = append(tags, row{"id": tid, "name": topic, "visibility": "public"})
			postsTags = append(postsTags, row{"post_id": id, "tag_id": tid, "sort_order": j})
		}
		for j, c := range p.Contributors {
			uid := fmt.Sprintf("u%d-%d", i, j)
			users = append(users, row{"id": uid, "name": c.Name})
			postsAuthors = append(postsAuthors, row{"post_id": id, "author_id": uid, "sort_order": j})
		}
	}
	doc := row{"db": []row{{"meta": row{"exported_on": 1, "version": "5.0.0"}, "data": row{
		"posts": posts, "tags": tags, "posts_tags": postsTags, "users": users, "posts_authors": postsAuthors, "posts_meta": meta}}}}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(filepath.Dir(uploads), "hostile.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHostileArchivesStayInert imports the hostile corpus as a WordPress
// and as a Ghost export and checks that every exported page stays inert:
// a hostile title, post or caption from another system is text on a
// Galley page, as it is from a bundle.
func TestHostileArchivesStayInert(t *testing.T) {
	pieces := hostileCorpus(t)
	wxr, uploads := writeHostileWXR(t, pieces)
	for _, src := range []string{wxr, writeHostileGhost(t, pieces, uploads)} {
		t.Run(filepath.Ext(src), func(t *testing.T) {
			a, err := archive.Open(src, archive.Options{Uploads: uploads, QA: true, TypeFrom: "tag"})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			st, err := store.Open(filepath.Join(t.TempDir(), "lib.galley"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			report, err := st.ImportStream(ctx, a.All(), a.ReadImage, store.ImportOptions{Slugs: a.Slugs()})
			if err != nil {
				t.Fatal(err)
			}
			if len(report.Created) != len(pieces) {
				t.Fatalf("created %d of %d pieces", len(report.Created), len(pieces))
			}
			p, err := st.PieceBySlug(ctx, "hostile-everything")
			if err != nil {
				t.Fatal(err)
			}
			if p.Title != pieces[0].Title || len(p.Photos) != 2 || len(p.QA) != 2 {
				t.Errorf("the hostile piece came in as title %q, %d photos, %d questions", p.Title, len(p.Photos), len(p.QA))
			}
			if !strings.Contains(p.Body, "<!-- script: window.__pwned=1 -->") {
				t.Errorf("the script in the post is not named in the body:\n%s", p.Body)
			}
			out := filepath.Join(t.TempDir(), "site")
			exportTo(t, st, out, export.Options{IncludeDrafts: true, BaseURL: "https://example.org/"})
			if pages := checkInert(t, out); pages < 10 {
				t.Fatalf("only %d pages checked", pages)
			}
		})
	}
}
