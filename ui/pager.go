package ui

import (
	"context"

	"app.galley/galley/internal/galley"
)

// pageSize is how many list rows are fetched from the library at a time.
// A list shows a few dozen rows; fetching pages keeps a library of 100,000
// pieces as quick to scroll as one of ten, and a small first page keeps
// the first frame quick.
const pageSize = 64

// searchCap is how many matches of a search the list offers, newest
// first. Counting every match of a one-letter prefix among 100,000 pieces
// takes longer than a keystroke may; nobody scrolls past the first few
// thousand matches rather than typing another letter.
const searchCap = 2000

// pager feeds a virtualised list from the library page by page, keeping
// only the pages recently looked at.
type pager struct {
	lib    Library
	filter galley.Filter
	total  int
	capped bool // more pieces match the search than the list offers
	pages  map[int][]galley.Summary
}

func newPager(lib Library) *pager { return &pager{lib: lib, pages: map[int][]galley.Summary{}} }

// Reset starts over with a new filter.
func (p *pager) Reset(f galley.Filter) error {
	p.filter = f
	p.pages = map[int][]galley.Summary{}
	count := f
	if f.Query != "" {
		count.Limit = searchCap + 1
	}
	n, err := p.lib.CountPieces(context.Background(), count)
	if err != nil {
		p.total, p.capped = 0, false
		return err
	}
	// Only a search is capped: the whole library, or a filter of it, is
	// counted exactly (from the pieces' indexes) and every piece can be
	// scrolled to.
	p.total, p.capped = n, false
	if f.Query != "" && n > searchCap {
		p.total, p.capped = searchCap, true
	}
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
		if len(p.pages) > 16 { // keep memory flat while scrolling far
			clear(p.pages)
		}
		p.pages[page] = rows
	}
	if i%pageSize >= len(rows) {
		return galley.Summary{}, galley.Errorf(galley.ENotFound, "The list changed; search again.")
	}
	return rows[i%pageSize], nil
}
