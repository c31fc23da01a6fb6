// Package ui is Galley's desktop interface, built with Fyne. It reaches the
// library only through the Library interface, so every screen can be built
// and driven headless in tests with fyne.io/fyne/v2/test.
package ui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// Library is what the desk needs from an open library.
type Library interface {
	FindPieces(ctx context.Context, f galley.Filter) ([]galley.Summary, error)
	CountPieces(ctx context.Context, f galley.Filter) (int, error)
	Piece(ctx context.Context, id int64) (*galley.Piece, error)
	ImageData(ctx context.Context, hash string) ([]byte, error)
	QuickCheck(ctx context.Context) error
}

// Desk is the main window: the library's pieces on the left, the selected
// piece on the right.
type Desk struct {
	win     fyne.Window
	lib     Library
	pages   *pager
	search  *widget.Entry
	list    *widget.List
	status  *widget.Label
	preview *widget.RichText
	photo   *canvas.Image
}

// NewDesk builds the main window for lib. It does not show it.
func NewDesk(a fyne.App, lib Library) *Desk {
	d := &Desk{
		win:     a.NewWindow("Galley"),
		lib:     lib,
		pages:   newPager(lib),
		search:  widget.NewEntry(),
		status:  widget.NewLabel(""),
		preview: widget.NewRichText(),
		photo:   canvas.NewImageFromResource(nil),
	}
	d.photo.FillMode = canvas.ImageFillContain
	d.photo.SetMinSize(fyne.NewSize(480, 320))
	d.photo.Hide()
	d.search.SetPlaceHolder("Search titles, answers, captions, people, topics…")
	d.search.OnChanged = func(text string) { d.setFilter(galley.Filter{Query: text}) }
	d.list = widget.NewList(d.pages.Len, newSummaryRow, d.updateRow)
	d.list.OnSelected = d.open
	d.preview.Wrapping = fyne.TextWrapWord

	left := container.NewBorder(d.search, d.status, nil, nil, d.list)
	right := container.NewVScroll(container.NewPadded(container.NewVBox(d.photo, d.preview)))
	split := container.NewHSplit(left, right)
	split.Offset = 0.38
	d.win.SetContent(split)
	d.win.Resize(fyne.NewSize(1100, 720))
	find := &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	d.win.Canvas().AddShortcut(find, func(fyne.Shortcut) { d.win.Canvas().Focus(d.search) })
	d.setFilter(galley.Filter{})
	if d.pages.Len() > 0 {
		// Open the newest piece, so the desk never greets with a blank page.
		d.list.Select(0)
	}
	return d
}

// Window returns the desk's window.
func (d *Desk) Window() fyne.Window { return d.win }

// CheckLibrary reads the whole library file in the background, looking for
// damage, and tells the editor if it finds any. done, if not nil, is
// called on the UI goroutine when the check ends.
func (d *Desk) CheckLibrary(done func(error)) {
	go func() {
		err := d.lib.QuickCheck(context.Background())
		fyne.Do(func() {
			if err != nil {
				dialog.ShowError(errors.New(galley.ErrorMessage(err)), d.win)
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

func (d *Desk) setFilter(f galley.Filter) {
	if err := d.pages.Reset(f); err != nil {
		d.status.SetText(galley.ErrorMessage(err))
	} else if d.pages.Len() == 1 {
		d.status.SetText("1 piece")
	} else {
		d.status.SetText(fmt.Sprintf("%d pieces", d.pages.Len()))
	}
	d.list.UnselectAll()
	d.list.Refresh()
}

// newSummaryRow makes one reusable list row: the title above a line with
// type, date and status.
func newSummaryRow() fyne.CanvasObject {
	title := widget.NewLabel("Title")
	title.TextStyle.Bold = true
	title.Truncation = fyne.TextTruncateEllipsis
	meta := widget.NewLabel("Type · date · status")
	meta.Truncation = fyne.TextTruncateEllipsis
	meta.Importance = widget.LowImportance
	return container.NewVBox(title, meta)
}

func (d *Desk) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	row := o.(*fyne.Container)
	title, meta := row.Objects[0].(*widget.Label), row.Objects[1].(*widget.Label)
	s, err := d.pages.Item(id)
	if err != nil {
		title.SetText("(could not load)")
		meta.SetText(galley.ErrorMessage(err))
		return
	}
	title.SetText(s.Title)
	meta.SetText(summaryLine(s))
}

func summaryLine(s galley.Summary) string {
	line := ""
	if s.Type != "" {
		line = s.Type + " · "
	}
	if !s.Published.IsZero() {
		line += s.Published.Time().Format("Jan 2, 2006") + " · "
	} else {
		line += "undated · "
	}
	return line + string(s.Status)
}

func (d *Desk) open(id widget.ListItemID) {
	s, err := d.pages.Item(id)
	if err != nil {
		d.status.SetText(galley.ErrorMessage(err))
		return
	}
	p, err := d.lib.Piece(context.Background(), s.ID)
	if err != nil {
		d.status.SetText(galley.ErrorMessage(err))
		return
	}
	d.preview.Segments = pieceSegments(p)
	d.preview.Refresh()
	d.showLead(p)
}

// showLead shows the piece's lead photo above its text.
func (d *Desk) showLead(p *galley.Piece) {
	lead := p.LeadPhoto()
	if lead == nil {
		d.photo.Hide()
		return
	}
	data, err := d.lib.ImageData(context.Background(), lead.Image.Hash)
	if err != nil {
		d.photo.Hide()
		d.status.SetText(galley.ErrorMessage(err))
		return
	}
	d.photo.Resource = fyne.NewStaticResource(lead.Image.Hash[:12]+photoExt(lead.Image.MIME), data)
	d.photo.Refresh()
	d.photo.Show()
}

func photoExt(mime string) string {
	switch mime {
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	}
	return ".jpg"
}
