package photo

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// iptcFields are the IPTC IIM record 2 datasets Galley reads, as text
// (still to be cleaned).
type iptcFields struct {
	caption     string   // 2:120 Caption-Abstract
	credit      string   // 2:110 Credit
	byline      []string // 2:80 By-line, repeatable
	copyright   string   // 2:116 Copyright Notice
	dateCreated string   // 2:55 Date Created, CCYYMMDD
	city        string   // 2:90 City
	country     string   // 2:101 Country/Primary Location Name
	keywords    []string // 2:25 Keywords, repeatable
}

// iptcFromIRB returns the IPTC-NAA resource (ID 0x0404) from Photoshop
// image resource blocks, or nil. A resource cut off by the end of the
// data yields what is there: the IIM reader checks each dataset's length
// anyway.
func iptcFromIRB(b []byte) []byte {
	for i := 0; i+7 <= len(b); {
		switch string(b[i : i+4]) {
		case "8BIM", "PHUT", "AgHg", "DCSR", "MeSa": // signatures writers use
		default:
			return nil
		}
		id := binary.BigEndian.Uint16(b[i+4:])
		name := 1 + int(b[i+6]) // Pascal string, padded to an even length
		j := i + 6 + name + name&1
		if j+4 > len(b) {
			return nil
		}
		size := uint64(binary.BigEndian.Uint32(b[j:]))
		j += 4
		if size > uint64(len(b)-j) {
			if id == 0x0404 {
				return b[j:]
			}
			return nil
		}
		if id == 0x0404 {
			return b[j : j+int(size)]
		}
		i = j + int(size) + int(size&1)
	}
	return nil
}

// parseIIM reads IPTC IIM datasets. Text is UTF-8 when dataset 1:90 (the
// coded character set) says so with the ISO 2022 escape for UTF-8, and
// ISO 8859-1 otherwise, as the standard has it. The bytes of Windows-1252
// that Latin-1 leaves to control codes are read as Windows-1252 (curly
// quotes, dashes), since that is what Windows tools that do not declare
// a character set write. A value that is valid UTF-8 with non-ASCII bytes
// is taken as UTF-8 even without 1:90: many tools write UTF-8 without
// saying so, and Latin-1 text almost never happens to be valid UTF-8.
func parseIIM(b []byte) iptcFields {
	var raw struct {
		caption, credit, copyright, date, city, country []byte
		byline, keywords                                [][]byte
	}
	isUTF8 := false
	for i := 0; i+5 <= len(b); {
		if b[i] != 0x1C { // tag marker; anything else ends the datasets (often padding)
			break
		}
		rec, ds := b[i+1], b[i+2]
		n := uint64(binary.BigEndian.Uint16(b[i+3:]))
		i += 5
		if n&0x8000 != 0 { // extended dataset: the low bits count the length's bytes
			k := int(n & 0x7FFF)
			if k == 0 || k > 4 || k > len(b)-i {
				break
			}
			n = 0
			for _, c := range b[i : i+k] {
				n = n<<8 | uint64(c)
			}
			i += k
		}
		if n > uint64(len(b)-i) {
			break
		}
		v := b[i : i+int(n)]
		i += int(n)
		switch {
		case rec == 1 && ds == 90:
			isUTF8 = declaresUTF8(v)
		case rec != 2:
		case ds == 120:
			raw.caption = v
		case ds == 110:
			raw.credit = v
		case ds == 80:
			if len(raw.byline) < maxItems {
				raw.byline = append(raw.byline, v)
			}
		case ds == 116:
			raw.copyright = v
		case ds == 55:
			raw.date = v
		case ds == 90:
			raw.city = v
		case ds == 101:
			raw.country = v
		case ds == 25:
			if len(raw.keywords) < maxItems {
				raw.keywords = append(raw.keywords, v)
			}
		}
	}
	text := func(v []byte) string {
		utf := isUTF8 || utf8.Valid(v)
		v = v[:min(len(v), maxRawValue)] // past anything cleaning keeps
		if utf {
			return string(v)
		}
		return latin1(v)
	}
	list := func(vs [][]byte) []string {
		out := make([]string, 0, len(vs))
		for _, v := range vs {
			out = append(out, text(v))
		}
		return out
	}
	return iptcFields{
		caption:     text(raw.caption),
		credit:      text(raw.credit),
		byline:      list(raw.byline),
		copyright:   text(raw.copyright),
		dateCreated: text(raw.date),
		city:        text(raw.city),
		country:     text(raw.country),
		keywords:    list(raw.keywords),
	}
}

// declaresUTF8 reports whether a 1:90 coded character set names UTF-8:
// ESC % G, or ESC % / G, H or I (UTF-8 at implementation levels 1 to 3).
func declaresUTF8(v []byte) bool {
	for _, esc := range []string{"\x1b%G", "\x1b%/G", "\x1b%/H", "\x1b%/I"} {
		if bytes.Contains(v, []byte(esc)) {
			return true
		}
	}
	return false
}

// cp1252 maps the bytes 0x80 to 0x9F as Windows-1252 has them; the five
// it leaves undefined stay as Latin-1's control codes, which cleaning
// removes.
var cp1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

// latin1 converts ISO 8859-1 (with Windows-1252's printable extras) to
// UTF-8.
func latin1(v []byte) string {
	var b bytes.Buffer
	b.Grow(len(v) + len(v)/2)
	for _, c := range v {
		switch {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xA0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}
