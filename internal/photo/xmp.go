package photo

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// Namespaces of the XMP properties Galley reads. encoding/xml resolves
// prefixes to these; xmpPrefixes covers packets that use the usual
// prefix without declaring it.
const (
	nsRDF       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsDC        = "http://purl.org/dc/elements/1.1/"
	nsPhotoshop = "http://ns.adobe.com/photoshop/1.0/"
	nsIptcCore  = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
	nsXML       = "http://www.w3.org/XML/1998/namespace"
	nsExif      = "http://ns.adobe.com/exif/1.0/"
	nsXMPNote   = "http://ns.adobe.com/xmp/note/"
)

var xmpPrefixes = map[string]string{
	"rdf":          nsRDF,
	"dc":           nsDC,
	"photoshop":    nsPhotoshop,
	"Iptc4xmpCore": nsIptcCore,
	"xml":          nsXML,
	"exif":         nsExif,
	"xmpNote":      nsXMPNote,
}

// xmpProp names a property Galley reads.
type xmpProp int

const (
	propNone xmpProp = iota
	propDescription
	propCredit
	propCreator
	propAltText
	propRights
	propCity
	propCountry
	propDateCreated
	propSubject
	propGPSLatitude
	propGPSLongitude
	propHasExtendedXMP
	numProps
)

var xmpProps = map[xml.Name]xmpProp{
	{Space: nsDC, Local: "description"}:                propDescription,
	{Space: nsPhotoshop, Local: "Credit"}:              propCredit,
	{Space: nsDC, Local: "creator"}:                    propCreator,
	{Space: nsIptcCore, Local: "AltTextAccessibility"}: propAltText,
	{Space: nsDC, Local: "rights"}:                     propRights,
	{Space: nsPhotoshop, Local: "City"}:                propCity,
	{Space: nsPhotoshop, Local: "Country"}:             propCountry,
	{Space: nsPhotoshop, Local: "DateCreated"}:         propDateCreated,
	{Space: nsDC, Local: "subject"}:                    propSubject,
	{Space: nsExif, Local: "GPSLatitude"}:              propGPSLatitude,
	{Space: nsExif, Local: "GPSLongitude"}:             propGPSLongitude,
	{Space: nsXMPNote, Local: "HasExtendedXMP"}:        propHasExtendedXMP,
}

var (
	rdfRDF         = xml.Name{Space: nsRDF, Local: "RDF"}
	rdfDescription = xml.Name{Space: nsRDF, Local: "Description"}
	rdfLi          = xml.Name{Space: nsRDF, Local: "li"}
)

// maxXMPDepth bounds element nesting. Real packets nest a handful of
// levels; a crafted one nesting millions would only cost memory.
const maxXMPDepth = 128

// xmpFields are the XMP properties Galley reads, as text (still to be
// cleaned).
type xmpFields struct {
	description, credit, creator, altText, rights, city, country, dateCreated string
	subject                                                                   []string
	hasGPS                                                                    bool // exif:GPSLatitude or exif:GPSLongitude

	// extendedGUID names the rest of a JPEG's XMP, in segments of their
	// own (xmpNote:HasExtendedXMP): a packet too big for one segment
	// keeps its larger properties — a long caption — there.
	extendedGUID string
}

// fill returns f with each property it lacks taken from more: the
// standard packet's values win over the extended one's.
func (f xmpFields) fill(more xmpFields) xmpFields {
	for _, p := range []struct{ dst, src *string }{
		{&f.description, &more.description}, {&f.credit, &more.credit}, {&f.creator, &more.creator},
		{&f.altText, &more.altText}, {&f.rights, &more.rights}, {&f.city, &more.city},
		{&f.country, &more.country}, {&f.dateCreated, &more.dateCreated},
	} {
		if *p.dst == "" {
			*p.dst = *p.src
		}
	}
	if len(f.subject) == 0 {
		f.subject = more.subject
	}
	f.hasGPS = f.hasGPS || more.hasGPS
	return f
}

// xmpValue is one property as the packet gives it: simple text, or the
// items of an rdf:Alt (language alternatives), rdf:Seq or rdf:Bag.
type xmpValue struct {
	container string // "", "Alt", "Seq" or "Bag"
	text      []byte
	items     []xmpItem
}

type xmpItem struct {
	lang string
	text []byte
}

// String returns the value as one text: the x-default alternative (else
// the first that is not empty) of an rdf:Alt, the items of a list joined
// with ", " (several creators), or the simple text.
func (v *xmpValue) String() string {
	switch v.container {
	case "":
		return string(v.text)
	case "Alt":
		for _, it := range v.items {
			if strings.EqualFold(it.lang, "x-default") && len(bytes.TrimSpace(it.text)) > 0 {
				return string(it.text)
			}
		}
		for _, it := range v.items {
			if len(bytes.TrimSpace(it.text)) > 0 {
				return string(it.text)
			}
		}
		return ""
	}
	var parts []string
	for _, it := range v.items {
		if t := strings.TrimSpace(string(it.text)); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, ", ")
}

// List returns the value as a list: each item of a container, or the
// simple text as a single item.
func (v *xmpValue) List() []string {
	if v.container == "" {
		return []string{string(v.text)}
	}
	out := make([]string, 0, len(v.items))
	for _, it := range v.items {
		out = append(out, string(it.text))
	}
	return out
}

// parseXMP reads the properties Galley wants from the top-level
// rdf:Description elements of an XMP packet, in both the element form
// (<dc:creator><rdf:Seq>…) and the attribute form
// (<rdf:Description photoshop:Credit="…">). The first non-empty value of
// a property wins. Malformed XML ends the reading, keeping what was read
// before it: a damaged packet should cost only what is damaged.
func parseXMP(packet []byte) xmpFields {
	d := xml.NewDecoder(bytes.NewReader(packet))
	d.Strict = false // tolerate a stray & or a mismatched tag from a careless writer
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) {
		return r, nil // the text is cleaned into valid UTF-8 afterwards
	}
	var r xmpReader
	for {
		tok, err := d.Token()
		if err != nil || !r.token(tok) {
			break
		}
	}
	// A property cut off by an error is dropped: half a caption is worse
	// than none, since an editor may not notice the cut.
	return r.fields()
}

// xmpReader is what parseXMP knows as it walks a packet's tokens: the
// values found so far, where in the element tree it is, and the property
// element it is inside, if any. Properties are read only as children of a
// top-level rdf:Description (rdf:RDF > rdf:Description > property), so a
// City nested in a contact-info structure or an rdf:Description in a
// history list is not taken for the picture's.
type xmpReader struct {
	vals  [numProps]string   // the text of each property found
	lists [numProps][]string // the items of a list property (dc:subject)

	stack    []xml.Name // the open elements, outermost first, names canonical
	cur      *xmpValue  // the property being read, if any
	curProp  xmpProp
	curDepth int  // depth of the property element
	inItem   bool // inside an rdf:li of cur
}

// token takes the next token of the packet. It returns false when the
// reading must stop: past maxXMPDepth, a crafted packet is refused the
// memory its nesting would cost.
func (r *xmpReader) token(tok xml.Token) bool {
	switch t := tok.(type) {
	case xml.StartElement:
		return r.start(t)
	case xml.CharData:
		r.text(t)
	case xml.EndElement:
		r.end()
	}
	return true
}

// start opens an element: a top-level rdf:Description offers the
// properties in its attributes, a property child of one begins a value,
// and inside that value an rdf:Alt, Seq or Bag says what kind of container
// it is and each rdf:li of it begins an item. Anything else is only
// counted in the nesting.
func (r *xmpReader) start(t xml.StartElement) bool {
	if len(r.stack) >= maxXMPDepth {
		return false
	}
	name := canonName(t.Name)
	parent, grand := r.up(1), r.up(2)
	r.stack = append(r.stack, name)
	depth := len(r.stack)
	switch {
	case r.cur == nil && name == rdfDescription && parent == rdfRDF:
		r.offerAttrs(t.Attr)
	case r.cur == nil && parent == rdfDescription && grand == rdfRDF:
		if p := xmpProps[name]; p != propNone {
			r.cur, r.curProp, r.curDepth = &xmpValue{}, p, depth
		}
	case r.cur != nil && depth == r.curDepth+1 && isXMPContainer(name):
		// The first container names the kind; the items of any later one
		// are still gathered with it.
		if r.cur.container == "" {
			r.cur.container = name.Local
		}
	case r.cur != nil && depth == r.curDepth+2 && r.cur.container != "" && name == rdfLi:
		r.startItem(t.Attr)
	}
	return true
}

// up returns the name of the open element n levels above the one being
// opened (1 is its parent), or the zero name above the outermost.
func (r *xmpReader) up(n int) xml.Name {
	if len(r.stack) < n {
		return xml.Name{}
	}
	return r.stack[len(r.stack)-n]
}

// isXMPContainer reports whether name is one of the RDF containers a
// property's value may be given in: rdf:Alt (language alternatives),
// rdf:Seq or rdf:Bag.
func isXMPContainer(name xml.Name) bool {
	return name.Space == nsRDF && (name.Local == "Alt" || name.Local == "Seq" || name.Local == "Bag")
}

// offerAttrs offers the properties given in the attribute form of an
// rdf:Description, each value capped as element text is.
func (r *xmpReader) offerAttrs(attrs []xml.Attr) {
	for _, a := range attrs {
		if p := xmpProps[canonName(a.Name)]; p != propNone {
			v := xmpValue{text: []byte(a.Value[:min(len(a.Value), maxRawValue)])}
			r.offer(p, &v)
		}
	}
}

// startItem begins an rdf:li of the value being read, with its xml:lang
// (which rdf:Alt chooses by). Past maxItems an item is not gathered, so a
// list of millions costs nothing.
func (r *xmpReader) startItem(attrs []xml.Attr) {
	if len(r.cur.items) >= maxItems {
		return
	}
	it := xmpItem{}
	for _, a := range attrs {
		if canonName(a.Name) == (xml.Name{Space: nsXML, Local: "lang"}) {
			it.lang = a.Value
		}
	}
	r.cur.items = append(r.cur.items, it)
	r.inItem = true
}

// text gathers character data into the value being read: directly in a
// simple property element, or in the current rdf:li of a container. Text
// anywhere else (between items, in elements nested in a value) is not the
// value.
func (r *xmpReader) text(t xml.CharData) {
	if r.cur == nil {
		return
	}
	switch depth := len(r.stack); {
	case depth == r.curDepth && r.cur.container == "":
		r.cur.text = appendCapped(r.cur.text, t)
	case depth == r.curDepth+2 && r.inItem:
		last := &r.cur.items[len(r.cur.items)-1]
		last.text = appendCapped(last.text, t)
	}
}

// end closes an element: the end of an rdf:li ends its item, and the end
// of the property element offers the value it gathered.
func (r *xmpReader) end() {
	depth := len(r.stack)
	if r.cur != nil && depth == r.curDepth+2 {
		r.inItem = false
	}
	if r.cur != nil && depth == r.curDepth {
		r.offer(r.curProp, r.cur)
		r.cur, r.inItem = nil, false
	}
	if depth > 0 {
		r.stack = r.stack[:depth-1]
	}
}

// offer keeps v as property p's value unless p already has one that is not
// blank: the first real value in the packet wins. dc:subject is kept as a
// list, and a blank one as none, so a later subject can still fill it.
func (r *xmpReader) offer(p xmpProp, v *xmpValue) {
	if p == propSubject {
		if len(r.lists[p]) == 0 {
			l := v.List()
			if len(l) == 1 && strings.TrimSpace(l[0]) == "" {
				l = nil
			}
			r.lists[p] = l
		}
		return
	}
	if strings.TrimSpace(r.vals[p]) == "" {
		r.vals[p] = v.String()
	}
}

// fields returns what was read, as parseXMP's result.
func (r *xmpReader) fields() xmpFields {
	return xmpFields{
		description: r.vals[propDescription],
		credit:      r.vals[propCredit],
		creator:     r.vals[propCreator],
		altText:     r.vals[propAltText],
		rights:      r.vals[propRights],
		city:        r.vals[propCity],
		country:     r.vals[propCountry],
		dateCreated: r.vals[propDateCreated],
		subject:     r.lists[propSubject],
		hasGPS:      strings.TrimSpace(r.vals[propGPSLatitude]) != "" || strings.TrimSpace(r.vals[propGPSLongitude]) != "",

		extendedGUID: strings.TrimSpace(r.vals[propHasExtendedXMP]),
	}
}

// canonName replaces a known but undeclared prefix by its namespace.
func canonName(n xml.Name) xml.Name {
	if ns, ok := xmpPrefixes[n.Space]; ok {
		n.Space = ns
	}
	return n
}

// appendCapped appends text, keeping at most maxRawValue bytes.
func appendCapped(dst, text []byte) []byte {
	if room := maxRawValue - len(dst); room > 0 {
		dst = append(dst, text[:min(len(text), room)]...)
	}
	return dst
}
