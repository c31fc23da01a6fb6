// Package galley holds the domain of the Galley editorial desk: pieces and
// everything that hangs off them (contributors, topics, Q&A pairs, photos,
// related publications), the rules a piece must satisfy, and the errors the
// rest of the program reports to editors.
//
// It imports nothing from the store, the export or the GUI, so every other
// package can depend on it.
package galley

import (
	"errors"
	"fmt"
)

// Error codes say what kind of failure an error is, so callers can react
// (a conflict offers "reload or keep mine"; invalid input is shown as is).
const (
	EConflict = "conflict"  // the data changed underneath, or a name is taken
	EBusy     = "busy"      // another program is writing to the library; nothing changed, try again
	EInvalid  = "invalid"   // the input breaks a rule of the model
	ENotFound = "not_found" // the thing asked for does not exist
	EInternal = "internal"  // anything else: a bug or an I/O failure
	// EUnavailable: the team library's server cannot be reached (it is
	// restarting, or the network is gone); nothing changed there, and the
	// same request may succeed once it is back.
	EUnavailable = "unavailable"
)

// Error is a domain error: a code for programs and a message for people.
// The message is a whole sentence an editor can act on.
type Error struct {
	Code    string
	Message string
}

// Error returns the message meant for people.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the people-facing message of the first *Error in
// err's chain, or err's own text when there is none.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
