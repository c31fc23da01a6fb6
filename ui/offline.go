package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/outbox"
	"app.galley/galley/internal/store"
)

// A team library can go out of reach mid-sentence: its server restarts,
// the network goes. The editor goes on typing. Every save that cannot
// reach the server is kept on this computer instead (internal/outbox),
// the desk says "Offline — 3 changes waiting", and once the server is back
// the kept changes are saved with the usual version check: nothing is
// discarded, across a restart of Galley too (the next desk on the library
// takes them over). A library file never goes offline.

// How long the desk waits on a team library. A save that takes longer is
// given up (the server or the network is stuck) and kept on this
// computer; while offline the desk asks the server every probeEvery
// whether it is back, each try given up after probeWait.
const (
	teamSaveWait = 15 * time.Second
	probeEvery   = 2 * time.Second
	probeWait    = 5 * time.Second
)

// offlineState is what the desk knows of the changes it could not save:
// whether the team library is out of reach, how many changes wait on this
// computer, and why any that reached it were refused. It decides what the
// banner above the desk says; the widgets only show it.
type offlineState struct {
	offline bool
	waiting int               // entries in the outbox
	refused map[string]string // by entry key: the library's reason
}

// banner is the line above the desk, "" when there is nothing to say.
func (s offlineState) banner() string {
	changes := plural(s.waiting, "change")
	switch {
	case s.offline && s.waiting == 0:
		return "Offline — the team library cannot be reached. Go on writing: your changes are kept on this computer until it is back."
	case s.offline:
		return "Offline — " + changes + " waiting. They are kept on this computer and saved to the team library as soon as it can be reached."
	case len(s.refused) > 0:
		reasons := make([]string, 0, len(s.refused))
		for _, r := range s.refused {
			reasons = append(reasons, r)
		}
		sort.Strings(reasons)
		return fmt.Sprintf("%s kept on this computer could not be saved: %s", plural(len(s.refused), "change"), reasons[0])
	case s.waiting > 0:
		return changes + " kept on this computer, being saved to the team library…"
	}
	return ""
}

// offlineBar is the banner above the desk.
type offlineBar struct {
	text    *widget.Label
	show    *widget.Button
	content *fyne.Container
}

func newOfflineBar(d *Desk) *offlineBar {
	b := &offlineBar{text: widget.NewLabel("")}
	b.text.Importance = widget.WarningImportance
	b.text.TextStyle.Bold = true
	b.text.Wrapping = fyne.TextWrapWord
	b.show = widget.NewButton("Show…", d.showKept)
	b.content = container.NewBorder(nil, widget.NewSeparator(), nil, b.show, b.text)
	b.content.Hide()
	return b
}

// SetOutbox names the folder where the desk keeps the changes it cannot
// save to a team library (outbox.Root on the real desk), and opens the
// outbox of the team library on the desk, if it is one. Every team library
// opened on the desk afterwards gets its own. Without it, a save that
// cannot reach the server fails as any other does, the words staying on
// the desk.
func (d *Desk) SetOutbox(root string) {
	d.outboxRoot = root
	d.openOutbox()
}

// openOutbox opens the outbox of the library on the desk when it is a
// team library, and sends what it holds (kept by this desk before Galley
// was closed, or by one that crashed) once the library can be reached.
func (d *Desk) openOutbox() {
	d.closeOutbox()
	if d.outboxRoot == "" || !store.IsServerAddress(d.libPath) {
		return
	}
	box, err := outbox.Open(d.outboxRoot, store.Shown(d.libPath))
	if err != nil {
		d.showError(err)
		return
	}
	d.outbox = box
	if bad := box.Damaged(); len(bad) > 0 {
		d.showError(galley.Errorf(galley.EInternal, "Galley found changes kept on this computer that it cannot read, and left them where they are: %s.", strings.Join(bad, ", ")))
	}
	// The piece on the desk may have changes kept before: they are the
	// editor's latest words.
	if p := d.editor.piece; p != nil && p.ID != 0 && d.editor.outKey == "" {
		if en, ok := box.Get(outbox.KeyOf(p.ID)); ok {
			d.editor.loadKept(en)
		}
	}
	d.showOffline()
	if box.Len() > 0 {
		d.backOnline()
	}
}

// closeOutbox lets go of the outbox with the library; what it holds stays
// on the disk for the next desk.
func (d *Desk) closeOutbox() {
	if d.outbox != nil {
		d.outbox.Close()
		d.outbox = nil
	}
	d.offline.offline, d.offline.refused, d.probing = false, nil, false
	d.showOffline()
}

// kept returns the changes to piece id kept on this computer, if any.
func (d *Desk) kept(id int64) (outbox.Entry, bool) {
	if d.outbox == nil || id == 0 {
		return outbox.Entry{}, false
	}
	return d.outbox.Get(outbox.KeyOf(id))
}

// showOffline shows the banner as the state has it.
func (d *Desk) showOffline() {
	if d.outbox != nil {
		d.offline.waiting = d.outbox.Len()
	} else {
		d.offline.waiting = 0
	}
	text := d.offline.banner()
	b := d.offlineBar
	b.text.SetText(text)
	if text == "" {
		b.content.Hide()
		return
	}
	if d.offline.waiting > 0 {
		b.show.Show()
	} else {
		b.show.Hide()
	}
	b.content.Show()
}

// goOffline notes that the team library cannot be reached: saves are kept
// on this computer until it is back, which the desk keeps asking.
func (d *Desk) goOffline() {
	if d.outbox == nil {
		return
	}
	d.offline.offline = true
	d.showOffline()
	d.showPresence(nil) // who else is there is not known while away
	d.probe()
}

// probe asks the server every probeEvery whether it can be reached, in
// the library's job group, and sends the kept changes once it can. Watch
// says so too on a team library; this serves when the watcher has not
// noticed (a stuck network rather than a stopped server).
func (d *Desk) probe() {
	if d.probing {
		return
	}
	d.probing = true
	lib, g := d.lib, d.jobs
	g.start(func(ctx context.Context) {
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(probeEvery):
			}
			pctx, cancel := context.WithTimeout(ctx, probeWait)
			_, err := lib.CountPieces(pctx, galley.Filter{})
			cancel()
			if galley.ErrorCode(err) != galley.EUnavailable && ctx.Err() == nil {
				g.do(func() {
					d.probing = false
					d.backOnline()
				})
				return
			}
		}
	})
}

// backOnline sends the changes kept on this computer, now that the team
// library can be reached again.
func (d *Desk) backOnline() {
	if d.outbox == nil {
		if d.session != nil {
			d.openPresence()
		}
		return
	}
	d.offline.offline = false
	d.sendKept()
	d.showOffline()
	if d.session != nil {
		d.openPresence() // the server's restart ended the desk's presence
	}
}

// sendKept saves every change kept on this computer to the library, on
// the UI goroutine (each is one save; the editor's typing waits a moment,
// and cannot interleave with it). Changes to a piece someone else changed
// or deleted meanwhile are saved as a copy, both kept and the editor told;
// the open piece goes through its editor's own save, which asks. A change
// the library refuses stays kept, with the reason in the banner. If the
// server goes again halfway, the rest waits.
func (d *Desk) sendKept() {
	if d.outbox == nil || d.sending {
		return
	}
	d.sending = true
	defer func() { d.sending = false }()
	e := d.editor
	saved := 0
	var copies []string
	for _, en := range d.outbox.Entries() {
		if e.piece != nil && en.Key == e.outKey {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), teamSaveWait)
		r := outbox.Send(ctx, d.lib, en)
		cancel()
		switch r.Outcome {
		case outbox.Unreachable:
			d.goOffline()
			return
		case outbox.Saved, outbox.AlreadyThere:
			if d.forget(en.Key) {
				saved++
			}
		case outbox.Changed, outbox.Deleted:
			c, err := e.copyOf(&en.Piece, " (my copy)")
			switch {
			case galley.ErrorCode(err) == galley.EUnavailable:
				d.goOffline()
				return
			case err != nil:
				d.refuse(en.Key, err)
				continue
			}
			if d.forget(en.Key) {
				why := "changed"
				if r.Outcome == outbox.Deleted {
					why = "deleted"
				}
				copies = append(copies, fmt.Sprintf("%s was %s elsewhere while you were offline: your version is saved as %s.", en.Piece.Name(), why, c.Name()))
			}
		case outbox.Refused:
			d.refuse(en.Key, r.Err)
		}
	}
	if e.piece != nil && e.outKey != "" && !e.conflicted {
		// The open piece: saved as the editor's own save is, with its
		// conflict question if it changed elsewhere.
		e.dirty = true
		e.save(false)
	}
	d.showOffline()
	d.shelf.changed()
	if saved > 0 && len(copies) == 0 {
		d.toast(fmt.Sprintf("Back online: %s saved", plural(saved, "kept change")))
	}
	if len(copies) > 0 {
		dialog.ShowInformation("Saved as copies", strings.Join(copies, "\n\n"), d.win)
	}
}

// forget drops a kept change the library now holds. It reports false,
// keeping the change, when the file cannot be removed (the next sending
// finds it already there).
func (d *Desk) forget(key string) bool {
	delete(d.offline.refused, key)
	if err := d.outbox.Remove(key); err != nil {
		fyne.LogError("removing a kept change", err)
		return false
	}
	return true
}

// refuse notes why the library refused a kept change.
func (d *Desk) refuse(key string, err error) {
	if d.offline.refused == nil {
		d.offline.refused = map[string]string{}
	}
	d.offline.refused[key] = galley.ErrorMessage(err)
}

// keepOffline keeps the open piece's edits on this computer, as the save
// that could not reach the team library. It reports whether they are
// kept (and so safe to move on from).
func (e *editor) keepOffline() bool {
	p := e.piece
	key := e.outKey
	if key == "" {
		key = outbox.NewKey()
		if p.ID != 0 {
			key = outbox.KeyOf(p.ID)
		}
	}
	if err := e.d.outbox.Put(outbox.Entry{Key: key, Piece: withoutBlankRows(p)}); err != nil {
		e.setState("Not saved: the team library cannot be reached, and " + galley.ErrorMessage(err))
		return false
	}
	e.stopTimer()
	e.outKey, e.dirty = key, false
	e.setState("Kept offline " + time.Now().Format(clockLayout))
	e.d.showOffline()
	return true
}

// loadKept puts a piece's changes kept on this computer on the desk: they
// are the editor's latest words, newer than the library's. Once the
// library can be reached they are saved as any edit is.
func (e *editor) loadKept(en outbox.Entry) {
	p := en.Piece
	p.Photos = append([]galley.Photo(nil), en.Piece.Photos...)
	e.load(&p)
	e.outKey = en.Key
	if e.d.offline.offline {
		e.setState("Kept offline")
		return
	}
	e.setState("Kept offline, not yet saved")
	e.dirty = true
	e.schedule(e.delay)
}

// dropKept forgets the open piece's kept changes: the editor chose
// another version, or they are in a copy now.
func (e *editor) dropKept() {
	if e.outKey != "" && e.d.outbox != nil {
		e.d.forget(e.outKey)
		e.d.showOffline()
	}
	e.outKey = ""
}

// showKept lists the changes kept on this computer, each with Open.
func (d *Desk) showKept() {
	if d.outbox == nil {
		return
	}
	var dlg dialog.Dialog
	rows := container.NewVBox()
	for _, en := range d.outbox.Entries() {
		line := fmt.Sprintf("%s — kept %s", en.Piece.Name(), en.Kept.Local().Format(recentLayout))
		if why, ok := d.offline.refused[en.Key]; ok {
			line += "\nNot saved: " + why
		}
		label := widget.NewLabel(line)
		label.Wrapping = fyne.TextWrapWord
		open := widget.NewButton("Open", func() {
			dlg.Hide()
			d.openKept(en.Key)
		})
		rows.Add(container.NewBorder(nil, nil, nil, open, label))
	}
	note := widget.NewLabel("Kept in " + d.outbox.Folder() + " until the team library holds them.")
	note.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(rows)
	scroll.SetMinSize(fyne.NewSize(480, 200))
	dlg = dialog.NewCustom("Changes kept on this computer", "Close", container.NewBorder(nil, note, nil, nil, scroll), d.win)
	dlg.Resize(fyne.NewSize(560, 360))
	dlg.Show()
}

// openKept opens the piece of a kept change, after saving the one open.
func (d *Desk) openKept(key string) {
	e := d.editor
	if e.outKey == key || !e.flush() {
		return
	}
	if en, ok := d.outbox.Get(key); ok {
		e.loadKept(en)
		d.shelf.reselect(-1)
	}
}
