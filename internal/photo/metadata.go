package photo

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"app.galley/galley/internal/galley"
)

// Limits on what ReadMetadata keeps. A photo file is hostile input: its
// metadata can claim any length and repeat any field, and none of it may
// bloat a piece or fail the piece's own checks (galley.MaxLine bytes on
// one-line fields, galley.MaxKeywords keywords).
const (
	// MaxMetadataRunes caps the caption, credit and alt text read from a
	// file. IPTC allows 2000 bytes for a caption; a longer one is a
	// runaway, not a caption.
	MaxMetadataRunes = 2000
	// MaxMetadataKeywords caps the keywords kept from one file, as
	// galley.MaxKeywords caps them on a photo.
	MaxMetadataKeywords = galley.MaxKeywords
	// maxLineBytes caps the one-line fields (by-line, copyright, place,
	// date, each keyword) in bytes, the unit galley.MaxLine counts in.
	maxLineBytes = galley.MaxLine
	// maxXMPBytes caps the XMP packet parsed from a PNG or WebP (a JPEG
	// segment holds at most 64 KB). Photoshop's edit history can swell a
	// packet to megabytes; the fields Galley reads come first.
	maxXMPBytes = 4 << 20
	// maxRawValue caps the bytes collected for one value before cleaning:
	// enough for MaxMetadataRunes runes of any width, so nothing that is
	// kept is lost, and a value claiming megabytes is never copied whole.
	maxRawValue = 4*MaxMetadataRunes + 64
	// maxItems caps the entries gathered from one list (keywords,
	// creators) before duplicates are dropped.
	maxItems = 1000
)

// Metadata is what a photo file says about itself in its embedded IPTC
// and XMP metadata, the way press agencies and photographers deliver
// captions and credits. Every string is trimmed, valid UTF-8, free of
// control characters and capped in length; a field the file does not
// carry is empty.
type Metadata struct {
	Caption   string // XMP dc:description, else IPTC 2:120 Caption-Abstract
	Credit    string // XMP photoshop:Credit, else IPTC 2:110 Credit, else Byline
	Byline    string // the photographer: XMP dc:creator, else IPTC 2:80 By-line
	AltText   string // XMP Iptc4xmpCore:AltTextAccessibility
	Copyright string // XMP dc:rights, else IPTC 2:116 Copyright Notice
	City      string // XMP photoshop:City, else IPTC 2:90
	Country   string // XMP photoshop:Country, else IPTC 2:101
	// DateCreated is XMP photoshop:DateCreated, else IPTC 2:55, as
	// YYYY-MM-DD when it names a whole date and as the file gives it
	// otherwise (a year alone, say), so nothing the file says is lost.
	DateCreated string
	// Keywords are XMP dc:subject, else the IPTC 2:25 keywords, without
	// duplicates and at most MaxMetadataKeywords of them; the desk offers
	// them as topic suggestions.
	Keywords []string
	// HasGPS says the file records a GPS position: a latitude or a
	// longitude in its EXIF (not merely an empty GPS block) or in its XMP
	// (exif:GPSLatitude, exif:GPSLongitude). The caption checks warn that
	// the file gives away where it was taken.
	HasGPS bool
}

// ReadMetadata reads the embedded metadata of a JPEG, PNG or WebP file:
// XMP, IPTC IIM (JPEG only, inside Photoshop's APP13 block) and whether
// its EXIF or XMP holds a GPS position. Where XMP and IPTC both give a field,
// XMP wins, as the Metadata Working Group advises, because tools that
// edit XMP do not always update IPTC.
//
// It walks the file's segments or chunks and never decodes pixels, so it
// is quick on any size of photo. Missing, damaged or truncated metadata is
// not an error: whatever could be read is returned and the rest is left
// empty. The error is for data that is not a JPEG, PNG or WebP at all.
func ReadMetadata(data []byte) (Metadata, error) {
	var s sources
	switch {
	case len(data) >= 2 && data[0] == 0xFF && data[1] == 0xD8:
		readJPEGMetadata(data, &s)
	case len(data) >= 8 && string(data[:8]) == "\x89PNG\r\n\x1a\n":
		readPNGMetadata(data, &s)
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		readWebPMetadata(data, &s)
	default:
		return Metadata{}, galley.Errorf(galley.EInvalid, "The file is not a JPEG, PNG or WebP image, so it has no caption or credit to read.")
	}
	return s.merge(), nil
}

// FillPhoto copies the metadata into the photo's empty fields: caption,
// credit and alt text, and the photographer, copyright, date created,
// city, country and keywords. A field that already holds text (typed by
// an editor or given in a bundle) is never overwritten, and alt text is
// not filled on a photo marked decorative, because that mark is an
// editor's explicit choice that it needs none. HasGPS is set on the image
// when the file records a position; it is a fact about the file, so it is
// only ever turned on.
func (m Metadata) FillPhoto(p *galley.Photo) {
	if p == nil {
		return
	}
	fill := func(dst *string, v string) {
		if strings.TrimSpace(*dst) == "" && v != "" {
			*dst = v
		}
	}
	fill(&p.Caption, m.Caption)
	fill(&p.Credit, m.Credit)
	if !p.Decorative {
		fill(&p.Alt, m.AltText)
	}
	fill(&p.Photographer, m.Byline)
	fill(&p.Copyright, m.Copyright)
	fill(&p.DateCreated, m.DateCreated)
	fill(&p.City, m.City)
	fill(&p.Country, m.Country)
	if len(p.Keywords) == 0 && len(m.Keywords) > 0 {
		p.Keywords = append([]string(nil), m.Keywords...)
	}
	if m.HasGPS {
		p.Image.HasGPS = true
	}
}

// sources holds what each kind of metadata in a file said, before the
// precedence rules pick one value per field.
type sources struct {
	xmp    xmpFields
	iptc   iptcFields
	hasGPS bool
}

// merge applies the precedence rules: XMP first, then IPTC, and for the
// credit the by-line last.
func (s *sources) merge() Metadata {
	x, i := s.xmp, s.iptc
	var m Metadata
	m.Caption = first(cleanText(x.description), cleanText(i.caption))
	m.Byline = first(cleanLine(x.creator), joinLines(i.byline))
	m.Credit = first(cleanLine(x.credit), cleanLine(i.credit), m.Byline)
	m.AltText = cleanText(x.altText)
	m.Copyright = first(cleanLine(x.rights), cleanLine(i.copyright))
	m.City = first(cleanLine(x.city), cleanLine(i.city))
	m.Country = first(cleanLine(x.country), cleanLine(i.country))
	m.DateCreated = first(isoDate(cleanLine(x.dateCreated)), isoDate(cleanLine(i.dateCreated)))
	m.Keywords = cleanKeywords(x.subject)
	if len(m.Keywords) == 0 {
		m.Keywords = cleanKeywords(i.keywords)
	}
	m.HasGPS = s.hasGPS || x.hasGPS
	return m
}

// joinLines cleans each of several one-line values (photographers named
// in repeated IPTC by-lines) and joins those that are not empty or
// repeated with ", ".
func joinLines(vs []string) string {
	var parts []string
	for _, v := range vs {
		if v = cleanLine(v); v != "" && !slices.Contains(parts, v) {
			parts = append(parts, v)
		}
	}
	return cleanLine(strings.Join(parts, ", "))
}

// first returns the first non-empty value.
func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// cleanText makes a multi-line value safe to keep: valid UTF-8, line
// breaks as "\n", no other control characters, trimmed, and at most
// MaxMetadataRunes runes.
func cleanText(s string) string {
	return clean(s, false, MaxMetadataRunes, 0)
}

// cleanLine is cleanText for a one-line field: line breaks become spaces
// and the result fits galley.MaxLine bytes, so the piece's own checks
// accept it.
func cleanLine(s string) string {
	return clean(s, true, MaxMetadataRunes, maxLineBytes)
}

// clean does the work of cleanText and cleanLine. maxBytes of 0 means no
// byte limit beyond the rune limit.
func clean(s string, oneLine bool, maxRunes, maxBytes int) string {
	if s == "" {
		return ""
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(min(len(s), 4*maxRunes))
	runes := 0
	pendingSpace := false // collapse the breaks and tabs a one-line field drops
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue // \r\n is one break
			}
			r = '\n'
		case r == '\t' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			if r == '\t' {
				r = ' '
			} else {
				r = '\n'
			}
		case r == 0xFEFF || unicode.Is(unicode.Cc, r) && r != '\n':
			continue // NUL padding, byte-order marks, stray control codes
		}
		if oneLine && (r == '\n' || r == ' ') {
			pendingSpace = true
			continue
		}
		if pendingSpace {
			pendingSpace = false
			if b.Len() > 0 {
				if runes+1 > maxRunes || maxBytes > 0 && b.Len()+1 > maxBytes {
					break
				}
				b.WriteByte(' ')
				runes++
			}
		}
		if runes+1 > maxRunes || maxBytes > 0 && b.Len()+utf8.RuneLen(r) > maxBytes {
			break
		}
		b.WriteRune(r)
		runes++
	}
	return strings.TrimSpace(b.String())
}

// cleanKeywords cleans each keyword, drops empty ones and repeats (the
// same word in another case is a repeat), and keeps at most
// MaxMetadataKeywords.
func cleanKeywords(raw []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range raw {
		k = cleanLine(k)
		key := strings.ToLower(k)
		if k == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, k)
		if len(out) == MaxMetadataKeywords {
			break
		}
	}
	return out
}

// isoDate turns a date as XMP (2024-03-05T14:30:00+01:00), IPTC
// (20240305) or EXIF (2024:03:05 14:30:00) writes it into YYYY-MM-DD. A
// date it cannot read whole (a year alone, a month without a day) is
// returned as given.
func isoDate(s string) string {
	for _, c := range []struct {
		n      int
		layout string
	}{{10, galley.DateLayout}, {10, "2006:01:02"}, {8, iimDateLayout}} {
		if len(s) < c.n {
			continue
		}
		if len(s) > c.n && c.n == 8 {
			continue // eight digits must be the whole value
		}
		if t, err := time.Parse(c.layout, s[:c.n]); err == nil {
			return t.Format(galley.DateLayout)
		}
	}
	return s
}

// readJPEGMetadata walks a JPEG's marker segments up to the image data.
// APP1 holds EXIF or XMP; APP13 holds Photoshop's image resources, which
// carry the IPTC datasets and may be split across several segments.
func readJPEGMetadata(data []byte, s *sources) {
	const (
		exifHeader = "Exif\x00\x00"
		psHeader   = "Photoshop 3.0\x00"
	)
	var irb [][]byte
	var extended []extendedChunk
	seenXMP, seenExif := false, false
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			break
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0xD8 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7: // no length
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // image data or end: no more metadata
			break
		}
		size := int(binary.BigEndian.Uint16(data[i+2:]))
		if size < 2 || size > len(data)-i-2 {
			break // a length past the end: the rest of the file is not trustworthy
		}
		seg := data[i+4 : i+2+size]
		i += 2 + size
		switch {
		case marker == 0xE1 && !seenXMP && bytes.HasPrefix(seg, []byte(jpegXMPHeader)):
			seenXMP = true
			s.xmp = parseXMP(seg[len(jpegXMPHeader):])
		case marker == 0xE1 && !seenExif && bytes.HasPrefix(seg, []byte(exifHeader)):
			seenExif = true
			s.hasGPS = exifHasGPS(seg[len(exifHeader):])
		case marker == 0xE1 && bytes.HasPrefix(seg, []byte(jpegExtXMPHeader)) && len(seg) >= len(jpegExtXMPHeader)+40:
			c := seg[len(jpegExtXMPHeader):]
			extended = append(extended, extendedChunk{guid: string(c[:32]),
				total: binary.BigEndian.Uint32(c[32:]), offset: binary.BigEndian.Uint32(c[36:]), data: c[40:]})
		case marker == 0xED && bytes.HasPrefix(seg, []byte(psHeader)):
			irb = append(irb, seg[len(psHeader):])
		}
	}
	if g := s.xmp.extendedGUID; g != "" {
		if packet := extendedXMP(g, extended); packet != nil {
			s.xmp = s.xmp.fill(parseXMP(packet))
		}
	}
	switch len(irb) {
	case 0:
	case 1:
		s.iptc = parseIIM(iptcFromIRB(irb[0]))
	default:
		// Resources too big for one segment continue in the next.
		s.iptc = parseIIM(iptcFromIRB(bytes.Join(irb, nil)))
	}
}

// extendedChunk is one APP1 segment of a JPEG's extended XMP: part of a
// packet named by the MD5 of the whole, in hexadecimal, starting at
// offset of total bytes.
type extendedChunk struct {
	guid          string
	total, offset uint32
	data          []byte
}

// maxExtendedXMP bounds the extended packet put together: real ones hold
// a long caption or an editing history, well under this.
const maxExtendedXMP = 8 << 20

// extendedXMP puts together the extended packet the standard one names:
// its chunks in order of offset, covering it exactly once, and matching
// its MD5 — chunks of another packet (a writer that left old ones
// behind), missing or overlapping ones, give nothing rather than half a
// caption.
func extendedXMP(guid string, chunks []extendedChunk) []byte {
	var mine []extendedChunk
	for _, c := range chunks {
		if strings.EqualFold(c.guid, guid) {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	slices.SortFunc(mine, func(a, b extendedChunk) int { return cmp.Compare(a.offset, b.offset) })
	total, have := mine[0].total, 0
	if total > maxExtendedXMP {
		return nil
	}
	for _, c := range mine {
		have += len(c.data)
	}
	if have != int(total) { // checked before any memory is given to the claim
		return nil
	}
	packet := make([]byte, 0, total)
	for _, c := range mine {
		if c.total != total || c.offset != uint32(len(packet)) || uint64(len(packet))+uint64(len(c.data)) > uint64(total) {
			return nil
		}
		packet = append(packet, c.data...)
	}
	sum := md5.Sum(packet)
	if uint32(len(packet)) != total || !strings.EqualFold(hex.EncodeToString(sum[:]), guid) {
		return nil
	}
	return packet
}

// readPNGMetadata walks a PNG's chunks. XMP is an iTXt chunk (some
// writers use tEXt or zTXt) with the keyword "XML:com.adobe.xmp"; EXIF is
// the eXIf chunk. Chunk data is sliced, never copied, so a chunk claiming
// more bytes than the file has costs nothing.
func readPNGMetadata(data []byte, s *sources) {
	seenXMP, seenExif := false, false
	for i := 8; i+12 <= len(data); {
		n := binary.BigEndian.Uint32(data[i:])
		typ := string(data[i+4 : i+8])
		if uint64(n) > uint64(len(data)-i-12) {
			break
		}
		body := data[i+8 : i+8+int(n)]
		i += 12 + int(n)
		switch typ {
		case "iTXt", "tEXt", "zTXt":
			if !seenXMP {
				if packet, ok := pngXMP(typ, body); ok {
					seenXMP = true
					s.xmp = parseXMP(packet)
				}
			}
		case "eXIf":
			if !seenExif {
				seenExif = true
				s.hasGPS = exifHasGPS(bytes.TrimPrefix(body, []byte("Exif\x00\x00")))
			}
		case "IEND":
			return
		}
	}
}

// pngXMP returns the XMP packet held by a PNG text chunk, inflating it
// (up to maxXMPBytes) when the chunk is compressed, and whether the chunk
// held XMP at all.
func pngXMP(typ string, body []byte) ([]byte, bool) {
	const key = "XML:com.adobe.xmp\x00"
	if !bytes.HasPrefix(body, []byte(key)) {
		return nil, false
	}
	rest := body[len(key):]
	compressed := false
	switch typ {
	case "tEXt":
	case "zTXt": // compression method, then zlib data
		if len(rest) < 1 {
			return nil, true
		}
		rest, compressed = rest[1:], true
	case "iTXt": // flag, method, language, translated keyword, text
		if len(rest) < 2 {
			return nil, true
		}
		compressed = rest[0] == 1
		rest = rest[2:]
		for range 2 {
			z := bytes.IndexByte(rest, 0)
			if z < 0 {
				return nil, true
			}
			rest = rest[z+1:]
		}
	}
	if !compressed {
		return rest[:min(len(rest), maxXMPBytes)], true
	}
	zr, err := zlib.NewReader(bytes.NewReader(rest))
	if err != nil {
		return nil, true
	}
	defer zr.Close()
	// A damaged stream still yields what came before the damage.
	out, _ := io.ReadAll(io.LimitReader(zr, maxXMPBytes))
	return out, true
}

// readWebPMetadata walks the chunks of a WebP's RIFF container for the
// "XMP " and "EXIF" chunks of the extended format.
func readWebPMetadata(data []byte, s *sources) {
	seenXMP, seenExif := false, false
	for i := 12; i+8 <= len(data); {
		id := string(data[i : i+4])
		n := binary.LittleEndian.Uint32(data[i+4:])
		if uint64(n) > uint64(len(data)-i-8) {
			break
		}
		body := data[i+8 : i+8+int(n)]
		i += 8 + int(n) + int(n&1) // chunks are padded to an even length
		switch id {
		case "XMP ":
			if !seenXMP {
				seenXMP = true
				s.xmp = parseXMP(body[:min(len(body), maxXMPBytes)])
			}
		case "EXIF":
			if !seenExif {
				seenExif = true
				s.hasGPS = exifHasGPS(bytes.TrimPrefix(body, []byte("Exif\x00\x00")))
			}
		}
	}
}

// exifHasGPS reports whether a TIFF structure (the body of an EXIF block)
// points from IFD0 to a GPS IFD (tag 0x8825) that holds a latitude or a
// longitude with a readable value. Phones with location turned off often
// write a GPS IFD with only a version number; that is not a position.
func exifHasGPS(t []byte) bool {
	order, ok := tiffOrder(t)
	if !ok {
		return false
	}
	gps, ok := ifdEntry(t, order, order.Uint32(t[4:]), 0x8825)
	if !ok {
		return false
	}
	if typ := order.Uint16(gps[2:]); typ != 4 && typ != 13 { // LONG or IFD
		return false
	}
	gpsIFD := order.Uint32(gps[8:])
	for _, tag := range []uint16{0x0002, 0x0004} { // GPSLatitude, GPSLongitude
		if e, ok := ifdEntry(t, order, gpsIFD, tag); ok && rationalsReadable(t, order, e) {
			return true
		}
	}
	return false
}

// ifdEntry finds the 12-byte entry for tag in the IFD at offset off.
func ifdEntry(t []byte, order binary.ByteOrder, off uint32, tag uint16) ([]byte, bool) {
	if uint64(off)+2 > uint64(len(t)) {
		return nil, false
	}
	n := int(order.Uint16(t[off:]))
	for k := 0; k < n; k++ {
		e := uint64(off) + 2 + 12*uint64(k)
		if e+12 > uint64(len(t)) {
			return nil, false
		}
		if order.Uint16(t[e:]) == tag {
			return t[e : e+12], true
		}
	}
	return nil, false
}

// rationalsReadable reports whether an IFD entry holds (S)RATIONAL values
// that lie within the block, at least one of them with a non-zero
// denominator (cameras without a fix write 0/0).
func rationalsReadable(t []byte, order binary.ByteOrder, e []byte) bool {
	typ, count := order.Uint16(e[2:]), order.Uint32(e[4:])
	if typ != 5 && typ != 10 || count == 0 {
		return false
	}
	off := uint64(order.Uint32(e[8:])) // 8 bytes a value: never inline
	count = min(count, 3)
	if off+8*uint64(count) > uint64(len(t)) {
		return false
	}
	for k := uint64(0); k < uint64(count); k++ {
		if order.Uint32(t[off+8*k+4:]) != 0 {
			return true
		}
	}
	return false
}
