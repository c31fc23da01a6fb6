package desk

import (
	"strings"
	"time"

	"app.galley/galley/internal/galley"
)

// Piece is what the save rules need to know of the open piece and of the
// library it goes to.
type Piece struct {
	Open       bool // a piece is on the desk
	Dirty      bool // it has edits the library does not have
	New        bool // it was never saved (no ID yet)
	Untitled   bool // its title is blank
	Empty      bool // nothing at all has been written into it
	Conflicted bool // a conflict dialog waits for the editor's choice
	Checking   bool // the library's opening check is still running
	Offline    bool // a team library out of reach, with changes kept on this computer
}

// PieceOf fills the piece's own part of Piece from p (nil: none open);
// the caller adds what the desk knows (dirty, conflicted, checking,
// offline).
func PieceOf(p *galley.Piece) Piece {
	if p == nil {
		return Piece{}
	}
	return Piece{Open: true, New: p.ID == 0, Untitled: strings.TrimSpace(p.Title) == "", Empty: IsEmpty(p)}
}

// IsEmpty reports whether nothing has been written into p: a new piece
// like that is dropped rather than saved when it leaves the desk.
func IsEmpty(p *galley.Piece) bool {
	return strings.TrimSpace(p.Title+p.Summary+p.Body) == "" && len(p.QA) == 0 &&
		len(p.Photos) == 0 && len(p.Topics) == 0 && len(p.Contributors) == 0 && len(p.Related) == 0
}

// SaveAction is what a save comes to.
type SaveAction int

const (
	// UpToDate: nothing to write, the library has the piece as it is.
	UpToDate SaveAction = iota
	// Blocked: a conflict waits for the editor's choice; nothing is
	// written meanwhile, so neither side's words are lost.
	Blocked
	// NotYet: an autosave that waits (State says why, beside the name).
	NotYet
	// KeepHere: the team library is out of reach; the piece is kept on
	// this computer, without a wait, and sent when it is back.
	KeepHere
	// Write: hand the piece to the library, waiting up to LockWait for
	// another program's write to end.
	Write
)

// Saving waits this long for another program's write to the library to
// end: an autosave briefly (it tries again later), a save the editor
// asked for a little longer. Saving runs on the UI goroutine, so the
// window waits only a moment, then says so.
const (
	AutosaveLockWait = 500 * time.Millisecond
	SaveLockWait     = 3 * time.Second
)

// SavePlan is the decision for one save.
type SavePlan struct {
	Action   SaveAction
	State    string        // for NotYet: the line beside the piece's name
	LockWait time.Duration // for Write
}

// PlanSave decides what saving p comes to. explicit is true when the
// editor asked for it (Ctrl+S, leaving the piece), false for an autosave.
func PlanSave(p Piece, explicit bool) SavePlan {
	switch {
	case !p.Open, !p.Dirty && !p.New:
		return SavePlan{Action: UpToDate}
	case p.Conflicted:
		return SavePlan{Action: Blocked}
	case p.Checking && !explicit:
		// Nothing is written to a library before it is known sound,
		// unless the editor asks.
		return SavePlan{Action: NotYet, State: "Unsaved: checking the library first"}
	case p.New && p.Untitled && !explicit:
		return SavePlan{Action: NotYet, State: "New: saved once it has a title"}
	case p.Offline:
		return SavePlan{Action: KeepHere}
	case explicit:
		return SavePlan{Action: Write, LockWait: SaveLockWait}
	}
	return SavePlan{Action: Write, LockWait: AutosaveLockWait}
}

// Failure is what follows a save the library refused.
type Failure struct {
	// GoOffline: the team library went out of reach; keep the piece on
	// this computer and say so in the banner. Nothing else applies.
	GoOffline bool
	// CheckConflict: read the stored piece; if it went, or another
	// version is stored, ask the editor (the conflict dialog) and stop
	// there. Otherwise go on with the rest of the plan.
	CheckConflict bool
	// Retry: another program is writing; try again after a pause, the
	// words staying on the desk.
	Retry bool
	// State is the line beside the piece's name.
	State string
	// Dialog: the editor asked for the save, so the error is shown in a
	// dialog too, not only beside the name.
	Dialog bool
}

// PlanFailure decides what follows a failed save of a piece: err is what
// the library said, team whether it is a team library (with changes kept
// on this computer when it is out of reach), stored whether the piece was
// saved before (has an ID), explicit whether the editor asked.
func PlanFailure(err error, team, stored, explicit bool) Failure {
	code := galley.ErrorCode(err)
	if code == galley.EUnavailable && team {
		return Failure{GoOffline: true}
	}
	f := Failure{
		// A taken slug is a conflict too; only a changed version (or a
		// piece gone) is someone else's edit, which the stored piece tells.
		CheckConflict: stored && (code == galley.EConflict || code == galley.ENotFound),
	}
	if code == galley.EBusy && !explicit {
		f.Retry = true
		f.State = "Not saved yet: the library is busy in another program; trying again…"
		return f
	}
	f.State = "Not saved: " + galley.ErrorMessage(err)
	f.Dialog = explicit
	return f
}

// LeaveAction is what the open piece needs before another takes its
// place or the window closes.
type LeaveAction int

const (
	// Leave: nothing to save; move on.
	Leave LeaveAction = iota
	// Stay: a conflict waits for the editor's choice; do not move on.
	Stay
	// Drop: a new piece never typed into; it goes without a trace.
	Drop
	// Name: a new piece with words but no title; it is saved as
	// UntitledName rather than lost.
	Name
	// SaveFirst: save it as the editor asked (explicit), and move on only
	// if that worked.
	SaveFirst
)

// UntitledName is the title given to a new piece left with words but no
// title.
const UntitledName = "Untitled piece"

// PlanLeave decides what leaving p needs. An existing piece whose title
// was cleared is not renamed behind the editor's back: it is saved as it
// is, and the library refuses the blank title and says why.
func PlanLeave(p Piece) LeaveAction {
	switch {
	case !p.Open:
		return Leave
	case !p.Dirty && p.Conflicted:
		return Stay
	case !p.Dirty:
		return Leave
	case p.New && p.Untitled && p.Empty:
		return Drop
	case p.New && p.Untitled:
		return Name
	}
	return SaveFirst
}
