package bundle_test

import (
	"archive/zip"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// openWithin opens the bundle at path, failing the test if Open has not
// answered within a few seconds (a FIFO opened for reading waits for a
// writer that never comes).
func openWithin(t *testing.T, path string) (*bundle.Bundle, error) {
	t.Helper()
	type result struct {
		b   *bundle.Bundle
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := bundle.Open(path)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		if r.b != nil {
			t.Cleanup(func() { r.b.Close() })
		}
		return r.b, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("bundle.Open(%s) has not returned after 10 seconds", path)
		return nil, nil
	}
}

// writeZip writes a zip of the given entries, in order, names as given.
func writeZip(t *testing.T, path string, entries ...[2]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestZipWithTwoEntriesOfOneNameIsRefused(t *testing.T) {
	jpg := string(fixture.JPEG(16, 16, 1))
	other := string(fixture.JPEG(16, 16, 2))
	index := func(title string) string {
		return `{"format": "galley.bundle/1", "pieces": [{"title": "` + title + `", "photos": [{"file": "photos/a.jpg"}]}]}`
	}
	for _, c := range []struct {
		name    string
		entries [][2]string
		dup     string
	}{
		{"two indexes", [][2]string{{"pieces.json", index("Harmless")}, {"photos/a.jpg", jpg}, {"pieces.json", index("Other")}}, "pieces.json"},
		{"two copies of a photo", [][2]string{{"pieces.json", index("Photo")}, {"photos/a.jpg", jpg}, {"photos/a.jpg", other}}, "photos/a.jpg"},
		{"the same path written two ways", [][2]string{{"pieces.json", index("Photo")}, {"photos/a.jpg", jpg}, {"photos//a.jpg", other}}, "photos/a.jpg"},
		{"in a folder", [][2]string{{"b/pieces.json", index("Nested")}, {"b/photos/a.jpg", jpg}, {"b/pieces.json", index("Other")}}, "b/pieces.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "twice.zip")
			writeZip(t, path, c.entries...)
			_, err := openWithin(t, path)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), `two entries named "`+c.dup+`"`) {
				t.Fatalf("open = %v, want an error naming %s and %q", err, path, c.dup)
			}
			if galley.ErrorCode(err) != galley.EInvalid {
				t.Errorf("code %q", galley.ErrorCode(err))
			}
		})
	}
}

func TestKeyGivenTwiceIsRefused(t *testing.T) {
	jpg := fixture.JPEG(16, 16, 1)
	for _, c := range []struct {
		name, index string
		want        []string
	}{
		{"in a piece", "{\"format\": \"galley.bundle/1\", \"pieces\": [\n  {\"title\": \"One\", \"body\": \"kept?\", \"body\": \"or this?\"}\n]}",
			[]string{"line 2, column 37", `piece 1 “One”: the key "body" is given twice`}},
		{"the title", "{\"format\": \"galley.bundle/1\", \"pieces\": [\n  {\"title\": \"A\",\n   \"title\": \"B\"}\n]}",
			[]string{"line 3, column 4", `the key "title" is given twice`}},
		{"written with an escape", `{"format": "galley.bundle/1", "pieces": [{"title": "A", "ti\u0074le": "B"}]}`,
			[]string{"line 1, column 57", `the key "title" is given twice`}},
		{"in a photo", "{\"format\": \"galley.bundle/1\", \"pieces\": [\n  {\"title\": \"Photo\", \"photos\": [\n    {\"file\": \"photos/ok.jpg\", \"alt\": \"a\", \"alt\": \"b\"}]}\n]}",
			[]string{"line 3, column 43", `piece 1 “Photo”: the key "alt" is given twice`}},
		{"in a contributor", `{"format": "galley.bundle/1", "pieces": [{"title": "C", "contributors": [{"name": "Ann", "role": "x", "name": "Bob"}]}]}`,
			[]string{`the key "name" is given twice`}},
		{"in the second piece", "{\"format\": \"galley.bundle/1\", \"pieces\": [\n  {\"title\": \"Fine\"},\n  {\"title\": \"Second\", \"qa\": [{\"question\": \"Q\", \"answer\": \"A\", \"question\": \"Q2\"}]}\n]}",
			[]string{"line 3, column 63", `piece 2 “Second”: the key "question" is given twice`}},
		{"format", `{"format": "galley.bundle/1", "format": "galley.bundle/1", "pieces": []}`, []string{"line 1, column 31", `"format" is given twice`}},
		{"pieces", `{"format": "galley.bundle/1", "pieces": [{"title": "A"}], "pieces": [{"title": "B"}]}`, []string{"line 1, column 59", `"pieces" is given twice`}},
		{"differing in case", `{"format": "galley.bundle/1", "pieces": [{"title": "A", "Title": "B"}]}`, []string{`unknown field "Title"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeBundle(t, c.index, map[string][]byte{"photos/ok.jpg": jpg})
			_, err := openWithin(t, dir)
			if err == nil {
				t.Fatal("the bundle opened")
			}
			for _, w := range append(c.want, filepath.Join(dir, "pieces.json")) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestNonRegularFilesInABundleFolderAreRefused(t *testing.T) {
	jpg := fixture.JPEG(16, 16, 1)
	index := `{"format": "galley.bundle/1", "pieces": [{"title": "Piped", "photos": [{"file": "photos/pipe.jpg"}]}]}`

	// pieces.json a FIFO: opening it for reading once waited for ever.
	dir := writeBundle(t, index, map[string][]byte{"photos/pipe.jpg": jpg})
	os.Remove(filepath.Join(dir, "pieces.json"))
	mkfifo(t, filepath.Join(dir, "pieces.json"))
	_, err := openWithin(t, dir)
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "pieces.json is not a regular file (a FIFO)") {
		t.Errorf("a FIFO for pieces.json: %v", err)
	}

	// A photo that is a FIFO.
	dir = writeBundle(t, index, nil)
	mkfifo(t, filepath.Join(dir, "photos", "pipe.jpg"))
	_, err = openWithin(t, dir)
	if err == nil || !strings.Contains(err.Error(), `"photos/pipe.jpg" is not a regular file (a FIFO)`) || !strings.Contains(err.Error(), "Piped") {
		t.Errorf("a FIFO for a photo: %v", err)
	}

	// pieces.json a folder.
	dir = writeBundle(t, index, map[string][]byte{"photos/pipe.jpg": jpg})
	os.Remove(filepath.Join(dir, "pieces.json"))
	os.Mkdir(filepath.Join(dir, "pieces.json"), 0o755)
	if _, err := openWithin(t, dir); err == nil || !strings.Contains(err.Error(), "pieces.json is not a regular file (a folder)") {
		t.Errorf("a folder for pieces.json: %v", err)
	}
}

// TestZipEntryThatIsALinkIsRefused: a zip can hold a symbolic link, which
// unzip makes a link and Go's zip reader reads as the text of its target.
func TestZipEntryThatIsALinkIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "link.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	h := &zip.FileHeader{Name: "pieces.json"}
	h.SetMode(fs.ModeSymlink | 0o777)
	w, _ := zw.CreateHeader(h)
	w.Write([]byte("../../elsewhere/pieces.json"))
	zw.Close()
	f.Close()
	if _, err := openWithin(t, path); err == nil || !strings.Contains(err.Error(), "pieces.json is not a regular file (a symbolic link)") {
		t.Errorf("a zip whose pieces.json is a link: %v", err)
	}
}

// TestPiecesAreReadOneAtATime checks that All reads the pieces in order
// from the file, that a piece without a slug comes with none (the library
// gives it one), and that stopping early is fine.
func TestPiecesAreReadOneAtATime(t *testing.T) {
	body := strings.Repeat("A paragraph of a long piece. ", 30000) // 870 kB
	var pieces []string
	for _, title := range []string{"First Long", "Second Long", "Third Long"} {
		pieces = append(pieces, `{"title": "`+title+`", "body": "`+body+`"}`)
	}
	pieces = append(pieces, `{"title": "Given", "slug": "given-slug", "related": ["first-long"]}`)
	dir := writeBundle(t, `{"format": "galley.bundle/1", "pieces": [`+strings.Join(pieces, ",\n")+`]}`, nil)
	b, err := openWithin(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Pieces) != 0 {
		t.Errorf("Open kept %d pieces in memory", len(b.Pieces))
	}
	if !b.Slugs()["given-slug"] || len(b.Slugs()) != 1 {
		t.Errorf("slugs given = %v", b.Slugs())
	}
	var titles []string
	for p, err := range b.All() {
		if err != nil {
			t.Fatal(err)
		}
		if p.Slug != "" && p.Slug != "given-slug" || (p.Title != "Given" && p.Body != body) {
			t.Errorf("piece %q: slug %q, body of %d bytes", p.Title, p.Slug, len(p.Body))
		}
		titles = append(titles, p.Title)
	}
	if strings.Join(titles, ",") != "First Long,Second Long,Third Long,Given" {
		t.Errorf("read %v", titles)
	}
	for range b.All() {
		break
	}
}

// TestErrorsDeepInALargeFileSayWhere checks line and column far into a
// file larger than what is read at a time.
func TestErrorsDeepInALargeFileSayWhere(t *testing.T) {
	body := strings.Repeat("x", 200_000)
	var lines []string
	for i := range 20 {
		lines = append(lines, `  {"title": "Piece `+string(rune('A'+i))+`", "body": "`+body+`"},`)
	}
	for _, c := range []struct{ last, want string }{
		{`  {"title": "Ünï", "status": "nope"}`, "line 22, column 3: piece 21 “Ünï”"},
		{`  {"title": "Ünï" "status": "nope"}`, "line 22, column 19: piece 21: malformed JSON"},
		{`  {"title": "Ünï", "captoin": "x"}`, "line 22, column 20: piece 21 “Ünï”: unknown field \"captoin\""},
		{`  {"title": "Ünï", "body": "` + body + `"`, "line 22, column 200029: malformed JSON: the file ends too early"},
		{"  {\"title\": \"\xff\"}", "line 22, column 14: the file is not valid UTF-8 text"},
	} {
		index := "{\"format\": \"galley.bundle/1\", \"pieces\": [\n" + strings.Join(lines, "\n") + "\n" + c.last
		if !strings.Contains(c.want, "ends too early") {
			index += "\n]}"
		}
		dir := writeBundle(t, index, nil)
		_, err := openWithin(t, dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}
