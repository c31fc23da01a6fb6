package ui

import (
	"strings"

	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

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
		label += " · " + p.Published.Time().Format("Monday, January 2, 2006")
	}
	para(label, widget.RichTextStyleParagraph)
	para(p.Title, widget.RichTextStyleHeading)
	para(p.Summary, widget.RichTextStyleParagraph)
	var byline []string
	for _, c := range p.Contributors {
		if c.Role != "" {
			byline = append(byline, c.Name+", "+c.Role)
		} else {
			byline = append(byline, c.Name)
		}
	}
	para(strings.Join(byline, "; "), widget.RichTextStyleBlockquote)
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
