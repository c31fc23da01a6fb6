package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// progressDialog shows long work with a bar and a Cancel button. Until
// the work has counted what it does (a large library is read first) the
// bar moves without claiming a figure. Progress comes from workers once
// per file, thousands a second: only a few redraws a second are made.
type progressDialog struct {
	note *widget.Label
	bar  *widget.ProgressBar
	busy *widget.ProgressBarInfinite
	dlg  dialog.Dialog

	mu   sync.Mutex
	last time.Time
}

func (d *Desk) newProgress(title, first string, cancel func()) *progressDialog {
	p := &progressDialog{note: widget.NewLabel(first), bar: widget.NewProgressBar(), busy: widget.NewProgressBarInfinite()}
	p.bar.Hide()
	content := container.NewVBox(p.note, container.NewStack(p.busy, p.bar), container.NewHBox(widget.NewButton("Cancel", cancel)))
	p.dlg = dialog.NewCustomWithoutButtons(title, content, d.win)
	p.dlg.Resize(fyne.NewSize(480, 160))
	p.dlg.Show()
	return p
}

// progress returns a callback for work reporting done of total files,
// from any goroutine, redrawing a few times a second; what, if set,
// starts the line.
func (p *progressDialog) progress(g *jobs, what string) func(done, total int) {
	return p.progressOf(g, what, "files")
}

// progressOf is progress counting units other than files ("posts").
func (p *progressDialog) progressOf(g *jobs, what, unit string) func(done, total int) {
	return func(done, total int) {
		p.mu.Lock()
		now := time.Now()
		if now.Sub(p.last) < 100*time.Millisecond && done != total {
			p.mu.Unlock()
			return
		}
		p.last = now
		p.mu.Unlock()
		g.do(func() {
			if p.busy.Visible() {
				p.busy.Stop()
				p.busy.Hide()
				p.bar.Show()
			}
			p.bar.Max = float64(total)
			p.bar.SetValue(float64(done))
			text := grouped(done) + " of " + grouped(total) + " " + unit
			if what != "" {
				text = what + ": " + text
			}
			p.note.SetText(text)
		})
	}
}

// step says what the work does now, with the bar moving without a figure.
func (p *progressDialog) step(g *jobs, what string) {
	g.do(func() {
		p.bar.Hide()
		p.busy.Show()
		p.busy.Start()
		p.note.SetText(what)
	})
}

func (p *progressDialog) close() {
	p.busy.Stop()
	p.dlg.Hide()
}

// withProgress runs work as a job of the library's group, behind a
// progress dialog whose Cancel stops it; once the dialog is closed, done
// runs on the UI goroutine, told whether the editor cancelled. Widgets are
// touched only through the group's do.
func (d *Desk) withProgress(title, first string, work func(ctx context.Context, pd *progressDialog), done func(cancelled bool)) {
	g := d.jobs
	ctx, cancel := context.WithCancel(g.ctx)
	pd := d.newProgress(title, first, cancel)
	started := g.startAsked(func(context.Context) {
		work(ctx, pd)
		cancelled := ctx.Err() != nil // asked for by the editor, read before the context is released
		cancel()
		g.do(func() {
			pd.close()
			done(cancelled)
		})
	})
	if !started {
		cancel()
		pd.close()
	}
}
