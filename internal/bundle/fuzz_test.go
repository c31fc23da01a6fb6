package bundle_test

import (
	"bytes"
	"io/fs"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// watchedFS is a bundle file system that remembers every name the reader
// asks it for.
type watchedFS struct {
	fstest.MapFS
	mu    sync.Mutex
	names []string
}

// Open records name and opens it in the map.
func (w *watchedFS) Open(name string) (fs.File, error) {
	w.mu.Lock()
	w.names = append(w.names, name)
	w.mu.Unlock()
	return w.MapFS.Open(name)
}

// fuzzBundleFiles are the files beside pieces.json in FuzzBundleIndex.
func fuzzBundleFiles() fstest.MapFS {
	return fstest.MapFS{
		"photos/ok.jpg":    {Data: fixture.JPEG(32, 24, 2)},
		"photos/p.jpg":     {Data: fixture.JPEG(16, 12, 1)},
		"photos/q.png":     {Data: fixture.PNG(12, 16, 3)},
		"photos/fake.jpg":  {Data: []byte("plain text, not a JPEG")},
		"photos/sub":       {Mode: fs.ModeDir | 0o755},
		"top.jpg":          {Data: fixture.JPEG(8, 8, 4)},
		"a b/ü ñ.jpg":      {Data: fixture.JPEG(8, 8, 5)},
		"photos/sub/x.png": {Data: fixture.PNG(8, 8, 6)},
	}
}

var errorPlace = regexp.MustCompile(`pieces\.json, line (\d+), column (\d+): `)

// FuzzBundleIndex checks that any bytes as a bundle's pieces.json give
// either an invalid-input error whose message is a UTF-8 sentence pointing
// at a real line and column of the file, or pieces that pass Validate,
// with unique slugs, no piece related to itself, and every photo a regular
// file of the bundle that ReadImage returns. The reader never asks for a
// path outside the bundle, and never panics.
func FuzzBundleIndex(f *testing.F) {
	good := `{"title": "Good One", "slug": "good-one", "summary": "kept", "photos": [{"file": "photos/ok.jpg"}]}`
	wrap := func(pieces ...string) string {
		return `{"format": "galley.bundle/1", "pieces": [` + strings.Join(pieces, ",\n") + `]}`
	}
	for _, s := range []string{
		wrap(), wrap(good), "{\"format\": \"galley.bundle/1\", \"pieces\": [\n" + good + ",\n  {\"title\": \"Broken\" \"slug\": \"x\"}\n]}",
		wrap(good, `{"title": "Typo Piece", "captoin": "x"}`), `{"format": "galley.bundle/1", "extra": 1, "pieces": []}`,
		wrap(`{"title": "T", "topics": "Energy"}`), wrap(`{"title": "Lost Photo", "photos": [{"file": "photos/missing.jpg"}]}`),
		wrap(`{"title": "Odd Status", "status": "archived"}`), wrap(`{"title": "Odd Date", "published": "2023-02-30"}`),
		wrap(`{"summary": "untitled"}`), wrap(good, `{"title": "Good One"}`),
		wrap(`{"title": "Leads", "photos": [{"file": "photos/ok.jpg", "lead": true}, {"file": "photos/ok.jpg", "lead": true}]}`),
		wrap(`{"title": "Escape", "photos": [{"file": "../secret.jpg"}]}`), wrap(`{"title": "Escape", "photos": [{"file": "/etc/passwd"}]}`),
		wrap(`{"title": "Escape", "photos": [{"file": "photos/../../secret.jpg"}]}`), wrap(`{"title": "Drive", "photos": [{"file": "C:photos/ok.jpg"}]}`),
		wrap(`{"title": "Back", "photos": [{"file": "photos\\ok.jpg"}]}`), wrap(`{"title": "Dir", "photos": [{"file": "photos/sub"}]}`),
		wrap(`{"title": "Dots", "photos": [{"file": "./photos/./ok.jpg"}, {"file": "photos/sub/../q.png"}, {"file": "a b/ü ñ.jpg"}]}`),
		wrap(`{"title": "Self", "slug": "self", "related": ["self"]}`), wrap(`{"title": "A", "related": ["b"]}`, `{"title": "B", "related": ["a", "a"]}`),
		wrap(`{"title": "Every Field", "slug": "every-field", "type": "Q&A", "status": "published", "published": "2024-11-14",
			"summary": "S", "body": "# B\n\nText", "contributors": [{"name": "Ann", "role": "editor"}, {"name": "Ben"}],
			"topics": ["Energy", "Water"], "qa": [{"question": "Q?", "answer": "A."}],
			"photos": [{"file": "photos/p.jpg", "alt": "A", "caption": "C", "credit": "Cr", "lead": true}, {"file": "top.jpg", "decorative": true}],
			"related": ["other"], "created": "2024-11-14T09:30:00.123456789Z", "updated": "2024-11-14T10:30:00+02:00"}`),
		wrap(`{"title": "Bad Time", "created": "yesterday"}`), wrap(`{"title": "\u0000 NUL"}`), wrap(`{"title": "Bad Slug", "slug": "../x"}`),
		`{"format": "galley.bundle/9", "pieces": []}`, `{"pieces": []}`, `[1, 2]`, ``, `{"format": "galley.bundle/1", "pieces": []} extra`,
		`{"format": "galley.bundle/1", "pieces": {}}`, `{"format": 1}`, `{"format": "galley.bundle/1"}`, "\xff\xfe{}", "{\n\"format\": \"galley.bundle/1\",\n\"pieces\": [\n\xc3",
		`{"format": "galley.bundle/1", "pieces": [null, 1, "x"]}`, `{"format": "galley.bundle/1", "pieces": [{"title": "Dup", "title": "Dup"}]}`,
	} {
		f.Add([]byte(s))
	}
	files := fuzzBundleFiles()
	f.Fuzz(func(t *testing.T, index []byte) {
		fsys := &watchedFS{MapFS: maps.Clone(files)}
		fsys.MapFS[bundle.IndexName] = &fstest.MapFile{Data: index}
		b, err := bundle.OpenFS(fsys, "fuzz")
		for _, name := range fsys.names {
			if !fs.ValidPath(name) || name == "." {
				t.Fatalf("the reader asked for %q, outside the bundle", name)
			}
		}
		if err != nil {
			if b != nil {
				t.Fatalf("OpenFS returned a bundle with the error %v", err)
			}
			checkIndexError(t, index, err)
			return
		}
		defer b.Close()
		slugs := map[string]bool{}
		for i := range b.Pieces {
			p := &b.Pieces[i]
			if err := p.Validate(); err != nil {
				t.Fatalf("piece %d %s was read but is invalid: %v", i+1, p.Name(), err)
			}
			self := p.Slug
			if self == "" {
				self = galley.Slugify(p.Title) // the library gives it a slug
			} else {
				if err := galley.CheckSlug(p.Slug); err != nil {
					t.Fatalf("piece %d was read with the slug %q: %v", i+1, p.Slug, err)
				}
				if slugs[p.Slug] {
					t.Fatalf("two pieces were read with the slug %q", p.Slug)
				}
				slugs[p.Slug] = true
			}
			for _, r := range p.Related {
				if r.Slug == self {
					t.Fatalf("piece %s was read related to itself", self)
				}
			}
			for _, ph := range p.Photos {
				file, ok := fsys.MapFS[ph.Source]
				if !fs.ValidPath(ph.Source) || !ok || !file.Mode.IsRegular() {
					t.Fatalf("piece %s has the photo %q, not a file of the bundle", p.Slug, ph.Source)
				}
				data, err := b.ReadImage(ph.Source)
				if err != nil || !bytes.Equal(data, file.Data) {
					t.Fatalf("ReadImage(%q) = %d bytes, %v; want the file's %d bytes", ph.Source, len(data), err, len(file.Data))
				}
			}
		}
	})
}

// checkIndexError checks that err is an invalid-input error with a clear
// message pointing into index.
func checkIndexError(t *testing.T, index []byte, err error) {
	t.Helper()
	msg := galley.ErrorMessage(err)
	if galley.ErrorCode(err) != galley.EInvalid || msg == "" || !utf8.ValidString(msg) || !strings.HasSuffix(msg, ".") {
		t.Fatalf("error %q (code %q): want an invalid-input error with a UTF-8 sentence", msg, galley.ErrorCode(err))
	}
	m := errorPlace.FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("error %q does not say where in pieces.json the problem is", msg)
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	lines := bytes.Split(index, []byte("\n"))
	if line < 1 || line > len(lines) || col < 1 || col > utf8.RuneCount(lines[line-1])+1 {
		t.Fatalf("error %q points at line %d, column %d; the file has %d lines", msg, line, col, len(lines))
	}
}

// TestErrorColumnCountsCharacters checks that the column in a pieces.json
// error counts characters, also when the file ends inside a multi-byte
// one (a crasher of FuzzBundleIndex: `"✓` was reported at column 4; the
// file is now refused at its first character for not being an object, so
// the case is `{"✓`).
func TestErrorColumnCountsCharacters(t *testing.T) {
	for _, c := range []struct {
		index, want string
	}{
		{`{"✓`, "line 1, column 3:"},
		{"{\"format\": \"galley.bundle/1\",\n\"pieces\": [{\"title\": \"北京", "line 2, column 24:"},
		{"{\"format\": \"galley.bundle/1\",\n\"pieces\": [{\"title\": \"Ünï ✓\" \"x\"}]}", "line 2, column 30:"},
		{"{\"format\": \"galley.bundle/1\", \"pieces\": [{\"title\": \"Café\", \"status\": \"nope\"}]}", "line 1, column 42:"},
	} {
		fsys := maps.Clone(fuzzBundleFiles())
		fsys[bundle.IndexName] = &fstest.MapFile{Data: []byte(c.index)}
		_, err := bundle.OpenFS(fsys, "b")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it at %s", c.index, err, c.want)
		}
	}
}
