package ui

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// These tests drive the job group on its own, without Fyne: the UI
// goroutine is a function run in place, or a queue the test empties.

func TestJobsRefuseWorkOnceStopped(t *testing.T) {
	g := newJobs(func(f func()) { f() }, 2)
	if !g.start(func(context.Context) {}) {
		t.Fatal("a running group refused a job")
	}
	g.stop()
	ran := false
	if g.start(func(context.Context) { ran = true }) || g.startAsked(func(context.Context) { ran = true }) {
		t.Error("a stopped group took a job")
	}
	g.queue(func(context.Context) { ran = true })
	if !g.wait(time.Minute) {
		t.Fatal("the group did not end")
	}
	if ran {
		t.Error("a job given to a stopped group ran")
	}
}

func TestJobsAreCancelledAndWaitedFor(t *testing.T) {
	g := newJobs(func(f func()) { f() }, 2)
	started := make(chan struct{})
	var ended atomic.Bool
	g.startAsked(func(ctx context.Context) {
		close(started)
		<-ctx.Done() // a backup, say, interrupted by the cancel
		ended.Store(true)
	})
	<-started
	if !g.busy() || !g.askedRunning() {
		t.Error("a running job the editor asked for is not reported")
	}
	if !g.wait(time.Minute) {
		t.Fatal("the cancelled job was not waited for")
	}
	if !ended.Load() {
		t.Error("wait returned before the job ended")
	}
	if g.busy() || g.askedRunning() {
		t.Error("an ended job is still reported")
	}
}

func TestJobsHandNothingToTheUIOnceStopped(t *testing.T) {
	var handed atomic.Int32
	g := newJobs(func(f func()) { handed.Add(1); f() }, 2)
	release := make(chan struct{})
	ended := make(chan struct{})
	ran := false
	g.start(func(context.Context) {
		<-release // deaf to the cancel: a read SQLite cannot interrupt
		g.do(func() { ran = true })
		close(ended)
	})
	if g.wait(20 * time.Millisecond) {
		t.Fatal("wait claimed a job that ignores its context ended")
	}
	close(release)
	<-ended
	g.settle()
	if handed.Load() != 0 || ran {
		t.Errorf("a job of a stopped group handed %d functions to the UI (ran %v)", handed.Load(), ran)
	}
}

func TestJobsDropWorkHandedOverBeforeTheStop(t *testing.T) {
	// The UI goroutine is busy: what a job hands over waits its turn, and
	// the library is let go meanwhile.
	var queued []func()
	var mu sync.Mutex
	g := newJobs(func(f func()) { mu.Lock(); queued = append(queued, f); mu.Unlock() }, 2)
	ran := false
	g.start(func(context.Context) { g.do(func() { ran = true }) })
	g.settle()
	g.stop()
	mu.Lock()
	defer mu.Unlock()
	if len(queued) != 1 {
		t.Fatalf("%d functions handed over, want 1", len(queued))
	}
	queued[0]()
	if ran {
		t.Error("the result of a library let go reached the desk")
	}
}

func TestQueuedJobsRunAFewAtATime(t *testing.T) {
	const limit, n = 3, 40
	g := newJobs(func(f func()) { f() }, limit)
	var running, most, done atomic.Int32
	entered := make(chan struct{}, n)
	release := make(chan struct{})
	for range n {
		g.queue(func(context.Context) {
			now := running.Add(1)
			for {
				m := most.Load()
				if now <= m || most.CompareAndSwap(m, now) {
					break
				}
			}
			entered <- struct{}{}
			<-release
			running.Add(-1)
			done.Add(1)
		})
	}
	for range limit {
		<-entered
	}
	close(release)
	g.settle()
	if done.Load() != n {
		t.Errorf("%d of %d queued jobs ran", done.Load(), n)
	}
	if most.Load() > limit {
		t.Errorf("%d queued jobs ran at once, more than %d", most.Load(), limit)
	}
}

func TestQueuedJobsAreDroppedWhenStopped(t *testing.T) {
	g := newJobs(func(f func()) { f() }, 1)
	entered, release := make(chan struct{}), make(chan struct{})
	var ran atomic.Int32
	g.queue(func(context.Context) { close(entered); <-release; ran.Add(1) })
	for range 5 {
		g.queue(func(context.Context) { ran.Add(1) })
	}
	<-entered
	g.stop()
	close(release)
	if !g.wait(time.Minute) {
		t.Fatal("the group did not end")
	}
	if ran.Load() != 1 {
		t.Errorf("%d jobs ran; the queued ones should have been dropped", ran.Load())
	}
}
