package ui

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"app.galley/galley/bench/corpus"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// largeLibraryPath is the generated library of 100,000 pieces the desk's
// benchmarks open (2,000 under -short), shared with bench/ and cached in
// bench/out.
func largeLibraryPath(b *testing.B) string {
	n := 100000
	if testing.Short() {
		n = 2000
	}
	dir, err := filepath.Abs(filepath.Join("..", "bench", "out"))
	if err != nil {
		b.Fatal(err)
	}
	path, err := corpus.CachedLibrary(context.Background(), dir, n, store.LatestVersion())
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// benchDesk opens the library at path on a desk in a window of the usual
// size, once the library is on it; both close when the benchmark ends.
func benchDesk(b *testing.B, path string) *Desk {
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	d := queuedNewDesk(b, test.NewTempApp(b), st)
	opened(b, d)
	d.Window().Resize(fyne.NewSize(1280, 800))
	return d
}

// benchmarkOpen measures what an editor waits for at launch, in two
// steps: "first-frame" is the library opened, the desk built and its
// first frame drawn (the desk reads the library in the background, held
// back here until the frame is drawn so the two do not overlap); "ready"
// is the library opened, read and listed, its newest piece on the desk
// and that frame drawn.
func benchmarkOpen(b *testing.B, path string) {
	a := test.NewTempApp(b)
	// open opens the library on a new desk, through wrap when given.
	open := func(b *testing.B, wrap func(Library) Library) (*Desk, *store.Store) {
		st, err := store.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		var lib Library = st
		if wrap != nil {
			lib = wrap(st)
		}
		d := queuedNewDesk(b, a, lib)
		d.Window().Resize(fyne.NewSize(1280, 800))
		return d, st
	}
	closeDesk := func(d *Desk, st *store.Store) {
		// As quitting does: the desk's background work (a spelling
		// check that started as the piece opened) ends before the
		// library is closed under it.
		if !d.jobs.wait(10 * time.Second) {
			b.Fatal("the desk's background work did not end")
		}
		d.Window().Close()
		st.Close()
		// A launch starts in a fresh process: the garbage of the desk
		// just closed is not collected on the next one's time.
		runtime.GC()
	}
	b.Run("first-frame", func(b *testing.B) {
		release := make(chan struct{})
		for range b.N {
			d, st := open(b, func(lib Library) Library { return holdFirstLook(lib, release) })
			d.Window().Canvas().Capture()
			b.StopTimer()
			release <- struct{}{}
			opened(b, d)
			closeDesk(d, st)
			b.StartTimer()
		}
	})
	b.Run("ready", func(b *testing.B) {
		for range b.N {
			d, st := open(b, nil)
			opened(b, d)
			d.Window().Canvas().Capture()
			b.StopTimer()
			closeDesk(d, st)
			b.StartTimer()
		}
	})
}

// BenchmarkDeskOpenEmpty opens a new, empty library.
func BenchmarkDeskOpenEmpty(b *testing.B) {
	path := filepath.Join(b.TempDir(), "empty.galley")
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	st.Close()
	benchmarkOpen(b, path)
}

// BenchmarkDeskOpenScreenful opens a library of 20 generated pieces: once
// ready, the same frame as the large library's (a full list, the newest
// piece on the desk) with nothing beyond it.
func BenchmarkDeskOpenScreenful(b *testing.B) {
	path := filepath.Join(b.TempDir(), "screenful.galley")
	if err := corpus.WriteLibrary(context.Background(), path, 20, 1); err != nil {
		b.Fatal(err)
	}
	benchmarkOpen(b, path)
}

// BenchmarkDeskOpenLarge opens the 100,000-piece library; the goal is a
// first frame within 20% of an empty library's.
func BenchmarkDeskOpenLarge(b *testing.B) { benchmarkOpen(b, largeLibraryPath(b)) }

// BenchmarkDeskSearchKeystroke measures one keystroke in the search field
// on the 100,000-piece library: the search runs, the count is updated and
// the first page of results is fetched for the list (goal: under 50 ms).
func BenchmarkDeskSearchKeystroke(b *testing.B) {
	d := benchDesk(b, largeLibraryPath(b))
	// An editor typing "policy water", keystroke by keystroke.
	var typed []string
	for _, text := range []string{corpus.CommonWord + " water", "ceasefire talks"} {
		for i := 1; i <= len(text); i++ {
			typed = append(typed, text[:i])
		}
	}
	b.ResetTimer()
	for i := range b.N {
		d.shelf.search.SetText(typed[i%len(typed)])
		if d.shelf.pages.Len() > 0 {
			if _, err := d.shelf.pages.Item(0); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDeskScroll measures scrolling the whole list's length in jumps
// of a screenful, as dragging the scroll bar does.
func BenchmarkDeskScroll(b *testing.B) {
	d := benchDesk(b, largeLibraryPath(b))
	n := d.shelf.pages.Len()
	b.ResetTimer()
	for i := range b.N {
		row := (i * 997) % n
		d.shelf.list.ScrollTo(row)
		if _, err := d.shelf.pages.Item(row); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeskFilter measures choosing a status in the filter on the
// 100,000-piece library: the exact count of that status and the first page
// of rows (a filter is not capped as a search is: every piece it holds can
// be scrolled to).
func BenchmarkDeskFilter(b *testing.B) {
	d := benchDesk(b, largeLibraryPath(b))
	b.ResetTimer()
	for i := range b.N {
		d.shelf.status.SetSelected(statusLabel(galley.Statuses[i%len(galley.Statuses)]))
		if _, err := d.shelf.pages.Item(0); err != nil {
			b.Fatal(err)
		}
	}
}

// benchmarkMemory opens the desk on the library at path, scrolls the list
// from top to bottom a screenful at a time and back, opens a few pieces,
// and reports the process's resident memory afterwards (MB-rss). Run it
// alone in its process (scripts/bench.sh does) so the figure is the
// desk's own.
func benchmarkMemory(b *testing.B, path string) {
	d := benchDesk(b, path)
	b.ResetTimer()
	for range b.N {
		n := d.shelf.pages.Len()
		for row := 0; row < n; row += max(1, n/200) {
			d.shelf.list.ScrollTo(row)
			d.shelf.pages.Item(row)
		}
		d.shelf.list.ScrollToTop()
		for i := range min(n, 5) {
			d.shelf.list.Select(i * 7 % n)
		}
		d.Window().Canvas().Capture()
	}
	b.StopTimer()
	runtime.GC()
	debug.FreeOSMemory()
	b.ReportMetric(residentMB(b), "MB-rss")
}

// residentMB reads the process's resident set size from /proc.
func residentMB(b *testing.B) float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status here")
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f", &kb)
			return kb / 1024
		}
	}
	b.Skip("no VmRSS in /proc/self/status")
	return 0
}

// BenchmarkDeskMemoryEmpty is the resident memory of the desk on an empty
// library.
func BenchmarkDeskMemoryEmpty(b *testing.B) {
	path := filepath.Join(b.TempDir(), "empty.galley")
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	st.Close()
	benchmarkMemory(b, path)
}

// BenchmarkDeskMemoryLarge is the resident memory of the desk on the
// 100,000-piece library after scrolling all of it; the goal is within
// 50 MB of BenchmarkDeskMemoryEmpty.
func BenchmarkDeskMemoryLarge(b *testing.B) { benchmarkMemory(b, largeLibraryPath(b)) }

// BenchmarkQATabFiftyPairs opens a piece with 50 Q&A pairs on its Q&A tab
// (builds and lays out every pair) and scrolls through it a step at a
// time (lays the view out again). Painting is left out: the desktop
// driver paints cached text textures on the GPU, which the test driver's
// software painter would only misrepresent.
func BenchmarkQATabFiftyPairs(b *testing.B) {
	p := &galley.Piece{Title: "Long Interview"}
	for i := range 50 {
		p.QA = append(p.QA, galley.QA{
			Question: fmt.Sprintf("Question %d, asked at some length so that it wraps onto a second line in the editor?", i+1),
			Answer:   strings.Repeat(fmt.Sprintf("Answer %d goes on for a while, as answers do. ", i+1), 8),
		})
	}
	path := filepath.Join(b.TempDir(), "long.galley")
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.SavePiece(context.Background(), p); err != nil {
		b.Fatal(err)
	}
	d := queuedNewDesk(b, test.NewTempApp(b), st)
	opened(b, d)
	d.Window().Resize(fyne.NewSize(1280, 800))
	e := d.editor
	b.Run("open", func(b *testing.B) {
		for range b.N {
			e.stale[e.qa] = true
			e.selectTab(e.story.content)
			e.selectTab(e.qa.content)
		}
	})
	b.Run("scroll-step", func(b *testing.B) {
		e.selectTab(e.qa.content)
		height := int(e.qa.scroll.Content.MinSize().Height)
		for i := range b.N {
			e.qa.scroll.ScrollToOffset(fyne.NewPos(0, float32(120*i%height)))
		}
	})
}

// BenchmarkPhotoLibrary opens the photo library on 2,000 distinct photos
// (200 under -short) and scrolls it a screenful at a time, thumbnails kept
// in the library after the first pass: the open (count and the first
// page) and one scroll step (a page of rows and their thumbnails read and
// decoded).
func BenchmarkPhotoLibrary(b *testing.B) {
	n := 2000
	if testing.Short() {
		n = 200
	}
	st, err := store.Open(filepath.Join(b.TempDir(), "photos.galley"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for i := 0; i < n; i += 10 {
		p := &galley.Piece{Title: fmt.Sprintf("Piece %d", i)}
		for j := range 10 {
			// The fixture's pixels repeat every 256 seeds; the width keeps
			// every image distinct.
			k := i + j
			p.Photos = append(p.Photos, galley.Photo{Data: fixture.JPEG(320+k/256, 240, k), Caption: fmt.Sprintf("Photo %d of the river.", k)})
		}
		if err := st.SavePiece(context.Background(), p); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < n; i += libraryPage {
		list, _ := st.PhotoLibrary(context.Background(), "", libraryPage, i)
		for _, lp := range list {
			st.Thumbnail(context.Background(), lp.Photo.Image.Hash) // made once, kept
		}
	}
	d := queuedNewDesk(b, test.NewTempApp(b), st)
	opened(b, d)
	// The thumbnails read while the benchmark works the window reach it
	// only when the benchmark runs the desk's queue, as the desktop driver
	// runs them in turn on its one goroutine.
	b.Run("open", func(b *testing.B) {
		for range b.N {
			w := d.showPhotoLibrary()
			w.item(0)
			w.win.Close()
			b.StopTimer()
			settled(d) // they find the window closed
			b.StartTimer()
		}
	})
	w := d.showPhotoLibrary()
	defer func() {
		w.win.Close()
		settled(d)
	}()
	w.win.Resize(fyne.NewSize(980, 700))
	if w.total != n {
		b.Fatalf("the library lists %d photos, want %d", w.total, n)
	}
	b.Run("scroll-step", func(b *testing.B) {
		for i := range b.N {
			first := (i * 20) % n
			for k := first; k < min(first+20, n); k++ { // a screenful of cells
				lp, _ := w.item(k)
				data, err := st.Thumbnail(context.Background(), lp.Photo.Image.Hash)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
