package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// How many search results and suggestions the Related tab shows.
const (
	relatedResults     = 12
	relatedSuggestions = 6
)

// relatedTab edits the piece's "Related Publications": the chosen pieces
// in order, a search over the library, and suggestions ranked by shared
// topics, then recency.
type relatedTab struct {
	e           *editor
	chosen      *fyne.Container
	search      *widget.Entry
	results     *fyne.Container
	suggestions *fyne.Container
	content     fyne.CanvasObject
}

func newRelatedTab(e *editor) *relatedTab {
	r := &relatedTab{e: e, chosen: container.NewVBox(), search: widget.NewEntry(),
		results: container.NewVBox(), suggestions: container.NewVBox()}
	r.search.SetPlaceHolder("Search the library for pieces to relate")
	r.search.OnChanged = func(string) { r.runSearch() }
	heading := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.TextStyle.Bold = true
		return l
	}
	r.content = container.NewVScroll(container.NewPadded(container.NewVBox(
		heading("Related publications, in order"), r.chosen,
		widget.NewSeparator(),
		heading("Suggested (shared topics, then newest)"), r.suggestions,
		widget.NewSeparator(),
		heading("Find a piece"), r.search, r.results,
	)))
	return r
}

func (r *relatedTab) load(p *galley.Piece) {
	r.search.SetText("")
	r.rebuild()
}

// rebuild redraws the chosen list and the suggestions.
func (r *relatedTab) rebuild() {
	p := r.e.piece
	r.chosen.Objects = nil
	if p != nil {
		r.fillTitles(p)
		for i, ref := range p.Related {
			r.chosen.Add(r.chosenRow(i, ref))
		}
		if len(p.Related) == 0 {
			r.chosen.Add(widget.NewLabel("None yet: add from the suggestions or a search below."))
		}
	}
	r.chosen.Refresh()
	r.suggest()
	r.runSearch()
}

// fillTitles looks up the titles of related pieces known only by ID.
func (r *relatedTab) fillTitles(p *galley.Piece) {
	for i := range p.Related {
		if p.Related[i].Title == "" {
			if q, err := r.e.d.lib.Piece(context.Background(), p.Related[i].ID); err == nil {
				p.Related[i].Title, p.Related[i].Slug = q.Title, q.Slug
			}
		}
	}
}

func (r *relatedTab) chosenRow(i int, ref galley.PieceRef) fyne.CanvasObject {
	n := len(r.e.piece.Related)
	title := widget.NewLabel(fmt.Sprintf("%d. %s", i+1, ref.Title))
	title.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, nil, newRowIcons(i, n, r.move, r.remove).box(), title)
}

// candidateRow is a piece that can be added, with an Add button.
func (r *relatedTab) candidateRow(s galley.Summary) fyne.CanvasObject {
	title := widget.NewLabel(s.Title + "  ·  " + summaryLine(s))
	title.Truncation = fyne.TextTruncateEllipsis
	add := widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), func() { r.add(s) })
	return container.NewBorder(nil, nil, nil, add, title)
}

// isChosen reports whether id is the piece itself or already related.
func (r *relatedTab) isChosen(id int64) bool {
	p := r.e.piece
	if id == p.ID {
		return true
	}
	for _, ref := range p.Related {
		if ref.ID == id {
			return true
		}
	}
	return false
}

func (r *relatedTab) suggest() {
	p := r.e.piece
	r.suggestions.Objects = nil
	if p != nil {
		list, err := r.e.d.lib.SuggestRelated(context.Background(), p.ID, p.Topics, relatedSuggestions+len(p.Related))
		if err != nil {
			r.suggestions.Add(widget.NewLabel(galley.ErrorMessage(err)))
		}
		shown := 0
		for _, s := range list {
			if !r.isChosen(s.ID) && shown < relatedSuggestions {
				r.suggestions.Add(r.candidateRow(s))
				shown++
			}
		}
		if shown == 0 && err == nil {
			r.suggestions.Add(widget.NewLabel("No suggestions: pieces sharing a topic with this one appear here."))
		}
	}
	r.suggestions.Refresh()
}

func (r *relatedTab) runSearch() {
	p := r.e.piece
	r.results.Objects = nil
	if p != nil && r.search.Text != "" {
		list, err := r.e.d.lib.FindPieces(context.Background(), galley.Filter{Query: r.search.Text, Limit: relatedResults + 1})
		if err != nil {
			r.results.Add(widget.NewLabel(galley.ErrorMessage(err)))
		}
		for _, s := range list {
			if !r.isChosen(s.ID) {
				r.results.Add(r.candidateRow(s))
			}
		}
		if len(list) == 0 && err == nil {
			r.results.Add(widget.NewLabel("No piece matches."))
		}
	}
	r.results.Refresh()
}

func (r *relatedTab) add(s galley.Summary) {
	p := r.e.piece
	if p == nil || r.isChosen(s.ID) {
		return
	}
	if len(p.Related) >= galley.MaxRelated {
		r.e.d.showError(galley.Errorf(galley.EInvalid, "A piece can list at most %d related publications.", galley.MaxRelated))
		return
	}
	p.Related = append(p.Related, galley.PieceRef{ID: s.ID, Slug: s.Slug, Title: s.Title})
	r.rebuild()
	r.e.changed()
}

func (r *relatedTab) move(from, to int) {
	p := r.e.piece
	if p == nil || to < 0 || to >= len(p.Related) {
		return
	}
	moveItem(p.Related, from, to)
	r.rebuild()
	r.e.changed()
}

func (r *relatedTab) remove(i int) {
	p := r.e.piece
	if p == nil || i >= len(p.Related) {
		return
	}
	p.Related = removeItem(p.Related, i)
	r.rebuild()
	r.e.changed()
}
