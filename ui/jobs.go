package ui

import (
	"context"
	"sync"
	"time"
)

// jobs owns the background work done for one library on the desk: its
// opening check and upkeep, the first look at its pieces, exports,
// managers' changes, backups and thumbnails. Every such goroutine starts
// here, with a context that ends when the desk lets go of the library, so
// the desk can stop them all and wait for them before it closes the
// library (another is opened, a backup restored over it, Galley quits).
//
// Work reaches the UI goroutine only through do, which is refused once
// the group is stopped: a job that outlives its library, or a quitting
// app, never hands it anything (Fyne's queue is closed as the app stops;
// a fyne.Do then panics with "send on closed channel").
//
// jobs knows nothing of Fyne: the UI goroutine is reached through the
// function it is given (fyne.Do on the desk), so it is tested on its own.
type jobs struct {
	ctx    context.Context
	cancel context.CancelFunc
	ui     func(func()) // hands a function to the UI goroutine
	limit  int          // how many queued jobs (thumbnails) run at a time

	mu      sync.Mutex
	stopped bool
	running int                     // jobs started and not yet ended, workers included
	asked   int                     // of which the editor asked for (exports, changes, backups)
	queued  []func(context.Context) // waiting for a worker
	workers int
	ended   sync.Cond     // signalled when running drops to zero
	idle    chan struct{} // closed when every job has ended after stop

	// handing holds stop back while a job is handing work to the UI
	// goroutine, so that none is handed over once stop has returned.
	handing sync.RWMutex
}

// newJobs makes a group whose work reaches the UI through ui, running at
// most limit queued jobs at a time.
func newJobs(ui func(func()), limit int) *jobs {
	ctx, cancel := context.WithCancel(context.Background())
	g := &jobs{ctx: ctx, cancel: cancel, ui: ui, limit: max(limit, 1), idle: make(chan struct{})}
	g.ended.L = &g.mu
	return g
}

// start runs job in the background with the group's context. It reports
// false, running nothing, once the group is stopped: the library it
// would work on is being let go.
func (g *jobs) start(job func(ctx context.Context)) bool {
	return g.launch(job, false)
}

// startAsked is start for work the editor asked for and would miss if it
// were stopped (an export, a change from a manager, a backup): the desk
// refuses to switch libraries while one runs, and asks before quitting.
func (g *jobs) startAsked(job func(ctx context.Context)) bool {
	return g.launch(job, true)
}

func (g *jobs) launch(job func(ctx context.Context), asked bool) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return false
	}
	g.running++
	if asked {
		g.asked++
	}
	go func() {
		defer g.end(asked)
		job(g.ctx)
	}()
	return true
}

// end records the end of a job (or of a worker).
func (g *jobs) end(asked bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
	if asked {
		g.asked--
	}
	if g.running == 0 {
		g.ended.Broadcast()
		if g.stopped {
			close(g.idle) // once: nothing starts after stop
		}
	}
}

// queue runs job when one of the group's few workers is free: a grid of
// a thousand photos makes a thousand thumbnails, not a thousand
// goroutines decoding at once. Jobs still queued when the group stops are
// dropped.
func (g *jobs) queue(job func(ctx context.Context)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return
	}
	g.queued = append(g.queued, job)
	if g.workers >= g.limit {
		return
	}
	g.workers++
	g.running++
	go g.work()
}

// work runs queued jobs until none is left.
func (g *jobs) work() {
	defer g.end(false)
	for {
		g.mu.Lock()
		if len(g.queued) == 0 {
			g.workers--
			g.mu.Unlock()
			return
		}
		job := g.queued[0]
		g.queued[0] = nil
		g.queued = g.queued[1:]
		g.mu.Unlock()
		job(g.ctx)
	}
}

// do hands f to the UI goroutine, unless the group is stopped. f runs
// only if the group is still not stopped when its turn comes, so a
// result of a library the desk has let go meanwhile is dropped.
func (g *jobs) do(f func()) {
	g.handing.RLock()
	defer g.handing.RUnlock()
	if g.isStopped() {
		return
	}
	g.ui(func() {
		if !g.isStopped() {
			f()
		}
	})
}

func (g *jobs) isStopped() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stopped
}

// busy reports whether any job is running or queued.
func (g *jobs) busy() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.running > 0
}

// askedRunning reports whether work the editor asked for is running.
func (g *jobs) askedRunning() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.asked > 0
}

// stop cancels the group's context, drops queued jobs and refuses new
// ones. When it returns, no job of the group hands anything more to the
// UI goroutine. Call it on the UI goroutine, never from within f of do.
func (g *jobs) stop() {
	g.mu.Lock()
	if !g.stopped {
		g.stopped = true
		g.queued = nil
		if g.running == 0 {
			close(g.idle)
		}
	}
	g.mu.Unlock()
	g.cancel()
	// A job past its check in do finishes handing over first.
	g.handing.Lock()
	//lint:ignore SA2001 an empty critical section: waiting for the hand-over is the point
	g.handing.Unlock()
}

// wait stops the group and waits up to timeout for its jobs to end. It
// reports whether they all did.
func (g *jobs) wait(timeout time.Duration) bool {
	g.stop()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-g.idle:
		return true
	case <-t.C:
		return false
	}
}

// settle waits, without stopping the group, until no job is running or
// queued: tests wait here for the work they started (and any it started
// in turn) to end.
func (g *jobs) settle() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.running > 0 {
		g.ended.Wait()
	}
}
