package ui

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/desk"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// editorPart is one tab of the piece editor. load fills its widgets from
// the piece the editor opened; edits go straight into that piece and are
// announced with editor.changed.
type editorPart interface {
	load(p *galley.Piece)
}

// editor is the right side of the desk: the open piece in tabs, with
// autosave. It owns the working copy of the piece; every tab edits that
// copy, and saving hands it to the library as a whole.
type editor struct {
	d       *Desk
	present *widget.Label // who else has the piece open, on a team library
	piece   *galley.Piece // the working copy; nil when no piece is open

	dirty      bool   // edits not yet in the library
	loading    bool   // widgets are being filled from a piece, not typed into
	conflicted bool   // a conflict dialog is waiting for the editor's choice
	vocab      bool   // a type or topic was added: the filters need refreshing
	outKey     string // the open piece's changes are kept on this computer under this key (offline.go)
	noticeGen  int    // bumped by every toast, so an older one's end does not hide it
	autosave   desk.Pause
	delay      time.Duration
	retry      time.Duration // the pause before an autosave tries a busy library again

	name    *widget.Label
	state   *widget.Label
	notice  *widget.Label // a toast: what was just done, for a moment
	checks  *checksBar
	spell   *spellingPanel
	tabs    *container.AppTabs
	story   *storyTab
	qa      *qaTab
	photos  *photosTab
	topics  *topicsTab
	related *relatedTab
	preview *previewTab
	parts   map[fyne.CanvasObject]editorPart // by tab content
	stale   map[editorPart]bool              // tabs not yet filled from the open piece
	content *fyne.Container
	blank   fyne.CanvasObject
	desk    fyne.CanvasObject
}

func newEditor(d *Desk) *editor {
	e := &editor{d: d, delay: DefaultAutosaveDelay, retry: busyRetryDelay}
	e.name = widget.NewLabel("")
	e.name.TextStyle.Bold = true
	e.name.Truncation = fyne.TextTruncateEllipsis
	e.state = widget.NewLabel("")
	e.checks = newChecksBar(e)
	e.spell = newSpellingPanel(e)
	e.notice = newNotice()

	e.story = newStoryTab(e)
	e.qa = newQATab(e)
	e.photos = newPhotosTab(e)
	e.topics = newTopicsTab(e)
	e.related = newRelatedTab(e)
	e.preview = newPreviewTab(e)
	e.parts = map[fyne.CanvasObject]editorPart{
		e.story.content: e.story, e.qa.content: e.qa, e.photos.content: e.photos,
		e.topics.content: e.topics, e.related.content: e.related, e.preview.content: e.preview,
	}
	e.stale = map[editorPart]bool{}
	e.tabs = container.NewAppTabs(
		container.NewTabItem("Story", e.story.content),
		container.NewTabItem("Q&A", e.qa.content),
		container.NewTabItem("Photos", e.photos.content),
		container.NewTabItem("Topics", e.topics.content),
		container.NewTabItem("Related", e.related.content),
		container.NewTabItem("Preview", e.preview.content),
	)
	e.tabs.OnSelected = func(t *container.TabItem) {
		if t.Content == e.preview.content {
			// The preview shows the working copy as it is now.
			e.stale[e.preview] = true
		}
		e.loadVisible()
	}
	// One line above the tabs, whatever the checks say: the name, the
	// count of failing checks, and the saved state.
	e.present = widget.NewLabel("")
	e.present.Importance = widget.WarningImportance
	e.present.Hide() // shown only while another desk has the piece open
	header := container.NewBorder(nil, nil, nil, container.NewHBox(e.present, e.notice, e.checks.button, e.spell.button, e.state), e.name)
	e.desk = container.NewBorder(header, nil, nil, nil, e.tabs)

	hint := widget.NewLabel("Choose a piece on the left, or start a new one with Ctrl+N.")
	hint.Alignment = fyne.TextAlignCenter
	e.blank = container.NewCenter(hint)
	e.content = container.NewStack(e.blank)
	return e
}

// load puts p on the desk, replacing whatever was open (the caller has
// saved or discarded it).
func (e *editor) load(p *galley.Piece) {
	e.stopTimer()
	e.releaseFocus()
	e.piece, e.dirty, e.conflicted, e.outKey = p, false, false, ""
	// Only the tab in view is filled now; the others when they are
	// chosen. Building every Q&A box and photo card of a piece that is
	// only glanced at would slow down going through the list.
	for _, part := range e.parts {
		e.stale[part] = true
	}
	e.loadVisible()
	e.name.SetText(pieceName(p))
	e.d.rememberPiece(p.ID)
	if p.ID == 0 {
		e.setState("New: saved once it has a title")
	} else {
		e.setState("Saved")
	}
	e.refreshChecks()
	e.spell.reset()
	e.content.Objects = []fyne.CanvasObject{e.desk}
	e.content.Refresh()
}

// releaseFocus takes the keyboard focus from the editor's fields before
// they are rebuilt or refilled: a field taken off the screen keeps the
// focus otherwise, and what is typed next would go to a row or piece that
// is no longer there.
func (e *editor) releaseFocus() {
	c := e.d.win.Canvas()
	if f := c.Focused(); f != nil && f != fyne.Focusable(e.d.shelf.search) {
		c.Unfocus()
	}
}

// loadVisible fills the tab in view from the open piece if it is stale.
func (e *editor) loadVisible() {
	t := e.tabs.Selected()
	if t == nil || e.piece == nil {
		return
	}
	part := e.parts[t.Content]
	if part == nil || !e.stale[part] {
		return
	}
	e.loading = true
	part.load(e.piece)
	e.loading = false
	e.stale[part] = false
	// The tab's rows were rebuilt while it was hidden; lay it out anew.
	t.Content.Refresh()
}

// clear leaves the desk empty.
func (e *editor) clear() {
	e.stopTimer()
	e.checks.pause.Stop()
	e.spell.clear()
	e.piece, e.dirty, e.conflicted, e.outKey = nil, false, false, ""
	e.content.Objects = []fyne.CanvasObject{e.blank}
	e.content.Refresh()
}

func pieceName(p *galley.Piece) string {
	if strings.TrimSpace(p.Title) == "" {
		return desk.UntitledName
	}
	return p.Title
}

func (e *editor) setState(s string) { e.state.SetText(s) }

func (e *editor) stateText() string { return e.state.Text }

// changed records an edit: the piece is marked unsaved and saved after a
// pause in typing.
func (e *editor) changed() {
	if e.loading || e.piece == nil {
		return
	}
	e.dirty = true
	e.name.SetText(pieceName(e.piece))
	e.setState("Unsaved changes")
	e.schedule(e.delay)
	e.checks.edited()
	e.spell.edited()
}

// busyRetryDelay is the pause before an autosave tries a busy library
// again.
const busyRetryDelay = 3 * time.Second

// schedule autosaves the open piece after delay unless it is edited or
// saved before then.
func (e *editor) schedule(delay time.Duration) {
	// Through the library's job group: a timer that fires as the library
	// is let go (or Galley quits) hands nothing to the UI.
	e.autosave.Hand = e.d.jobs.do
	e.autosave.Wait(delay, func() {
		if e.dirty {
			e.save(false)
		}
	})
}

func (e *editor) stopTimer() { e.autosave.Stop() }

// save hands the working copy to the library. explicit is true when the
// editor asked for it (Ctrl+S), which shows an error in a dialog; an
// autosave only says so beside the piece's name. It reports whether the
// piece is now saved.
func (e *editor) save(explicit bool) bool {
	p := e.piece
	plan := desk.PlanSave(e.saveState(), explicit)
	if plan.Action != desk.UpToDate {
		e.stopTimer()
	}
	switch plan.Action {
	case desk.UpToDate:
		return true
	case desk.Blocked:
		return false
	case desk.NotYet:
		e.setState(plan.State)
		return false
	case desk.KeepHere:
		return e.keepOffline()
	}
	wasNew := p.ID == 0
	c := withoutBlankRows(p)
	ctx := store.WithLockWait(context.Background(), plan.LockWait)
	if e.d.outbox != nil {
		// A team library: a save the network holds up is given up, and
		// kept on this computer, rather than freezing the window.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, teamSaveWait)
		defer cancel()
	}
	if err := e.d.lib.SavePiece(ctx, &c); err != nil {
		return e.saveFailed(err, explicit)
	}
	if e.outKey != "" {
		e.dropKept() // the library holds them now
	}
	// Take back what the library decided: the ID, version, slug, times,
	// and the stored images of photos just added (their bytes are no
	// longer needed in memory).
	p.ID, p.Version, p.Slug, p.Created, p.Updated, p.Status = c.ID, c.Version, c.Slug, c.Created, c.Updated, c.Status
	for i := range p.Photos {
		p.Photos[i].ID, p.Photos[i].Image, p.Photos[i].Data = c.Photos[i].ID, c.Photos[i].Image, nil
	}
	e.dirty = false
	e.setState("Saved " + time.Now().Format(clockLayout))
	e.story.saved(p)
	e.refreshChecks()
	if wasNew || e.vocab {
		e.vocab = false
		e.d.shelf.refreshChoices()
	}
	// Counted and listed again: the save may have moved the piece in the
	// list (a new date) or out of it (a status the filter hides).
	e.d.shelf.reload()
	return true
}

// withoutBlankRows copies p for the library without the byline rows still
// waiting for a name, so a row just added does not block saving the rest.
func withoutBlankRows(p *galley.Piece) galley.Piece {
	c := *p
	c.Contributors = nil
	for _, person := range p.Contributors {
		if strings.TrimSpace(person.Name) != "" {
			c.Contributors = append(c.Contributors, person)
		}
	}
	return c
}

// saveFailed explains a failed save. A version conflict (the piece changed
// or went away underneath) opens the conflict dialog; anything else keeps
// the edits in the editor with the reason beside the piece's name.
func (e *editor) saveFailed(err error, explicit bool) bool {
	p := e.piece
	plan := desk.PlanFailure(err, e.d.outbox != nil, p.ID != 0, explicit)
	if plan.GoOffline {
		e.d.goOffline()
		return e.keepOffline()
	}
	if plan.CheckConflict {
		stored, lerr := e.d.lib.Piece(context.Background(), p.ID)
		switch {
		case galley.ErrorCode(lerr) == galley.ENotFound:
			e.showConflict(nil)
			return false
		case lerr == nil && stored.Version != p.Version:
			e.showConflict(stored)
			return false
		}
	}
	e.setState(plan.State)
	if plan.Retry {
		e.schedule(e.retry)
	}
	if plan.Dialog {
		e.d.showError(err)
	}
	return false
}

// saveState is what the save rules (internal/desk) need to know of the
// open piece and the desk.
func (e *editor) saveState() desk.Piece {
	s := desk.PieceOf(e.piece)
	s.Dirty, s.Conflicted, s.Checking = e.dirty, e.conflicted, e.d.checking
	s.Offline = e.d.offline.offline && e.d.outbox != nil
	return s
}

// flush saves the open piece before it leaves the desk (another piece is
// opened, the window closes). A new piece with words but no title is
// saved as "Untitled piece" rather than lost; one never typed into is
// dropped. An existing piece whose title was cleared is not renamed
// behind the editor's back: the save fails and says why. It reports
// whether it is safe to move on.
func (e *editor) flush() bool {
	p := e.piece
	if p == nil {
		return true
	}
	if !e.stale[e.story] {
		if err := e.story.date.Check(); err != nil {
			e.setState("Not saved: " + galley.ErrorMessage(err))
			e.d.showError(err)
			return false
		}
	}
	switch desk.PlanLeave(e.saveState()) {
	case desk.Leave:
		return true
	case desk.Stay:
		return false
	case desk.Drop:
		e.clear()
		return true
	case desk.Name:
		p.Title = desk.UntitledName
		e.loading = true
		e.story.title.SetText(p.Title)
		e.loading = false
	}
	return e.save(true)
}

// discard drops unsaved edits (the editor chose to).
func (e *editor) discard() {
	e.stopTimer()
	e.dirty = false
}

// open puts the piece with the given ID on the desk after saving the one
// there. It reports false, leaving the desk as it was, when the open piece
// could not be saved or the new one could not be read.
func (e *editor) open(id int64) bool {
	if e.piece != nil && e.piece.ID == id {
		return true
	}
	if !e.flush() {
		return false
	}
	if en, ok := e.d.kept(id); ok {
		e.loadKept(en)
		e.d.shelf.reselect(-1)
		return true
	}
	p, err := e.d.lib.Piece(context.Background(), id)
	if err != nil {
		if galley.ErrorCode(err) == galley.EUnavailable {
			e.d.goOffline()
		}
		e.d.showError(err)
		return false
	}
	e.load(p)
	e.d.shelf.reselect(-1)
	return true
}

// newPiece opens a blank draft, saved as soon as it has a title.
func (e *editor) newPiece() {
	if !e.flush() {
		return
	}
	e.load(&galley.Piece{Status: galley.StatusDraft})
	e.d.shelf.reselect(-1)
	e.tabs.SelectIndex(0)
	e.d.win.Canvas().Focus(e.story.title)
}

// duplicate saves a copy of the open piece as a new draft and opens it.
func (e *editor) duplicate() {
	if e.piece == nil || !e.flush() || e.piece == nil {
		return
	}
	e.saveCopy(e.piece, " (copy)", func(c *galley.Piece, err error) {
		if err != nil {
			e.d.showError(err)
			return
		}
		e.load(c)
		e.d.shelf.reload()
		e.setState("Saved as a copy")
	})
}

// saveCopy saves a new draft with everything p has, its title marked with
// suffix, and calls then with it on the UI goroutine. The copy is taken
// here; reading its images (the copy must not depend on the original
// keeping them) and saving it run in the background, behind the working
// overlay.
func (e *editor) saveCopy(p *galley.Piece, suffix string, then func(*galley.Piece, error)) {
	c := draftCopy(p, suffix)
	lib, d := e.d.lib, e.d
	started := d.behindOverlay("Saving a copy…", d.jobs, func(ctx context.Context) func(bool) {
		lost, err := fillImages(ctx, lib, c)
		if err == nil {
			err = lib.SavePiece(ctx, c)
		}
		return func(bool) {
			// Even when the window is closing: then keeps the editor's
			// own words (a conflict's "keep mine") before it closes.
			if err != nil {
				then(nil, err)
				return
			}
			if len(lost) > 0 {
				d.showError(lostImages(lost))
			}
			then(c, nil)
		}
	})
	if !started {
		then(nil, busyError("Saving a copy"))
	}
}

// copyOf saves a copy of p as saveCopy does, but here and now: sending
// the changes kept offline runs on the UI goroutine already, under its
// own time limit.
func (e *editor) copyOf(p *galley.Piece, suffix string) (*galley.Piece, error) {
	ctx := context.Background()
	c := draftCopy(p, suffix)
	lost, err := fillImages(ctx, e.d.lib, c)
	if err == nil {
		err = e.d.lib.SavePiece(ctx, c)
	}
	if err != nil {
		return nil, err
	}
	if len(lost) > 0 {
		e.d.showError(lostImages(lost))
	}
	return c, nil
}

// lostImages tells that a copy is saved without the photos named.
func lostImages(lost []string) error {
	return galley.Errorf(galley.ENotFound, "The copy is saved without %s: the image was deleted with the original. Add the file again to put it back.", strings.Join(lost, " and "))
}

// draftCopy is a new draft with everything p has, its title marked with
// suffix; nothing of it is shared with p, so it can be worked on away
// from the UI goroutine.
func draftCopy(p *galley.Piece, suffix string) *galley.Piece {
	c := withoutBlankRows(p)
	c.ID, c.Version, c.Slug, c.Status = 0, 0, "", galley.StatusDraft
	// The old site's addresses are the original's: a copy claiming them
	// would take readers of the old links to the wrong piece.
	c.Formerly, c.Source = nil, ""
	title := strings.TrimSpace(p.Title)
	if title == "" {
		title = desk.UntitledName
	}
	c.Title = clip(title, galley.MaxTitle-utf8.RuneCountInString(suffix)) + suffix
	c.Contributors = append([]galley.Contributor(nil), c.Contributors...)
	c.Topics = append([]string(nil), p.Topics...)
	c.QA = append([]galley.QA(nil), p.QA...)
	c.Related = append([]galley.PieceRef(nil), p.Related...)
	c.Photos = nil
	for _, ph := range p.Photos {
		ph.ID = 0
		ph.Keywords = append([]string(nil), ph.Keywords...)
		c.Photos = append(c.Photos, ph)
	}
	return &c
}

// fillImages reads the stored image of each of c's photos that holds no
// bytes of its own. A photo whose image has gone (the original was
// deleted, taking it along) is left out, named in lost: the words are
// worth more than stopping there.
func fillImages(ctx context.Context, lib Library, c *galley.Piece) (lost []string, err error) {
	kept := c.Photos[:0]
	for i, ph := range c.Photos {
		if ph.Data == nil {
			data, err := lib.ImageData(ctx, ph.Image.Hash)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				lost = append(lost, fmt.Sprintf("photo %d", i+1))
				continue
			}
			ph.Data = data
		}
		kept = append(kept, ph)
	}
	c.Photos = kept
	if len(c.Photos) > 0 && c.LeadPhoto() == nil {
		c.Photos[0].Lead = true
	}
	return lost, nil
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// showConflict asks what to do when the open piece was changed (theirs is
// the stored version) or deleted (theirs is nil) elsewhere: take theirs,
// or keep these edits as a new piece. Until the editor chooses, nothing
// is saved, so neither side's words are lost.
func (e *editor) showConflict(theirs *galley.Piece) {
	e.conflicted = true
	e.stopTimer()
	mine := e.piece
	msg := fmt.Sprintf("%s was changed elsewhere (in another window or program) while you were editing it.", mine.Name())
	if theirs == nil {
		msg = fmt.Sprintf("%s was deleted elsewhere while you were editing it.", mine.Name())
	}
	text := widget.NewLabel(msg + "\n\nYour edits are kept until you choose.")
	text.Wrapping = fyne.TextWrapWord
	var dlg dialog.Dialog
	keep := widget.NewButton("Keep mine as a copy", func() {
		dlg.Hide()
		e.saveCopy(mine, " (my copy)", func(c *galley.Piece, err error) {
			if err != nil {
				e.d.showError(err)
				e.showConflict(theirs)
				return
			}
			e.dropKept() // the copy holds them
			e.load(c)
			e.d.shelf.reload()
			e.setState("Your edits are saved as a copy")
		})
	})
	keep.Importance = widget.HighImportance
	buttons := []fyne.CanvasObject{layout.NewSpacer(), keep}
	if theirs != nil {
		reload := widget.NewButton("Reload theirs", func() {
			dlg.Hide()
			e.dropKept() // the editor chose theirs
			e.load(theirs)
			e.d.shelf.reload()
		})
		buttons = []fyne.CanvasObject{layout.NewSpacer(), reload, keep}
	}
	content := container.NewBorder(nil, container.NewHBox(buttons...), nil, nil, text)
	dlg = dialog.NewCustomWithoutButtons("The piece changed underneath you", content, e.d.win)
	dlg.Resize(fyne.NewSize(520, 220))
	dlg.Show()
}

// showPreview switches to the Preview tab.
func (e *editor) showPreview() {
	if e.piece != nil {
		e.selectTab(e.preview.content)
	}
}

// selectTab shows the tab holding content.
func (e *editor) selectTab(content fyne.CanvasObject) {
	for _, t := range e.tabs.Items {
		if t.Content == content {
			e.tabs.Select(t)
		}
	}
}
