package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

var ctx = context.Background()

// openServerTemp opens a fresh team library (contract_test.go, where
// PostgreSQL can be started).
var openServerTemp func(t *testing.T) *Store

// openTemp opens a new, empty library of the home under test (eachHome):
// a library file in a fresh temporary folder, or a team library in a
// fresh database.
// Tests of what only a file has (its header, its side files, SQLite's
// lock) open one with openFile instead.
func openTemp(t *testing.T) *Store {
	t.Helper()
	if homeOf(t) == "server" {
		if openServerTemp == nil {
			t.Skip("a team library needs PostgreSQL, started on Linux only")
		}
		return openServerTemp(t)
	}
	return openFile(t)
}

// eachHome runs a test of the store's behaviour on both homes a library
// can have, as subtests named file and server: one suite for both, as
// Gitea runs one against each database.
func eachHome(t *testing.T, test func(t *testing.T)) {
	for _, home := range []string{"file", "server"} {
		t.Run(home, test)
	}
}

// homeOf is the home of the eachHome subtest t belongs to: its name's
// second part.
func homeOf(t *testing.T) string {
	if parts := strings.Split(t.Name(), "/"); len(parts) > 1 && parts[1] == "server" {
		return "server"
	}
	return "file"
}

// openFile opens a new library file in a fresh temporary folder, whatever
// the home under test.
func openFile(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "library.galley"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fullPiece returns a piece with every field and part filled in.
func fullPiece(title string, seed int) *galley.Piece {
	return &galley.Piece{
		Title:     title,
		Type:      "Q&A",
		Status:    galley.StatusReview,
		Published: galley.Date{Year: 2018, Month: time.July, Day: 17},
		Summary:   "Our senior fellow looks at what the summit changed.",
		Body:      "Some *Markdown* body.\n\nWith two paragraphs.",
		Lang:      "fr-CA",
		Formerly:  []string{"2018/07/summit-notes/", "news/summit.html"},
		Source:    fmt.Sprintf("wordpress http://old.example %s %d", title, seed),
		Contributors: []galley.Contributor{
			{Name: "Ada Quill", Role: "senior fellow"},
			{Name: "Bram Oduya", Role: "former ambassador to Norland"},
		},
		Topics: []string{"Diplomacy", "Arms Control"},
		QA: []galley.QA{
			{Question: "What happened?", Answer: "A *meeting*, mostly."},
			{Question: "What next?", Answer: "More meetings."},
		},
		Photos: []galley.Photo{
			{Data: fixture.JPEG(64, 48, seed), Alt: "Two leaders shake hands", Caption: "Leaders meet on Monday.", Credit: "Pat Lens/Agency", Lead: true,
				Photographer: "Pat Lens", Copyright: "© 2018 Agency", DateCreated: "2018-07-16", City: "Ostholm", Country: "Norland",
				Keywords: []string{"summit", "handshake"}},
			{Data: fixture.PNG(32, 32, seed+1), Decorative: true, Caption: "A flourish.", Credit: "Galley"},
		},
	}
}

func TestOpenCreatesALibraryFromNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.galley")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != latestVersion() {
		t.Fatalf("schema version = %d, %v; want %d", v, err, latestVersion())
	}
	types, err := s.Types(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ty := range types {
		names = append(names, ty.Name)
	}
	if strings.Join(names, ",") != strings.Join(galley.DefaultTypes, ",") {
		t.Errorf("types = %v, want %v", names, galley.DefaultTypes)
	}
	s.Close()
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 || entries[0].Name() != "new.galley" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v after creating and closing a library, want only new.galley", names)
	}

	// The header marks the file as ours as soon as it is created.
	if _, err := probe(path); err != nil {
		t.Errorf("a new library does not pass its own probe: %v", err)
	}
	// Opening again applies nothing and keeps the data.
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if v, _ := s2.SchemaVersion(ctx); v != latestVersion() {
		t.Errorf("reopened schema version = %d", v)
	}
}

func TestAnEmptyFileBecomesANewLibrary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "touched.galley")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatalf("opening an empty file: %v", err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != latestVersion() {
		t.Errorf("schema version %d, %v; want %d", v, err, latestVersion())
	}
	if err := s.SavePiece(ctx, &galley.Piece{Title: "First"}); err != nil {
		t.Errorf("saving into the new library: %v", err)
	}
}

func TestOpenNeedsAnExistingFolder(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "no-such-folder", "lib.galley"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("Open in a missing folder = %v, want an error saying the folder does not exist", err)
	}
}

func TestPieceRoundTripsEveryField(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		other := &galley.Piece{Title: "Earlier Analysis"}
		if err := s.SavePiece(ctx, other); err != nil {
			t.Fatal(err)
		}
		p := fullPiece("After the Summit: A Conversation", 1)
		p.Related = []galley.PieceRef{{ID: other.ID}}
		s.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 123_000_000, time.UTC) }
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.Version != 1 || p.Slug != "after-the-summit-a-conversation" {
			t.Fatalf("after save: id %d version %d slug %q", p.ID, p.Version, p.Slug)
		}
		if p.Photos[0].Data != nil || p.Photos[0].Image.Hash == "" || p.Photos[0].Image.Width != 64 {
			t.Fatalf("saved photo not described: %+v", p.Photos[0].Image)
		}

		got, err := s.Piece(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkSamePiece(t, got, p)
		if !got.Created.Equal(s.Now()) || !got.Updated.Equal(s.Now()) {
			t.Errorf("times = %v / %v, want %v", got.Created, got.Updated, s.Now())
		}
		if got.Related[0].Title != "Earlier Analysis" || got.Related[0].Slug != "earlier-analysis" {
			t.Errorf("related = %+v", got.Related)
		}
		data, err := s.ImageData(ctx, got.Photos[1].Image.Hash)
		if err != nil || !bytes.Equal(data, fixture.PNG(32, 32, 2)) {
			t.Errorf("image bytes did not round-trip (err %v)", err)
		}
		bySlug, err := s.PieceBySlug(ctx, p.Slug)
		if err != nil || bySlug.ID != p.ID {
			t.Errorf("PieceBySlug = %v, %v", bySlug, err)
		}

		// Edit everything: order changes must stick too.
		got.Title = "Renamed"
		got.Contributors[0], got.Contributors[1] = got.Contributors[1], got.Contributors[0]
		got.Topics = []string{"Arms Control", "Europe", "Diplomacy"}
		got.QA = append([]galley.QA{{Question: "First now?", Answer: "Yes."}}, got.QA...)
		got.Photos[0].Lead, got.Photos[1].Lead = false, true
		got.Photos[0], got.Photos[1] = got.Photos[1], got.Photos[0]
		got.Status, got.Published = galley.StatusPublished, galley.Date{Year: 2019, Month: 1, Day: 2}
		keepIDs := []int64{got.Photos[0].ID, got.Photos[1].ID}
		if err := s.SavePiece(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, err := s.Piece(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkSamePiece(t, again, got)
		if again.Version != 2 || again.Slug != p.Slug {
			t.Errorf("version %d slug %q after edit; want 2 and the slug kept", again.Version, again.Slug)
		}
		if again.Photos[0].ID != keepIDs[0] || again.Photos[1].ID != keepIDs[1] {
			t.Errorf("photos lost their IDs on reorder: %d %d, want %v", again.Photos[0].ID, again.Photos[1].ID, keepIDs)
		}
	})
}

// checkSamePiece compares the whole stored piece with the one saved, field
// by field through reflection, so a field added to galley.Piece, Photo or
// Contributor is compared without anyone adding it here. What the library
// fills in on reading and a saved value lacks (a contributor's count of
// pieces, a related piece's slug and title) and the instants (which the
// callers check against the clock) are left out.
func checkSamePiece(t *testing.T, got, want *galley.Piece) {
	t.Helper()
	g, w := storedForm(got), storedForm(want)
	if reflect.DeepEqual(g, w) {
		return
	}
	gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
	for i := range gv.NumField() {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("%s differs:\n got %+v\nwant %+v", gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
}

// storedForm is a copy of p without what only one side of checkSamePiece
// holds.
func storedForm(p *galley.Piece) galley.Piece {
	c := *p
	c.Created, c.Updated = time.Time{}, time.Time{}
	c.Contributors = nil
	for _, person := range p.Contributors {
		person.Pieces = 0
		c.Contributors = append(c.Contributors, person)
	}
	c.Related = nil
	for _, r := range p.Related {
		c.Related = append(c.Related, galley.PieceRef{ID: r.ID})
	}
	return c
}

func TestSavingOverAStaleVersionIsAConflict(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "shared.galley")
	// Two stores on one file stand for two windows or two processes.
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	p := &galley.Piece{Title: "Shared Piece", Summary: "v1"}
	if err := a.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	mine, _ := a.Piece(ctx, p.ID)
	theirs, _ := b.Piece(ctx, p.ID)

	theirs.Summary = "their edit"
	if err := b.SavePiece(ctx, theirs); err != nil {
		t.Fatal(err)
	}
	mine.Summary = "my edit"
	before := *mine
	err = a.SavePiece(ctx, mine)
	if galley.ErrorCode(err) != galley.EConflict || !strings.Contains(err.Error(), "Shared Piece") {
		t.Fatalf("stale save = %v, want a conflict naming the piece", err)
	}
	if mine.Version != before.Version || mine.Summary != "my edit" {
		t.Errorf("a failed save changed the editor's copy: %+v", mine)
	}
	stored, _ := a.Piece(ctx, p.ID)
	if stored.Summary != "their edit" || stored.Version != 2 {
		t.Errorf("stored = %q v%d, want their edit at v2", stored.Summary, stored.Version)
	}

	// Saving a piece deleted elsewhere says so instead of resurrecting it.
	if _, err := b.DeletePiece(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	stored.Summary = "too late"
	if err := a.SavePiece(ctx, stored); galley.ErrorCode(err) != galley.ENotFound {
		t.Errorf("save of a deleted piece = %v, want not found", err)
	}
}

func TestSlugsAreDerivedUniqueAndChecked(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		a := &galley.Piece{Title: "Water Rights"}
		b := &galley.Piece{Title: "Water Rights"}
		for _, p := range []*galley.Piece{a, b} {
			if err := s.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if a.Slug != "water-rights" || b.Slug != "water-rights-2" {
			t.Errorf("slugs = %q, %q; want water-rights and water-rights-2", a.Slug, b.Slug)
		}
		c := &galley.Piece{Title: "Other", Slug: "water-rights"}
		err := s.SavePiece(ctx, c)
		if galley.ErrorCode(err) != galley.EConflict || !strings.Contains(err.Error(), "Water Rights") {
			t.Errorf("taken slug = %v, want a conflict naming the other piece", err)
		}
		if c.ID != 0 {
			t.Error("a refused save assigned an ID")
		}
	})
}

func TestImagesAreStoredOncePerContent(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		img := fixture.JPEG(40, 30, 7)
		p1 := &galley.Piece{Title: "One", Photos: []galley.Photo{{Data: img}}}
		p2 := &galley.Piece{Title: "Two", Photos: []galley.Photo{{Data: img}, {Data: img, Caption: "again"}}}
		for _, p := range []*galley.Piece{p1, p2} {
			if err := s.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, s, "SELECT count(*) FROM images"); n != 1 {
			t.Errorf("%d image rows for one distinct image, want 1", n)
		}
		if _, err := s.DeletePiece(ctx, p1.ID); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "SELECT count(*) FROM images"); n != 1 {
			t.Errorf("image dropped while another piece still uses it")
		}
		if _, err := s.DeletePiece(ctx, p2.ID); err != nil {
			t.Fatal(err)
		}
		// The trash (and the pieces' revisions) still show the image.
		if n := count(t, s, "SELECT count(*) FROM images"); n != 1 {
			t.Errorf("%d images while trashed pieces show one, want 1", n)
		}
		if _, err := s.EmptyTrash(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "SELECT count(*) FROM images"); n != 0 {
			t.Errorf("%d unused images kept after the trash was emptied", n)
		}
	})
}

func TestBadPhotosAreRefusedWholesale(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		jpg := fixture.JPEG(40, 30, 1)
		cases := map[string][]byte{
			"empty":          {},
			"text as jpeg":   []byte("this is not an image at all"),
			"truncated jpeg": jpg[:len(jpg)/2],
		}
		for name, data := range cases {
			p := &galley.Piece{Title: name, Photos: []galley.Photo{{Data: fixture.PNG(8, 8, 1)}, {Data: data, Source: name + ".jpg"}}}
			err := s.SavePiece(ctx, p)
			if galley.ErrorCode(err) != galley.EInvalid || !strings.Contains(err.Error(), name+".jpg") {
				t.Errorf("%s: save = %v, want an invalid error naming the file", name, err)
			}
		}
		if n := count(t, s, "SELECT count(*) FROM pieces") + count(t, s, "SELECT count(*) FROM images"); n != 0 {
			t.Errorf("refused saves left %d rows behind", n)
		}
	})
}

func TestDeleteTakesThePieceOutOfOtherRelatedLists(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		gone := &galley.Piece{Title: "To Be Deleted", Topics: []string{"Energy"}, Photos: []galley.Photo{{Data: fixture.PNG(8, 8, 3)}}}
		if err := s.SavePiece(ctx, gone); err != nil {
			t.Fatal(err)
		}
		keep := &galley.Piece{Title: "Keeper"}
		if err := s.SavePiece(ctx, keep); err != nil {
			t.Fatal(err)
		}
		lister := &galley.Piece{Title: "Lister", Related: []galley.PieceRef{{ID: keep.ID}, {ID: gone.ID}}}
		if err := s.SavePiece(ctx, lister); err != nil {
			t.Fatal(err)
		}
		affected, err := s.DeletePiece(ctx, gone.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(affected) != 1 || affected[0].Title != "Lister" {
			t.Errorf("affected = %+v, want Lister", affected)
		}
		got, _ := s.Piece(ctx, lister.ID)
		if len(got.Related) != 1 || got.Related[0].ID != keep.ID {
			t.Errorf("related after delete = %+v", got.Related)
		}
		if got.Version != lister.Version+1 {
			t.Errorf("the edited related list did not bump the version (%d)", got.Version)
		}
		if _, err := s.Piece(ctx, gone.ID); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("deleted piece still loads: %v", err)
		}
		if found, err := s.FindPieces(ctx, galley.Filter{Query: "deleted"}); err != nil || len(found) != 0 {
			t.Error("the deleted piece is still in the search index")
		}
		if _, err := s.DeletePiece(ctx, gone.ID); galley.ErrorCode(err) != galley.ENotFound {
			t.Errorf("deleting twice = %v, want not found", err)
		}
	})
}

func count(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.rdb.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// libraryWith returns the path of a closed library holding one piece.
func libraryWith(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lib.galley")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SavePiece(ctx, fullPiece("Kept Safe", 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenRefusesWhatIsNotAGalleyLibrary(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	// Another program's SQLite database, in rollback-journal mode.
	other := filepath.Join(dir, "other.sqlite")
	db, err := sql.Open("sqlite3", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello')"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	lib := libraryWith(t)
	whole, _ := os.ReadFile(lib)
	truncated := write("truncated.galley", whole[:len(whole)/2])
	corrupt := append([]byte(nil), whole...)
	for i := 4096 * 2; i < len(corrupt) && i < 4096*6; i++ {
		corrupt[i] = byte(i * 7)
	}
	damaged := write("damaged.galley", corrupt)

	newer := libraryWith(t)
	db, err = sql.Open("sqlite3", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	folder := filepath.Join(dir, "a-folder")
	os.Mkdir(folder, 0o755)

	cases := []struct {
		name, path, want string
	}{
		{"text file", write("notes.txt", []byte("Dear editor,\nthis is a letter.\n")), "not a Galley library"},
		{"other program's database", other, "another program"},
		{"truncated library", truncated, "truncated"},
		{"damaged library", damaged, "damaged"},
		{"newer library", newer, "newer Galley"},
		{"folder", folder, "is a folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := snapshot(t, c.path)
			s, err := Open(c.path, Options{QuickCheck: true})
			if err == nil {
				s.Close()
				t.Fatalf("Open(%s) succeeded", c.name)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
				t.Errorf("Open error = %q, want it to name the file and say %q", err, c.want)
			}
			if after := snapshot(t, c.path); after != before {
				t.Errorf("refusing the file changed the disk:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// snapshot describes a path and its SQLite side files byte for byte.
func snapshot(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		fi, err := os.Stat(path + suffix)
		if err != nil {
			b.WriteString(suffix + ":none ")
			continue
		}
		if fi.IsDir() {
			b.WriteString(suffix + ":dir ")
			continue
		}
		data, _ := os.ReadFile(path + suffix)
		fmt.Fprintf(&b, "%s:%d:%x ", suffix, len(data), sha256.Sum256(data))
	}
	return b.String()
}

// TestDamageSurfacesWithoutTheFullCheck opens a damaged library the quick
// way (header checks only): the damage must still come out as a clear
// error, on opening or on the first read, with the file left as it was.
func TestDamageSurfacesWithoutTheFullCheck(t *testing.T) {
	lib := libraryWith(t)
	data, _ := os.ReadFile(lib)
	for i := 4096; i < len(data); i++ {
		data[i] = byte(i*13 + 7)
	}
	if err := os.WriteFile(lib, data, 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, lib)
	s, err := Open(lib)
	if err == nil {
		err = s.EachPiece(ctx, func(*galley.Piece, ImageFunc) error { return nil })
		s.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("reading a damaged library = %v, want an error saying it is damaged", err)
	}
	if after := snapshot(t, lib); after != before {
		t.Errorf("the damaged library was changed:\nbefore %s\nafter  %s", before, after)
	}

	// The full check finds the damage too, on demand.
	lib2 := libraryWith(t)
	s2, err := Open(lib2)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.QuickCheck(ctx); err != nil {
		t.Errorf("a sound library fails the check: %v", err)
	}
}

func TestANewPhotoCanGoBeforeAKeptOne(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		p := &galley.Piece{Title: "One photo", Photos: []galley.Photo{{Data: fixture.JPEG(8, 8, 1), Caption: "first"}}}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		p.Photos = append([]galley.Photo{{Data: fixture.PNG(8, 8, 2), Caption: "new lead"}}, p.Photos...)
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatalf("adding a photo before the kept one: %v", err)
		}
		got, _ := s.Piece(ctx, p.ID)
		if len(got.Photos) != 2 || got.Photos[0].Caption != "new lead" || got.Photos[1].Caption != "first" {
			t.Errorf("photos in order: %+v", got.Photos)
		}
	})
}

func TestPhotoDetailsAreKeptAndSearchable(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		p := &galley.Piece{Title: "Delta", Photos: []galley.Photo{{Data: fixture.JPEG(20, 20, 5), Caption: "Silt.",
			Photographer: "Lena Oduya", Copyright: "© 2026 Survey Office", DateCreated: "2026-03-02", City: "Deltaville", Country: "Norland",
			Keywords: []string{"silt", "river mouth"}}}}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Piece(ctx, p.ID)
		ph := got.Photos[0]
		if ph.Photographer != "Lena Oduya" || ph.Copyright != "© 2026 Survey Office" || ph.DateCreated != "2026-03-02" ||
			ph.City != "Deltaville" || ph.Country != "Norland" || strings.Join(ph.Keywords, "|") != "silt|river mouth" {
			t.Errorf("photo details: %+v", ph)
		}
		if n, _ := s.CountPieces(ctx, galley.Filter{Query: "oduya"}); n != 1 {
			t.Error("the photographer is not searchable")
		}
		bad := &galley.Piece{Title: "Bad", Photos: []galley.Photo{{Data: fixture.JPEG(20, 20, 6), City: "Two\nLines"}}}
		if err := s.SavePiece(ctx, bad); err == nil || !strings.Contains(err.Error(), "city of photo 1") {
			t.Errorf("a two-line city: %v", err)
		}
	})
}
