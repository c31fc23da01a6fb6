package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// desc is a top-level rdf:Description holding the given properties.
func desc(props string) string {
	return `<rdf:Description rdf:about="">` + props + `</rdf:Description>`
}

// fullXMP is what an agency's XMP usually carries.
var fullXMP = fixture.XMPPacket(desc(`
	<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Protesters fill the square in Tartu.</rdf:li></rdf:Alt></dc:description>
	<photoshop:Credit>Kadri Tamm/Postimees</photoshop:Credit>
	<dc:creator><rdf:Seq><rdf:li>Kadri Tamm</rdf:li></rdf:Seq></dc:creator>
	<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default">A crowd with banners in a cobbled square.</rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility>
	<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2024 Postimees</rdf:li></rdf:Alt></dc:rights>
	<photoshop:City>Tartu</photoshop:City>
	<photoshop:Country>Estonia</photoshop:Country>
	<photoshop:DateCreated>2024-03-05T14:30:00+02:00</photoshop:DateCreated>
	<dc:subject><rdf:Bag><rdf:li>protest</rdf:li><rdf:li>Tartu</rdf:li></rdf:Bag></dc:subject>`))

var fullXMPMeta = Metadata{
	Caption: "Protesters fill the square in Tartu.", Credit: "Kadri Tamm/Postimees", Byline: "Kadri Tamm",
	AltText: "A crowd with banners in a cobbled square.", Copyright: "© 2024 Postimees", City: "Tartu", Country: "Estonia",
	DateCreated: "2024-03-05", Keywords: []string{"protest", "Tartu"},
}

// utf8IPTC declares UTF-8 (1:90 ESC % G), as current tools write it.
var utf8IPTC = fixture.IIM{Record: 1, Dataset: 90, Value: "\x1b%G"}

var fullIPTC = []fixture.IIM{
	utf8IPTC,
	{Record: 2, Dataset: 0, Value: "\x00\x04"}, // record version
	{Record: 2, Dataset: 120, Value: "Ministers arrive for the summit."},
	{Record: 2, Dataset: 110, Value: "AFP"},
	{Record: 2, Dataset: 80, Value: "Jean Dupont"},
	{Record: 2, Dataset: 116, Value: "AFP 2023"},
	{Record: 2, Dataset: 55, Value: "20231130"},
	{Record: 2, Dataset: 90, Value: "Brussels"},
	{Record: 2, Dataset: 101, Value: "Belgium"},
	{Record: 2, Dataset: 25, Value: "politics"},
	{Record: 2, Dataset: 25, Value: "EU"},
	{Record: 2, Dataset: 25, Value: "summit"},
}

var fullIPTCMeta = Metadata{
	Caption: "Ministers arrive for the summit.", Credit: "AFP", Byline: "Jean Dupont", Copyright: "AFP 2023",
	City: "Brussels", Country: "Belgium", DateCreated: "2023-11-30", Keywords: []string{"politics", "EU", "summit"},
}

func TestReadMetadata(t *testing.T) {
	jpg := fixture.JPEG(32, 24, 1)
	png := fixture.PNG(20, 10, 2)
	caption := func(v string) fixture.IIM { return fixture.IIM{Record: 2, Dataset: 120, Value: v} }
	manyKeywords := make([]fixture.IIM, 0, 150)
	var wantKeywords []string
	for i := range 150 {
		k := "keyword " + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		manyKeywords = append(manyKeywords, fixture.IIM{Record: 2, Dataset: 25, Value: k})
		if i < MaxMetadataKeywords {
			wantKeywords = append(wantKeywords, k)
		}
	}
	long := strings.Repeat("é", 3000)

	for _, c := range []struct {
		name string
		data []byte
		want Metadata
	}{
		{"no metadata", jpg, Metadata{}},
		{"no metadata png", png, Metadata{}},
		{"no metadata webp", fixture.WebP(8, 8, 1), Metadata{}},
		{"IPTC only", fixture.AddJPEGIPTC(jpg, fullIPTC...), fullIPTCMeta},
		{"XMP only", fixture.AddJPEGXMP(jpg, fullXMP), fullXMPMeta},
		{"XMP and IPTC: XMP wins", fixture.AddJPEGIPTC(fixture.AddJPEGXMP(jpg, fullXMP), fullIPTC...), fullXMPMeta},
		{"XMP and IPTC: each field falls back on its own",
			fixture.AddJPEGIPTC(fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<photoshop:City>Tartu</photoshop:City>`))), fullIPTC...),
			Metadata{Caption: "Ministers arrive for the summit.", Credit: "AFP", Byline: "Jean Dupont", Copyright: "AFP 2023",
				City: "Tartu", Country: "Belgium", DateCreated: "2023-11-30", Keywords: []string{"politics", "EU", "summit"}}},
		{"an empty XMP value gives way to IPTC",
			fixture.AddJPEGIPTC(fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default"> </rdf:li></rdf:Alt></dc:description>`))), caption("From IPTC")),
			Metadata{Caption: "From IPTC"}},
		{"credit falls back to the XMP by-line",
			fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<dc:creator><rdf:Seq><rdf:li>Ann Lee</rdf:li><rdf:li>Bo Chen</rdf:li></rdf:Seq></dc:creator>`))),
			Metadata{Credit: "Ann Lee, Bo Chen", Byline: "Ann Lee, Bo Chen"}},
		{"credit falls back to the IPTC by-line",
			fixture.AddJPEGIPTC(jpg, fixture.IIM{Record: 2, Dataset: 80, Value: "Ann Lee"}, fixture.IIM{Record: 2, Dataset: 80, Value: " "},
				fixture.IIM{Record: 2, Dataset: 80, Value: "Bo Chen"}, fixture.IIM{Record: 2, Dataset: 80, Value: "Ann Lee"}),
			Metadata{Credit: "Ann Lee, Bo Chen", Byline: "Ann Lee, Bo Chen"}},
		{"IPTC credit comes before the XMP by-line",
			fixture.AddJPEGIPTC(fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<dc:creator><rdf:Seq><rdf:li>Ann Lee</rdf:li></rdf:Seq></dc:creator>`))),
				fixture.IIM{Record: 2, Dataset: 110, Value: "Reuters"}),
			Metadata{Credit: "Reuters", Byline: "Ann Lee"}},
		{"Latin-1 IPTC",
			fixture.AddJPEGIPTC(jpg, caption("Caf\xe9 in Gen\xe8ve, \x93quoted\x94 \x96 "+"na\xefve"),
				fixture.IIM{Record: 2, Dataset: 80, Value: "J\xfcrgen M\xfcller"}),
			Metadata{Caption: "Café in Genève, “quoted” – naïve", Credit: "Jürgen Müller", Byline: "Jürgen Müller"}},
		{"UTF-8 IPTC, declared", fixture.AddJPEGIPTC(jpg, utf8IPTC, caption("Zoë Ångström in Kraków")), Metadata{Caption: "Zoë Ångström in Kraków"}},
		{"UTF-8 IPTC, undeclared", fixture.AddJPEGIPTC(jpg, caption("Zoë in Kraków")), Metadata{Caption: "Zoë in Kraków"}},
		{"declared UTF-8 that is not repairs rather than guesses",
			fixture.AddJPEGIPTC(jpg, utf8IPTC, caption("Caf\xe9")), Metadata{Caption: "Caf\uFFFD"}},
		{"rdf:Alt picks x-default among languages",
			fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<dc:description><rdf:Alt>
				<rdf:li xml:lang="fr">Des manifestants</rdf:li>
				<rdf:li xml:lang="x-default">Protesters</rdf:li>
				<rdf:li xml:lang="de">Demonstranten</rdf:li></rdf:Alt></dc:description>`))),
			Metadata{Caption: "Protesters"}},
		{"rdf:Alt without x-default picks the first",
			fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<dc:description><rdf:Alt>
				<rdf:li xml:lang="fr">Des manifestants</rdf:li>
				<rdf:li xml:lang="en">Protesters</rdf:li></rdf:Alt></dc:description>`))),
			Metadata{Caption: "Des manifestants"}},
		{"attributes form, namespaces declared on the description",
			fixture.AddJPEGXMP(jpg, fixture.XMPPacket(`<rdf:Description rdf:about="" xmlns:ps="http://ns.adobe.com/photoshop/1.0/"
				ps:Credit="Ann Lee/Galley" ps:City="Lyon" ps:Country="France" ps:DateCreated="2022-07-14"/>`)),
			Metadata{Credit: "Ann Lee/Galley", City: "Lyon", Country: "France", DateCreated: "2022-07-14"}},
		{"properties split over several descriptions",
			fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<photoshop:City>Lyon</photoshop:City>`)+
				`<rdf:Description rdf:about="" photoshop:Credit="AP"/>`+
				desc(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Fireworks</rdf:li></rdf:Alt></dc:description>`))),
			Metadata{Caption: "Fireworks", Credit: "AP", City: "Lyon"}},
		{"a structure's fields are not the photo's",
			fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<Iptc4xmpCore:CreatorContactInfo rdf:parseType="Resource">
				<photoshop:City>Not this</photoshop:City></Iptc4xmpCore:CreatorContactInfo>
				<xmpMM:History xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"><rdf:Seq><rdf:li>
				<rdf:Description photoshop:Credit="Nor this"/></rdf:li></rdf:Seq></xmpMM:History>`))),
			Metadata{}},
		{"keywords from an XMP bag, without repeats or blanks",
			fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<dc:subject><rdf:Bag>
				<rdf:li>elections</rdf:li><rdf:li> </rdf:li><rdf:li>Elections</rdf:li><rdf:li>Riga</rdf:li></rdf:Bag></dc:subject>`))),
			Metadata{Keywords: []string{"elections", "Riga"}}},
		{"keywords from repeated IPTC 2:25",
			fixture.AddJPEGIPTC(jpg, fixture.IIM{Record: 2, Dataset: 25, Value: "sport"}, fixture.IIM{Record: 2, Dataset: 25, Value: "Fu\xdfball"}),
			Metadata{Keywords: []string{"sport", "Fußball"}}},
		{"keywords capped", fixture.AddJPEGIPTC(jpg, manyKeywords...), Metadata{Keywords: wantKeywords}},
		{"a long caption is capped in runes",
			fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">`+long+`</rdf:li></rdf:Alt></dc:description>`))),
			Metadata{Caption: long[:2*MaxMetadataRunes]}},
		{"line breaks kept in captions, dropped from one-line fields",
			fixture.AddJPEGIPTC(jpg, caption("First line.\r\nSecond\tline.\x00"), fixture.IIM{Record: 2, Dataset: 110, Value: "Ann Lee\r\nGalley"}),
			Metadata{Caption: "First line.\nSecond line.", Credit: "Ann Lee Galley"}},
		{"dates", fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<photoshop:DateCreated>2024</photoshop:DateCreated>`))), Metadata{DateCreated: "2024"}},
		{"IPTC date with unknown day", fixture.AddJPEGIPTC(jpg, fixture.IIM{Record: 2, Dataset: 55, Value: "20240300"}), Metadata{DateCreated: "20240300"}},
		{"XMP date written as EXIF writes it", fixture.AddJPEGXMP(jpg, fixture.XMPPacket(desc(`<photoshop:DateCreated>2021:12:24 18:00:00</photoshop:DateCreated>`))), Metadata{DateCreated: "2021-12-24"}},
		{"a packet cut inside a property drops that property",
			fixture.AddJPEGXMP(jpg, strings.SplitAfter(fixture.XMPPacket(desc(`<photoshop:City>Oslo</photoshop:City>
				<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Half a caption</rdf:li></rdf:Alt></dc:description>`)), "Half a")[0]),
			Metadata{City: "Oslo"}},
		{"undeclared prefixes", fixture.AddJPEGXMP(jpg, `<x:xmpmeta><rdf:RDF><rdf:Description><photoshop:Credit>AP</photoshop:Credit></rdf:Description></rdf:RDF></x:xmpmeta>`), Metadata{Credit: "AP"}},
		{"an XML error keeps what came before it",
			fixture.AddJPEGXMP(jpg, strings.Replace(fixture.XMPPacket(desc(`<photoshop:City>Oslo</photoshop:City><photoshop:Country>Norway</photoshop:Country>`)), "Norway", "Nor\x01way", 1)),
			Metadata{City: "Oslo"}},

		{"GPS in JPEG EXIF", fixture.AddJPEGExif(jpg, fixture.Exif(false, fixture.GPSPosition)), Metadata{HasGPS: true}},
		{"GPS in big-endian JPEG EXIF", fixture.AddJPEGExif(jpg, fixture.Exif(true, fixture.GPSPosition)), Metadata{HasGPS: true}},
		{"GPS in a camera's EXIF", fixture.JPEGWithExif(16, 16, 1, 6, "Cam"), Metadata{HasGPS: true}},
		{"GPS in XMP", fixture.AddJPEGXMP(jpg, fixture.XMPPacket(`<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="60,10.2N"/>`)), Metadata{HasGPS: true}},
		{"GPS in a PNG's XMP", fixture.AddPNGXMP(png, fixture.XMPPacket(desc(`<exif:GPSLongitude xmlns:exif="http://ns.adobe.com/exif/1.0/">24,56.5E</exif:GPSLongitude>`)), true), Metadata{HasGPS: true}},
		{"EXIF without GPS", fixture.AddJPEGExif(jpg, fixture.Exif(false, fixture.NoGPS)), Metadata{}},
		{"a GPS block without a position", fixture.AddJPEGExif(jpg, fixture.Exif(true, fixture.GPSVersionOnly)), Metadata{}},
		{"a GPS position of 0/0 is no fix", fixture.AddJPEGExif(jpg, fixture.Exif(false, fixture.GPSNoFix)), Metadata{}},

		{"PNG with XMP", fixture.AddPNGXMP(png, fullXMP, false), fullXMPMeta},
		{"PNG with compressed XMP", fixture.AddPNGXMP(png, fullXMP, true), fullXMPMeta},
		{"PNG with GPS", fixture.AddPNGExif(png, fixture.Exif(false, fixture.GPSPosition)), Metadata{HasGPS: true}},
		{"PNG with EXIF, no GPS", fixture.AddPNGExif(png, fixture.Exif(false, fixture.NoGPS)), Metadata{}},
		{"WebP with XMP and GPS", fixture.WebPWithMetadata(9, 7, 3, fullXMP, fixture.Exif(true, fixture.GPSPosition)),
			func() Metadata { m := fullXMPMeta; m.HasGPS = true; return m }()},
		{"WebP with XMP only", fixture.WebPWithMetadata(9, 7, 3, fullXMP, nil), fullXMPMeta},
	} {
		got, err := ReadMetadata(c.data)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", c.name, got, c.want)
		}
	}
}

// TestMetadataFixturesAreRealImages makes sure the files the metadata
// tests read are images every other part of Galley accepts, so the tests
// are about real files.
func TestMetadataFixturesAreRealImages(t *testing.T) {
	jpg := fixture.JPEG(32, 24, 1)
	png := fixture.PNG(20, 10, 2)
	for name, c := range map[string]struct {
		data []byte
		mime string
		w, h int
	}{
		"jpeg xmp":       {fixture.AddJPEGXMP(jpg, fullXMP), "image/jpeg", 32, 24},
		"jpeg iptc":      {fixture.AddJPEGIPTC(jpg, fullIPTC...), "image/jpeg", 32, 24},
		"jpeg exif":      {fixture.AddJPEGExif(jpg, fixture.Exif(true, fixture.GPSPosition)), "image/jpeg", 32, 24},
		"jpeg all":       {fixture.AddJPEGExif(fixture.AddJPEGIPTC(fixture.AddJPEGXMP(jpg, fullXMP), fullIPTC...), fixture.Exif(false, fixture.GPSPosition)), "image/jpeg", 32, 24},
		"png xmp":        {fixture.AddPNGXMP(png, fullXMP, false), "image/png", 20, 10},
		"png zxmp":       {fixture.AddPNGXMP(png, fullXMP, true), "image/png", 20, 10},
		"png exif":       {fixture.AddPNGExif(png, fixture.Exif(false, fixture.GPSPosition)), "image/png", 20, 10},
		"webp":           {fixture.WebP(7, 5, 3), "image/webp", 7, 5},
		"webp extended":  {fixture.WebPWithMetadata(300, 200, 2, fullXMP, fixture.Exif(false, fixture.GPSPosition)), "image/webp", 300, 200},
		"webp xmp alone": {fixture.WebPWithMetadata(1, 1, 4, fullXMP, nil), "image/webp", 1, 1},
	} {
		img, format, err := image.Decode(bytes.NewReader(c.data))
		if err != nil {
			t.Errorf("%s: does not decode: %v", name, err)
			continue
		}
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h || "image/"+format != c.mime {
			t.Errorf("%s: decodes as a %d × %d %s", name, b.Dx(), b.Dy(), format)
		}
		desc, err := Inspect(name, c.data)
		if err != nil || desc.MIME != c.mime || desc.Width != c.w || desc.Height != c.h {
			t.Errorf("%s: Inspect gave %+v, %v", name, desc, err)
		}
	}
	if a, b := fixture.WebP(4, 4, 1), fixture.WebP(4, 4, 2); bytes.Equal(a, b) {
		t.Error("WebP fixtures with different seeds are the same file")
	}
}

func TestReadMetadataRefusesWhatIsNotAnImage(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("Dear editor"), []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), {0xFF}, []byte("RIFF\x00\x00\x00\x00WAVE")} {
		m, err := ReadMetadata(data)
		if err == nil || galley.ErrorCode(err) != galley.EInvalid || !reflect.DeepEqual(m, Metadata{}) {
			t.Errorf("ReadMetadata(%q) = %#v, %v; want an invalid-input error", data, m, err)
		}
	}
}

func TestFillPhotoNeverOverwrites(t *testing.T) {
	m := Metadata{Caption: "From the file", Credit: "File credit", Byline: "File Photographer", AltText: "File alt",
		Copyright: "File ©", City: "Riga", Country: "Latvia", DateCreated: "2024-01-02", Keywords: []string{"a", "b"}, HasGPS: true}

	empty := galley.Photo{Caption: "  ", Lead: true}
	m.FillPhoto(&empty)
	want := galley.Photo{Caption: "From the file", Credit: "File credit", Alt: "File alt", Lead: true,
		Photographer: "File Photographer", Copyright: "File ©", DateCreated: "2024-01-02", City: "Riga", Country: "Latvia",
		Keywords: []string{"a", "b"}, Image: galley.Image{HasGPS: true}}
	if !reflect.DeepEqual(empty, want) {
		t.Errorf("an empty photo became\n%#v, want\n%#v", empty, want)
	}
	empty.Keywords[0] = "changed"
	if m.Keywords[0] != "a" {
		t.Error("the photo shares its keywords with the metadata")
	}

	typed := galley.Photo{Caption: "Typed caption", Credit: "Typed credit", Alt: "Typed alt", Photographer: "Typed",
		Copyright: "Typed ©", DateCreated: "1999", City: "Typed city", Country: "Typed country", Keywords: []string{"typed"}}
	before := typed
	before.Keywords = []string{"typed"}
	m.FillPhoto(&typed)
	before.Image.HasGPS = true
	if !reflect.DeepEqual(typed, before) {
		t.Errorf("typed values were overwritten:\n%#v", typed)
	}

	decorative := galley.Photo{Decorative: true}
	m.FillPhoto(&decorative)
	if decorative.Alt != "" || decorative.Caption != "From the file" {
		t.Errorf("a decorative photo got alt text %q (caption %q)", decorative.Alt, decorative.Caption)
	}

	noGPS := galley.Photo{Image: galley.Image{HasGPS: true}}
	Metadata{}.FillPhoto(&noGPS)
	if !noGPS.Image.HasGPS || !reflect.DeepEqual(noGPS, galley.Photo{Image: galley.Image{HasGPS: true}}) {
		t.Errorf("empty metadata changed a photo: %#v", noGPS)
	}
	m.FillPhoto(nil) // must not panic
}

// TestReadMetadataFilledPhotoIsValid checks that what the file gives
// passes the piece's own checks, however long or odd the file's values.
func TestReadMetadataFilledPhotoIsValid(t *testing.T) {
	long := strings.Repeat("Ωmega line\n", 1000)
	var iim []fixture.IIM
	for _, ds := range []byte{120, 110, 80, 116, 55, 90, 101} {
		iim = append(iim, fixture.IIM{Record: 2, Dataset: ds, Value: long})
	}
	for range 300 {
		iim = append(iim, fixture.IIM{Record: 2, Dataset: 25, Value: long + string(rune('A'+len(iim)%50))})
	}
	data := fixture.AddJPEGIPTC(fixture.JPEG(8, 8, 1), iim...)
	m, err := ReadMetadata(data)
	if err != nil {
		t.Fatal(err)
	}
	p := galley.Piece{Title: "T", Photos: []galley.Photo{{Data: data}}}
	m.FillPhoto(&p.Photos[0])
	if err := p.Validate(); err != nil {
		t.Errorf("a photo filled from its file is refused: %v", err)
	}
	if len(m.Keywords) == 0 || utf8.RuneCountInString(m.Caption) != MaxMetadataRunes-1 && utf8.RuneCountInString(m.Caption) != MaxMetadataRunes {
		t.Errorf("caption of %d runes, %d keywords", utf8.RuneCountInString(m.Caption), len(m.Keywords))
	}
}

// TestReadMetadataSurvivesDamage cuts and garbles files with metadata and
// checks that reading them never panics, never fails for a file that
// still starts as an image, and never claims what is not there.
func TestReadMetadataSurvivesDamage(t *testing.T) {
	jpg := fixture.JPEG(16, 16, 1)
	full := fixture.AddJPEGExif(fixture.AddJPEGIPTC(fixture.AddJPEGXMP(jpg, fullXMP), fullIPTC...), fixture.Exif(true, fixture.GPSPosition))
	files := [][]byte{
		full,
		fixture.AddPNGExif(fixture.AddPNGXMP(fixture.PNG(8, 8, 1), fullXMP, true), fixture.Exif(false, fixture.GPSPosition)),
		fixture.WebPWithMetadata(8, 8, 1, fullXMP, fixture.Exif(false, fixture.GPSPosition)),
	}
	for _, f := range files {
		for n := 2; n <= len(f); n++ {
			if n < len(f) && n > 12 && n%7 != 0 {
				continue // every cut near the start, a sample of the rest
			}
			m, err := ReadMetadata(f[:n])
			if err != nil && n >= 12 {
				t.Fatalf("a %d-byte cut of a %d-byte file: %v", n, len(f), err)
			}
			checkMetadata(t, m)
		}
		// Flip each byte of the metadata in turn.
		for i := 2; i < min(len(f), 4096); i++ {
			g := bytes.Clone(f)
			g[i] ^= 0xA5
			m, _ := ReadMetadata(g)
			checkMetadata(t, m)
		}
	}

	// A segment length past the end of the file: nothing after it is read.
	seg := fixture.AddJPEGXMP(jpg, fullXMP)
	cut := bytes.Clone(seg[:200])
	if m, err := ReadMetadata(cut); err != nil || !reflect.DeepEqual(m, Metadata{}) {
		t.Errorf("a cut XMP segment gave %#v, %v", m, err)
	}
	// A length past the end after a good segment keeps the good one.
	good := fixture.AddJPEGIPTC(fixture.AddJPEGXMP(jpg, fullXMP), fullIPTC...)
	if m, err := ReadMetadata(good[:len(good)-len(jpg)-100]); err != nil || !reflect.DeepEqual(m, fullIPTCMeta) {
		t.Errorf("a cut XMP segment after a good IPTC one gave %#v, %v", m, err)
	}
	// The same with a segment whose length field itself is garbage.
	bad := fixture.AddJPEGIPTC(jpg, fullIPTC...)
	bad = append(bad[:len(bad)-len(jpg)+2:len(bad)-len(jpg)+2], 0xFF, 0xE1, 0xFF, 0xFF, 'x')
	if m, err := ReadMetadata(bad); err != nil || !reflect.DeepEqual(m, fullIPTCMeta) {
		t.Errorf("a segment claiming 64 KB after a good IPTC one gave %#v, %v", m, err)
	}
	if m, _ := ReadMetadata(fixture.AddJPEGSegment(fixture.AddJPEGIPTC(jpg, fullIPTC...), 0xE2, nil)[:40]); !reflect.DeepEqual(m, Metadata{}) {
		t.Errorf("a cut IPTC segment gave %#v", m)
	}
}

// checkMetadata checks what every result must be, whatever the input.
func checkMetadata(t *testing.T, m Metadata) {
	t.Helper()
	for _, s := range append([]string{m.Caption, m.Credit, m.Byline, m.AltText, m.Copyright, m.City, m.Country, m.DateCreated}, m.Keywords...) {
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxMetadataRunes || s != strings.TrimSpace(s) {
			t.Fatalf("a value of %d bytes that is not clean: %q", len(s), s[:min(len(s), 80)])
		}
		for _, r := range s {
			if r < 0x20 && r != '\n' || r >= 0x7F && r < 0xA0 {
				t.Fatalf("a control character U+%04X in %q", r, s[:min(len(s), 80)])
			}
		}
	}
	for _, s := range append([]string{m.Credit, m.Byline, m.Copyright, m.City, m.Country, m.DateCreated}, m.Keywords...) {
		if strings.Contains(s, "\n") || len(s) > galley.MaxLine {
			t.Fatalf("a one-line value on several lines or too long: %q", s[:min(len(s), 80)])
		}
	}
	if len(m.Keywords) > MaxMetadataKeywords {
		t.Fatalf("%d keywords", len(m.Keywords))
	}
}

// claims50MB are files whose metadata claims a 50 MB length in each place
// a length can be that large: the Photoshop resource, an IPTC extended
// dataset, a PNG chunk, a WebP chunk. The reader must believe none of it.
func claims50MB() map[string][]byte {
	const big = 50 << 20
	jpg := fixture.JPEG(16, 16, 1)

	irb := fixture.PhotoshopIRB(fixture.IPTC(fixture.IIM{Record: 2, Dataset: 120, Value: "Short"}))
	at := bytes.Index(irb, []byte("8BIM\x04\x04")) + 8
	binary.BigEndian.PutUint32(irb[at:], big)
	resource := fixture.AddJPEGSegment(jpg, 0xED, append([]byte("Photoshop 3.0\x00"), irb...))

	iim := []byte{0x1C, 2, 120, 0x80, 0x04, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(iim[5:], big)
	dataset := fixture.AddJPEGSegment(jpg, 0xED, append([]byte("Photoshop 3.0\x00"), fixture.PhotoshopIRB(append(iim, "Short"...))...))

	png := fixture.AddPNGXMP(fixture.PNG(8, 8, 1), fullXMP, false)
	binary.BigEndian.PutUint32(png[33:], big) // the iTXt chunk follows IHDR

	webp := fixture.WebPWithMetadata(8, 8, 1, fullXMP, nil)
	xmpAt := bytes.Index(webp, []byte("XMP "))
	binary.LittleEndian.PutUint32(webp[xmpAt+4:], big)
	binary.LittleEndian.PutUint32(webp[4:], big)

	return map[string][]byte{"photoshop resource": resource, "iptc dataset": dataset, "png chunk": png, "webp chunk": webp}
}

func TestReadMetadataDoesNotBelieveClaimedLengths(t *testing.T) {
	for name, data := range claims50MB() {
		ReadMetadata(data) // warm up: package-level maps, the XML decoder's tables
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := ReadMetadata(data)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		checkMetadata(t, m)
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: reading a file claiming 50 MB allocated %d KB", name, n>>10)
		}
	}
}

// TestReadMetadataDoesNotDecodePixels reads a large photo's metadata and
// checks it allocated a small fraction of what decoding its pixels takes.
func TestReadMetadataDoesNotDecodePixels(t *testing.T) {
	data := fixture.AddJPEGIPTC(fixture.AddJPEGXMP(fixture.JPEG(1600, 1200, 1), fullXMP), fullIPTC...)
	ReadMetadata(data)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, err := ReadMetadata(data)
	runtime.ReadMemStats(&after)
	if err != nil || m.Caption != fullXMPMeta.Caption {
		t.Fatalf("%#v, %v", m, err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 512<<10 {
		t.Errorf("reading the metadata of a 1600 × 1200 photo allocated %d KB", n>>10)
	}
}

func BenchmarkReadMetadata(b *testing.B) {
	data := fixture.AddJPEGExif(fixture.AddJPEGIPTC(fixture.AddJPEGXMP(fixture.JPEG(1600, 1200, 1), fullXMP), fullIPTC...),
		fixture.Exif(false, fixture.GPSPosition))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadMetadata(data); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzReadMetadata checks, for any file of up to 64 KB, that ReadMetadata
// never panics, fails only for what does not start as a JPEG, PNG or
// WebP, and returns clean values: valid UTF-8, trimmed, without control
// characters, within the length caps, and at most MaxMetadataKeywords
// keywords.
func FuzzReadMetadata(f *testing.F) {
	jpg := fixture.JPEG(8, 8, 1)
	png := fixture.PNG(8, 8, 1)
	f.Add(jpg)
	f.Add(fixture.AddJPEGXMP(jpg, fullXMP))
	f.Add(fixture.AddJPEGIPTC(jpg, fullIPTC...))
	f.Add(fixture.AddJPEGIPTC(jpg, fixture.IIM{Record: 2, Dataset: 120, Value: "Caf\xe9"}))
	f.Add(fixture.AddJPEGExif(jpg, fixture.Exif(true, fixture.GPSPosition)))
	f.Add(fixture.AddPNGXMP(png, fullXMP, false))
	f.Add(fixture.AddPNGXMP(png, fullXMP, true))
	f.Add(fixture.AddPNGExif(png, fixture.Exif(false, fixture.GPSPosition)))
	f.Add(fixture.WebPWithMetadata(4, 4, 1, fullXMP, fixture.Exif(false, fixture.GPSPosition)))
	for _, data := range claims50MB() {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMaxBytes {
			return
		}
		m, err := ReadMetadata(data)
		isImage := len(data) >= 2 && data[0] == 0xFF && data[1] == 0xD8 ||
			len(data) >= 8 && string(data[:8]) == "\x89PNG\r\n\x1a\n" ||
			len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP"
		if (err != nil) == isImage {
			t.Fatalf("error %v for a file that starts as an image: %v", err, isImage)
		}
		if err != nil && !reflect.DeepEqual(m, Metadata{}) {
			t.Fatalf("metadata %#v along with an error", m)
		}
		checkMetadata(t, m)
	})
}
