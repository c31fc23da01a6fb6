package store

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// A save's every part carries the generation number of the edit it came
// from: the title ("Gen 1000042"), summary, body, each Q&A question and
// answer, each photo's caption, alt text and credit, the first topic
// ("gen-1000042"); and how many Q&A pairs, photos, topics and bylines the
// piece has, which images and which names, follow from the number too. A
// piece whose parts were written by different saves, or half of one save,
// does not match any single generation.

// genImage is one picture the generations choose from.
type genImage struct {
	data []byte
	hash string
}

// genImages returns the pictures, of different kinds and sizes (the large
// JPEG spills over several database pages).
func genImages() []genImage {
	var imgs []genImage
	for _, data := range [][]byte{
		fixture.JPEG(48, 36, 1), fixture.PNG(24, 24, 2), fixture.JPEG(240, 180, 3), fixture.PNG(64, 48, 4),
	} {
		sum := sha256.Sum256(data)
		imgs = append(imgs, genImage{data, hex.EncodeToString(sum[:])})
	}
	return imgs
}

var (
	genPeople = []string{"Ada Quill", "Bram Oduya", "Cleo Marsh", "Dev Anand", "Eun Park"}
	genTopics = []string{"Diplomacy", "Arms Control", "Energy", "Trade", "Europe", "Asia"}
)

// fillGeneration makes p the edit of generation gen, labelled label (one
// word). Photos already on p whose image the generation keeps stay the
// same photos (same ID, bytes not sent again); the others are new.
func fillGeneration(p *galley.Piece, label string, gen int, imgs []genImage) {
	mark := fmt.Sprintf("gen %d", gen)
	p.Title = fmt.Sprintf("%s %d", label, gen)
	p.Summary = mark + " summary"
	p.Body = mark + "\n\n" + strings.Repeat("Lorem ipsum dolor sit amet. ", (gen%5)*150)
	p.Type = galley.DefaultTypes[gen%len(galley.DefaultTypes)]
	p.Status = galley.Statuses[gen%len(galley.Statuses)]
	p.Published = galley.Date{}
	if gen%5 != 0 {
		p.Published = galley.Date{Year: 2000 + gen%25, Month: time.Month(gen%12 + 1), Day: gen%28 + 1}
	}
	p.Contributors = nil
	for j := range 1 + gen%3 {
		p.Contributors = append(p.Contributors, galley.Contributor{Name: genPeople[(gen+j)%len(genPeople)]})
	}
	p.Topics = []string{fmt.Sprintf("gen-%d", gen)}
	for j := range gen % 3 {
		p.Topics = append(p.Topics, genTopics[(gen+j)%len(genTopics)])
	}
	p.QA = nil
	for j := range gen % 4 {
		p.QA = append(p.QA, galley.QA{Question: fmt.Sprintf("Question %d of %s?", j+1, mark), Answer: mark + " answer"})
	}
	// The generation's photos, in its order: photos whose image the piece
	// already shows are kept (with their IDs), the others are new, and
	// new ones may come before kept ones.
	var photos []galley.Photo
	for j := range 1 + gen%3 {
		img := imgs[(gen+j)%len(imgs)]
		ph := galley.Photo{Data: img.data, Image: galley.Image{Hash: img.hash}}
		for _, o := range p.Photos {
			if o.Image.Hash == img.hash && o.ID != 0 {
				ph = galley.Photo{ID: o.ID, Image: o.Image}
			}
		}
		photos = append(photos, ph)
	}
	p.Photos = photos
	for j := range p.Photos {
		ph := &p.Photos[j]
		ph.Caption = mark
		ph.Alt = fmt.Sprintf("%s photo %d", mark, j+1)
		ph.Credit = "Credit " + mark
		ph.Lead = j == 0
	}
}

// generationOf reads the generation of a stored piece and checks that
// every part of it belongs to that one generation.
func generationOf(p *galley.Piece, label string, imgs []genImage) (int, error) {
	l, n, ok := strings.Cut(p.Title, " ")
	gen, err := strconv.Atoi(n)
	if !ok || l != label || err != nil {
		return 0, fmt.Errorf("piece %d has the title %q, not %q and a generation number", p.ID, p.Title, label+" N")
	}
	want := &galley.Piece{}
	fillGeneration(want, label, gen, imgs)
	var bad []string
	differ := func(what string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			bad = append(bad, fmt.Sprintf("%s = %v, want %v", what, got, want))
		}
	}
	differ("summary", p.Summary, want.Summary)
	if p.Body != want.Body {
		bad = append(bad, fmt.Sprintf("body = %d bytes starting %q, want %d bytes starting %q",
			len(p.Body), p.Body[:min(len(p.Body), 16)], len(want.Body), want.Body[:min(len(want.Body), 16)]))
	}
	differ("type", p.Type, want.Type)
	differ("status", p.Status, want.Status)
	differ("published", p.Published, want.Published)
	var names []string
	for _, c := range p.Contributors {
		names = append(names, c.Name)
	}
	var wantNames []string
	for _, c := range want.Contributors {
		wantNames = append(wantNames, c.Name)
	}
	differ("byline", names, wantNames)
	differ("topics", p.Topics, want.Topics)
	differ("Q&A", p.QA, want.QA)
	if len(p.Photos) != len(want.Photos) {
		bad = append(bad, fmt.Sprintf("%d photos, want %d", len(p.Photos), len(want.Photos)))
	} else {
		var hashes, wantHashes []string
		for j, ph := range p.Photos {
			w := want.Photos[j]
			differ(fmt.Sprintf("photo %d", j+1),
				[]any{ph.Caption, ph.Alt, ph.Credit, ph.Lead, ph.Decorative},
				[]any{w.Caption, w.Alt, w.Credit, w.Lead, w.Decorative})
			hashes = append(hashes, shortHash(ph.Image.Hash))
			wantHashes = append(wantHashes, shortHash(w.Image.Hash))
		}
		slices.Sort(hashes)
		slices.Sort(wantHashes)
		differ("images", hashes, wantHashes)
	}
	if len(bad) > 0 {
		return gen, fmt.Errorf("piece %d (%q, version %d) is not one whole save: %s", p.ID, p.Title, p.Version, strings.Join(bad, "; "))
	}
	return gen, nil
}

const envCrashChild = "GALLEY_CRASH_CHILD"

// TestCrashWriterChild is the writer TestSavesSurviveSIGKILL kills. It
// opens the library, says "ready", then saves edits as fast as it can,
// creating a few pieces and editing them at random, and says "saved ID
// VERSION GEN" after each SavePiece that returned nil. It never stops by
// itself before its deadline.
func TestCrashWriterChild(t *testing.T) {
	path := os.Getenv(envCrashChild)
	if path == "" {
		t.Skip("the writer process of TestSavesSurviveSIGKILL")
	}
	base, _ := strconv.Atoi(os.Getenv("GALLEY_CRASH_BASE"))
	seed, _ := strconv.ParseUint(os.Getenv("GALLEY_CRASH_CHILD_SEED"), 10, 64)
	rng := rand.New(rand.NewPCG(seed, 1))
	imgs := genImages()
	fail := func(what string, err error) {
		childSay("error %s %s %q", what, galley.ErrorCode(err), err.Error())
		t.Fatalf("%s: %v", what, err)
	}

	s, err := Open(path)
	if err != nil {
		fail("open", err)
	}
	pieces := map[int64]*galley.Piece{}
	var ids []int64
	err = s.EachPiece(ctx, func(p *galley.Piece, _ ImageFunc) error {
		pieces[p.ID] = p
		ids = append(ids, p.ID)
		return nil
	})
	if err != nil {
		fail("load", err)
	}
	childSay("ready %d", len(ids))

	deadline := time.Now().Add(30 * time.Second)
	for gen := base + 1; time.Now().Before(deadline); gen++ {
		var p *galley.Piece
		if len(ids) < 3 || (len(ids) < 8 && rng.IntN(25) == 0) {
			p = &galley.Piece{}
		} else {
			p = pieces[ids[rng.IntN(len(ids))]]
		}
		fillGeneration(p, "Gen", gen, imgs)
		if err := s.SavePiece(ctx, p); err != nil {
			fail(fmt.Sprintf("save gen %d", gen), err)
		}
		childSay("saved %d %d %d", p.ID, p.Version, gen)
		if pieces[p.ID] == nil {
			pieces[p.ID] = p
			ids = append(ids, p.ID)
		}
	}
	s.Close()
	childSay("deadline")
}

// savedState is what a piece holds after a save: its version and the
// generation it was saved with.
type savedState struct {
	version int64
	gen     int
}

// TestSavesSurviveSIGKILL runs a writer in a separate process and kills it
// with SIGKILL at random moments, round after round on the same library.
// After every kill it opens the library and checks that the integrity
// checks pass, that every save the writer had reported is there, that at
// most the one save in flight at the kill went in unreported, and that
// every piece is exactly one whole save (see generationOf), in the tables,
// the search index and its latest revision alike.
//
// GALLEY_CRASH_ROUNDS sets the number of rounds (200; 20 with -short) and
// GALLEY_CRASH_SEED the seed, which is logged, to replay a failure.
func TestSavesSurviveSIGKILL(t *testing.T) {
	rounds := 200
	if testing.Short() {
		rounds = 20
	}
	if v := os.Getenv("GALLEY_CRASH_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("GALLEY_CRASH_ROUNDS=%q is not a number of rounds", v)
		}
		rounds = n
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("GALLEY_CRASH_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("GALLEY_CRASH_SEED=%q is not a number", v)
		}
	}
	t.Logf("%d rounds, seed %d (GALLEY_CRASH_SEED=%d replays the kill delays)", rounds, seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	imgs := genImages()

	path := t.TempDir() + string(os.PathSeparator) + "crash.galley"
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	model := map[int64]savedState{} // what the library must hold, as far as reported
	var saves, earlyKills, unreportedSeen, torn int
	var delays, checking time.Duration
	start := time.Now()
	for round := range rounds {
		base := (round + 1) * 1_000_000
		// Most kills are timed from the writer's first save, so they land
		// among saves; one in eight from its start, to land while it
		// opens the library too.
		early := rng.IntN(8) == 0
		delay := time.Duration(5+rng.IntN(56)) * time.Millisecond
		delays += delay
		c := startChild(t, fmt.Sprintf("writer %d", round), "TestCrashWriterChild",
			envCrashChild+"="+path,
			"GALLEY_CRASH_BASE="+strconv.Itoa(base),
			"GALLEY_CRASH_CHILD_SEED="+strconv.FormatUint(rng.Uint64(), 10))
		var said []string
		for !early {
			line, ok := c.next(60 * time.Second)
			if !ok || !(strings.HasPrefix(line, "ready") || strings.HasPrefix(line, "saved")) {
				c.kill()
				c.wait()
				t.Fatalf("round %d: the writer did not start saving\n%s", round, c.report())
			}
			said = append(said, line)
			if strings.HasPrefix(line, "saved") {
				break
			}
		}
		time.Sleep(delay)
		c.kill()
		rest, err := c.wait()
		said = append(said, rest...)
		if err == nil || (runtime.GOOS != "windows" && !strings.Contains(err.Error(), "killed")) {
			t.Fatalf("round %d: the writer ended by itself (%v) before it was killed\n%s", round, err, c.report())
		}

		reported := maps.Clone(model)
		n := 0
		for _, line := range said {
			var id, version int64
			var gen int
			switch {
			case strings.HasPrefix(line, "ready"):
			case strings.HasPrefix(line, "saved "):
				if _, err := fmt.Sscanf(line, "saved %d %d %d", &id, &version, &gen); err != nil {
					t.Fatalf("round %d: unreadable line %q", round, line)
				}
				if prev, ok := reported[id]; ok && version != prev.version+1 {
					t.Fatalf("round %d: piece %d saved at version %d after version %d\n%s", round, id, version, prev.version, c.report())
				}
				reported[id] = savedState{version, gen}
				n++
			default:
				t.Fatalf("round %d: the writer failed: %s\n%s", round, line, c.report())
			}
		}
		if !slices.ContainsFunc(said, func(l string) bool { return strings.HasPrefix(l, "ready") }) {
			earlyKills++
		}
		saves += n

		torn += walTornFrames(path)
		checkStart := time.Now()
		after, unreported, err := checkAfterCrash(path, reported, base, imgs)
		checking += time.Since(checkStart)
		if err != nil {
			from := "its first save"
			if early {
				from = "it started"
			}
			t.Fatalf("round %d (seed %d; killed %v after %s, %d saves reported): %v\n%s",
				round, seed, delay, from, n, err, c.report())
		}
		unreportedSeen += unreported
		model = after
	}
	elapsed := time.Since(start)
	per := func(d time.Duration) time.Duration { return (d / time.Duration(rounds)).Round(time.Millisecond) }
	t.Logf("%d rounds in %v (%v per round: %v kill delay, %v checking on average): %d saves reported; %d kills before the writer was ready, %d after a commit it had not yet reported, %d while a commit was being written (it left uncommitted pages in the log); %d pieces at the end",
		rounds, elapsed.Round(time.Millisecond), per(elapsed), per(delays), per(checking),
		saves, earlyKills, unreportedSeen, torn, len(model))
}

// walTornFrames says whether the write-ahead log beside path ends with
// frames of a transaction that never committed: the kill fell while a
// commit was being written. It only counts, for the log; the checks after
// the kill are what matter. It reads the log's frame headers: frames of
// the current log share its header's salts, and a commit frame records the
// database size.
func walTornFrames(path string) int {
	wal, err := os.ReadFile(path + "-wal")
	if err != nil || len(wal) < 32 {
		return 0
	}
	pageSize := int(binary.BigEndian.Uint32(wal[8:]))
	salts := wal[16:24]
	pending := 0
	for off := 32; pageSize > 0 && off+24+pageSize <= len(wal); off += 24 + pageSize {
		h := wal[off : off+24]
		if !bytes.Equal(h[8:16], salts) {
			break
		}
		pending++
		if binary.BigEndian.Uint32(h[4:]) != 0 {
			pending = 0 // a commit frame
		}
	}
	if pending > 0 {
		return 1
	}
	return 0
}

// checkAfterCrash opens the library after a kill and checks it against
// what the writer reported. It returns what the library holds, and how many
// saves went in without being reported (at most one: the writer saves one
// piece at a time, and the kill can fall between a commit and its report).
func checkAfterCrash(path string, reported map[int64]savedState, base int, imgs []genImage) (map[int64]savedState, int, error) {
	s, err := Open(path, Options{QuickCheck: true})
	if err != nil {
		return nil, 0, fmt.Errorf("open after the kill: %w", err)
	}
	defer s.Close()
	if err := checkWholeFile(s); err != nil {
		return nil, 0, err
	}

	stored := map[int64]savedState{}
	var problems []string
	err = s.EachPiece(ctx, func(p *galley.Piece, _ ImageFunc) error {
		gen, err := generationOf(p, "Gen", imgs)
		if err != nil {
			problems = append(problems, err.Error())
			return nil
		}
		stored[p.ID] = savedState{p.Version, gen}
		if err := checkSearchEntry(s, p, gen); err != nil {
			problems = append(problems, err.Error())
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("reading every piece: %w", err)
	}
	if err := checkSearchCount(s); err != nil {
		problems = append(problems, err.Error())
	}
	for id, st := range stored {
		if err := checkLatestRevision(s, id, st, imgs); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return nil, 0, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}

	unreported := 0
	for id, rep := range reported {
		st, ok := stored[id]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("piece %d, reported saved at version %d (gen %d), is missing", id, rep.version, rep.gen))
		case st.version < rep.version:
			problems = append(problems, fmt.Sprintf("piece %d is at version %d (gen %d), but version %d (gen %d) was reported saved", id, st.version, st.gen, rep.version, rep.gen))
		case st.version == rep.version && st.gen != rep.gen:
			problems = append(problems, fmt.Sprintf("piece %d version %d holds gen %d, but gen %d was reported saved at that version", id, st.version, st.gen, rep.gen))
		case st.version == rep.version+1 && st.gen > rep.gen && st.gen > base:
			unreported++ // the save in flight at the kill
		case st.version > rep.version:
			problems = append(problems, fmt.Sprintf("piece %d is at version %d (gen %d); the last reported save was version %d (gen %d)", id, st.version, st.gen, rep.version, rep.gen))
		}
	}
	for id, st := range stored {
		if _, ok := reported[id]; ok {
			continue
		}
		if st.version != 1 || st.gen <= base {
			problems = append(problems, fmt.Sprintf("piece %d (version %d, gen %d) was never reported", id, st.version, st.gen))
		}
		unreported++ // a new piece whose creation was in flight
	}
	if unreported > 1 {
		problems = append(problems, fmt.Sprintf("%d saves went in unreported; only the one in flight at the kill may", unreported))
	}
	if len(problems) > 0 {
		return nil, 0, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return stored, unreported, nil
}

// checkLatestRevision checks that the piece's history ends with the save
// the piece holds: a save and its revision go in together or not at all.
func checkLatestRevision(s *Store, id int64, st savedState, imgs []genImage) error {
	revs, err := s.Revisions(ctx, id)
	if err != nil {
		return fmt.Errorf("revisions of piece %d: %w", id, err)
	}
	if len(revs) == 0 {
		return fmt.Errorf("piece %d (version %d) has no revision", id, st.version)
	}
	for i := 1; i < len(revs); i++ {
		if revs[i].Number != revs[i-1].Number-1 || revs[i].Version >= revs[i-1].Version {
			return fmt.Errorf("piece %d: revision %d (version %d) follows revision %d (version %d)",
				id, revs[i-1].Number, revs[i-1].Version, revs[i].Number, revs[i].Version)
		}
	}
	if revs[0].Version != st.version {
		return fmt.Errorf("piece %d is at version %d, its latest revision %d at version %d", id, st.version, revs[0].Number, revs[0].Version)
	}
	p, err := s.RevisionPiece(ctx, id, revs[0].Number)
	if err != nil {
		return fmt.Errorf("revision %d of piece %d: %w", revs[0].Number, id, err)
	}
	gen, err := generationOf(p, "Gen", imgs)
	if err != nil {
		return fmt.Errorf("revision %d: %w", revs[0].Number, err)
	}
	if gen != st.gen {
		return fmt.Errorf("piece %d holds gen %d, its latest revision %d gen %d", id, st.gen, revs[0].Number, gen)
	}
	return nil
}

// checkWholeFile runs SQLite's full integrity check, the foreign key check
// and the search index's own check, and checks that every stored image is
// whole (its bytes hash to its name) and used by something.
func checkWholeFile(s *Store) error {
	var problems []string
	err := queryEach(ctx, s.rdb, "PRAGMA integrity_check", nil, func(r *sql.Rows) error {
		var msg string
		if err := r.Scan(&msg); err != nil {
			return err
		}
		if msg != "ok" {
			problems = append(problems, "integrity_check: "+msg)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("integrity_check: %w", err)
	}
	err = queryEach(ctx, s.rdb, "PRAGMA foreign_key_check", nil, func(r *sql.Rows) error {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := r.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		problems = append(problems, fmt.Sprintf("foreign_key_check: %s row %v points to a missing %s", table, rowid.Int64, parent))
		return nil
	})
	if err != nil {
		return fmt.Errorf("foreign_key_check: %w", err)
	}
	if _, err := s.db.Exec(`INSERT INTO piece_search (piece_search) VALUES ('integrity-check')`); err != nil {
		problems = append(problems, "search index integrity-check: "+err.Error())
	}

	// Images no longer used are dropped in the save that stops using
	// them. What may use an image is found from the schema, so tables
	// added later (revisions, the trash) count too.
	var users []string
	err = queryEach(ctx, s.rdb, `
		SELECT m.name, f."from" FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND f."table" = 'images'`, nil, func(r *sql.Rows) error {
		var table, col string
		if err := r.Scan(&table, &col); err != nil {
			return err
		}
		users = append(users, fmt.Sprintf(`NOT EXISTS (SELECT 1 FROM "%s" WHERE "%s" = i.id)`, table, col))
		return nil
	})
	if err != nil {
		return err
	}
	if len(users) > 0 {
		var unused int
		if err := s.rdb.QueryRow(`SELECT count(*) FROM images i WHERE ` + strings.Join(users, " AND ")).Scan(&unused); err != nil {
			return err
		}
		if unused > 0 {
			problems = append(problems, fmt.Sprintf("%d stored images are used by nothing", unused))
		}
	}
	err = queryEach(ctx, s.rdb, `SELECT id, sha256, data FROM images`, nil, func(r *sql.Rows) error {
		var id int64
		var hash string
		var data []byte
		if err := r.Scan(&id, &hash, &data); err != nil {
			return err
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != hash {
			problems = append(problems, fmt.Sprintf("image %d (%d bytes) does not hash to its name %s", id, len(data), shortHash(hash)))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

// checkSearchEntry checks that the piece has one search entry and that
// every indexed part of it has the words of generation gen. An entry that
// lagged behind its piece, or kept words of an older save, is caught here
// (stale entries also fail the count in checkSearchCount).
func checkSearchEntry(s *Store, p *galley.Piece, gen int) error {
	var key sql.NullInt64
	if err := s.rdb.QueryRow(`SELECT search_rowid FROM pieces WHERE id = ?`, p.ID).Scan(&key); err != nil {
		return err
	}
	if !key.Valid {
		return fmt.Errorf("piece %d has no search entry", p.ID)
	}
	cols := []string{"title", "summary", "body", "photos", "topics"}
	if len(p.QA) > 0 {
		cols = append(cols, "qa")
	}
	var missing []string
	for _, col := range cols {
		var n int
		err := s.rdb.QueryRow(`SELECT count(*) FROM piece_search WHERE piece_search MATCH ? AND rowid = ?`,
			fmt.Sprintf(`%s : "gen %d"`, col, gen), key.Int64).Scan(&n)
		if err != nil {
			return err
		}
		if n != 1 {
			missing = append(missing, col)
		}
	}
	var n int
	err := s.rdb.QueryRow(`SELECT count(*) FROM piece_search WHERE piece_search MATCH ? AND rowid = ?`,
		fmt.Sprintf(`people : "%s"`, p.Contributors[0].Name), key.Int64).Scan(&n)
	if err != nil {
		return err
	}
	if n != 1 {
		missing = append(missing, "people")
	}
	if len(missing) > 0 {
		return fmt.Errorf("the search entry of piece %d lacks gen %d in %s", p.ID, gen, strings.Join(missing, ", "))
	}
	return nil
}

// checkSearchCount checks that the search index holds one entry per piece,
// none left over from older saves.
func checkSearchCount(s *Store) error {
	var entries, pieces, titled int
	if err := s.rdb.QueryRow(`SELECT count(*) FROM piece_search`).Scan(&entries); err != nil {
		return err
	}
	if err := s.rdb.QueryRow(`SELECT count(*) FROM pieces`).Scan(&pieces); err != nil {
		return err
	}
	if err := s.rdb.QueryRow(`SELECT count(*) FROM piece_search WHERE piece_search MATCH 'title : gen'`).Scan(&titled); err != nil {
		return err
	}
	if entries != pieces || titled != pieces {
		return fmt.Errorf("the search index holds %d entries (%d with a title), for %d pieces", entries, titled, pieces)
	}
	return nil
}

// TestCrashCheckCatchesBrokenSaves makes sure the checks after a kill can
// fail: a lost save, a part of a piece from another save, a stale search
// entry or revision, an image left behind are each reported.
func TestCrashCheckCatchesBrokenSaves(t *testing.T) {
	imgs := genImages()
	cases := []struct {
		name, want string
		spoil      func(s *Store, reported map[int64]savedState, id int64) error
	}{
		{"nothing", "", func(*Store, map[int64]savedState, int64) error { return nil }},
		{"a lost save", "reported saved", func(_ *Store, reported map[int64]savedState, id int64) error {
			reported[id] = savedState{reported[id].version + 1, reported[id].gen + 10}
			return nil
		}},
		{"two saves unreported", "unreported", func(_ *Store, reported map[int64]savedState, id int64) error {
			delete(reported, id)
			delete(reported, id+1)
			return nil
		}},
		{"an answer from another save", "Q&A", func(s *Store, _ map[int64]savedState, id int64) error {
			_, err := s.db.Exec(`UPDATE qa SET answer = 'gen 9 answer' WHERE piece_id = ? AND position = 0`, id+1)
			return err
		}},
		{"a caption from another save", "photo 1", func(s *Store, _ map[int64]savedState, id int64) error {
			_, err := s.db.Exec(`UPDATE photos SET caption = 'gen 9' WHERE piece_id = ?`, id)
			return err
		}},
		{"a topic missing", "topics", func(s *Store, _ map[int64]savedState, id int64) error {
			_, err := s.db.Exec(`DELETE FROM piece_topics WHERE piece_id = ? AND position = 0`, id)
			return err
		}},
		{"no search entry", "search", func(s *Store, _ map[int64]savedState, id int64) error {
			_, err := s.db.Exec(`DELETE FROM piece_search WHERE rowid = (SELECT search_rowid FROM pieces WHERE id = ?)`, id)
			return err
		}},
		{"a stale revision", "revision", func(s *Store, _ map[int64]savedState, id int64) error {
			_, err := s.db.Exec(`UPDATE revisions SET version = version - 1 WHERE piece_id = ?`, id)
			return err
		}},
		{"an image left behind", "used by nothing", func(s *Store, _ map[int64]savedState, _ int64) error {
			_, err := s.db.Exec(`INSERT INTO images (sha256, mime, width, height, size, data) VALUES ('x', 'image/png', 1, 1, 1, x'00')`)
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lib.galley")
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			reported := map[int64]savedState{}
			var first int64
			for gen := 1; gen <= 3; gen++ {
				p := &galley.Piece{}
				fillGeneration(p, "Gen", gen, imgs)
				if err := s.SavePiece(ctx, p); err != nil {
					t.Fatal(err)
				}
				fillGeneration(p, "Gen", gen+3, imgs) // an edit, keeping photos
				if err := s.SavePiece(ctx, p); err != nil {
					t.Fatal(err)
				}
				reported[p.ID] = savedState{p.Version, gen + 3}
				if first == 0 {
					first = p.ID
				}
			}
			err = c.spoil(s, reported, first)
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = checkAfterCrash(path, reported, 0, imgs)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("a sound library fails the checks: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("checks = %v, want an error about %s", err, c.want)
			}
		})
	}
}
