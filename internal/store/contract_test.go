//go:build linux

package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/pgtest"
)

// The contract: what the store promises, held on both homes a library can
// have — a file (SQLite) and a team library (a real PostgreSQL server,
// started once for the package and stopped after it). Every behaviour
// tested here must pass on both; the suite grows as the team library
// does (docs/team-library.md).

var (
	serverOnce sync.Once
	server     *pgtest.Server
	serverErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if server != nil {
		if err := server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop the test PostgreSQL server:", err)
		}
	}
	os.Exit(code)
}

// home opens a fresh, empty library of one kind for a test, and a second
// handle on the same library (as a second desk or program would have).
type home struct {
	name string
	open func(t *testing.T) (first, second *Store)
}

func homes() []home {
	return []home{
		{"file", func(t *testing.T) (*Store, *Store) {
			path := filepath.Join(t.TempDir(), "library.galley")
			return openHandle(t, func() (*Store, error) { return Open(path) }), openHandle(t, func() (*Store, error) { return Open(path) })
		}},
		{"server", func(t *testing.T) (*Store, *Store) {
			serverOnce.Do(func() { server, serverErr = pgtest.StartMain() })
			if serverErr != nil {
				t.Fatal(serverErr)
			}
			address := server.NewDatabase(t)
			return openHandle(t, func() (*Store, error) { return openServer(ctx, address) }), openHandle(t, func() (*Store, error) { return openServer(ctx, address) })
		}},
	}
}

func openHandle(t *testing.T, open func() (*Store, error)) *Store {
	t.Helper()
	s, err := open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// onBoth runs a contract test on a library file and on a team library.
func onBoth(t *testing.T, test func(t *testing.T, a, b *Store)) {
	for _, h := range homes() {
		t.Run(h.name, func(t *testing.T) {
			a, b := h.open(t)
			test(t, a, b)
		})
	}
}

func contractPiece() *galley.Piece {
	return &galley.Piece{
		Title: "Q&A: Reading the Delta", Type: "Q&A", Status: galley.StatusDraft,
		Published: galley.Date{Year: 2026, Month: 3, Day: 2},
		Summary:   "A hydrologist explains what the silt says about the dams upstream.",
		Body:      "Talks resumed on *Monday*.",
		Contributors: []galley.Contributor{{Name: "Noor Haddad", Role: "hydrologist"},
			{Name: "Dana Ébène", Role: "senior fellow"}},
		Topics: []string{"Rivers", "Sediment Science"},
		QA: []galley.QA{{Question: "Why the delta?", Answer: "Because the silt keeps a record."},
			{Question: "And the dams?", Answer: "They hold the silt back."}},
		Photos: []galley.Photo{{Data: fixture.JPEG(64, 48, 3), Alt: "Silt fans", Caption: "The delta on Monday.",
			Credit: "Lena Oduya/Survey Office", Lead: true, Keywords: []string{"delta", "silt"}}},
	}
}

func TestContractASavedPieceReadsBackWhole(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		other := &galley.Piece{Title: "Earlier Report", Status: galley.StatusPublished, Published: galley.Date{Year: 2025, Month: 1, Day: 2}}
		if err := a.SavePiece(ctx, other); err != nil {
			t.Fatal(err)
		}
		p := contractPiece()
		p.Related = []galley.PieceRef{{ID: other.ID}}
		if err := a.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := b.PieceBySlug(ctx, "qa-reading-the-delta")
		if err != nil {
			t.Fatal(err)
		}
		want := clonePiece(p)
		for _, x := range []*galley.Piece{got, want} {
			for i := range x.Photos {
				x.Photos[i].ID, x.Photos[i].Data = 0, nil
			}
			for i := range x.Contributors {
				x.Contributors[i].ID = 0
			}
			x.Created, x.Updated = time.Time{}, time.Time{}
			for i := range x.Related {
				x.Related[i] = galley.PieceRef{ID: x.Related[i].ID}
			}
		}
		if describePiece(got) != describePiece(want) {
			t.Errorf("read back:\n%s\nsaved:\n%s", describePiece(got), describePiece(want))
		}
		data, err := b.ImageData(ctx, got.Photos[0].Image.Hash)
		if err != nil || len(data) == 0 {
			t.Errorf("the photo's bytes: %d, %v", len(data), err)
		}
	})
}

func TestContractAStaleSaveIsAConflict(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		p := contractPiece()
		if err := a.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		theirs, err := b.Piece(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		theirs.Summary = "Their words, saved first."
		if err := b.SavePiece(ctx, theirs); err != nil {
			t.Fatal(err)
		}
		p.Summary = "My words, from before."
		if err := a.SavePiece(ctx, p); galley.ErrorCode(err) != galley.EConflict {
			t.Fatalf("a stale save = %v, want a conflict", err)
		}
		if got, _ := a.Piece(ctx, p.ID); got.Summary != "Their words, saved first." {
			t.Errorf("the stale save changed the piece: %q", got.Summary)
		}
	})
}

func TestContractSearchFindsWordsAndPrefixesNewestFirst(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		older := &galley.Piece{Title: "Dams Upstream", Summary: "Silt and water.", Status: galley.StatusPublished, Published: galley.Date{Year: 2024, Month: 5, Day: 1}}
		for _, p := range []*galley.Piece{older, contractPiece(), {Title: "Unrelated Notes"}} {
			if err := a.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			query string
			want  string
		}{
			{"silt", "Q&A: Reading the Delta|Dams Upstream"},
			{"sedim sci", "Q&A: Reading the Delta"},
			{"ebene", "Q&A: Reading the Delta"},
			{"survey office", "Q&A: Reading the Delta"},
			{"nothing-like-this", ""},
		} {
			list, err := b.FindPieces(ctx, galley.Filter{Query: c.query})
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, s := range list {
				titles = append(titles, s.Title)
			}
			if got := strings.Join(titles, "|"); got != c.want {
				t.Errorf("search %q found %q, want %q", c.query, got, c.want)
			}
			if n, err := b.CountPieces(ctx, galley.Filter{Query: c.query}); err != nil || n != len(titles) {
				t.Errorf("count %q = %d, %v; found %d", c.query, n, err, len(titles))
			}
		}
	})
}

func TestContractRevisionsKeepEveryHandApart(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		a.Author, b.Author = "ada", "ada"
		p := contractPiece()
		if err := a.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		p.Summary = "Second sitting, same editor."
		if err := a.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		topics, err := b.Topics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.RenameTopic(ctx, topics[0].ID, "River Science"); err != nil {
			t.Fatal(err)
		}
		revs, err := a.Revisions(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range revs {
			got = append(got, fmt.Sprintf("%d:%s", r.Number, r.Change))
		}
		if strings.Join(got, " ") != "2:"+ChangeTopicRenamed+" 1:" {
			t.Errorf("revisions %v, want the editor's saves gathered into 1 and the rename its own", got)
		}
	})
}

func TestContractDeleteAndRestoreFromTheTrash(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		p := contractPiece()
		if err := a.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := a.DeletePiece(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := b.FindPieces(ctx, galley.Filter{Query: "silt"}); len(list) != 0 {
			t.Errorf("a deleted piece is still found: %v", list)
		}
		trash, err := b.Trash(ctx)
		if err != nil || len(trash) != 1 {
			t.Fatalf("trash %v, %v", trash, err)
		}
		back, err := b.RestoreTrashed(ctx, trash[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if back.ID != p.ID || back.Version <= p.Version || len(back.Photos) != 1 || len(back.QA) != 2 {
			t.Errorf("back from the trash: %+v", back)
		}
		if list, _ := a.FindPieces(ctx, galley.Filter{Query: "silt"}); len(list) != 1 {
			t.Errorf("the restored piece is not found again: %v", list)
		}
	})
}

// A database that holds another program's tables is refused untouched,
// and a team library from a newer Galley likewise.
func TestServerRefusesWhatIsNotItsLibrary(t *testing.T) {
	serverOnce.Do(func() { server, serverErr = pgtest.StartMain() })
	if serverErr != nil {
		t.Fatal(serverErr)
	}
	address := server.NewDatabase(t)
	db, err := sql.Open("pgx", address)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE invoices (id int)`); err != nil {
		t.Fatal(err)
	}
	if _, err := openServer(ctx, address); err == nil || !strings.Contains(err.Error(), "another program") {
		t.Errorf("opening another program's database = %v", err)
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&n)
	if n != 1 {
		t.Errorf("the refused database now has %d tables", n)
	}

	newer := server.NewDatabase(t)
	s, err := openServer(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ndb, _ := sql.Open("pgx", newer)
	defer ndb.Close()
	if _, err := ndb.Exec(`UPDATE galley_schema SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := openServer(ctx, newer); err == nil || !strings.Contains(err.Error(), "newer Galley") {
		t.Errorf("opening a newer team library = %v", err)
	}
}

// serverAddress is a fresh, empty database on the package's test server.
func init() {
	openServerTemp = func(t *testing.T) *Store {
		t.Helper()
		return openHandle(t, func() (*Store, error) { return openServer(ctx, serverAddress(t)) })
	}
}

func serverAddress(t *testing.T) string {
	t.Helper()
	serverOnce.Do(func() { server, serverErr = pgtest.StartMain() })
	if serverErr != nil {
		t.Fatal(serverErr)
	}
	return server.NewDatabase(t)
}

// openAny opens a library file or, given a postgres:// address, a team
// library, as the command line will once it reaches team libraries.
func openAny(library string, opts ...Options) (*Store, error) {
	if IsServerAddress(library) {
		return openServer(ctx, library)
	}
	return Open(library, opts...)
}

func TestContractThePhotoLibrarySearchesEveryPhoto(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		p := contractPiece()
		p.Photos = append(p.Photos, galley.Photo{Data: fixture.JPEG(40, 30, 7), Alt: "A boat", Caption: "Fishers at Zürich harbour.", Credit: "Ana Kovač/Agency"})
		if err := a.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"": 2, "zurich": 1, "kovac": 1, "silt": 1, "delta": 1, "nothing": 0} {
			list, err := b.PhotoLibrary(ctx, q, 0, 0)
			if err != nil || len(list) != want {
				t.Errorf("photo library %q: %d photos (%v), want %d", q, len(list), err, want)
			}
			if n, err := b.CountPhotoLibrary(ctx, q); err != nil || n != want {
				t.Errorf("photo library count %q = %d, %v; want %d", q, n, err, want)
			}
		}
	})
}

// A write waits for another's, and gives up when asked to wait only
// briefly, saying the library is busy, on both homes.
func TestContractABusyLibraryGivesUpWhenAsked(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		p := &galley.Piece{Title: "Waiting"}
		if err := a.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		held, err := a.beginWrite(ctx) // another desk's long write
		if err != nil {
			t.Fatal(err)
		}
		p.Summary = "Typed meanwhile."
		start := time.Now()
		err = b.SavePiece(WithLockWait(ctx, 300*time.Millisecond), p)
		if galley.ErrorCode(err) != galley.EBusy || time.Since(start) > 3*time.Second {
			t.Errorf("saving behind another write = %v after %v, want busy at once", err, time.Since(start))
		}
		held.Rollback()
		if err := b.SavePiece(WithLockWait(ctx, 300*time.Millisecond), p); err != nil {
			t.Errorf("saving once the other write ended: %v", err)
		}
	})
}

// Related pieces are suggested by shared topics, then newest first, with
// undated pieces after dated ones, on both homes.
func TestContractRelatedSuggestionsRankTheSame(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		mk := func(title string, topics []string, year int) *galley.Piece {
			p := &galley.Piece{Title: title, Topics: topics}
			if year > 0 {
				p.Status, p.Published = galley.StatusPublished, galley.Date{Year: year, Month: 1, Day: 1}
			}
			if err := a.SavePiece(ctx, p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		mk("Both Topics Old", []string{"Rivers", "Dams"}, 2020)
		mk("One Topic New", []string{"Rivers"}, 2025)
		mk("One Topic Undated", []string{"Dams"}, 0)
		mk("Both Topics New", []string{"Rivers", "Dams"}, 2024)
		mk("Unrelated", []string{"Fish"}, 2026)
		list, err := b.SuggestRelated(ctx, 0, []string{"Rivers", "Dams"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range list {
			got = append(got, s.Title)
		}
		want := "Both Topics New|Both Topics Old|One Topic New|One Topic Undated"
		if strings.Join(got, "|") != want {
			t.Errorf("suggestions %v, want %s", got, want)
		}
	})
}

// The managers' changes, the vocabulary, statuses, the photo's uses, the
// whole-library walk an export json makes, thinning and the trash's purge
// behave alike on both homes.
func TestContractManagersAndUpkeep(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		p := contractPiece()
		if err := a.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		q := &galley.Piece{Title: "Second", Topics: []string{"Silt"}, Contributors: []galley.Contributor{{Name: "Noor Haddad"}}}
		if err := a.SavePiece(ctx, q); err != nil {
			t.Fatal(err)
		}
		topics, err := b.Topics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, tp := range topics {
			ids[tp.Name] = tp.ID
		}
		if err := b.MergeTopics(ctx, ids["Silt"], ids["Sediment Science"]); err != nil {
			t.Fatalf("merge: %v", err)
		}
		if err := b.DeleteTopic(ctx, ids["Rivers"]); err != nil {
			t.Fatalf("delete topic: %v", err)
		}
		typ, err := b.CreateType(ctx, "Field Notes")
		if err != nil {
			t.Fatal(err)
		}
		if err := b.RenameType(ctx, typ.ID, "Hearing Transcript"); err != nil {
			t.Fatal(err)
		}
		people, err := b.Contributors(ctx)
		if err != nil || len(people) != 2 {
			t.Fatalf("contributors %v, %v", people, err)
		}
		noor := people[0]
		if noor.Name != "Noor Haddad" {
			noor = people[1]
		}
		noor.Role = "hydrologist and author"
		if err := b.UpdateContributor(ctx, noor); err != nil {
			t.Fatal(err)
		}
		got, _ := a.Piece(ctx, q.ID)
		if fmt.Sprint(got.Topics) != "[Sediment Science]" || got.Contributors[0].Role != "hydrologist and author" {
			t.Errorf("after the managers: topics %v, role %q", got.Topics, got.Contributors[0].Role)
		}
		vocab, err := a.Vocabulary(ctx)
		if err != nil || len(vocab.Topics) != 1 || len(vocab.Types) < 2 {
			t.Errorf("vocabulary %+v, %v", vocab, err)
		}
		st, err := a.Statuses(ctx, []int64{p.ID, q.ID, 9999})
		if err != nil || len(st) != 2 || st[p.ID] != galley.StatusDraft {
			t.Errorf("statuses %v, %v", st, err)
		}
		full, _ := a.Piece(ctx, p.ID)
		if uses, err := b.PhotoUses(ctx, full.Photos[0].Image.Hash); err != nil || len(uses) != 1 || uses[0].ID != p.ID {
			t.Errorf("photo uses %v, %v", uses, err)
		}
		walked := 0
		if err := b.EachPiece(ctx, func(p *galley.Piece, images ImageFunc) error {
			walked++
			for _, ph := range p.Photos {
				if data, err := images(ph.Image.Hash); err != nil || len(data) == 0 {
					return fmt.Errorf("photo of %s: %d bytes, %v", p.Title, len(data), err)
				}
			}
			return nil
		}); err != nil || walked != 2 {
			t.Errorf("walking the library: %d pieces, %v", walked, err)
		}
		if _, err := b.ThinRevisions(ctx, DefaultRevisionPolicy); err != nil {
			t.Errorf("thinning: %v", err)
		}
		if _, err := a.DeletePiece(ctx, q.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := b.PurgeTrash(ctx); err != nil {
			t.Errorf("purging the trash: %v", err)
		}
		if n, err := b.EmptyTrash(ctx); err != nil || n != 1 {
			t.Errorf("emptying the trash: %d, %v", n, err)
		}
		if v, err := b.SchemaVersion(ctx); err != nil || v < 1 {
			t.Errorf("schema version %d, %v", v, err)
		}
	})
}

// A save in another program reaches a watching desk of a team library
// within a second, naming the piece; a library file has nothing to watch.
func TestWatchSeesAnotherProgramsSave(t *testing.T) {
	address := serverAddress(t)
	desk, err := openServer(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	p := fullPiece("Watched Piece", 1)
	if err := desk.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	changes := make(chan Change, 16)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- desk.Watch(wctx, func(c Change) { changes <- c }) }()
	time.Sleep(300 * time.Millisecond) // listening

	other := startChild(t, "Other", "TestTwoProcessChild", envTwoProcChild+"=conflict",
		"GALLEY_TWOPROC_LIB="+address, "GALLEY_TWOPROC_LABEL=Other", "GALLEY_TWOPROC_PIECE="+strconv.FormatInt(p.ID, 10))
	defer other.kill()
	if line, ok := other.next(60 * time.Second); !ok || !strings.HasPrefix(line, "loaded ") {
		t.Fatalf("the other program did not load the piece\n%s", other.report())
	}
	other.send("round 1")
	lines, err := other.wait()
	if err != nil || len(lines) != 1 || !strings.HasPrefix(lines[0], "saved ") {
		t.Fatalf("the other program's save: %v %v\n%s", lines, err, other.report())
	}
	saved := time.Now()
	select {
	case c := <-changes:
		if c.All || len(c.Pieces) != 1 || c.Pieces[0] != p.ID {
			t.Errorf("the desk was told %+v, want piece %d", c, p.ID)
		}
		t.Logf("the desk heard of the save %v after the other program reported it", time.Since(saved).Round(time.Millisecond))
	case <-time.After(time.Second):
		t.Fatal("the desk heard nothing within a second of another program's save")
	}
	// A rolled-back write announces nothing.
	tx, err := desk.beginWrite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.touched(p.ID)
	tx.Rollback()
	select {
	case c := <-changes:
		t.Errorf("a rolled-back write was announced: %+v", c)
	case <-time.After(300 * time.Millisecond):
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("Watch ended with %v", err)
	}

	file, err := Open(filepath.Join(t.TempDir(), "library.galley"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if err := file.Watch(ctx, func(Change) { t.Error("a library file reported a change") }); err != nil {
		t.Errorf("watching a file: %v", err)
	}
}

func TestContractRelatedByNamesThePiecesListingOne(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		target := &galley.Piece{Title: "Dams"}
		if err := a.SavePiece(ctx, target); err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"River Talks", "Basin Data"} {
			if err := a.SavePiece(ctx, &galley.Piece{Title: title, Related: []galley.PieceRef{{ID: target.ID}}}); err != nil {
				t.Fatal(err)
			}
		}
		refs, err := b.RelatedBy(ctx, target.ID)
		if err != nil || len(refs) != 2 || refs[0].Title != "Basin Data" || refs[1].Title != "River Talks" {
			t.Errorf("RelatedBy = %+v, %v", refs, err)
		}
	})
}

// Desks on a team library see which piece another desk has open, and a
// desk that is killed is gone from the list without anyone cleaning up.
func TestPresenceEndsWithTheDesk(t *testing.T) {
	address := serverAddress(t)
	s, err := openServer(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := &galley.Piece{Title: "Open Elsewhere"}
	if err := s.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	mine, err := s.Join(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Leave()
	dana := startChild(t, "Dana", "TestTwoProcessChild", envTwoProcChild+"=present",
		"GALLEY_TWOPROC_LIB="+address, "GALLEY_TWOPROC_LABEL=dana", "GALLEY_TWOPROC_PIECE="+strconv.FormatInt(p.ID, 10))
	defer dana.kill()
	if line, ok := dana.next(60 * time.Second); !ok || line != "present" {
		t.Fatalf("the other desk did not join\n%s", dana.report())
	}
	list, err := s.Presence(ctx, mine)
	if err != nil || len(list) != 1 || list[0].Who != "dana" || list[0].PieceID != p.ID || list[0].Since.IsZero() {
		t.Fatalf("presence %+v, %v; want dana on piece %d", list, err, p.ID)
	}
	dana.kill() // a crash: no goodbye
	dana.wait()
	deadline := time.Now().Add(5 * time.Second)
	for {
		list, err = s.Presence(ctx, mine)
		if err == nil && len(list) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a killed desk is still present: %+v, %v", list, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A file has no other desks.
	file, err := Open(filepath.Join(t.TempDir(), "library.galley"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if se, err := file.Join(ctx, "ada"); se != nil || err != nil {
		t.Errorf("joining a file: %v, %v", se, err)
	}
}

// A library's identity is made once and is the same for every program on
// it; another library's differs; asking while another program writes
// neither waits nor fails; on both homes.
func TestContractALibraryKnowsItsIdentity(t *testing.T) {
	ids := map[string]string{}
	onBoth(t, func(t *testing.T, a, b *Store) {
		held, err := b.beginWrite(ctx) // another program's long write
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if id, err := a.Identity(ctx); err != nil || id != "" || time.Since(start) > 2*time.Second {
			t.Errorf("Identity behind another write = %q, %v after %v; want unknown at once", id, err, time.Since(start))
		}
		held.Rollback()
		id, err := a.Identity(ctx)
		if err != nil || len(id) != 32 {
			t.Fatalf("Identity = %q, %v", id, err)
		}
		if again, err := b.Identity(ctx); err != nil || again != id {
			t.Errorf("the second program's Identity = %q, %v; want %q", again, err, id)
		}
		for home, other := range ids {
			if other == id {
				t.Errorf("the %s library has the same identity", home)
			}
		}
		ids[t.Name()] = id
	})
}

func TestContractTheSiteSettingsLiveInTheLibrary(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		if got, err := a.SiteSettings(ctx); err != nil || len(got) != 0 {
			t.Fatalf("a new library's site settings = %v, %v", got, err)
		}
		set := map[string]string{"site-name": "The Basin Review", "base-url": "https://example.org/basin/", "publish-to": "sftp://deploy@example.org/var/www/basin"}
		if err := a.SetSiteSettings(ctx, set); err != nil {
			t.Fatal(err)
		}
		// Another program on the library sees the same site.
		got, err := b.SiteSettings(ctx)
		if err != nil || !maps.Equal(got, set) {
			t.Errorf("the other program's settings = %v, %v; want %v", got, err, set)
		}
		if err := b.SetSiteSettings(ctx, map[string]string{"base-url": "", "site-name": "Basin Review"}); err != nil {
			t.Fatal(err)
		}
		got, _ = a.SiteSettings(ctx)
		want := map[string]string{"site-name": "Basin Review", "publish-to": "sftp://deploy@example.org/var/www/basin"}
		if !maps.Equal(got, want) {
			t.Errorf("after unsetting the base URL: %v, want %v", got, want)
		}
	})
}

// TestServerSearchEntryIsTheStoredPiecesWords: a save writes a team
// library's search entry from the piece in hand, not read back; it must be
// the entry the rows themselves give (a rename's or a copy's reindex) and
// the same entry the
// schema's own galley_tsvector makes of them (what migration 0003 rebuilt
// old entries with).
func TestServerSearchEntryIsTheStoredPiecesWords(t *testing.T) {
	st := openServerTemp(t)
	first := &galley.Piece{Title: "Earlier", Contributors: []galley.Contributor{{Name: "Dana Ébène"}}, Topics: []string{"Water Policy"}}
	if err := st.SavePiece(ctx, first); err != nil {
		t.Fatal(err)
	}
	p := contractPiece()
	p.Topics = append(p.Topics, "WATER policy") // stored as "Water Policy"
	if err := st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	entry := func() string {
		var v string
		if err := st.db.QueryRowContext(ctx, `SELECT search::text FROM pieces WHERE id = $1`, p.ID).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	saved := entry()
	for _, word := range []string{"'ebene'", "'water'", "'sediment'"} {
		if !strings.Contains(saved, word) {
			t.Errorf("the saved entry lacks %s: %s", word, saved)
		}
	}
	var bySchema string
	if err := st.db.QueryRowContext(ctx, `SELECT galley_tsvector(concat_ws(' ', `+
		`(SELECT string_agg(t, ' ') FROM (`+strings.Replace(serverSearchText, "SELECT p.id, concat_ws", "SELECT concat_ws", 1)+` WHERE p.id = $1) AS x (t))))::text`, p.ID).Scan(&bySchema); err != nil {
		t.Fatal(err)
	}
	tx, err := st.beginWrite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.reindexServer(ctx, tx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.commit(tx); err != nil {
		t.Fatal(err)
	}
	if rebuilt := entry(); rebuilt != saved {
		t.Errorf("the entry a save wrote:\n%s\nrebuilt from the rows:\n%s", saved, rebuilt)
	}
	if bySchema != saved {
		t.Errorf("the entry a save wrote:\n%s\ngalley_tsvector of the rows:\n%s", saved, bySchema)
	}
}

// A save leaves unchanged photos as they are and rewrites only those that
// changed: moved, recaptioned or removed photos read back as saved, keep
// their IDs, are found by their new words only, and an image no photo
// shows any more leaves the library.
func TestContractPhotosChangedInPlace(t *testing.T) {
	onBoth(t, func(t *testing.T, a, b *Store) {
		p := &galley.Piece{Title: "Three photos", Photos: []galley.Photo{
			{Data: fixture.JPEG(20, 10, 1), Caption: "Harbour at dawn", Lead: true},
			{Data: fixture.JPEG(20, 10, 2), Caption: "Market stalls"},
			{Data: fixture.JPEG(20, 10, 3), Caption: "Lighthouse keeper"},
		}}
		if err := a.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		ids := []int64{p.Photos[0].ID, p.Photos[1].ID, p.Photos[2].ID}
		gone := p.Photos[2].Image.Hash
		// Recaption the second, swap it with the first, drop the third.
		p.Photos[1].Caption = "Fish market stalls"
		p.Photos = []galley.Photo{p.Photos[1], p.Photos[0]}
		if err := a.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := b.Piece(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Photos) != 2 || got.Photos[0].ID != ids[1] || got.Photos[0].Caption != "Fish market stalls" ||
			got.Photos[1].ID != ids[0] || got.Photos[1].Caption != "Harbour at dawn" || !got.Photos[1].Lead {
			t.Fatalf("photos read back: %+v", got.Photos)
		}
		for q, want := range map[string]int{"fish": 1, "market": 1, "harbour": 1, "lighthouse": 0} {
			if n, err := b.CountPhotoLibrary(ctx, q); err != nil || n != want {
				t.Errorf("photo library %q: %d, %v; want %d", q, n, err, want)
			}
		}
		var left int
		if err := b.db.QueryRowContext(ctx, b.dialect().rebind(`SELECT count(*) FROM images WHERE sha256 = ?`), gone).Scan(&left); err != nil {
			t.Fatal(err)
		}
		// The second save folded into the first one's revision (one
		// sitting), so nothing shows the dropped image any more.
		if left != 0 {
			t.Errorf("the dropped photo's image: %d rows, want it gone", left)
		}
	})
}
