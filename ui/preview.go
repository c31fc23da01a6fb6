package ui

import (
	"context"
	"image"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

// previewTab shows the piece laid out as its page will be, in the app, and
// offers the real exported page in the system's browser.
type previewTab struct {
	e       *editor
	shown   string // hash of the lead photo being shown
	text    *widget.RichText
	photo   *canvas.Image
	note    *widget.Label
	body    *fyne.Container
	content fyne.CanvasObject
}

func newPreviewTab(e *editor) *previewTab {
	v := &previewTab{e: e, text: widget.NewRichText(), photo: canvas.NewImageFromImage(nil), note: widget.NewLabel("")}
	v.text.Wrapping = fyne.TextWrapWord
	v.photo.FillMode = canvas.ImageFillContain
	v.photo.SetMinSize(fyne.NewSize(480, 320))
	v.photo.Hide()
	v.note.Importance = widget.LowImportance
	browser := widget.NewButtonWithIcon("Open in browser", theme.ComputerIcon(), e.d.previewInBrowser)
	bar := container.NewBorder(nil, nil, nil, browser, v.note)
	v.body = container.NewVBox(v.photo, v.text)
	v.content = container.NewBorder(bar, nil, nil, nil, container.NewVScroll(container.NewPadded(v.body)))
	return v
}

// load renders the working copy, unsaved edits included. It runs when the
// tab is shown, not on every keystroke.
func (v *previewTab) load(p *galley.Piece) {
	if p == nil {
		return
	}
	v.note.SetText("")
	v.text.Segments = pieceSegments(p)
	v.text.Refresh()
	v.showLead(p)
}

// previewPhotoSize is the longest side of the preview's lead photo.
const previewPhotoSize = 960

// showLead shows the piece's lead photo above its text, turned upright as
// its EXIF orientation asks (Fyne's image would show it as stored) and
// scaled down in the background, off the UI goroutine.
func (v *previewTab) showLead(p *galley.Piece) {
	lead := p.LeadPhoto()
	if lead == nil {
		v.photo.Hide()
		return
	}
	data, hash := lead.Data, lead.Image.Hash
	lib, g := v.e.d.lib, v.e.d.jobs
	v.shown = hash
	g.queue(func(ctx context.Context) {
		var err error
		if data == nil {
			data, err = lib.ImageData(ctx, hash)
		}
		var img image.Image
		if err == nil {
			img, err = photo.Thumbnail("The lead photo", data, previewPhotoSize)
		}
		g.do(func() {
			if v.shown != hash {
				return // another piece is on show now
			}
			if err != nil {
				v.photo.Hide()
				v.note.SetText(galley.ErrorMessage(err))
				return
			}
			v.photo.Image = img
			v.photo.Show()
			v.photo.Refresh()
			v.body.Refresh() // lay the column out again with the photo in it
		})
	})
}

// pieceSegments lays a piece out as rich text, in the order of the
// published page: type, title, summary, byline, topics, body, Q&A.
// Editors' words are placed in text segments, never parsed as markup,
// except the Markdown fields (body and answers).
func pieceSegments(p *galley.Piece) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	para := func(text string, style widget.RichTextStyle) {
		if strings.TrimSpace(text) != "" {
			segs = append(segs, &widget.TextSegment{Text: text, Style: style})
		}
	}
	label := p.Type
	if label == "" {
		label = "Untyped"
	}
	label += " · " + string(p.Status)
	if !p.Published.IsZero() {
		label += " · " + p.Published.Time().Format(galley.LongDateLayout)
	}
	para(label, widget.RichTextStyleParagraph)
	para(p.Title, widget.RichTextStyleHeading)
	para(p.Summary, widget.RichTextStyleParagraph)
	para(p.Byline(), widget.RichTextStyleBlockquote)
	if len(p.Topics) > 0 {
		para("Topics: "+strings.Join(p.Topics, ", "), widget.RichTextStyleParagraph)
	}
	if lead := p.LeadPhoto(); lead != nil && lead.Caption != "" {
		caption := lead.Caption
		if lead.Credit != "" {
			caption += " (" + lead.Credit + ")"
		}
		para(caption, widget.RichTextStyleBlockquote)
	}
	segs = append(segs, markdown(p.Body)...)
	for _, qa := range p.QA {
		para(qa.Question, widget.RichTextStyleSubHeading)
		segs = append(segs, markdown(qa.Answer)...)
	}
	return segs
}

// markdown renders an editor's Markdown as rich text segments. Images are
// replaced by their alt text: Fyne would otherwise fetch any URL an image
// names, and a preview must never reach out to the network or disk.
func markdown(text string) []widget.RichTextSegment {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	segs := widget.NewRichTextFromMarkdown(text).Segments
	return withoutImages(segs)
}

func withoutImages(segs []widget.RichTextSegment) []widget.RichTextSegment {
	out := segs[:0]
	for _, s := range segs {
		switch s := s.(type) {
		case *widget.ImageSegment:
			if s.Title != "" {
				out = append(out, &widget.TextSegment{Text: s.Title, Style: widget.RichTextStyleInline})
			}
			continue
		case *widget.ParagraphSegment:
			s.Texts = withoutImages(s.Texts)
		case *widget.ListSegment:
			s.Items = withoutImages(s.Items)
		}
		out = append(out, s)
	}
	return out
}
