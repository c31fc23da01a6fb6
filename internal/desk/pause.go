package desk

import "time"

// Clock starts timers. The desk's is SystemClock; a test's moves by hand.
type Clock interface {
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a started timer that can be stopped.
type Timer interface {
	Stop() bool
}

// SystemClock is the real clock: time.AfterFunc.
type SystemClock struct{}

// AfterFunc runs f on its own goroutine after d.
func (SystemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Pause runs work once typing pauses: the autosave, the pre-publish
// checks and the spelling each wait for one. Every Wait starts the wait
// again, so a burst of keys comes to one run, after the last key.
//
// A timer fires on a goroutine of its own, and the work must run where
// the widgets are, so a fired Pause hands the work to Hand (the desk's
// job group, which gives it to the UI goroutine, or drops it once the
// library is let go). The work then runs only if nothing came since: a
// key typed, Stop, or Ran between the timer firing and the hand-over
// makes that run stale, and it does nothing. Every method but the timer's
// callback is called on the UI goroutine, so the state needs no lock.
type Pause struct {
	Clock Clock        // SystemClock when nil
	Hand  func(func()) // how the due work reaches the UI goroutine; run at once when nil

	gen   int // bumped by Wait, Stop and Ran, so a stale timer does nothing
	timer Timer
	due   bool
}

// Wait runs work after delay, unless Wait, Stop or Ran is called first.
func (p *Pause) Wait(delay time.Duration, work func()) {
	p.stopTimer()
	p.gen++
	p.due = true
	gen := p.gen
	clock := p.Clock
	if clock == nil {
		clock = SystemClock{}
	}
	hand := p.Hand
	p.timer = clock.AfterFunc(delay, func() {
		run := func() {
			if gen != p.gen {
				return
			}
			p.timer, p.due = nil, false
			work()
		}
		if hand == nil {
			run()
			return
		}
		hand(run)
	})
}

// Stop forgets the waiting work: the piece was saved, closed or checked
// another way.
func (p *Pause) Stop() {
	p.stopTimer()
	p.gen++
	p.due = false
}

// Ran says the work was just done some other way (a check the editor
// asked for): the waiting run is dropped, as with Stop.
func (p *Pause) Ran() { p.Stop() }

// Due reports whether work waits to run: Wait was called and neither the
// work nor Stop has come since.
func (p *Pause) Due() bool { return p.due }

func (p *Pause) stopTimer() {
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
}
