package archive

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
)

// wxrIndex is what Open gathers from a WordPress export for its posts to
// refer to: its media and its authors.
type wxrIndex struct {
	attachments map[int64]*attachment
	children    map[int64][]int64
	authors     map[string]string // login → display name
}

// fill completes a picture from its media item: the alt text and caption
// the media library holds, where the markup gives none, and the file's
// recorded path.
func (w *wxrIndex) fill(pic *picture) {
	att := w.attachments[pic.id]
	if att == nil {
		return
	}
	if pic.alt == "" {
		pic.alt = att.alt
	}
	if pic.caption == "" {
		pic.caption = att.caption
	}
	if pic.file == "" {
		pic.file = att.file
	}
}

// wxrItem is one <item> of a WordPress export: a post, page, media item,
// menu entry, …
type wxrItem struct {
	title, link, creator string
	content, excerpt     string
	id, parent           int64
	date, dateGMT        string
	modifiedGMT          string
	name, status, kind   string
	attachmentURL        string
	categories, tags     []string
	meta                 map[string]string
	line                 int // where it starts, for messages
}

const (
	contentNS = "http://purl.org/rss/1.0/modules/content/"
	dcNS      = "http://purl.org/dc/elements/1.1/"
	wpUploads = "/wp-content/uploads/"
)

// openWordPress reads a WordPress export through once: media and authors
// into the index, and what will be imported or skipped counted.
func (a *Archive) openWordPress() error {
	a.wp = &wxrIndex{attachments: map[int64]*attachment{}, children: map[int64][]int64{}, authors: map[string]string{}}
	err := a.scanWXR(func(it *wxrItem) error {
		switch {
		case it.kind == "attachment":
			att := &attachment{id: it.id, parent: it.parent, url: it.attachmentURL,
				file: it.meta["_wp_attached_file"], alt: strings.TrimSpace(it.meta["_wp_attachment_image_alt"]), caption: plainText(it.excerpt)}
			a.wp.attachments[it.id] = att
			a.wp.children[it.parent] = append(a.wp.children[it.parent], it.id)
		case a.imports(it):
			a.posts++
			if slug := wpSlug(it.name); slug != "" && galley.CheckSlug(slug) == nil {
				a.slugs[slug] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.all = func(yield func(galley.Piece, error) bool) {
		err := a.scanWXR(func(it *wxrItem) error {
			if !a.imports(it) {
				return nil
			}
			p, err := a.piece(a.wpPost(it))
			if !yield(p, err) || err != nil {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(galley.Piece{}, err)
		}
	}
	// Counted on the first pass only.
	return nil
}

// imports reports whether an item becomes a piece, counting it among
// the skipped when not (on the first pass, while no post is converted).
func (a *Archive) imports(it *wxrItem) bool {
	counting := a.all == nil
	skip := func(what string) bool {
		if counting {
			a.skipped[what]++
		}
		return false
	}
	switch it.kind {
	case "post":
	case "page":
		if !a.opt.Pages {
			return skip(skippedPages)
		}
	case "attachment":
		return false
	default:
		return skip(it.kind + " items (menus, blocks and other kinds WordPress keeps)")
	}
	switch it.status {
	case "trash":
		return skip("trashed posts")
	case "auto-draft", "inherit":
		return skip("automatic drafts and revisions")
	}
	return true
}

// wpPost maps a WordPress post onto what a piece is made from.
func (a *Archive) wpPost(it *wxrItem) post {
	p := post{
		id:         strconv.FormatInt(it.id, 10),
		source:     strings.TrimSpace("wordpress " + siteKey(a.Site) + " " + strconv.FormatInt(it.id, 10)),
		title:      html.UnescapeString(it.title),
		slug:       wpSlug(it.name),
		excerpt:    plainText(it.excerpt),
		html:       it.content,
		uploads:    wpUploads,
		shortcodes: &shortcodes{post: it.id, attachments: a.wp.attachments, children: a.wp.children},
	}
	if it.status == "publish" {
		p.address = siteAddress(a.Site, it.link)
		p.query = "?p=" + strconv.FormatInt(it.id, 10)
		if it.kind == "page" {
			p.query = "?page_id=" + strconv.FormatInt(it.id, 10)
		}
	}
	switch it.status {
	case "publish":
		p.status = galley.StatusPublished
	case "future":
		p.status = galley.StatusReady
	case "pending":
		p.status = galley.StatusReview
	default: // draft, private: not on the site
		p.status = galley.StatusDraft
	}
	if p.status == galley.StatusPublished || p.status == galley.StatusReady {
		if len(it.date) >= 10 {
			p.published, _ = galley.ParseDate(it.date[:10])
		}
	}
	// A draft or pending post has no GMT date until it is published; its
	// local date is still when it was written.
	p.created = wpTime(it.dateGMT)
	if p.created.IsZero() {
		p.created = wpTime(it.date)
	}
	p.updated = wpTime(it.modifiedGMT)
	if !p.updated.IsZero() && p.updated.Before(p.created) {
		p.updated = p.created
	}
	if name := a.wp.authors[it.creator]; name != "" {
		p.authors = []string{name}
	} else if it.creator != "" {
		p.authors = []string{it.creator}
	}
	switch a.opt.TypeFrom {
	case "category":
		p.types, p.topics = it.categories, it.tags
	case "tag":
		p.types = it.tags
		p.topics = append(append([]string{}, it.categories...), it.tags[min(1, len(it.tags)):]...)
	default:
		p.topics = append(append([]string{}, it.categories...), it.tags...)
	}
	if id, err := strconv.ParseInt(it.meta["_thumbnail_id"], 10, 64); err == nil {
		if att := a.wp.attachments[id]; att != nil {
			p.featured = &picture{src: att.url, id: id}
		}
	}
	return p
}

// siteKey is the site's address as a post's source names it: the same
// site whatever its address's scheme, case, default port, "www." or
// closing slash, so a site that moved to https, or dropped its "www.",
// still finds its pieces on the next import. Its path stays: two sites
// of one WordPress network under one host are two sites.
func siteKey(site string) string {
	u, err := url.Parse(strings.TrimSpace(site))
	if err != nil || u.Host == "" {
		return strings.TrimSpace(site)
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if port := u.Port(); port != "" && port != "80" && port != "443" {
		host += ":" + port
	}
	return host + strings.TrimRight(u.EscapedPath(), "/")
}

// wpSlug is a post's name as text: WordPress keeps a slug of non-Latin
// letters percent-encoded ("%d8%ad%d9%88…").
func wpSlug(name string) string {
	if s, err := url.PathUnescape(name); err == nil {
		return s
	}
	return name
}

// wpTime reads one of WordPress's GMT times, which a draft leaves at
// "0000-00-00 00:00:00".
func wpTime(s string) time.Time {
	t, err := time.Parse(time.DateTime, strings.TrimSpace(s))
	if err != nil || t.Year() < 1971 {
		return time.Time{}
	}
	return t.UTC()
}

// scanWXR streams the export's items to item, and its authors into the
// index. The file is read as a stream with a bound on each item, and
// without a DTD: an export has none, and refusing one is what keeps an
// entity bomb or an external entity from doing anything.
func (a *Archive) scanWXR(item func(*wxrItem) error) error {
	f, err := os.Open(a.path)
	if err != nil {
		return err
	}
	defer f.Close()
	var d *xml.Decoder
	cr := &countingReader{r: bufio.NewReaderSize(f, 64<<10), limit: MaxItem}
	cr.what = func() string {
		line, _ := d.InputPos()
		return fmt.Sprintf("The item at line %d", line)
	}
	d = xml.NewDecoder(cr)
	fail := func(err error) error {
		line, _ := d.InputPos()
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			line, err = se.Line, errors.New(se.Msg)
		}
		if cr.overrun {
			return galley.Errorf(galley.EInvalid, "%s: %v.", a.path, err)
		}
		return galley.Errorf(galley.EInvalid, "%s, line %d: this is not a complete WordPress export: %v.", a.path, line, err)
	}
	depth, inChannel := 0, false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if depth != 0 {
				return fail(io.ErrUnexpectedEOF)
			}
			return nil
		}
		if err != nil {
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return galley.Errorf(galley.EInvalid, "%s holds a DOCTYPE (<!%s…>), which no WordPress export has; it is not read, so entities it declares can neither expand nor reach other files.", a.path, firstWords(string(t)))
		case xml.EndElement:
			depth--
			if t.Name.Local == "channel" {
				inChannel = false
			}
		case xml.StartElement:
			depth++
			if depth == 3 {
				// The bound is on each of the channel's children: an item,
				// or one of the authors, categories, tags and terms a large
				// site lists by the hundred thousand before its first item.
				cr.mark()
			}
			switch {
			case t.Name.Local == "channel":
				inChannel = true
			case inChannel && depth == 3 && t.Name.Local == "item":
				line, _ := d.InputPos()
				it, err := readItem(d, t)
				if err != nil {
					return fail(err)
				}
				depth--
				it.line = line
				if err := item(it); err != nil {
					return err
				}
			case inChannel && depth == 3:
				read, err := a.readChannelField(d, t)
				if err != nil {
					return fail(err)
				}
				if read {
					depth--
				}
			}
		}
	}
}

// readChannelField reads one of the channel's own fields the import
// uses (an author, the site's language and address), reporting whether
// it read the element.
func (a *Archive) readChannelField(d *xml.Decoder, t xml.StartElement) (bool, error) {
	switch {
	case t.Name.Local == "author":
		var au struct {
			Login   string `xml:"author_login"`
			Display string `xml:"author_display_name"`
		}
		if err := d.DecodeElement(&au, &t); err != nil {
			return false, err
		}
		if strings.TrimSpace(au.Display) != "" {
			a.wp.authors[au.Login] = html.UnescapeString(strings.TrimSpace(au.Display))
		}
	case t.Name.Local == "language":
		var s string
		if err := d.DecodeElement(&s, &t); err != nil {
			return false, err
		}
		a.Lang = strings.TrimSpace(s)
	case t.Name.Local == "link" && t.Name.Space == "" || t.Name.Local == "base_blog_url":
		var s string
		if err := d.DecodeElement(&s, &t); err != nil {
			return false, err
		}
		if a.Site == "" || t.Name.Local == "base_blog_url" {
			a.Site = strings.TrimSpace(s)
		}
	default:
		return false, nil
	}
	return true, nil
}

func firstWords(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 30 {
		return string(r[:30])
	}
	return s
}

// readItem reads one <item> whose start tag has just been read.
func readItem(d *xml.Decoder, start xml.StartElement) (*wxrItem, error) {
	it := &wxrItem{meta: map[string]string{}}
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return it, nil // the item's own: children are read whole below
		case xml.StartElement:
			if err := readField(d, t, it); err != nil {
				return nil, err
			}
		}
	}
}

// readField reads one child element of an item into it.
func readField(d *xml.Decoder, t xml.StartElement, it *wxrItem) error {
	text := func(dst *string) error { return d.DecodeElement(dst, &t) }
	number := func(dst *int64) error {
		var s string
		if err := d.DecodeElement(&s, &t); err != nil {
			return err
		}
		*dst, _ = strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return nil
	}
	wp := strings.HasPrefix(t.Name.Space, "http://wordpress.org/export/") || strings.HasPrefix(t.Name.Space, "https://wordpress.org/export/")
	switch {
	case t.Name.Space == "" && t.Name.Local == "title":
		return text(&it.title)
	case t.Name.Space == "" && t.Name.Local == "link":
		return text(&it.link)
	case t.Name.Space == dcNS && t.Name.Local == "creator":
		return text(&it.creator)
	case t.Name.Space == contentNS && t.Name.Local == "encoded":
		return text(&it.content)
	case strings.HasSuffix(t.Name.Space, "/excerpt/") && t.Name.Local == "encoded":
		return text(&it.excerpt)
	case t.Name.Space == "" && t.Name.Local == "category":
		var c struct {
			Domain   string `xml:"domain,attr"`
			Nicename string `xml:"nicename,attr"`
			Name     string `xml:",chardata"`
		}
		if err := d.DecodeElement(&c, &t); err != nil {
			return err
		}
		name := strings.TrimSpace(html.UnescapeString(c.Name))
		switch {
		case c.Domain == "category" && c.Nicename != "uncategorized":
			it.categories = append(it.categories, name)
		case c.Domain == "post_tag":
			it.tags = append(it.tags, name)
		}
		return nil
	case wp:
		return readWPField(d, t, it, text, number)
	}
	return d.Skip()
}

// readWPField reads an item's child in WordPress's own namespace.
func readWPField(d *xml.Decoder, t xml.StartElement, it *wxrItem, text func(*string) error, number func(*int64) error) error {
	switch t.Name.Local {
	case "post_id":
		return number(&it.id)
	case "post_parent":
		return number(&it.parent)
	case "post_date":
		return text(&it.date)
	case "post_date_gmt":
		return text(&it.dateGMT)
	case "post_modified_gmt":
		return text(&it.modifiedGMT)
	case "post_name":
		return text(&it.name)
	case "status":
		return text(&it.status)
	case "post_type":
		return text(&it.kind)
	case "attachment_url":
		return text(&it.attachmentURL)
	case "postmeta":
		var m struct {
			Key   string `xml:"meta_key"`
			Value string `xml:"meta_value"`
		}
		if err := d.DecodeElement(&m, &t); err != nil {
			return err
		}
		it.meta[m.Key] = m.Value
		return nil
	}
	return d.Skip()
}
