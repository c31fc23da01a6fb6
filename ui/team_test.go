//go:build linux

package ui

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/jackc/pgx/v5"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/pgtest"
	"app.galley/galley/internal/store"
)

// galleyBinary builds the real galley command once per test binary, so
// that the command line takes part as the program of its own it is.
func galleyBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "galley")
	cmd := exec.Command("go", "build", "-o", bin, "app.galley/galley/cmd/galley")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building galley: %v\n%s", err, out)
	}
	return bin
}

// cli runs the real galley command and returns what it printed; it
// fails the test when the exit status is not want.
func cli(t *testing.T, bin string, want int, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "GALLEY_DB=", "HOME="+t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("galley %s: %v", strings.Join(args, " "), err)
	}
	if code != want {
		t.Fatalf("galley %s exited %d, not %d:\n%s%s", strings.Join(args, " "), code, want, out.String(), errb.String())
	}
	return out.String() + errb.String()
}

// A team at work on one server library: the command line sets it up and
// brings in a bundle, a writer's desk and an editor's desk work on the
// same piece, each seeing the other's work as it happens, and the command
// line then finds, lists and exports what they did — every program with a
// connection of its own and a role the server enforces.
func TestATeamOfTwoDesksAndTheCommandLine(t *testing.T) {
	srv := pgtest.Start(t)
	admin := srv.NewDatabase(t)
	as := func(user string) string { return strings.Replace(admin, "galley_admin@", user+"@", 1) }
	bin := galleyBinary(t)

	cli(t, bin, 0, "team", "init", admin)
	cli(t, bin, 0, "--db", admin, "team", "add", "dana", "--role", "writer")
	cli(t, bin, 0, "--db", admin, "team", "add", "eve", "--role", "editor")
	bundleDir := t.TempDir()
	index := `{"format": "galley.bundle/1", "pieces": [
	  {"title": "Harbour Works", "slug": "harbour-works", "type": "Analysis", "status": "draft", "summary": "Cranes at dawn."},
	  {"title": "Tidal Questions", "slug": "tidal-questions", "type": "Q&A", "status": "draft",
	   "qa": [{"question": "Why the tide?", "answer": "Because the moon insists."}]}]}`
	if err := os.WriteFile(filepath.Join(bundleDir, "pieces.json"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := cli(t, bin, 0, "--db", as("eve"), "import", bundleDir); !strings.Contains(out, "2") {
		t.Errorf("the import said %q", out)
	}

	desk := func(user string) (*Desk, *uiQueue, *store.Store) {
		lib, err := store.Open(as(user))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { lib.Close() })
		d, q := queuedDesk(t, lib)
		d.CheckAndMaintain()
		if !runFor(q, func() bool { return !d.checking && d.session != nil && d.role != "" }) {
			t.Fatalf("%s's desk did not join the team library", user)
		}
		return d, q, lib
	}
	dana, dq, danaLib := desk("dana")
	eve, eq, _ := desk("eve")
	if dana.role != "writer" || eve.role != "editor" {
		t.Fatalf("the desks learned the roles %q and %q", dana.role, eve.role)
	}
	p, err := danaLib.PieceBySlug(context.Background(), "tidal-questions")
	if err != nil {
		t.Fatal(err)
	}
	// Both watchers, started after the check, listen before anything is
	// done that they must hear of: the server says when.
	listening(t, admin, "dana", "eve")

	// Dana opens the interview and types; Eve's list shows it open by her.
	if !dana.editor.open(p.ID) {
		t.Fatal("Dana's desk did not open the piece")
	}
	words := " Salt marshes keep the record."
	typeSummary(dana, words)
	if !strings.HasSuffix(dana.editor.piece.Summary, words) {
		t.Fatalf("Dana's desk took her typing as %q (%s)", dana.editor.piece.Summary, dana.editor.stateText())
	}
	if !dana.editor.save(true) {
		t.Fatalf("Dana's save failed: %s", dana.editor.stateText())
	}
	// On the server, not only kept on her computer.
	stored, err := danaLib.PieceBySlug(context.Background(), "tidal-questions")
	if err != nil {
		t.Fatalf("reading the piece from the server after Dana's save: %v", err)
	}
	if !strings.HasSuffix(stored.Summary, words) {
		t.Fatalf("the server holds %q after Dana's save (her desk says %s, offline %v)", stored.Summary, dana.editor.stateText(), dana.offline.offline)
	}
	if !runFor(eq, func() bool { return strings.Contains(listLine(eve, p.ID), "open by dana") }) {
		t.Errorf("Eve's list says %q of the piece Dana has open", listLine(eve, p.ID))
	}

	// Eve opens it: she reads Dana's words, Dana sees her there. Her desk
	// may have had it open already, from before Dana's save: then the
	// server's word that it changed brings the words, through her desk's
	// queue like every change another program makes.
	if !eve.editor.open(p.ID) {
		t.Fatal("Eve's desk did not open the piece")
	}
	if !runFor(eq, func() bool { return strings.HasSuffix(eve.editor.piece.Summary, words) }) {
		t.Errorf("Eve reads %q", eve.editor.piece.Summary)
	}
	if !runFor(dq, func() bool { return strings.HasPrefix(dana.editor.present.Text, "Open by eve since ") }) {
		t.Errorf("Dana's desk shows %q while Eve has the piece open", dana.editor.present.Text)
	}

	// Dana may not publish; Eve may, and Dana's desk shows it at once.
	dana.editor.story.status.SetSelected("Published")
	if dana.editor.piece.Status != galley.StatusDraft {
		t.Errorf("a writer's desk marked the piece %s", dana.editor.piece.Status)
	}
	tapButton(t, dana.win, "OK")
	eve.editor.story.status.SetSelected("Published")
	if strings.Contains(overlayText(eve.win), "anyway?") {
		tapButton(t, eve.win, "Yes") // the pre-publish checks ask first
	}
	if eve.editor.piece.Status != galley.StatusPublished {
		t.Fatalf("an editor's desk left the piece %s:\n%s", eve.editor.piece.Status, overlayText(eve.win))
	}
	if !eve.editor.save(true) {
		t.Fatalf("Eve's save failed: %s", eve.editor.stateText())
	}
	if !runFor(dq, func() bool { return dana.editor.piece.Status == galley.StatusPublished }) {
		t.Errorf("Dana's desk still shows the piece %s after Eve published it", dana.editor.piece.Status)
	}

	// The command line, a program of its own, sees what the desks did.
	if out := cli(t, bin, 0, "--db", as("dana"), "list", "--query", "marsh"); !strings.HasPrefix(out, "tidal-questions") {
		t.Errorf("searching for Dana's words finds:\n%s", out)
	}
	if out := cli(t, bin, 0, "--db", as("dana"), "list", "--status", "published"); !strings.Contains(out, "tidal-questions") || strings.Contains(out, "harbour-works") {
		t.Errorf("the published pieces:\n%s", out)
	}
	history := cli(t, bin, 0, "--db", as("eve"), "revisions", "tidal-questions")
	for _, who := range []string{"dana", "eve"} {
		if !strings.Contains(history, who) {
			t.Errorf("the piece's history does not name %s:\n%s", who, history)
		}
	}
	site := filepath.Join(t.TempDir(), "site")
	cli(t, bin, 0, "--db", as("dana"), "html", "--out", site)
	page, err := os.ReadFile(filepath.Join(site, "pieces", "tidal-questions.html"))
	if err != nil {
		entries, _ := os.ReadDir(site)
		t.Fatalf("the export has no page for the piece (%v): %v", err, entries)
	}
	if !bytes.Contains(page, []byte("Salt marshes keep the record.")) {
		t.Error("the exported page lacks Dana's words")
	}
	// And what a writer may not do, the server refuses to the command line too.
	if out := cli(t, bin, 1, "--db", as("dana"), "delete", "tidal-questions"); !strings.Contains(out, "editor") {
		t.Errorf("a writer deleting from the command line was told %q", out)
	}
	// A piece the command line deletes as an editor leaves both lists.
	cli(t, bin, 0, "--db", as("eve"), "delete", "harbour-works")
	for _, d := range []struct {
		d *Desk
		q *uiQueue
	}{{dana, dq}, {eve, eq}} {
		if !runFor(d.q, func() bool { return d.d.shelf.list.Length() == 1 }) {
			t.Errorf("a desk's list holds %d pieces after the command line deleted one", d.d.shelf.list.Length())
		}
	}
}

// listLine is the second line the desk's list shows for piece id, as its
// row draws it; "" when the list does not hold it.
func listLine(d *Desk, id int64) string {
	for i := range d.shelf.list.Length() {
		if sum, err := d.shelf.pages.Item(i); err == nil && sum.ID == id {
			row := newSummaryRow()
			d.shelf.updateRow(i, row)
			return row.(*fyne.Container).Objects[1].(*widget.Label).Text
		}
	}
	return ""
}

// listening waits until each user has a connection listening for the
// library's changes, as the server sees it (pg_stat_activity shows the
// last statement a connection ran; a watcher's is its LISTEN). admin
// connects as the server's superuser, who sees every connection.
func listening(t *testing.T, admin string, users ...string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		err := conn.QueryRow(context.Background(), `SELECT count(DISTINCT usename) FROM pg_stat_activity
			WHERE usename = ANY($1) AND query LIKE 'LISTEN %'`, users).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == len(users) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s, %d of %v listen for the library's changes", n, users)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
