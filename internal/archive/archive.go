// Package archive reads the exports of other publishing systems — a
// WordPress export (WXR) and a Ghost export (JSON) — as Galley pieces,
// so a newsroom's archive can come into a library in one import.
//
// An archive is read twice, as a stream both times: Open reads it through
// once to check it and to gather what posts refer to (media, authors,
// tags), and All converts one post at a time while the store imports
// it, so memory stays bounded by the largest post, whatever the size of
// the file. Nothing is downloaded: images come from a copy of the old
// site's upload folder, given as Options.Uploads.
//
// What Markdown cannot hold (scripts, iframes, embeds, shortcodes, an
// image not found) is never dropped silently: it stays in the body as an
// HTML comment at its place, which the export leaves out of the page and
// the pre-publish checks name, and the import's notes list it.
package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"app.galley/galley/internal/galley"
)

// Format names the system an archive was exported from.
type Format string

// The formats Open reads.
const (
	WordPress Format = "WordPress"
	Ghost     Format = "Ghost"
)

// Options say how an archive's posts become pieces.
type Options struct {
	// Uploads is a copy of the old site's upload folder
	// (wp-content/uploads, or Ghost's content/images). Images are found
	// in it by their address's path; without it, none is imported.
	Uploads string
	// Pages imports the site's pages too, not only its posts.
	Pages bool
	// QA turns posts that are interviews (paragraphs of questions, each
	// followed by its answer) into questions and answers.
	QA bool
	// TypeFrom makes a post's first term of a taxonomy its type rather
	// than a topic: "category" (WordPress), or "tag" (the first tag, as
	// Ghost's primary tag).
	TypeFrom string
}

// MaxItem is the largest single post (or media item) an archive may hold,
// in bytes of the file: far beyond any real post, and a bound on what a
// truncated or hostile file can make the import hold in memory.
const MaxItem = 16 << 20

// maxImage bounds an image file read from the uploads folder.
const maxImage = 64 << 20

// Note is what an import has to say of one post.
type Note struct {
	Title string
	Slug  string // the slug the archive gave, if any
	Lines []string
}

// Archive is an export of another system, checked and ready to import.
type Archive struct {
	Format Format
	// Site is the old site's address, as the export gives it.
	Site string
	// Lang is the old site's language, as the export gives it ("en-US"),
	// or "" when it gives none.
	Lang string

	path    string
	opt     Options
	uploads *os.Root
	conv    converter
	slugs   map[string]bool

	// posts counts the items that will become pieces; skipped, the
	// others, by what they are ("3 pages", "1 trashed post").
	posts   int
	skipped map[string]int
	notes   []Note
	renamed []string // pieces given another slug than their post's

	all func(yield func(galley.Piece, error) bool)
	wp  *wxrIndex
	gh  *ghostIndex
}

// siteLang is the site's language as a note names it.
func (a *Archive) siteLang() string {
	if a.Lang == "" {
		return "not given"
	}
	return a.Lang
}

// skippedPages is how the summary counts pages left out.
const skippedPages = "pages"

// errStop ends a stream early: the importer asked for no more.
var errStop = errors.New("stopped")

// Sniff tells an archive's format from its first bytes, not its name:
// "export.xml" may be anything, and a WordPress export is often saved as
// site.wordpress.2024-05-01.xml. It returns "" for a file that is neither
// (a Galley bundle, say).
func Sniff(p string) (Format, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return "", err
	}
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", err
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head[:n], []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("<")):
		if wxrNamespace.Match(head) {
			return WordPress, nil
		}
		return "", galley.Errorf(galley.EInvalid, "%s is an XML file but not a WordPress export (no WXR namespace in its first lines).", p)
	case bytes.HasPrefix(head, []byte("{")):
		if bytes.Contains(head, []byte(`"exported_on"`)) || bytes.Contains(head, []byte(`"posts"`)) {
			return Ghost, nil
		}
	}
	return "", nil
}

var wxrNamespace = regexp.MustCompile(`xmlns:wp="https?://wordpress\.org/export/1\.\d+/"`)

// Open reads the archive at p through once, checking it, and returns it
// ready for All. An error names the file, and the line or item, at fault.
func Open(p string, opt Options) (*Archive, error) {
	format, err := Sniff(p)
	if err != nil {
		return nil, err
	}
	a := &Archive{Format: format, path: p, opt: opt, conv: newConverter(), slugs: map[string]bool{}, skipped: map[string]int{}}
	if opt.TypeFrom != "" && opt.TypeFrom != "category" && opt.TypeFrom != "tag" {
		return nil, galley.Errorf(galley.EInvalid, "--type-from takes category or tag, not %q.", opt.TypeFrom)
	}
	if opt.Uploads != "" {
		if a.uploads, err = os.OpenRoot(opt.Uploads); err != nil {
			return nil, galley.Errorf(galley.EInvalid, "The uploads folder %s cannot be read: %v.", opt.Uploads, unwrapPath(err))
		}
	}
	switch format {
	case WordPress:
		err = a.openWordPress()
	case Ghost:
		err = a.openGhost()
	default:
		err = galley.Errorf(galley.EInvalid, "%s is neither a WordPress export (.xml) nor a Ghost export (.json).", p)
	}
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// Close lets go of the uploads folder.
func (a *Archive) Close() error {
	if a.uploads != nil {
		return a.uploads.Close()
	}
	return nil
}

// All converts the archive's posts, one at a time, as the store imports
// them. Notes fill as it goes.
func (a *Archive) All() iter.Seq2[galley.Piece, error] {
	return a.all
}

// Slugs are the slugs the archive's posts give, known before the import
// starts, so a post without one is never given one of them.
func (a *Archive) Slugs() map[string]bool { return a.slugs }

// Posts is how many pieces the archive holds.
func (a *Archive) Posts() int { return a.posts }

// Skipped says what the archive holds that is not imported, such as
// "2 pages".
func (a *Archive) Skipped() []string {
	var out []string
	for _, what := range sortedKeys(a.skipped) {
		out = append(out, fmt.Sprintf("%d %s", a.skipped[what], what))
	}
	return out
}

// Notes are what All had to say of each post it converted, in order;
// posts converted without a word have none.
func (a *Archive) Notes() []Note { return a.notes }

// ReadImage returns an image file from the uploads folder; source is its
// path inside it. The folder is opened as a root, so no address in a
// hostile export can reach a file outside it.
func (a *Archive) ReadImage(source string) ([]byte, error) {
	if a.uploads == nil {
		return nil, errors.New("no uploads folder was given")
	}
	f, err := a.uploads.Open(source)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImage+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxImage {
		return nil, fmt.Errorf("it is larger than %d MB", maxImage>>20)
	}
	return data, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// uploadPath is where, inside the uploads folder, the image at address
// src is: the part of its path after marker ("/wp-content/uploads/",
// "/content/images/"). It reports false for an image from elsewhere.
func uploadPath(src, marker string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(src))
	if err != nil {
		return "", false
	}
	_, rest, found := strings.Cut(u.Path, marker)
	if !found || rest == "" {
		return "", false
	}
	rest = path.Clean(rest)
	if rest == "." || strings.HasPrefix(rest, "../") || rest == ".." || !utf8.ValidString(rest) {
		return "", false
	}
	return rest, true
}

// siteAddress is where link was on the old site: its path under the
// site's address (base), as a static site serves it. A link with a query
// (WordPress's "?p=123", for a post it never published) gives none.
func siteAddress(base, link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.RawQuery != "" || u.Path == "" || u.Path == "/" {
		return ""
	}
	prefix := ""
	if b, err := url.Parse(strings.TrimSpace(base)); err == nil {
		prefix = strings.TrimSuffix(b.Path, "/")
	}
	rest, ok := strings.CutPrefix(u.Path, prefix+"/")
	if !ok {
		return ""
	}
	return rest
}

// found reports whether the uploads folder holds the file at rel.
func (a *Archive) found(rel string) bool {
	if a.uploads == nil {
		return false
	}
	st, err := a.uploads.Stat(rel)
	return err == nil && st.Mode().IsRegular()
}

// countingReader fails a read once more than limit bytes have been read
// since the last mark, so one endless item cannot fill memory.
type countingReader struct {
	r       *bufio.Reader
	n       int64
	limit   int64
	what    func() string
	overrun bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n > c.limit {
		c.overrun = true
		return 0, fmt.Errorf("%s is larger than %d MB: the file is damaged, or not an export", c.what(), c.limit>>20)
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) mark() { c.n = 0 }

func sortedKeys(m map[string]int) []string { return slices.Sorted(maps.Keys(m)) }
