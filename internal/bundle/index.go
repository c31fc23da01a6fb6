package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"app.galley/galley/internal/galley"
)

// maxPiece caps the JSON text of one piece, the most pieces.json is read
// ahead: far above a real piece (a 1 MiB body, and summaries, answers and
// captions of at most 1 MiB each), low enough that a file that never
// closes its first bracket cannot take all memory.
const maxPiece = 256 << 20

// The JSON shapes of the bundle format. Field names are the contract.
type (
	pieceJSON struct {
		Slug         string            `json:"slug,omitempty"`
		Title        string            `json:"title"`
		Type         string            `json:"type,omitempty"`
		Status       string            `json:"status,omitempty"`
		Published    string            `json:"published,omitempty"`
		Summary      string            `json:"summary,omitempty"`
		Body         string            `json:"body,omitempty"`
		Lang         string            `json:"lang,omitempty"`
		Formerly     []string          `json:"formerly,omitempty"`
		Source       string            `json:"source,omitempty"`
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

// scan reads pieces.json from its start, one piece at a time, and calls fn
// with each piece checked and decoded, its number (from 1), and a function
// making an error that points at the piece. No more of the file than the
// piece being read is held, so a bundle of any size is read in the memory
// of its largest piece.
func (b *Bundle) scan(fn func(p *galley.Piece, n int, at func(string, ...any) error) error) error {
	f, err := b.openRegular(IndexName)
	if errors.Is(err, fs.ErrNotExist) {
		return galley.Errorf(galley.EInvalid, "%s is not a Galley bundle: it has no %s.", b.name, IndexName)
	}
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot read the bundle %s: %v.", b.name, err)
	}
	defer f.Close()
	p := &indexParser{b: b, s: &source{r: f, line: 1, col: 1}}
	return p.run(fn)
}

// source is pieces.json as it is read: a window of the file from the
// start of the value being read, checked as UTF-8 as it comes in, with the
// line and column where the window starts so errors can say where they
// are without keeping what came before.
type source struct {
	r     io.Reader
	buf   []byte // the window; buf[:valid] is checked UTF-8
	valid int
	start int64 // offset in the file of buf[0]
	keep  int64 // bytes before this offset are no longer needed
	eof   bool  // nothing more comes: the end, a read error, or bad UTF-8
	bad   bool  // the byte at start+valid is not UTF-8
	err   error // a read error, or errTooLarge

	line, col int // of buf[0]
}

var errTooLarge = fmt.Errorf("more than %d MB of JSON before a piece ends", maxPiece>>20)

// end is the offset just past the checked text read so far.
func (s *source) end() int64 { return s.start + int64(s.valid) }

// at returns the byte at offset off, reading on as needed; false when the
// checked text ends before it.
func (s *source) at(off int64) (byte, bool) {
	for off >= s.end() {
		if !s.more() {
			return 0, false
		}
	}
	return s.buf[off-s.start], true
}

// slice returns the text from offset from to offset to, both read already.
func (s *source) slice(from, to int64) []byte { return s.buf[from-s.start : to-s.start] }

// more reads on until more checked text is there, dropping what is
// before keep; false when nothing more comes.
func (s *source) more() bool {
	for tries := 0; !s.eof; tries++ {
		// The last few bytes stay, so an error at the end of the file can
		// still say where it is.
		if drop := min(int(s.keep-s.start), s.valid-utf8.UTFMax); drop > 0 && (drop >= len(s.buf)/2 || len(s.buf) == cap(s.buf)) {
			s.advance(s.buf[:drop])
			n := copy(s.buf, s.buf[drop:])
			s.buf = s.buf[:n]
			s.valid -= drop
			s.start += int64(drop)
		}
		if len(s.buf) == cap(s.buf) {
			if len(s.buf) >= maxPiece {
				s.err, s.eof = errTooLarge, true
				return false
			}
			grown := make([]byte, len(s.buf), max(2*cap(s.buf), 64<<10))
			copy(grown, s.buf)
			s.buf = grown
		}
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		switch {
		case err == io.EOF:
			s.eof = true
		case err != nil:
			s.err, s.eof = err, true
		case n == 0 && tries > 100:
			s.err, s.eof = io.ErrNoProgress, true
		}
		before := s.valid
		s.check()
		if s.valid > before {
			return true
		}
	}
	return false
}

// check extends the checked text over what was read, stopping before a
// character cut off at the end of what has been read so far, or at the
// first byte that is not UTF-8.
func (s *source) check() {
	rest := s.buf[s.valid:]
	if utf8.Valid(rest) {
		s.valid = len(s.buf)
		return
	}
	i := 0
	for i < len(rest) {
		if rest[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(rest[i:])
		if r == utf8.RuneError && size == 1 {
			if !s.eof && !utf8.FullRune(rest[i:]) {
				break // the rest of the character is still to be read
			}
			s.bad, s.eof = true, true
			break
		}
		i += size
	}
	s.valid += i
}

// advance moves the line and column of the window's start over text.
func (s *source) advance(text []byte) {
	for _, c := range text {
		switch {
		case c == '\n':
			s.line, s.col = s.line+1, 1
		case c&0xC0 != 0x80: // the first byte of a character
			s.col++
		}
	}
}

// lineCol returns the line and the column (in characters, from 1) of the
// byte at offset off, which must be in the window. An offset inside a
// character points at that character.
func (s *source) lineCol(off int64) (int, int, bool) {
	if off < s.start {
		return 0, 0, false
	}
	i := min(int(off-s.start), len(s.buf))
	line, col := s.line, s.col
	before := s.buf[:i]
	if nl := bytes.LastIndexByte(before, '\n'); nl >= 0 {
		line += bytes.Count(before, []byte("\n"))
		col = 1
		before = before[nl+1:]
	}
	for _, c := range before {
		if utf8.RuneStart(c) {
			col++
		}
	}
	if i < len(s.buf) && !utf8.RuneStart(s.buf[i]) && len(before) > 0 {
		// The character that byte i is part of was counted already.
		if start := lastRuneStart(s.buf[:i]); start >= 0 {
			if _, size := utf8.DecodeRune(s.buf[start:]); size > 1 && start+size > i {
				col--
			}
		}
	}
	return line, col, true
}

func lastRuneStart(b []byte) int {
	for j := len(b) - 1; j >= 0 && j >= len(b)-utf8.UTFMax; j-- {
		if utf8.RuneStart(b[j]) {
			return j
		}
	}
	return -1
}

// indexParser reads pieces.json through a source: the top-level object
// by hand, each piece as one value handed to encoding/json.
type indexParser struct {
	b   *Bundle
	s   *source
	pos int64 // the next byte to read
}

// fail builds an EInvalid error pointing at offset off of pieces.json.
func (p *indexParser) fail(off int64, format string, args ...any) error {
	off = max(off, 0)
	line, col, ok := p.s.lineCol(off)
	if !ok {
		line, col = p.b.lineColInFile(off)
	}
	msg := strings.TrimSuffix(fmt.Sprintf(format, args...), ".")
	return galley.Errorf(galley.EInvalid, "%s, line %d, column %d: %s.", filepath.Join(p.b.name, IndexName), line, col, msg)
}

// lineColInFile finds the line and column of an offset the window has
// moved past, by reading pieces.json again up to it: rare (an error about
// a key when a long stretch of blanks follows it), and only on the way to
// an error.
func (b *Bundle) lineColInFile(off int64) (int, int) {
	f, err := b.openRegular(IndexName)
	if err != nil {
		return 1, 1
	}
	defer f.Close()
	s := &source{r: io.LimitReader(f, off+utf8.UTFMax), line: 1, col: 1}
	for s.end() < off+1 && s.more() {
		s.keep = max(off-utf8.UTFMax, 0)
	}
	line, col, ok := s.lineCol(off)
	if !ok {
		return 1, 1
	}
	return line, col
}

// endError explains why the text ended where the parser wanted more.
func (p *indexParser) endError() error {
	switch {
	case p.s.err == errTooLarge:
		return p.fail(p.s.keep, "%v", errTooLarge)
	case p.s.err != nil:
		return galley.Errorf(galley.EInvalid, "Cannot read %s in %s: %v.", IndexName, p.b.name, p.s.err)
	case p.s.bad:
		return p.fail(p.s.end(), "the file is not valid UTF-8 text")
	}
	return p.fail(p.s.end()-1, "malformed JSON: the file ends too early (a bracket or quote is not closed)")
}

// peek skips blanks and returns the next byte without taking it; false
// at the end of the text (see endError).
func (p *indexParser) peek() (byte, bool) {
	for {
		c, ok := p.s.at(p.pos)
		if !ok {
			return 0, false
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			p.pos++
			p.s.keep = p.pos
		default:
			return c, true
		}
	}
}

// next is peek for where the text must go on: its end is an error.
func (p *indexParser) next() (byte, error) {
	c, ok := p.peek()
	if !ok {
		return 0, p.endError()
	}
	return c, nil
}

// char quotes the character at off for a message, as encoding/json does.
func (p *indexParser) char(off int64) string {
	var b []byte
	for i := off; i < off+utf8.UTFMax; i++ {
		c, ok := p.s.at(i)
		if !ok {
			break
		}
		b = append(b, c)
	}
	r, _ := utf8.DecodeRune(b)
	switch r {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	q := strconv.Quote(string(r))
	return "'" + q[1:len(q)-1] + "'"
}

// extent finds the end of the JSON value starting at start, leniently:
// brackets are counted outside strings, a literal ends at a blank or a
// delimiter. Whether the text is valid JSON is for encoding/json to say.
// The text is read on window by window (valueEnd.scan), so a value is
// held once, however long.
func (p *indexParser) extent(start int64) (int64, error) {
	p.s.keep = start
	first, ok := p.s.at(start)
	if !ok {
		return 0, p.endError()
	}
	literal := first != '{' && first != '[' && first != '"'
	var v valueEnd
	for i := start; ; {
		if i >= p.s.end() && !p.s.more() {
			if literal && !p.s.bad && p.s.err == nil {
				return i, nil // a literal at the very end of the file
			}
			return i, p.syntaxError(start, i, "")
		}
		window := p.s.buf[i-p.s.start : p.s.valid]
		switch end, found := v.scan(window, i, start); found {
		case valueEnds:
			return end, nil
		case strayBracket: // a closing bracket where a value should be
			return 0, p.syntaxError(start, start+1, "")
		}
		i += int64(len(window))
	}
}

// valueEnd is what extent knows of the value as it crosses the text: how
// many brackets are open, and whether it is inside a string, just after a
// backslash there. It is kept between windows, since a window may end
// anywhere, even between a backslash and the character it escapes.
type valueEnd struct {
	depth             int
	inString, escaped bool
}

// scanFound is what valueEnd.scan finds in a window.
type scanFound int

const (
	valueGoesOn  scanFound = iota // the value goes on past the window
	valueEnds                     // the value ends at the offset scan returns
	strayBracket                  // a closing bracket stands where the value should start
)

// scan crosses window, the text from offset i of the file, looking for
// the end of the value that starts at start.
func (v *valueEnd) scan(window []byte, i, start int64) (int64, scanFound) {
	for j := 0; j < len(window); j++ {
		b := window[j]
		if v.inString {
			if v.escaped {
				v.escaped = false
				continue
			}
			// Skip to the next quote or backslash: a long body is
			// crossed at the speed of a byte search.
			k := bytes.IndexAny(window[j:], `"\`)
			if k < 0 {
				break // the string goes on past the window
			}
			j += k
			if window[j] == '\\' {
				v.escaped = true
				continue
			}
			v.inString = false
			if v.depth == 0 {
				return i + int64(j) + 1, valueEnds
			}
			continue
		}
		switch {
		case b == '"':
			v.inString = true
		case b == '{' || b == '[':
			v.depth++
		case (b == '}' || b == ']') && v.depth > 0:
			v.depth--
			if v.depth == 0 {
				return i + int64(j) + 1, valueEnds
			}
		case b == '}' || b == ']':
			if i+int64(j) == start {
				return 0, strayBracket
			}
			return i + int64(j), valueEnds // the end of a literal
		case v.depth == 0 && (b == ',' || b == ' ' || b == '\t' || b == '\n' || b == '\r'):
			return i + int64(j), valueEnds
		}
	}
	return 0, valueGoesOn
}

// syntaxError explains why the text from start to end is not one JSON
// value, at the exact character: encoding/json reads the text on its own,
// which places the error exactly. Text that is fine as far as it goes (a
// literal cut at the next delimiter) is read again with that delimiter.
func (p *indexParser) syntaxError(start, end int64, what string) error {
	prefix := ""
	if what != "" {
		prefix = what + ": "
	}
	for _, e := range []int64{end, end + 1} {
		if e > p.s.end() {
			break
		}
		var syn *json.SyntaxError
		err := json.Unmarshal(p.s.slice(start, e), new(struct{}))
		if errors.As(err, &syn) && !strings.Contains(syn.Error(), "unexpected end of JSON input") {
			msg := strings.TrimPrefix(syn.Error(), "json: ")
			if strings.Contains(msg, "after top-level value") {
				msg = fmt.Sprintf("invalid character %s after a value", p.char(start+syn.Offset-1))
			}
			return p.fail(start+syn.Offset-1, "%smalformed JSON: %s", prefix, msg)
		}
	}
	return p.endError()
}

// key reads an object key at p.pos.
func (p *indexParser) key() (string, error) {
	c, err := p.next()
	if err != nil {
		return "", err
	}
	if c != '"' {
		return "", p.fail(p.pos, "malformed JSON: invalid character %s looking for beginning of object key string", p.char(p.pos))
	}
	end, err := p.extent(p.pos)
	if err != nil {
		return "", err
	}
	var key string
	if err := json.Unmarshal(p.s.slice(p.pos, end), &key); err != nil {
		return "", p.syntaxError(p.pos, end, "")
	}
	p.pos = end
	return key, nil
}

// expect takes the byte c, or fails saying what it followed.
func (p *indexParser) expect(c byte, after string) error {
	got, err := p.next()
	if err != nil {
		return err
	}
	if got != c {
		return p.fail(p.pos, "malformed JSON: invalid character %s %s", p.char(p.pos), after)
	}
	p.pos++
	return nil
}

// run reads the whole file: {"format": ..., "pieces": [...]}, in any
// order, each key once.
func (p *indexParser) run(fn func(*galley.Piece, int, func(string, ...any) error) error) error {
	c, err := p.next()
	if err != nil {
		return err
	}
	if c != '{' {
		return p.fail(p.pos, "the file must hold one JSON object, {\"format\": %q, \"pieces\": [...]}", Format)
	}
	p.pos++
	format, sawFormat, sawPieces := "", false, false
	if c, err = p.next(); err != nil {
		return err
	}
	if c == '}' {
		p.pos++
	} else {
		for {
			if _, err := p.next(); err != nil {
				return err
			}
			keyAt := p.pos
			key, err := p.key()
			if err != nil {
				return err
			}
			if err := p.expect(':', "after object key"); err != nil {
				return err
			}
			switch key {
			case "format":
				if sawFormat {
					return p.fail(keyAt, "the key \"format\" is given twice; programs differ on which one they read")
				}
				sawFormat = true
				if format, err = p.format(); err != nil {
					return err
				}
			case "pieces":
				if sawPieces {
					return p.fail(keyAt, "the key \"pieces\" is given twice; programs differ on which list they read")
				}
				sawPieces = true
				if err := p.pieces(fn); err != nil {
					return err
				}
			default:
				return p.fail(keyAt, "unknown field %q at the top level (only \"format\" and \"pieces\" belong there)", key)
			}
			c, err := p.next()
			if err != nil {
				return err
			}
			p.pos++
			if c == '}' {
				break
			}
			if c != ',' {
				return p.fail(p.pos-1, "malformed JSON: invalid character %s after object key:value pair", p.char(p.pos-1))
			}
		}
	}
	if _, more := p.peek(); more {
		return p.fail(p.pos, "unexpected text after the closing brace")
	} else if p.s.bad || p.s.err != nil {
		return p.endError()
	}
	if !sawFormat || format == "" {
		return p.fail(0, "the \"format\" key is missing; a bundle starts {\"format\": %q, ...}", Format)
	}
	if format != Format {
		return p.fail(0, "the format is %q; this Galley reads %q", format, Format)
	}
	if !sawPieces {
		return p.fail(0, "the \"pieces\" list is missing")
	}
	return nil
}

// format reads the value of "format" and refuses another format at once,
// before any of its pieces is read.
func (p *indexParser) format() (string, error) {
	if _, err := p.next(); err != nil {
		return "", err
	}
	start := p.pos
	end, err := p.extent(start)
	if err != nil {
		return "", err
	}
	raw := p.s.slice(start, end)
	if !json.Valid(raw) {
		return "", p.syntaxError(start, end, "the format")
	}
	var format string
	if err := json.Unmarshal(raw, &format); err != nil {
		return "", p.fail(start, "the format should be text, such as %q", Format)
	}
	if format != Format && format != "" {
		return "", p.fail(start, "the format is %q; this Galley reads %q", format, Format)
	}
	p.pos = end
	return format, nil
}

// pieces reads the list of pieces, handing each to fn as soon as it is
// read and checked.
func (p *indexParser) pieces(fn func(*galley.Piece, int, func(string, ...any) error) error) error {
	c, err := p.next()
	if err != nil {
		return err
	}
	if c != '[' {
		return p.fail(p.pos, "\"pieces\" must be a list, [ ... ]")
	}
	p.pos++
	if c, err = p.next(); err != nil {
		return err
	}
	if c == ']' {
		p.pos++
		return nil
	}
	for n := 1; ; n++ {
		if _, err := p.next(); err != nil {
			return err
		}
		start := p.pos
		end, err := p.extent(start)
		if err != nil {
			return err
		}
		piece, err := p.piece(start, end, n)
		if err != nil {
			return err
		}
		at := func(format string, args ...any) error { return p.fail(start, format, args...) }
		if err := fn(piece, n, at); err != nil {
			return err
		}
		p.pos = end
		p.s.keep = end
		c, err := p.next()
		if err != nil {
			return err
		}
		p.pos++
		if c == ']' {
			return nil
		}
		if c != ',' {
			return p.fail(p.pos-1, "malformed JSON: invalid character %s after array element", p.char(p.pos-1))
		}
	}
}

// pieceKeys is the keys a piece may have, and within it a contributor, a
// Q&A pair and a photo: the json names of pieceJSON's fields.
var pieceKeys = keysOf(reflect.TypeFor[pieceJSON]())

// keySet describes the keys allowed in the objects of one place of the
// format: fields for an object, elem for the items of a list. nil stands
// for a place that holds no object (text, true or false, a list of text).
type keySet struct {
	fields map[string]*keySet
	elem   *keySet
}

func keysOf(t reflect.Type) *keySet {
	switch t.Kind() {
	case reflect.Struct:
		k := &keySet{fields: map[string]*keySet{}}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			k.fields[name] = keysOf(f.Type)
		}
		return k
	case reflect.Slice:
		if elem := keysOf(t.Elem()); elem != nil {
			return &keySet{elem: elem}
		}
	}
	return nil
}

// keyProblem is a key given twice in one object, or a key the format does
// not know, at offset at of the value checked.
type keyProblem struct {
	at  int
	msg string
}

// checkKeys walks the JSON value data (valid JSON) and returns its first
// key problem. Other programs read a key given twice as either value, and
// encoding/json matches keys without regard to case ("Title" as "title"),
// so every key must be exactly one the format has, and given once.
func checkKeys(data []byte, keys *keySet) *keyProblem {
	w := keyWalker{data: data}
	return w.value(keys)
}

type keyWalker struct {
	data []byte
	i    int
}

func (w *keyWalker) blanks() {
	for w.i < len(w.data) {
		switch w.data[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

func (w *keyWalker) value(keys *keySet) *keyProblem {
	w.blanks()
	switch w.data[w.i] {
	case '{':
		return w.object(keys)
	case '[':
		var elem *keySet
		if keys != nil {
			elem = keys.elem
		}
		w.i++
		w.blanks()
		if w.data[w.i] == ']' {
			w.i++
			return nil
		}
		for {
			if p := w.value(elem); p != nil {
				return p
			}
			w.blanks()
			w.i++ // ',' or ']'
			if w.data[w.i-1] == ']' {
				return nil
			}
		}
	case '"':
		w.str()
	default:
		for w.i < len(w.data) && !bytes.ContainsRune([]byte(",]} \t\n\r"), rune(w.data[w.i])) {
			w.i++
		}
	}
	return nil
}

func (w *keyWalker) object(keys *keySet) *keyProblem {
	w.i++ // '{'
	var seen map[string]bool
	for {
		w.blanks()
		switch w.data[w.i] {
		case '}':
			w.i++
			return nil
		case ',':
			w.i++
			w.blanks()
		}
		at := w.i
		raw := w.str()
		key := string(raw[1 : len(raw)-1])
		if bytes.IndexByte(raw, '\\') >= 0 {
			json.Unmarshal(raw, &key) // "ti\u0074le" is "title" to every reader
		}
		if seen[key] {
			return &keyProblem{at, fmt.Sprintf("the key %q is given twice in one object; programs differ on which value they read", key)}
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[key] = true
		var inner *keySet
		if keys != nil && keys.fields != nil {
			k, known := keys.fields[key]
			if !known {
				return &keyProblem{at, fmt.Sprintf("unknown field %q (see docs/bundle.md for the fields a piece can have)", key)}
			}
			inner = k
		}
		w.blanks()
		w.i++ // ':'
		if p := w.value(inner); p != nil {
			return p
		}
	}
}

// str skips a string and returns its text, quotes included.
func (w *keyWalker) str() []byte {
	start := w.i
	w.i++
	for {
		w.i += bytes.IndexAny(w.data[w.i:], `"\`)
		if w.data[w.i] == '\\' {
			w.i += 2
			continue
		}
		w.i++
		return w.data[start:w.i]
	}
}

// piece checks and decodes the piece whose JSON text runs from start to
// end. n is its number in the list, for messages.
func (p *indexParser) piece(start, end int64, n int) (*galley.Piece, error) {
	raw := p.s.slice(start, end)
	what := fmt.Sprintf("piece %d", n)
	if !json.Valid(raw) {
		return nil, p.syntaxError(start, end, what)
	}
	if problem := checkKeys(raw, pieceKeys); problem != nil {
		return nil, p.fail(start+int64(problem.at), "%s: %s", named(what, raw), problem.msg)
	}
	var pj pieceJSON
	if err := json.Unmarshal(raw, &pj); err != nil {
		return nil, p.jsonError(start, err, named(what, raw))
	}
	return p.b.pieceOf(&pj, what, func(format string, args ...any) error { return p.fail(start, format, args...) })
}

// named adds the piece's title to what, when the JSON has one.
func named(what string, raw []byte) string {
	var title struct {
		Title string `json:"title"`
	}
	if json.Unmarshal(raw, &title) == nil && title.Title != "" {
		what += " “" + title.Title + "”"
	}
	return what
}

// pieceOf checks a decoded piece and makes it a galley.Piece. A piece
// without a slug keeps an empty one: the library picks it (from the
// title) where it goes.
func (b *Bundle) pieceOf(pj *pieceJSON, what string, errorAt func(string, ...any) error) (*galley.Piece, error) {
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
		return errorAt("%s: %s", what, fmt.Sprintf(format, args...))
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
	if pj.Lang != "" {
		if p.Lang, err = galley.ParseLang(pj.Lang); err != nil {
			return nil, fail("the language %s", galley.ErrorMessage(err))
		}
	}
	for _, addr := range pj.Formerly {
		if err := galley.CheckFormerAddress(addr); err != nil {
			return nil, fail("%s", galley.ErrorMessage(err))
		}
	}
	p.Formerly = pj.Formerly
	p.Source = strings.TrimSpace(pj.Source)
	if p.Created, err = parseStamp(pj.Created); err != nil {
		return nil, fail("the created time %q is not an RFC 3339 time such as 2024-11-14T09:30:00Z", pj.Created)
	}
	if p.Updated, err = parseStamp(pj.Updated); err != nil {
		return nil, fail("the updated time %q is not an RFC 3339 time such as 2024-11-14T09:30:00Z", pj.Updated)
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
	self := p.Slug
	if self == "" {
		self = galley.Slugify(p.Title)
	}
	for _, r := range pj.Related {
		if r == self {
			return nil, errorAt("%s lists itself as related", what)
		}
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

// jsonError explains a decoding error of the value at offset base.
func (p *indexParser) jsonError(base int64, err error, what string) error {
	prefix := ""
	if what != "" {
		prefix = what + ": "
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := typ.Field
		if field == "" {
			field = "a value"
		} else {
			field = "\"" + field + "\""
		}
		return p.fail(base+typ.Offset, "%s%s should be %s, not %s", prefix, field, kind(typ.Type.String()), typ.Value)
	}
	return p.fail(base, "%s%v", prefix, strings.TrimPrefix(err.Error(), "json: "))
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
