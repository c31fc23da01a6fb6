//go:build linux

package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/galley"
)

const envTwoProcChild = "GALLEY_TWOPROC_CHILD"

// TestTwoProcessChild is one of the two Galleys of the two-process tests.
// GALLEY_TWOPROC_CHILD says what it does:
//
//   - "edit": when told to start ("go END"), opens the library (creating
//     it if need be), adds a piece labelled GALLEY_TWOPROC_LABEL and saves
//     edits to it until the time END, reading and searching the library
//     between saves and closing and reopening it now and then, as an
//     editor switching libraries does. It says "error WHAT CODE MESSAGE"
//     for every error and "done ID VERSION GEN SAVES START STOP SLOWEST"
//     at the end.
//   - "conflict": opens the library, loads piece GALLEY_TWOPROC_PIECE, says
//     "loaded VERSION", and when told to, saves an edit of it. It says
//     "saved VERSION" or "failed CODE MESSAGE".
func TestTwoProcessChild(t *testing.T) {
	mode := os.Getenv(envTwoProcChild)
	if mode == "" {
		t.Skip("a process of the two-process tests")
	}
	path, label := os.Getenv("GALLEY_TWOPROC_LIB"), os.Getenv("GALLEY_TWOPROC_LABEL")
	switch mode {
	case "edit":
		twoProcEdit(t, path, label)
	case "conflict":
		id, _ := strconv.ParseInt(os.Getenv("GALLEY_TWOPROC_PIECE"), 10, 64)
		twoProcConflict(t, path, label, id)
	case "present":
		// A desk with a piece open on a team library, until it is killed.
		id, _ := strconv.ParseInt(os.Getenv("GALLEY_TWOPROC_PIECE"), 10, 64)
		s, err := openAny(path)
		if err != nil {
			t.Fatal(err)
		}
		se, err := s.Join(ctx, label)
		if err == nil {
			err = se.Open(ctx, id)
		}
		if err != nil {
			t.Fatal(err)
		}
		childSay("present")
		childWait(t)
	default:
		t.Fatalf("unknown mode %q", mode)
	}
}

func twoProcEdit(t *testing.T, path, label string) {
	imgs := genImages()
	childSay("ready")
	var endNano int64
	if _, err := fmt.Sscanf(childWait(t), "go %d", &endNano); err != nil {
		t.Fatal(err)
	}
	end := time.Unix(0, endNano)
	errors := 0
	failed := func(what string, err error) bool {
		if err == nil {
			return false
		}
		errors++
		childSay("error %s %s %q", what, galley.ErrorCode(err), err.Error())
		return true
	}
	s, err := openAny(path)
	if failed("open", err) {
		t.FailNow()
	}
	start := time.Now()
	p := &galley.Piece{}
	gen, lastGen, saves := 1, 0, 0
	var slowest time.Duration
	for ; p.ID == 0 && gen < 100; gen++ {
		fillGeneration(p, label, gen, imgs)
		if !failed("create", s.SavePiece(ctx, p)) {
			lastGen, saves = gen, 1
		}
	}
	for ; time.Now().Before(end) && errors < 20; gen++ {
		fillGeneration(p, label, gen, imgs)
		t0 := time.Now()
		err := s.SavePiece(ctx, p)
		slowest = max(slowest, time.Since(t0))
		if !failed(fmt.Sprintf("save gen %d", gen), err) {
			lastGen = gen
			saves++
		}
		// Reads run meanwhile in an editor: the list, a search, the piece.
		_, err = s.FindPieces(ctx, galley.Filter{Query: "gen", Limit: 20})
		failed("search", err)
		_, err = s.CountPieces(ctx, galley.Filter{})
		failed("count", err)
		_, err = s.Piece(ctx, p.ID)
		failed("load", err)
		if gen%50 == 0 {
			failed("close", s.Close())
			if s, err = openAny(path); failed("reopen", err) {
				t.FailNow()
			}
		}
	}
	stop := time.Now()
	failed("close", s.Close())
	childSay("done %d %d %d %d %d %d %d", p.ID, p.Version, lastGen, saves, start.UnixNano(), stop.UnixNano(), slowest)
}

func twoProcConflict(t *testing.T, path, label string, id int64) {
	s, err := openAny(path)
	if err == nil {
		defer s.Close()
	}
	var p *galley.Piece
	if err == nil {
		p, err = s.Piece(ctx, id)
	}
	if err != nil {
		childSay("failed %s %q", galley.ErrorCode(err), err.Error())
		t.FailNow()
	}
	childSay("loaded %d", p.Version)
	round := childWait(t)
	p.Title = label + " wins " + round
	p.Summary = "Saved by " + label + " in " + round
	p.QA = append(p.QA, galley.QA{Question: "Who?", Answer: label})
	if err := s.SavePiece(ctx, p); err != nil {
		childSay("failed %s %q", galley.ErrorCode(err), err.Error())
		return
	}
	childSay("saved %d", p.Version)
}

// TestTwoProcessesEditDifferentPiecesWithoutLocking runs two real Galley
// processes on one library, each editing its own piece as fast as it can
// (with photos, Q&A and topics, sharing the vocabulary rows), reading and
// searching between saves, and closing and reopening the library now and
// then. They start together on a library that does not exist yet. Neither
// may see a single error: no "database is locked", no "busy".
func TestTwoProcessesEditDifferentPiecesWithoutLocking(t *testing.T) {
	dur := 3 * time.Second
	if testing.Short() {
		dur = time.Second
	}
	for _, home := range []string{"file", "server"} {
		t.Run(home, func(t *testing.T) { twoProcessesEditDifferentPieces(t, home, dur) })
	}
}

func twoProcessesEditDifferentPieces(t *testing.T, home string, dur time.Duration) {
	path := filepath.Join(t.TempDir(), "shared.galley")
	if home == "server" {
		path = serverAddress(t)
	}
	var children []*child
	for _, label := range []string{"Alpha", "Beta"} {
		c := startChild(t, label, "TestTwoProcessChild", envTwoProcChild+"=edit",
			"GALLEY_TWOPROC_LIB="+path, "GALLEY_TWOPROC_LABEL="+label)
		defer c.kill()
		children = append(children, c)
	}
	for _, c := range children {
		if line, ok := c.next(60 * time.Second); !ok || line != "ready" {
			t.Fatalf("%s did not get ready\n%s", c.name, c.report())
		}
	}
	// Both edit until the same moment; the half second covers opening
	// (and creating) the library.
	end := time.Now().Add(dur + 500*time.Millisecond)
	for _, c := range children {
		if err := c.send(fmt.Sprintf("go %d", end.UnixNano())); err != nil {
			t.Fatal(err)
		}
	}

	type result struct {
		id, version int64
		gen, saves  int
		start, end  int64
		slowest     time.Duration
		label       string
	}
	var results []result
	for _, c := range children {
		lines, err := c.wait()
		var r result
		done := false
		var errs []string
		for _, line := range lines {
			switch {
			case strings.HasPrefix(line, "done "):
				_, serr := fmt.Sscanf(line, "done %d %d %d %d %d %d %d", &r.id, &r.version, &r.gen, &r.saves, &r.start, &r.end, &r.slowest)
				done = serr == nil
			default:
				errs = append(errs, line)
			}
		}
		if len(errs) > 0 {
			t.Errorf("%s surfaced %d errors:\n  %s", c.name, len(errs), strings.Join(errs, "\n  "))
		}
		if low := strings.ToLower(c.stderr.String() + c.other.String()); strings.Contains(low, "locked") || strings.Contains(low, "busy") {
			t.Errorf("%s mentions a lock:\n%s", c.name, c.report())
		}
		if err != nil || !done {
			t.Fatalf("%s did not finish (%v)\n%s", c.name, err, c.report())
		}
		r.label = c.name
		results = append(results, r)
	}
	a, b := results[0], results[1]
	overlap := time.Duration(min(a.end, b.end) - max(a.start, b.start))
	t.Logf("%s: %d saves (slowest %v), %s: %d saves (slowest %v), side by side for %v", a.label, a.saves, a.slowest.Round(time.Millisecond),
		b.label, b.saves, b.slowest.Round(time.Millisecond), overlap.Round(time.Millisecond))
	if overlap < dur/2 {
		t.Errorf("the two processes edited side by side for only %v of %v", overlap, dur)
	}

	s, err := openAny(path, Options{QuickCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if home == "file" {
		if err := checkWholeFile(s); err != nil {
			t.Error(err)
		}
	}
	imgs := genImages()
	for _, r := range results {
		if r.saves < 10 {
			t.Errorf("%s saved only %d times", r.label, r.saves)
		}
		if r.version != int64(r.saves) {
			t.Errorf("%s: %d saves took its piece to version %d", r.label, r.saves, r.version)
		}
		p, err := s.Piece(ctx, r.id)
		if err != nil {
			t.Fatalf("%s's piece: %v", r.label, err)
		}
		gen, err := generationOf(p, r.label, imgs)
		if err != nil {
			t.Error(err)
		}
		if gen != r.gen || p.Version != r.version {
			t.Errorf("%s's piece holds gen %d at version %d; its last save was gen %d at version %d", r.label, gen, p.Version, r.gen, r.version)
		}
	}
}

// TestTwoProcessesSavingOnePieceConflict has two real processes load the
// same piece at the same version and save it at the same moment: one save
// goes in, the other gets the version conflict (not a lock error), and
// the library holds the winner's edit.
func TestTwoProcessesSavingOnePieceConflict(t *testing.T) {
	rounds := 5
	if testing.Short() {
		rounds = 2
	}
	for _, home := range []string{"file", "server"} {
		t.Run(home, func(t *testing.T) { twoProcessesSaveOnePiece(t, home, rounds) })
	}
}

func twoProcessesSaveOnePiece(t *testing.T, home string, rounds int) {
	path := filepath.Join(t.TempDir(), "shared.galley")
	if home == "server" {
		path = serverAddress(t)
	}
	s, err := openAny(path)
	if err != nil {
		t.Fatal(err)
	}
	p := fullPiece("Shared Piece", 1)
	err = s.SavePiece(ctx, p)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}

	wins := map[string]int{}
	for round := range rounds {
		version := int64(round + 1)
		var children []*child
		for _, label := range []string{"Alpha", "Beta"} {
			c := startChild(t, label, "TestTwoProcessChild", envTwoProcChild+"=conflict",
				"GALLEY_TWOPROC_LIB="+path, "GALLEY_TWOPROC_LABEL="+label, "GALLEY_TWOPROC_PIECE="+strconv.FormatInt(p.ID, 10))
			defer c.kill()
			children = append(children, c)
		}
		for _, c := range children {
			if line, ok := c.next(60 * time.Second); !ok || line != fmt.Sprintf("loaded %d", version) {
				t.Fatalf("round %d: %s did not load version %d\n%s", round, c.name, version, c.report())
			}
		}
		// Both hold version `version` now; both save at once.
		for _, c := range children {
			c.send(fmt.Sprintf("round %d", round))
		}
		var winner string
		conflicts := 0
		for _, c := range children {
			lines, err := c.wait()
			if err != nil || len(lines) != 1 {
				t.Fatalf("round %d: %s ended with %v\n%s", round, c.name, err, c.report())
			}
			var code, msg string
			switch line := lines[0]; {
			case line == fmt.Sprintf("saved %d", version+1):
				if winner != "" {
					t.Fatalf("round %d: both %s and %s saved over version %d", round, winner, c.name, version)
				}
				winner = c.name
			case strings.HasPrefix(line, "failed "):
				if _, err := fmt.Sscanf(line, "failed %s %q", &code, &msg); err != nil {
					t.Fatalf("round %d: %s said %q", round, c.name, line)
				}
				if code != galley.EConflict || !strings.Contains(msg, "changed elsewhere") || strings.Contains(strings.ToLower(msg), "busy") {
					t.Fatalf("round %d: %s's save failed with %s %q, want the version conflict", round, c.name, code, msg)
				}
				conflicts++
			default:
				t.Fatalf("round %d: %s said %q", round, c.name, line)
			}
		}
		if winner == "" || conflicts != 1 {
			t.Fatalf("round %d: winner %q, %d conflicts; want one of each", round, winner, conflicts)
		}
		wins[winner]++

		s, err := openAny(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Piece(ctx, p.ID)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%s wins round %d", winner, round)
		if got.Version != version+1 || got.Title != want || got.QA[len(got.QA)-1].Answer != winner {
			t.Fatalf("round %d: stored %q at version %d (last answer %q), want %q at version %d",
				round, got.Title, got.Version, got.QA[len(got.QA)-1].Answer, want, version+1)
		}
	}
	t.Logf("saves won in %d rounds: %v", rounds, wins)
}
