package ui

import (
	"context"

	"app.galley/galley/internal/galley"
)

// pageSize is how many list rows are fetched from the library at a time.
// A list shows a few dozen rows; fetching pages keeps a library of 100,000
// pieces as quick to scroll as one of ten.
const pageSize = 200

// pager feeds a virtualised list from the library page by page, keeping
// only the pages recently looked at.
type pager struct {
	lib    Library
	filter galley.Filter
	total  int
	pages  map[int][]galley.Summary
}

func newPager(lib Library) *pager { return &pager{lib: lib, pages: map[int][]galley.Summary{}} }

// Reset starts over with a new filter.
func (p *pager) Reset(f galley.Filter) error {
	p.filter = f
	p.pages = map[int][]galley.Summary{}
	n, err := p.lib.CountPieces(context.Background(), f)
	if err != nil {
		p.total = 0
		return err
	}
	p.total = n
	return nil
}

// Forget drops the fetched pages, so rows are read again (after a save
// changed a title, say) while the count and the scroll position stay.
func (p *pager) Forget() { clear(p.pages) }

// Len returns how many pieces pass the filter.
func (p *pager) Len() int { return p.total }

// Item returns the i-th piece of the list.
func (p *pager) Item(i int) (galley.Summary, error) {
	page := i / pageSize
	rows, ok := p.pages[page]
	if !ok {
		f := p.filter
		f.Limit, f.Offset = pageSize, page*pageSize
		var err error
		if rows, err = p.lib.FindPieces(context.Background(), f); err != nil {
			return galley.Summary{}, err
		}
		if len(p.pages) > 8 { // keep memory flat while scrolling far
			clear(p.pages)
		}
		p.pages[page] = rows
	}
	if i%pageSize >= len(rows) {
		return galley.Summary{}, galley.Errorf(galley.ENotFound, "The list changed; search again.")
	}
	return rows[i%pageSize], nil
}
