package photo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
)

// The tests in this file read files whose metadata was written by
// exiftool, not by Galley's own fixture writer. A reader checked only
// against the writer it was built with shares that writer's idea of the
// formats; exiftool is what agencies, photographers and their scripts
// use, so its output is the reference for what real files contain.

// exiftoolBinary returns the path of the exiftool program. It fails the
// test rather than skipping it: the test suite installs exiftool, and a
// silent skip would let the reader go untested against real files.
func exiftoolBinary(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("exiftool")
	if err != nil {
		t.Fatalf("exiftool is not installed (Debian's libimage-exiftool-perl); install it with: scripts/install-deps.sh test (%v)", err)
	}
	return path
}

// withExiftool saves data as a file called name in a temporary directory,
// runs exiftool on it with args and returns the file exiftool rewrote.
// Any warning fails the test: exiftool warns and carries on when a tag
// name is misspelt or a value is refused, and then the file would not
// hold what the test expects it to.
func withExiftool(t *testing.T, name string, data []byte, args ...string) []byte {
	t.Helper()
	bin := exiftoolBinary(t)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// -config "" keeps a user's ~/.ExifTool_config (which can define
	// shortcuts and change defaults) out of the test; it must come first.
	full := append([]string{"-config", "", "-overwrite_original"}, args...)
	cmd := exec.CommandContext(ctx, bin, append(full, path)...)
	out, err := cmd.CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("Warning")) || !bytes.Contains(out, []byte("1 image files updated")) {
		t.Fatalf("exiftool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return written
}

// readsAs fails the test unless ReadMetadata reads data as want, whole.
func readsAs(t *testing.T, data []byte, want Metadata) {
	t.Helper()
	got, err := ReadMetadata(data)
	if err != nil {
		t.Fatal(err)
	}
	if d := metadataDiff(got, want); d != "" {
		t.Errorf("ReadMetadata:%s", d)
	}
}

// metadataDiff lists the fields in which got differs from want, one a
// line, or returns "" when they are equal.
func metadataDiff(got, want Metadata) string {
	if reflect.DeepEqual(got, want) {
		return ""
	}
	var b strings.Builder
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if !reflect.DeepEqual(g, w) {
			fmt.Fprintf(&b, "\n  %s: got %#v, want %#v", gv.Type().Field(i).Name, g, w)
		}
	}
	return b.String()
}

// baseImages are the three formats ReadMetadata reads, as the standard
// library's encoders (and the fixture's WebP writer) make them, before
// exiftool adds anything.
func baseImages(seed int) []struct {
	name string
	data []byte
} {
	return []struct {
		name string
		data []byte
	}{
		{"photo.jpg", fixture.JPEG(48, 32, seed)},
		{"photo.png", fixture.PNG(24, 16, seed)},
		{"photo.webp", fixture.WebP(16, 16, seed)},
	}
}

// xmpArgs write every XMP property Galley reads: a caption over two
// lines with characters XML must escape, two photographers, and
// keywords in three scripts.
var xmpArgs = []string{
	"-XMP-dc:Description=A tram turns into Bahnhofstrasse at dawn.\nCommuters wait at the stop & watch <it> pass.",
	"-XMP-photoshop:Credit=Lena Brunner/Keystone",
	"-XMP-dc:Creator=Lena Brunner",
	"-XMP-dc:Creator=Marco Rossi",
	"-XMP-iptcCore:AltTextAccessibility=A blue tram on a wet street lit by shop windows.",
	"-XMP-dc:Rights=© 2024 Keystone-SDA",
	"-XMP-photoshop:City=Zürich",
	"-XMP-photoshop:Country=Schweiz",
	"-XMP-photoshop:DateCreated=2024:06:01 06:15:00+02:00",
	"-XMP-dc:Subject=tram",
	"-XMP-dc:Subject=Zürich",
	"-XMP-dc:Subject=東京",
	"-XMP-dc:Subject=Verkehr",
}

var xmpMeta = Metadata{
	Caption:     "A tram turns into Bahnhofstrasse at dawn.\nCommuters wait at the stop & watch <it> pass.",
	Credit:      "Lena Brunner/Keystone",
	Byline:      "Lena Brunner, Marco Rossi",
	AltText:     "A blue tram on a wet street lit by shop windows.",
	Copyright:   "© 2024 Keystone-SDA",
	City:        "Zürich",
	Country:     "Schweiz",
	DateCreated: "2024-06-01",
	Keywords:    []string{"tram", "Zürich", "東京", "Verkehr"},
}

// iptcArgs write every IPTC dataset Galley reads as UTF-8, marked as such
// in 1:90: -charset iptc=UTF8 makes exiftool encode the values as UTF-8,
// and CodedCharacterSet records that (exiftool does not add it by
// itself).
var iptcArgs = []string{
	"-charset", "iptc=UTF8",
	"-IPTC:CodedCharacterSet=UTF8",
	"-IPTC:Caption-Abstract=Ministers leave the Bundeshaus after the vote.",
	"-IPTC:Credit=Keystone",
	"-IPTC:By-line=Jürg Meier",
	"-IPTC:CopyrightNotice=© Keystone 2024",
	"-IPTC:City=Genève",
	"-IPTC:Country-PrimaryLocationName=Suisse",
	"-IPTC:DateCreated=2024:03:17",
	"-IPTC:Keywords=Politik",
	"-IPTC:Keywords=Genève",
	"-IPTC:Keywords=東京",
}

var iptcMeta = Metadata{
	Caption:     "Ministers leave the Bundeshaus after the vote.",
	Credit:      "Keystone",
	Byline:      "Jürg Meier",
	Copyright:   "© Keystone 2024",
	City:        "Genève",
	Country:     "Suisse",
	DateCreated: "2024-03-17",
	Keywords:    []string{"Politik", "Genève", "東京"},
}

// TestReadMetadataXMPByExiftool reads XMP that exiftool wrote into each
// format: an APP1 segment in a JPEG, an iTXt chunk in a PNG and an "XMP "
// chunk in a WebP (which exiftool turns into the extended format).
func TestReadMetadataXMPByExiftool(t *testing.T) {
	exiftoolBinary(t) // one failure, not one a case, when it is missing
	for _, img := range baseImages(1) {
		t.Run(img.name, func(t *testing.T) {
			data := withExiftool(t, img.name, img.data, xmpArgs...)
			readsAs(t, data, xmpMeta)
		})
	}
}

// TestReadMetadataXMPFormsByExiftool reads the other ways exiftool can
// write the same XMP: the shorthand form, with simple properties as
// attributes of rdf:Description, and language alternatives.
func TestReadMetadataXMPFormsByExiftool(t *testing.T) {
	exiftoolBinary(t) // one failure, not one a case, when it is missing
	for _, c := range []struct {
		name string
		args []string
		want Metadata
	}{
		{
			// -api Compact=Shorthand puts Credit, City, Country and
			// DateCreated into attributes; the lists stay elements.
			name: "shorthand",
			args: append([]string{"-api", "Compact=Shorthand"}, xmpArgs...),
			want: xmpMeta,
		},
		{
			// Everything exiftool can leave out: one rdf:Description for
			// all namespaces, no indenting, no line breaks between
			// elements and no padding after the packet.
			name: "compact",
			args: append([]string{"-api", "Compact=Shorthand,OneDesc,NoIndent,NoNewline,NoPadding"}, xmpArgs...),
			want: xmpMeta,
		},
		{
			// The caption has an x-default and a German alternative,
			// written German first; the copyright only a French one.
			// x-default wins, and without it the first alternative.
			name: "language alternatives",
			args: []string{
				"-XMP-dc:Description-de=Ein Tram biegt in die Bahnhofstrasse ein.",
				"-XMP-dc:Description=A tram turns into Bahnhofstrasse.",
				"-XMP-dc:Rights-fr=© Keystone, tous droits réservés",
				"-XMP-iptcCore:AltTextAccessibility-de=Ein blaues Tram.",
			},
			want: Metadata{
				Caption:   "A tram turns into Bahnhofstrasse.",
				Copyright: "© Keystone, tous droits réservés",
				AltText:   "Ein blaues Tram.",
			},
		},
		{
			// A date the file gives only in part is kept as given.
			name: "year alone",
			args: []string{"-XMP-photoshop:DateCreated=1968"},
			want: Metadata{DateCreated: "1968"},
		},
		{
			// The Metadata Working Group's tags write EXIF and XMP at once
			// (and IPTC when the file already has it), the way many
			// scripts drive exiftool; Galley reads the XMP.
			name: "metadata working group",
			args: []string{
				"-use", "MWG",
				"-MWG:Description=Lake Zürich at dusk.",
				"-MWG:Creator=Lena Brunner",
				"-MWG:Copyright=© 2024 Lena Brunner",
				"-MWG:City=Zürich",
				"-MWG:Keywords=See",
				"-MWG:Keywords=Zürich",
			},
			want: Metadata{
				Caption: "Lake Zürich at dusk.", Credit: "Lena Brunner", Byline: "Lena Brunner",
				Copyright: "© 2024 Lena Brunner", City: "Zürich", Keywords: []string{"See", "Zürich"},
			},
		},
		{
			// Without a credit, the credit is the photographer.
			name: "credit from creator",
			args: []string{"-XMP-dc:Creator=Lena Brunner"},
			want: Metadata{Credit: "Lena Brunner", Byline: "Lena Brunner"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := withExiftool(t, "photo.jpg", fixture.JPEG(48, 32, 2), c.args...)
			readsAs(t, data, c.want)
		})
	}
}

// TestReadMetadataIPTCByExiftool reads IPTC IIM that exiftool wrote into
// a JPEG's Photoshop APP13 block, in the character sets it writes.
func TestReadMetadataIPTCByExiftool(t *testing.T) {
	exiftoolBinary(t) // one failure, not one a case, when it is missing
	for _, c := range []struct {
		name string
		args []string
		want Metadata
	}{
		{name: "utf-8 declared", args: iptcArgs, want: iptcMeta},
		{
			// exiftool's default IPTC character set is Windows-1252,
			// without a 1:90 dataset: ü is one byte, the dash and the
			// euro sign are Windows-1252's own.
			name: "windows-1252",
			args: []string{
				"-IPTC:Caption-Abstract=Züri-Fäscht – 2 Mio. Besucher, 5 € Eintritt",
				"-IPTC:City=Zürich",
				"-IPTC:Keywords=Fest",
				"-IPTC:Keywords=Zürich",
			},
			want: Metadata{
				Caption:  "Züri-Fäscht – 2 Mio. Besucher, 5 € Eintritt",
				City:     "Zürich",
				Keywords: []string{"Fest", "Zürich"},
			},
		},
		{
			// UTF-8 that 1:90 does not declare, as many tools write it.
			name: "utf-8 undeclared",
			args: []string{"-charset", "iptc=UTF8", "-IPTC:City=Genève", "-IPTC:Keywords=東京"},
			want: Metadata{City: "Genève", Keywords: []string{"東京"}},
		},
		{
			// Repeated by-lines are joined, a repeat dropped, and with no
			// credit the credit is the by-line.
			name: "by-lines and credit",
			args: []string{
				"-charset", "iptc=UTF8", "-IPTC:CodedCharacterSet=UTF8",
				"-IPTC:By-line=Jürg Meier", "-IPTC:By-line=Ana Silva", "-IPTC:By-line=Jürg Meier",
			},
			want: Metadata{Credit: "Jürg Meier, Ana Silva", Byline: "Jürg Meier, Ana Silva"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := withExiftool(t, "photo.jpg", fixture.JPEG(48, 32, 3), c.args...)
			readsAs(t, data, c.want)
		})
	}
}

// TestReadMetadataPrecedenceByExiftool reads JPEGs holding both XMP and
// IPTC with different values, as a file edited in an XMP tool after an
// agency wrote its IPTC does. XMP wins field by field; IPTC fills only
// what XMP leaves out, and the credit falls back to the by-line only when
// neither gives a credit.
func TestReadMetadataPrecedenceByExiftool(t *testing.T) {
	exiftoolBinary(t) // one failure, not one a case, when it is missing
	for _, c := range []struct {
		name string
		args []string
		want Metadata
	}{
		{
			name: "every field in both",
			args: append(append([]string(nil), iptcArgs...), xmpArgs...),
			want: xmpMeta,
		},
		{
			// XMP gives the caption, photographer, copyright, country,
			// date and keywords; IPTC all of its fields.
			name: "some fields in XMP",
			args: append(append([]string(nil), iptcArgs...),
				"-XMP-dc:Description=Edited caption from the picture desk.",
				"-XMP-dc:Creator=Lena Brunner",
				"-XMP-dc:Rights=© 2024 Keystone-SDA",
				"-XMP-photoshop:Country=Schweiz",
				"-XMP-photoshop:DateCreated=2024:03:18",
				"-XMP-dc:Subject=Bundeshaus",
			),
			want: Metadata{
				Caption:     "Edited caption from the picture desk.",
				Credit:      "Keystone", // IPTC's credit comes before XMP's creator
				Byline:      "Lena Brunner",
				Copyright:   "© 2024 Keystone-SDA",
				City:        "Genève",
				Country:     "Schweiz",
				DateCreated: "2024-03-18",
				Keywords:    []string{"Bundeshaus"}, // lists are not merged
			},
		},
		{
			// No credit in either: XMP's creator, not IPTC's by-line.
			name: "credit from XMP creator",
			args: []string{
				"-charset", "iptc=UTF8", "-IPTC:CodedCharacterSet=UTF8",
				"-IPTC:By-line=Jürg Meier",
				"-XMP-dc:Creator=Lena Brunner",
			},
			want: Metadata{Credit: "Lena Brunner", Byline: "Lena Brunner"},
		},
		{
			// XMP credit but no XMP creator: the by-line comes from IPTC.
			name: "by-line from IPTC",
			args: []string{
				"-charset", "iptc=UTF8", "-IPTC:CodedCharacterSet=UTF8",
				"-IPTC:By-line=Jürg Meier",
				"-IPTC:Credit=Keystone",
				"-XMP-photoshop:Credit=Keystone-SDA",
			},
			want: Metadata{Credit: "Keystone-SDA", Byline: "Jürg Meier"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := withExiftool(t, "photo.jpg", fixture.JPEG(48, 32, 4), c.args...)
			readsAs(t, data, c.want)
		})
	}
}

// TestReadMetadataGPSByExiftool checks HasGPS on positions exiftool wrote
// into EXIF and XMP, and on files it left without one.
func TestReadMetadataGPSByExiftool(t *testing.T) {
	exiftoolBinary(t) // one failure, not one a case, when it is missing
	for _, c := range []struct {
		name string
		args []string
		want bool
	}{
		{"exif latitude and longitude", []string{
			"-GPSLatitude=47.3769", "-GPSLatitudeRef=N", "-GPSLongitude=8.5417", "-GPSLongitudeRef=E",
		}, true},
		{"exif latitude alone", []string{"-GPSLatitude=33.8688", "-GPSLatitudeRef=S"}, true},
		{"exif longitude alone, little-endian", []string{
			"-ExifByteOrder=Little-endian", "-GPSLongitude=151.2093", "-GPSLongitudeRef=W",
		}, true},
		// 0° is a position (the equator), written as 0/1, not 0/0.
		{"exif on the equator", []string{"-GPSLatitude=0", "-GPSLatitudeRef=N"}, true},
		{"exif without GPS", []string{"-EXIF:Make=Galley Test Camera", "-EXIF:Artist=Lena Brunner"}, false},
		// What a phone with location turned off writes.
		{"exif GPS block with a version only", []string{"-GPSVersionID=2.3.0.0"}, false},
		{"xmp latitude", []string{"-XMP-exif:GPSLatitude=47.3769"}, true},
		{"xmp longitude", []string{"-XMP-exif:GPSLongitude=-122.4194"}, true},
		{"xmp without GPS", []string{"-XMP-photoshop:City=Zürich"}, false},
	} {
		for _, img := range baseImages(5) {
			t.Run(c.name+"/"+img.name, func(t *testing.T) {
				data := withExiftool(t, img.name, img.data, c.args...)
				got, err := ReadMetadata(data)
				if err != nil {
					t.Fatal(err)
				}
				if got.HasGPS != c.want {
					t.Errorf("HasGPS = %v, want %v", got.HasGPS, c.want)
				}
			})
		}
	}

	// Stripping the position with exiftool, as a desk does before
	// publishing, leaves a file that no longer says it has one.
	t.Run("exif GPS removed", func(t *testing.T) {
		data := withExiftool(t, "photo.jpg", fixture.JPEG(48, 32, 6),
			"-EXIF:Make=Galley Test Camera", "-GPSLatitude=47.3769", "-GPSLatitudeRef=N")
		if m, err := ReadMetadata(data); err != nil || !m.HasGPS {
			t.Fatalf("before removal: HasGPS = %v, %v; want true", m.HasGPS, err)
		}
		data = withExiftool(t, "photo.jpg", data, "-GPS:all=")
		want := Metadata{}
		readsAs(t, data, want)
	})
}

// TestReadMetadataBoundsByExiftool reads files in which exiftool wrote
// more than ReadMetadata keeps: too many keywords with repeats, and
// values longer than the caps. exiftool writes these without complaint
// in XMP, and in IPTC past the standard's lengths when told to (-m), as
// scripts feeding it long agency text do.
func TestReadMetadataBoundsByExiftool(t *testing.T) {
	exiftoolBinary(t) // one failure, not one a case, when it is missing
	// 130 different keywords, with repeats in other cases and with
	// surrounding spaces scattered among them; only the first
	// MaxMetadataKeywords different ones are kept, in order.
	var xmpKeywords, iptcKeywords, wantKeywords []string
	for i := range 130 {
		k := fmt.Sprintf("Thema %d Zürich", i)
		if len(wantKeywords) < MaxMetadataKeywords {
			wantKeywords = append(wantKeywords, k)
		}
		xmpKeywords = append(xmpKeywords, "-XMP-dc:Subject="+k)
		iptcKeywords = append(iptcKeywords, "-IPTC:Keywords="+k)
		if i%3 == 0 {
			xmpKeywords = append(xmpKeywords, "-XMP-dc:Subject="+strings.ToUpper(k))
			iptcKeywords = append(iptcKeywords, "-IPTC:Keywords="+strings.ToLower(k))
		}
		if i%7 == 0 {
			xmpKeywords = append(xmpKeywords, "-XMP-dc:Subject=  "+k+" ")
			iptcKeywords = append(iptcKeywords, "-IPTC:Keywords= "+k)
		}
	}
	// 3000 runes of one, two and three bytes: the caption keeps the first
	// MaxMetadataRunes. The city is 3000 bytes: a one-line field keeps
	// the first galley.MaxLine (2000) bytes, whole runes only.
	longCaption := strings.Repeat("aé東", 1000)
	wantCaption := strings.Repeat("aé東", MaxMetadataRunes/3) + "aé"
	longCity := strings.Repeat("ü", 1500)
	wantCity := strings.Repeat("ü", 1000)
	// Line breaks and tabs in a one-line field become single spaces.
	multiLineCountry := "Schweiz\n\tSuisse\r\nSvizzera"
	wantCountry := "Schweiz Suisse Svizzera"

	bounded := Metadata{Caption: wantCaption, City: wantCity, Country: wantCountry, Keywords: wantKeywords}

	// Values past 32 KB take IIM's extended dataset length, and IPTC past
	// 64 KB no longer fits one APP13 segment: exiftool splits the
	// Photoshop resources over two.
	huge := strings.Repeat("ab", 20000)

	for _, c := range []struct {
		name     string
		args     []string
		want     Metadata
		segments int // APP13 segments exiftool must have written
	}{
		{"xmp", append([]string{
			"-XMP-dc:Description=" + longCaption,
			"-XMP-photoshop:City=" + longCity,
			"-XMP-photoshop:Country=" + multiLineCountry,
		}, xmpKeywords...), bounded, 0},
		{"iptc", append([]string{
			"-m", // write past IPTC's lengths (2000 bytes of caption, 32 of city)
			"-charset", "iptc=UTF8", "-IPTC:CodedCharacterSet=UTF8",
			"-IPTC:Caption-Abstract=" + longCaption,
			"-IPTC:City=" + longCity,
			"-IPTC:Country-PrimaryLocationName=" + multiLineCountry,
		}, iptcKeywords...), bounded, 1},
		{"iptc over two segments", []string{
			"-m", // write past IPTC's lengths
			"-IPTC:Caption-Abstract=" + huge,
			"-IPTC:CopyrightNotice=" + huge,
			"-IPTC:City=Bern",
			"-IPTC:Keywords=Bundesplatz",
		}, Metadata{
			Caption:   huge[:MaxMetadataRunes],
			Copyright: huge[:maxLineBytes],
			City:      "Bern",
			Keywords:  []string{"Bundesplatz"},
		}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := withExiftool(t, "photo.jpg", fixture.JPEG(48, 32, 7), c.args...)
			if n := bytes.Count(data, []byte("Photoshop 3.0\x00")); n != c.segments {
				t.Fatalf("exiftool wrote %d APP13 segments, want %d", n, c.segments)
			}
			readsAs(t, data, c.want)
		})
	}
}

// TestReadMetadataExtendedXMPByExiftool reads a JPEG whose XMP is too big
// for one segment: exiftool keeps the credit and city in the standard
// packet and
// moves the caption, the largest property, into extended XMP segments
// named by the packet's MD5. The caption used to be lost; it is read (cut
// to its bound like any other), and a file whose extended part is damaged
// or missing a piece gives the rest of its words and no half a caption.
func TestReadMetadataExtendedXMPByExiftool(t *testing.T) {
	var long strings.Builder
	for i := 0; long.Len() < 90_000; i++ {
		fmt.Fprintf(&long, "Frame %d of the harbour survey, taken from the north mole. ", i)
	}
	caption := long.String()
	data := withExiftool(t, "photo.jpg", fixture.JPEG(48, 32, 3),
		"-XMP-dc:Description="+caption, "-XMP-photoshop:Credit=Harbour Survey/Galley Test", "-XMP-photoshop:City=Zürich")
	const extHeader = "http://ns.adobe.com/xmp/extension/\x00"
	if n := bytes.Count(data, []byte(extHeader)); n < 2 {
		t.Fatalf("exiftool wrote %d extended XMP segments, want the caption spread over two or more", n)
	}
	want := Metadata{Caption: strings.TrimSpace(string([]rune(caption)[:MaxMetadataRunes])), Credit: "Harbour Survey/Galley Test", City: "Zürich"}
	readsAs(t, data, want)

	// Each extended segment is APP1: FF E1, a length, the header.
	var segs [][2]int // start and end of each extended segment
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte(extHeader))
		if j < 0 {
			break
		}
		start := i + j - 4
		end := start + 2 + (int(data[start+2])<<8 | int(data[start+3]))
		segs = append(segs, [2]int{start, end})
		i = end
	}
	onlyCredit := Metadata{Credit: want.Credit, City: want.City}
	t.Run("a segment missing", func(t *testing.T) {
		last := segs[len(segs)-1]
		cut := append(bytes.Clone(data[:last[0]]), data[last[1]:]...)
		readsAs(t, cut, onlyCredit)
	})
	t.Run("a byte changed", func(t *testing.T) {
		changed := bytes.Clone(data)
		changed[segs[0][1]-10] ^= 0x20 // inside the caption's text: the MD5 no longer matches
		readsAs(t, changed, onlyCredit)
	})
}
