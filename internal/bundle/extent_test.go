package bundle_test

import (
	"strings"
	"testing"

	"app.galley/galley/internal/galley"
)

// TestTheIndexsValuesEndWhereTheJSONSays pins where the reader of
// pieces.json takes each value to end, word for word in its errors: a
// string at its closing quote whatever brackets and escaped quotes it
// holds, an object or list at its closing bracket, a literal at the next
// blank or delimiter, or at the end of the file; and a closing bracket
// where a value should be, or a file that ends inside a value, refused.
func TestTheIndexsValuesEndWhereTheJSONSays(t *testing.T) {
	const head = `{"format": "galley.bundle/1", "pieces": [`
	for _, c := range []struct{ index, want string }{
		{`{"format" : "galley.bundle/1"` + "\t" + `, "pieces": []}`, ""},
		{head + `{"title": "Brackets \"}]\" in a string\\", "topics": ["a]", "{b"], "qa": [{"question": "q}", "answer": "[a"}]}]}`, ""},
		{head + "\n" + `{"title": "A"}` + "\n\t]\r\n}\n", ""},
		// encoding/json reads a value cut off by the end of the file as if a
		// blank followed it.
		{`{"format": tru`, "line 1, column 14: the format: malformed JSON: invalid character ' ' in literal true (expecting 'e')."},
		{`{"format": 1}`, "line 1, column 12: the format should be text, such as \"galley.bundle/1\"."},
		{`{"format": nul, "pieces": []}`, "line 1, column 14: the format: malformed JSON: invalid character ' ' in literal null (expecting 'l')."},
		{`{"format": null, "pieces": []}`, "line 1, column 1: the \"format\" key is missing; a bundle starts {\"format\": \"galley.bundle/1\", ...}."},
		{`{"format": "galley.bundle/1"}`, "line 1, column 1: the \"pieces\" list is missing."},
		{head + `}`, "line 1, column 42: malformed JSON: invalid character '}' looking for beginning of value."},
		{head + `]`, "line 1, column 42: malformed JSON: the file ends too early (a bracket or quote is not closed)."},
		{head + `{"title": "A"}, ]}`, "line 1, column 58: malformed JSON: invalid character ']' looking for beginning of value."},
		{head + `tru]}`, "line 1, column 44: piece 1: malformed JSON: invalid character ' ' in literal true (expecting 'e')."},
		{head + "true\n]}", "line 1, column 46: piece 1: a value should be an object, not bool."},
		{head + `nul`, "line 1, column 44: piece 1: malformed JSON: invalid character ' ' in literal null (expecting 'l')."},
		{head + `{"title": "A"}}]}`, "line 1, column 56: malformed JSON: invalid character '}' after array element."},
		{head + `"unterminated`, "line 1, column 54: malformed JSON: the file ends too early (a bracket or quote is not closed)."},
		{head + `{"title": "a\`, "line 1, column 54: malformed JSON: invalid character ' ' in string escape code."},
		{head + `{"title": "A", "topics": [["x"]}]}`, "line 1, column 73: piece 1: malformed JSON: invalid character '}' after array element."},
	} {
		_, err := openWithin(t, writeBundle(t, c.index, nil))
		msg := galley.ErrorMessage(err)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s:\n%v, want it read", c.index, err)
			}
			continue
		}
		if galley.ErrorCode(err) != galley.EInvalid || !strings.HasSuffix(msg, "pieces.json, "+c.want) {
			t.Errorf("%s:\n got %v\nwant …pieces.json, %s", c.index, err, c.want)
		}
	}
}

// TestALongBodyIsReadWholeAcrossReads: a body far longer than one read of
// the file, dense with escaped quotes and backslashes, ends at its own
// closing quote and reads back byte for byte, wherever the reads cut it.
func TestALongBodyIsReadWholeAcrossReads(t *testing.T) {
	var raw, want strings.Builder
	for i := range 60_000 {
		switch i % 4 {
		case 0:
			raw.WriteString(`x\\\"`)
			want.WriteString(`x\"`)
		case 1:
			raw.WriteString(`\\`)
			want.WriteString(`\`)
		case 2:
			raw.WriteString(`]}\"`)
			want.WriteString(`]}"`)
		default:
			raw.WriteString(`y`)
			want.WriteString(`y`)
		}
	}
	index := `{"format": "galley.bundle/1", "pieces": [{"title": "Long", "body": "` + raw.String() + `"}, {"title": "After", "body": "b"}]}`
	b, err := openWithin(t, writeBundle(t, index, nil))
	if err != nil {
		t.Fatal(err)
	}
	var got []galley.Piece
	for p, err := range b.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p)
	}
	if len(got) != 2 || got[0].Body != want.String() || got[1].Title != "After" {
		t.Fatalf("read %d pieces; the long body matches: %v", len(got), len(got) > 0 && got[0].Body == want.String())
	}
}
