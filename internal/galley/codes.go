package galley

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxCode is the longest code, in bytes, a code replacement list accepts.
// Codes are shorthand typed between = signs, so anything longer is a
// mistake (a whole line pasted into the code column) rather than a code.
const MaxCode = 40

// maxCodesLine bounds one line of an imported list, so a file that is not
// a list at all (an image, a database) fails on its first line instead of
// being read into memory whole. It leaves room for a code, a tab and a
// MaxLine replacement, and for long comments.
const maxCodesLine = 64 << 10

// Replacement is one entry of a code replacement list: typing =Code= in a
// caption, credit or alt text gives Text.
type Replacement struct {
	Code string // as the editor wrote it, for example "ap"
	Text string // what it stands for, for example "Associated Press"
}

// Codes is a photo desk's code replacement list: short codes an editor
// types between = signs and the text each stands for, in the editor's
// order, the way photo desks already keep them (=ap= gives "Associated
// Press").
//
// Codes are matched ignoring case and Unicode normalisation, by NameKey, so
// =AP=, =ap= and =Ap= are one code: an editor typing fast should not have
// to remember how the list spells it, and a list cannot hold two codes that
// a reader could not tell apart. The replacement is inserted as written; its
// case does not follow the case the code was typed in.
//
// A code is one word of at most MaxCode bytes: letters, digits, combining
// marks, "-" and "_", starting with a letter or a digit. A replacement is
// one line of at most MaxLine bytes (the limit of a credit) and is never
// empty, so expanding a code never silently deletes it.
//
// The zero Codes is an empty list ready to use. A Codes is a value: Set and
// Delete never change the list seen by a copy, so a list the editor is
// editing can be discarded without touching the one in use.
type Codes struct {
	list []Replacement
}

// ParseCodes reads a code replacement list as tab-separated text, the form
// photo desks exchange: on each line a code, a tab and the replacement.
// Blank lines and lines starting with // (comments) are skipped; spaces
// around the code and the replacement are dropped; a UTF-8 byte order mark
// and Windows line ends (CRLF) are accepted, since lists are often kept in
// spreadsheet programs and Notepad.
//
// The first line that breaks a rule gives an EInvalid error naming its line
// number (counting every line, blank and comment lines included, as an
// editor's text editor does) and what is wrong: no tab, no code, a code
// with a space or another character a code cannot hold, a code already on
// an earlier line (ignoring case), a missing or too long replacement, a
// second tab, a control character or text that is not UTF-8.
func ParseCodes(r io.Reader) (Codes, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxCodesLine)
	var c Codes
	seen := map[string]int{} // code key -> line it was defined on
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if n == 1 {
			if bytes.HasPrefix(line, []byte{0xFF, 0xFE}) || bytes.HasPrefix(line, []byte{0xFE, 0xFF}) {
				return Codes{}, Errorf(EInvalid, "The list is saved as UTF-16 text; save it as UTF-8 text and import it again.")
			}
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if !utf8.Valid(line) {
			return Codes{}, Errorf(EInvalid, "Line %d is not valid UTF-8 text; save the list as UTF-8 and import it again.", n)
		}
		s := string(line)
		trimmed := strings.TrimSpace(s)
		if trimmed == "" || strings.HasPrefix(trimmed, "//") {
			continue
		}
		code, text, ok := strings.Cut(s, "\t")
		if !ok {
			return Codes{}, Errorf(EInvalid, "Line %d has no tab: write the code, a tab, then its replacement.", n)
		}
		code, text = strings.TrimSpace(code), strings.TrimSpace(text)
		if code == "" {
			return Codes{}, Errorf(EInvalid, "Line %d has no code before the tab.", n)
		}
		if msg := checkReplacement(code, text); msg != "" {
			return Codes{}, Errorf(EInvalid, "Line %d: %s.", n, msg)
		}
		key := NameKey(code)
		if first, dup := seen[key]; dup {
			return Codes{}, Errorf(EInvalid, "Line %d: the code %q is already on line %d (codes are the same whatever their case); keep one of them.", n, code, first)
		}
		seen[key] = n
		c.list = append(c.list, Replacement{Code: code, Text: text})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Codes{}, Errorf(EInvalid, "Line %d is too long (over %d KiB); this does not look like a code replacement list.", n+1, maxCodesLine>>10)
		}
		return Codes{}, fmt.Errorf("reading the code replacement list: %w", err)
	}
	return c, nil
}

// WriteTo writes the list as tab-separated text that ParseCodes reads back
// to the same list: one "code<TAB>replacement" line per code, in order,
// with Unix line ends. It writes no comments, since the list keeps none.
func (c Codes) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	for _, r := range c.list {
		b.WriteString(r.Code)
		b.WriteByte('\t')
		b.WriteString(r.Text)
		b.WriteByte('\n')
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// Len returns the number of codes in the list.
func (c Codes) Len() int { return len(c.list) }

// List returns the codes in order. The slice is the caller's own: changing
// it does not change the list.
func (c Codes) List() []Replacement { return slices.Clone(c.list) }

// Lookup returns the replacement of code, matched ignoring case, and
// whether the list has it.
func (c Codes) Lookup(code string) (string, bool) {
	if i := c.index(code); i >= 0 {
		return c.list[i].Text, true
	}
	return "", false
}

// Set adds code with its replacement at the end of the list, or, when the
// list already has the code (ignoring case), changes that entry in place,
// taking the new spelling of the code too: an editor's list stays in the
// order the editor built it. A code or text that breaks the rules given
// at Codes is refused with an EInvalid error saying why; spaces around
// them are dropped first, as ParseCodes does.
func (c *Codes) Set(code, text string) error {
	code, text = strings.TrimSpace(code), strings.TrimSpace(text)
	if msg := checkReplacement(code, text); msg != "" {
		return Errorf(EInvalid, "%s.", upperFirst(msg))
	}
	r := Replacement{Code: code, Text: text}
	if i := c.index(code); i >= 0 {
		list := slices.Clone(c.list)
		list[i] = r
		c.list = list
		return nil
	}
	// A full slice expression makes append copy, so a copy of c made
	// before Set keeps its own list.
	c.list = append(c.list[:len(c.list):len(c.list)], r)
	return nil
}

// Delete removes code (matched ignoring case) from the list and reports
// whether it was there.
func (c *Codes) Delete(code string) bool {
	i := c.index(code)
	if i < 0 {
		return false
	}
	c.list = append(c.list[:i:i], c.list[i+1:]...)
	return true
}

// Expand replaces every code typed between = signs in text with its
// replacement, as a caption, credit or alt text field does when it loses
// focus. It returns the new text and the codes that looked like codes but
// are not in the list, as typed, each once, in order, so the field can say
// "unknown code =xyz=". Unknown codes are left in the text as typed.
//
// The rule, chosen so that = used as in ordinary writing ("a = b", "2+2=4",
// "x=y=z", "a == b", a URL's "?q=ap=1") is never touched: a code is an "="
// that does not directly follow a letter, digit, mark, "-" or "_", then a
// word a code can be (see Codes), then an "=". Words are taken left to
// right and the closing "=" belongs to its code, so "=ap==ap=" is two codes.
// Expansion is not recursive: a replacement that itself contains =code= is
// inserted as it is. Text with no code in the list comes back unchanged,
// byte for byte.
func (c Codes) Expand(text string) (string, []string) {
	var (
		b       strings.Builder
		last    int // text[last:] is not yet copied to b
		unknown []string
		seen    map[string]bool
		keys    map[string]string // code key -> replacement, built on first use
	)
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '=')
		if j < 0 {
			break
		}
		open := i + j
		i = open + 1
		if prev, _ := utf8.DecodeLastRuneInString(text[:open]); open > 0 && isCodeRune(prev) {
			continue
		}
		end := open + 1
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			if !isCodeRune(r) {
				break
			}
			end += size
		}
		if end >= len(text) || text[end] != '=' {
			continue
		}
		code := text[open+1 : end]
		if !codeShaped(code) {
			continue
		}
		i = end + 1
		if keys == nil {
			keys = make(map[string]string, len(c.list))
			for _, r := range c.list {
				keys[NameKey(r.Code)] = r.Text
			}
		}
		key := NameKey(code)
		if repl, ok := keys[key]; ok {
			b.WriteString(text[last:open])
			b.WriteString(repl)
			last = end + 1
			continue
		}
		if !seen[key] {
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[key] = true
			unknown = append(unknown, code)
		}
	}
	if last == 0 {
		return text, unknown
	}
	b.WriteString(text[last:])
	return b.String(), unknown
}

// index returns the position of code in the list, ignoring case, or -1.
// Lists are a few hundred codes at most, and a linear search keeps Codes a
// plain value that copies safely.
func (c Codes) index(code string) int {
	key := NameKey(code)
	return slices.IndexFunc(c.list, func(r Replacement) bool { return NameKey(r.Code) == key })
}

// isCodeRune reports whether r can be part of a code.
func isCodeRune(r rune) bool {
	return r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// codeShaped reports whether s can be a code: see Codes.
func codeShaped(s string) bool {
	if s == "" || len(s) > MaxCode || !utf8.ValidString(s) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsLetter(first) && !unicode.IsDigit(first) {
		return false
	}
	for _, r := range s {
		if !isCodeRune(r) {
			return false
		}
	}
	return true
}

// checkReplacement says, as the end of a sentence without its full stop,
// what is wrong with a code and its replacement, or returns "".
func checkReplacement(code, text string) string {
	const rule = "a code is one word of letters, digits, - and _"
	switch {
	case code == "":
		return "the code is empty; " + rule
	case !utf8.ValidString(code):
		return "the code is not valid UTF-8 text"
	case strings.ContainsFunc(code, unicode.IsSpace):
		return fmt.Sprintf("the code %q contains a space; %s", code, rule)
	case len(code) > MaxCode:
		return fmt.Sprintf("the code %q is too long (%d bytes; the limit is %d)", code, len(code), MaxCode)
	}
	if i := strings.IndexFunc(code, func(r rune) bool { return !isCodeRune(r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(code[i:])
		return fmt.Sprintf("the code %q contains %q; %s", code, r, rule)
	}
	if !codeShaped(code) {
		return fmt.Sprintf("the code %q must start with a letter or a digit", code)
	}
	switch {
	case text == "":
		return fmt.Sprintf("the code %q has no replacement text", code)
	case len(text) > MaxLine:
		return fmt.Sprintf("the replacement for %q is too long (%d bytes; the limit is %d)", code, len(text), MaxLine)
	case !utf8.ValidString(text):
		return fmt.Sprintf("the replacement for %q is not valid UTF-8 text", code)
	case strings.Contains(text, "\t"):
		return fmt.Sprintf("the replacement for %q contains a tab; a line holds one code, a tab and one replacement", code)
	}
	if i := strings.IndexFunc(text, unicode.IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(text[i:])
		return fmt.Sprintf("the replacement for %q contains a control character (U+%04X)", code, r)
	}
	return ""
}

// upperFirst capitalises the first letter of a sentence.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
