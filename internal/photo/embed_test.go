package photo

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"app.galley/galley/internal/fixture"
)

// segment is one marker segment of a JPEG's headers.
type segment struct {
	marker  byte
	payload []byte
}

// headers lists a JPEG's marker segments up to its image data, failing
// the test if they cannot be walked: every length must hold.
func headers(t *testing.T, data []byte) []segment {
	t.Helper()
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		t.Fatal("not a JPEG")
	}
	var segs []segment
	for i := 2; ; {
		if i+2 > len(data) || data[i] != 0xFF {
			t.Fatalf("headers broken at %d", i)
		}
		marker := data[i+1]
		if marker == 0xDA {
			return segs
		}
		if i+4 > len(data) {
			t.Fatalf("headers cut at %d", i)
		}
		size := int(binary.BigEndian.Uint16(data[i+2:]))
		if size < 2 || i+2+size > len(data) {
			t.Fatalf("segment %X at %d claims %d bytes", marker, i, size)
		}
		segs = append(segs, segment{marker, data[i+4 : i+2+size]})
		i += 2 + size
	}
}

// withoutSegments returns a JPEG without its segments for which drop is
// true.
func withoutSegments(t *testing.T, data []byte, drop func(segment) bool) []byte {
	t.Helper()
	out := []byte{0xFF, 0xD8}
	i := 2
	for _, s := range headers(t, data) {
		n := 4 + len(s.payload)
		if !drop(s) {
			out = append(out, data[i:i+n]...)
		}
		i += n
	}
	return append(out, data[i:]...)
}

func isXMP(s segment) bool {
	return s.marker == 0xE1 && bytes.HasPrefix(s.payload, []byte(jpegXMPHeader))
}

func isIPTC(s segment) bool {
	return s.marker == 0xED && bytes.HasPrefix(s.payload, []byte(jpegPSHeader))
}

// tricky has every field, with what XML and IIM must escape or encode.
var tricky = Metadata{
	Caption:     "Zoë & “Ångström” <b>say</b> \"hi\" & 'bye' in Kraków.\nSecond line: 5 > 3 & 2 < 4.",
	Credit:      "Ann Lee/Agence & Co",
	Byline:      "Ann Lee",
	AltText:     "Two people <shaking> hands, one in a \"red\" coat & hat.",
	Copyright:   "© 2024 Agence & Co",
	City:        "Kraków",
	Country:     "Polska",
	DateCreated: "2024-03-05",
	Keywords:    []string{"peace & talks", "<summit>", "Kraków"},
}

func TestEmbedJPEGRoundTrip(t *testing.T) {
	src := fixture.JPEG(64, 48, 1)
	out, err := EmbedJPEG(src, tricky)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadMetadata(out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tricky) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, tricky)
	}

	// The XMP alone, and the IPTC alone, each carry the words.
	xmpOnly := withoutSegments(t, out, isIPTC)
	if got, _ := ReadMetadata(xmpOnly); !reflect.DeepEqual(got, tricky) {
		t.Errorf("from the XMP alone\n%+v\nwant\n%+v", got, tricky)
	}
	iptcOnly := withoutSegments(t, out, isXMP)
	want := tricky
	want.AltText = "" // IIM has no alt text
	if got, _ := ReadMetadata(iptcOnly); !reflect.DeepEqual(got, want) {
		t.Errorf("from the IPTC alone\n%+v\nwant\n%+v", got, want)
	}

	// The packet is well-formed XML, escaped where it must be.
	var packet []byte
	for _, s := range headers(t, out) {
		if isXMP(s) {
			packet = s.payload[len(jpegXMPHeader):]
		}
	}
	if err := wellFormed(packet); err != nil {
		t.Errorf("packet is not well-formed: %v\n%s", err, packet)
	}
	if bytes.Contains(packet, []byte("<b>")) || bytes.Contains(packet, []byte("<summit>")) {
		t.Errorf("markup in a value was not escaped:\n%s", packet)
	}

	// The picture is the same picture.
	a, err := jpeg.Decode(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the output does not decode: %v", err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("the pixels changed")
	}

	again, _ := EmbedJPEG(src, tricky)
	if !bytes.Equal(out, again) {
		t.Error("two embeddings of the same words differ")
	}
	if !bytes.Equal(src, fixture.JPEG(64, 48, 1)) {
		t.Error("the input was modified")
	}
}

func wellFormed(packet []byte) error {
	d := xml.NewDecoder(bytes.NewReader(packet))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func TestEmbedJPEGLeavesEmptyFieldsOut(t *testing.T) {
	src := fixture.JPEG(32, 24, 2)
	out, err := EmbedJPEG(src, Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, src) {
		t.Error("no words should add no segment to a bare JPEG")
	}

	out, err = EmbedJPEG(src, Metadata{Credit: "AP", Caption: "  ", Keywords: []string{"", " "}, HasGPS: true})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := ReadMetadata(out)
	if want := (Metadata{Credit: "AP"}); !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	for _, s := range headers(t, out) {
		if isXMP(s) {
			for _, prop := range []string{"description", "creator", "rights", "subject", "AltText", "City", "DateCreated"} {
				if bytes.Contains(s.payload, []byte(prop)) {
					t.Errorf("empty %s written", prop)
				}
			}
		}
	}
}

func TestEmbedJPEGDates(t *testing.T) {
	src := fixture.JPEG(16, 16, 3)
	for _, c := range []struct{ date, want, iim string }{
		{"2024-03-05", "2024-03-05", "20240305"},
		{"2024", "2024", ""},   // XMP takes a year; IIM 2:55 wants a whole date
		{"about 1990", "", ""}, // neither takes free text
		{"2024-02-30", "", ""}, // not a date
		{" 2021-12-31 ", "2021-12-31", "20211231"},
	} {
		out, err := EmbedJPEG(src, Metadata{DateCreated: c.date})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := ReadMetadata(out); got.DateCreated != c.want {
			t.Errorf("%q read back as %q, want %q", c.date, got.DateCreated, c.want)
		}
		iim := ""
		for _, s := range headers(t, out) {
			if isIPTC(s) {
				iim = parseIIM(iptcFromIRB(s.payload[len(jpegPSHeader):])).dateCreated
			}
		}
		if iim != c.iim {
			t.Errorf("%q written to IIM as %q, want %q", c.date, iim, c.iim)
		}
	}
}

func TestEmbedJPEGRemovesEveryOtherMetadata(t *testing.T) {
	jpg := fixture.JPEG(40, 30, 4)
	jfif := append([]byte("JFIF\x00\x01\x01\x00"), 0, 1, 0, 1, 0, 0)
	src := fixture.AddJPEGExif(jpg, fixture.Exif(false, fixture.GPSPosition))
	src = fixture.AddJPEGXMP(src, fixture.XMPPacket(`<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"
		exif:GPSLatitude="60,10.2N" photoshop:City="Old city"/>`))
	src = fixture.AddJPEGIPTC(src, fixture.IIM{Record: 2, Dataset: 120, Value: "Old caption"})
	src = fixture.AddJPEGSegment(src, 0xFE, []byte("a comment from the camera"))
	src = fixture.AddJPEGSegment(src, 0xE2, []byte("ICC_PROFILE\x00\x01\x01fake profile"))
	src = fixture.AddJPEGSegment(src, 0xEC, []byte("Ducky\x00GalleyCam"))
	src = fixture.AddJPEGSegment(src, 0xE0, jfif)
	before, _ := ReadMetadata(src)
	if !before.HasGPS || before.Caption != "Old caption" {
		t.Fatalf("fixture: %+v", before)
	}

	out, err := EmbedJPEG(src, Metadata{Caption: "New caption"})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := ReadMetadata(out)
	if want := (Metadata{Caption: "New caption"}); !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	for _, s := range []string{"GalleyCam", "Exif", "Old", "comment"} {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("%q is still in the file", s)
		}
	}
	var markers []byte
	for _, s := range headers(t, out) {
		if s.marker >= 0xE0 {
			markers = append(markers, s.marker)
		}
	}
	// JFIF first, then the new XMP and IPTC, then the colour profile.
	if want := []byte{0xE0, 0xE1, 0xED, 0xE2}; !bytes.Equal(markers, want) {
		t.Errorf("segments % X, want % X", markers, want)
	}
	if !bytes.HasPrefix(headers(t, out)[0].payload, []byte("JFIF")) {
		t.Error("JFIF is not first")
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Errorf("the output does not decode: %v", err)
	}
}

func TestEmbedJPEGKeepsWithinSegmentLimits(t *testing.T) {
	long := strings.Repeat("é&<", 40000) // 160 KB raw, more escaped
	var keywords []string
	for i := range 100 {
		keywords = append(keywords, strings.Repeat(string(rune('a'+i%26)), 2000))
	}
	m := Metadata{
		Caption: long, Credit: strings.Repeat("Ünïcode credit ", 10), Byline: strings.Repeat("ß", 100),
		AltText: strings.Repeat("alt ", 5000), Copyright: strings.Repeat("©", 200), City: "Łódź",
		Country: strings.Repeat("Ö", 50), DateCreated: "2024-01-02", Keywords: keywords,
	}
	out, err := EmbedJPEG(fixture.JPEG(32, 32, 5), m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("the output does not decode: %v", err)
	}
	sawXMP, sawIPTC := false, false
	for _, s := range headers(t, out) { // fails on any invalid length
		switch {
		case isXMP(s):
			sawXMP = true
			packet := s.payload[len(jpegXMPHeader):]
			if len(packet) > MaxEmbeddedXMP {
				t.Errorf("packet of %d bytes", len(packet))
			}
			if len(packet) < MaxEmbeddedXMP-200 {
				t.Errorf("packet of %d bytes: cut more than needed", len(packet))
			}
			if err := wellFormed(packet); err != nil {
				t.Errorf("cut packet is not well-formed: %v", err)
			}
			if !utf8.Valid(packet) {
				t.Error("cut inside a character")
			}
		case isIPTC(s):
			sawIPTC = true
			f := parseIIM(iptcFromIRB(s.payload[len(jpegPSHeader):]))
			for name, c := range map[string]struct {
				v     string
				limit int
			}{
				"caption": {f.caption, 2000}, "credit": {f.credit, 32}, "by-line": {strings.Join(f.byline, ""), 32},
				"copyright": {f.copyright, 128}, "city": {f.city, 32}, "country": {f.country, 64},
			} {
				if len(c.v) == 0 || len(c.v) > c.limit || !utf8.ValidString(c.v) {
					t.Errorf("IIM %s is %d bytes (limit %d), valid UTF-8 %v", name, len(c.v), c.limit, utf8.ValidString(c.v))
				}
			}
			if len(f.keywords) != 100 || len(f.keywords[0]) != 64 {
				t.Errorf("IIM keywords: %d, the first %d bytes", len(f.keywords), len(f.keywords[0]))
			}
		}
	}
	if !sawXMP || !sawIPTC {
		t.Fatalf("XMP %v, IPTC %v", sawXMP, sawIPTC)
	}
	got, _ := ReadMetadata(out)
	// The longest values were cut; the short ones are whole.
	if got.City != "Łódź" || got.DateCreated != "2024-01-02" || got.Credit != strings.TrimSpace(m.Credit) || got.Byline != m.Byline {
		t.Errorf("short fields damaged: %+v", got)
	}
	if got.Caption == "" || !strings.HasPrefix(long, got.Caption) {
		t.Errorf("caption %.40q… is not a prefix of the original", got.Caption)
	}

	// A caption alone, over the limit.
	out, err = EmbedJPEG(fixture.JPEG(32, 32, 5), Metadata{Caption: strings.Repeat("x", 70000)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range headers(t, out) {
		if isXMP(s) && len(s.payload) != maxSegmentPayload {
			t.Errorf("one long caption fills %d bytes of the segment, want all %d", len(s.payload), maxSegmentPayload)
		}
	}
}

func TestEmbedJPEGRefusesWhatIsNotAJPEG(t *testing.T) {
	jpg := fixture.JPEG(16, 16, 6)
	for name, data := range map[string][]byte{
		"empty":            nil,
		"png":              fixture.PNG(8, 8, 1),
		"headers cut":      jpg[:20],
		"no image data":    {0xFF, 0xD8, 0xFF, 0xD9},
		"length past end":  append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xF0}, jpg[2:100]...),
		"garbage for mark": append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x04, 1, 2, 0x42}, jpg[2:]...),
	} {
		if _, err := EmbedJPEG(data, tricky); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := CopyMetadataJPEG(jpg, data); err == nil {
			t.Errorf("%s as rendition: no error", name)
		}
	}
}

func TestCopyMetadataJPEGKeepsTheOriginals(t *testing.T) {
	original := fixture.JPEGWithExif(60, 40, 7, 6, "GalleyCam 3000") // orientation 6, GPS
	original = fixture.AddJPEGXMP(original, fixture.XMPPacket(`<rdf:Description rdf:about="" photoshop:Credit="Kadri Tamm/Postimees"/>`))
	original = fixture.AddJPEGIPTC(original, fixture.IIM{Record: 2, Dataset: 120, Value: "Protesters in Tartu."})
	rendition, err := EmbedJPEG(fixture.JPEG(40, 60, 8), Metadata{Caption: "Rendition's own"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := CopyMetadataJPEG(original, rendition)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := ReadMetadata(out)
	if !got.HasGPS || got.Caption != "Protesters in Tartu." || got.Credit != "Kadri Tamm/Postimees" {
		t.Errorf("copied metadata reads %+v", got)
	}
	if !bytes.Contains(out, []byte("GalleyCam 3000")) {
		t.Error("the camera's EXIF was not copied")
	}
	if bytes.Contains(out, []byte("Rendition's own")) {
		t.Error("the rendition's own metadata is still there")
	}
	if o := Orientation(out); o != 1 {
		t.Errorf("orientation %d: the upright rendition would be turned again", o)
	}
	if Orientation(original) != 6 {
		t.Error("the original was modified")
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the output does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 40 || b.Dy() != 60 {
		t.Errorf("decoded as %v", b)
	}
	var markers []byte
	for _, s := range headers(t, out) {
		if s.marker >= 0xE0 {
			markers = append(markers, s.marker)
		}
	}
	if want := []byte{0xE1, 0xE1, 0xED}; !bytes.Equal(markers, want) {
		t.Errorf("segments % X, want EXIF, XMP, IPTC: % X", markers, want)
	}

	// Nothing to copy from a PNG: the rendition is bare.
	out, err = CopyMetadataJPEG(fixture.PNG(20, 20, 1), rendition)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ReadMetadata(out); !reflect.DeepEqual(got, Metadata{}) {
		t.Errorf("from a PNG original: %+v", got)
	}
	// Damaged metadata: what comes before the damage is copied.
	withExif := fixture.AddJPEGExif(fixture.JPEG(8, 8, 1), fixture.Exif(true, fixture.GPSPosition))
	exifEnd := 4 + int(binary.BigEndian.Uint16(withExif[4:]))
	damaged := append(bytes.Clone(withExif[:exifEnd]), 0xFF, 0xED, 0xFF, 0xFF, 1, 2, 3) // a length past the end
	out, err = CopyMetadataJPEG(damaged, rendition)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ReadMetadata(out); !got.HasGPS {
		t.Error("the EXIF before the damage was not copied")
	}
}

func TestEmbedPNG(t *testing.T) {
	src := fixture.PNG(30, 20, 3)
	src = fixture.AddPNGXMP(src, fixture.XMPPacket(`<rdf:Description rdf:about="" photoshop:Credit="Old credit"/>`), true)
	src = fixture.AddPNGExif(src, fixture.Exif(false, fixture.GPSPosition))
	if m, _ := ReadMetadata(src); !m.HasGPS || m.Credit != "Old credit" {
		t.Fatalf("fixture: %+v", m)
	}
	out, err := EmbedPNG(src, tricky)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := ReadMetadata(out)
	if !reflect.DeepEqual(got, tricky) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, tricky)
	}
	a, _ := png.Decode(bytes.NewReader(src))
	b, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the output does not decode (a CRC is wrong?): %v", err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("the pixels changed")
	}
	bare, _ := EmbedPNG(src, Metadata{})
	if got, _ := ReadMetadata(bare); !reflect.DeepEqual(got, Metadata{}) {
		t.Errorf("no words: %+v", got)
	}
	if plain := fixture.PNG(30, 20, 3); !bytes.Equal(must(EmbedPNG(plain, Metadata{})), plain) {
		t.Error("no words should leave a bare PNG as it is")
	}
	for name, data := range map[string][]byte{"jpeg": fixture.JPEG(8, 8, 1), "cut": src[:40], "empty": nil} {
		if _, err := EmbedPNG(data, tricky); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, _, err := image.Decode(bytes.NewReader(out)); err != nil {
		t.Error(err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzEmbed checks, for any file and any words: that EmbedJPEG,
// EmbedPNG and CopyMetadataJPEG never panic; that a JPEG EmbedJPEG
// accepts comes out with headers whose every length holds, a well-formed
// XMP packet within MaxEmbeddedXMP, and no GPS position whatever the
// input carried; and that copying any file's metadata into a good
// rendition gives a JPEG that still decodes.
func FuzzEmbed(f *testing.F) {
	jpg := fixture.JPEG(16, 8, 4)
	f.Add(jpg, "A caption & <more>", "keyword")
	f.Add(fixture.AddJPEGExif(jpg, fixture.Exif(false, fixture.GPSPosition)), "\x00\r\n\t\xff", "")
	f.Add(fixture.AddJPEGIPTC(fixture.AddJPEGXMP(jpg, fullXMP), fullIPTC...), "", "")
	f.Add(fixture.JPEGWithExif(6, 4, 3, 6, "Cam"), "é", "ü")
	f.Add(fixture.PNG(8, 8, 1), "chart", "")
	f.Add(fixture.AddPNGExif(fixture.PNG(8, 8, 1), fixture.Exif(true, fixture.GPSPosition)), "", "x")
	f.Add(jpg[:len(jpg)/2], "cut", "")
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xE1, 0x00, 0x02, 0xFF, 0xDA}, "", "")
	rendition := fixture.JPEG(8, 8, 5)
	f.Fuzz(func(t *testing.T, data []byte, caption, keyword string) {
		m := Metadata{Caption: caption, Credit: caption, AltText: keyword, Keywords: []string{keyword, caption}, DateCreated: keyword}
		if out, err := EmbedJPEG(data, m); err == nil {
			for _, s := range headers(t, out) {
				if isXMP(s) {
					packet := s.payload[len(jpegXMPHeader):]
					if len(packet) > MaxEmbeddedXMP {
						t.Errorf("packet of %d bytes", len(packet))
					}
					if err := wellFormed(packet); err != nil {
						t.Errorf("packet not well-formed: %v", err)
					}
				}
			}
			if got, err := ReadMetadata(out); err != nil || got.HasGPS {
				t.Errorf("ReadMetadata = %+v, %v", got, err)
			}
		}
		if out, err := EmbedPNG(data, m); err == nil {
			if got, err := ReadMetadata(out); err != nil || got.HasGPS {
				t.Errorf("PNG: ReadMetadata = %+v, %v", got, err)
			}
		}
		out, err := CopyMetadataJPEG(data, rendition)
		if err != nil {
			t.Fatalf("copying into a good rendition: %v", err)
		}
		headers(t, out)
		if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
			t.Errorf("the rendition no longer decodes: %v", err)
		}
		CopyMetadataJPEG(rendition, data)
	})
}

func TestEmbedJPEGDropsKeywordsThatCannotFit(t *testing.T) {
	var keywords []string
	for i := range 20000 {
		keywords = append(keywords, string(rune('a'+i%26))+"x")
	}
	out, err := EmbedJPEG(fixture.JPEG(8, 8, 1), Metadata{Caption: "Kept whole.", Keywords: keywords})
	if err != nil {
		t.Fatal(err)
	}
	headers(t, out)
	got, _ := ReadMetadata(out)
	if got.Caption != "Kept whole." || len(got.Keywords) == 0 {
		t.Errorf("read back caption %q and %d keywords", got.Caption, len(got.Keywords))
	}
}
