package desk

import (
	"sort"
	"testing"
	"time"
)

// handClock is a clock moved by hand: Advance fires, in order, the timers
// due by then, on the test's goroutine.
type handClock struct {
	now    time.Duration
	timers []*handTimer
}

type handTimer struct {
	at      time.Duration
	f       func()
	stopped bool
}

func (t *handTimer) Stop() bool { was := !t.stopped; t.stopped = true; return was }

func (c *handClock) AfterFunc(d time.Duration, f func()) Timer {
	t := &handTimer{at: c.now + d, f: f}
	c.timers = append(c.timers, t)
	return t
}

func (c *handClock) Advance(d time.Duration) {
	c.now += d
	sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at < c.timers[j].at })
	for _, t := range c.timers {
		if !t.stopped && t.at <= c.now {
			t.stopped = true
			t.f()
		}
	}
}

// TestPause drives a Pause through what an editor does: type, pause,
// type again, save by hand, close the piece. Each step is a key (k), a
// save by hand or other stop (s), a check asked for (r) or time passing
// (a number of milliseconds); want is how many runs there have been
// after the steps.
func TestPause(t *testing.T) {
	const delay = 500 * time.Millisecond
	type step struct {
		key, stop, ran bool
		wait           time.Duration
	}
	k, s, r := step{key: true}, step{stop: true}, step{ran: true}
	ms := func(n int) step { return step{wait: time.Duration(n) * time.Millisecond} }
	cases := []struct {
		name  string
		steps []step
		runs  int
		due   bool
	}{
		{"nothing typed, nothing runs", []step{ms(2000)}, 0, false},
		{"a key runs the work once the pause is over", []step{k, ms(500)}, 1, false},
		{"not before", []step{k, ms(499)}, 0, true},
		{"a burst of keys is one run, after the last", []step{k, ms(300), k, ms(300), k, ms(300)}, 0, true},
		{"… which comes a pause after the last key", []step{k, ms(300), k, ms(300), k, ms(500)}, 1, false},
		{"two pauses, two runs", []step{k, ms(600), k, ms(600)}, 2, false},
		{"a save by hand drops the waiting run", []step{k, ms(200), s, ms(2000)}, 0, false},
		{"a check asked for drops the waiting one", []step{k, ms(200), r, ms(2000)}, 0, false},
		{"typing after a stop waits again", []step{k, s, k, ms(500)}, 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &handClock{}
			p := &Pause{Clock: clock}
			runs := 0
			for _, st := range c.steps {
				switch {
				case st.key:
					p.Wait(delay, func() { runs++ })
				case st.stop:
					p.Stop()
				case st.ran:
					p.Ran()
				default:
					clock.Advance(st.wait)
				}
			}
			if runs != c.runs || p.Due() != c.due {
				t.Errorf("%d runs, due %v; want %d, due %v", runs, p.Due(), c.runs, c.due)
			}
		})
	}
}

// A timer that fired while the UI goroutine was busy hands its run over
// late; a key typed meanwhile makes that run stale, and only the new
// pause's run happens.
func TestAPauseDropsARunOvertakenByAKey(t *testing.T) {
	clock := &handClock{}
	var handed []func()
	p := &Pause{Clock: clock, Hand: func(f func()) { handed = append(handed, f) }}
	var ran []string
	p.Wait(time.Second, func() { ran = append(ran, "first") })
	clock.Advance(time.Second) // fired; its run waits for the UI goroutine
	if len(handed) != 1 || !p.Due() {
		t.Fatalf("after the timer fired: %d handed over, due %v", len(handed), p.Due())
	}
	p.Wait(time.Second, func() { ran = append(ran, "second") }) // a key, before the UI ran it
	handed[0]()
	if len(ran) != 0 || !p.Due() {
		t.Fatalf("a stale run ran %q (due %v)", ran, p.Due())
	}
	clock.Advance(time.Second)
	for _, f := range handed[1:] {
		f()
	}
	if len(ran) != 1 || ran[0] != "second" || p.Due() {
		t.Errorf("ran %q, due %v; want only the second", ran, p.Due())
	}
	// Once the library is let go the job group drops what is handed to
	// it: nothing runs, and nothing is left to wait on.
	p.Hand = func(func()) {}
	p.Wait(time.Second, func() { ran = append(ran, "after close") })
	clock.Advance(time.Second)
	if len(ran) != 1 {
		t.Errorf("a run handed to a closed desk ran: %q", ran)
	}
}
