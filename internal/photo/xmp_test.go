package photo

import (
	"reflect"
	"strings"
	"testing"

	"app.galley/galley/internal/fixture"
)

// TestParseXMP pins what parseXMP reads from a packet, before any
// cleaning: which values win, how containers become text and lists, and
// what a damaged or overgrown packet still gives.
func TestParseXMP(t *testing.T) {
	deep := strings.Repeat("<a>", maxXMPDepth) + strings.Repeat("</a>", maxXMPDepth)
	shallow := strings.Repeat("<a>", maxXMPDepth-5) + strings.Repeat("</a>", maxXMPDepth-5)
	manyItems := strings.Repeat("<rdf:li>k</rdf:li>", maxItems+1)
	long := strings.Repeat("x", maxRawValue+10)
	cases := []struct {
		name   string
		packet string
		want   xmpFields
	}{
		{"element and attribute forms",
			fixture.XMPPacket(`<rdf:Description rdf:about="" photoshop:Credit="AP" photoshop:City="">
				<dc:description><rdf:Alt><rdf:li xml:lang="fr">Une foule</rdf:li><rdf:li xml:lang="X-Default">A crowd</rdf:li></rdf:Alt></dc:description>
				<dc:creator><rdf:Seq><rdf:li>Ann Lee</rdf:li><rdf:li> </rdf:li><rdf:li> Bo Chen </rdf:li></rdf:Seq></dc:creator>
				<dc:rights><rdf:Alt><rdf:li xml:lang="x-default"> </rdf:li><rdf:li xml:lang="en">© Ann Lee</rdf:li></rdf:Alt></dc:rights>
				<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li>Banners</rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility>
				<photoshop:City>Tartu</photoshop:City>
				<photoshop:Country>Estonia</photoshop:Country>
				<photoshop:DateCreated>2024-05-01</photoshop:DateCreated>
				<dc:subject><rdf:Bag><rdf:li>protest</rdf:li><rdf:li> </rdf:li></rdf:Bag></dc:subject>
			</rdf:Description>`),
			xmpFields{description: "A crowd", credit: "AP", creator: "Ann Lee, Bo Chen", altText: "Banners", rights: "© Ann Lee",
				city: "Tartu", country: "Estonia", dateCreated: "2024-05-01", subject: []string{"protest", " "}}},
		{"the first value that is not blank wins, across descriptions",
			fixture.XMPPacket(desc(`<photoshop:City> </photoshop:City><photoshop:Credit>First</photoshop:Credit><dc:subject> </dc:subject>`) +
				desc(`<photoshop:City>Oslo</photoshop:City><photoshop:Credit>Second</photoshop:Credit><dc:subject><rdf:Bag><rdf:li>a</rdf:li></rdf:Bag></dc:subject>`) +
				desc(`<dc:subject><rdf:Bag><rdf:li>b</rdf:li></rdf:Bag></dc:subject>`)),
			xmpFields{city: "Oslo", credit: "First", subject: []string{"a"}}},
		{"a simple-text subject is one keyword",
			fixture.XMPPacket(desc(`<dc:subject>harbour</dc:subject>`)),
			xmpFields{subject: []string{"harbour"}}},
		{"an empty Alt", fixture.XMPPacket(desc(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default"/></rdf:Alt></dc:description>`)), xmpFields{}},
		{"a second container and stray text in a property",
			fixture.XMPPacket(desc(`<dc:creator>stray<rdf:Seq>also stray<rdf:li>A</rdf:li></rdf:Seq><rdf:Bag><rdf:li>B</rdf:li></rdf:Bag></dc:creator>`)),
			xmpFields{creator: "A, B"}},
		{"elements inside a simple value",
			fixture.XMPPacket(desc(`<photoshop:City>Os<b>not this</b>lo</photoshop:City>`)),
			xmpFields{city: "Oslo"}},
		{"GPS as an element or an attribute",
			fixture.XMPPacket(`<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/"><exif:GPSLongitude>24,56.5E</exif:GPSLongitude></rdf:Description>`),
			xmpFields{hasGPS: true}},
		{"blank GPS", fixture.XMPPacket(`<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude=" "/>`), xmpFields{}},
		{"undeclared prefixes",
			`<x:xmpmeta><rdf:RDF><rdf:Description photoshop:City="Lyon"><dc:creator><rdf:Seq><rdf:li>Ann</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`,
			xmpFields{city: "Lyon", creator: "Ann"}},
		{"a declared encoding is not converted",
			"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + fixture.XMPPacket(desc("<photoshop:City>Zurich</photoshop:City>")),
			xmpFields{city: "Zurich"}},
		// encoding/xml refuses bytes that are not UTF-8 whatever the
		// declaration says: that is malformed XML, ending the reading.
		{"a byte that is not UTF-8",
			"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + fixture.XMPPacket(desc("<photoshop:City>Oslo</photoshop:City><photoshop:Country>Z\xfcrich</photoshop:Country>")),
			xmpFields{city: "Oslo"}},
		{"nesting within the limit",
			fixture.XMPPacket(desc(`<photoshop:City>Oslo</photoshop:City><photoshop:Country>Nor` + shallow + `way</photoshop:Country><photoshop:Credit>AP</photoshop:Credit>`)),
			xmpFields{city: "Oslo", country: "Norway", credit: "AP"}},
		{"nesting past the limit ends the reading",
			fixture.XMPPacket(desc(`<photoshop:City>Oslo</photoshop:City><photoshop:Country>Nor` + deep + `way</photoshop:Country><photoshop:Credit>AP</photoshop:Credit>`)),
			xmpFields{city: "Oslo"}},
		{"a property cut off by the end of the packet is dropped",
			`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">` +
				`<rdf:Description><photoshop:City>Oslo</photoshop:City><photoshop:Country>Nor`,
			xmpFields{city: "Oslo"}},
		{"a list keeps at most maxItems",
			fixture.XMPPacket(desc(`<dc:subject><rdf:Bag>` + manyItems + `</rdf:Bag></dc:subject>`)),
			xmpFields{subject: strings.Split(strings.Repeat("k", maxItems), "")}},
		{"a value keeps at most maxRawValue bytes",
			fixture.XMPPacket(`<rdf:Description photoshop:Credit="` + long + `"><photoshop:City>` + long + `</photoshop:City>` +
				`<dc:creator><rdf:Seq><rdf:li>` + long + `</rdf:li></rdf:Seq></dc:creator></rdf:Description>`),
			xmpFields{credit: long[:maxRawValue], city: long[:maxRawValue], creator: long[:maxRawValue]}},
		{"nothing Galley reads", "not xml at all", xmpFields{}},
	}
	for _, c := range cases {
		if got := parseXMP([]byte(c.packet)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, short(got), short(c.want))
		}
	}
}

// short keeps a failure's report readable when a value is thousands of
// bytes long.
func short(f xmpFields) xmpFields {
	cut := func(s string) string {
		if len(s) > 40 {
			return s[:40] + "…"
		}
		return s
	}
	f.description, f.credit, f.creator, f.city = cut(f.description), cut(f.credit), cut(f.creator), cut(f.city)
	if len(f.subject) > 5 {
		f.subject = append(f.subject[:5:5], "…")
	}
	return f
}
