package ui

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
	"app.galley/galley/ui/internal/widgets"
)

// thumbSize is the longest side of a photo card's thumbnail, in pixels.
const thumbSize = 240

// photoExts are the file endings offered when adding photos.
var photoExts = []string{".jpg", ".jpeg", ".png", ".webp"}

// photosTab edits the piece's photos: a card per photo with its thumbnail,
// alt text (or decorative), caption, credit and lead choice, in order.
// Photos are added with a file dialog, several at once from a folder, or
// by dropping files on the window.
type photosTab struct {
	e        *editor
	cards    *fyne.Container
	count    *widget.Label
	content  fyne.CanvasObject
	thumbs   map[string]image.Image // by image hash
	captions []*widgets.TextArea    // each card's caption, in order
	frames   []*widgets.ThumbFrame  // each card's thumbnail, in order
}

func newPhotosTab(e *editor) *photosTab {
	t := &photosTab{e: e, cards: container.NewVBox(), count: widget.NewLabel(""), thumbs: map[string]image.Image{}}
	one := widget.NewButtonWithIcon("Add photo…", theme.ContentAddIcon(), t.askFile)
	several := widget.NewButtonWithIcon("Add several from a folder…", theme.FolderOpenIcon(), t.askFolder)
	tmpl := widget.NewButtonWithIcon("Apply template…", theme.DocumentCreateIcon(), func() { t.askTemplate() })
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(tmpl, one, several), t.count)
	t.content = container.NewBorder(bar, nil, nil, nil, container.NewVScroll(container.NewPadded(t.cards)))
	return t
}

func (t *photosTab) load(p *galley.Piece) {
	if len(t.thumbs) > 64 {
		clear(t.thumbs) // keep memory flat across a day of pieces
	}
	t.rebuild()
}

func (t *photosTab) rebuild() {
	p := t.e.piece
	t.e.releaseFocus()
	t.cards.Objects = nil
	t.captions = t.captions[:0]
	t.frames = t.frames[:0]
	n := 0
	if p != nil {
		n = len(p.Photos)
		for i := range p.Photos {
			t.cards.Add(t.card(i))
		}
	}
	t.cards.Refresh()
	if n == 0 {
		t.count.SetText("No photos. Add some, or drop image files on the window.")
	} else {
		t.count.SetText(plural(n, "photo"))
	}
}

// thumbKey names a photo's thumbnail by its content hash, which a photo
// just added has too (readPhoto inspects it), so saving does not make it
// again.
func thumbKey(ph *galley.Photo) string { return ph.Image.Hash }

// card lays out one photo.
func (t *photosTab) card(i int) fyne.CanvasObject {
	p := t.e.piece
	ph := &p.Photos[i]
	frame := widgets.NewThumbFrame(fyne.NewSize(200, 150))
	t.frames = append(t.frames, frame)
	t.thumbnail(ph, frame)

	// Fields set before the first refresh: each is laid out once.
	alt := widgets.NewLineEntry("Alt text: what the photo shows, for readers who cannot see it", ph.Alt)
	decorative := &widget.Check{Text: "Decorative (no alt text needed)", Checked: ph.Decorative}
	decorative.ExtendBaseWidget(decorative)
	caption := widgets.NewTextAreaWith(2, "Caption", ph.Caption)
	t.captions = append(t.captions, caption)
	caption.OnShortcut = moveKeys(i, t.move)
	credit := widgets.NewLineEntry("Credit, e.g. Photographer Name/Agency, or =code=", ph.Credit)
	lead := &widget.Check{Text: "Lead photo", Checked: ph.Lead}
	lead.ExtendBaseWidget(lead)
	if ph.Decorative {
		alt.Disable()
	}

	// The handlers look the photo up by index each time: saving replaces
	// the piece's photo slice.
	edit := func(f func(ph *galley.Photo)) {
		if t.e.loading || p != t.e.piece || i >= len(p.Photos) {
			return
		}
		f(&p.Photos[i])
		t.e.changed()
	}
	// =codes= typed in the words expand when the cursor leaves the field.
	alt.OnBlur = func() { t.e.expandCodes(alt, alt.Text) }
	credit.OnBlur = func() { t.e.expandCodes(credit, credit.Text) }
	caption.OnBlur = func() { t.e.expandCodes(caption, caption.Text) }
	alt.OnChanged = func(s string) { edit(func(ph *galley.Photo) { ph.Alt = s }) }
	caption.OnChanged = func(s string) { edit(func(ph *galley.Photo) { ph.Caption = s }) }
	credit.OnChanged = func(s string) { edit(func(ph *galley.Photo) { ph.Credit = strings.TrimSpace(s) }) }
	decorative.OnChanged = func(on bool) {
		edit(func(ph *galley.Photo) { ph.Decorative = on })
		if on {
			alt.Disable()
		} else {
			alt.Enable()
		}
	}
	lead.OnChanged = func(on bool) {
		if t.e.loading || p != t.e.piece || i >= len(p.Photos) || p.Photos[i].Lead == on {
			return
		}
		// At most one lead: choosing one unmarks the others.
		for j := range p.Photos {
			p.Photos[j].Lead = on && j == i
		}
		t.e.changed()
		t.rebuild()
	}

	icons := newRowIcons(i, len(p.Photos), t.move, t.remove)
	info := widget.NewLabel(describeImage(ph))
	info.Importance = widget.LowImportance
	head := container.NewBorder(nil, nil, widget.NewLabelWithStyle(fmt.Sprintf("Photo %d", i+1), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		icons.box(), info)
	fields := widget.NewForm(
		widget.NewFormItem("Alt text", container.NewVBox(alt, decorative)),
		widget.NewFormItem("Caption", caption),
		widget.NewFormItem("Credit", credit),
		widget.NewFormItem("", lead),
	)
	more := widget.NewAccordion(widget.NewAccordionItem("Photographer, copyright, date, place, keywords", t.details(p, i, edit)))
	body := container.NewVBox(fields, more)
	// The caption checks, on the photo they concern; the piece's checks
	// above the tabs list them too.
	if problems := galley.PhotoProblems(i, *ph); len(problems) > 0 {
		warn := widget.NewLabel("• " + strings.Join(problems, "\n• "))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		body.Add(warn)
	}
	if notes := galley.PhotoNotes(i, *ph); len(notes) > 0 {
		body.Add(t.noteRow(i, notes))
	}
	return container.NewVBox(head, container.NewBorder(nil, nil, frame.Content(), nil, body), widget.NewSeparator())
}

// noteRow tells photo i's notes, which do not hold the piece back (the
// export removes a GPS location), in quieter words than its checks, with
// a button to remove the location from the stored image where the desk
// can.
func (t *photosTab) noteRow(i int, notes []string) fyne.CanvasObject {
	note := widget.NewLabel(strings.Join(notes, "\n"))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	var strip fyne.CanvasObject
	if canRemoveLocation(t.e.piece.Photos[i]) {
		var b *widget.Button
		b = widget.NewButtonWithIcon("Remove the location now", theme.DeleteIcon(), func() {
			b.Disable()
			b.SetText("Removing the location…")
			t.removeLocation(i, func(err error) {
				if err != nil {
					b.Enable()
					b.SetText("Remove the location now")
					t.e.d.showError(err)
				}
			})
		})
		strip = container.NewVBox(b)
	}
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.InfoIcon())), strip, note)
}

// details are the photo's fields beyond its words: who took it, whose it
// is, when and where, and its keywords (comma-separated here).
func (t *photosTab) details(p *galley.Piece, i int, edit func(func(*galley.Photo))) fyne.CanvasObject {
	ph := p.Photos[i]
	line := func(placeholder, value string, set func(ph *galley.Photo, v string)) *widget.Entry {
		e := &widget.Entry{PlaceHolder: placeholder, Text: value}
		e.ExtendBaseWidget(e)
		e.OnChanged = func(v string) { edit(func(ph *galley.Photo) { set(ph, strings.TrimSpace(v)) }) }
		return e
	}
	return widget.NewForm(
		widget.NewFormItem("Photographer", line("Who took it", ph.Photographer, func(ph *galley.Photo, v string) { ph.Photographer = v })),
		widget.NewFormItem("Copyright", line("© year holder", ph.Copyright, func(ph *galley.Photo, v string) { ph.Copyright = v })),
		widget.NewFormItem("Taken", line("YYYY-MM-DD", ph.DateCreated, func(ph *galley.Photo, v string) { ph.DateCreated = v })),
		widget.NewFormItem("City", line("", ph.City, func(ph *galley.Photo, v string) { ph.City = v })),
		widget.NewFormItem("Country", line("", ph.Country, func(ph *galley.Photo, v string) { ph.Country = v })),
		widget.NewFormItem("Keywords", line("comma-separated; offered as topics", strings.Join(ph.Keywords, ", "),
			func(ph *galley.Photo, v string) { ph.Keywords = splitList(v) })),
	)
}

// splitList reads a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// describeImage is the photo's size and kind, as an editor checks it.
func describeImage(ph *galley.Photo) string {
	im := ph.Image
	if im.Width == 0 {
		return ""
	}
	kind := strings.ToUpper(strings.TrimPrefix(photo.Extension(im.MIME), "."))
	return fmt.Sprintf("%d × %d %s, %s", im.Width, im.Height, kind, galley.SizeText(im.Size))
}

// thumbnail fills frame with the photo's thumbnail, made in the
// background the first time (decoding a large photo takes longer than a
// frame); until then the frame holds the photo's place.
func (t *photosTab) thumbnail(ph *galley.Photo, frame *widgets.ThumbFrame) {
	key := thumbKey(ph)
	if th, ok := t.thumbs[key]; ok {
		frame.SetImage(th, ph.Image.Width, ph.Image.Height)
		return
	}
	frame.SetImage(nil, ph.Image.Width, ph.Image.Height)
	data, hash := ph.Data, ph.Image.Hash
	lib, g := t.e.d.lib, t.e.d.jobs
	g.queue(func(ctx context.Context) {
		if data == nil {
			var err error
			if data, err = lib.ImageData(ctx, hash); err != nil {
				fyne.LogError("reading a photo for its thumbnail", err)
				return
			}
		}
		th, err := photo.Thumbnail("the photo", data, thumbSize)
		if err != nil {
			fyne.LogError("making a thumbnail", err)
			return
		}
		g.do(func() {
			t.thumbs[key] = th
			frame.SetImage(th, 0, 0)
		})
	})
}

func (t *photosTab) move(from, to int) {
	p := t.e.piece
	if p == nil || to < 0 || to >= len(p.Photos) {
		return
	}
	c := t.e.d.win.Canvas()
	onCaption := from < len(t.captions) && c.Focused() == fyne.Focusable(t.captions[from])
	moveItem(p.Photos, from, to)
	t.rebuild()
	t.e.changed()
	if onCaption {
		c.Focus(t.captions[to])
	}
}

func (t *photosTab) remove(i int) {
	p := t.e.piece
	if p == nil || i >= len(p.Photos) {
		return
	}
	confirm(t.e.d.win, "Remove this photo?", fmt.Sprintf("Remove photo %d, with its caption and credit, from the piece?", i+1), func() {
		if p != t.e.piece || i >= len(p.Photos) {
			return
		}
		wasLead := p.Photos[i].Lead
		p.Photos = removeItem(p.Photos, i)
		if wasLead && len(p.Photos) > 0 {
			p.Photos[0].Lead = true
		}
		t.rebuild()
		t.e.changed()
	})
}

// addFiles adds the image files at paths, in order, as the command line
// does (photo.AddFiles). The files are read in the background, behind the
// working overlay (decoding a few large photos takes seconds); files that
// are not usable images are named in one message, the rest are added to
// the piece that was open, and the tab shows them.
func (t *photosTab) addFiles(paths []string) {
	p := t.e.piece
	if p == nil || len(paths) == 0 {
		return
	}
	d, room := t.e.d, galley.MaxPhotos-len(p.Photos)
	started := d.behindOverlay("Reading "+plural(len(paths), "photo")+"…", d.jobs, func(ctx context.Context) func(bool) {
		photos, bad, err := photo.ReadFiles(ctx, paths, room)
		return func(quitting bool) {
			if err != nil || quitting {
				return // the library is being let go; nothing was added
			}
			// The overlay holds the editor, but not the team: another
			// desk's change may have reloaded the piece meanwhile (the
			// same piece, a new copy), or it was closed.
			now := t.e.piece
			if now == nil || now != p && (p.ID == 0 || now.ID != p.ID) {
				d.showError(galley.Errorf(galley.EConflict, "The photos were not added: %s is no longer open.", p.Name()))
				return
			}
			added := photo.Add(now, photos)
			if added < len(photos) {
				bad = append(bad, galley.Errorf(galley.EInvalid, "%s: a piece can have at most %d photos.", plural(len(photos)-added, "more photo"), galley.MaxPhotos))
			}
			t.showAdded(added, bad)
		}
	})
	if !started {
		d.showError(busyError("Adding photos"))
	}
}

// showAdded shows the photos just added and names the files left out.
func (t *photosTab) showAdded(added int, bad []error) {
	if added > 0 {
		t.rebuild()
		t.e.changed()
		t.e.selectTab(t.content)
	}
	if len(bad) > 0 {
		problems := make([]string, len(bad))
		for i, err := range bad {
			problems[i] = galley.ErrorMessage(err)
		}
		t.e.d.showError(galley.Errorf(galley.EInvalid, "%s not added:\n%s", plural(len(problems), "file"), strings.Join(problems, "\n")))
	}
}

// dropped adds image files dropped on the window to the open piece.
func (t *photosTab) dropped(uris []fyne.URI) {
	if t.e.piece == nil {
		t.e.d.showError(galley.Errorf(galley.EInvalid, "Open or start a piece first, then drop its photos on the window."))
		return
	}
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	t.addFiles(paths)
}

func (t *photosTab) askFile() {
	if t.e.piece == nil {
		return
	}
	t.e.d.choose(fileChoice{purpose: folderPhotos, title: "Add a photo", accept: "Add",
		kinds: "Photos", exts: photoExts}, func(path string) { t.addFiles([]string{path}) })
}

// askFolder picks a folder, then the photos in it to add, several at once.
func (t *photosTab) askFolder() {
	if t.e.piece == nil {
		return
	}
	d := t.e.d
	d.chooseFolder("Add photos from a folder", "Choose photos", d.lastFolder(folderPhotos, ""), func(dir string) {
		d.rememberFolder(folderPhotos, dir, true)
		t.pickFromFolder(dir)
	})
}

// pickFromFolder lists the images in dir with a tick box each.
func (t *photosTab) pickFromFolder(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.e.d.showError(galley.Errorf(galley.ENotFound, "The folder %s could not be read: %v", dir, err))
		return
	}
	var names []string
	for _, en := range entries {
		if !en.IsDir() && slices.Contains(photoExts, strings.ToLower(filepath.Ext(en.Name()))) {
			names = append(names, en.Name())
		}
	}
	if len(names) == 0 {
		dialog.ShowInformation("No photos here", "There are no JPEG, PNG or WebP files in "+dir+".", t.e.d.win)
		return
	}
	checks := widget.NewCheckGroup(names, nil)
	all := widget.NewButton("Select all", func() { checks.SetSelected(names) })
	content := container.NewBorder(all, nil, nil, nil, container.NewVScroll(checks))
	dlg := dialog.NewCustomConfirm("Add photos from "+filepath.Base(dir), "Add", "Cancel", content, func(ok bool) {
		if !ok {
			return
		}
		var paths []string
		for _, n := range names { // in the folder's order, not the order ticked
			if slices.Contains(checks.Selected, n) {
				paths = append(paths, filepath.Join(dir, n))
			}
		}
		t.addFiles(paths)
	}, t.e.d.win)
	dlg.Resize(fyne.NewSize(520, 480))
	dlg.Show()
}
