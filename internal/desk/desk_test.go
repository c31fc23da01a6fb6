package desk

import (
	"errors"
	"slices"
	"testing"

	"app.galley/galley/internal/galley"
)

func TestPlanSave(t *testing.T) {
	saved := Piece{Open: true}
	edited := Piece{Open: true, Dirty: true}
	fresh := Piece{Open: true, New: true, Untitled: true, Empty: true}
	cases := []struct {
		name     string
		p        Piece
		explicit bool
		want     SavePlan
	}{
		{"nothing open", Piece{}, true, SavePlan{Action: UpToDate}},
		{"saved and untouched", saved, true, SavePlan{Action: UpToDate}},
		{"an autosave of an edit", edited, false, SavePlan{Action: Write, LockWait: AutosaveLockWait}},
		{"Ctrl+S waits longer for another program", edited, true, SavePlan{Action: Write, LockWait: SaveLockWait}},
		{"a conflict waits for the editor", Piece{Open: true, Dirty: true, Conflicted: true}, true, SavePlan{Action: Blocked}},
		{"the check first, for an autosave", Piece{Open: true, Dirty: true, Checking: true}, false,
			SavePlan{Action: NotYet, State: "Unsaved: checking the library first"}},
		{"the editor's save does not wait for the check", Piece{Open: true, Dirty: true, Checking: true}, true,
			SavePlan{Action: Write, LockWait: SaveLockWait}},
		{"a new piece waits for a title", Piece{Open: true, Dirty: true, New: true, Untitled: true}, false,
			SavePlan{Action: NotYet, State: "New: saved once it has a title"}},
		{"a new piece never touched still waits", fresh, false, SavePlan{Action: NotYet, State: "New: saved once it has a title"}},
		{"Ctrl+S saves a new untitled piece (the library names the blank title)", Piece{Open: true, Dirty: true, New: true, Untitled: true}, true,
			SavePlan{Action: Write, LockWait: SaveLockWait}},
		{"a new titled piece is written", Piece{Open: true, Dirty: true, New: true}, false, SavePlan{Action: Write, LockWait: AutosaveLockWait}},
		{"out of reach: kept here", Piece{Open: true, Dirty: true, Offline: true}, false, SavePlan{Action: KeepHere}},
		{"out of reach, asked: kept here without a wait", Piece{Open: true, Dirty: true, Offline: true}, true, SavePlan{Action: KeepHere}},
		{"out of reach while in conflict: still the editor's choice", Piece{Open: true, Dirty: true, Offline: true, Conflicted: true}, true, SavePlan{Action: Blocked}},
	}
	for _, c := range cases {
		if got := PlanSave(c.p, c.explicit); got != c.want {
			t.Errorf("%s: PlanSave(%+v, %v) = %+v, want %+v", c.name, c.p, c.explicit, got, c.want)
		}
	}
}

func TestPlanFailure(t *testing.T) {
	busy := galley.Errorf(galley.EBusy, "The library is busy.")
	gone := galley.Errorf(galley.EUnavailable, "The server does not answer.")
	conflict := galley.Errorf(galley.EConflict, "The piece changed.")
	missing := galley.Errorf(galley.ENotFound, "No such piece.")
	invalid := galley.Errorf(galley.EInvalid, "The title is too long.")
	cases := []struct {
		name                   string
		err                    error
		team, stored, explicit bool
		want                   Failure
	}{
		{"a team library out of reach goes offline", gone, true, true, false, Failure{GoOffline: true}},
		{"a file out of reach is only reported", gone, false, true, true, Failure{State: "Not saved: The server does not answer.", Dialog: true}},
		{"busy: an autosave tries again", busy, false, true, false,
			Failure{Retry: true, State: "Not saved yet: the library is busy in another program; trying again…"}},
		{"busy: Ctrl+S says so", busy, false, true, true, Failure{State: "Not saved: The library is busy.", Dialog: true}},
		{"a version conflict on a stored piece is looked into", conflict, false, true, false,
			Failure{CheckConflict: true, State: "Not saved: The piece changed."}},
		{"a piece gone underneath is looked into", missing, true, true, true,
			Failure{CheckConflict: true, State: "Not saved: No such piece.", Dialog: true}},
		{"a new piece has nothing stored to compare", conflict, false, false, true, Failure{State: "Not saved: The piece changed.", Dialog: true}},
		{"a bad piece: beside the name only, for an autosave", invalid, false, true, false, Failure{State: "Not saved: The title is too long."}},
		{"an uncoded error is still told", errors.New("disk I/O error"), false, true, true,
			Failure{State: "Not saved: " + galley.ErrorMessage(errors.New("disk I/O error")), Dialog: true}},
	}
	for _, c := range cases {
		if got := PlanFailure(c.err, c.team, c.stored, c.explicit); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestPlanLeave(t *testing.T) {
	cases := []struct {
		name string
		p    Piece
		want LeaveAction
	}{
		{"nothing open", Piece{}, Leave},
		{"saved", Piece{Open: true}, Leave},
		{"a conflict not yet chosen", Piece{Open: true, Conflicted: true}, Stay},
		{"edited", Piece{Open: true, Dirty: true}, SaveFirst},
		{"edited while in conflict: the save says no", Piece{Open: true, Dirty: true, Conflicted: true}, SaveFirst},
		{"a new piece never typed into", Piece{Open: true, Dirty: true, New: true, Untitled: true, Empty: true}, Drop},
		{"a new piece with words and no title", Piece{Open: true, Dirty: true, New: true, Untitled: true}, Name},
		{"a stored piece whose title was cleared is not renamed", Piece{Open: true, Dirty: true, Untitled: true}, SaveFirst},
	}
	for _, c := range cases {
		if got := PlanLeave(c.p); got != c.want {
			t.Errorf("%s: PlanLeave(%+v) = %v, want %v", c.name, c.p, got, c.want)
		}
	}
}

func TestPieceOf(t *testing.T) {
	if got := PieceOf(nil); got.Open {
		t.Errorf("no piece: %+v", got)
	}
	if got := PieceOf(&galley.Piece{}); got != (Piece{Open: true, New: true, Untitled: true, Empty: true}) {
		t.Errorf("a blank new piece: %+v", got)
	}
	if got := PieceOf(&galley.Piece{ID: 4, Title: "  ", Topics: []string{"Water"}}); got != (Piece{Open: true, Untitled: true}) {
		t.Errorf("a stored piece with a blank title and a topic: %+v", got)
	}
	for _, p := range []galley.Piece{{Summary: "x"}, {Body: "x"}, {QA: []galley.QA{{}}}, {Photos: []galley.Photo{{}}},
		{Contributors: []galley.Contributor{{}}}, {Related: []galley.PieceRef{{}}}} {
		if IsEmpty(&p) {
			t.Errorf("%+v counts as never typed into", p)
		}
	}
}

func TestChangeStatus(t *testing.T) {
	today := galley.Date{Year: 2026, Month: 12, Day: 7}
	set := galley.Date{Year: 2026, Month: 3, Day: 1}
	failing := []string{"Question 1 has no answer."}
	cases := []struct {
		name      string
		from, to  galley.Status
		published galley.Date
		problems  []string
		want      StatusChange
	}{
		{"back to draft: nothing asked", galley.StatusReview, galley.StatusDraft, galley.Date{}, failing, StatusChange{}},
		{"to review with failing checks: nothing asked", galley.StatusDraft, galley.StatusReview, galley.Date{}, failing, StatusChange{}},
		{"ready when the checks pass", galley.StatusReview, galley.StatusReady, galley.Date{}, nil, StatusChange{ForEditor: true}},
		{"ready with failing checks: asked", galley.StatusReview, galley.StatusReady, galley.Date{}, failing,
			StatusChange{ForEditor: true, Confirm: failing}},
		{"published without a date: dated today, the address kept", galley.StatusReady, galley.StatusPublished, galley.Date{}, nil,
			StatusChange{ForEditor: true, KeepSlug: true, Date: today}},
		{"published with its date: the date stays", galley.StatusReady, galley.StatusPublished, set, failing,
			StatusChange{ForEditor: true, Confirm: failing, KeepSlug: true}},
		{"published again (unchanged): no editor needed", galley.StatusPublished, galley.StatusPublished, set, nil,
			StatusChange{KeepSlug: true}},
	}
	for _, c := range cases {
		got := ChangeStatus(c.from, c.to, c.published, c.problems, today)
		if got.ForEditor != c.want.ForEditor || !slices.Equal(got.Confirm, c.want.Confirm) || got.KeepSlug != c.want.KeepSlug || got.Date != c.want.Date {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestSuggestTopics(t *testing.T) {
	known := []galley.Topic{{Name: "Water", Pieces: 3}, {Name: "Wages", Pieces: 9}, {Name: "Drinking Water", Pieces: 1},
		{Name: "Café Culture", Pieces: 2}, {Name: "Energy", Pieces: 5}}
	cases := []struct {
		name     string
		have     []string
		keywords []string
		typed    string
		want     []string
	}{
		{"nothing typed: most used first", nil, nil, "", []string{"Wages", "Energy", "Water", "Café Culture", "Drinking Water"}},
		{"prefix before inside, library order kept", nil, nil, "wa", []string{"Water", "Wages", "Drinking Water"}},
		{"case, spaces and the accent's form aside", nil, nil, "  CAFE\u0301 ", []string{"Café Culture"}},
		{"the piece's own are not offered", []string{"water"}, nil, "wa", []string{"Wages", "Drinking Water"}},
		{"photo keywords first, in the library's spelling", nil, []string{"energy", "Dam"}, "",
			[]string{"Energy", "Dam", "Wages", "Water", "Café Culture", "Drinking Water"}},
		{"photo keywords filtered by what is typed", nil, []string{"Dam", "Drought", "water"}, "dr",
			[]string{"Drought", "Drinking Water"}},
		{"a keyword already on the piece or blank is not offered", []string{"Dam"}, []string{"dam", " "}, "d", []string{"Drinking Water"}},
		{"no match", nil, nil, "zz", nil},
	}
	for _, c := range cases {
		if got := SuggestTopics(known, c.have, c.keywords, c.typed); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	var many []galley.Topic
	for _, n := range []string{"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10"} {
		many = append(many, galley.Topic{Name: n})
	}
	if got := SuggestTopics(many, nil, []string{"A0"}, "a"); len(got) != MaxTopicSuggestions || got[0] != "A0" {
		t.Errorf("ten matches and a keyword offer %q", got)
	}
}

func TestStepHighlight(t *testing.T) {
	cases := []struct{ at, n, step, want int }{
		{-1, 3, 1, 0}, {0, 3, 1, 1}, {2, 3, 1, 2}, // Down stops at the last
		{0, 3, -1, -1}, {-1, 3, -1, -1}, // Up from the first is the typed text
		{-1, 0, 1, -1}, {5, 0, -1, -1}, // nothing offered
	}
	for _, c := range cases {
		if got := StepHighlight(c.at, c.n, c.step); got != c.want {
			t.Errorf("StepHighlight(%d, %d, %d) = %d, want %d", c.at, c.n, c.step, got, c.want)
		}
	}
}
