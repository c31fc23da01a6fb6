package galley

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestApplyTemplateFillsVariables(t *testing.T) {
	all := TemplateVars{Byline: "Jane Doe", Credit: "Reuters", City: "Lyon", Country: "France", Date: Date{2018, time.July, 16}}
	noCity := all
	noCity.City = " "
	noCountry := all
	noCountry.Country = ""
	noPlace := all
	noPlace.City, noPlace.Country = "", ""
	noByline := all
	noByline.Byline = "\t"
	noDate := all
	noDate.Date = Date{}
	padded := TemplateVars{Byline: "  Jane Doe ", Credit: " J. Smith Jr. "}
	cases := []struct {
		tmpl string
		v    TemplateVars
		want string
	}{
		{"", all, ""},
		{"No variables.", all, "No variables."},
		{"{byline}/{credit}", all, "Jane Doe/Reuters"},
		{"{city}, {country}, {date}", all, "Lyon, France, Monday, July 16, 2018"},
		{"{CITY} { Country }", all, "Lyon France"},
		{"{{city}} is written {city}", all, "{city} is written Lyon"},
		{"{{{city}}}", all, "{Lyon}"},
		{"}}{{", all, "}{"},
		{"  {city}  ", all, "Lyon"},
		{"{date}", TemplateVars{Date: Date{2026, time.September, 8}}, "Tuesday, September 8, 2026"},
		{"{byline}", padded, "Jane Doe"},
		// An empty variable takes the separator before it...
		{"{city}, {country}", noCountry, "Lyon"},
		{"{city}, {country}.", noCountry, "Lyon."},
		{"{city}, {country} — {date}", noCountry, "Lyon — Monday, July 16, 2018"},
		{"{byline}/{credit} — {city}", TemplateVars{Byline: "Jane Doe", City: "Lyon"}, "Jane Doe — Lyon"},
		{"{city} {country} {date}", noCountry, "Lyon Monday, July 16, 2018"},
		{"Photo by {byline}", noByline, "Photo by"},
		{"{credit} {byline}", padded, "J. Smith Jr. Jane Doe"},
		{"{credit}: {city}", TemplateVars{Credit: " J. Smith Jr. "}, "J. Smith Jr."},
		// ... or, with nothing before it, the one after it.
		{"{city}, {country}", noCity, "France"},
		{"{city} {country}", noCity, "France"},
		{"{city}, {country} — {date}", noCity, "France — Monday, July 16, 2018"},
		{"{city}, {country}, {date}", noPlace, "Monday, July 16, 2018"},
		{"{date}. {city}", noDate, "Lyon"},
		{"{city}, {country}", TemplateVars{}, ""},
		{"{city}, {country}.", TemplateVars{}, ""},
		{"{byline} / {credit}", noByline, "Reuters"},
		// An empty variable alone in brackets takes them with it.
		{"{credit} ({byline})", noByline, "Reuters"},
		{"{credit} [{byline}] {city}", noByline, "Reuters Lyon"},
		{"({byline}) {credit}", noByline, "Reuters"},
		{"{credit} ({city}, {country})", noCity, "Reuters (France)"},
		{"{credit} ({city}, {country})", noCountry, "Reuters (Lyon)"},
		{"{credit} ({city}, {country}) — {date}", noPlace, "Reuters — Monday, July 16, 2018"},
		{"{credit} ({city}{country})", noPlace, "Reuters"},
		// Literal text away from empty variables is kept as written.
		{"Photo: {credit} -- {byline}", all, "Photo: Reuters -- Jane Doe"},
		{"{city}{country}", noCity, "France"},
		{"{{}}{city}", noCity, "{}"},
	}
	for _, tc := range cases {
		got, err := ApplyTemplate(tc.tmpl, tc.v, "old text", false)
		if err != nil || got != tc.want {
			t.Errorf("ApplyTemplate(%q, %+v) = %q, %v; want %q", tc.tmpl, tc.v, got, err, tc.want)
		}
	}
}

func TestApplyTemplateAppends(t *testing.T) {
	v := TemplateVars{Credit: "Reuters", City: "Lyon"}
	cases := []struct {
		tmpl, current, want string
	}{
		{"{credit}", "Crowds in the square.", "Crowds in the square. Reuters"},
		{"{credit}", "Crowds in the square.  \n", "Crowds in the square. Reuters"},
		{"{credit}", "", "Reuters"},
		{"{credit}", "   ", "Reuters"},
		{"({city})", "Crowds.", "Crowds. (Lyon)"},
		// No duplicate when the text already ends with the result.
		{"{credit}", "Photo: Reuters", "Photo: Reuters"},
		{"{credit}", "Photo: Reuters ", "Photo: Reuters "},
		{"{credit}", "Reuters", "Reuters"},
		{"{city}, {country}", "Crowds/Lyon", "Crowds/Lyon"},
		{"{credit}", "Photo:Reuters", "Photo:Reuters"},
		// ... but a word that merely ends the same way is not the result.
		{"{city}", "Fabrique de Blyon", "Fabrique de Blyon Lyon"},
		// An empty result changes nothing.
		{"{byline}", "Crowds.", "Crowds."},
		{"", "Crowds. ", "Crowds. "},
	}
	for _, tc := range cases {
		got, err := ApplyTemplate(tc.tmpl, v, tc.current, true)
		if err != nil || got != tc.want {
			t.Errorf("append %q to %q = %q, %v; want %q", tc.tmpl, tc.current, got, err, tc.want)
		}
	}
	if got, err := ApplyTemplate("{byline}", v, "Crowds.", false); got != "" || err != nil {
		t.Errorf("replacing with an empty result = %q, %v; want the field emptied", got, err)
	}
}

func TestApplyTemplateRefusesBadTemplates(t *testing.T) {
	cases := []struct {
		tmpl string
		want []string
	}{
		{"{city}, {cty}", []string{`"{cty}"`, "not a variable", "{byline}, {credit}, {city}, {country} and {date}"}},
		{"{}", []string{`"{}"`, "not a variable"}},
		{"{photographer}", []string{`"{photographer}"`}},
		{"{ci{ty}", []string{`"{ci{ty}"`}},
		{"{" + strings.Repeat("x", 100) + "}", []string{"not a variable", "…"}},
		{"{city", []string{`"{"`, "never closed", "{{"}},
		{"Photo {city} and {", []string{"never closed", "near “…oto {city} and {”"}},
		{"{city}}", []string{`"}"`, "no \"{\" before it", "}}"}},
		{"a } b", []string{"near “a } b”"}},
		{"{c\xffity}", []string{"not a variable"}},
		{"{ci\nty}", []string{`"{ci ty}"`}},
	}
	for _, tc := range cases {
		// The template is refused whatever the values, even all empty.
		for _, v := range []TemplateVars{{}, {Byline: "B", Credit: "C", City: "Lyon", Country: "France", Date: Date{2018, 7, 16}}} {
			got, err := ApplyTemplate(tc.tmpl, v, "current", true)
			if err == nil {
				t.Errorf("ApplyTemplate(%q) = %q, want an error", tc.tmpl, got)
				continue
			}
			msg := ErrorMessage(err)
			if ErrorCode(err) != EInvalid || !utf8.ValidString(msg) || !strings.HasSuffix(msg, ".") || strings.Contains(msg, "\n") {
				t.Errorf("ApplyTemplate(%q) = %v (code %q), want an invalid error in one sentence", tc.tmpl, err, ErrorCode(err))
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("ApplyTemplate(%q) message %q does not contain %q", tc.tmpl, msg, w)
				}
			}
		}
	}
}

func TestLongDateIsTheHouseStyle(t *testing.T) {
	cases := map[Date]string{
		{2018, time.July, 16}:     "Monday, July 16, 2018",
		{2018, time.July, 17}:     "Tuesday, July 17, 2018",
		{2024, time.February, 29}: "Thursday, February 29, 2024",
		{2026, time.January, 1}:   "Thursday, January 1, 2026",
		{}:                        "",
	}
	for d, want := range cases {
		if got := longDate(d); got != want {
			t.Errorf("longDate(%v) = %q, want %q", d, got, want)
		}
	}
}

// FuzzApplyTemplate checks, for any template and values, that ApplyTemplate
// never panics, gives valid UTF-8 from valid UTF-8, refuses only with a
// sentence, leaves no surrounding space, and that the result of a template
// with no variables is its text with the braces unescaped.
func FuzzApplyTemplate(f *testing.F) {
	for _, s := range []string{
		"", "{city}, {country}", "{credit} ({byline})", "{{city}}", "{cty}", "{", "}", "{city}}", "({city}{country})",
		"{date}. {city}", " , {city} ,", "{byline}/{credit} — {date}", "[{city}]", "(", "{\xff}",
	} {
		f.Add(s, "Lyon", "", "existing", false)
		f.Add(s, "", "France", "", true)
	}
	f.Fuzz(func(t *testing.T, tmpl, city, country, current string, appendMode bool) {
		v := TemplateVars{City: city, Country: country, Byline: "Jane Doe", Date: Date{2018, 7, 16}}
		got, err := ApplyTemplate(tmpl, v, current, appendMode)
		if err != nil {
			if msg := ErrorMessage(err); ErrorCode(err) != EInvalid || !utf8.ValidString(msg) || !strings.HasSuffix(msg, ".") {
				t.Fatalf("ApplyTemplate(%q) refused with %q", tmpl, msg)
			}
			return
		}
		valid := utf8.ValidString(tmpl) && utf8.ValidString(city) && utf8.ValidString(country) && utf8.ValidString(current)
		if valid && !utf8.ValidString(got) {
			t.Fatalf("ApplyTemplate(%q) = %q, not valid UTF-8", tmpl, got)
		}
		if !appendMode && got != strings.TrimSpace(got) {
			t.Fatalf("ApplyTemplate(%q) = %q has surrounding space", tmpl, got)
		}
		if !strings.ContainsAny(tmpl, "{}") && !appendMode && got != strings.TrimSpace(tmpl) {
			t.Fatalf("ApplyTemplate(%q) without variables = %q", tmpl, got)
		}
		if appendMode && got != current && !strings.HasPrefix(got, strings.TrimRightFunc(current, unicode.IsSpace)) {
			t.Fatalf("appending to %q gave %q, which lost the text", current, got)
		}
	})
}

func TestEmptyTemplateVarsNamesWhatAPhotoLacks(t *testing.T) {
	v := TemplateVars{Credit: "Reuters", City: "  "}
	got, err := EmptyTemplateVars("{City}, {country} ({credit}) {city} {date}", v)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"{city}", "{country}", "{date}"}; !slices.Equal(got, want) {
		t.Errorf("empty variables %q, want %q", got, want)
	}
	if _, err := EmptyTemplateVars("{cty}", v); err == nil {
		t.Error("a mistyped template gave no error")
	}
}
