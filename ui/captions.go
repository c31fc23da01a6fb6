package ui

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// prefCodes keeps the editor's code replacements, as tab-separated text.
const prefCodes = "captions.codes"

// codes returns the editor's code replacements.
func (d *Desk) codes() galley.Codes {
	c, err := galley.ParseCodes(strings.NewReader(d.app.Preferences().String(prefCodes)))
	if err != nil {
		fyne.LogError("reading the saved caption codes", err)
	}
	return c
}

func (d *Desk) setCodes(c galley.Codes) {
	var b bytes.Buffer
	c.WriteTo(&b)
	d.app.Preferences().SetString(prefCodes, b.String())
}

// expandCodes replaces the =codes= in a caption, credit or alt field when
// the cursor leaves it, and says which codes it did not know.
func (e *editor) expandCodes(field interface {
	fyne.Focusable
	SetText(string)
}, text string) {
	expanded, unknown := e.d.codes().Expand(text)
	if expanded != text {
		field.SetText(expanded)
	}
	if len(unknown) > 0 {
		e.setState("Unknown code: =" + strings.Join(unknown, "=, =") + "= (Edit → Caption Codes)")
	}
}

// codesWindow edits the list of code replacements.
type codesWindow struct {
	d     *Desk
	win   fyne.Window
	codes galley.Codes
	list  *widget.List
	chose int
}

// showCodes opens the code replacements editor (Edit → Caption Codes).
func (d *Desk) showCodes() *codesWindow {
	w := &codesWindow{d: d, win: d.app.NewWindow("Caption Codes"), codes: d.codes(), chose: -1}
	w.list = widget.NewList(func() int { return w.codes.Len() },
		func() fyne.CanvasObject {
			code := widget.NewLabel("code")
			code.TextStyle.Monospace = true
			return container.NewBorder(nil, nil, code, nil, widget.NewLabel("replacement"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := w.codes.List()[i]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(r.Text)
			c.Objects[1].(*widget.Label).SetText("=" + r.Code + "=")
		})
	w.list.OnSelected = func(i widget.ListItemID) { w.chose = i }
	code, text := widget.NewEntry(), widget.NewEntry()
	code.SetPlaceHolder("ap")
	text.SetPlaceHolder("Associated Press")
	add := widget.NewButton("Add or change", func() {
		if err := w.codes.Set(strings.TrimSpace(code.Text), strings.TrimSpace(text.Text)); err != nil {
			dialog.ShowError(fmt.Errorf("%s", galley.ErrorMessage(err)), w.win)
			return
		}
		d.setCodes(w.codes)
		code.SetText("")
		text.SetText("")
		w.list.Refresh()
	})
	// Enter in either box adds the code, as the button does.
	code.OnSubmitted = func(string) { add.OnTapped() }
	text.OnSubmitted = func(string) { add.OnTapped() }
	remove := widget.NewButton("Delete", func() {
		if w.chose >= 0 && w.chose < w.codes.Len() {
			w.codes.Delete(w.codes.List()[w.chose].Code)
			d.setCodes(w.codes)
			w.chose = -1
			w.list.UnselectAll()
			w.list.Refresh()
		}
	})
	importTSV := widget.NewButton("Import…", w.askImport)
	exportTSV := widget.NewButton("Export…", w.askExport)
	help := widget.NewLabel("Type =code= in a caption, credit or alt text; it becomes the replacement when you leave the field. Lists are tab-separated text: code, a tab, the replacement; lines starting with // are comments.")
	help.Wrapping = fyne.TextWrapWord
	form := container.NewBorder(nil, nil, nil, add, container.NewGridWithColumns(2, code, text))
	bottom := container.NewVBox(form, container.NewHBox(remove, importTSV, exportTSV))
	w.win.SetContent(container.NewBorder(help, container.NewPadded(bottom), nil, nil, w.list))
	w.win.Resize(fyne.NewSize(640, 520))
	w.win.Show()
	return w
}

func (w *codesWindow) askImport() {
	w.d.choose(fileChoice{purpose: folderCodes, title: "Import caption codes", accept: "Import",
		kinds: "Tab-separated codes", exts: []string{".txt", ".tsv"}, win: w.win}, func(path string) {
		if err := w.importFrom(path); err != nil {
			dialog.ShowError(fmt.Errorf("%s", galley.ErrorMessage(err)), w.win)
		}
	})
}

// importFrom adds the codes in a tab-separated file to the list, all or
// none: a file with a bad line changes nothing.
func (w *codesWindow) importFrom(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return galley.Errorf(galley.ENotFound, "%s could not be read: %v", path, err)
	}
	defer f.Close()
	in, err := galley.ParseCodes(f)
	if err != nil {
		return galley.Errorf(galley.EInvalid, "%s was not imported: %s", path, galley.ErrorMessage(err))
	}
	merged := w.codes
	for _, r := range in.List() {
		if err := merged.Set(r.Code, r.Text); err != nil {
			return err
		}
	}
	w.codes = merged
	w.d.setCodes(merged)
	w.list.Refresh()
	return nil
}

func (w *codesWindow) askExport() {
	dlg := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		defer wc.Close()
		w.d.rememberFolder(folderCodes, wc.URI().Path(), false)
		if _, err := w.codes.WriteTo(wc); err != nil {
			dialog.ShowError(err, w.win)
		}
	}, w.win)
	dlg.SetFileName("caption-codes.txt")
	w.d.startAt(folderCodes, "", dlg.SetLocation)
	dlg.Resize(fyne.NewSize(800, 560))
	dlg.Show()
}
