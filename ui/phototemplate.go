package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// Template fields.
const (
	templateCaption = "Caption"
	templateCredit  = "Credit"
	templateAlt     = "Alt text"
)

// prefTemplate keeps the last template applied, so the next piece's photos
// start from it rather than from an empty box.
const prefTemplate = "captions.template"

// templateResult is what a caption template does to one photo, worked out
// before anything changes so the dialog can show it and applying can say
// what it left alone.
type templateResult struct {
	photo   int      // the photo's index in the piece
	text    string   // the field's text once the template is applied
	changed bool     // text differs from the field as it is
	empty   []string // the variables the template uses that the photo lacks, "{city}"
	blank   bool     // the template gives this photo no text at all
}

// planTemplate works out what applying tmpl to field of the chosen photos
// of p gives, changing nothing. A template with a mistake is an error,
// whatever the photos hold.
func planTemplate(p *galley.Piece, tmpl, field string, appendMode bool, chosen []int) ([]templateResult, error) {
	var out []templateResult
	for _, i := range chosen {
		if i < 0 || i >= len(p.Photos) {
			continue
		}
		ph := p.Photos[i]
		date, _ := galley.ParseDate(ph.DateCreated)
		vars := galley.TemplateVars{Byline: ph.Photographer, Credit: ph.Credit, City: ph.City, Country: ph.Country, Date: date}
		current := fieldText(ph, field)
		text, err := galley.ApplyTemplate(tmpl, vars, current, appendMode)
		if err != nil {
			return nil, err
		}
		empty, err := galley.EmptyTemplateVars(tmpl, vars)
		if err != nil {
			return nil, err
		}
		// Only the photo's missing details can leave the template with no
		// text: replacing would then wipe the field, so it stays.
		blank, _ := galley.ApplyTemplate(tmpl, vars, "", false)
		if blank == "" && len(empty) > 0 {
			text = current
		}
		out = append(out, templateResult{photo: i, text: text, changed: text != current, empty: empty, blank: blank == ""})
	}
	return out, nil
}

// fieldText is the text of one of the template fields of ph.
func fieldText(ph galley.Photo, field string) string {
	switch field {
	case templateCredit:
		return ph.Credit
	case templateAlt:
		return ph.Alt
	}
	return ph.Caption
}

// missing says which variables r's photo has no value for: "{city} is
// empty", or "" when it has them all.
func (r templateResult) missing() string {
	switch len(r.empty) {
	case 0:
		return ""
	case 1:
		return r.empty[0] + " is empty"
	}
	return andList(r.empty) + " are empty"
}

// alreadyThere is why a photo whose details fill the template is skipped.
const alreadyThere = "it already has this text"

// why says why a template leaves r's photo as it is: the details it lacks,
// or that the field already has the text.
func (r templateResult) why() string {
	if r.blank && len(r.empty) > 0 {
		return r.missing()
	}
	return alreadyThere
}

// skippedReport says which chosen photos a template left as they were and
// why, photos with the same reason together: "2 photos skipped: {city} is
// empty for photo 3 and photo 4". It is "" when every photo changed.
func skippedReport(results []templateResult) string {
	var reasons []string
	photos := map[string][]string{}
	n := 0
	for _, r := range results {
		if r.changed {
			continue
		}
		n++
		why := r.why()
		if _, ok := photos[why]; !ok {
			reasons = append(reasons, why)
		}
		photos[why] = append(photos[why], fmt.Sprintf("photo %d", r.photo+1))
	}
	if n == 0 {
		return ""
	}
	parts := make([]string, len(reasons))
	for i, why := range reasons {
		if why == alreadyThere {
			parts[i] = andList(photos[why]) + " already had this text"
			continue
		}
		parts[i] = why + " for " + andList(photos[why])
	}
	return fmt.Sprintf("%s skipped: %s.", plural(n, "photo"), strings.Join(parts, "; "))
}

// andList joins words as a sentence does: "a", "a and b", "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// templateDialog is Photos → Apply template: a field, a template, replace
// or append, and the photos with what each one's field would become,
// updated as the template is typed.
type templateDialog struct {
	t        *photosTab
	piece    *galley.Piece
	dlg      *dialog.CustomDialog
	field    *widget.Select
	tmpl     *widget.Entry
	mode     *widget.RadioGroup
	problem  *widget.Label   // what is wrong with the template
	chosen   []*widget.Check // a tick per photo, in order
	previews []*widget.Label // what each photo's field would become
	rows     *fyne.Container
	list     *container.Scroll
	apply    *widget.Button
}

// askTemplate opens the template dialog on the piece's photos, all chosen.
func (t *photosTab) askTemplate() *templateDialog {
	p := t.e.piece
	if p == nil || len(p.Photos) == 0 {
		return nil
	}
	w := &templateDialog{t: t, piece: p}
	w.field = widget.NewSelect([]string{templateCaption, templateCredit, templateAlt}, nil)
	w.field.SetSelected(templateCaption)
	w.tmpl = widget.NewEntry()
	w.tmpl.SetPlaceHolder("{city}, {country}, {date}. ({credit})")
	w.tmpl.SetText(t.e.d.app.Preferences().String(prefTemplate))
	w.mode = widget.NewRadioGroup([]string{"Replace", "Append"}, nil)
	w.mode.Horizontal = true
	w.mode.SetSelected("Append")
	w.problem = widget.NewLabel("")
	w.problem.Wrapping = fyne.TextWrapWord
	w.problem.Importance = widget.DangerImportance

	rows := container.NewVBox()
	w.rows = rows
	for i, ph := range p.Photos {
		check := widget.NewCheck(photoChoice(i, ph), func(bool) { w.update() })
		check.Checked = true
		preview := widget.NewLabel("")
		preview.Wrapping = fyne.TextWrapWord
		w.chosen = append(w.chosen, check)
		w.previews = append(w.previews, preview)
		rows.Add(container.NewVBox(check, container.NewPadded(preview), widget.NewSeparator()))
	}
	// Tall enough to read several photos' previews without scrolling.
	w.list = container.NewVScroll(rows)
	w.list.SetMinSize(fyne.NewSize(0, 300))

	hint := widget.NewLabel("Variables: {byline} {credit} {city} {country} {date}. An empty one is left out with its comma or brackets.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	form := widget.NewForm(
		widget.NewFormItem("Field", w.field),
		widget.NewFormItem("Template", container.NewVBox(w.tmpl, hint, w.problem)),
		widget.NewFormItem("", w.mode),
	)
	w.field.OnChanged = func(string) { w.update() }
	w.mode.OnChanged = func(string) { w.update() }
	w.tmpl.OnChanged = func(string) { w.update() }

	w.dlg = dialog.NewCustom("Apply a caption template", "Cancel", container.NewBorder(form, nil, nil, nil, w.list), t.e.d.win)
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), w.dlg.Hide)
	w.apply = widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), w.applyChosen)
	w.apply.Importance = widget.HighImportance
	w.tmpl.OnSubmitted = func(string) {
		if !w.apply.Disabled() {
			w.applyChosen()
		}
	}
	w.dlg.SetButtons([]fyne.CanvasObject{cancel, w.apply})
	w.update()
	w.dlg.Resize(fyne.NewSize(720, 640))
	w.dlg.Show()
	// The template is what the editor came to type.
	t.e.d.win.Canvas().Focus(w.tmpl)
	return w
}

// choice is the indexes of the ticked photos.
func (w *templateDialog) choice() []int {
	var out []int
	for i, c := range w.chosen {
		if c.Checked {
			out = append(out, i)
		}
	}
	return out
}

// update shows what the template would do to each photo, and allows
// Apply only for a template without mistakes and at least one photo.
func (w *templateDialog) update() {
	tmpl := w.tmpl.Text
	results, err := planTemplate(w.piece, tmpl, w.field.Selected, w.mode.Selected == "Append", w.choice())
	blank := strings.TrimSpace(tmpl) == ""
	switch {
	case blank:
		w.problem.SetText("")
		w.problem.Hide()
	case err != nil:
		w.problem.SetText(galley.ErrorMessage(err))
		w.problem.Show()
	default:
		w.problem.Hide()
	}
	byPhoto := map[int]templateResult{}
	for _, r := range results {
		byPhoto[r.photo] = r
	}
	field := strings.ToLower(w.field.Selected)
	for i, l := range w.previews {
		r, ok := byPhoto[i]
		l.Importance = widget.LowImportance
		switch {
		case !w.chosen[i].Checked:
			l.SetText("Not chosen: left as it is.")
		case blank:
			l.SetText("Type a template to see this photo's new " + field + ".")
		case err != nil || !ok:
			l.SetText("The template has a mistake; see above.")
		case !r.changed:
			l.Importance = widget.WarningImportance
			l.SetText("Skipped: " + r.why() + ".")
		default:
			l.Importance = widget.MediumImportance
			text := "→ " + r.text
			if len(r.empty) > 0 {
				text += "   (" + r.missing() + ", left out)"
			}
			l.SetText(text)
		}
	}
	// A preview wrapping to more lines or fewer moves the rows below it.
	w.rows.Refresh()
	if blank || err != nil || len(results) == 0 {
		w.apply.Disable()
	} else {
		w.apply.Enable()
	}
}

// applyChosen applies the template, closes the dialog and says what was
// left alone and why.
func (w *templateDialog) applyChosen() {
	if w.piece != w.t.e.piece {
		w.dlg.Hide() // another piece was opened meanwhile
		return
	}
	report, err := w.t.applyTemplate(w.tmpl.Text, w.field.Selected, w.mode.Selected == "Append", w.choice())
	if err != nil {
		w.t.e.d.showError(err)
		return
	}
	w.t.e.d.app.Preferences().SetString(prefTemplate, w.tmpl.Text)
	w.dlg.Hide()
	if report != "" {
		dialog.ShowInformation("Caption template applied", report, w.t.e.d.win)
	}
}

func photoChoice(i int, ph galley.Photo) string {
	text := ph.Caption
	if text == "" {
		text = ph.Alt
	}
	if len([]rune(text)) > 40 {
		text = string([]rune(text)[:40]) + "…"
	}
	return fmt.Sprintf("Photo %d  %s", i+1, text)
}

// applyTemplate fills field of the chosen photos from the template and
// each photo's own details, and says which photos it left as they were
// and why ("" when it changed them all). A template with a mistake changes
// nothing; so does one that changes no photo, which leaves the piece saved.
func (t *photosTab) applyTemplate(tmpl, field string, appendMode bool, chosen []int) (string, error) {
	p := t.e.piece
	if p == nil {
		return "", nil
	}
	results, err := planTemplate(p, tmpl, field, appendMode, chosen)
	if err != nil {
		return "", err
	}
	changed := 0
	for _, r := range results {
		if !r.changed {
			continue
		}
		changed++
		ph := &p.Photos[r.photo]
		switch field {
		case templateCaption:
			ph.Caption = r.text
		case templateCredit:
			ph.Credit = r.text
		case templateAlt:
			ph.Alt = r.text
		}
	}
	if changed > 0 {
		t.rebuild()
		t.e.changed()
	}
	return skippedReport(results), nil
}
