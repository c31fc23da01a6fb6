package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// mustImport imports pieces, as drafts when they give no status (as a
// bundle's do), failing the test on an error.
func mustImport(t *testing.T, s *Store, opt ImportOptions, pieces ...galley.Piece) galley.ImportReport {
	t.Helper()
	for i := range pieces {
		if pieces[i].Status == "" {
			pieces[i].Status = galley.StatusDraft
		}
	}
	r, err := s.Import(ctx, pieces, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func bodyOf(t *testing.T, s *Store, slug string) string {
	t.Helper()
	p, err := s.PieceBySlug(ctx, slug)
	if err != nil {
		t.Fatalf("%s: %v", slug, err)
	}
	return p.Body
}

// TestImportsOfTitlesWithOneSlugKeepBothPieces imports, one after the
// other, two different pieces without slugs whose titles give the same
// slug. The second once reported "1 updated" and replaced the first.
func TestImportsOfTitlesWithOneSlugKeepBothPieces(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		for _, c := range []struct{ first, second, slug string }{
			{"🙂", "🎉", "piece"},
			{"Café", "Cafe", "cafe"},
		} {
			s := openTemp(t)
			var renamed []string
			opt := ImportOptions{Renamed: func(title, wanted, got string) { renamed = append(renamed, title+": "+wanted+" → "+got) }}
			r1 := mustImport(t, s, opt, galley.Piece{Title: c.first, Body: "the first piece"})
			r2 := mustImport(t, s, opt, galley.Piece{Title: c.second, Body: "the second piece"})
			if strings.Join(r1.Created, ",") != c.slug || strings.Join(r2.Created, ",") != c.slug+"-2" || len(r2.Updated)+len(r2.Unchanged) != 0 {
				t.Errorf("%s then %s: first import %+v, second %+v; want %s then %s-2 created", c.first, c.second, r1, r2, c.slug, c.slug)
			}
			if got := bodyOf(t, s, c.slug); got != "the first piece" {
				t.Errorf("%s now holds %q", c.slug, got)
			}
			if got := bodyOf(t, s, c.slug+"-2"); got != "the second piece" {
				t.Errorf("%s-2 holds %q", c.slug, got)
			}
			if want := c.second + ": " + c.slug + " → " + c.slug + "-2"; strings.Join(renamed, "; ") != want {
				t.Errorf("renamed %q, want %q", renamed, want)
			}
			// The same bundle again is the same pieces: nothing new.
			r3 := mustImport(t, s, opt, galley.Piece{Title: c.second, Body: "the second piece"})
			if strings.Join(r3.Unchanged, ",") != c.slug+"-2" || len(r3.Created) != 0 {
				t.Errorf("re-importing %s: %+v, want %s-2 unchanged", c.second, r3, c.slug)
			}
		}
	})
}

func TestImportOverwriteReplacesOnlyTheSamePiece(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		mine := &galley.Piece{Title: "Café", Body: "the library's text"}
		if err := s.SavePiece(ctx, mine); err != nil {
			t.Fatal(err)
		}
		old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		// Another piece whose title gives the same slug, older than the
		// library's: --overwrite must not make it replace "Café".
		r := mustImport(t, s, ImportOptions{Overwrite: true}, galley.Piece{Title: "Cafe", Body: "another piece", Updated: old})
		if strings.Join(r.Created, ",") != "cafe-2" || len(r.Updated) != 0 {
			t.Errorf("import --overwrite of another piece: %+v, want cafe-2 created", r)
		}
		if got := bodyOf(t, s, "cafe"); got != "the library's text" {
			t.Errorf("cafe was replaced: %q", got)
		}

		// The same piece (its slug given) is updated, refused when the
		// library's copy is newer, and replaced with --overwrite.
		older := galley.Piece{Slug: "cafe", Title: "Café", Status: galley.StatusDraft, Body: "an older copy", Updated: old}
		if _, err := s.Import(ctx, []galley.Piece{older}, nil, ImportOptions{}); galley.ErrorCode(err) != galley.EConflict {
			t.Errorf("importing an older copy of cafe = %v, want a conflict", err)
		}
		r = mustImport(t, s, ImportOptions{Overwrite: true}, older)
		if strings.Join(r.Updated, ",") != "cafe" || bodyOf(t, s, "cafe") != "an older copy" {
			t.Errorf("import --overwrite of cafe itself: %+v", r)
		}
	})
}

func TestImportGivesFreeSlugsWithinOneBatch(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		if err := s.SavePiece(ctx, &galley.Piece{Title: "Harbour", Body: "the library's harbour"}); err != nil {
			t.Fatal(err)
		}
		batch := []galley.Piece{
			{Title: "🙂", Body: "one", Related: []galley.PieceRef{{Slug: "cafe"}}},
			{Title: "🎉", Body: "two"},
			// From its title cafe, which a piece later in the batch gives
			// explicitly: it takes cafe-2 and leaves cafe to that piece.
			{Title: "Café", Body: "no slug of its own"},
			{Title: "Cafe Society", Slug: "cafe", Body: "slug given"},
			// harbour is the library's; this one is harbour-2, and the slug
			// from its title names it for the pieces of the batch.
			{Title: "Harbour", Body: "the bundle's harbour"},
			{Title: "Port", Body: "p", Related: []galley.PieceRef{{Slug: "piece"}, {Slug: "harbour"}, {Slug: "piece-2"}}},
		}
		r := mustImport(t, s, ImportOptions{}, batch...)
		if got := strings.Join(r.Created, " "); got != "piece piece-2 cafe-2 cafe harbour-2 port" {
			t.Errorf("created %s", got)
		}
		for slug, body := range map[string]string{"piece": "one", "piece-2": "two", "cafe-2": "no slug of its own", "cafe": "slug given", "harbour": "the library's harbour", "harbour-2": "the bundle's harbour"} {
			if got := bodyOf(t, s, slug); got != body {
				t.Errorf("%s holds %q, want %q", slug, got, body)
			}
		}
		port, _ := s.PieceBySlug(ctx, "port")
		var rel []string
		for _, r := range port.Related {
			rel = append(rel, r.Slug)
		}
		if strings.Join(rel, " ") != "piece harbour-2 piece-2" {
			t.Errorf("port is related to %v", rel)
		}
		smile, _ := s.PieceBySlug(ctx, "piece")
		if len(smile.Related) != 1 || smile.Related[0].Slug != "cafe" {
			t.Errorf("🙂 is related to %+v, want the piece that gives cafe", smile.Related)
		}

		// Importing the same batch again changes nothing and adds nothing.
		n, _ := s.CountPieces(ctx, galley.Filter{})
		r = mustImport(t, s, ImportOptions{}, batch...)
		if len(r.Unchanged) != len(batch) {
			t.Errorf("second import: %+v, want all unchanged", r)
		}
		if m, _ := s.CountPieces(ctx, galley.Filter{}); m != n {
			t.Errorf("%d pieces after the second import, %d before", m, n)
		}

		// Two pieces giving one slug explicitly are still an error.
		_, err := s.Import(ctx, []galley.Piece{{Title: "A", Slug: "same"}, {Title: "B", Slug: "same"}}, nil, ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), `slug "same"`) {
			t.Errorf("two explicit slugs alike = %v", err)
		}
	})
}

// seq is a stream of pieces ending with err when err is not nil.
func seq(err error, pieces ...galley.Piece) iter.Seq2[galley.Piece, error] {
	return func(yield func(galley.Piece, error) bool) {
		for _, p := range pieces {
			if !yield(p, nil) {
				return
			}
		}
		if err != nil {
			yield(galley.Piece{}, err)
		}
	}
}

func TestImportStreamIsAllOrNothing(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		if err := s.SavePiece(ctx, &galley.Piece{Title: "Bystander", Slug: "first", Body: "as it was"}); err != nil {
			t.Fatal(err)
		}
		broken := errors.New("pieces.json, line 9, column 3: malformed JSON")
		_, err := s.ImportStream(ctx, seq(broken, galley.Piece{Title: "First", Slug: "first", Body: "changed"}, galley.Piece{Title: "Second"}), nil, ImportOptions{})
		if !errors.Is(err, broken) {
			t.Fatalf("import of a stream that fails = %v", err)
		}
		if n, _ := s.CountPieces(ctx, galley.Filter{}); n != 1 || bodyOf(t, s, "first") != "as it was" {
			t.Errorf("the failed import left %d pieces, first = %q", n, bodyOf(t, s, "first"))
		}

		// A stream that does not announce its slugs: a later piece giving the
		// slug an earlier one got from its title is refused, not merged.
		_, err = s.ImportStream(ctx, seq(nil, galley.Piece{Title: "Cafe"}, galley.Piece{Title: "Café Society", Slug: "cafe"}), nil, ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), `"cafe"`) {
			t.Errorf("a late explicit slug taken from a title = %v", err)
		}
		if n, _ := s.CountPieces(ctx, galley.Filter{}); n != 1 {
			t.Errorf("%d pieces after the refused import", n)
		}
	})
}

// TestImportStartsARevisionOfItsOwn imports a changed copy of a piece
// minutes after an editor saved it: the editor's text stays in the
// history. The import was once folded into the editor's revision (saves
// within ten minutes gather), and that text was then nowhere.
func TestImportStartsARevisionOfItsOwn(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		s.Author = "ada"
		c := withClock(s, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		p := &galley.Piece{Title: "Draft", Slug: "draft", Body: "typed at the desk"}
		if err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		c.advance(2 * time.Minute)
		r := mustImport(t, s, ImportOptions{}, galley.Piece{Title: "Draft", Slug: "draft", Body: "from the bundle"})
		if strings.Join(r.Updated, ",") != "draft" {
			t.Fatalf("import: %+v", r)
		}
		revs, err := s.Revisions(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 2 || revs[0].Change != ChangeImport || revs[1].Change != "" {
			t.Errorf("revisions %+v, want the import's on top of the editor's save", revs)
		}
		var bodies []string
		for _, rev := range revs {
			old, err := s.RevisionPiece(ctx, p.ID, rev.Number)
			if err != nil {
				t.Fatal(err)
			}
			bodies = append(bodies, old.Body)
		}
		if strings.Join(bodies, " | ") != "from the bundle | typed at the desk" {
			t.Errorf("revisions hold %q, want the import's text and the editor's", bodies)
		}
	})
}

// reimportCase is one field of an imported piece changed on its own.
type reimportCase struct {
	name   string
	field  func(p *galley.Piece) reflect.Value // the field, in a piece
	change func(p *galley.Piece)               // changes it in the piece to import
}

// reimportCases finds by reflection every field a bundle carries: of the
// piece, of the first contributor on its byline and of its first photo.
// Only the fields named here as the library's own are left out, so a
// field added to galley.Piece, galley.Contributor or galley.Photo is
// changed by TestReimportNoticesAChangeToAnyField without anyone thinking
// of it.
func reimportCases(t *testing.T) []reimportCase {
	var cases []reimportCase
	part := func(list string, typ reflect.Type, skip ...string) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			if slices.Contains(skip, f.Name) {
				continue
			}
			field := func(p *galley.Piece) reflect.Value {
				return reflect.ValueOf(p).Elem().FieldByName(list).Index(0).Field(i)
			}
			c := reimportCase{name: list + "." + f.Name, field: field, change: func(p *galley.Piece) { changeValue(t, list+"."+f.Name, field(p)) }}
			if list == "Photos" && f.Name == "Image" {
				// The image is the bytes of the file the bundle names.
				c.change = func(p *galley.Piece) { p.Photos[0].Source = "other.jpg" }
			}
			cases = append(cases, c)
		}
	}
	typ := reflect.TypeFor[galley.Piece]()
	for i := range typ.NumField() {
		switch f := typ.Field(i); f.Name {
		case "ID", "Version", "Slug": // the library's own, and how the import finds the piece
		case "Contributors":
			part(f.Name, reflect.TypeFor[galley.Contributor](), "ID", "Pieces") // the library's row and count
		case "Photos":
			part(f.Name, reflect.TypeFor[galley.Photo](), "ID", "Data", "Source") // the library's row; the bytes are the Image case
		default:
			field := func(p *galley.Piece) reflect.Value { return reflect.ValueOf(p).Elem().Field(i) }
			cases = append(cases, reimportCase{name: f.Name, field: field, change: func(p *galley.Piece) { changeValue(t, f.Name, field(p)) }})
		}
	}
	return cases
}

// changeValue gives the field v another value, one a piece may have.
func changeValue(t *testing.T, name string, v reflect.Value) {
	switch x := v.Addr().Interface().(type) {
	case *galley.Status:
		*x = galley.StatusReady
	case *galley.Date:
		*x = galley.DateOf(x.Time().AddDate(0, 0, 1))
	case *time.Time:
		*x = x.Add(time.Hour) // for Updated, later: not a conflict
	case *[]galley.QA:
		*x = append(*x, galley.QA{Question: "And upstream?", Answer: "Less silt."})
	case *[]galley.PieceRef:
		*x = append(*x, galley.PieceRef{Slug: "elsewhere"})
	case *[]string:
		*x = append(*x, "Estuaries")
	case *string:
		if name == "Lang" { // a language tag, or the piece is refused
			*x = "cy"
			break
		}
		*x += " (changed)"
	case *bool:
		*x = !*x
	default:
		t.Fatalf("%s is a %s: teach changeValue how to change one", name, v.Type())
	}
}

// sameValue reports whether the stored field got holds what was imported.
func sameValue(got, want reflect.Value) bool {
	switch w := want.Interface().(type) {
	case time.Time:
		return w.Equal(got.Interface().(time.Time))
	case []galley.PieceRef: // stored with the pieces' IDs and titles
		g := got.Interface().([]galley.PieceRef)
		return len(g) == len(w) && !slices.ContainsFunc(w, func(r galley.PieceRef) bool {
			return !slices.ContainsFunc(g, func(s galley.PieceRef) bool { return s.Slug == r.Slug })
		})
	}
	return reflect.DeepEqual(got.Interface(), want.Interface())
}

// TestReimportNoticesAChangeToAnyField imports a piece, imports it again
// (unchanged), then imports a copy with one field changed: the import must
// report the piece updated and store the change. Every field a bundle
// carries is tried (reimportCases). A hand-written list of the fields to
// compare that missed one — a photo field added later, say — would call
// the changed piece unchanged and drop the change.
func TestReimportNoticesAChangeToAnyField(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		images := map[string][]byte{"lead.jpg": fixture.JPEG(48, 32, 1), "other.jpg": fixture.JPEG(48, 32, 2)}
		read := func(name string) ([]byte, error) {
			if data, ok := images[name]; ok {
				return data, nil
			}
			return nil, fs.ErrNotExist
		}
		importOne := func(p galley.Piece) galley.ImportReport {
			t.Helper()
			r, err := s.Import(ctx, []galley.Piece{p}, read, ImportOptions{})
			if err != nil {
				t.Fatalf("importing %s: %v", p.Slug, err)
			}
			return r
		}
		importOne(galley.Piece{Title: "Elsewhere", Slug: "elsewhere", Status: galley.StatusDraft})
		written := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		piece := func(slug string) galley.Piece {
			return galley.Piece{
				Title: "The Delta", Slug: slug, Type: "Report", Status: galley.StatusReview,
				Published: galley.Date{Year: 2026, Month: time.March, Day: 2},
				Summary:   "What the silt says.", Body: "The *delta* grows.", Lang: "en-GB",
				Formerly:     []string{"2019/04/the-delta/"},
				Contributors: []galley.Contributor{{Name: "Lena Oduya", Role: "hydrologist"}},
				Topics:       []string{"Rivers"},
				QA:           []galley.QA{{Question: "Why silt?", Answer: "The dams."}},
				Photos: []galley.Photo{{Source: "lead.jpg", Alt: "Silt fans in a grey sea", Caption: "The delta from the air.",
					Credit: "Survey Office", Lead: true, Photographer: "Ines Varga", Copyright: "© 2026 Survey Office",
					DateCreated: "2026-03-01", City: "Deltaville", Country: "Norland", Keywords: []string{"silt"}}},
				Created: written, Updated: written.Add(24 * time.Hour),
			}
		}
		otherHash := sha256.Sum256(images["other.jpg"])
		for i, c := range reimportCases(t) {
			slug := fmt.Sprintf("case-%d", i+1)
			if r := importOne(piece(slug)); strings.Join(r.Created, ",") != slug {
				t.Fatalf("%s: first import %+v", c.name, r)
			}
			if r := importOne(piece(slug)); strings.Join(r.Unchanged, ",") != slug {
				t.Errorf("%s: the same piece again is %+v, want unchanged", c.name, r)
				continue
			}
			changed := piece(slug)
			c.change(&changed)
			if c.name == "Source" {
				// Where a piece came from is which piece it is: another
				// source is another piece, placed beside this one, which
				// the import must not replace.
				if r := importOne(changed); strings.Join(r.Created, ",") != slug+"-2" {
					t.Errorf("Source changed: the import reports %+v, want %s-2 created", r, slug)
				}
				continue
			}
			if r := importOne(changed); strings.Join(r.Updated, ",") != slug {
				t.Errorf("%s changed: the import reports %+v, want %s updated", c.name, r, slug)
				continue
			}
			got, err := s.PieceBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			if c.name == "Photos.Image" {
				if got.Photos[0].Image.Hash != hex.EncodeToString(otherHash[:]) {
					t.Errorf("the photo's new bytes were not stored: %+v", got.Photos[0].Image)
				}
				continue
			}
			if g, w := c.field(got), c.field(&changed); !sameValue(g, w) {
				t.Errorf("%s changed to %v, but the library keeps %v", c.name, w, g)
			}
		}
	})
}
