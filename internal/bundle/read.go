// Package bundle reads and writes Galley bundles: a folder (or a .zip of
// one) holding pieces.json and the image files it names. The format is a
// contract other tools rely on; docs/bundle.md describes it.
package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

// Format is the value of the "format" key this package reads and writes.
const Format = "galley.bundle/1"

// IndexName is the name of the bundle's index file.
const IndexName = "pieces.json"

// maxIndex caps pieces.json: a bundle of 100,000 long pieces fits, and
// the parse (which holds a few copies of the text) stays within memory.
const maxIndex = 512 << 20

// The JSON shapes of the bundle format. Field names are the contract.
type (
	fileJSON struct {
		Format string      `json:"format"`
		Pieces []pieceJSON `json:"pieces"`
	}
	pieceJSON struct {
		Slug         string            `json:"slug,omitempty"`
		Title        string            `json:"title"`
		Type         string            `json:"type,omitempty"`
		Status       string            `json:"status,omitempty"`
		Published    string            `json:"published,omitempty"`
		Summary      string            `json:"summary,omitempty"`
		Body         string            `json:"body,omitempty"`
		Contributors []contributorJSON `json:"contributors,omitempty"`
		Topics       []string          `json:"topics,omitempty"`
		QA           []qaJSON          `json:"qa,omitempty"`
		Photos       []photoJSON       `json:"photos,omitempty"`
		Related      []string          `json:"related,omitempty"`
		Created      string            `json:"created,omitempty"`
		Updated      string            `json:"updated,omitempty"`
	}
	contributorJSON struct {
		Name string `json:"name"`
		Role string `json:"role,omitempty"`
	}
	qaJSON struct {
		Question string `json:"question"`
		Answer   string `json:"answer"`
	}
	photoJSON struct {
		File         string   `json:"file"`
		Alt          string   `json:"alt,omitempty"`
		Decorative   bool     `json:"decorative,omitempty"`
		Caption      string   `json:"caption,omitempty"`
		Credit       string   `json:"credit,omitempty"`
		Lead         bool     `json:"lead,omitempty"`
		Photographer string   `json:"photographer,omitempty"`
		Copyright    string   `json:"copyright,omitempty"`
		DateCreated  string   `json:"date_created,omitempty"`
		City         string   `json:"city,omitempty"`
		Country      string   `json:"country,omitempty"`
		Keywords     []string `json:"keywords,omitempty"`
	}
)

// Bundle is an opened bundle: its pieces, checked against the format, and
// access to its image files. Photos of Pieces name their file in Source.
type Bundle struct {
	Pieces []galley.Piece

	name   string // the path given to Open, for messages
	fsys   fs.FS
	closer io.Closer
}

// Open reads the bundle at path (a folder or a .zip file) and checks it: the
// JSON, every field, that every photo file exists inside the bundle, and
// that related slugs within it are consistent. Whether related slugs name
// pieces already in a library is for the importer to check.
//
// Errors name the problem and the piece, and give the line and column in
// pieces.json where there is one.
func Open(p string) (*Bundle, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, galley.Errorf(galley.EInvalid, "Cannot open the bundle %s: %v.", p, unwrapPathError(err))
	}
	b := &Bundle{name: p}
	switch {
	case fi.IsDir():
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, galley.Errorf(galley.EInvalid, "Cannot open the bundle folder %s: %v.", p, unwrapPathError(err))
		}
		// os.Root refuses any path or symbolic link that leads outside the
		// folder, so a bundle can only ever read its own files.
		b.fsys, b.closer = root.FS(), root
	case strings.EqualFold(filepath.Ext(p), ".zip"):
		zr, err := zip.OpenReader(p)
		if err != nil {
			return nil, galley.Errorf(galley.EInvalid, "%s is not a readable .zip file: %v.", p, err)
		}
		b.fsys, b.closer = zr, zr
		if sub := zipRoot(&zr.Reader); sub != "." {
			if b.fsys, err = fs.Sub(zr, sub); err != nil {
				zr.Close()
				return nil, err
			}
		}
	default:
		return nil, galley.Errorf(galley.EInvalid, "%s is neither a bundle folder nor a .zip file.", p)
	}
	if err := b.load(); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// OpenFS reads a bundle from a file system, such as the sample desk
// embedded in the binary. name is used in messages.
func OpenFS(fsys fs.FS, name string) (*Bundle, error) {
	b := &Bundle{name: name, fsys: fsys}
	if err := b.load(); err != nil {
		return nil, err
	}
	return b, nil
}

// zipRoot finds the folder of a zip that holds pieces.json: the top, or the
// single folder a zipped bundle folder usually sits in.
func zipRoot(zr *zip.Reader) string {
	for _, f := range zr.File {
		if f.Name == IndexName {
			return "."
		}
	}
	for _, f := range zr.File {
		dir, file := path.Split(f.Name)
		if file == IndexName && strings.Count(dir, "/") == 1 && fs.ValidPath(strings.TrimSuffix(dir, "/")) {
			return strings.TrimSuffix(dir, "/")
		}
	}
	return "."
}

// Close releases the bundle's files.
func (b *Bundle) Close() error {
	if b.closer == nil {
		return nil
	}
	err := b.closer.Close()
	b.closer = nil
	return err
}

// ReadImage returns the bytes of the image file at source, a path inside
// the bundle.
func (b *Bundle) ReadImage(source string) ([]byte, error) {
	f, err := b.fsys.Open(source)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, photo.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > photo.MaxBytes {
		return nil, fmt.Errorf("the file is larger than %d MB", photo.MaxBytes>>20)
	}
	return data, nil
}

func (b *Bundle) load() error {
	f, err := b.fsys.Open(IndexName)
	if errors.Is(err, fs.ErrNotExist) {
		return galley.Errorf(galley.EInvalid, "%s is not a Galley bundle: it has no %s.", b.name, IndexName)
	}
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot read %s in %s: %v.", IndexName, b.name, unwrapPathError(err))
	}
	// A zip entry declares its size: refuse a huge one before inflating it.
	if fi, err := f.Stat(); err == nil && fi.Size() > maxIndex {
		f.Close()
		return galley.Errorf(galley.EInvalid, "%s in %s is larger than %d MB.", IndexName, b.name, maxIndex>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxIndex+1))
	f.Close()
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot read %s in %s: %v.", IndexName, b.name, err)
	}
	if len(data) > maxIndex {
		return galley.Errorf(galley.EInvalid, "%s in %s is larger than %d MB.", IndexName, b.name, maxIndex>>20)
	}
	if !utf8.Valid(data) {
		return b.errorAt(data, firstInvalidUTF8(data), "the file is not valid UTF-8 text")
	}
	// Check the syntax of the whole file first: the offset of a syntax
	// error from Unmarshal is exact, unlike a streaming Decoder's.
	var whole json.RawMessage
	if err := json.Unmarshal(data, &whole); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			msg := syn.Error()
			switch {
			case strings.Contains(msg, "unexpected end of JSON input"):
				msg = "the file ends too early (a bracket or quote is not closed)"
			case strings.Contains(msg, "after top-level value"):
				msg = "unexpected text after the closing brace"
			}
			return b.errorAt(data, syn.Offset-1, "malformed JSON: %s", msg)
		}
		return b.jsonError(data, 0, err, "")
	}
	raws, starts, err := b.splitPieces(data)
	if err != nil {
		return err
	}
	slugs := map[string]int{}
	for i, raw := range raws {
		p, err := b.decodePiece(data, starts[i], raw, i)
		if err != nil {
			return err
		}
		if first, dup := slugs[p.Slug]; dup {
			return b.errorAt(data, starts[i], "piece %d %s has the slug %q, like piece %d", i+1, p.Name(), p.Slug, first+1)
		}
		slugs[p.Slug] = i
		b.Pieces = append(b.Pieces, *p)
	}
	for i, p := range b.Pieces {
		for _, r := range p.Related {
			if r.Slug == p.Slug {
				return b.errorAt(data, starts[i], "piece %d %s lists itself as related", i+1, p.Name())
			}
		}
	}
	return nil
}

// splitPieces walks the top level of pieces.json, checks the format key and
// returns each piece's raw JSON with its offset in the file.
func (b *Bundle) splitPieces(data []byte) ([]json.RawMessage, []int64, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil {
		return nil, nil, b.jsonError(data, 0, err, "")
	} else if tok != json.Delim('{') {
		return nil, nil, b.errorAt(data, 0, "the file must hold one JSON object, {\"format\": %q, \"pieces\": [...]}", Format)
	}
	var raws []json.RawMessage
	var starts []int64
	format, sawPieces := "", false
	for dec.More() {
		keyAt := skipSpace(data, dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, b.jsonError(data, 0, err, "")
		}
		switch tok {
		case "format":
			if err := dec.Decode(&format); err != nil {
				return nil, nil, b.jsonError(data, 0, err, "the format")
			}
		case "pieces":
			sawPieces = true
			at := skipSpace(data, dec.InputOffset())
			if tok, err := dec.Token(); err != nil {
				return nil, nil, b.jsonError(data, 0, err, "")
			} else if tok != json.Delim('[') {
				return nil, nil, b.errorAt(data, at, "\"pieces\" must be a list, [ ... ]")
			}
			for dec.More() {
				start := skipSpace(data, dec.InputOffset())
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return nil, nil, b.jsonError(data, 0, err, fmt.Sprintf("piece %d", len(raws)+1))
				}
				raws = append(raws, raw)
				starts = append(starts, start)
			}
			if _, err := dec.Token(); err != nil {
				return nil, nil, b.jsonError(data, 0, err, "")
			}
		default:
			return nil, nil, b.errorAt(data, keyAt, "unknown field %v at the top level (only \"format\" and \"pieces\" belong there)", quote(tok))
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, b.jsonError(data, 0, err, "")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, b.errorAt(data, skipSpace(data, dec.InputOffset()), "unexpected text after the closing brace")
	}
	if format != Format {
		if format == "" {
			return nil, nil, b.errorAt(data, 0, "the \"format\" key is missing; a bundle starts {\"format\": %q, ...}", Format)
		}
		return nil, nil, b.errorAt(data, 0, "the format is %q; this Galley reads %q", format, Format)
	}
	if !sawPieces {
		return nil, nil, b.errorAt(data, 0, "the \"pieces\" list is missing")
	}
	return raws, starts, nil
}

func quote(tok json.Token) string {
	if s, ok := tok.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(tok)
}

// decodePiece decodes and checks one piece. base is its offset in data, so
// errors point into the whole file.
func (b *Bundle) decodePiece(data []byte, base int64, raw json.RawMessage, i int) (*galley.Piece, error) {
	var pj pieceJSON
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	what := fmt.Sprintf("piece %d", i+1)
	if err := dec.Decode(&pj); err != nil {
		var title struct {
			Title string `json:"title"`
		}
		if json.Unmarshal(raw, &title) == nil && title.Title != "" {
			what += " “" + title.Title + "”"
		}
		return nil, b.jsonError(data, base, err, what)
	}
	p := &galley.Piece{
		Slug:    pj.Slug,
		Title:   pj.Title,
		Type:    pj.Type,
		Summary: pj.Summary,
		Body:    pj.Body,
		Topics:  pj.Topics,
	}
	if pj.Title != "" {
		what += " “" + pj.Title + "”"
	}
	fail := func(format string, args ...any) error {
		return b.errorAt(data, base, "%s: %s", what, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(pj.Title) == "" {
		return nil, fail("the title is missing; it is the one field every piece needs")
	}
	var err error
	if p.Status, err = galley.ParseStatus(pj.Status); err != nil {
		return nil, fail("%s", galley.ErrorMessage(err))
	}
	if p.Published, err = galley.ParseDate(pj.Published); err != nil {
		return nil, fail("the published date %s", galley.ErrorMessage(err))
	}
	if p.Created, err = parseStamp(pj.Created); err != nil {
		return nil, fail("the created time %q is not an RFC 3339 time such as 2024-11-14T09:30:00Z", pj.Created)
	}
	if p.Updated, err = parseStamp(pj.Updated); err != nil {
		return nil, fail("the updated time %q is not an RFC 3339 time such as 2024-11-14T09:30:00Z", pj.Updated)
	}
	if p.Slug == "" {
		p.Slug = galley.Slugify(p.Title)
	}
	for _, c := range pj.Contributors {
		p.Contributors = append(p.Contributors, galley.Contributor{Name: c.Name, Role: c.Role})
	}
	for _, qa := range pj.QA {
		p.QA = append(p.QA, galley.QA{Question: qa.Question, Answer: qa.Answer})
	}
	for j, ph := range pj.Photos {
		src, err := b.checkImagePath(ph.File)
		if err != nil {
			return nil, fail("photo %d: %s", j+1, galley.ErrorMessage(err))
		}
		p.Photos = append(p.Photos, galley.Photo{
			Source: src, Alt: ph.Alt, Decorative: ph.Decorative,
			Caption: ph.Caption, Credit: ph.Credit, Lead: ph.Lead,
			Photographer: ph.Photographer, Copyright: ph.Copyright, DateCreated: ph.DateCreated,
			City: ph.City, Country: ph.Country, Keywords: ph.Keywords,
		})
	}
	for _, r := range pj.Related {
		p.Related = append(p.Related, galley.PieceRef{Slug: r})
	}
	if err := p.Validate(); err != nil {
		return nil, fail("%s", galley.ErrorMessage(err))
	}
	return p, nil
}

func parseStamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// checkImagePath refuses paths that could leave the bundle and files that
// are missing, and returns the clean path inside the bundle.
func (b *Bundle) checkImagePath(file string) (string, error) {
	if strings.TrimSpace(file) == "" {
		return "", galley.Errorf(galley.EInvalid, "the \"file\" is missing")
	}
	if strings.HasPrefix(file, "/") || strings.HasPrefix(file, `\`) || filepath.VolumeName(file) != "" ||
		(len(file) > 1 && file[1] == ':') {
		return "", galley.Errorf(galley.EInvalid, "the file %q is an absolute path; photos must be inside the bundle", file)
	}
	if strings.Contains(file, `\`) {
		return "", galley.Errorf(galley.EInvalid, "the file %q uses backslashes; write paths with forward slashes", file)
	}
	clean := path.Clean(file)
	if !fs.ValidPath(clean) || clean == "." {
		return "", galley.Errorf(galley.EInvalid, "the file %q leads outside the bundle; photos must be inside it", file)
	}
	fi, err := fs.Stat(b.fsys, clean)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", galley.Errorf(galley.EInvalid, "the file %q is not in the bundle", file)
		}
		return "", galley.Errorf(galley.EInvalid, "the file %q cannot be read: %v", file, unwrapPathError(err))
	}
	if !fi.Mode().IsRegular() {
		return "", galley.Errorf(galley.EInvalid, "%q is not a regular file", file)
	}
	return clean, nil
}

// jsonError explains a decoding error with its place in the file. base is
// the offset of the JSON value the decoder was given.
func (b *Bundle) jsonError(data []byte, base int64, err error, what string) error {
	prefix := ""
	if what != "" {
		prefix = what + ": "
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return b.errorAt(data, base+syn.Offset, "%smalformed JSON: %s", prefix, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "a value"
		} else {
			field = "\"" + field + "\""
		}
		return b.errorAt(data, base+typ.Offset, "%s%s should be %s, not %s", prefix, field, kind(typ.Type.String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return b.errorAt(data, int64(len(data)), "%smalformed JSON: the file ends too early", prefix)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		at := base
		if i := bytes.Index(data[base:], []byte(name)); i >= 0 {
			at = base + int64(i)
		}
		return b.errorAt(data, at, "%sunknown field %s (see docs/bundle.md for the fields a piece can have)", prefix, name)
	}
	return b.errorAt(data, base, "%s%v", prefix, err)
}

func kind(goType string) string {
	switch {
	case goType == "string":
		return "text"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "bundle."):
		return "an object"
	}
	return goType
}

// errorAt builds an EInvalid error pointing at a byte offset of pieces.json.
func (b *Bundle) errorAt(data []byte, offset int64, format string, args ...any) error {
	line, col := lineCol(data, offset)
	msg := strings.TrimSuffix(fmt.Sprintf(format, args...), ".")
	return galley.Errorf(galley.EInvalid, "%s, line %d, column %d: %s.", filepath.Join(b.name, IndexName), line, col, msg)
}

// lineCol turns a byte offset into a 1-based line and column (in characters).
func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	// An offset inside a character (a syntax error's offset is one byte
	// back from where the decoder stopped, which at the end of a file can
	// split its last character) points at that character.
	for back := int64(1); back < utf8.UTFMax && offset-back >= 0 && offset < int64(len(data)) && !utf8.RuneStart(data[offset]); back++ {
		if start := offset - back; utf8.RuneStart(data[start]) {
			if _, size := utf8.DecodeRune(data[start:]); size > 1 && start+int64(size) > offset {
				offset = start
			}
			break
		}
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}

func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

func firstInvalidUTF8(data []byte) int64 {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return int64(i)
		}
		i += size
	}
	return 0
}

// unwrapPathError drops the operation and path from an *fs.PathError, whose
// text repeats what the message around it already says.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
