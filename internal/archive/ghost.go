package archive

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
)

// ghostIndex is what Open gathers from a Ghost export for its posts to
// refer to: tags, authors and the posts' extra fields, by post.
type ghostIndex struct {
	version string
	tags    map[string]ghostTag
	users   map[string]string // id → name
	postTag map[string][]ranked
	postBy  map[string][]ranked
	meta    map[string]ghostMeta
}

type ghostTag struct{ name, visibility string }

// ranked is one row of a post's tags or authors, in Ghost's order.
type ranked struct {
	id    string
	order float64
}

type ghostMeta struct{ alt, caption string }

// flag is a boolean column: true or false, or 1 or 0 from SQLite.
type flag bool

func (f *flag) UnmarshalJSON(data []byte) error {
	s := string(data)
	*f = flag(s == "true" || s == "1")
	return nil
}

// ghostID is a row's ID: a string since Ghost 1.0, a number before.
type ghostID string

func (id *ghostID) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		var s string
		err := json.Unmarshal(data, &s)
		*id = ghostID(s)
		return err
	}
	if string(data) == "null" {
		*id = ""
		return nil
	}
	var n json.Number
	err := json.Unmarshal(data, &n)
	*id = ghostID(n.String())
	return err
}

// ghostPost is a row of a Ghost export's posts table.
type ghostPost struct {
	ID            ghostID `json:"id"`
	UUID          string  `json:"uuid"`
	Title         string  `json:"title"`
	Slug          string  `json:"slug"`
	HTML          *string `json:"html"`
	FeatureImage  *string `json:"feature_image"`
	Type          string  `json:"type"`
	Status        string  `json:"status"`
	PublishedAt   *string `json:"published_at"`
	CreatedAt     *string `json:"created_at"`
	UpdatedAt     *string `json:"updated_at"`
	CustomExcerpt *string `json:"custom_excerpt"`
	Plaintext     *string `json:"plaintext"`
	Lexical       *string `json:"lexical"`
	Mobiledoc     *string `json:"mobiledoc"`

	// Ghost before 1.0 wrote these instead of type, feature_image and
	// the posts_authors table.
	Page     *flag   `json:"page"`
	Image    *string `json:"image"`
	AuthorID ghostID `json:"author_id"`
}

// kind is "post" or "page", in any version's export.
func (p *ghostPost) kind() string {
	if p.Type == "" && p.Page != nil && bool(*p.Page) {
		return "page"
	}
	if p.Type == "" {
		return "post"
	}
	return p.Type
}

const (
	ghostURL    = "__GHOST_URL__"
	ghostImages = "/content/images/"
)

// openGhost reads a Ghost export through once: tags, authors and the
// posts' extra fields into the index, and what will be imported or
// skipped counted.
func (a *Archive) openGhost() error {
	g := &ghostIndex{tags: map[string]ghostTag{}, users: map[string]string{}, postTag: map[string][]ranked{}, postBy: map[string][]ranked{}, meta: map[string]ghostMeta{}}
	a.gh = g
	err := a.scanGhost(func(table string, each func(func(json.RawMessage) error) error) error {
		switch table {
		case "posts":
			return each(func(raw json.RawMessage) error {
				var p ghostPost
				if err := json.Unmarshal(raw, &p); err != nil {
					return err
				}
				if a.ghostImports(&p) {
					a.posts++
					if galley.CheckSlug(p.Slug) == nil {
						a.slugs[p.Slug] = true
					}
				}
				return nil
			})
		case "tags":
			return each(func(raw json.RawMessage) error {
				var t struct {
					ID               ghostID
					Name, Visibility string
				}
				err := json.Unmarshal(raw, &t)
				g.tags[string(t.ID)] = ghostTag{strings.TrimSpace(t.Name), t.Visibility}
				return err
			})
		case "users":
			return each(func(raw json.RawMessage) error {
				var u struct {
					ID   ghostID
					Name string
				}
				err := json.Unmarshal(raw, &u)
				g.users[string(u.ID)] = strings.TrimSpace(u.Name)
				return err
			})
		case "posts_tags", "posts_authors":
			return each(func(raw json.RawMessage) error {
				var r struct {
					PostID    ghostID `json:"post_id"`
					TagID     ghostID `json:"tag_id"`
					AuthorID  ghostID `json:"author_id"`
					SortOrder float64 `json:"sort_order"`
				}
				if err := json.Unmarshal(raw, &r); err != nil {
					return err
				}
				if table == "posts_tags" {
					g.postTag[string(r.PostID)] = append(g.postTag[string(r.PostID)], ranked{string(r.TagID), r.SortOrder})
				} else {
					g.postBy[string(r.PostID)] = append(g.postBy[string(r.PostID)], ranked{string(r.AuthorID), r.SortOrder})
				}
				return nil
			})
		case "settings":
			// The site's language is its "locale" setting ("en", "de").
			return each(func(raw json.RawMessage) error {
				var kv struct {
					Key   string
					Value *string
				}
				err := json.Unmarshal(raw, &kv)
				if kv.Key == "locale" && strings.TrimSpace(deref(kv.Value)) != "" {
					a.Lang = strings.TrimSpace(deref(kv.Value))
				}
				return err
			})
		case "posts_meta":
			return each(func(raw json.RawMessage) error {
				var m struct {
					PostID  ghostID `json:"post_id"`
					Alt     *string `json:"feature_image_alt"`
					Caption *string `json:"feature_image_caption"`
				}
				err := json.Unmarshal(raw, &m)
				g.meta[string(m.PostID)] = ghostMeta{strings.TrimSpace(deref(m.Alt)), plainText(deref(m.Caption))}
				return err
			})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, rows := range []map[string][]ranked{g.postTag, g.postBy} {
		for _, list := range rows {
			slices.SortStableFunc(list, func(x, y ranked) int {
				switch {
				case x.order < y.order:
					return -1
				case x.order > y.order:
					return 1
				}
				return 0
			})
		}
	}
	a.all = func(yield func(galley.Piece, error) bool) {
		err := a.scanGhost(func(table string, each func(func(json.RawMessage) error) error) error {
			if table != "posts" {
				return nil
			}
			return each(func(raw json.RawMessage) error {
				var gp ghostPost
				if err := json.Unmarshal(raw, &gp); err != nil {
					return err
				}
				if !a.ghostImports(&gp) {
					return nil
				}
				p, err := a.piece(a.ghostPost(&gp))
				if !yield(p, err) || err != nil {
					return errStop
				}
				return nil
			})
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(galley.Piece{}, err)
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ghostImports reports whether a post becomes a piece, counting it among
// the skipped when not (on the first pass).
func (a *Archive) ghostImports(p *ghostPost) bool {
	counting := a.all == nil
	if p.kind() == "page" && !a.opt.Pages {
		if counting {
			a.skipped[skippedPages]++
		}
		return false
	}
	return true
}

// ghostPost maps a Ghost post onto what a piece is made from.
func (a *Archive) ghostPost(gp *ghostPost) post {
	g := a.gh
	p := post{
		id:      string(gp.ID),
		title:   gp.Title,
		slug:    gp.Slug,
		excerpt: plainText(deref(gp.CustomExcerpt)),
		// Ghost writes its own address as a placeholder in links between
		// posts; without it they are addresses on the site itself.
		html:    strings.ReplaceAll(deref(gp.HTML), ghostURL, ""),
		uploads: ghostImages,
		created: ghostTime(gp.CreatedAt),
		updated: ghostTime(gp.UpdatedAt),
	}
	if gp.UUID != "" {
		p.source = "ghost " + gp.UUID // unique across sites, as old numeric IDs are not
	}
	switch gp.Status {
	case "published":
		p.status = galley.StatusPublished
		// Ghost's own routes give every post and page /slug/.
		p.address = gp.Slug + "/"
	case "scheduled":
		p.status = galley.StatusReady
	default: // draft; sent (a newsletter only, never on the site)
		p.status = galley.StatusDraft
	}
	if at := ghostTime(gp.PublishedAt); !at.IsZero() && p.status != galley.StatusDraft {
		p.published = galley.DateOf(at)
	}
	for _, r := range g.postBy[string(gp.ID)] {
		if name := g.users[r.id]; name != "" {
			p.authors = append(p.authors, name)
		}
	}
	if name := g.users[string(gp.AuthorID)]; len(p.authors) == 0 && name != "" {
		p.authors = []string{name}
	}
	if gp.HTML == nil || strings.TrimSpace(*gp.HTML) == "" {
		p.html, p.lost = ghostText(gp)
	}
	var tags []string
	for _, r := range g.postTag[string(gp.ID)] {
		// Internal tags (#archive) sort posts for Ghost's themes; they
		// are no topic a reader sees.
		if t, ok := g.tags[r.id]; ok && t.visibility != "internal" && !strings.HasPrefix(t.name, "#") && t.name != "" {
			tags = append(tags, t.name)
		}
	}
	if a.opt.TypeFrom != "" && len(tags) > 0 {
		p.types, p.topics = tags[:1], tags[1:]
	} else {
		p.topics = tags
	}
	feature := deref(gp.FeatureImage)
	if feature == "" {
		feature = deref(gp.Image)
	}
	if src := feature; src != "" {
		m := g.meta[string(gp.ID)]
		p.featured = &picture{src: strings.ReplaceAll(src, ghostURL, ""), alt: m.alt, caption: m.caption}
	}
	return p
}

// ghostText is the content of a post whose export holds no HTML (Ghost
// writes it, but an export trimmed by a tool may not): its plain text as
// paragraphs, or, when there is only Ghost's own editor format, what was
// lost, so an empty body is not taken for the post.
func ghostText(gp *ghostPost) (content, lost string) {
	if t := strings.TrimSpace(deref(gp.Plaintext)); t != "" {
		var b strings.Builder
		for _, para := range strings.Split(t, "\n\n") {
			b.WriteString("<p>" + html.EscapeString(strings.TrimSpace(para)) + "</p>\n")
		}
		return b.String(), ""
	}
	if deref(gp.Lexical) != "" || deref(gp.Mobiledoc) != "" {
		return "", "the export holds its text only in Ghost's editor format (no HTML); export it again from Ghost"
	}
	return "", ""
}

func ghostTime(s *string) time.Time {
	if s == nil {
		return time.Time{}
	}
	// Ghost on MySQL writes RFC 3339; on SQLite, "2020-06-02 10:00:00"
	// in UTC without a zone.
	for _, layout := range []string{time.RFC3339Nano, time.DateTime, "2006-01-02 15:04:05.000"} {
		if t, err := time.Parse(layout, *s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// scanGhost streams a Ghost export: for each table of its data it calls
// table with the table's name and a function that hands over its rows,
// one at a time (a table it does not ask for is skipped without being
// held). Both the export's forms are read: {"db":[{"meta","data"}]} as
// Ghost writes it, and {"meta","data"} as older versions did.
func (a *Archive) scanGhost(table func(name string, each func(func(json.RawMessage) error) error) error) error {
	f, err := os.Open(a.path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := &countingReader{r: bufio.NewReaderSize(f, 64<<10), limit: MaxItem}
	d := json.NewDecoder(cr)
	where := "the export"
	cr.what = func() string { return "A row of " + where }
	fail := func(err error) error {
		if cr.overrun {
			return galley.Errorf(galley.EInvalid, "%s: %v.", a.path, err)
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return galley.Errorf(galley.EInvalid, "%s (at byte %d, in %s): this is not a complete Ghost export: %v.", a.path, d.InputOffset(), where, err)
	}
	sawData := false
	data := func() error {
		sawData = true
		return eachKey(d, func(name string) error {
			where = "the " + name + " table"
			called := false
			err := table(name, func(row func(json.RawMessage) error) error {
				called = true
				return eachRow(d, cr, row)
			})
			if err != nil || called {
				return err
			}
			return skipValue(d, cr)
		})
	}
	var root func() error
	root = func() error {
		return eachKey(d, func(key string) error {
			switch key {
			case "db":
				if err := expectDelim(d, '['); err != nil {
					return err
				}
				for d.More() {
					if err := root(); err != nil {
						return err
					}
				}
				return expectDelim(d, ']')
			case "meta":
				var m struct {
					Version string `json:"version"`
				}
				if err := d.Decode(&m); err != nil {
					return err
				}
				a.gh.version = m.Version
				return nil
			case "data":
				return data()
			}
			return skipValue(d, cr)
		})
	}
	if err := root(); err != nil {
		if errors.Is(err, errStop) {
			return err
		}
		if galley.ErrorCode(err) == galley.EInvalid && strings.HasPrefix(galley.ErrorMessage(err), a.path) {
			return err
		}
		return fail(err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return fail(errors.New("there is more after its end"))
	}
	if !sawData {
		return galley.Errorf(galley.EInvalid, "%s is JSON but not a Ghost export: it has no \"data\" with the site's tables.", a.path)
	}
	return nil
}

func expectDelim(d *json.Decoder, want json.Delim) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("expected %q, found %v", want, tok)
	}
	return nil
}

// eachKey reads an object, calling fn for each key with the decoder
// before its value; fn must read the value.
func eachKey(d *json.Decoder, fn func(key string) error) error {
	if err := expectDelim(d, '{'); err != nil {
		return err
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := fn(key); err != nil {
			return err
		}
	}
	return expectDelim(d, '}')
}

// eachRow reads an array one element at a time.
func eachRow(d *json.Decoder, cr *countingReader, fn func(json.RawMessage) error) error {
	if err := expectDelim(d, '['); err != nil {
		return err
	}
	for d.More() {
		cr.mark()
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return err
		}
		if err := fn(raw); err != nil {
			return err
		}
	}
	return expectDelim(d, ']')
}

// maxDepth is how deep skipValue follows nested arrays and objects: the
// decoder keeps a step for each level, so "[[[[…" a gigabyte deep would
// fill memory a byte at a time. Ghost's own tables nest a few levels.
const maxDepth = 1000

// skipValue reads past one value without keeping it.
func skipValue(d *json.Decoder, cr *countingReader) error {
	depth := 0
	for {
		if depth > maxDepth {
			return fmt.Errorf("a value is nested more than %d levels deep", maxDepth)
		}
		cr.mark()
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}
