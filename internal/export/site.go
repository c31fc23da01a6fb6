package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

// site is everything an export knows before it renders a page.
type site struct {
	opt     Options
	tpl     *templates
	src     Source
	entries []*galley.Entry         // the pieces in the export, newest first
	byID    map[int64]*galley.Entry // every piece of the library, exported or not
	inSite  map[int64]bool          // the pieces that get pages
	partial bool                    // chosen pieces or fragments: no list pages of its own
	holds   map[string]bool         // when partial, the pages the export itself holds
	topics  *vocabulary
	types   *vocabulary
	people  *vocabulary
	files   []galley.SiteFile // the site's own files (SiteFiler), for a whole site
	icon    string            // of those, the favicon, "" for none
	logo    string            // and the logo shown beside the site's name
	logoW   int               // the logo's size in pixels, 0 for a drawing (SVG)
	logoH   int               // or one that does not decode
	nav     []linkView        // the site navigation: one link per type, from the top of the site
	hash    string            // of everything every page depends on
	body    *markdown         // body headings start at h2
	answer  *markdown         // answer headings start at h3, under the question
	mu      sync.Mutex
	notes   []string
	moves   []move // the redirect pages: from where, to where
	queries []move // former addresses that are queries of the home page ("?p=123"), for _redirects only
	cards   map[cardKey]*cachedCard
	wordsMu sync.Mutex
	words   map[int64]map[string]photo.Metadata // by owner piece, then image hash: see photoWords
}

// vocabulary gives each name of a shared list (topics, types, people) one
// page and a slug that is unique within the list, whatever its spelling.
type vocabulary struct {
	dir    string
	slugs  map[string]string // name key → slug
	names  map[string]string // name key → name as first seen
	former map[string]string // former slug → the name key whose page it sends readers to

	mu    sync.Mutex
	bases map[string]string // name as spelled → "dir/slug"
}

// Addresser is a Source that keeps the address of every topic, type and
// person page once given (store.Snapshot): a name keeps its page's
// address whatever names come after it, and a renamed or merged one's old
// address sends readers on. kind is the folder of the pages: "topics",
// "types" or "people".
//
// Only a whole site's export of published pieces keeps the addresses it
// gives new names (keep): chosen pieces, fragments and exports with
// drafts give them the same way without writing to the library.
type Addresser interface {
	Addresses(ctx context.Context, kind string, names []string, keep bool) (galley.Addresses, error)
}

// newVocabulary gives the names of dir their pages: at the addresses the
// source keeps, or, from a source that keeps none, as the library gives
// new names theirs (galley.Addresses.Give).
func (s *site) newVocabulary(ctx context.Context, dir string, names []string) (*vocabulary, error) {
	v := &vocabulary{dir: dir, slugs: map[string]string{}, names: map[string]string{}, bases: map[string]string{}}
	for _, n := range names {
		if k := galley.NameKey(n); v.names[k] == "" {
			v.names[k] = n
		}
	}
	if a, ok := s.src.(Addresser); ok {
		kept, err := a.Addresses(ctx, dir, names, !s.partial && !s.opt.IncludeDrafts)
		if err != nil {
			return nil, err
		}
		if kept.Unkept != nil {
			s.note("The new addresses of the %s pages could not be kept in the library (%s); the next export may give those pages others.", dir, galley.ErrorMessage(kept.Unkept))
		}
		for k := range v.names {
			v.slugs[k] = kept.Slugs[k]
		}
		v.former = kept.Former
		return v, nil
	}
	given := galley.Addresses{Slugs: v.slugs, Former: map[string]string{}}
	given.Give(names)
	return v, nil
}

// path is the page of the name: page 1, or page n of its list.
func (v *vocabulary) path(name string, page int) string {
	v.mu.Lock()
	base, ok := v.bases[name]
	if !ok {
		// Folding a name is costly next to a map lookup, and every card on
		// every list asks for its topics' pages.
		base = v.dir + "/" + v.slugs[galley.NameKey(name)]
		v.bases[name] = base
	}
	v.mu.Unlock()
	return pagePath(base, page)
}

// page is the first page of the name, or "" when the list has no such
// name (a topic only a draft carries, on a page of chosen pieces).
func (v *vocabulary) page(name string) string {
	if name == "" || v.slugs[galley.NameKey(name)] == "" {
		return ""
	}
	return v.path(name, 1)
}

func pagePath(base string, page int) string {
	if page <= 1 {
		return base + ".html"
	}
	// Slugs never hold "--", so page files cannot clash with other names.
	return base + "--" + strconv.Itoa(page) + ".html"
}

func indexPath(page int) string {
	if page <= 1 {
		return "index.html"
	}
	return "page-" + strconv.Itoa(page) + ".html"
}

func piecePath(slug string) string { return "pieces/" + slug + ".html" }

// rootOf returns the prefix that leads from a page at path back to the top
// of the site: links stay relative, so the site works from disk and from
// any host.
func rootOf(path string) string {
	return strings.Repeat("../", strings.Count(path, "/"))
}

// newSite reads the catalog and decides what the export holds.
func newSite(ctx context.Context, src Source, opt Options) (*site, error) {
	s, err := checkedSite(src, opt)
	if err != nil {
		return nil, err
	}
	return s, s.read(ctx)
}

// checkedSite checks the options and loads the templates, reading nothing
// from the library yet.
func checkedSite(src Source, opt Options) (*site, error) {
	opt = opt.withDefaults()
	if err := CheckBaseURL(opt.BaseURL); err != nil {
		return nil, err
	}
	if _, err := ParseDateStyle(string(opt.DateStyle)); err != nil {
		return nil, err
	}
	tpl, err := loadTemplates(opt.TemplateDir)
	if err != nil {
		return nil, err
	}
	s := &site{
		opt: opt, tpl: tpl, src: src,
		byID: map[int64]*galley.Entry{}, inSite: map[int64]bool{}, holds: map[string]bool{}, cards: map[cardKey]*cachedCard{},
		body: newMarkdown(2), answer: newMarkdown(3), words: map[int64]map[string]photo.Metadata{},
	}
	return s, nil
}

// read takes from the library what the export needs: the catalog of
// pieces, the ones to export, and the topics, types and people they name.
func (s *site) read(ctx context.Context) error {
	opt := s.opt
	all, err := s.src.Catalog(ctx)
	if err != nil {
		return err
	}
	bySlug := map[string]*galley.Entry{}
	for i := range all {
		e := &all[i]
		s.byID[e.ID] = e
		bySlug[e.Slug] = e
	}
	wanted := map[string]bool{}
	for _, slug := range opt.Pieces {
		if bySlug[slug] == nil {
			return galley.Errorf(galley.ENotFound, "No piece has the slug %q.", slug)
		}
		wanted[slug] = true
	}
	for i := range all {
		e := &all[i]
		switch {
		case len(opt.Pieces) > 0 && !wanted[e.Slug]:
			continue
		case len(opt.Pieces) == 0 && e.Status != galley.StatusPublished && !opt.IncludeDrafts:
			continue
		}
		// Slugs become file names: a slug that is not one (a library
		// edited by other means) never reaches the file system.
		if err := galley.CheckSlug(e.Slug); err != nil {
			return galley.Errorf(galley.EInvalid, "“%s” cannot be exported: %s", e.Title, galley.ErrorMessage(err))
		}
		s.entries = append(s.entries, e)
		s.inSite[e.ID] = true
		if !opt.Fragment {
			s.holds[piecePath(e.Slug)] = true
		}
	}

	// A whole site links to its own list pages. Chosen pieces link to the
	// list pages of the site they belong to, the published library as a
	// site export would make it, so those addresses (absolute, under the
	// base URL) are the live site's own; a name only a draft carries has
	// no page anywhere and is not linked.
	s.partial = len(opt.Pieces) > 0 || opt.Fragment
	named := s.entries
	if s.partial {
		named = nil
		for i := range all {
			if all[i].Status == galley.StatusPublished {
				named = append(named, &all[i])
			}
		}
	}
	var topics, types, people []string
	for _, e := range named {
		topics = append(topics, e.Topics...)
		if e.Type != "" {
			types = append(types, e.Type)
		}
		for _, c := range e.Contributors {
			people = append(people, c.Name)
		}
	}
	if s.topics, err = s.newVocabulary(ctx, "topics", topics); err != nil {
		return err
	}
	if s.types, err = s.newVocabulary(ctx, "types", types); err != nil {
		return err
	}
	if s.people, err = s.newVocabulary(ctx, "people", people); err != nil {
		return err
	}
	for _, k := range sortedKeys(s.types.names) {
		name := s.types.names[k]
		if path := s.types.page(name); s.link(path, "") != "" {
			s.nav = append(s.nav, linkView{Href: path, Text: name})
		}
	}

	h := sha256.New()
	zone := "UTC"
	if opt.TimeZone != nil {
		zone = opt.TimeZone.String()
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%v\x00%v\x00%v\x00%s\x00%s\x00",
		programHash(), s.tpl.hash, opt.SiteName, opt.BaseURL, opt.Lang, opt.DateStyle, opt.PageSize, opt.IncludeDrafts, opt.Fragment, s.partial, zone, opt.Library+fmt.Sprint(opt.BodyOnly, opt.FeedFullText))
	for _, l := range s.nav {
		fmt.Fprintf(h, "%s\x00%s\x00", l.Href, l.Text)
	}
	if err := s.readSiteFiles(ctx); err != nil {
		return err
	}
	fmt.Fprintf(h, "%s\x00%s\x00%dx%d\x00", s.icon, s.logo, s.logoW, s.logoH)
	s.hash = hex.EncodeToString(h.Sum(nil))
	return nil
}

// programHash identifies the running program, so that a Galley whose page
// making changed re-renders pages an older one exported, even when the
// library did not change. The executable's path, size and modification
// time stand for its contents: any new build differs, and reading them is
// instant where hashing 30 MB is not.
var programHash = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown" // every export then renders every page; still correct
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%s\x00%d\x00%d", exe, fi.Size(), fi.ModTime().UnixNano())
})

func (s *site) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.notes {
		if n == msg {
			return // a page's inputs and its rendering both notice
		}
	}
	s.notes = append(s.notes, msg)
}

// fingerprint hashes what a file is made from, with everything the whole
// site shares.
func (s *site) fingerprint(kind string, v any) string {
	h := sha256.New()
	h.Write([]byte(s.hash))
	h.Write([]byte(kind))
	if err := json.NewEncoder(h).Encode(v); err != nil {
		panic(err) // views are plain data
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Site exports to the folder out. See Options for what goes in.
func Site(ctx context.Context, src Source, out string, opt Options) (Report, error) {
	s, err := checkedSite(src, opt)
	if err != nil {
		return Report{}, err
	}
	kind := "site"
	switch {
	case s.opt.Fragment:
		kind = "fragments"
	case len(s.opt.Pieces) > 0:
		kind = "pieces"
	}
	// The options and the folder are checked before the library is read:
	// a folder that cannot be used is said at once, not after a minute of
	// reading.
	t, err := openTree(out, kind, siteOwner{id: s.opt.Library, name: s.opt.LibraryName, replace: s.opt.Replace})
	if err != nil {
		return Report{}, err
	}
	defer t.close()
	if err := s.read(ctx); err != nil {
		return Report{}, err
	}
	rep, err := s.build(ctx, t)
	if err != nil {
		return Report{}, err
	}
	if rep.Removed, err = t.commit(); err != nil {
		var replace *ReplaceError
		if errors.As(err, &replace) {
			return Report{}, err
		}
		return Report{}, galley.Errorf(galley.EInternal, "Could not put the export in place at %s: %v. The previous export there is untouched.", out, err)
	}
	rep.Written, rep.Unchanged = t.written, t.unchanged
	if note := t.damagedNote(); note != "" {
		rep.Problems = append(rep.Problems, note)
	}
	return rep, nil
}

// build writes every file of the export into t: the pages, the images
// they show, and the files of the whole site (style, feed, sitemap,
// robots.txt). Progress counts pages and images, the slow parts.
func (s *site) build(ctx context.Context, t *tree) (Report, error) {
	var rep Report
	pages := s.pageJobs(ctx)
	rep.Pages = len(pages)
	images := s.images()
	progress := s.counter(len(pages) + len(images))
	if err := writePages(ctx, t, pages, progress); err != nil {
		return rep, err
	}
	n, err := s.writeImages(ctx, t, images, progress)
	if err != nil {
		return rep, err
	}
	rep.Images = n
	if err := s.writeSiteFiles(ctx, t); err != nil {
		return rep, err
	}
	if len(s.opt.Pieces) == 0 && !s.opt.Fragment {
		rep.NoBaseURL = s.opt.BaseURL == ""
	}
	sort.Strings(s.notes)
	rep.Problems = s.notes
	return rep, nil
}

// pageJob is one page of the export: where it goes, the fingerprint of
// what it is made from (a page whose fingerprint the previous export
// recorded is kept, not made again), and how to make it.
type pageJob struct {
	path, fp string
	make     func() ([]byte, error)
}

// pageJobs lists the export's pages: each piece's page (or fragment), and
// for a whole site the list pages too; chosen pieces link to the list
// pages of the live site instead.
func (s *site) pageJobs(ctx context.Context) []pageJob {
	var pages []pageJob
	for _, e := range s.entries {
		e := e
		if s.opt.Fragment {
			path := e.Slug + ".html"
			pages = append(pages, pageJob{path, s.pieceFingerprint("fragment", e, s.opt.BaseURL), func() ([]byte, error) {
				return s.fragment(ctx, e, s.opt.BaseURL)
			}})
			continue
		}
		path := piecePath(e.Slug)
		pages = append(pages, pageJob{path, s.pieceFingerprint("piece", e, rootOf(path)), func() ([]byte, error) {
			return s.piecePage(ctx, e, path)
		}})
	}
	if len(s.opt.Pieces) == 0 && !s.opt.Fragment {
		s.listPages(func(path, fp string, build func() *pageView) {
			pages = append(pages, pageJob{path, fp, func() ([]byte, error) {
				return s.render(s.tpl.list, path, build())
			}})
		})
		pages = append(pages, s.redirectJobs()...)
		pages = append(pages, s.formerJobs(s.claimed(pages))...)
		if len(s.queries) > 0 && !s.opt.RedirectsFile {
			s.note("%d old addresses such as %s are queries of the home page, which no page can answer; with the site's redirects setting \"file\" the export writes them into _redirects for a host that reads it (Netlify).", len(s.queries), s.queries[0].from)
		}
	}
	return pages
}

// counter returns the function each page and image calls when done, from
// any worker: it counts them and tells Options.Progress.
func (s *site) counter(total int) func() {
	var done atomic.Int64
	return func() {
		n := done.Add(1)
		if s.opt.Progress != nil {
			s.opt.Progress(int(n), total)
		}
	}
}

// writePages writes the pages into t. Pages kept from the previous export
// are linked side by side (keepPages); the others are made one at a time,
// reading the library through one snapshot: first the kept pages found
// changed since, then those whose inputs changed.
func writePages(ctx context.Context, t *tree, pages []pageJob, progress func()) error {
	var redo, same []pageJob
	for _, j := range pages {
		if t.unchangedInput(j.path, j.fp) {
			same = append(same, j)
		} else {
			redo = append(redo, j)
		}
	}
	remake, err := keepPages(ctx, t, same, progress)
	if err != nil {
		return err
	}
	for _, j := range remake {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := t.make(j.path, j.fp, j.make); err != nil {
			return err
		}
		progress()
	}
	for _, j := range redo {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := t.put(j.path, j.fp, j.make); err != nil {
			return err
		}
		progress()
	}
	return nil
}

// keepPages links the pages the previous export made from the same inputs
// into t, and returns, in their order, those that no longer hold what
// that export wrote: they are to be made again. A few workers take the
// pages in turn (a goroutine per page would spend more time scheduling
// than linking).
func keepPages(ctx context.Context, t *tree, same []pageJob, progress func()) ([]pageJob, error) {
	keep, kctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	var remakeMu sync.Mutex
	remake := map[int]bool{}
	// Linking waits on the file system more than on the processor, so a
	// few more workers than processors keep both busy.
	for range 4 * runtime.NumCPU() {
		keep.Go(func() error {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(same) {
					return nil
				}
				if err := kctx.Err(); err != nil {
					return err
				}
				j := same[i]
				kept, err := t.reuse(j.path, j.fp)
				if err != nil {
					return err
				}
				if !kept {
					remakeMu.Lock()
					remake[i] = true
					remakeMu.Unlock()
					continue
				}
				progress()
			}
		})
	}
	if err := keep.Wait(); err != nil {
		return nil, err
	}
	var list []pageJob
	for i, j := range same {
		if remake[i] {
			list = append(list, j)
		}
	}
	return list, nil
}

// writeImages writes every rendition of the images into t, side by side:
// decoding and resizing is the slow part. It returns how many files it
// wrote or kept.
func (s *site) writeImages(ctx context.Context, t *tree, images []imageUse, progress func()) (int, error) {
	maker := &imageMaker{src: s.src, cache: s.opt.ImageCache}
	g, gctx := errgroup.WithContext(ctx)
	workers := s.opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	g.SetLimit(workers)
	var count atomic.Int64
	for _, u := range images {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			if err := s.writeImage(gctx, t, maker, u, &count); err != nil {
				return err
			}
			progress()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return int(count.Load()), nil
}

// writeImage writes the renditions of one image, counting each in count.
// The image is decoded and resized at most once, and only when one of its
// renditions is not kept from the previous export.
func (s *site) writeImage(ctx context.Context, t *tree, maker *imageMaker, u imageUse, count *atomic.Int64) error {
	var made map[int][]byte
	var original []byte
	var makeErr error
	var once sync.Once
	for _, r := range renditions(u.img) {
		err := t.put(r.Path(), s.imageFingerprint(u, r), func() ([]byte, error) {
			once.Do(func() { made, original, makeErr = maker.produce(ctx, u.img, s.keepsOriginal(u.img)) })
			if makeErr != nil {
				return nil, makeErr
			}
			return s.dress(ctx, u, r, made[r.Width], original)
		})
		if err != nil {
			return err
		}
		count.Add(1)
	}
	return nil
}

// siteWideNames are the files writeSiteFiles may write at the top of a
// whole site, besides the site's own files.
var siteWideNames = []string{"style.css", "feed.xml", "sitemap.xml", "robots.txt", redirectsName}

// claimed is what a whole site export writes besides redirect pages at
// former addresses: its pages, the files of the site as a whole and the
// site's own files; images have a folder of their own that a former
// address cannot take (galley.CheckFormerAddress).
func (s *site) claimed(pages []pageJob) *claims {
	c := newClaims()
	for _, p := range pages {
		c.add(p.path)
	}
	for _, name := range siteWideNames {
		c.add(name)
	}
	for _, f := range s.files {
		c.add(f.Name)
	}
	return c
}

// writeSiteFiles writes the files that belong to the site as a whole: the
// style sheet, and for a whole site (not chosen pieces, whose site is the
// live one) the feed, the sitemap and robots.txt.
func (s *site) writeSiteFiles(ctx context.Context, t *tree) error {
	if err := t.put("style.css", s.fingerprint("style", nil), func() ([]byte, error) { return s.tpl.style, nil }); err != nil {
		return err
	}
	if len(s.opt.Pieces) == 0 && !s.opt.Fragment {
		if err := t.put("feed.xml", s.fingerprint("feed", s.feedInputs()), func() ([]byte, error) { return s.feed(ctx) }); err != nil {
			return err
		}
		if err := t.put("sitemap.xml", s.fingerprint("sitemap", s.sitemapInputs()), s.sitemap); err != nil {
			return err
		}
		if !s.hasSiteFile("robots.txt") {
			if err := t.put("robots.txt", s.fingerprint("robots", nil), s.robots); err != nil {
				return err
			}
		}
		if s.opt.RedirectsFile {
			data := s.redirectsFile()
			sum := sha256.Sum256(data)
			if err := t.put(redirectsName, s.fingerprint("redirects", hex.EncodeToString(sum[:])), func() ([]byte, error) { return data, nil }); err != nil {
				return err
			}
		}
		for _, f := range s.files {
			if f.Name == redirectsName && s.opt.RedirectsFile {
				continue // in the one written above, first
			}
			sum := sha256.Sum256(f.Data)
			if err := t.put(f.Name, s.fingerprint("site file", hex.EncodeToString(sum[:])), func() ([]byte, error) { return f.Data, nil }); err != nil {
				return err
			}
		}
	}
	return nil
}

// images lists, in a stable order, every stored image the export shows:
// all photos of the exported pieces and the thumbnails of the related
// pieces their pages show, each with the piece that owns the words its
// files carry: its first use, the oldest exported piece that shows it,
// else the oldest related piece whose thumbnail it is (see imageUse).
func (s *site) images() []imageUse {
	seen := map[string]imageUse{}
	add := func(img galley.Image, owner *galley.Entry) {
		if _, ok := seen[img.Hash]; !ok && len(img.Hash) >= 16 {
			seen[img.Hash] = imageUse{img, owner}
		}
	}
	// s.entries is newest first.
	for i := len(s.entries) - 1; i >= 0; i-- {
		for _, img := range s.entries[i].Images {
			add(img, s.entries[i])
		}
	}
	if !s.opt.Fragment {
		for i := len(s.entries) - 1; i >= 0; i-- {
			for _, r := range s.related(s.entries[i]) {
				if r.Lead != nil {
					add(r.Lead.Image, r)
				}
			}
		}
	}
	list := make([]imageUse, 0, len(seen))
	for _, h := range sortedKeys(seen) {
		list = append(list, seen[h])
	}
	return list
}

// render fills a page template.
func (s *site) render(t *template.Template, path string, v *pageView) ([]byte, error) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		return nil, execError(path, err)
	}
	return b.Bytes(), nil
}

// Fragment returns the article HTML of the piece with the given slug, as
// --fragment writes it and the desk's Copy HTML copies it. Links and image
// addresses are absolute when opt.BaseURL is set.
func Fragment(ctx context.Context, src Source, slug string, opt Options) ([]byte, error) {
	opt.Pieces, opt.Fragment = []string{slug}, true
	s, err := newSite(ctx, src, opt)
	if err != nil {
		return nil, err
	}
	return s.fragment(ctx, s.entries[0], s.opt.BaseURL)
}
