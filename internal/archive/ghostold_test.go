package archive_test

import (
	"strings"
	"testing"

	"app.galley/galley/internal/archive"
)

// TestOlderGhostExportsImport reads an export in the shape Ghost wrote
// before 1.0 (no db wrapper, page flags, image, author_id) and posts
// whose export holds no HTML: their plain text stands in, or the body
// says the text was not imported, never an empty piece passed as whole.
func TestOlderGhostExportsImport(t *testing.T) {
	p := writeFile(t, "ghost-0.11.json", `{"meta":{"exported_on":1500000000000,"version":"0.11.14"},"data":{
		"posts":[
			{"id":1,"title":"Old post","slug":"old-post","html":"<p>From <em>2017</em>.</p>","image":"/content/images/2017/01/a.jpg","page":false,"status":"published","published_at":"2017-01-02T10:00:00.000Z","author_id":"7"},
			{"id":2,"title":"About","slug":"about","html":"<p>Us.</p>","page":true,"status":"published"},
			{"id":3,"title":"Plain","slug":"plain","html":null,"plaintext":"First paragraph.\n\nSecond <one>.","status":"draft"},
			{"id":4,"title":"Only lexical","slug":"only-lexical","html":"","lexical":"{\"root\":{}}","status":"draft"}],
		"users":[{"id":"7","name":"Ines Varga"}]}}`)
	st := newLibrary(t)
	a, report := importArchive(t, st, p, archive.Options{})
	if len(report.Created) != 3 || !strings.Contains(strings.Join(a.Skipped(), ";"), "1 pages") {
		t.Fatalf("created %v, skipped %q", report.Created, a.Skipped())
	}
	old, err := st.PieceBySlug(ctx, "old-post")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(old.Body, "\n\nFrom *2017*.") || len(old.Contributors) != 1 || old.Contributors[0].Name != "Ines Varga" || old.Published.String() != "2017-01-02" {
		t.Errorf("the old post came in as %q by %+v on %s", old.Body, old.Contributors, old.Published)
	}
	if !strings.Contains(old.Body+strings.Join(a.Summary(""), "\n"), "a.jpg: no uploads folder was given") {
		t.Errorf("the old post's image is not named: %q", a.Summary(""))
	}
	plain, _ := st.PieceBySlug(ctx, "plain")
	if plain == nil || plain.Body != "First paragraph.\n\nSecond &lt;one&gt;." {
		t.Errorf("the plain-text post came in as %q", plain.Body)
	}
	lexical, _ := st.PieceBySlug(ctx, "only-lexical")
	if lexical == nil || !strings.HasPrefix(lexical.Body, "<!-- text not imported: the export holds its text only in Ghost's editor format") {
		t.Errorf("the post without HTML came in as %q", lexical.Body)
	}
}
