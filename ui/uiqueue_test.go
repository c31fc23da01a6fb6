package ui

import (
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// uiQueue stands for the UI goroutine in tests. What a desk's background
// work hands to the UI is queued, and run in turn on the test's goroutine
// when the test waits (waitFor, opened, settled, pump), as the desktop
// driver runs it on its one goroutine. Fyne's test driver would run it at
// once on the job's goroutine, beside the test's own widget work: the race
// detector rightly objects to that, and the desk was never built for it.
type uiQueue struct {
	mu sync.Mutex
	fs []func()
}

func (q *uiQueue) do(f func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.fs = append(q.fs, f)
}

func (q *uiQueue) take() []func() {
	q.mu.Lock()
	defer q.mu.Unlock()
	fs := q.fs
	q.fs = nil
	return fs
}

// queues holds the queue of every desk a running test has opened, so the
// waits run them all (a test may open several desks). The ui tests are
// not parallel.
var queues struct {
	sync.Mutex
	of map[*Desk]*uiQueue
}

// queuedNewDesk is NewDesk for tests: the desk's background work hands
// its results to a queue the test's waits run. The queue is dropped when
// the test ends.
func queuedNewDesk(tb testing.TB, a fyne.App, lib Library) *Desk {
	q := &uiQueue{}
	d := newDesk(a, lib, q.do)
	queues.Lock()
	if queues.of == nil {
		queues.of = map[*Desk]*uiQueue{}
	}
	queues.of[d] = q
	queues.Unlock()
	tb.Cleanup(func() {
		queues.Lock()
		delete(queues.of, d)
		queues.Unlock()
	})
	return d
}

// queueOf is the queue of a desk opened with queuedNewDesk.
func queueOf(d *Desk) *uiQueue {
	queues.Lock()
	defer queues.Unlock()
	return queues.of[d]
}

// runQueued runs, on the calling (test) goroutine, what the background
// work of every open test desk has handed to the UI so far. It reports
// whether anything ran.
func runQueued() bool {
	queues.Lock()
	all := make([]*uiQueue, 0, len(queues.of))
	for _, q := range queues.of {
		all = append(all, q)
	}
	queues.Unlock()
	ran := false
	for _, q := range all {
		for _, f := range q.take() {
			f()
			ran = true
		}
	}
	return ran
}

// received waits for a value on ch, running meanwhile what the desks'
// background work hands to the UI (the value is often sent from there).
func received[T any](tb testing.TB, ch <-chan T) T {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		runQueued()
		select {
		case v := <-ch:
			return v
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatal("timed out waiting for the desk")
		}
	}
}
