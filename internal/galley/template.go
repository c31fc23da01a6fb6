package galley

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TemplateVars are the values a caption template can use for one photo,
// gathered from the photo's metadata and the piece, so one template fills
// in the words of many photos at once.
type TemplateVars struct {
	Byline  string // {byline}: the photographer
	Credit  string // {credit}: the agency or owner, for example "Reuters"
	City    string // {city}: where the photo was taken
	Country string // {country}
	Date    Date   // {date}: the day it was taken, written "Monday, July 16, 2018"
}

// templateVarNames are the variables, in the order error messages list them.
var templateVarNames = []string{"byline", "credit", "city", "country", "date"}

// value returns the text of the variable name (one of templateVarNames)
// without surrounding spaces, so a stray space in metadata never doubles
// one in a caption.
func (v TemplateVars) value(name string) string {
	switch name {
	case "byline":
		return strings.TrimSpace(v.Byline)
	case "credit":
		return strings.TrimSpace(v.Credit)
	case "city":
		return strings.TrimSpace(v.City)
	case "country":
		return strings.TrimSpace(v.Country)
	case "date":
		return longDate(v.Date)
	}
	return ""
}

// longDate writes a day the house way, "Monday, July 16, 2018", or "" when
// unset: LongDateLayout, as export.DateLong does, so captions and pages
// agree.
func longDate(d Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(LongDateLayout)
}

// templatePart is a piece of a parsed template: literal text, or the name
// of a variable when isVar is set.
type templatePart struct {
	text  string
	isVar bool
}

// ApplyTemplate fills in a caption template for one photo and applies it
// to the current text of a field (caption, credit or alt text): it gives
// the new text of the field. Called once per selected photo, it fills many
// photos from one template.
//
// Variables are written in braces: {byline}, {credit}, {city}, {country}
// and {date} (the date in the house style, "Monday, July 16, 2018"); names
// are matched ignoring case and spaces inside the braces. {{ and }} write a
// literal brace. Any other name, a "{" never closed or a lone "}" is an
// EInvalid error naming it, whatever the values, so a mistyped template
// ({cty}) is caught on the first photo rather than leaving holes in some.
//
// An empty variable (spaces only, or an unset date) leaves no trace: it is
// removed together with the separator that joined it to the text before
// it, that is the spaces and punctuation (, ; : . / | & - – — · •) ending
// the literal text just before it. If nothing comes before it (it is at the
// start, after other empty variables, or just inside an opening bracket),
// the separator after it goes instead. An empty variable alone in brackets,
// "({city})", takes the brackets with it. So with no city, "{city},
// {country}" gives "France", "{credit} ({byline})" gives "Reuters", and
// "{city}, {country} — {date}" gives "France — Monday, July 16, 2018".
// Text a value brings is never trimmed, and literal text away from an
// empty variable is kept as written. The result is trimmed of surrounding
// space.
//
// In replace mode the field becomes the result, even when it is empty. In
// append mode the result is added after the current text with a single
// space between. Nothing changes when the result is empty or when the text
// already ends with exactly the result, so applying a template twice does
// not repeat it; "ends with" starts at a word boundary ("MAP" does not end
// with "AP").
func ApplyTemplate(tmpl string, v TemplateVars, current string, appendMode bool) (string, error) {
	parts, err := parseTemplate(tmpl)
	if err != nil {
		return "", err
	}
	res := fillTemplate(parts, v)
	if !appendMode {
		return res, nil
	}
	base := strings.TrimRightFunc(current, unicode.IsSpace)
	switch {
	case res == "":
		return current, nil
	case base == "":
		return res, nil
	case strings.HasSuffix(base, res):
		before, _ := utf8.DecodeLastRuneInString(base[:len(base)-len(res)])
		if len(base) == len(res) || !unicode.IsLetter(before) && !unicode.IsDigit(before) {
			return current, nil
		}
	}
	return base + " " + res, nil
}

// parseTemplate splits a template into literal text and variable names,
// or says what is wrong with it.
func parseTemplate(tmpl string) ([]templatePart, error) {
	var parts []templatePart
	var lit strings.Builder
	for i := 0; i < len(tmpl); {
		switch c := tmpl[i]; {
		case c == '{' && strings.HasPrefix(tmpl[i:], "{{"), c == '}' && strings.HasPrefix(tmpl[i:], "}}"):
			lit.WriteByte(c)
			i += 2
		case c == '}':
			return nil, Errorf(EInvalid, "The template has a \"}\" with no \"{\" before it (%s); write }} for a brace in the text.", near(tmpl, i))
		case c == '{':
			end := strings.IndexByte(tmpl[i:], '}')
			if end < 0 {
				return nil, Errorf(EInvalid, "The template has a \"{\" that is never closed (%s); write {{ for a brace in the text.", near(tmpl, i))
			}
			raw := tmpl[i+1 : i+end]
			name := strings.ToLower(strings.TrimSpace(raw))
			known := false
			for _, n := range templateVarNames {
				known = known || n == name
			}
			if !known {
				return nil, Errorf(EInvalid, "The template uses %q, which is not a variable; the variables are {byline}, {credit}, {city}, {country} and {date}.", "{"+clip(raw, 30)+"}")
			}
			if lit.Len() > 0 {
				parts = append(parts, templatePart{text: lit.String()})
				lit.Reset()
			}
			parts = append(parts, templatePart{text: name, isVar: true})
			i += end + 1
		default:
			lit.WriteByte(c)
			i++
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, templatePart{text: lit.String()})
	}
	return parts, nil
}

// fillTemplate writes a parsed template with v's values, applying the rule
// for empty variables given at ApplyTemplate.
func fillTemplate(parts []templatePart, v TemplateVars) string {
	var (
		buf      []byte
		keep     int  // buf[:keep] ends with a value and is never trimmed
		dropLead bool // the next literal loses its leading separator
		dropShut byte // the next literal loses this leading closing bracket
	)
	for i, p := range parts {
		if !p.isVar {
			text := p.text
			if dropShut != 0 && text != "" && text[0] == dropShut {
				text = text[1:]
			}
			if dropLead {
				text = strings.TrimLeftFunc(text, isSeparator)
			}
			dropLead, dropShut = false, 0
			buf = append(buf, text...)
			continue
		}
		if val := v.value(p.text); val != "" {
			buf = append(buf, val...)
			keep = len(buf)
			dropLead, dropShut = false, 0
			continue
		}
		// An empty variable alone in brackets goes with its brackets.
		if n := len(buf); n > keep && i+1 < len(parts) && !parts[i+1].isVar {
			if shut := closing(buf[n-1]); shut != 0 && strings.HasPrefix(parts[i+1].text, string(shut)) {
				buf = buf[:n-1]
				dropShut = shut
			}
		}
		buf = append(buf[:keep], strings.TrimRightFunc(string(buf[keep:]), isSeparator)...)
		if n := len(buf); n == 0 || (n > keep && closing(buf[n-1]) != 0) {
			dropLead = true
		}
	}
	return strings.TrimSpace(string(buf))
}

// isSeparator reports whether r is part of what joins two values in a
// template, and so goes with an empty one.
func isSeparator(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(",;:./|&-–—·•", r)
}

// closing returns the bracket that closes the opening bracket c, or 0.
func closing(c byte) byte {
	switch c {
	case '(':
		return ')'
	case '[':
		return ']'
	}
	return 0
}

// near quotes the template around byte i, so an editor can find a stray
// brace in a long template.
func near(tmpl string, i int) string {
	start := max(0, i-15)
	for start > 0 && !utf8.RuneStart(tmpl[start]) {
		start--
	}
	prefix := ""
	if start > 0 {
		prefix = "…"
	}
	return "near “" + prefix + clip(tmpl[start:], 30) + "”"
}

// clip returns s as valid UTF-8 on one line, cut to at most limit runes
// with an ellipsis, so a message quoting it stays short and readable.
func clip(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > limit {
		return string(r[:limit]) + "…"
	}
	return s
}

// EmptyTemplateVars lists the variables tmpl uses that have no value in v,
// each once, in the order the template first uses them and written as in
// a template ("{city}"). An editor applying a template to many photos is
// told which details a photo lacks, since an empty variable leaves no
// trace in the text. A template with a mistake is the error ApplyTemplate
// gives.
func EmptyTemplateVars(tmpl string, v TemplateVars) ([]string, error) {
	parts, err := parseTemplate(tmpl)
	if err != nil {
		return nil, err
	}
	var empty []string
	for _, p := range parts {
		name := "{" + p.text + "}"
		if p.isVar && v.value(p.text) == "" && !slices.Contains(empty, name) {
			empty = append(empty, name)
		}
	}
	return empty, nil
}
