package bundle_test

import (
	"archive/zip"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

var ctx = context.Background()

func openLibrary(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// importBundle does what `galley import` does.
func importBundle(s *store.Store, path string) (galley.ImportReport, error) {
	b, err := bundle.Open(path)
	if err != nil {
		return galley.ImportReport{}, err
	}
	defer b.Close()
	return s.ImportStream(ctx, b.All(), b.ReadImage, store.ImportOptions{Slugs: b.Slugs()})
}

// exportBundle does what `galley export json` does.
func exportBundle(s *store.Store, out string) error {
	w, err := bundle.Create(out)
	if err != nil {
		return err
	}
	if err := s.EachPiece(ctx, func(p *galley.Piece, images store.ImageFunc) error { return w.Add(p, bundle.ImageSource(images)) }); err != nil {
		w.Abort()
		return err
	}
	return w.Commit()
}

// writeBundle makes a bundle folder from pieces.json text and files.
func writeBundle(t *testing.T, index string, files map[string][]byte) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bundle")
	if err := os.MkdirAll(filepath.Join(dir, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pieces.json"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// richLibrary fills a library with pieces that use every field, share
// contributors, topics and an image, and relate to each other.
func richLibrary(t *testing.T, s *store.Store) []*galley.Piece {
	t.Helper()
	shared := fixture.JPEG(80, 60, 9)
	a := &galley.Piece{
		Title: "Water, Borders & the Next Decade", Type: "Analysis", Status: galley.StatusPublished,
		Published: galley.Date{Year: 2024, Month: time.November, Day: 14},
		Summary:   "A look at <river> treaties & their \"limits\".", Body: "# Heading\n\nText with `code`.",
		Contributors: []galley.Contributor{{Name: "Ada Quill", Role: "senior fellow"}},
		Topics:       []string{"Global Policy", "Conflict Analysis & Prevention"},
		Photos: []galley.Photo{
			{Data: shared, Alt: "A river at dawn", Caption: "The river, on Monday, July 16, 2018.", Credit: "Pat Lens/Agency", Lead: true,
				Photographer: "Pat Lens", Copyright: "© 2018 Pat Lens", DateCreated: "2018-07-16", City: "Helsinki", Country: "Finland",
				Keywords: []string{"river", "dawn"}},
		},
	}
	b := &galley.Piece{
		Title: "Q&A: The Mediator’s View", Type: "Q&A", Status: galley.StatusReady,
		Published: galley.Date{Year: 2018, Month: time.July, Day: 17},
		Summary:   "Our senior fellow, a former ambassador, looks at the talks.",
		Lang:      "ar-EG",
		Contributors: []galley.Contributor{
			{Name: "Bram Oduya", Role: "former ambassador to Norland"},
			{Name: "Ada Quill", Role: "senior fellow"},
		},
		Topics: []string{"Conflict Analysis & Prevention"},
		QA: []galley.QA{
			{Question: "Q1 — why?", Answer: "Line one.\n\nLine *two*."},
			{Question: "Q2", Answer: ""},
			{Question: "Q3: ünïcode ✓", Answer: "Emoji 🕊 and 中文."},
		},
		Photos: []galley.Photo{
			{Data: fixture.PNG(30, 20, 4), Decorative: true, Credit: "Galley"},
			{Data: shared, Alt: "Same river", Caption: "Reused image.", Lead: true},
			{Data: fixture.JPEG(20, 20, 5)},
		},
	}
	c := &galley.Piece{Title: "A Draft With Nothing Else", Slug: "custom-slug"}
	for _, p := range []*galley.Piece{a, b, c} {
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// Related lists that point forward and backward.
	a.Related = []galley.PieceRef{{ID: b.ID}, {ID: c.ID}}
	b.Related = []galley.PieceRef{{ID: a.ID}}
	for _, p := range []*galley.Piece{a, b} {
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return []*galley.Piece{a, b, c}
}

// comparable strips what legitimately differs between two libraries
// (row IDs, versions) so the rest can be compared exactly.
func comparable(p *galley.Piece) galley.Piece {
	c := *p
	c.ID, c.Version = 0, 0
	c.Contributors = append([]galley.Contributor(nil), p.Contributors...)
	for i := range c.Contributors {
		c.Contributors[i].ID = 0
	}
	c.Photos = append([]galley.Photo(nil), p.Photos...)
	for i := range c.Photos {
		c.Photos[i].ID = 0
	}
	c.Related = append([]galley.PieceRef(nil), p.Related...)
	for i := range c.Related {
		c.Related[i].ID = 0
	}
	c.Created, c.Updated = c.Created.UTC(), c.Updated.UTC()
	return c
}

func allPieces(t *testing.T, s *store.Store) map[string]galley.Piece {
	t.Helper()
	m := map[string]galley.Piece{}
	if err := s.EachPiece(ctx, func(p *galley.Piece, _ store.ImageFunc) error {
		m[p.Slug] = comparable(p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBundleRoundTripLosesNothing(t *testing.T) {
	for _, name := range []string{"bundle", "bundle.zip"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			src := openLibrary(t, filepath.Join(dir, "src.galley"))
			richLibrary(t, src)
			out := filepath.Join(dir, "out", name)
			if err := exportBundle(src, out); err != nil {
				t.Fatal(err)
			}

			dst := openLibrary(t, filepath.Join(dir, "dst.galley"))
			report, err := importBundle(dst, out)
			if err != nil {
				t.Fatal(err)
			}
			if len(report.Created) != 3 || len(report.Updated)+len(report.Unchanged) != 0 {
				t.Errorf("report = %+v, want 3 created", report)
			}
			want, got := allPieces(t, src), allPieces(t, dst)
			if len(got) != len(want) {
				t.Fatalf("imported %d pieces, want %d", len(got), len(want))
			}
			for slug, w := range want {
				if g := got[slug]; !reflect.DeepEqual(g, w) {
					t.Errorf("%s differs after the round trip:\n got %+v\nwant %+v", slug, g, w)
				}
			}
			for slug, p := range want {
				for _, ph := range p.Photos {
					a, _ := src.ImageData(ctx, ph.Image.Hash)
					b, err := dst.ImageData(ctx, ph.Image.Hash)
					if err != nil || string(a) != string(b) {
						t.Errorf("%s: photo bytes differ after the round trip (%v)", slug, err)
					}
				}
			}

			// Importing into the library it came from changes nothing.
			report, err = importBundle(src, out)
			if err != nil {
				t.Fatal(err)
			}
			if len(report.Unchanged) != 3 {
				t.Errorf("re-import into the source = %+v, want 3 unchanged", report)
			}
		})
	}
}

func TestImportIsIdempotentBySlug(t *testing.T) {
	img := fixture.JPEG(16, 16, 1)
	index := `{"format": "galley.bundle/1", "pieces": [
		{"title": "First", "related": ["second"], "photos": [{"file": "photos/a.jpg", "lead": true}]},
		{"title": "Second", "slug": "second", "topics": ["Energy"]}
	]}`
	dir := writeBundle(t, index, map[string][]byte{"photos/a.jpg": img})
	s := openLibrary(t, filepath.Join(t.TempDir(), "lib.galley"))
	r1, err := importBundle(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := importBundle(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(r1.Created) != 2 || len(r2.Unchanged) != 2 || len(r2.Created)+len(r2.Updated) != 0 {
		t.Errorf("first import %+v, second %+v; want 2 created then 2 unchanged", r1, r2)
	}
	n, _ := s.CountPieces(ctx, galley.Filter{})
	if n != 2 {
		t.Errorf("%d pieces after importing twice, want 2", n)
	}
	first, _ := s.PieceBySlug(ctx, "first")
	if first.Version != 1 || first.Related[0].Slug != "second" {
		t.Errorf("first = v%d related %+v", first.Version, first.Related)
	}

	// A changed bundle updates the piece in place.
	changed := strings.Replace(index, `"title": "First"`, `"title": "First", "slug": "first", "summary": "Now with a summary."`, 1)
	if err := os.WriteFile(filepath.Join(dir, "pieces.json"), []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	r3, err := importBundle(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r3.Updated, ",") != "first" || len(r3.Unchanged) != 1 {
		t.Errorf("third import = %+v, want first updated", r3)
	}
	first, _ = s.PieceBySlug(ctx, "first")
	if first.Summary != "Now with a summary." || first.Version != 2 {
		t.Errorf("updated piece = %q v%d", first.Summary, first.Version)
	}
}

// dump returns every row of every table of a library file, so two states
// can be compared exactly (search index included).
func dump(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	var v int
	db.QueryRow("PRAGMA user_version").Scan(&v)
	fmt.Fprintf(&b, "user_version %d\n", v)
	for _, table := range tables {
		if table == "piece_search" {
			continue // the virtual table; its shadow tables hold the data
		}
		rows, err := db.Query(fmt.Sprintf(`SELECT * FROM "%s" ORDER BY 1, 2`, table))
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintf(&b, "%s %v\n", table, vals)
		}
		rows.Close()
	}
	return b.String()
}

func TestBadImportsChangeNothing(t *testing.T) {
	jpg := fixture.JPEG(32, 24, 2)
	good := `{"title": "Good One", "slug": "good-one", "summary": "changed by the import", "photos": [{"file": "photos/ok.jpg"}]}`
	cases := []struct {
		name  string
		index string
		files map[string][]byte
		want  []string // all must appear in the error
	}{
		{"malformed JSON", "{\"format\": \"galley.bundle/1\", \"pieces\": [\n" + good + ",\n  {\"title\": \"Broken\" \"slug\": \"x\"}\n]}",
			nil, []string{"pieces.json, line 3, column 22", "malformed JSON"}},
		{"unknown field", `{"format": "galley.bundle/1", "pieces": [` + good + `, {"title": "Typo Piece", "captoin": "x"}]}`,
			nil, []string{`unknown field "captoin"`, "piece 2 “Typo Piece”", "line 1"}},
		{"unknown top-level field", `{"format": "galley.bundle/1", "extra": 1, "pieces": []}`, nil, []string{`unknown field "extra"`}},
		{"wrong type", `{"format": "galley.bundle/1", "pieces": [{"title": "T", "topics": "Energy"}]}`, nil, []string{`"topics" should be a list`, "piece 1"}},
		{"missing image", `{"format": "galley.bundle/1", "pieces": [` + good + `, {"title": "Lost Photo", "photos": [{"file": "photos/missing.jpg"}]}]}`,
			nil, []string{`"photos/missing.jpg" is not in the bundle`, "Lost Photo"}},
		{"unreadable image", `{"format": "galley.bundle/1", "pieces": [` + good + `, {"title": "Fake Photo", "photos": [{"file": "photos/fake.jpg"}]}]}`,
			map[string][]byte{"photos/fake.jpg": []byte("plain text, not a JPEG")}, []string{"photos/fake.jpg", "Fake Photo"}},
		{"truncated image", `{"format": "galley.bundle/1", "pieces": [` + good + `, {"title": "Cut Photo", "photos": [{"file": "photos/cut.jpg"}]}]}`,
			map[string][]byte{"photos/cut.jpg": jpg[:len(jpg)/3]}, []string{"photos/cut.jpg", "Cut Photo"}},
		{"unknown related slug", `{"format": "galley.bundle/1", "pieces": [` + good + `, {"title": "Lonely", "related": ["nowhere-to-be-found"]}]}`,
			nil, []string{"nowhere-to-be-found", "Lonely"}},
		{"invalid status", `{"format": "galley.bundle/1", "pieces": [` + good + `, {"title": "Odd Status", "status": "archived"}]}`,
			nil, []string{`"archived" is not a status`, "Odd Status"}},
		{"invalid date", `{"format": "galley.bundle/1", "pieces": [` + good + `, {"title": "Odd Date", "published": "2023-02-30"}]}`,
			nil, []string{`"2023-02-30"`, "Odd Date"}},
		{"no title", `{"format": "galley.bundle/1", "pieces": [` + good + `, {"summary": "untitled"}]}`, nil, []string{"piece 2", "title is missing"}},
		{"duplicate slug", `{"format": "galley.bundle/1", "pieces": [` + good + `, {"title": "Good One, Again", "slug": "good-one"}]}`, nil, []string{`slug "good-one"`, "piece 2", "line 1"}},
		{"two leads", `{"format": "galley.bundle/1", "pieces": [{"title": "Leads", "photos": [{"file": "photos/ok.jpg", "lead": true}, {"file": "photos/ok.jpg", "lead": true}]}]}`,
			nil, []string{"lead", "Leads"}},
		{"parent path", `{"format": "galley.bundle/1", "pieces": [{"title": "Escape", "photos": [{"file": "../secret.jpg"}]}]}`, nil, []string{"leads outside the bundle", "Escape"}},
		{"absolute path", `{"format": "galley.bundle/1", "pieces": [{"title": "Escape", "photos": [{"file": "/etc/passwd"}]}]}`, nil, []string{"absolute path"}},
		{"wrong format", `{"format": "galley.bundle/9", "pieces": []}`, nil, []string{`"galley.bundle/9"`}},
		{"no format", `{"pieces": []}`, nil, []string{`"format" key is missing`}},
		{"not an object", `[1, 2]`, nil, []string{"one JSON object"}},
		{"empty file", ``, nil, []string{"ends too early"}},
		{"trailing text", `{"format": "galley.bundle/1", "pieces": []} extra`, nil, []string{"after the closing brace"}},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lib.galley")
			s := openLibrary(t, path)
			if err := s.SavePiece(ctx, &galley.Piece{Title: "Good One", Summary: "as it was"}); err != nil {
				t.Fatal(err)
			}
			if err := s.SavePiece(ctx, &galley.Piece{Title: "Bystander", Topics: []string{"Energy"}}); err != nil {
				t.Fatal(err)
			}
			before := dump(t, path)
			files := map[string][]byte{"photos/ok.jpg": jpg}
			for k, v := range c.files {
				files[k] = v
			}
			_, err := importBundle(s, writeBundle(t, c.index, files))
			if err == nil {
				t.Fatal("the import succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if galley.ErrorCode(err) != galley.EInvalid {
				t.Errorf("error code %q, want invalid", galley.ErrorCode(err))
			}
			if after := dump(t, path); after != before {
				t.Errorf("the failed import changed the library")
			}
		})
	}
}

func TestSymlinkOutOfTheBundleIsRefused(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "outside.jpg")
	if err := os.WriteFile(secret, fixture.JPEG(8, 8, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := writeBundle(t, `{"format": "galley.bundle/1", "pieces": [{"title": "Linked", "photos": [{"file": "photos/link.jpg"}]}]}`, nil)
	if err := os.Symlink(secret, filepath.Join(dir, "photos", "link.jpg")); err != nil {
		t.Fatal(err)
	}
	s := openLibrary(t, filepath.Join(t.TempDir(), "lib.galley"))
	_, err := importBundle(s, dir)
	if err == nil || !strings.Contains(err.Error(), "photos/link.jpg") {
		t.Fatalf("import through a link out of the bundle = %v, want an error naming the file", err)
	}
	if n, _ := s.CountPieces(ctx, galley.Filter{}); n != 0 {
		t.Errorf("%d pieces imported", n)
	}
}

func TestZippedFolderImports(t *testing.T) {
	// A .zip made by zipping the bundle folder itself holds bundle/pieces.json.
	dir := t.TempDir()
	src := openLibrary(t, filepath.Join(dir, "src.galley"))
	richLibrary(t, src)
	folder := filepath.Join(dir, "mybundle")
	if err := exportBundle(src, folder); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(dir, "mybundle.zip")
	zipFolder(t, folder, zipPath)
	dst := openLibrary(t, filepath.Join(dir, "dst.galley"))
	r, err := importBundle(dst, zipPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Created) != 3 {
		t.Errorf("imported %+v", r)
	}
}

func TestExportRefusesToReplaceUnrelatedFiles(t *testing.T) {
	dir := t.TempDir()
	s := openLibrary(t, filepath.Join(dir, "lib.galley"))
	richLibrary(t, s)
	busy := filepath.Join(dir, "Documents")
	os.Mkdir(busy, 0o755)
	os.WriteFile(filepath.Join(busy, "thesis.txt"), []byte("years of work"), 0o644)
	err := exportBundle(s, busy)
	if err == nil || !strings.Contains(err.Error(), "thesis.txt") {
		t.Fatalf("export into a folder of other files = %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(busy, "thesis.txt")); string(data) != "years of work" {
		t.Error("the export touched an unrelated file")
	}

	// A folder that looks like a bundle but holds more is not replaced
	// either, nor is a pieces.json some other tool wrote, nor a zip that
	// is not a bundle.
	mixed := filepath.Join(dir, "mixed")
	if err := exportBundle(s, mixed); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(mixed, "notes.md"), []byte("keep me"), 0o644)
	os.WriteFile(filepath.Join(mixed, "photos", "original-scan.tif"), []byte("keep me too"), 0o644)
	if err := exportBundle(s, mixed); err == nil || !strings.Contains(err.Error(), "not part of a Galley bundle") {
		t.Errorf("export over a bundle folder with extra files = %v", err)
	}
	theirs := filepath.Join(dir, "theirs")
	os.Mkdir(theirs, 0o755)
	os.WriteFile(filepath.Join(theirs, "pieces.json"), []byte(`{"items": []}`), 0o644)
	if err := exportBundle(s, theirs); err == nil || !strings.Contains(err.Error(), "not one Galley wrote") {
		t.Errorf("export over another tool's pieces.json = %v", err)
	}
	archive := filepath.Join(dir, "archive.zip")
	zipFolder(t, busy, archive)
	before, _ := os.ReadFile(archive)
	if err := exportBundle(s, archive); err == nil || !strings.Contains(err.Error(), "not a Galley bundle") {
		t.Errorf("export over an unrelated zip = %v", err)
	}
	if after, _ := os.ReadFile(archive); string(after) != string(before) {
		t.Error("the unrelated zip was changed")
	}
	// An earlier exported zip is replaced.
	ours := filepath.Join(dir, "ours.zip")
	for range 2 {
		if err := exportBundle(s, ours); err != nil {
			t.Fatalf("re-export to a bundle zip: %v", err)
		}
	}
	// A previous bundle is replaced whole, and no temporary folder is left.
	out := filepath.Join(dir, "bundle")
	for range 2 {
		if err := exportBundle(s, out); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".galley-bundle") {
			t.Errorf("temporary %s left behind", e.Name())
		}
	}
	if _, err := bundle.Open(out); err != nil {
		t.Errorf("re-exported bundle does not open: %v", err)
	}
}

// zipFolder zips folder the way a file manager does: entries under the
// folder's own name.
func zipFolder(t *testing.T, folder, zipPath string) {
	t.Helper()
	f, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	base := filepath.Base(folder)
	err = filepath.WalkDir(folder, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(folder, p)
		w, err := zw.Create(base + "/" + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
