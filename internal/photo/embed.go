package photo

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"hash/crc32"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"app.galley/galley/internal/galley"
)

// This file is the writing side of the photo desk: it puts a photo's words
// into the files an export publishes, so the credit travels with the
// picture, and it is what leaves the camera's EXIF and GPS behind.

// Segment headers of the JPEG metadata Galley writes and copies.
const (
	jpegXMPHeader    = "http://ns.adobe.com/xap/1.0/\x00"
	jpegExtXMPHeader = "http://ns.adobe.com/xmp/extension/\x00"
	jpegExifHeader   = "Exif\x00\x00"
	jpegPSHeader     = "Photoshop 3.0\x00"
)

// maxSegmentPayload is the most a JPEG marker segment holds: its 16-bit
// length counts itself.
const maxSegmentPayload = 0xFFFF - 2

// MaxEmbeddedXMP is the largest XMP packet EmbedJPEG and EmbedPNG write:
// what fits one JPEG APP1 segment after the XMP header. Longer words are
// cut, the longest first.
const MaxEmbeddedXMP = maxSegmentPayload - len(jpegXMPHeader)

// IPTC IIM's limits on dataset lengths, in bytes (IIM 4.2). EmbedJPEG
// cuts longer values on a UTF-8 boundary; the XMP beside them is whole.
const (
	iimMaxCaption   = 2000
	iimMaxCredit    = 32
	iimMaxByline    = 32
	iimMaxCopyright = 128
	iimMaxCity      = 32
	iimMaxCountry   = 64
	iimMaxKeyword   = 64
)

// iimDateLayout is how IPTC IIM writes a date (Date Created, 2:55):
// CCYYMMDD, read by isoDate and written by EmbedJPEG.
const iimDateLayout = "20060102"

// errNotJPEG and errNotPNG say the data to embed into is not what the
// function writes.
var (
	errNotJPEG = errors.New("photo: not a complete JPEG image")
	errNotPNG  = errors.New("photo: not a complete PNG image")
)

// EmbedJPEG returns a copy of a JPEG image carrying m's words: an XMP
// packet in an APP1 segment (dc:description, photoshop:Credit, dc:creator,
// dc:rights, Iptc4xmpCore:AltTextAccessibility, photoshop:City,
// photoshop:Country, photoshop:DateCreated and dc:subject) and the same
// words as IPTC IIM in Photoshop's APP13 segment, so that older tools read
// them too. Empty fields are left out; when every field is empty, no
// segment is written. m.HasGPS is ignored.
//
// Every metadata segment the image had is removed first: EXIF (with its
// GPS position and camera details), XMP, IPTC, comments and every other
// APPn segment except the JFIF header, the ICC colour profile and Adobe's
// colour transform flag, which decoding needs. The new segments go right
// after the start of the image, after the JFIF header if there is one.
//
// Both segments respect JPEG's 64 KB segment limit: when the XMP would be
// longer than MaxEmbeddedXMP, the longest values are cut to fit, and the
// IIM values are cut to IIM's dataset limits (2000 bytes for the caption,
// 32 for the credit, ...). The input is not modified. The error is for
// data that is not a JPEG whose headers can be walked up to its image data.
func EmbedJPEG(jpeg []byte, m Metadata) ([]byte, error) {
	segs, scan, err := jpegHeaders(jpeg)
	if err != nil {
		return nil, err
	}
	xmp := fitXMP(xmpProperties(m), MaxEmbeddedXMP)
	iim := iimDatasets(m)
	var add [][]byte
	if xmp != nil {
		add = append(add, jpegSegment(0xE1, []byte(jpegXMPHeader), xmp))
	}
	if iim != nil {
		add = append(add, jpegSegment(0xED, []byte(jpegPSHeader), photoshopIPTC(iim)))
	}
	return assembleJPEG(jpeg, segs, scan, add), nil
}

// CopyMetadataJPEG returns a copy of rendition (a JPEG made from original,
// such as a resized copy) carrying original's metadata as it is: its EXIF
// and XMP APP1 segments (extended XMP included) and its Photoshop APP13
// segments (IPTC), GPS position and camera details included. The
// rendition's own metadata segments are removed first, as EmbedJPEG does.
//
// One value is changed: the EXIF orientation is set to 1 (upright),
// because a rendition is made upright; left as it was, viewers would turn
// the rendition a second time.
//
// When original is not a JPEG, nothing is copied and the rendition is
// returned stripped of its own metadata. Damaged metadata in original
// yields the segments before the damage. The error is for a rendition
// that is not a JPEG whose headers can be walked up to its image data.
func CopyMetadataJPEG(original, rendition []byte) ([]byte, error) {
	segs, scan, err := jpegHeaders(rendition)
	if err != nil {
		return nil, err
	}
	var exif, xmp, ps [][]byte
	if isJPEG(original) {
		osegs, _, _ := jpegHeaders(original) // what precedes any damage
		for _, s := range osegs {
			payload := s.payload(original)
			switch {
			case s.marker == 0xE1 && bytes.HasPrefix(payload, []byte(jpegExifHeader)):
				seg := bytes.Clone(original[s.start:s.end])
				uprightExif(seg[4+len(jpegExifHeader):])
				exif = append(exif, seg)
			case s.marker == 0xE1 && (bytes.HasPrefix(payload, []byte(jpegXMPHeader)) || bytes.HasPrefix(payload, []byte(jpegExtXMPHeader))):
				xmp = append(xmp, original[s.start:s.end])
			case s.marker == 0xED && bytes.HasPrefix(payload, []byte(jpegPSHeader)):
				ps = append(ps, original[s.start:s.end])
			}
		}
	}
	// EXIF first, as the Exif standard wants it right after the start
	// (or the JFIF header), then XMP, then IPTC.
	add := append(append(exif, xmp...), ps...)
	return assembleJPEG(rendition, segs, scan, add), nil
}

// EmbedPNG returns a copy of a PNG image carrying m's words as an XMP
// packet (the same EmbedJPEG writes) in an uncompressed iTXt chunk with
// the keyword "XML:com.adobe.xmp", right after the header chunk. PNG has
// no IPTC IIM. Text chunks, EXIF (eXIf) and the modification time (tIME)
// the image had are removed first; every other chunk is kept. Data after
// the end chunk is dropped. The error is for data that is not a PNG whose
// chunks can be walked to its end chunk.
func EmbedPNG(png []byte, m Metadata) ([]byte, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if len(png) < len(sig) || string(png[:len(sig)]) != sig {
		return nil, errNotPNG
	}
	var out bytes.Buffer
	out.Grow(len(png) + 4096)
	out.WriteString(sig)
	first := true
	for i := len(sig); ; {
		if i+12 > len(png) {
			return nil, errNotPNG
		}
		n := binary.BigEndian.Uint32(png[i:])
		if uint64(n) > uint64(len(png)-i-12) {
			return nil, errNotPNG
		}
		typ := string(png[i+4 : i+8])
		end := i + 12 + int(n)
		if first != (typ == "IHDR") {
			return nil, errNotPNG
		}
		switch typ {
		case "tEXt", "zTXt", "iTXt", "eXIf", "tIME":
		default:
			out.Write(png[i:end])
		}
		if first {
			first = false
			if xmp := fitXMP(xmpProperties(m), MaxEmbeddedXMP); xmp != nil {
				// Keyword, no compression (flag and method), empty language
				// tag and translated keyword, then the packet.
				data := append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), xmp...)
				binary.Write(&out, binary.BigEndian, uint32(len(data)))
				crc := crc32.NewIEEE()
				crc.Write([]byte("iTXt"))
				crc.Write(data)
				out.WriteString("iTXt")
				out.Write(data)
				binary.Write(&out, binary.BigEndian, crc.Sum32())
			}
		}
		if typ == "IEND" {
			return out.Bytes(), nil
		}
		i = end
	}
}

func isJPEG(data []byte) bool {
	return len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF
}

// headerSegment is one marker segment of a JPEG before its image data:
// data[start:end] is the whole segment, marker and length included.
type headerSegment struct {
	marker     byte
	start, end int
}

// payload returns what the segment holds after its length, nothing for a
// marker without one.
func (s headerSegment) payload(data []byte) []byte {
	if s.end-s.start < 4 {
		return nil
	}
	return data[s.start+4 : s.end]
}

// jpegHeaders walks a JPEG's marker segments up to its first scan (SOS)
// and returns them with the offset of the scan's marker; fill bytes and
// stray markers without a length are left out. On damage (a
// length past the end, a missing marker, no scan at all) it returns the
// segments before the damage and an error.
func jpegHeaders(data []byte) (segs []headerSegment, scan int, err error) {
	if !isJPEG(data) {
		return nil, 0, errNotJPEG
	}
	for i := 2; ; {
		if i+2 > len(data) || data[i] != 0xFF {
			return segs, 0, errNotJPEG
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0xDA:
			return segs, i, nil
		case marker == 0xD8 || marker == 0xD9:
			return segs, 0, errNotJPEG
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7:
			// No length, and no meaning before the image data: dropped.
			i += 2
			continue
		}
		if i+4 > len(data) {
			return segs, 0, errNotJPEG
		}
		size := int(binary.BigEndian.Uint16(data[i+2:]))
		if size < 2 || size > len(data)-i-2 {
			return segs, 0, errNotJPEG
		}
		segs = append(segs, headerSegment{marker, i, i + 2 + size})
		i += 2 + size
	}
}

// isMetadataSegment reports whether a segment is metadata an export
// removes: comments and APPn segments, except the JFIF header and those
// that say how to show the pixels (the ICC profile, Adobe's transform).
func isMetadataSegment(data []byte, s headerSegment) bool {
	if s.marker == 0xFE { // COM
		return true
	}
	if s.marker < 0xE0 || s.marker > 0xEF {
		return false
	}
	payload := s.payload(data)
	switch s.marker {
	case 0xE0:
		return !bytes.HasPrefix(payload, []byte("JFIF\x00")) && !bytes.HasPrefix(payload, []byte("JFXX\x00"))
	case 0xE2:
		return !bytes.HasPrefix(payload, []byte("ICC_PROFILE\x00"))
	case 0xEE:
		return !bytes.HasPrefix(payload, []byte("Adobe"))
	}
	return true
}

// assembleJPEG writes data's start marker, its JFIF header if that comes
// first, the segments in add, the rest of its header segments that are
// not metadata, and its image data from scan on.
func assembleJPEG(data []byte, segs []headerSegment, scan int, add [][]byte) []byte {
	n := len(data) - scan + 2
	for _, a := range add {
		n += len(a)
	}
	for _, s := range segs {
		n += s.end - s.start
	}
	out := make([]byte, 0, n)
	out = append(out, 0xFF, 0xD8)
	if len(segs) > 0 && segs[0].marker == 0xE0 && !isMetadataSegment(data, segs[0]) {
		out = append(out, data[segs[0].start:segs[0].end]...)
		segs = segs[1:]
	}
	for _, a := range add {
		out = append(out, a...)
	}
	for _, s := range segs {
		if !isMetadataSegment(data, s) {
			out = append(out, data[s.start:s.end]...)
		}
	}
	return append(out, data[scan:]...)
}

// jpegSegment makes a marker segment of header followed by body. The
// caller keeps it within maxSegmentPayload.
func jpegSegment(marker byte, header, body []byte) []byte {
	n := len(header) + len(body)
	seg := make([]byte, 0, 4+n)
	seg = append(seg, 0xFF, marker, byte((n+2)>>8), byte(n+2))
	seg = append(seg, header...)
	return append(seg, body...)
}

// uprightExif sets the orientation tag (0x0112) of IFD0 in a TIFF
// structure to 1, in place, when it is there as a SHORT.
func uprightExif(t []byte) {
	order, ok := tiffOrder(t)
	if !ok {
		return
	}
	if e, ok := ifdEntry(t, order, order.Uint32(t[4:]), 0x0112); ok && order.Uint16(e[2:]) == 3 {
		order.PutUint16(e[8:], 1)
	}
}

// embedProp is one XMP property to write: simple text, or the items of an
// rdf:Alt (one x-default item), rdf:Seq or rdf:Bag.
type embedProp struct {
	name      string // qualified, as in the packet
	container string // "", "Alt", "Seq" or "Bag"
	values    []string
}

// xmpProperties lists m's words as XMP properties, cleaned, leaving out
// the empty ones. A date that is not an ISO 8601 date (YYYY, YYYY-MM,
// YYYY-MM-DD, or a date and time) is left out: XMP has no room for it.
func xmpProperties(m Metadata) []embedProp {
	var props []embedProp
	add := func(name, container string, vs ...string) {
		var keep []string
		for _, v := range vs {
			if v = embedClean(v, false); v != "" {
				keep = append(keep, v)
			}
		}
		if len(keep) > 0 {
			props = append(props, embedProp{name, container, keep})
		}
	}
	add("dc:description", "Alt", m.Caption)
	add("photoshop:Credit", "", m.Credit)
	add("dc:creator", "Seq", m.Byline)
	add("dc:rights", "Alt", m.Copyright)
	add("Iptc4xmpCore:AltTextAccessibility", "Alt", m.AltText)
	add("photoshop:City", "", m.City)
	add("photoshop:Country", "", m.Country)
	if d := strings.TrimSpace(m.DateCreated); xmpDate(d) {
		add("photoshop:DateCreated", "", d)
	}
	add("dc:subject", "Bag", m.Keywords...)
	return props
}

// xmpDate reports whether s is a date as XMP writes one (ISO 8601).
func xmpDate(s string) bool {
	for _, layout := range []string{"2006", "2006-01", galley.DateLayout, "2006-01-02T15:04Z07:00", time.RFC3339, time.RFC3339Nano} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// writeXMP writes a complete XMP packet holding props, or nil when there
// are none.
func writeXMP(props []embedProp) []byte {
	if len(props) == 0 {
		return nil
	}
	var b bytes.Buffer
	b.WriteString("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n" +
		"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n" +
		"<rdf:RDF xmlns:rdf=\"" + nsRDF + "\">\n" +
		"<rdf:Description rdf:about=\"\"" +
		" xmlns:dc=\"" + nsDC + "\"" +
		" xmlns:photoshop=\"" + nsPhotoshop + "\"" +
		" xmlns:Iptc4xmpCore=\"" + nsIptcCore + "\">\n")
	for _, p := range props {
		b.WriteString(" <" + p.name + ">")
		if p.container == "" {
			xml.EscapeText(&b, []byte(p.values[0]))
		} else {
			b.WriteString("<rdf:" + p.container + ">")
			for _, v := range p.values {
				if p.container == "Alt" {
					b.WriteString(`<rdf:li xml:lang="x-default">`)
				} else {
					b.WriteString("<rdf:li>")
				}
				xml.EscapeText(&b, []byte(v))
				b.WriteString("</rdf:li>")
			}
			b.WriteString("</rdf:" + p.container + ">")
		}
		b.WriteString("</" + p.name + ">\n")
	}
	b.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>")
	return b.Bytes()
}

// fitXMP writes props as a packet of at most limit bytes. When they do
// not fit, the longest values are cut to a common length, just short
// enough, on a character boundary; a value cut to nothing is left out,
// and if the properties' markup alone is too long, list items (keywords)
// are dropped from the end.
func fitXMP(props []embedProp, limit int) []byte {
	packet := writeXMP(props)
	if len(packet) <= limit {
		return packet
	}
	props = cloneProps(props)
	for len(props) > 0 {
		before := len(packet)
		total := 0
		var lens []int
		for _, p := range props {
			for _, v := range p.values {
				n := escapedLen(v)
				total += n
				lens = append(lens, n)
			}
		}
		budget := limit - (len(packet) - total)
		if budget < len(lens) {
			// The markup alone (thousands of keywords) does not fit.
			props = dropLast(props)
		} else {
			c := waterLevel(lens, budget)
			kept := props[:0]
			for _, p := range props {
				vals := p.values[:0]
				for _, v := range p.values {
					if v = escapedPrefix(v, c); v != "" {
						vals = append(vals, v)
					}
				}
				if len(vals) > 0 {
					p.values = vals
					kept = append(kept, p)
				}
			}
			props = kept
		}
		if packet = writeXMP(props); len(packet) <= limit {
			return packet
		}
		if len(packet) >= before {
			// No progress (the escaped lengths were misjudged): drop
			// items, so the loop always ends.
			props = dropLast(props)
			packet = writeXMP(props)
		}
	}
	return nil
}

// dropLast drops the second half of the last property's items, or the
// property when it has one: halving keeps a list of any length to a few
// rounds.
func dropLast(props []embedProp) []embedProp {
	last := &props[len(props)-1]
	if len(last.values) > 1 {
		last.values = last.values[:len(last.values)/2]
		return props
	}
	return props[:len(props)-1]
}

func cloneProps(props []embedProp) []embedProp {
	out := make([]embedProp, len(props))
	for i, p := range props {
		p.values = append([]string(nil), p.values...)
		out[i] = p
	}
	return out
}

// waterLevel returns the largest cap c such that the lengths, each cut to
// at most c, sum to at most budget.
func waterLevel(lens []int, budget int) int {
	sorted := append([]int(nil), lens...)
	sort.Ints(sorted)
	for i, n := range sorted {
		rest := len(sorted) - i
		if n*rest > budget {
			return budget / rest
		}
		budget -= n
	}
	return sorted[len(sorted)-1]
}

// escapedLen is the length of s once xml.EscapeText has escaped it.
func escapedLen(s string) int {
	n := 0
	for _, r := range s {
		n += escapedRuneLen(r)
	}
	return n
}

// escapedPrefix returns the longest prefix of s, ending on a character
// boundary, that escapes to at most max bytes.
func escapedPrefix(s string, max int) string {
	n := 0
	for i, r := range s {
		if n += escapedRuneLen(r); n > max {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace)
		}
	}
	return s
}

// escapedRuneLen is what xml.EscapeText writes for r.
func escapedRuneLen(r rune) int {
	switch r {
	case '"', '\'', '&', '\t', '\n', '\r':
		return 5 // &#34; &#39; &amp; &#x9; &#xA; &#xD;
	case '<', '>':
		return 4
	}
	if !xmlChar(r) {
		return 3 // U+FFFD
	}
	return utf8.RuneLen(r)
}

// xmlChar reports whether XML 1.0 allows r in text.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// embedClean makes a value fit to write: valid UTF-8, line breaks as
// "\n" (or spaces when oneLine), no other control characters, and
// trimmed.
func embedClean(s string, oneLine bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x7F && r < 0xA0 || !xmlChar(r) }) < 0 {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			r = '\n'
		case r == '\t':
			r = ' '
		case r != '\n' && (r < 0x20 || r >= 0x7F && r < 0xA0 || !xmlChar(r)):
			continue
		}
		if r == '\n' && oneLine {
			r = ' '
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// iimDatasets returns m's words as an IPTC IIM stream (record 1's coded
// character set saying UTF-8, then record 2 in dataset order), each value
// cut to its dataset's limit, or nil when m has no words.
func iimDatasets(m Metadata) []byte {
	var b bytes.Buffer
	some := false
	put := func(rec, ds byte, v []byte) {
		b.Write([]byte{0x1C, rec, ds, byte(len(v) >> 8), byte(len(v))})
		b.Write(v)
	}
	text := func(ds byte, v string, limit int, oneLine bool) {
		if v = cutUTF8(embedClean(v, oneLine), limit); v != "" {
			put(2, ds, []byte(v))
			some = true
		}
	}
	put(1, 90, []byte("\x1b%G")) // UTF-8
	put(2, 0, []byte{0, 4})      // record version 4
	// Keywords may be many: they stop where the segment would overflow.
	room := maxSegmentPayload - len(jpegPSHeader) - 12 - 1 - 4096
	for _, k := range m.Keywords {
		if b.Len() > room {
			break
		}
		text(25, k, iimMaxKeyword, true)
	}
	if d := strings.TrimSpace(m.DateCreated); len(d) == 10 {
		if t, err := time.Parse(galley.DateLayout, d); err == nil {
			put(2, 55, []byte(t.Format(iimDateLayout)))
			some = true
		}
	}
	text(80, m.Byline, iimMaxByline, true)
	text(90, m.City, iimMaxCity, true)
	text(101, m.Country, iimMaxCountry, true)
	text(110, m.Credit, iimMaxCredit, true)
	text(116, m.Copyright, iimMaxCopyright, true)
	text(120, m.Caption, iimMaxCaption, false)
	if !some {
		return nil
	}
	return b.Bytes()
}

// cutUTF8 cuts s to at most n bytes without splitting a character, and
// trims the space a cut may leave at the end.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRightFunc(s[:n], unicode.IsSpace)
}

// photoshopIPTC wraps an IIM stream in Photoshop's image resource block:
// an 8BIM resource 0x0404 with an empty name, padded to an even length.
func photoshopIPTC(iim []byte) []byte {
	var b bytes.Buffer
	b.WriteString("8BIM")
	b.Write([]byte{0x04, 0x04, 0, 0})
	binary.Write(&b, binary.BigEndian, uint32(len(iim)))
	b.Write(iim)
	if len(iim)%2 == 1 {
		b.WriteByte(0)
	}
	return b.Bytes()
}
