package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
	"app.galley/galley/ui/internal/widgets"
)

// PhotoLibrary is what the photo library window needs: every photo in
// use, searchable, and thumbnails kept in the library. *store.Store
// provides it.
type PhotoLibrary interface {
	PhotoLibrary(ctx context.Context, query string, limit, offset int) ([]galley.LibraryPhoto, error)
	CountPhotoLibrary(ctx context.Context, query string) (int, error)
	PhotoUses(ctx context.Context, hash string) ([]galley.PieceRef, error)
	Thumbnail(ctx context.Context, hash string) ([]byte, error)
}

// The photo library is offered only on a library that is one: a change
// to the store's methods breaks the build here, not the menu.
var _ PhotoLibrary = (*store.Store)(nil)

// libraryPage is how many photos the grid fetches at a time.
const libraryPage = 120

// maxCachedThumbs bounds the thumbnails held in memory while scrolling.
const maxCachedThumbs = 400

// photoLibraryWindow is a grid of every photo in the library, to find one
// by its words and reuse it in the open piece without storing it twice.
type photoLibraryWindow struct {
	d       *Desk
	lib     PhotoLibrary
	win     fyne.Window
	search  *widget.Entry
	grid    *widget.GridWrap
	count   *widget.Label
	details *widget.Label
	add     *widget.Button
	query   string
	total   int
	pages   map[int][]galley.LibraryPhoto
	closed  atomic.Bool            // the window is gone: thumbnails still arriving are dropped
	thumbs  map[string]image.Image // read thumbnails, by hash; touched on the UI goroutine only
	loading map[string]bool        // thumbnails being read
	chosen  int
}

// thumb returns the cached thumbnail of hash and whether it is being read.
func (w *photoLibraryWindow) thumb(hash string) (image.Image, bool) {
	return w.thumbs[hash], w.loading[hash]
}

// showPhotoLibrary opens the photo library (Library → Photos…).
func (d *Desk) showPhotoLibrary() *photoLibraryWindow {
	lib, ok := d.lib.(PhotoLibrary)
	if !ok {
		d.showError(galley.Errorf(galley.EInternal, "This library has no photo library."))
		return nil
	}
	w := &photoLibraryWindow{d: d, lib: lib, win: d.app.NewWindow("Photo Library"), search: widget.NewEntry(),
		count: widget.NewLabel(""), details: widget.NewLabel("Choose a photo."), chosen: -1,
		thumbs: map[string]image.Image{}, loading: map[string]bool{}}
	w.search.SetPlaceHolder("Search captions, credits, photographers, alt text…")
	w.search.OnChanged = func(string) { w.reload() }
	w.details.Wrapping = fyne.TextWrapWord
	w.grid = widget.NewGridWrap(func() int { return w.total }, w.newCell, w.updateCell)
	w.grid.OnSelected = w.choose
	w.add = widget.NewButton("Add to the open piece", w.addToPiece)
	w.add.Importance = widget.HighImportance
	w.add.Disable()
	bottom := container.NewBorder(nil, nil, nil, w.add, w.details)
	w.win.SetContent(container.NewBorder(container.NewBorder(nil, nil, nil, w.count, w.search), container.NewPadded(bottom), nil, nil, w.grid))
	w.win.Resize(fyne.NewSize(980, 700))
	d.track(w.win, func() { w.closed.Store(true) })
	w.reload()
	w.win.Show()
	return w
}

func (w *photoLibraryWindow) reload() {
	w.query = w.search.Text
	w.pages = map[int][]galley.LibraryPhoto{}
	n, err := w.lib.CountPhotoLibrary(context.Background(), w.query)
	if err != nil {
		w.count.SetText(galley.ErrorMessage(err))
		n = 0
	} else {
		w.count.SetText(plural(n, "photo"))
	}
	w.total = n
	w.chosen = -1
	w.grid.UnselectAll()
	w.grid.Refresh()
	w.details.SetText("Choose a photo.")
	w.add.Disable()
}

// item returns the i-th photo, fetching its page when needed.
func (w *photoLibraryWindow) item(i int) (galley.LibraryPhoto, bool) {
	page := i / libraryPage
	rows, ok := w.pages[page]
	if !ok {
		var err error
		rows, err = w.lib.PhotoLibrary(context.Background(), w.query, libraryPage, page*libraryPage)
		if err != nil {
			w.count.SetText(galley.ErrorMessage(err))
			return galley.LibraryPhoto{}, false
		}
		if len(w.pages) > 16 {
			clear(w.pages)
		}
		w.pages[page] = rows
	}
	if i%libraryPage >= len(rows) {
		return galley.LibraryPhoto{}, false
	}
	return rows[i%libraryPage], true
}

// cellSize is a grid cell: a thumbnail and two lines of caption.
var cellSize = fyne.NewSize(180, 190)

// libraryCell is a grid cell: a thumbnail and its words. The grid reuses
// cells while scrolling, and updateCell finds their parts here.
type libraryCell struct {
	widget.BaseWidget
	content fyne.CanvasObject
	frame   *widgets.ThumbFrame
	label   *widget.Label
}

var _ fyne.Widget = (*libraryCell)(nil)

// CreateRenderer draws the cell's content.
func (c *libraryCell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(c.content)
}

func (w *photoLibraryWindow) newCell() fyne.CanvasObject {
	frame := widgets.NewThumbFrame(fyne.NewSize(170, 128))
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	label.SizeName = theme.SizeNameCaptionText
	c := &libraryCell{content: container.NewGridWrap(cellSize, container.NewBorder(nil, label, nil, nil, frame.Content())), frame: frame, label: label}
	c.ExtendBaseWidget(c)
	return c
}

func (w *photoLibraryWindow) updateCell(i widget.GridWrapItemID, o fyne.CanvasObject) {
	cell := o.(*libraryCell)
	lp, ok := w.item(i)
	if !ok {
		cell.label.SetText("")
		cell.frame.SetImage(nil, 0, 0)
		return
	}
	text := lp.Photo.Caption
	if text == "" {
		text = lp.Photo.Alt
	}
	cell.label.SetText(text)
	im := lp.Photo.Image
	th, loading := w.thumb(im.Hash)
	cell.frame.SetImage(th, im.Width, im.Height)
	if th == nil && !loading {
		w.loadThumb(im.Hash)
	}
}

// loadThumb reads a thumbnail in the background, as one of the library's
// queued jobs (a few at a time however many cells ask); the grid redraws
// when it arrives. Cells are reused while scrolling, so the grid is
// refreshed rather than one image set.
func (w *photoLibraryWindow) loadThumb(hash string) {
	w.loading[hash] = true
	lib, g := w.lib, w.d.jobs
	g.queue(func(ctx context.Context) {
		if w.closed.Load() {
			return // closed before its turn came
		}
		data, err := lib.Thumbnail(ctx, hash)
		var img image.Image
		if err == nil {
			img, err = jpeg.Decode(bytes.NewReader(data))
		}
		g.do(func() {
			delete(w.loading, hash)
			if err != nil {
				fyne.LogError("a photo library thumbnail", err)
				return
			}
			if len(w.thumbs) >= maxCachedThumbs {
				clear(w.thumbs)
			}
			w.thumbs[hash] = img
			if !w.closed.Load() {
				w.grid.Refresh()
			}
		})
	})
}

func (w *photoLibraryWindow) choose(i widget.GridWrapItemID) {
	lp, ok := w.item(i)
	if !ok {
		return
	}
	w.chosen = i
	ph := lp.Photo
	lines := []string{}
	if ph.Caption != "" {
		lines = append(lines, ph.Caption)
	}
	var facts []string
	for _, f := range []struct{ name, v string }{{"Credit", ph.Credit}, {"Photographer", ph.Photographer}, {"Taken", ph.DateCreated}, {"Alt text", ph.Alt}} {
		if f.v != "" {
			facts = append(facts, f.name+": "+f.v)
		}
	}
	facts = append(facts, fmt.Sprintf("%d × %d", ph.Image.Width, ph.Image.Height))
	lines = append(lines, strings.Join(facts, " · "))
	if uses, err := w.lib.PhotoUses(context.Background(), ph.Image.Hash); err == nil && len(uses) > 0 {
		var titles []string
		for _, u := range uses {
			titles = append(titles, u.Title)
		}
		lines = append(lines, "Used in: "+strings.Join(titles, "; "))
	}
	w.details.SetText(strings.Join(lines, "\n"))
	if w.d.editor.piece != nil {
		w.add.Enable()
	}
}

// addToPiece puts the chosen photo on the open piece, by reference: the
// image is stored once however many pieces show it. Its words come along
// as a start; they are the piece's own from then on.
func (w *photoLibraryWindow) addToPiece() {
	lp, ok := w.item(w.chosen)
	p := w.d.editor.piece
	if !ok || p == nil {
		return
	}
	for _, have := range p.Photos {
		if have.Image.Hash == lp.Photo.Image.Hash {
			w.details.SetText("The open piece already shows this photo.")
			return
		}
	}
	if len(p.Photos) >= galley.MaxPhotos {
		w.d.showError(galley.Errorf(galley.EInvalid, "A piece can have at most %d photos.", galley.MaxPhotos))
		return
	}
	ph := lp.Photo
	ph.ID, ph.Lead = 0, p.LeadPhoto() == nil
	ph.Keywords = append([]string(nil), ph.Keywords...)
	p.Photos = append(p.Photos, ph)
	e := w.d.editor
	e.stale[e.photos] = true
	e.selectTab(e.photos.content)
	e.loadVisible()
	e.changed()
	w.details.SetText("Added to " + p.Name() + ".")
}
