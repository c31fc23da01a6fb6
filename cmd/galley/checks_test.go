package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// checksLibrary makes a library holding one Q&A piece, slug "water-talks",
// whose answer misspells "negotiators" and spells "kilometres" the
// British way, and returns its path.
func checksLibrary(t *testing.T, change func(p *galley.Piece)) string {
	t.Helper()
	lib := filepath.Join(t.TempDir(), "lib.galley")
	st, err := store.Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := &galley.Piece{
		Title: "Water Talks", Slug: "water-talks", Type: "Q&A",
		Summary:      "Our fellow Ana Okafor looks at the reservoirs.",
		Contributors: []galley.Contributor{{Name: "Ana Okafor"}},
		Topics:       []string{"Water"},
		QA:           []galley.QA{{Question: "What did the talks achieve?", Answer: "The negociators agreed on forty kilometres of river."}},
	}
	if change != nil {
		change(p)
	}
	if err := st.SavePiece(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestChecksPrintsEachFailingCheckAndExitsOne(t *testing.T) {
	lib := checksLibrary(t, func(p *galley.Piece) { p.Summary = "" })
	r := galleyCmd(t, nil, "--db", lib, "checks", "water-talks")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 1 || len(lines) != 3 {
		t.Fatalf("checks = %+v; want exit 1 and three lines: the summary, and two spellings", r)
	}
	if !strings.HasPrefix(lines[0], "The piece has no summary") {
		t.Errorf("line 1 = %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "Possible misspelling: “negociators” (negotiators") || !strings.HasSuffix(lines[1], "?) in the answer to question 1.") {
		t.Errorf("line 2 = %q", lines[1])
	}
	// Galley's default language is American English.
	if !strings.HasPrefix(lines[2], "Possible misspelling: “kilometres” (kilometers") {
		t.Errorf("line 3 = %q", lines[2])
	}
	if !strings.Contains(r.stderr, "“Water Talks”: 3 checks fail before publishing") {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestChecksPassOnceTheWordsAreRightOrKnown(t *testing.T) {
	lib := checksLibrary(t, func(p *galley.Piece) {
		p.QA[0].Answer = "The negotiators agreed on forty kilometres of river, Lavrov said."
	})
	st, err := store.Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.PieceBySlug(context.Background(), "water-talks")
	if err != nil {
		t.Fatal(err)
	}
	// One word for the whole library, one for this piece alone.
	if err := st.AddWord(context.Background(), "Lavrov"); err != nil {
		t.Fatal(err)
	}
	if err := st.IgnoreWord(context.Background(), p.ID, "kilometres"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	r := galleyCmd(t, nil, "--db", lib, "checks", "water-talks")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "ready") {
		t.Errorf("checks of a piece with nothing to put right = %+v; want exit 0 and no lines", r)
	}
}

func TestChecksInTheLanguageAskedFor(t *testing.T) {
	lib := checksLibrary(t, func(p *galley.Piece) { p.QA[0].Answer = "Forty kilometres of river." })
	if r := galleyCmd(t, nil, "--db", lib, "checks", "water-talks"); r.code != 1 || !strings.Contains(r.stdout, "“kilometres”") {
		t.Fatalf("in American English = %+v", r)
	}
	if r := galleyCmd(t, nil, "--db", lib, "checks", "--language", "en_GB", "water-talks"); r.code != 0 || r.stdout != "" {
		t.Errorf("--language en_GB = %+v; British English spells it so", r)
	}
	// A British locale picks British English for a library with no
	// language of its own.
	if r := galleyCmd(t, map[string]string{"LANG": "en_GB.UTF-8"}, "--db", lib, "checks", "water-talks"); r.code != 0 {
		t.Errorf("in an en_GB locale = %+v", r)
	}
}

func TestChecksWithoutADictionarySayWhatToInstall(t *testing.T) {
	lib := checksLibrary(t, func(p *galley.Piece) { p.QA[0].Answer = "Negociators." })
	// No Hunspell dictionary is named xx_YY: spelling is not checked,
	// the other checks still decide.
	r := galleyCmd(t, nil, "--db", lib, "checks", "--language", "xx_YY", "water-talks")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "spelling not checked") || !strings.Contains(r.stderr, "install the package hunspell-xx") {
		t.Errorf("checks with no dictionary = %+v", r)
	}
}

func TestChecksUsageMistakes(t *testing.T) {
	lib := checksLibrary(t, nil)
	for _, args := range [][]string{
		{"checks"},
		{"checks", "water-talks", "another"},
		{"checks", "--language", "not a language!", "water-talks"},
	} {
		if r := galleyCmd(t, nil, append([]string{"--db", lib}, args...)...); r.code != 2 {
			t.Errorf("%q = %+v, want exit 2", args, r)
		}
	}
	if r := galleyCmd(t, nil, "--db", lib, "checks", "no-such-piece"); r.code != 1 || r.stdout != "" {
		t.Errorf("checks of a piece not in the library = %+v", r)
	}
	if r := galleyCmd(t, nil, "help"); !strings.Contains(r.stdout, "checks [--language LANG] SLUG") {
		t.Errorf("the usage does not list checks")
	}
}

// Raw HTML the page would leave out fails the pre-publish checks, so a
// script gating publication sees it.
func TestChecksNameRawHTML(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pieces.json"), []byte(`{"format": "galley.bundle/1", "pieces": [
 {"title": "An Embed", "type": "Analysis", "status": "draft", "summary": "A summary.",
  "contributors": [{"name": "Ada Quill"}], "topics": ["Water"],
  "body": "Before.\n\n<iframe src=\"https://video.example.org/embed/1\"></iframe>"}]}`), 0o644)
	lib := filepath.Join(dir, "lib.galley")
	if r := galleyCmd(t, nil, "--db", lib, "import", dir); r.code != 0 {
		t.Fatalf("import = %+v", r)
	}
	r := galleyCmd(t, map[string]string{"HOME": dir}, "--db", lib, "checks", "an-embed")
	if r.code != 1 || !strings.Contains(r.stdout, "The body holds raw HTML the published page leaves out: <iframe") {
		t.Errorf("checks = %+v", r)
	}
}
