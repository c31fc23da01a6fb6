package archive_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/archive"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// wxr wraps items in the start and end of a WordPress export.
func wxr(doctype, items string) string {
	return `<?xml version="1.0" encoding="UTF-8" ?>` + doctype + `
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>T</title><link>http://wp.test</link>` + items + `</channel></rss>`
}

func post(id, title, content string) string {
	return `<item><title>` + title + `</title><content:encoded><![CDATA[` + content + `]]></content:encoded><wp:post_id>` + id +
		`</wp:post_id><wp:post_date>2020-01-02 03:04:05</wp:post_date><wp:post_name>p` + id + `</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>`
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBadArchivesAreRefusedWithTheirFault opens damaged and hostile
// files: each is refused before the library is touched, with a message
// naming the file and what is wrong with it.
func TestBadArchivesAreRefusedWithTheirFault(t *testing.T) {
	bomb := `<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`
	external := `<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>`
	whole := wxr("", post("1", "One", "<p>text</p>")+post("2", "Two", "<p>more</p>"))
	huge := wxr("", post("1", "Huge", strings.Repeat("<p>a paragraph of words</p>", archive.MaxItem/24)))
	cases := []struct {
		name, file, content string
		want                []string
	}{
		{"entity bomb", "bomb.xml", wxr(bomb, post("1", "&c;", "x")), []string{"bomb.xml", "DOCTYPE", "entities"}},
		{"external entity", "xxe.xml", wxr(external, post("1", "&secret;", "x")), []string{"xxe.xml", "DOCTYPE"}},
		{"undeclared entity", "entity.xml", wxr("", post("1", "&secret;", "x")), []string{"entity.xml", "line 3", "not a complete WordPress export"}},
		{"truncated", "cut.xml", whole[:len(whole)*2/3], []string{"cut.xml", "not a complete WordPress export"}},
		{"one endless item", "huge.xml", huge, []string{"huge.xml", "larger than 16 MB"}},
		{"XML that is no export", "feed.xml", `<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title></channel></rss>`, []string{"feed.xml", "not a WordPress export"}},
		{"JSON that is no Ghost export", "posts.json", `{"posts": [{"title": "x"}]}`, []string{"posts.json", "not a Ghost export", `"data"`}},
		{"truncated Ghost export", "cut.json", `{"db":[{"meta":{"exported_on":1,"version":"5.80.0"},"data":{"posts":[{"id":"1","title":"x"`, []string{"cut.json", "posts table", "not a complete Ghost export"}},
		{"a Ghost value nested endlessly", "deep.json", `{"db":[{"meta":{"exported_on":1,"version":"5.80.0"},"data":{"junk":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}}]}`, []string{"deep.json", "junk table", "nested more than 1000"}},
		{"a Ghost export of another shape", "shape.json", `{"db":[{"meta":{"exported_on":1},"data":{"posts":{"id":"1"}}}]}`, []string{"shape.json", "posts table"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, c.file, c.content)
			a, err := archive.Open(p, archive.Options{})
			if err == nil {
				n := 0
				for _, err := range a.All() {
					if err != nil {
						t.Fatalf("Open took the file, then reading it failed: %v", err)
					}
					n++
				}
				a.Close()
				t.Fatalf("opened, with %d posts", n)
			}
			if galley.ErrorCode(err) != galley.EInvalid {
				t.Errorf("code %q: %v", galley.ErrorCode(err), err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
}

// TestManyTermsBeforeThePostsAreNoEndlessItem reads the export of a site
// with more tags than 16 MB hold, which WordPress lists in the channel
// before the first post: the bound is on each of them, not on all of
// them together, and the posts after them import.
func TestManyTermsBeforeThePostsAreNoEndlessItem(t *testing.T) {
	var terms strings.Builder
	for i := 0; terms.Len() <= archive.MaxItem+archive.MaxItem/4; i++ {
		fmt.Fprintf(&terms, "<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug>tag-%d</wp:tag_slug><wp:tag_name><![CDATA[Tag %d]]></wp:tag_name></wp:tag>\n", i, i, i)
	}
	p := writeFile(t, "big.xml", wxr("", terms.String()+post("1", "After the tags", "<p>text</p>")))
	st := newLibrary(t)
	importArchive(t, st, p, archive.Options{})
	if _, err := st.PieceBySlug(ctx, "p1"); err != nil {
		t.Errorf("the post after %d MB of tags: %v", terms.Len()>>20, err)
	}
}

// TestAFailingPostImportsNothing imports an export whose third post the
// library refuses: nothing of the first two is left behind.
func TestAFailingPostImportsNothing(t *testing.T) {
	long := strings.Repeat("word ", galley.MaxTitle/5+10)
	p := writeFile(t, "export.xml", wxr("", post("1", "One", "<p>a</p>")+post("2", "Two", "<p>b</p>")+post("3", long, "<p>c</p>")))
	a, err := archive.Open(p, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	st := newLibrary(t)
	_, err = st.ImportStream(ctx, a.All(), a.ReadImage, store.ImportOptions{Slugs: a.Slugs()})
	if err == nil || !strings.Contains(err.Error(), "p3") {
		t.Fatalf("the import of a post with a %d-character title: %v", len(long), err)
	}
	list, err := st.FindPieces(ctx, galley.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Errorf("%d pieces left by a failed import", len(list))
	}
}

// TestUploadsStayInTheirFolder gives image addresses that climb out of
// the uploads folder: no file outside it is read.
func TestUploadsStayInTheirFolder(t *testing.T) {
	dir := t.TempDir()
	uploads := filepath.Join(dir, "uploads")
	os.MkdirAll(uploads, 0o755)
	os.WriteFile(filepath.Join(dir, "secret.jpg"), []byte("not for you"), 0o644)
	content := `<img src="http://wp.test/wp-content/uploads/../secret.jpg" alt="a"><img src="http://wp.test/wp-content/uploads/%2e%2e/secret.jpg" alt="b">`
	p := writeFile(t, "export.xml", wxr("", post("1", "Climbing", content)))
	st := newLibrary(t)
	a, _ := importArchive(t, st, p, archive.Options{Uploads: uploads})
	piece, err := st.PieceBySlug(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if len(piece.Photos) != 0 {
		t.Errorf("%d photos read from outside the uploads folder", len(piece.Photos))
	}
	if n := len(a.Notes()); n != 1 || len(a.Notes()[0].Lines) != 2 {
		t.Errorf("notes: %+v; want the two images named", a.Notes())
	}
	if strings.Count(piece.Body, "<!-- image not imported:") != 2 {
		t.Errorf("the body does not name the images it lacks:\n%s", piece.Body)
	}
}
