// Package bench holds Galley's benchmarks at the sizes editors' archives
// reach. Run them with scripts/bench.sh (or `make bench`); the figures and
// the machine they came from are in docs/performance.md.
//
// Generated libraries are cached under bench/out so repeated runs skip
// generation. With -short the sizes shrink so the test suite can run every
// benchmark once quickly.
package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"app.galley/galley/bench/corpus"
	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/export"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

var ctx = context.Background()

// size picks the full size, or a small one under -short.
func size(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}

// cached returns the path of a generated artefact under bench/out, making it
// with make when it is missing.
func cached(b *testing.B, name string, make func(path string) error) string {
	b.Helper()
	dir, err := filepath.Abs("out")
	if err != nil {
		b.Fatal(err)
	}
	path, err := corpus.Cached(dir, name, make)
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkImportBundle imports a generated 10,000-piece bundle (one photo
// per piece) into a new library: read, check, store, index, in one
// transaction.
func BenchmarkImportBundle(b *testing.B) {
	n := size(10000, 200)
	dir := cached(b, fmt.Sprintf("bundle-%d-v1", n), func(p string) error { return corpus.WriteBundle(p, n, 1) })
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		lib := filepath.Join(b.TempDir(), "import.galley")
		st, err := store.Open(lib)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		bu, err := bundle.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		report, err := st.ImportStream(ctx, bu.All(), bu.ReadImage, store.ImportOptions{Slugs: bu.Slugs()})
		if err != nil {
			b.Fatal(err)
		}
		bu.Close()
		b.StopTimer()
		if len(report.Created) != n {
			b.Fatalf("created %d pieces, want %d", len(report.Created), n)
		}
		st.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/piece")
}

// generatedLibrary returns the path of the cached generated library of n
// pieces, making it when it is missing.
func generatedLibrary(b *testing.B, n int) string {
	dir, err := filepath.Abs("out")
	if err != nil {
		b.Fatal(err)
	}
	path, err := corpus.CachedLibrary(ctx, dir, n, store.LatestVersion())
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// workingCopy opens a copy of the generated library of n pieces, for
// benchmarks that write: the cached library stays as generated.
func workingCopy(b *testing.B, n int) *store.Store {
	data, err := os.ReadFile(generatedLibrary(b, n))
	if err != nil {
		b.Fatal(err)
	}
	work := filepath.Join(b.TempDir(), "work.galley")
	if err := os.WriteFile(work, data, 0o644); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(work)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// bigLibrary opens the generated 100,000-piece library.
func bigLibrary(b *testing.B) *store.Store {
	st, err := store.Open(generatedLibrary(b, size(100000, 2000)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// benchmarkSearch measures the query time of `galley list --query` with a
// result limit, as the desk's search field runs it on every keystroke.
func benchmarkSearch(b *testing.B, query string) {
	st := bigLibrary(b)
	f := galley.Filter{Query: query, Limit: 50}
	total, err := st.CountPieces(ctx, galley.Filter{Query: query})
	if err != nil {
		b.Fatal(err)
	}
	if total < 50 {
		b.Fatalf("%q matches only %d pieces; the benchmark needs a common query", query, total)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		list, err := st.FindPieces(ctx, f)
		if err != nil || len(list) != 50 {
			b.Fatalf("got %d results, %v", len(list), err)
		}
	}
	b.ReportMetric(float64(total), "matches")
}

// BenchmarkSearchCommonWord searches for a word found in a large share of
// the pieces.
func BenchmarkSearchCommonWord(b *testing.B) { benchmarkSearch(b, corpus.CommonWord) }

// BenchmarkSearchTwoPrefixes searches for two word prefixes, as typed.
func BenchmarkSearchTwoPrefixes(b *testing.B) { benchmarkSearch(b, "pol sec") }

// BenchmarkListNewest lists the newest page with no filter: the desk's
// first screen.
func BenchmarkListNewest(b *testing.B) {
	st := bigLibrary(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if list, err := st.FindPieces(ctx, galley.Filter{Limit: 50}); err != nil || len(list) != 50 {
			b.Fatal(len(list), err)
		}
	}
}

// BenchmarkSavePiece saves a piece with 50 Q&A pairs and 5 photos whose
// images are already in the library (as when an editor saves again), in a
// library of 10,000 pieces.
func BenchmarkSavePiece(b *testing.B) {
	st := workingCopy(b, size(10000, 500))

	g := corpus.New(99)
	p := g.Piece()
	p.Slug, p.Related = "", nil
	p.Photos = nil
	for i := range 50 {
		p.QA = append(p.QA, galley.QA{Question: fmt.Sprintf("Question %d?", i), Answer: g.Piece().Summary})
	}
	for i := range 5 {
		p.Photos = append(p.Photos, galley.Photo{Data: fixture.JPEG(64, 48, i), Caption: g.Piece().Title, Credit: "Agency", Lead: i == 0})
	}
	if err := st.SavePiece(ctx, &p); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.QA[i%50].Answer = fmt.Sprintf("Edited answer number %d.", i)
		if err := st.SavePiece(ctx, &p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReexportOnePiece exports the 10,000-piece library as a site
// once, then measures exporting it again after one piece was edited: the
// editor's everyday case. Only the files that piece touches are made again;
// the rest are linked from the previous export.
func BenchmarkReexportOnePiece(b *testing.B) {
	n := size(10000, 500)
	st := workingCopy(b, n)
	out := filepath.Join(b.TempDir(), "site")
	opt := export.Options{IncludeDrafts: true, ImageCache: filepath.Join(b.TempDir(), "cache")}
	siteExport := func() export.Report {
		snap, err := st.Snapshot(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer snap.Close()
		rep, err := export.Site(ctx, snap, out, opt)
		if err != nil {
			b.Fatal(err)
		}
		return rep
	}
	siteExport()
	list, _ := st.FindPieces(ctx, galley.Filter{Limit: 1, Offset: n / 2})
	p, err := st.Piece(ctx, list[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		p.Summary = fmt.Sprintf("Edited summary, round %d.", i)
		if err := st.SavePiece(ctx, p); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep := siteExport()
		if rep.Written == 0 || rep.Written > 50 {
			b.Fatalf("re-export wrote %d files", rep.Written)
		}
	}
}
