package export_test

import (
	"bytes"
	"image"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
	"app.galley/galley/internal/store"
)

// emptyLibrary opens a new library with nothing in it; saves are stamped
// a second apart, so every save is later than the one before.
func emptyLibrary(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "lib.galley"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	return st
}

func date(t *testing.T, s string) galley.Date {
	t.Helper()
	d, err := galley.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func save(t *testing.T, st *store.Store, p *galley.Piece) {
	t.Helper()
	if err := st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
}

// exportCounting exports st into out through a source that counts reads
// of original images (each is needed to resize), returning the report and
// that count.
func exportCounting(t *testing.T, st *store.Store, out string, opt export.Options) (export.Report, int) {
	t.Helper()
	snap, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	src := &countingSource{Source: snap}
	rep, err := export.Site(ctx, src, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep, src.reads
}

// imageFiles returns the image files of an export whose names start with
// the first 16 digits of hash.
func imageFiles(files map[string]string, hash string) []string {
	var names []string
	for p := range files {
		if strings.HasPrefix(p, "images/"+hash[:16]) {
			names = append(names, p)
		}
	}
	sort.Strings(names)
	return names
}

func readMeta(t *testing.T, name, data string) photo.Metadata {
	t.Helper()
	m, err := photo.ReadMetadata([]byte(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if _, _, err := image.Decode(strings.NewReader(data)); err != nil {
		t.Errorf("%s does not decode: %v", name, err)
	}
	return m
}

func TestPublishedPhotosCarryTheirWordsNotTheirGPS(t *testing.T) {
	st := emptyLibrary(t)
	camera := fixture.AddJPEGExif(fixture.JPEG(1000, 600, 11), fixture.Exif(false, fixture.GPSPosition))
	camera = fixture.AddJPEGXMP(camera, fixture.XMPPacket(`<rdf:Description rdf:about="" photoshop:Credit="Agency credit"/>`))
	if m, _ := photo.ReadMetadata(camera); !m.HasGPS {
		t.Fatal("fixture has no GPS")
	}
	p := &galley.Piece{Title: "Words", Status: galley.StatusPublished, Published: date(t, "2024-03-06"), Photos: []galley.Photo{
		{Data: camera, Lead: true,
			Caption: "Ministers meet in Łódź & talk “peace” <again>.", Credit: "Ann Lee/Agence", Photographer: "Ann Lee",
			Copyright: "© 2024 Agence", Alt: `Two ministers at a "round" table.`, City: "Łódź", Country: "Poland",
			DateCreated: "2024-03-05", Keywords: []string{"diplomacy", "Poland"}},
		{Data: fixture.JPEG(500, 400, 12), Caption: "A decorative rule.", Alt: "Not to travel", Decorative: true},
		{Data: fixture.PNG(300, 200, 13), Caption: "A chart.", Credit: "Galley graphics", Alt: "Bars rising."},
	}}
	save(t, st, p)
	if !p.Photos[0].Image.HasGPS {
		t.Fatal("the library does not know the photo has GPS")
	}
	want := []photo.Metadata{
		{Caption: "Ministers meet in Łódź & talk “peace” <again>.", Credit: "Ann Lee/Agence", Byline: "Ann Lee",
			AltText: `Two ministers at a "round" table.`, Copyright: "© 2024 Agence", City: "Łódź", Country: "Poland",
			DateCreated: "2024-03-05", Keywords: []string{"diplomacy", "Poland"}},
		{Caption: "A decorative rule."}, // no alt text: the photo is decorative
		{Caption: "A chart.", Credit: "Galley graphics", AltText: "Bars rising."},
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "site")
	rep := exportTo(t, st, out, export.Options{})
	files := tree(t, out)
	for i, ph := range p.Photos {
		names := imageFiles(files, ph.Image.Hash)
		if len(names) == 0 {
			t.Fatalf("photo %d has no files", i+1)
		}
		for _, name := range names {
			if got := readMeta(t, name, files[name]); !reflect.DeepEqual(got, want[i]) {
				t.Errorf("%s reads\n%+v\nwant\n%+v", name, got, want[i])
			}
			if strings.Contains(files[name], "Agency credit") || strings.Contains(files[name], "Exif") {
				t.Errorf("%s still carries the original's metadata", name)
			}
		}
	}
	imageCount := rep.Images

	// Keeping the original metadata: GPS and the agency's XMP stay, and
	// only the image files change.
	keep := export.Options{KeepPhotoMetadata: true}
	kept := filepath.Join(dir, "kept")
	exportTo(t, st, kept, keep)
	keptFiles := tree(t, kept)
	for i, ph := range p.Photos {
		for _, name := range imageFiles(keptFiles, ph.Image.Hash) {
			got := readMeta(t, name, keptFiles[name])
			switch i {
			case 0:
				if !got.HasGPS || got.Credit != "Agency credit" || got.Caption != "" {
					t.Errorf("%s with the original metadata reads %+v", name, got)
				}
				if o := photo.Orientation([]byte(keptFiles[name])); o != 1 {
					t.Errorf("%s: orientation %d", name, o)
				}
			default: // a JPEG without metadata, and a PNG: nothing to keep
				if !reflect.DeepEqual(got, photo.Metadata{}) {
					t.Errorf("%s reads %+v, want nothing", name, got)
				}
			}
		}
	}
	again := exportTo(t, st, out, keep)
	if again.Written != imageCount || again.Unchanged != len(files)-imageCount {
		t.Errorf("switching to the original metadata = %+v; want the %d image files written, nothing else", again, imageCount)
	}
	if after := tree(t, out); !reflect.DeepEqual(after, keptFiles) {
		t.Error("the switched export differs from a fresh one with the same options")
	}
	back := exportTo(t, st, out, export.Options{})
	if back.Written != imageCount {
		t.Errorf("switching back = %+v; want the %d image files written", back, imageCount)
	}
	if after := tree(t, out); !reflect.DeepEqual(after, files) {
		t.Error("switching back did not give the first export again")
	}
}

func TestEditingACaptionRewritesOnlyItsPhotosWithoutResizing(t *testing.T) {
	st := emptyLibrary(t)
	a := &galley.Piece{Title: "Alpha", Status: galley.StatusPublished, Published: date(t, "2024-01-01"), Body: "Alpha.",
		Photos: []galley.Photo{{Data: fixture.JPEG(1000, 700, 31), Caption: "Old caption.", Credit: "Pat", Alt: "A lake.", Lead: true}}}
	b := &galley.Piece{Title: "Beta", Status: galley.StatusPublished, Published: date(t, "2024-01-02"),
		Photos: []galley.Photo{{Data: fixture.JPEG(900, 600, 32), Caption: "Beta's photo.", Credit: "Sam", Alt: "A hill.", Lead: true}}}
	save(t, st, a)
	save(t, st, b)
	dir := t.TempDir()
	out := filepath.Join(dir, "site")
	opt := export.Options{ImageCache: filepath.Join(dir, "cache")}
	first, reads := exportCounting(t, st, out, opt)
	if reads != 2 {
		t.Fatalf("first export read %d originals, want 2", reads)
	}
	before := tree(t, out)
	aFiles := imageFiles(before, a.Photos[0].Image.Hash)
	bFiles := imageFiles(before, b.Photos[0].Image.Hash)
	if len(aFiles) != 3 || len(bFiles) != 2 {
		t.Fatalf("files %v and %v", aFiles, bFiles)
	}

	// Only the caption changes: Alpha's page and its photo's files are
	// rewritten (and the pages showing its card); nothing is resized.
	a.Photos[0].Caption = "New caption."
	save(t, st, a)
	rep, reads := exportCounting(t, st, out, opt)
	if reads != 0 {
		t.Errorf("a caption edit read %d originals: photos were resized again", reads)
	}
	after := tree(t, out)
	var changedImages []string
	for p, data := range after {
		if strings.HasPrefix(p, "images/") && before[p] != data {
			changedImages = append(changedImages, p)
		}
	}
	sort.Strings(changedImages)
	if !reflect.DeepEqual(changedImages, aFiles) {
		t.Errorf("image files changed by a caption edit: %v, want %v", changedImages, aFiles)
	}
	for _, name := range aFiles {
		if got := readMeta(t, name, after[name]); got.Caption != "New caption." || got.Credit != "Pat" {
			t.Errorf("%s reads %+v", name, got)
		}
	}
	changed := 0
	for p, data := range after {
		if before[p] != data {
			changed++
		}
	}
	if rep.Written != changed || rep.Unchanged != first.Written-changed {
		t.Errorf("report %+v; %d files changed", rep, changed)
	}

	// An edit that leaves the words alone keeps the files as they were.
	a.Body = "Alpha, rewritten."
	save(t, st, a)
	before = after
	if _, reads := exportCounting(t, st, out, opt); reads != 0 {
		t.Errorf("a body edit read %d originals", reads)
	}
	after = tree(t, out)
	for _, name := range append(aFiles, bFiles...) {
		if after[name] != before[name] {
			t.Errorf("%s changed though its words did not", name)
		}
	}

	// The incremental export is what a fresh one makes, from a fresh cache.
	fresh := filepath.Join(dir, "fresh")
	exportCounting(t, st, fresh, export.Options{ImageCache: filepath.Join(dir, "other-cache")})
	if f := tree(t, fresh); !reflect.DeepEqual(f, after) {
		for p := range f {
			if f[p] != after[p] {
				t.Errorf("%s differs between the incremental and a fresh export", p)
			}
		}
	}
}

func TestASharedImageCarriesItsFirstUsesWords(t *testing.T) {
	st := emptyLibrary(t)
	shared := fixture.JPEG(700, 500, 41)
	older := &galley.Piece{Title: "Older", Status: galley.StatusPublished, Published: date(t, "2020-05-01"),
		Photos: []galley.Photo{{Data: shared, Caption: "The first caption.", Credit: "Archive", Alt: "A bridge.", Lead: true}}}
	save(t, st, older)
	newer := &galley.Piece{Title: "Newer", Status: galley.StatusPublished, Published: date(t, "2024-05-01"),
		Photos: []galley.Photo{{Data: shared, Caption: "A later caption.", Credit: "Archive", Alt: "The bridge.", Lead: true}}}
	save(t, st, newer)
	hash := older.Photos[0].Image.Hash
	out := filepath.Join(t.TempDir(), "site")
	exportTo(t, st, out, export.Options{})
	files := tree(t, out)
	names := imageFiles(files, hash)
	if len(names) != 2 {
		t.Fatalf("files %v", names)
	}
	caption := func(files map[string]string) string {
		c := readMeta(t, names[0], files[names[0]]).Caption
		for _, n := range names[1:] {
			if got := readMeta(t, n, files[n]).Caption; got != c {
				t.Errorf("%s says %q, %s says %q", names[0], c, n, got)
			}
		}
		return c
	}
	if c := caption(files); c != "The first caption." {
		t.Errorf("shared files say %q, want the first use's caption", c)
	}
	for _, page := range []string{"pieces/older.html", "pieces/newer.html"} {
		if !strings.Contains(files[page], names[0]) {
			t.Errorf("%s does not show %s", page, names[0])
		}
	}
	if !strings.Contains(files["pieces/newer.html"], "A later caption.") {
		t.Error("the later use's page lost its own caption")
	}

	newer.Photos[0].Caption = "Another later caption."
	save(t, st, newer)
	exportTo(t, st, out, export.Options{})
	if after := tree(t, out); after[names[0]] != files[names[0]] || after[names[1]] != files[names[1]] {
		t.Error("editing a later use rewrote the shared files")
	}

	older.Photos[0].Caption = "The first caption, corrected."
	save(t, st, older)
	exportTo(t, st, out, export.Options{})
	if c := caption(tree(t, out)); c != "The first caption, corrected." {
		t.Errorf("after editing the first use, shared files say %q", c)
	}

	// Exporting the later piece alone, it is the first use there.
	alone := filepath.Join(t.TempDir(), "alone")
	exportTo(t, st, alone, export.Options{Pieces: []string{newer.Slug}})
	if c := caption(tree(t, alone)); c != "Another later caption." {
		t.Errorf("exported alone, the later piece's files say %q", c)
	}
	if !bytes.Contains([]byte(files[names[0]]), []byte("Archive")) {
		t.Error("the credit is not in the file")
	}
}
