package galley

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is where a piece stands in the editorial workflow.
type Status string

// The workflow, in order. Only published pieces go into a site export.
const (
	StatusDraft     Status = "draft"
	StatusReview    Status = "review"
	StatusReady     Status = "ready"
	StatusPublished Status = "published"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusDraft, StatusReview, StatusReady, StatusPublished}

// ParseStatus reads a status name. The empty string means draft, the status
// of anything not yet looked at.
func ParseStatus(s string) (Status, error) {
	if s == "" {
		return StatusDraft, nil
	}
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", Errorf(EInvalid, "%q is not a status; use draft, review, ready or published", s)
}

// DefaultTypes is the list of piece types a new library starts with. Editors
// can add more; a bundle naming an unknown type adds it.
var DefaultTypes = []string{"Analysis", "Q&A", "Commentary", "Report", "Congressional Testimony", "News"}

// Contributor is a person credited on pieces. Contributors are shared: the
// same person is one record across the library, so a role edited once
// shows on every piece they wrote.
type Contributor struct {
	ID   int64
	Name string
	Role string // one line, e.g. "former ambassador to Ukraine"
	// Pieces is how many pieces credit the person, so the contributor
	// manager can say what a change reaches. Only the vocabulary list
	// (Store.Contributors) fills it in; on a byline it is 0.
	Pieces int
}

// QA is one question put to the expert and their answer (Markdown).
type QA struct {
	Question string
	Answer   string
}

// Image describes stored image bytes. The bytes live once per distinct
// content in the library, found by their SHA-256 hash.
type Image struct {
	Hash   string // lowercase hex SHA-256 of the bytes
	MIME   string // image/jpeg, image/png or image/webp
	Width  int
	Height int
	Size   int64 // bytes
	HasGPS bool  // the file records where it was taken (exports remove it unless told to keep the metadata)
}

// Photo is one picture placed on a piece, with the words that go with it.
type Photo struct {
	ID    int64
	Image Image
	// Data holds the bytes of a photo being added. It is nil for a photo
	// whose image is already in the library (Image.Hash names it).
	Data []byte
	// Source names, while a bundle is being imported, the bundle file the
	// bytes come from when Data is nil. It is not stored.
	Source     string
	Alt        string // alternative text for screen readers
	Decorative bool   // an explicit choice: the photo needs no alt text
	Caption    string
	Credit     string
	Lead       bool // the lead photo; at most one per piece

	// What photo desks keep about a picture, filled from the file's own
	// IPTC/XMP metadata when it is added (never over what an editor typed).
	Photographer string // the by-line
	Copyright    string // the copyright notice
	DateCreated  string // when it was taken, YYYY-MM-DD when known
	City         string
	Country      string
	Keywords     []string // offered as topic suggestions
}

// PieceRef names another piece, as in a related-publications list.
type PieceRef struct {
	ID    int64
	Slug  string
	Title string
}

// Piece is one publication: an interview, analysis, testimony, ... with
// everything that is published with it.
type Piece struct {
	ID      int64
	Version int64 // bumped by every save; a save over a stale version fails

	Title     string
	Slug      string // unique, URL-safe; derived from the title when empty
	Type      string // a name from the managed list of types; may be empty
	Status    Status
	Published Date // publication date; may be unset on drafts
	Summary   string
	Body      string // Markdown
	// Lang is the language the piece is written in, a BCP 47 tag ("ar",
	// "fr-CA"), when it is not the site's: its page says so, so that
	// browsers, screen readers and search engines read it in its own
	// language and, for Arabic, Hebrew or Persian, right to left.
	Lang string
	// Formerly holds the addresses the piece had on the site it came from
	// (a WordPress permalink such as "2018/05/a-pilot-on-fog/"), as paths
	// under the site's base address: the export leaves a page at each
	// that sends readers on to the piece's page, so links from elsewhere
	// keep working after the move. See CheckFormerAddress.
	Formerly []string
	// Source names the piece in the system it was imported from, as that
	// system knows it ("wordpress example.org 123", "ghost
	// 5f3c…"), so importing the same archive again, after the old site
	// changed, updates this piece even if the post's slug changed there.
	// "" for a piece written here.
	Source string

	Contributors []Contributor // the byline, in order
	Topics       []string      // topic names, in order; the first is primary
	QA           []QA
	Photos       []Photo
	Related      []PieceRef // by ID, or by Slug while importing

	Created time.Time
	Updated time.Time
}

// LeadPhoto returns the piece's lead photo, or nil when it has none.
func (p *Piece) LeadPhoto() *Photo {
	for i := range p.Photos {
		if p.Photos[i].Lead {
			return &p.Photos[i]
		}
	}
	return nil
}

// Name returns how messages refer to the piece: its title in quotes, or
// its slug when the title is blank.
func (p *Piece) Name() string {
	if strings.TrimSpace(p.Title) != "" {
		return "“" + p.Title + "”"
	}
	if p.Slug != "" {
		return p.Slug
	}
	return "the untitled piece"
}

// MaxDescription is the longest page description drawn from the summary,
// in characters: about what search results show before they cut it
// themselves, mid-word.
const MaxDescription = 160

// Description is the summary as a page's description: on one line, cut
// between words to at most MaxDescription characters, the ellipsis
// included, when it is longer.
func (p *Piece) Description() string { return captionStart(p.Summary, MaxDescription-1) }

// Limits on field sizes. They are generous; they exist so that a runaway
// paste or a corrupt bundle cannot bloat the library unnoticed.
const (
	MaxTitle    = 500     // characters, as an editor counts them, not bytes
	MaxLine     = 2000    // names, roles, topics, types, credits
	MaxText     = 1 << 20 // summary, body, answers, captions (1 MiB)
	MaxQA       = 1000
	MaxPhotos   = 500
	MaxRelated  = 200
	MaxKeywords = 100 // per photo
	MaxFormerly = 20  // former addresses of a piece
)

// Validate checks the rules a piece must satisfy to be stored. It does not
// check editorial completeness (alt text, credits, a summary): a draft may
// be unfinished, and those are pre-publish checks.
//
// Only the first broken rule is reported, one part after another in a
// fixed order (the piece's own fields, then each of its lists), so an
// editor sees the same message for the same piece every time.
func (p *Piece) Validate() error {
	for _, check := range []func() error{
		p.validateFields,
		p.validateContributors,
		p.validateTopics,
		p.validateQA,
		p.validatePhotos,
		p.validateRelated,
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// validateFields checks the piece's own one-value fields: a title, within
// its limit, a URL-safe slug when one is set, a known status, and text that
// can be stored and exported.
func (p *Piece) validateFields() error {
	if strings.TrimSpace(p.Title) == "" {
		return Errorf(EInvalid, "A piece needs a title.")
	}
	// Counted in characters: "é" or "—" is one character to an editor,
	// though two or three bytes. Every character of UTF-8 is at most four.
	if n := utf8.RuneCountInString(p.Title); n > MaxTitle {
		return Errorf(EInvalid, "The title is too long (%d characters; the limit is %d).", n, MaxTitle)
	}
	if err := checkText("title", p.Title, 4*MaxTitle, true); err != nil {
		return err
	}
	if p.Slug != "" {
		if err := CheckSlug(p.Slug); err != nil {
			return err
		}
	}
	if _, err := ParseStatus(string(p.Status)); err != nil {
		return err
	}
	if err := checkText("type", p.Type, MaxLine, true); err != nil {
		return err
	}
	if err := checkText("summary", p.Summary, MaxText, false); err != nil {
		return err
	}
	if err := checkText("body", p.Body, MaxText, false); err != nil {
		return err
	}
	if p.Lang != "" {
		if _, err := ParseLang(p.Lang); err != nil {
			return err
		}
	}
	if err := checkText("source", p.Source, MaxLine, true); err != nil {
		return err
	}
	if len(p.Formerly) > MaxFormerly {
		return Errorf(EInvalid, "The piece has %d former addresses; the limit is %d.", len(p.Formerly), MaxFormerly)
	}
	for _, path := range p.Formerly {
		if err := CheckFormerAddress(path); err != nil {
			return err
		}
	}
	return nil
}

// validateContributors checks the byline: every contributor is named, on
// one line, and credited once. Names are compared by NameKey, the key a
// contributor's name is unique under, so "ada quill" is "Ada Quill".
func (p *Piece) validateContributors() error {
	seen := map[string]bool{}
	for i, c := range p.Contributors {
		name := strings.TrimSpace(c.Name)
		if name == "" {
			return Errorf(EInvalid, "Contributor %d has no name.", i+1)
		}
		if err := checkText("contributor name", c.Name, MaxLine, true); err != nil {
			return err
		}
		if err := checkText("role of "+name, c.Role, MaxLine, true); err != nil {
			return err
		}
		key := NameKey(name)
		if seen[key] {
			return Errorf(EInvalid, "%s is listed twice among the contributors.", name)
		}
		seen[key] = true
	}
	return nil
}

// validateTopics checks the topics: none blank, each on one line, none
// twice, compared by NameKey as contributors are.
func (p *Piece) validateTopics() error {
	seen := map[string]bool{}
	for i, t := range p.Topics {
		name := strings.TrimSpace(t)
		if name == "" {
			return Errorf(EInvalid, "Topic %d is blank.", i+1)
		}
		if err := checkText("topic", t, MaxLine, true); err != nil {
			return err
		}
		key := NameKey(name)
		if seen[key] {
			return Errorf(EInvalid, "The topic %q is listed twice.", name)
		}
		seen[key] = true
	}
	return nil
}

// validateQA checks the question/answer pairs: not more than MaxQA, and
// each question and answer text that can be stored. Either may be empty on
// a draft.
func (p *Piece) validateQA() error {
	if len(p.QA) > MaxQA {
		return Errorf(EInvalid, "A piece can hold at most %d question/answer pairs; this one has %d.", MaxQA, len(p.QA))
	}
	for i, qa := range p.QA {
		if err := checkText("question "+itoa(i+1), qa.Question, MaxText, false); err != nil {
			return err
		}
		if err := checkText("answer "+itoa(i+1), qa.Answer, MaxText, false); err != nil {
			return err
		}
	}
	return nil
}

// validatePhotos checks the photos: not more than MaxPhotos, each placed
// once and with an image (validatePhoto), and at most one lead. The lead
// count is reported only after every photo has passed, since it is about
// the set, not one photo.
func (p *Piece) validatePhotos() error {
	if len(p.Photos) > MaxPhotos {
		return Errorf(EInvalid, "A piece can hold at most %d photos; this one has %d.", MaxPhotos, len(p.Photos))
	}
	leads := 0
	photoIDs := map[int64]bool{}
	for i, ph := range p.Photos {
		if ph.Lead {
			leads++
		}
		if ph.ID != 0 {
			if photoIDs[ph.ID] {
				return Errorf(EInvalid, "Photo %d appears twice on the piece; add the image again to use it twice.", i+1)
			}
			photoIDs[ph.ID] = true
		}
		if err := validatePhoto(i, &ph); err != nil {
			return err
		}
	}
	if leads > 1 {
		return Errorf(EInvalid, "Only one photo can be the lead photo; %d are marked as lead.", leads)
	}
	return nil
}

// validatePhoto checks one photo, the i-th (from 0), on its own: that it
// has an image, from bytes, the library or a bundle file, and that its words
// can be stored, the editor's (free text) and those from the file's
// metadata (one line each), and its keywords, which are kept to
// MaxKeywords.
func validatePhoto(i int, ph *Photo) error {
	n := "photo " + itoa(i+1)
	if ph.Data == nil && ph.Image.Hash == "" && ph.Source == "" {
		return Errorf(EInvalid, "Photo %d has no image.", i+1)
	}
	for _, f := range []struct{ name, v string }{{"alt text of " + n, ph.Alt}, {"caption of " + n, ph.Caption}, {"credit of " + n, ph.Credit}} {
		if err := checkText(f.name, f.v, MaxText, false); err != nil {
			return err
		}
	}
	for _, f := range []struct{ name, v string }{
		{"photographer of " + n, ph.Photographer}, {"copyright of " + n, ph.Copyright}, {"date of " + n, ph.DateCreated},
		{"city of " + n, ph.City}, {"country of " + n, ph.Country},
	} {
		if err := checkText(f.name, f.v, MaxLine, true); err != nil {
			return err
		}
	}
	if len(ph.Keywords) > MaxKeywords {
		return Errorf(EInvalid, "Photo %d has %d keywords; at most %d are kept.", i+1, len(ph.Keywords), MaxKeywords)
	}
	for _, k := range ph.Keywords {
		if err := checkText("keyword of "+n, k, MaxLine, true); err != nil {
			return err
		}
	}
	return nil
}

// validateRelated checks the related publications: not more than
// MaxRelated, each naming a piece (by ID, or by slug while importing), none
// the piece itself and none twice.
func (p *Piece) validateRelated() error {
	if len(p.Related) > MaxRelated {
		return Errorf(EInvalid, "A piece can list at most %d related publications; this one lists %d.", MaxRelated, len(p.Related))
	}
	seenRef := map[string]bool{}
	for _, r := range p.Related {
		key := r.Slug
		if r.ID != 0 {
			key = "#" + itoa(int(r.ID))
			if r.ID == p.ID && p.ID != 0 {
				return Errorf(EInvalid, "A piece cannot be related to itself.")
			}
		} else if r.Slug == "" {
			return Errorf(EInvalid, "A related publication names no piece.")
		} else if r.Slug == p.Slug && p.Slug != "" {
			return Errorf(EInvalid, "A piece cannot be related to itself.")
		}
		if seenRef[key] {
			return Errorf(EInvalid, "%s is listed twice among the related publications.", refName(r))
		}
		seenRef[key] = true
	}
	return nil
}

func refName(r PieceRef) string {
	switch {
	case r.Title != "":
		return "“" + r.Title + "”"
	case r.Slug != "":
		return r.Slug
	}
	return "piece #" + itoa(int(r.ID))
}

// checkText refuses text that is not valid UTF-8, holds control characters
// (NUL and friends break exports and terminals alike) or is too long.
// Tabs and newlines are allowed in multi-line fields only.
func checkText(field, s string, max int, oneLine bool) error {
	if len(s) > max {
		return Errorf(EInvalid, "The %s is too long (%d bytes; the limit is %d).", field, len(s), max)
	}
	if !utf8.ValidString(s) {
		return Errorf(EInvalid, "The %s is not valid UTF-8 text.", field)
	}
	for _, r := range s {
		if r == '\n' || r == '\t' || r == '\r' {
			if oneLine && r != '\t' {
				return Errorf(EInvalid, "The %s must fit on one line.", field)
			}
			continue
		}
		if r < 0x20 || r == 0x7f {
			return Errorf(EInvalid, "The %s contains a control character (U+%04X).", field, r)
		}
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
