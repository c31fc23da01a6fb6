//go:build linux

package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"app.galley/galley/bench/corpus"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/pgtest"
	"app.galley/galley/internal/store"
)

// The team library's benchmarks run side by side with the library file's:
// the same generated library, copied into a throwaway PostgreSQL server
// on a unix socket with PostgreSQL's own settings (internal/pgtest's
// AsShipped: every commit written to disk), and measured in the same run.

var (
	serverOnce sync.Once
	server     *pgtest.Server
	serverErr  error

	teamMu     sync.Mutex
	teamCopies = map[string]string{} // purpose and size → team library address
)

func TestMain(m *testing.M) {
	code := m.Run()
	if server != nil {
		if err := server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop the benchmark PostgreSQL server:", err)
		}
	}
	os.Exit(code)
}

// teamServer is the benchmarks' PostgreSQL server, started on first use.
func teamServer(b testing.TB) *pgtest.Server {
	serverOnce.Do(func() { server, serverErr = pgtest.StartMain(pgtest.AsShipped()) })
	if serverErr != nil {
		b.Fatal(serverErr)
	}
	return server
}

// teamLibrary returns the address of a team library holding the generated
// library of n pieces, copied once per run (galley copy's own CopyInto)
// for each purpose: the benchmarks that write have a copy of their own, so
// that the searches find what the file's find.
func teamLibrary(b *testing.B, purpose string, n int) string {
	teamMu.Lock()
	defer teamMu.Unlock()
	key := fmt.Sprintf("%s_%d", purpose, n)
	if address, ok := teamCopies[key]; ok {
		return address
	}
	srv := teamServer(b)
	if err := srv.CreateDatabase(key); err != nil {
		b.Fatal(err)
	}
	address := srv.URL(key)
	from, err := store.Open(generatedLibrary(b, n))
	if err != nil {
		b.Fatal(err)
	}
	defer from.Close()
	to, err := store.Open(address)
	if err != nil {
		b.Fatal(err)
	}
	defer to.Close()
	start := time.Now()
	if err := from.CopyInto(ctx, to); err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "bench: copied %d pieces into a team library in %v\n", n, time.Since(start).Round(time.Millisecond))
	teamCopies[key] = address
	return address
}

func openStore(b *testing.B, library string) *store.Store {
	st, err := store.Open(library)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkTeamSearch runs the desk's search (50 results) for a common
// word and for two prefixes on the 100,000-piece library, as a file and as
// a team library.
func BenchmarkTeamSearch(b *testing.B) {
	n := size(100000, 2000)
	for _, q := range []struct{ name, query string }{{"common-word", corpus.CommonWord}, {"two-prefixes", "pol sec"}} {
		b.Run(q.name+"/file", func(b *testing.B) { searchOn(b, openStore(b, generatedLibrary(b, n)), q.query) })
		b.Run(q.name+"/server", func(b *testing.B) { searchOn(b, openStore(b, teamLibrary(b, "read", n)), q.query) })
	}
}

func searchOn(b *testing.B, st *store.Store, query string) {
	f := galley.Filter{Query: query, Limit: 50}
	total, err := st.CountPieces(ctx, galley.Filter{Query: query})
	if err != nil || total < 50 {
		b.Fatalf("%q matches %d pieces (%v); the benchmark needs a common query", query, total, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if list, err := st.FindPieces(ctx, f); err != nil || len(list) != 50 {
			b.Fatalf("got %d results, %v", len(list), err)
		}
	}
	b.ReportMetric(float64(total), "matches")
}

// bigPiece is the 50-pair, 5-photo piece of the save benchmarks.
func bigPiece() galley.Piece {
	g := corpus.New(99)
	p := g.Piece()
	p.Slug, p.Related, p.Photos = "", nil, nil
	for i := range 50 {
		p.QA = append(p.QA, galley.QA{Question: fmt.Sprintf("Question %d?", i), Answer: g.Piece().Summary})
	}
	for i := range 5 {
		p.Photos = append(p.Photos, galley.Photo{Data: fixture.JPEG(64, 48, i), Caption: g.Piece().Title, Credit: "Agency", Lead: i == 0})
	}
	return p
}

// BenchmarkTeamSavePiece saves the 50-pair, 5-photo piece again after an
// edit (its images already stored), in the 100,000-piece library, as a
// file and as a team library: as shipped, each commit on disk before the
// save returns, and with synchronous_commit off for the session — the
// library file's own bargain (SQLite's WAL with synchronous=NORMAL: a
// crash of the machine may lose the last moment of saves, never the
// library's consistency).
func BenchmarkTeamSavePiece(b *testing.B) {
	n := size(100000, 2000)
	for _, home := range []string{"file", "server", "server-unsynced"} {
		b.Run(home, func(b *testing.B) {
			var st *store.Store
			switch home {
			case "file":
				st = workingCopy(b, n)
			case "server":
				st = openStore(b, teamLibrary(b, "write", n))
			default:
				st = openStore(b, teamLibrary(b, "write", n)+"&synchronous_commit=off")
			}
			p := bigPiece()
			if err := st.SavePiece(ctx, &p); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				p.QA[i%50].Answer = fmt.Sprintf("Edited answer number %d.", i)
				i++
				if err := st.SavePiece(ctx, &p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTeamNotify measures how long after a save begins another desk
// hears of it: one store saves a piece, another watches the library
// (LISTEN/NOTIFY), in the 100,000-piece team library.
func BenchmarkTeamNotify(b *testing.B) {
	address := teamLibrary(b, "write", size(100000, 2000))
	writer, desk := openStore(b, address), openStore(b, address)
	p := galley.Piece{Title: "Watched Piece"}
	if err := writer.SavePiece(ctx, &p); err != nil {
		b.Fatal(err)
	}
	heard := make(chan store.Change, 16)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go desk.Watch(wctx, func(c store.Change) {
		if !c.Presence && !c.Lost {
			heard <- c
		}
	})
	time.Sleep(500 * time.Millisecond) // listening
	var worst time.Duration
	b.ResetTimer()
	i := 0
	for b.Loop() {
		p.Summary = fmt.Sprintf("Edit %d.", i)
		i++
		start := time.Now()
		if err := writer.SavePiece(ctx, &p); err != nil {
			b.Fatal(err)
		}
		select {
		case <-heard:
		case <-time.After(5 * time.Second):
			b.Fatal("the watching desk heard nothing within 5 s")
		}
		worst = max(worst, time.Since(start))
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}

const envSaver = "GALLEY_BENCH_SAVER"

// TestSaverChild is the body of one of BenchmarkTeamEightDesks' saving
// programs: it saves piece $GALLEY_BENCH_PIECE of $GALLEY_BENCH_LIB over
// and over for $GALLEY_BENCH_FOR, as a desk that reads the piece, edits
// an answer and saves it, and prints each save ("saved N text") and each
// refusal ("conflict", or "error …"). Without GALLEY_BENCH_SAVER it skips.
func TestSaverChild(t *testing.T) {
	if os.Getenv(envSaver) == "" {
		t.Skip("the body of a saving program started by BenchmarkTeamEightDesks")
	}
	st, err := store.Open(os.Getenv("GALLEY_BENCH_LIB"))
	if err != nil {
		fmt.Println("error", err)
		return
	}
	defer st.Close()
	id, _ := strconv.ParseInt(os.Getenv("GALLEY_BENCH_PIECE"), 10, 64)
	d, _ := time.ParseDuration(os.Getenv("GALLEY_BENCH_FOR"))
	label := os.Getenv(envSaver)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for i, end := 0, time.Now().Add(d); time.Now().Before(end); i++ {
		p, err := st.Piece(ctx, id)
		if err != nil {
			fmt.Fprintln(out, "error", err)
			continue
		}
		text := fmt.Sprintf("%s edit %d", label, i)
		p.QA[i%len(p.QA)].Answer = text
		p.Summary = text
		// A desk's edit takes a moment; without it every program would
		// race for the piece in lockstep.
		time.Sleep(time.Millisecond)
		switch err := st.SavePiece(ctx, p); galley.ErrorCode(err) {
		case "":
			fmt.Fprintln(out, "saved", p.Version, text)
		case galley.EConflict:
			fmt.Fprintln(out, "conflict")
		default:
			fmt.Fprintln(out, "error", err)
		}
	}
}

// BenchmarkTeamEightDesks runs 8 real processes saving at once for a
// minute (two seconds under -short), on a library file and on a team
// library: each its own piece (no error, every save's words there at the
// end), then all the same piece (only version conflicts, the piece at the
// version of the last save). It reports saves per second in all.
func BenchmarkTeamEightDesks(b *testing.B) {
	d := time.Minute
	if testing.Short() {
		d = 2 * time.Second
	}
	for _, home := range []string{"file", "server"} {
		for _, same := range []bool{false, true} {
			name := home + "/own-pieces"
			if same {
				name = home + "/one-piece"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					eightDesks(b, home, same, d)
				}
			})
		}
	}
}

func eightDesks(b *testing.B, home string, same bool, d time.Duration) {
	library := filepath.Join(b.TempDir(), "team.galley")
	if home == "server" {
		library = teamServer(b).NewDatabase(b)
	}
	st := openStore(b, library)
	var ids []int64
	for i := range 8 {
		p := bigPiece()
		p.Title = fmt.Sprintf("Desk %d's Piece", i)
		p.Photos = p.Photos[:1]
		if same && i > 0 {
			ids = append(ids, ids[0])
			continue
		}
		if err := st.SavePiece(ctx, &p); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	type result struct {
		lines []string
		err   error
	}
	results := make([]result, 8)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run", "^TestSaverChild$")
			cmd.Env = append(os.Environ(), envSaver+"=desk"+strconv.Itoa(i), "GALLEY_BENCH_LIB="+library,
				"GALLEY_BENCH_PIECE="+strconv.FormatInt(ids[i], 10), "GALLEY_BENCH_FOR="+d.String())
			out, err := cmd.Output()
			results[i] = result{strings.Split(strings.TrimSpace(string(out)), "\n"), err}
		}()
	}
	wg.Wait()
	saves, conflicts := 0, 0
	var last []string // the last saved words, per piece
	lastVersion := map[int64]int64{}
	lastText := map[int64]string{}
	for i, r := range results {
		if r.err != nil {
			b.Fatalf("desk %d: %v\n%s", i, r.err, strings.Join(r.lines, "\n"))
		}
		for _, l := range r.lines {
			switch {
			case strings.HasPrefix(l, "saved "):
				f := strings.SplitN(l, " ", 3)
				v, _ := strconv.ParseInt(f[1], 10, 64)
				saves++
				if v > lastVersion[ids[i]] {
					lastVersion[ids[i]], lastText[ids[i]] = v, f[2]
				}
			case l == "conflict" && same:
				conflicts++
			case strings.HasPrefix(l, "PASS"), strings.HasPrefix(l, "ok "), l == "":
			default:
				b.Fatalf("desk %d said %q", i, l)
			}
		}
	}
	for id, want := range lastText {
		p, err := st.Piece(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if p.Summary != want || p.Version != lastVersion[id] {
			b.Fatalf("piece %d holds %q at v%d; its last acknowledged save was %q at v%d", id, p.Summary, p.Version, want, lastVersion[id])
		}
		last = append(last, want)
	}
	sort.Strings(last)
	if saves == 0 {
		b.Fatal("no save went through")
	}
	b.ReportMetric(float64(saves)/d.Seconds(), "saves/s")
	if same {
		b.ReportMetric(float64(conflicts)/d.Seconds(), "conflicts/s")
	}
}
