package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"

	"app.galley/galley/internal/galley"
)

// The views are what templates see: plain data, every link already
// relative to the page it is on. Templates never reach the library.
type (
	linkView struct {
		Href    string
		Text    string
		Current bool // the page it is on: aria-current="page" in the navigation
	}
	dateView struct {
		ISO  string // 2018-07-17, for <time datetime>
		Text string // in the site's date style
	}
	personView struct {
		Name, Role, Href string
	}
	figureView struct {
		Class         string
		Src           string
		Srcset        string
		Sizes         string
		Width, Height int
		Alt           string
		Caption       string
		Credit        string
		Lazy          bool
		FullURL       string `json:"-"` // the largest size, for social cards and JSON-LD
		FullW, FullH  int    `json:"-"`
	}
	cardView struct {
		Level   int // heading level of the title: 2 on list pages, 3 under "Related Publications"
		Href    string
		Title   string
		Date    dateView
		Summary string
		Type    *linkView
		Topics  []linkView
		Thumb   *figureView
		Draft   bool
		// Lang and Dir, as a piece's, when the piece is not in the site's
		// language: its title and summary on a list are read in their own.
		Lang, Dir string
	}
	qaView struct {
		ID       string
		Question string
		Answer   template.HTML
	}
	pieceView struct {
		Type    *linkView
		Title   string
		Summary string
		Byline  []personView
		Date    dateView
		Topics  []linkView
		Lead    *figureView
		Body    template.HTML
		QA      []qaView
		Photos  []figureView
		Related []cardView
		AllHref string
		// BodyOnly leaves out the header: a fragment for a CMS that has
		// fields of its own for the title, summary and byline.
		BodyOnly bool
		// Lang and Dir mark the article when it is not in the site's
		// language: "ar" and "rtl" for an Arabic piece on an English site.
		Lang, Dir string
	}
	pagerView struct {
		Page, Pages int
		Prev, Next  string
	}
	listView struct {
		Heading string
		Intro   string
		Cards   []cardView
		Pager   pagerView
	}
	siteView struct {
		Name  string
		Lang  string
		Dir   string     // "rtl" for a site in a right-to-left language, else "ltr"
		Types []linkView // hrefs from the top of the site; empty on chosen pieces' pages (use the page's Nav)
	}
	ogView struct {
		Type, Title, Description, URL, Image, ImageAlt string
		ImageW, ImageH                                 int
		Card                                           string // twitter:card: summary, or summary_large_image with a lead photo
		Published, Modified                            string
		Tags                                           []string
	}
	pageView struct {
		Site        siteView
		Root        string
		Home        string     // the index page, "" when neither the export nor a base URL reaches it
		AtHome      bool       // this is the index page
		Feed        string     // the Atom feed, likewise
		Icon, Logo  string     // the site's favicon and logo (site files), likewise
		Nav         []linkView // one link per type, each href as the page uses it ("" for none)
		Title       string
		Description string
		Canonical   string
		NoIndex     bool
		Draft       bool
		OG          *ogView
		LD          any
		Piece       *pieceView
		List        *listView
	}
)

func (s *site) siteView() siteView {
	v := siteView{Name: s.opt.SiteName, Lang: s.opt.Lang, Dir: galley.Direction(s.opt.Lang)}
	if !s.partial {
		v.Types = s.nav // relative to the top: templates written before Nav add Root
	}
	return v
}

// frame fills what every page's frame links to, for the page at path.
func (s *site) frame(v *pageView, path string) {
	root := rootOf(path)
	v.Site, v.Root = s.siteView(), root
	v.Home, v.Feed, v.Nav = s.link(indexPath(1), root), s.link("feed.xml", root), s.navLinks(path)
	v.AtHome = path == indexPath(1)
	v.Icon, v.Logo = s.siteFileLink(s.icon, root), s.siteFileLink(s.logo, root)
}

// siteFileLink is the address of the site file name from a page at root:
// in the export, or for chosen pieces on the published site under the
// base URL; "" when there is none, or nowhere to reach it.
func (s *site) siteFileLink(name, root string) string {
	switch {
	case name == "":
		return ""
	case !s.partial:
		return root + name
	case s.opt.BaseURL != "":
		return s.absolute(name)
	}
	return ""
}

func (s *site) date(d galley.Date) dateView {
	return dateView{ISO: d.String(), Text: s.opt.DateStyle.Format(d)}
}

// link returns how a page at root addresses the page at path: relative
// when the export holds that page, absolute under the base URL when only
// the published site does (chosen pieces, fragments), and "" when neither
// has it or there is no base URL to reach it by. Templates show a name
// whose link is "" as text, so an export never links to a page that is
// not there.
func (s *site) link(path, root string) string {
	switch {
	case path == "":
		return ""
	case !s.partial, s.holds[path]:
		return root + path
	case s.opt.BaseURL != "":
		return s.absolute(path)
	}
	s.note("Links to pages this export does not hold (topics, types, people, other pieces) are shown as text; with a base URL they lead to the published site.")
	return ""
}

func (s *site) topicLinks(names []string, root string) []linkView {
	var ls []linkView
	for _, n := range names {
		ls = append(ls, linkView{Href: s.link(s.topics.page(n), root), Text: n})
	}
	return ls
}

func (s *site) typeLink(name, root string) *linkView {
	if name == "" {
		return nil
	}
	return &linkView{Href: s.link(s.types.page(name), root), Text: name}
}

// navLinks is the site navigation for the page at path.
func (s *site) navLinks(path string) []linkView {
	root := rootOf(path)
	ls := make([]linkView, 0, len(s.nav))
	for _, l := range s.nav {
		ls = append(ls, linkView{Href: s.link(l.Href, root), Text: l.Text, Current: l.Href == path})
	}
	return ls
}

// canonical returns the absolute address of a page, when the site has a
// base URL.
func (s *site) canonical(path string) string {
	if s.opt.BaseURL == "" {
		return ""
	}
	if path == indexPath(1) {
		return s.opt.BaseURL // the home page is the site's own address, not …/index.html
	}
	return s.absolute(path)
}

// absolute is the address of the export's file at path under the base
// URL, percent-encoded: a slug in Arabic or Hebrew letters is a file
// name as it is, and in an address its letters are escaped, as a sitemap,
// a feed and JSON-LD require.
func (s *site) absolute(path string) string { return s.opt.BaseURL + escapePath(path) }

// figure describes a photo for a page at root. sizes tells the browser how
// wide it is drawn, so it fetches the smallest file that is sharp enough.
func (s *site) figure(ph *galley.Photo, root, class, sizes string, lazy bool, preferred int) *figureView {
	rs := renditions(ph.Image)
	src := rs[0]
	for _, r := range rs {
		if r.Width <= preferred {
			src = r
		}
	}
	var set []string
	if len(rs) > 1 {
		for _, r := range rs {
			set = append(set, root+r.Path()+" "+strconv.Itoa(r.Width)+"w")
		}
	}
	full := rs[len(rs)-1]
	f := &figureView{
		Class: class, Src: root + src.Path(), Srcset: strings.Join(set, ", "), Sizes: sizes,
		Width: src.Width, Height: src.Height, Lazy: lazy,
		Caption: strings.TrimSpace(ph.Caption), Credit: strings.TrimSpace(ph.Credit),
		FullURL: full.Path(), FullW: full.Width, FullH: full.Height,
	}
	if !ph.Decorative {
		f.Alt = strings.TrimSpace(ph.Alt)
	}
	if f.Srcset == "" {
		f.Sizes = ""
	}
	return f
}

type cardKey struct {
	id    int64
	root  string
	level int
}

type cachedCard struct {
	once sync.Once
	view cardView
	hash string // stands for the view: what pages that show the card depend on
}

// card returns the card of e for a page at root, made once per export: a
// piece appears on the index, its topics', type's and people's pages and
// beside its related pieces.
func (s *site) card(e *galley.Entry, root string, level int) cardView {
	c := s.cachedCard(e, root, level)
	c.once.Do(func() { c.view = s.makeCard(e, root, level) })
	return c.view
}

func (s *site) cachedCard(e *galley.Entry, root string, level int) *cachedCard {
	k := cardKey{e.ID, root, level}
	s.mu.Lock()
	c := s.cards[k]
	s.mu.Unlock()
	if c != nil {
		return c
	}
	c = &cachedCard{hash: s.cardHash(e, root, level)}
	s.mu.Lock()
	s.cards[k] = c
	s.mu.Unlock()
	return c
}

// cardHash stands for everything a card shows, without building it: the
// piece's version covers its own fields and photo, the links cover where
// its type and topics live; the site hash covers the rest.
func (s *site) cardHash(e *galley.Entry, root string, level int) string {
	h := sha256.New()
	// The card's own link: relative, absolute or none, as the export holds
	// the piece's page or not.
	fmt.Fprintf(h, "%d\x00%d\x00%s\x00%d\x00%s\x00%s", e.ID, e.Version, root, level, s.types.path(e.Type, 1), s.link(piecePath(e.Slug), root))
	for _, t := range e.Topics {
		h.Write([]byte("\x00" + s.topics.path(t, 1)))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ownLanguage is the lang and dir to mark a piece in the language lang
// with: none for a piece in the site's language (lang "" or the same),
// which the page's own lang and dir cover.
func (s *site) ownLanguage(lang string) (string, string) {
	if lang == "" || strings.EqualFold(lang, s.opt.Lang) {
		return "", ""
	}
	return lang, galley.Direction(lang)
}

func (s *site) makeCard(e *galley.Entry, root string, level int) cardView {
	c := cardView{
		Level: level, Href: s.link(piecePath(e.Slug), root), Title: e.Title, Date: s.date(e.Published),
		Summary: e.Summary, Type: s.typeLink(e.Type, root), Topics: s.topicLinks(e.Topics, root),
		Draft: e.Status != galley.StatusPublished,
	}
	c.Lang, c.Dir = s.ownLanguage(e.Lang)
	if e.Lead != nil {
		c.Thumb = s.figure(e.Lead, root, "thumb", cardSizes, true, 480)
	}
	return c
}

// related returns the pieces e lists as related that its page can link to:
// those in the export, or (when exporting chosen pieces) any published one.
func (s *site) related(e *galley.Entry) []*galley.Entry {
	var out []*galley.Entry
	for _, id := range e.Related {
		r := s.byID[id]
		switch {
		case r == nil:
		case s.inSite[id], len(s.opt.Pieces) > 0 && r.Status == galley.StatusPublished:
			out = append(out, r)
		default:
			s.note("“%s” lists “%s” as related, but it is not published; it was left out of Related Publications.", e.Title, r.Title)
		}
	}
	return out
}

// pieceFingerprint stands for what a piece page is made from: the piece
// itself (its version changes with every save), where its type, topics and
// people live, and the cards of its related pieces.
func (s *site) pieceFingerprint(kind string, e *galley.Entry, root string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00%s\x00%s", s.hash, kind, e.ID, e.Version, root, s.types.path(e.Type, 1))
	for _, t := range e.Topics {
		h.Write([]byte("\x00t" + s.topics.path(t, 1)))
	}
	for _, c := range e.Contributors {
		h.Write([]byte("\x00p" + s.people.path(c.Name, 1)))
	}
	for _, r := range s.related(e) {
		h.Write([]byte("\x00r" + s.cachedCard(r, root, 3).hash))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// noteDropped tells the editor what raw HTML a field lost.
func (s *site) noteDropped(p *galley.Piece, where string, dropped []string) {
	for _, d := range dropped {
		if len([]rune(d)) > 60 {
			d = string([]rune(d)[:57]) + "…"
		}
		s.note("“%s”: raw HTML in %s was left out of the page: %s. Write it in Markdown, or leave it to the site's templates.", p.Title, where, d)
	}
}

// idPrefix starts the ids of a piece's article: none on its own page, the
// slug in a fragment, which lands in someone else's page.
func (s *site) idPrefix(slug string) string {
	if s.opt.Fragment {
		return slug + "-"
	}
	return ""
}

// pieceSizes is how wide a piece's photos are drawn, as the stylesheet
// lays them out: the article's measure (44rem of an 18px root, 792px),
// less the page's padding (1.25rem a side) on a narrower screen. Media
// queries and sizes count rem at the browser's 16px, so the figures are
// in pixels.
const pieceSizes = "(max-width: 837px) calc(100vw - 45px), 792px"

// articleWidth is the article's measure in pixels, as pieceSizes says.
const articleWidth = 792

// cardSizes is how wide a card's photo is drawn: the stylesheet's grid of
// columns at least 16rem wide with 1.5rem between them, in a list as wide
// as the page less its padding (2.5rem), at most 72rem. The root is 17px
// on a phone (up to 640px) and 18px above, so a screen holds one column
// below 612px, two to 640px, one again to 647px (the rem grew), then two,
// three from 963px and four from 1278px; from 1296px the list stops
// growing. Each entry is that count's column width, in pixels for the
// same reason as pieceSizes. scripts/htmlcheck measures it in Chromium at
// both sides of each step.
const cardSizes = "(max-width: 611px) calc(100vw - 42.5px), (max-width: 640px) calc(50vw - 34px), " +
	"(max-width: 647px) calc(100vw - 45px), (max-width: 962px) calc(50vw - 36px), " +
	"(max-width: 1277px) calc(33.33vw - 33px), (max-width: 1295px) calc(25vw - 31.5px), 293px"

// pieceFigure is a photo in a piece's article. One narrower than the
// article is drawn at its own width (the stylesheet never enlarges a
// photo), so its sizes says so: the browser then needs no larger file.
func (s *site) pieceFigure(ph *galley.Photo, root, class string, lazy bool) *figureView {
	f := s.figure(ph, root, class, pieceSizes, lazy, 960)
	if f.Sizes != "" && f.Width < articleWidth {
		f.Sizes = fmt.Sprintf("(max-width: %dpx) calc(100vw - 45px), %dpx", f.Width+45, f.Width)
	}
	return f
}

// pieceView lays out the whole piece for a page whose links start at root.
func (s *site) pieceView(p *galley.Piece, e *galley.Entry, root string) (*pieceView, error) {
	v := &pieceView{
		Type: s.typeLink(p.Type, root), Title: p.Title, Summary: p.Summary, Date: s.date(p.Published),
		Topics: s.topicLinks(p.Topics, root), AllHref: s.link(indexPath(1), root),
		BodyOnly: s.opt.Fragment && s.opt.BodyOnly,
	}
	v.Lang, v.Dir = s.ownLanguage(p.Lang)
	for _, c := range p.Contributors {
		v.Byline = append(v.Byline, personView{Name: c.Name, Role: c.Role, Href: s.link(s.people.page(c.Name), root)})
	}
	for i := range p.Photos {
		ph := &p.Photos[i]
		if !ph.Decorative && strings.TrimSpace(ph.Alt) == "" {
			s.note("“%s”: photo %d has no alt text and is not marked decorative.", p.Title, i+1)
		}
		if ph.Lead {
			v.Lead = s.pieceFigure(ph, root, "lead", false)
		} else {
			v.Photos = append(v.Photos, *s.pieceFigure(ph, root, "photo", true))
		}
	}
	var err error
	var dropped []string
	if v.Body, dropped, err = s.body.RenderDropping(p.Body); err != nil {
		return nil, err
	}
	s.noteDropped(p, "the body", dropped)
	for i, qa := range p.QA {
		answer, dropped, err := s.answer.RenderDropping(qa.Answer)
		if err != nil {
			return nil, err
		}
		s.noteDropped(p, fmt.Sprintf("answer %d", i+1), dropped)
		v.QA = append(v.QA, qaView{ID: s.idPrefix(p.Slug) + "q" + strconv.Itoa(i+1), Question: qa.Question, Answer: answer})
	}
	for _, r := range s.related(e) {
		v.Related = append(v.Related, s.card(r, root, 3))
	}
	return v, nil
}

// piecePage renders the page of one piece.
func (s *site) piecePage(ctx context.Context, e *galley.Entry, path string) ([]byte, error) {
	p, err := s.src.Piece(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	root := rootOf(path)
	v, err := s.pieceView(p, e, root)
	if err != nil {
		return nil, err
	}
	page := &pageView{
		Title:       p.Title + " | " + s.opt.SiteName,
		Description: p.Description(), Canonical: s.canonical(path), Piece: v,
		Draft: p.Status != galley.StatusPublished,
	}
	s.frame(page, path)
	page.NoIndex = page.Draft
	page.OG, page.LD = s.social(p, v, path, root)
	return s.render(s.tpl.piece, path, page)
}

// fragment renders just the article of a piece, with links starting at
// root (the base URL, or nothing).
func (s *site) fragment(ctx context.Context, e *galley.Entry, root string) ([]byte, error) {
	p, err := s.src.Piece(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	v, err := s.pieceView(p, e, root)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := s.tpl.piece.ExecuteTemplate(&b, "article", v); err != nil {
		return nil, execError(e.Slug+".html", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// listPages calls emit for every page of every list: the publications
// index, and each topic, type and contributor. A page's fingerprint comes
// from its cards' hashes; build makes the page's view only when the page
// has to be rendered.
func (s *site) listPages(emit func(path, fp string, build func() *pageView)) {
	s.paginate("index", "Publications", "", s.entries, indexPath, emit)
	group := func(v *vocabulary, intro func(name string) string) {
		members := s.members(v)
		for _, k := range sortedKeys(v.names) {
			name := v.names[k]
			s.paginate(v.dir, name, intro(name), members[k], func(page int) string { return v.path(name, page) }, emit)
		}
	}
	group(s.topics, func(n string) string { return "Publications on " + n + "." })
	group(s.types, func(n string) string { return "Every publication of the type " + n + "." })
	roles := map[string]string{}
	for _, e := range s.entries {
		for _, c := range e.Contributors {
			if c.Role != "" {
				roles[galley.NameKey(c.Name)] = c.Role
			}
		}
	}
	group(s.people, func(n string) string { return roles[galley.NameKey(n)] })
}

// members are the entries on each name's list of v, by the name's key.
func (s *site) members(v *vocabulary) map[string][]*galley.Entry {
	out := map[string][]*galley.Entry{}
	for _, e := range s.entries {
		var names []string
		switch v {
		case s.topics:
			names = e.Topics
		case s.types:
			if e.Type != "" {
				names = []string{e.Type}
			}
		case s.people:
			for _, c := range e.Contributors {
				names = append(names, c.Name)
			}
		}
		for _, n := range names {
			k := galley.NameKey(n)
			out[k] = append(out[k], e)
		}
	}
	return out
}

// listLength is how many pages a list of n entries takes.
func (s *site) listLength(n int) int {
	return max(1, (n+s.opt.PageSize-1)/s.opt.PageSize)
}

func (s *site) paginate(kind, heading, intro string, entries []*galley.Entry, path func(page int) string, emit func(string, string, func() *pageView)) {
	size := s.opt.PageSize
	pages := s.listLength(len(entries))
	for page := 1; page <= pages; page++ {
		p := path(page)
		root := rootOf(p)
		on := entries[min((page-1)*size, len(entries)):min(page*size, len(entries))]
		var prev, next string
		if page > 1 {
			prev = root + path(page-1)
		}
		if page < pages {
			next = root + path(page+1)
		}
		h := sha256.New()
		fmt.Fprintf(h, "%s\x00list\x00%s\x00%s\x00%s\x00%d\x00%d\x00%s\x00%s", s.hash, kind, heading, intro, page, pages, prev, next)
		for _, e := range on {
			h.Write([]byte("\x00" + s.cachedCard(e, root, 2).hash))
		}
		fp := hex.EncodeToString(h.Sum(nil))
		emit(p, fp, func() *pageView {
			lv := &listView{Heading: heading, Intro: intro, Pager: pagerView{Page: page, Pages: pages, Prev: prev, Next: next}}
			for _, e := range on {
				lv.Cards = append(lv.Cards, s.card(e, root, 2))
			}
			title := heading + " | " + s.opt.SiteName
			if kind == "index" {
				title = s.opt.SiteName
			}
			if page > 1 {
				title += " (page " + strconv.Itoa(page) + ")"
			}
			v := &pageView{Title: title, Description: intro, Canonical: s.canonical(p), List: lv}
			s.frame(v, p)
			return v
		})
	}
}
