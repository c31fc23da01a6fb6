package galley

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// deskCodes is a small list as a photo desk would keep it.
func deskCodes(t testing.TB) Codes {
	t.Helper()
	c, err := ParseCodes(strings.NewReader("// agencies\nap\tAssociated Press\nafp\tAgence France-Presse\njd\tJane Doe\nnyc\tNew York City\nzürich\tZürich, Switzerland\nself\t=ap= photo\n"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseCodesReadsADeskList(t *testing.T) {
	cases := []struct {
		name, in string
		want     []Replacement
	}{
		{"empty", "", nil},
		{"comments and blanks only", "// nothing yet\n\n   \n\t\n  // indented comment\n", nil},
		{"one line without final newline", "ap\tAssociated Press", []Replacement{{"ap", "Associated Press"}}},
		{"order kept", "b\tBee\na\tAy\n", []Replacement{{"b", "Bee"}, {"a", "Ay"}}},
		{"CRLF and BOM", "\uFEFFap\tAssociated Press\r\n// c\r\n\r\nrtr\tReuters\r\n", []Replacement{{"ap", "Associated Press"}, {"rtr", "Reuters"}}},
		{"spaces around code and text dropped", "  ap \t  Associated Press  \n", []Replacement{{"ap", "Associated Press"}}},
		{"columns aligned with several tabs", "ap\t\t\tAssociated Press\n", []Replacement{{"ap", "Associated Press"}}},
		{"code characters", "h-23_b\tNo. 23\n9\tNine\nÉté\tSummer\n", []Replacement{{"h-23_b", "No. 23"}, {"9", "Nine"}, {"Été", "Summer"}}},
		{"text with = and braces kept", "x\t=y= {city} a = b\n", []Replacement{{"x", "=y= {city} a = b"}}},
		{"comment with a tab", "// code\treplacement\nap\tAP\n", []Replacement{{"ap", "AP"}}},
		{"longest code and text", strings.Repeat("a", MaxCode) + "\t" + strings.Repeat("x", MaxLine), []Replacement{{strings.Repeat("a", MaxCode), strings.Repeat("x", MaxLine)}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCodes(strings.NewReader(tc.in))
			if err != nil {
				t.Fatalf("ParseCodes: %v", err)
			}
			if got := c.List(); !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("ParseCodes = %q, want %q", got, tc.want)
			}
			if c.Len() != len(tc.want) {
				t.Errorf("Len = %d, want %d", c.Len(), len(tc.want))
			}
		})
	}
}

func TestParseCodesSaysWhichLineIsWrongAndWhy(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string // all in the message
	}{
		{"no tab", "ap\tAP\n\nrtr Reuters\n", []string{"Line 3 ", "no tab"}},
		{"no code", "// list\n\tReuters\n", []string{"Line 2 ", "no code"}},
		{"code with a space", "a p\tAP\n", []string{"Line 1:", `"a p"`, "space"}},
		{"code with =", "=ap=\tAP\n", []string{"Line 1:", `"=ap="`, `'='`, "letters, digits"}},
		{"code with a dot", "a\tA\nu.s\tUS\n", []string{"Line 2:", `"u.s"`, `'.'`}},
		{"code starting with -", "-x\tX\n", []string{"Line 1:", `"-x"`, "start with a letter or a digit"}},
		{"code too long", strings.Repeat("a", MaxCode+1) + "\tX\n", []string{"Line 1:", "too long", "41 bytes"}},
		{"duplicate", "// list\nap\tAP\nrtr\tReuters\n\nAP\tAssociated Press\n", []string{"Line 5:", `"AP"`, "already on line 2"}},
		{"duplicate after normalisation", "\u00e9t\u00e9\tx\ne\u0301te\u0301\ty\n", []string{"Line 2:", "already on line 1"}},
		{"no replacement", "ap\tAP\nrtr\t  \n", []string{"Line 2:", `"rtr"`, "no replacement"}},
		{"text too long", "ap\t" + strings.Repeat("x", MaxLine+1) + "\n", []string{"Line 1:", `"ap"`, "too long", "2001 bytes", "limit is 2000"}},
		{"three columns", "ap\tAP\tAssociated Press\n", []string{"Line 1:", "contains a tab"}},
		{"control character", "ap\tA\x07P\n", []string{"Line 1:", "control character", "U+0007"}},
		{"lone CR inside a line", "ap\tA\rP\n", []string{"Line 1:", "control character", "U+000D"}},
		{"not UTF-8", "ap\tAP\nc\tCaf\xe9\n", []string{"Line 2 ", "UTF-8"}},
		{"UTF-16", "\xff\xfea\x00p\x00", []string{"UTF-16", "UTF-8"}},
		{"line too long", "ap\tAP\n" + strings.Repeat("x", maxCodesLine+10) + "\n", []string{"Line 2 ", "too long"}},
		{"BOM only on the first line", "ap\tAP\n\uFEFFrtr\tReuters\n", []string{"Line 2:", "contains"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCodes(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("ParseCodes accepted %q as %q", tc.in, c.List())
			}
			if ErrorCode(err) != EInvalid {
				t.Errorf("code %q, want %q", ErrorCode(err), EInvalid)
			}
			msg := ErrorMessage(err)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not contain %q", msg, w)
				}
			}
			if !strings.HasSuffix(msg, ".") || !utf8.ValidString(msg) || strings.Contains(msg, "\n") {
				t.Errorf("message %q is not one sentence of valid text", msg)
			}
			if c.Len() != 0 {
				t.Errorf("a refused list still holds %d codes", c.Len())
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk gone") }

func TestParseCodesPassesOnReadErrors(t *testing.T) {
	_, err := ParseCodes(failingReader{})
	if err == nil || ErrorCode(err) != EInternal || !strings.Contains(err.Error(), "disk gone") {
		t.Errorf("ParseCodes(failing reader) = %v, want an internal error wrapping the cause", err)
	}
}

func TestCodesRoundTrip(t *testing.T) {
	in := "\uFEFF// Desk list\r\nap\tAssociated Press\r\n\r\n  rtr  \t Reuters \r\nÉté\tSummer, “quoted”\r\nx\t=y= {z}\r\n"
	c, err := ParseCodes(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	n, err := c.WriteTo(&b)
	if err != nil || n != int64(b.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d bytes", n, err, b.Len())
	}
	want := "ap\tAssociated Press\nrtr\tReuters\nÉté\tSummer, “quoted”\nx\t=y= {z}\n"
	if b.String() != want {
		t.Errorf("WriteTo wrote\n%q\nwant\n%q", b.String(), want)
	}
	again, err := ParseCodes(strings.NewReader(b.String()))
	if err != nil || !reflect.DeepEqual(again.List(), c.List()) {
		t.Errorf("reading back gives %q, %v; want %q", again.List(), err, c.List())
	}

	var empty Codes
	b.Reset()
	if n, err := empty.WriteTo(&b); n != 0 || err != nil || b.Len() != 0 {
		t.Errorf("empty WriteTo = %d, %v, %q", n, err, b.String())
	}
}

func TestCodesEditing(t *testing.T) {
	var c Codes
	for _, r := range []Replacement{{"ap", "AP"}, {"rtr", "Reuters"}, {" jd ", " Jane Doe "}} {
		if err := c.Set(r.Code, r.Text); err != nil {
			t.Fatalf("Set(%q, %q): %v", r.Code, r.Text, err)
		}
	}
	want := []Replacement{{"ap", "AP"}, {"rtr", "Reuters"}, {"jd", "Jane Doe"}}
	if !reflect.DeepEqual(c.List(), want) {
		t.Fatalf("List = %q, want %q", c.List(), want)
	}

	// Changing a code keeps its place and takes the new spelling.
	if err := c.Set("AP", "Associated Press"); err != nil {
		t.Fatal(err)
	}
	want[0] = Replacement{"AP", "Associated Press"}
	if !reflect.DeepEqual(c.List(), want) {
		t.Errorf("after Set(AP) List = %q, want %q", c.List(), want)
	}
	if text, ok := c.Lookup("ap"); !ok || text != "Associated Press" {
		t.Errorf("Lookup(ap) = %q, %v", text, ok)
	}
	if _, ok := c.Lookup("afp"); ok {
		t.Error("Lookup found a code that is not there")
	}

	// A copy is independent of later edits, and List's slice of the list.
	before := c
	list := c.List()
	list[0].Text = "changed"
	if !c.Delete("RTR") || c.Delete("rtr") {
		t.Error("Delete should remove rtr once")
	}
	if err := c.Set("afp", "Agence France-Presse"); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("jd", "J. Doe"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before.List(), want) {
		t.Errorf("editing changed a copy: %q, want %q", before.List(), want)
	}
	wantNow := []Replacement{{"AP", "Associated Press"}, {"jd", "J. Doe"}, {"afp", "Agence France-Presse"}}
	if !reflect.DeepEqual(c.List(), wantNow) {
		t.Errorf("List = %q, want %q", c.List(), wantNow)
	}
	if !c.Delete("afp") || !reflect.DeepEqual(c.List(), wantNow[:2]) {
		t.Errorf("after deleting the last code List = %q", c.List())
	}
	if err := c.Set("rtr", "Reuters"); err != nil || !reflect.DeepEqual(before.List(), want) {
		t.Errorf("appending after a delete changed a copy: %q, %v", before.List(), err)
	}
}

func TestCodesSetRefusesWhatParseCodesRefuses(t *testing.T) {
	cases := []struct{ code, text, want string }{
		{"", "x", "The code is empty"},
		{"  ", "x", "The code is empty"},
		{"a p", "x", "contains a space"},
		{"=ap=", "x", "contains '='"},
		{"_x", "x", "must start with a letter or a digit"},
		{strings.Repeat("é", MaxCode), "x", "too long"},
		{"ap", "", "no replacement"},
		{"ap", "line\nbreak", "control character (U+000A)"},
		{"ap", "a\tb", "contains a tab"},
		{"ap", "\xff", "not valid UTF-8"},
		{"ap", strings.Repeat("x", MaxLine+1), "too long"},
	}
	for _, tc := range cases {
		var c Codes
		err := c.Set(tc.code, tc.text)
		if ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), tc.want) || !strings.HasSuffix(ErrorMessage(err), ".") {
			t.Errorf("Set(%q, %q) = %v, want an invalid error containing %q", tc.code, clip(tc.text, 20), err, tc.want)
		}
		if c.Len() != 0 {
			t.Errorf("Set(%q, %q) refused but still added it", tc.code, tc.text)
		}
		tsv := tc.code + "\t" + tc.text + "\n"
		if _, err := ParseCodes(strings.NewReader(tsv)); err == nil {
			t.Errorf("ParseCodes accepts %q, which Set refuses", tsv)
		}
	}
}

func TestExpand(t *testing.T) {
	c := deskCodes(t)
	cases := []struct {
		in, want string
		unknown  []string
	}{
		{"", "", nil},
		{"No codes here.", "No codes here.", nil},
		{"=ap=", "Associated Press", nil},
		{"Photo: =jd=/=ap=", "Photo: Jane Doe/Associated Press", nil},
		{"=AP= and =Ap= and =aP=", "Associated Press and Associated Press and Associated Press", nil},
		{"=ZÜRICH= and =zu\u0308rich=", "Zürich, Switzerland and Zürich, Switzerland", nil},
		{"In =nyc=, =jd= (=afp=).", "In New York City, Jane Doe (Agence France-Presse).", nil},
		{"=ap==ap=", "Associated PressAssociated Press", nil},
		{"==ap==", "=Associated Press=", nil},
		{"=nyc='s mayor", "New York City's mayor", nil},
		{"=nyc=-based", "New York City-based", nil},
		// = as used in ordinary text is left alone.
		{"a = b", "a = b", nil},
		{"2+2=4", "2+2=4", nil},
		{"a == b", "a == b", nil},
		{"x=ap=z", "x=ap=z", nil},
		{"https://example.com/?q=ap=1", "https://example.com/?q=ap=1", nil},
		{"=ap", "=ap", nil},
		{"ap=", "ap=", nil},
		{"= ap =", "= ap =", nil},
		{"=a p=", "=a p=", nil},
		{"=-ap=", "=-ap=", nil},
		{"=" + strings.Repeat("a", MaxCode+1) + "=", "=" + strings.Repeat("a", MaxCode+1) + "=", nil},
		// Unknown codes stay as typed and are reported once each, in order.
		{"=xyz= by =ap=", "=xyz= by Associated Press", []string{"xyz"}},
		{"=xyz= =foo= =XYZ= =foo=", "=xyz= =foo= =XYZ= =foo=", []string{"xyz", "foo"}},
		{"=foo=ap=", "=foo=ap=", []string{"foo"}},
		{"=2018= =h-23=", "=2018= =h-23=", []string{"2018", "h-23"}},
		// Not recursive: a replacement is inserted as it is.
		{"=self=", "=ap= photo", nil},
		// Invalid UTF-8 around a code is kept byte for byte.
		{"\xff=ap=\xfe", "\xffAssociated Press\xfe", nil},
		{"=a\xffp=", "=a\xffp=", nil},
	}
	for _, tc := range cases {
		got, unknown := c.Expand(tc.in)
		if got != tc.want || !reflect.DeepEqual(unknown, tc.unknown) {
			t.Errorf("Expand(%q) = %q, %q; want %q, %q", tc.in, got, unknown, tc.want, tc.unknown)
		}
	}

	var none Codes
	if got, unknown := none.Expand("By =jd= for =ap="); got != "By =jd= for =ap=" || !reflect.DeepEqual(unknown, []string{"jd", "ap"}) {
		t.Errorf("empty list Expand = %q, %q", got, unknown)
	}
}

func TestExpandWithTheLongestCodes(t *testing.T) {
	var c Codes
	code := strings.Repeat("é", MaxCode/2)
	if err := c.Set(code, "long"); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Expand("=" + code + "="); got != "long" {
		t.Errorf("Expand of the longest code = %q", got)
	}
}

// FuzzParseCodes checks, for any input, that ParseCodes never panics, that
// a refusal is a sentence of valid UTF-8 naming a line (or the encoding),
// and that a list it accepts is written back to text it reads as the same
// list, every code of which expands to its replacement.
func FuzzParseCodes(f *testing.F) {
	for _, s := range []string{
		"", "ap\tAssociated Press\n", "\uFEFFap\tAP\r\nrtr\tReuters\r\n", "// c\n\nap\tAP", "a p\tx", "ap\tAP\nAP\tx",
		"\tx", "ap\t", "ap", "x\ty\tz", "\xff\xfe", "a\t\xff", "é\tx\ne\u0301\ty", "=ap=\tx", "-\tx", "K\u212a\tx\nkk\ty",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseCodes(strings.NewReader(in))
		if err != nil {
			msg := ErrorMessage(err)
			if ErrorCode(err) != EInvalid || !utf8.ValidString(msg) || !strings.HasSuffix(msg, ".") ||
				!(strings.HasPrefix(msg, "Line ") || strings.Contains(msg, "UTF-16")) {
				t.Fatalf("ParseCodes(%q) refused with %q (code %q)", in, msg, ErrorCode(err))
			}
			return
		}
		var b strings.Builder
		if _, err := c.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		again, err := ParseCodes(strings.NewReader(b.String()))
		if err != nil || !reflect.DeepEqual(again.List(), c.List()) {
			t.Fatalf("round trip of %q: %q gives %q, %v", in, b.String(), again.List(), err)
		}
		for _, r := range c.List() {
			if got, unknown := c.Expand(" =" + r.Code + "= "); got != " "+r.Text+" " || len(unknown) != 0 {
				t.Fatalf("Expand(=%s=) = %q, %q; want %q", r.Code, got, unknown, r.Text)
			}
		}
	})
}

// FuzzExpand checks, for any text and list, that Expand never panics, keeps
// valid UTF-8 valid, returns text with no code in it unchanged (always so
// with an empty list), and reports as unknown only code-shaped words the
// list does not have, each of which is in the text between = signs.
func FuzzExpand(f *testing.F) {
	list := "ap\tAssociated Press\njd\tJane Doe\nself\t=ap=\n"
	for _, s := range []string{
		"", "=ap=", "a = b", "2+2=4", "x=y=z", "==ap==", "=ap==jd=", "=xyz=", "=self=", "=a\xffp=", "\xff=ap=",
		"=zu\u0308rich=", "=K\u212a=", "=" + strings.Repeat("a", 50) + "=", "=-=", "=_=", "==", "===",
	} {
		f.Add(list, s)
		f.Add("", s)
	}
	f.Fuzz(func(t *testing.T, tsv, text string) {
		var none Codes
		if got, _ := none.Expand(text); got != text {
			t.Fatalf("an empty list changed %q to %q", text, got)
		}
		c, err := ParseCodes(strings.NewReader(tsv))
		if err != nil {
			return
		}
		got, unknown := c.Expand(text)
		if utf8.ValidString(text) && !utf8.ValidString(got) {
			t.Fatalf("Expand(%q) = %q, not valid UTF-8", text, got)
		}
		if !strings.Contains(text, "=") && got != text {
			t.Fatalf("Expand(%q) = %q, though it has no =", text, got)
		}
		seen := map[string]bool{}
		for _, u := range unknown {
			if !codeShaped(u) || !strings.Contains(text, "="+u+"=") {
				t.Fatalf("Expand(%q) reports %q as an unknown code", text, u)
			}
			if _, ok := c.Lookup(u); ok {
				t.Fatalf("Expand(%q) reports the known code %q as unknown", text, u)
			}
			if seen[NameKey(u)] {
				t.Fatalf("Expand(%q) reports %q twice", text, u)
			}
			seen[NameKey(u)] = true
		}
		// Codes not in the list leave the text as it was.
		if c.Len() == 0 && got != text {
			t.Fatalf("an empty parsed list changed %q to %q", text, got)
		}
	})
}
