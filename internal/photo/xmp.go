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
)

var xmpPrefixes = map[string]string{
	"rdf":          nsRDF,
	"dc":           nsDC,
	"photoshop":    nsPhotoshop,
	"Iptc4xmpCore": nsIptcCore,
	"xml":          nsXML,
	"exif":         nsExif,
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
	var vals [numProps]string
	var lists [numProps][]string
	offer := func(p xmpProp, v *xmpValue) {
		if p == propSubject {
			if len(lists[p]) == 0 {
				l := v.List()
				if len(l) == 1 && strings.TrimSpace(l[0]) == "" {
					l = nil
				}
				lists[p] = l
			}
			return
		}
		if strings.TrimSpace(vals[p]) == "" {
			vals[p] = v.String()
		}
	}

	d := xml.NewDecoder(bytes.NewReader(packet))
	d.Strict = false // tolerate a stray & or a mismatched tag from a careless writer
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) {
		return r, nil // the text is cleaned into valid UTF-8 afterwards
	}
	var (
		stack     []xml.Name
		cur       *xmpValue // the property being read, if any
		curProp   xmpProp
		curDepth  int  // depth of the property element
		inItem    bool // inside an rdf:li of cur
		attrValue xmpValue
	)
read:
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxXMPDepth {
				break read
			}
			name := canonName(t.Name)
			var parent, grand xml.Name
			if n := len(stack); n >= 2 {
				parent, grand = stack[n-1], stack[n-2]
			} else if n == 1 {
				parent = stack[0]
			}
			stack = append(stack, name)
			depth := len(stack)
			switch {
			case cur == nil && name == rdfDescription && parent == rdfRDF:
				for _, a := range t.Attr {
					if p := xmpProps[canonName(a.Name)]; p != propNone {
						attrValue = xmpValue{text: []byte(a.Value[:min(len(a.Value), maxRawValue)])}
						offer(p, &attrValue)
					}
				}
			case cur == nil && parent == rdfDescription && grand == rdfRDF:
				if p := xmpProps[name]; p != propNone {
					cur, curProp, curDepth = &xmpValue{}, p, depth
				}
			case cur != nil && depth == curDepth+1 && name.Space == nsRDF &&
				(name.Local == "Alt" || name.Local == "Seq" || name.Local == "Bag"):
				if cur.container == "" {
					cur.container = name.Local
				}
			case cur != nil && depth == curDepth+2 && cur.container != "" && name == rdfLi:
				if len(cur.items) < maxItems {
					it := xmpItem{}
					for _, a := range t.Attr {
						if canonName(a.Name) == (xml.Name{Space: nsXML, Local: "lang"}) {
							it.lang = a.Value
						}
					}
					cur.items = append(cur.items, it)
					inItem = true
				}
			}
		case xml.CharData:
			if cur == nil {
				continue
			}
			switch depth := len(stack); {
			case depth == curDepth && cur.container == "":
				cur.text = appendCapped(cur.text, t)
			case depth == curDepth+2 && inItem:
				last := &cur.items[len(cur.items)-1]
				last.text = appendCapped(last.text, t)
			}
		case xml.EndElement:
			depth := len(stack)
			if cur != nil && depth == curDepth+2 {
				inItem = false
			}
			if cur != nil && depth == curDepth {
				offer(curProp, cur)
				cur, inItem = nil, false
			}
			if depth > 0 {
				stack = stack[:depth-1]
			}
		}
	}
	// A property cut off by an error is dropped: half a caption is worse
	// than none, since an editor may not notice the cut.
	return xmpFields{
		description: vals[propDescription],
		credit:      vals[propCredit],
		creator:     vals[propCreator],
		altText:     vals[propAltText],
		rights:      vals[propRights],
		city:        vals[propCity],
		country:     vals[propCountry],
		dateCreated: vals[propDateCreated],
		subject:     lists[propSubject],
		hasGPS:      strings.TrimSpace(vals[propGPSLatitude]) != "" || strings.TrimSpace(vals[propGPSLongitude]) != "",
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
