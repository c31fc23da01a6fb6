package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"app.galley/galley/internal/galley"
)

func TestSwitchingLibrariesSavesAndRemembers(t *testing.T) {
	first := testLibrary(t, &galley.Piece{Title: "In The First"})
	dir := t.TempDir()
	second := filepath.Join(dir, "second.galley")
	d := newTestDesk(t, first)
	d.SetAutosaveDelay(time.Hour)
	d.SetLibraryOpener(first.Path(), openStore, func() error { return nil })
	if !strings.HasSuffix(d.win.Title(), "— Galley") {
		t.Errorf("the window is titled %q", d.win.Title())
	}
	id := d.editor.piece.ID
	test.Type(d.editor.story.summary, "Saved before the switch.")
	d.switchLibrary(second, true)
	opened(t, d)
	if got := stored(t, first, id).Summary; got != "Saved before the switch." {
		t.Errorf("switching libraries lost the summary: %q", got)
	}
	if d.shelf.list.Length() != 0 || d.editor.piece != nil || !strings.HasPrefix(d.win.Title(), "second") {
		t.Errorf("after switching: %d pieces listed, title %q", d.shelf.list.Length(), d.win.Title())
	}
	if recent := d.recentLibraries(); len(recent) != 2 || recent[0] != second || recent[1] != first.Path() {
		t.Errorf("recent libraries %v", recent)
	}
	if offered := recentMenu(d); len(offered) != 2 || offered[0] != second {
		t.Errorf("File → Open Recent offers %v", offered)
	}
	// A library that cannot be opened leaves the desk as it was.
	d.opener = func(string, bool) (Library, func() error, error) {
		return nil, nil, galley.Errorf(galley.EInvalid, "broken.galley is not a Galley library.")
	}
	d.switchLibrary(filepath.Join(dir, "broken.galley"), false)
	if !strings.Contains(overlayText(d.win), "is not a Galley library") || !strings.HasPrefix(d.win.Title(), "second") {
		t.Error("a failed open did not say so, or changed the desk")
	}
	d.runShortcut(shortcutNew)
	test.Type(d.editor.story.title, "In The Second")
	d.editor.save(true)
	n, _ := d.lib.CountPieces(context.Background(), galley.Filter{})
	if n != 1 {
		t.Errorf("the second library holds %d pieces", n)
	}
}

func TestAPieceDeletedElsewhereIsKeptAsACopy(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Doomed Piece"})
	d := newTestDesk(t, lib)
	d.SetAutosaveDelay(time.Hour)
	id := d.editor.piece.ID
	if _, err := lib.DeletePiece(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	test.Type(d.editor.story.body, "Words worth keeping.")
	d.runShortcut(shortcutSave)
	if !strings.Contains(overlayText(d.win), "was deleted elsewhere") {
		t.Fatalf("no dialog about the deletion:\n%s", overlayText(d.win))
	}
	tapButton(t, d.win, "Keep mine as a copy")
	settled(d) // the copy is saved in the background
	p := findByTitle(t, lib, "Doomed Piece (my copy)")
	if p == nil || p.Body != "Words worth keeping." {
		t.Errorf("the words were not kept: %+v", p)
	}
}

func TestAContributorsRoleIsEditedOnceForAllTheirPieces(t *testing.T) {
	lib := testLibrary(t,
		&galley.Piece{Title: "First By Ada", Contributors: []galley.Contributor{{Name: "Ada Quill", Role: "fellow"}}},
		&galley.Piece{Title: "Second By Ada", Contributors: []galley.Contributor{{Name: "Ada Quill"}}},
	)
	d := newTestDesk(t, lib)
	m := d.showContributors()
	if len(m.rows) != 1 || m.rows[0].pieces != 2 || m.rows[0].detail != "fellow" {
		t.Fatalf("the manager lists %+v", m.rows)
	}
	m.list.Select(0)
	people, _ := lib.Contributors(context.Background())
	m.apply(func(ctx context.Context) error {
		c := people[0]
		c.Role = "senior fellow"
		return lib.UpdateContributor(ctx, c)
	})
	m.wait()
	for _, title := range []string{"First By Ada", "Second By Ada"} {
		if p := findByTitle(t, lib, title); p.Contributors[0].Role != "senior fellow" {
			t.Errorf("%s shows the role %q", title, p.Contributors[0].Role)
		}
	}
	// The byline on the desk shows the new role, read-only.
	d.editor.selectTab(d.editor.story.content)
	if !strings.Contains(test.RenderObjectToMarkup(d.editor.story.byline), "senior fellow") {
		t.Error("the open piece's byline does not show the new role")
	}
	// Deleting someone still on a byline is refused with a reason.
	m.apply(func(ctx context.Context) error { return lib.DeleteContributor(ctx, people[0].ID) })
	m.wait()
	if !strings.Contains(overlayText(m.win), "Ada Quill") {
		t.Errorf("deleting a contributor on bylines was not refused in words:\n%s", overlayText(m.win))
	}
}

func TestAManagerClosedWhileWorkingStillSaysWhatFailed(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "A Piece"})
	d := newTestDesk(t, lib)
	m := d.showTypes()
	release := make(chan struct{})
	m.apply(func(context.Context) error {
		<-release
		return galley.Errorf(galley.EConflict, "A type named Report already exists.")
	})
	m.win.Close()
	close(release)
	m.wait()
	if !strings.Contains(overlayText(d.win), "Report already exists") {
		t.Errorf("the failure of a change whose manager was closed was not shown on the desk:\n%s", overlayText(d.win))
	}
}

func TestNewLibraryMakesOneAndNeverEmptiesAnExistingOne(t *testing.T) {
	first := testLibrary(t, &galley.Piece{Title: "In The First"})
	d := newTestDesk(t, first)
	// As Galley's own opener: a library to create must not exist yet.
	d.SetLibraryOpener(first.Path(), func(path string, create bool) (Library, func() error, error) {
		if _, err := os.Stat(path); create && err == nil {
			return nil, nil, galley.Errorf(galley.EConflict, "%s already exists; open it with File → Open Library instead.", path)
		}
		return openStore(path, create)
	}, func() error { return nil })
	t.Cleanup(func() { d.CloseLibrary() })
	dir := filepath.Dir(first.Path())

	// An existing library's name is refused, and the file is left whole.
	existing := libraryFile(t, &galley.Piece{Title: "Kept Whole"})
	before, err := os.ReadFile(existing)
	if err != nil {
		t.Fatal(err)
	}
	f := d.askNewLibrary()
	f.folder.path = filepath.Dir(existing)
	f.name.SetText("other")
	tapButton(t, d.win, "Create")
	if !strings.Contains(overlayText(d.win), "already exists") {
		t.Errorf("choosing an existing library was not refused:\n%s", overlayText(d.win))
	}
	if after, err := os.ReadFile(existing); err != nil || !bytes.Equal(before, after) {
		t.Fatalf("asking for a new library changed the existing one (%d bytes, was %d; %v)", len(after), len(before), err)
	}

	// A name without folders, in the folder of the library on the desk.
	f = d.askNewLibrary()
	if f.folder.path != dir {
		t.Errorf("the new library would go in %q, not beside the library on the desk", f.folder.path)
	}
	f.name.SetText("a/b")
	if f.name.Validate() == nil {
		t.Error("a name with a folder in it was taken")
	}
	f.name.SetText("Second Desk")
	tapButton(t, d.win, "Create")
	opened(t, d)
	want := filepath.Join(dir, "Second Desk.galley")
	if _, err := os.Stat(want); err != nil || !strings.HasPrefix(d.win.Title(), "Second Desk") {
		t.Fatalf("no new library %s on the desk (%v; title %q)", want, err, d.win.Title())
	}
	if n, _ := d.lib.CountPieces(context.Background(), galley.Filter{}); n != 0 || d.libPath != want {
		t.Errorf("the desk holds %d pieces of %s", n, d.libPath)
	}
}

// recentMenu lists what File → Open Recent offers.
func recentMenu(d *Desk) []string {
	var paths []string
	for _, it := range d.win.MainMenu().Items[0].Items {
		if it.Label == "Open Recent" && it.ChildMenu != nil {
			for _, r := range it.ChildMenu.Items {
				paths = append(paths, r.Label)
			}
		}
	}
	return paths
}

// The desk opens each library at the piece last open in it, and the
// window at the size it last had.
func TestTheDeskRemembersTheLastPieceAndItsSize(t *testing.T) {
	old := &galley.Piece{Title: "An Older Piece", Published: galley.Date{Year: 2020, Month: 1, Day: 2}, Status: galley.StatusPublished}
	first := testLibrary(t, old, &galley.Piece{Title: "The Newest Piece"})
	d := newTestDesk(t, first)
	d.SetLibraryOpener(first.Path(), openStore, func() error { return nil })
	if d.editor.piece.Title != "The Newest Piece" {
		t.Fatalf("a library opened for the first time shows %q, not its newest piece", d.editor.piece.Title)
	}
	if !d.editor.open(old.ID) {
		t.Fatal("could not open the older piece")
	}
	second := filepath.Join(t.TempDir(), "second.galley")
	d.switchLibrary(second, true)
	opened(t, d)
	d.switchLibrary(first.Path(), false)
	opened(t, d)
	if d.editor.piece == nil || d.editor.piece.ID != old.ID {
		t.Errorf("back in the first library the desk shows %v, not the piece last open there", d.editor.piece)
	}

	d.win.Resize(fyne.NewSize(1010, 690))
	d.quit()
	settled(d)
	again := queuedNewDesk(t, d.app, first)
	t.Cleanup(func() { stopped(t, again) })
	opened(t, again)
	if size := again.win.Canvas().Size(); size.Width != 1010 || size.Height != 690 {
		t.Errorf("the next window opened at %v, not the size the last one had", size)
	}
}

// A team library's address is remembered, and titles the window, without
// its password.
func TestATeamLibrarysPasswordIsNeverKept(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Team Piece"})
	d := newTestDesk(t, lib)
	address := "postgres://dana:s3cret@db.example/newsroom"
	d.SetLibraryOpener(address, openStore, func() error { return nil })
	d.rememberPiece(d.editor.piece.ID)
	for _, kept := range d.recentLibraries() {
		if strings.Contains(kept, "s3cret") {
			t.Errorf("the recent libraries keep %q", kept)
		}
	}
	if strings.Contains(d.win.Title(), "s3cret") || !strings.HasPrefix(d.win.Title(), "newsroom") {
		t.Errorf("the window is titled %q", d.win.Title())
	}
	if d.lastPiece() != d.editor.piece.ID {
		t.Error("the last piece of a team library was not remembered")
	}
}

// Reaching a team library happens off the UI goroutine: the desk says it
// is reaching it and stays as it was until the server answers, then the
// library goes on the desk; a server that refuses leaves the desk alone.
func TestReachingATeamLibraryKeepsTheWindowDrawing(t *testing.T) {
	first := testLibrary(t, &galley.Piece{Title: "In The First"})
	second := testLibrary(t, &galley.Piece{Title: "On The Server"})
	d, q := queuedDesk(t, first)
	answer := make(chan error)
	d.SetLibraryOpener(first.Path(), func(string, bool) (Library, func() error, error) {
		if err := <-answer; err != nil {
			return nil, nil, err
		}
		return second, func() error { return nil }, nil
	}, func() error { return nil })
	const address = "postgres://dana@db.example/newsroom"

	d.switchLibrary(address, false) // returns while the server is silent
	if !strings.Contains(overlayText(d.win), "Reaching the team library") {
		t.Errorf("while reaching the server the window shows:\n%s", overlayText(d.win))
	}
	if d.editor.piece.Title != "In The First" {
		t.Errorf("the desk shows %q before the server answered", d.editor.piece.Title)
	}
	answer <- galley.Errorf(galley.EUnavailable, "Cannot reach the team library.")
	pump(d, q)
	if text := overlayText(d.win); !strings.Contains(text, "Cannot reach the team library") || strings.Contains(text, "Reaching") {
		t.Errorf("after the server refused the window shows:\n%s", text)
	}
	closeDialogs(d)
	if d.editor.piece.Title != "In The First" || d.retiring {
		t.Errorf("a refused open changed the desk: %q", d.editor.piece.Title)
	}

	d.switchLibrary(address, false)
	answer <- nil
	pump(d, q)
	opened(t, d)
	if d.editor.piece == nil || d.editor.piece.Title != "On The Server" || !strings.HasPrefix(d.win.Title(), "newsroom") {
		t.Errorf("after the server answered the desk shows %+v, titled %q", d.editor.piece, d.win.Title())
	}
}
