package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// result is what one invocation printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// galleyCmd runs the command line in-process with the given environment.
func galleyCmd(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	code := run(context.Background(), args, env{stdout: &out, stderr: &errb, getenv: getenv})
	return result{code, out.String(), errb.String()}
}

// importTestBundle imports the test bundle into the library at lib (made
// if need be), failing the test if it does not import.
func importTestBundle(t *testing.T, lib string) {
	t.Helper()
	if r := galleyCmd(t, nil, "--db", lib, "import", writeTestBundle(t)); r.code != 0 {
		t.Fatal(r)
	}
}

func writeTestBundle(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "incoming")
	os.MkdirAll(filepath.Join(dir, "img"), 0o755)
	index := `{
  "format": "galley.bundle/1",
  "pieces": [
    {"title": "Hydropower and Its Discontents", "type": "Analysis", "status": "published", "published": "2024-11-14",
     "summary": "Dams, again.", "topics": ["Energy"], "related": ["grid-talks"],
     "photos": [{"file": "img/dam.jpg", "alt": "A dam", "caption": "A dam at noon.", "credit": "A. Photographer/Agency", "lead": true}]},
    {"title": "Grid Talks", "slug": "grid-talks", "type": "Q&A", "status": "draft",
     "qa": [{"question": "Why the grid?", "answer": "Because interconnectors matter."}]}
  ]
}`
	os.WriteFile(filepath.Join(dir, "pieces.json"), []byte(index), 0o644)
	os.WriteFile(filepath.Join(dir, "img", "dam.jpg"), fixture.JPEG(40, 30, 1), 0o644)
	return dir
}

func TestImportListExportImport(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib.galley")
	r := galleyCmd(t, nil, "--db", lib, "import", writeTestBundle(t))
	if r.code != 0 || !strings.Contains(r.stdout, "2 created, 0 updated, 0 unchanged") {
		t.Fatalf("import = %+v", r)
	}
	r = galleyCmd(t, nil, "--db", lib, "list")
	// Newest first: the undated draft was created today.
	want := "grid-talks                      draft      -           Grid Talks\n" +
		"hydropower-and-its-discontents  published  2024-11-14  Hydropower and Its Discontents\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("list = %+v", r)
	}
	// The search index reaches answers; filters narrow.
	r = galleyCmd(t, nil, "list", "--db", lib, "--query", "interconn")
	if strings.TrimSpace(r.stdout) == "" || !strings.HasPrefix(r.stdout, "grid-talks") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("list --query = %+v", r)
	}
	for _, args := range [][]string{{"--status", "draft"}, {"--type", "Q&A"}, {"--query", "why grid"}} {
		r = galleyCmd(t, nil, append([]string{"--db", lib, "list"}, args...)...)
		if strings.Count(r.stdout, "\n") != 1 || !strings.HasPrefix(r.stdout, "grid-talks") {
			t.Errorf("list %v = %+v", args, r)
		}
	}
	r = galleyCmd(t, nil, "--db", lib, "list", "--topic", "Energy")
	if !strings.HasPrefix(r.stdout, "hydropower") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("list --topic = %+v", r)
	}

	out := filepath.Join(dir, "export", "bundle.zip")
	r = galleyCmd(t, nil, "--db", lib, "export", "json", "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "Exported 2 pieces") {
		t.Fatalf("export = %+v", r)
	}
	lib2 := filepath.Join(dir, "second.galley")
	if r = galleyCmd(t, nil, "--db", lib2, "import", out); r.code != 0 {
		t.Fatalf("import of the export = %+v", r)
	}
	a := galleyCmd(t, nil, "--db", lib, "list").stdout
	b := galleyCmd(t, nil, "--db", lib2, "list").stdout
	if a != b {
		t.Errorf("lists differ after export and import:\n%s\n%s", a, b)
	}
	// GALLEY_DB chooses the library when --db is absent.
	if c := galleyCmd(t, map[string]string{"GALLEY_DB": lib2}, "list").stdout; c != a {
		t.Errorf("GALLEY_DB list = %q", c)
	}
}

func TestBadImportExitsNonZeroAndChangesNothing(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib.galley")
	importTestBundle(t, lib)
	before := galleyCmd(t, nil, "--db", lib, "list").stdout

	bad := writeTestBundle(t)
	index, _ := os.ReadFile(filepath.Join(bad, "pieces.json"))
	broken := strings.Replace(string(index), `"related": ["grid-talks"]`, `"related": ["grid-talks", "no-such-piece"]`, 1)
	broken = strings.Replace(broken, `"Dams, again."`, `"Dams, changed."`, 1)
	os.WriteFile(filepath.Join(bad, "pieces.json"), []byte(broken), 0o644)

	r := galleyCmd(t, nil, "--db", lib, "import", bad)
	if r.code != 1 || !strings.Contains(r.stderr, "no-such-piece") || !strings.Contains(r.stderr, "Hydropower and Its Discontents") ||
		!strings.Contains(r.stderr, "Nothing was imported") {
		t.Errorf("bad import = %+v", r)
	}
	if after := galleyCmd(t, nil, "--db", lib, "list").stdout; after != before {
		t.Errorf("library changed:\n%s\n%s", before, after)
	}
	st, err := store.Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, _ := st.PieceBySlug(context.Background(), "hydropower-and-its-discontents")
	if p.Summary != "Dams, again." {
		t.Errorf("summary = %q: the failed import leaked an update", p.Summary)
	}
}

func TestNotALibraryIsRefusedUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(path, []byte("shopping list\n"), 0o644)
	r := galleyCmd(t, nil, "--db", path, "list")
	if r.code != 1 || !strings.Contains(r.stderr, "not a Galley library") {
		t.Errorf("list on a text file = %+v", r)
	}
	if data, _ := os.ReadFile(path); string(data) != "shopping list\n" {
		t.Error("the text file was changed")
	}
}

func TestUsageMistakesExitTwo(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib.galley")
	cases := [][]string{
		{"frobnicate"},
		{"--db", lib, "import"},
		{"--db", lib, "import", "a", "b"},
		{"--db", lib, "list", "--status", "archived"},
		{"--db", lib, "list", "--nonsense"},
		{"--db", lib, "list", "stray"},
		{"--db", lib, "export"},
		{"--db", lib, "export", "json"},
		{"--bogus-flag"},
	}
	for _, args := range cases {
		r := galleyCmd(t, nil, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "Usage:") || !strings.HasPrefix(r.stderr, "galley: ") {
			t.Errorf("%v = exit %d, stderr %q; want exit 2 with the usage", args, r.code, r.stderr)
		}
	}
	if r := galleyCmd(t, nil, "--help"); r.code != 0 || !strings.Contains(r.stdout, "Usage:") {
		t.Errorf("--help = %+v", r)
	}
}

func TestHTMLExport(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib.galley")
	vars := map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")}
	galleyCmd(t, vars, "--db", lib, "sample")
	for _, args := range [][]string{{"html"}, {"html", "--out", dir, "--date-style", "fancy"}, {"html", "--out", dir, "extra"}} {
		if r := galleyCmd(t, vars, append([]string{"--db", lib}, args...)...); r.code != 2 {
			t.Errorf("%v = %+v, want a usage error", args, r)
		}
	}
	out := filepath.Join(dir, "site")
	r := galleyCmd(t, vars, "--db", lib, "html", "--out", out, "--base-url", "https://example.org/")
	if r.code != 0 || !strings.Contains(r.stdout, "Exported 24 pages and 18 images") || !strings.Contains(r.stdout, "46 files written, 0 unchanged") {
		t.Fatalf("html = %+v", r)
	}
	if strings.Contains(r.stdout, export.NoBaseURLAdvice) {
		t.Errorf("with a base URL, html still advises setting one:\n%s", r.stdout)
	}
	// Without one, the editor learns what the pages lack and how to mend it.
	r = galleyCmd(t, vars, "--db", lib, "html", "--out", filepath.Join(dir, "nobase"))
	if r.code != 0 || !strings.Contains(r.stdout, "note: "+export.NoBaseURLAdvice) {
		t.Errorf("html without a base URL = %+v, want the note %q", r, export.NoBaseURLAdvice)
	}
	r = galleyCmd(t, vars, "--db", lib, "html", "--out", out, "--base-url", "https://example.org/")
	if r.code != 0 || !strings.Contains(r.stdout, "0 files written, 46 unchanged") {
		t.Errorf("second html = %+v", r)
	}
	if r := galleyCmd(t, vars, "--db", lib, "html", "--out", filepath.Join(dir, "one"), "--piece", "no-such-slug"); r.code != 1 || !strings.Contains(r.stderr, "no-such-slug") {
		t.Errorf("html --piece unknown = %+v", r)
	}
	frag := filepath.Join(dir, "fragments")
	r = galleyCmd(t, vars, "--db", lib, "html", "--out", frag, "--fragment", "--piece", "shared-basins-shared-data")
	data, err := os.ReadFile(filepath.Join(frag, "shared-basins-shared-data.html"))
	if r.code != 0 || err != nil || !strings.HasPrefix(string(data), `<article class="piece">`) {
		t.Errorf("html --fragment = %+v, %v", r, err)
	}
	if strings.Contains(r.stdout, export.NoBaseURLAdvice) {
		t.Errorf("a fragment, pasted into another site, is told it needs a base URL:\n%s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(vars["XDG_CACHE_HOME"], "galley", "images")); err != nil {
		t.Errorf("resized photos are not kept in the user's cache: %v", err)
	}
}

func TestDefaultLibraryStartsWithTheSampleDesk(t *testing.T) {
	data := t.TempDir()
	vars := map[string]string{"XDG_DATA_HOME": data, "HOME": t.TempDir()}
	r := galleyCmd(t, vars, "list")
	if r.code != 0 {
		t.Fatal(r)
	}
	path := filepath.Join(data, "galley", "library.galley")
	if !strings.Contains(r.stderr, path) || strings.Count(r.stdout, "\n") != 6 {
		t.Fatalf("first list = %+v; want 6 sample pieces in %s", r, path)
	}
	// Second use: the sample is not added again.
	if r2 := galleyCmd(t, vars, "list"); r2.stdout != r.stdout || r2.stderr != "" {
		t.Errorf("second list = %+v", r2)
	}

	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	list, _ := st.FindPieces(ctx, galley.Filter{Type: "Q&A"})
	if len(list) != 1 {
		t.Fatalf("sample Q&A pieces: %d", len(list))
	}
	qa, _ := st.Piece(ctx, list[0].ID)
	lead := qa.LeadPhoto()
	switch {
	case qa.Summary == "" || len(qa.Contributors) == 0 || qa.Contributors[0].Role == "":
		t.Error("the sample Q&A lacks a summary or a byline with a role")
	case len(qa.QA) != 4:
		t.Errorf("the sample Q&A has %d pairs, want 4", len(qa.QA))
	case lead == nil || lead.Caption == "" || lead.Credit == "" || lead.Alt == "" || lead.Image.Width < 1600:
		t.Errorf("the sample lead photo is incomplete: %+v", lead)
	case len(qa.Topics) != 2:
		t.Errorf("the sample Q&A has topics %v, want 2", qa.Topics)
	case len(qa.Related) < 4 || len(qa.Related) > 6:
		t.Errorf("the sample Q&A has %d related pieces, want 4 to 6", len(qa.Related))
	}
	types, topics := map[string]bool{}, map[string]bool{}
	for _, ref := range qa.Related {
		p, err := st.Piece(ctx, ref.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.LeadPhoto() == nil || p.Summary == "" || p.Status != galley.StatusPublished {
			t.Errorf("related sample %q needs a lead photo, a summary and to be published", p.Title)
		}
		types[p.Type] = true
		for _, tp := range p.Topics {
			topics[tp] = true
		}
	}
	if len(types) < 3 || len(topics) < 3 {
		t.Errorf("related samples span %d types and %d topics; want several of each", len(types), len(topics))
	}
}

func TestSampleCommandIsIdempotent(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib.galley")
	r := galleyCmd(t, nil, "--db", lib, "sample")
	if r.code != 0 || !strings.Contains(r.stdout, "6 created") {
		t.Fatalf("sample = %+v", r)
	}
	// An editor's changes to a sample piece survive asking for the sample again.
	st, err := store.Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := st.PieceBySlug(context.Background(), "why-mediators-should-talk-about-fish")
	p.Summary = "My own summary."
	if err := st.SavePiece(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r = galleyCmd(t, nil, "--db", lib, "sample")
	if r.code != 0 || !strings.Contains(r.stdout, "6 already in the library and kept") {
		t.Fatalf("sample again = %+v", r)
	}
	st, _ = store.Open(lib)
	defer st.Close()
	if p, _ := st.PieceBySlug(context.Background(), "why-mediators-should-talk-about-fish"); p.Summary != "My own summary." {
		t.Errorf("the sample command undid an edit: %q", p.Summary)
	}
}

func TestImportingAnOlderBundleIsAConflict(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib.galley")
	galleyCmd(t, nil, "--db", lib, "sample")
	out := filepath.Join(dir, "backup")
	if r := galleyCmd(t, nil, "--db", lib, "export", "json", "--out", out); r.code != 0 {
		t.Fatal(r)
	}
	st, err := store.Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := st.PieceBySlug(context.Background(), "shared-basins-shared-data")
	p.Summary = "Rewritten after the export."
	if err := st.SavePiece(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	st.Close()

	r := galleyCmd(t, nil, "--db", lib, "import", out)
	if r.code != 1 || !strings.Contains(r.stderr, "Shared Basins, Shared Data") || !strings.Contains(r.stderr, "--overwrite") {
		t.Fatalf("importing an older copy = %+v", r)
	}
	st, _ = store.Open(lib)
	p, _ = st.PieceBySlug(context.Background(), "shared-basins-shared-data")
	st.Close()
	if p.Summary != "Rewritten after the export." {
		t.Fatalf("the newer edit was overwritten: %q", p.Summary)
	}
	r = galleyCmd(t, nil, "--db", lib, "import", "--overwrite", out)
	if r.code != 0 || !strings.Contains(r.stdout, "1 updated, 5 unchanged") {
		t.Fatalf("import --overwrite = %+v", r)
	}
}

func TestCheckReportsASoundLibrary(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib.galley")
	galleyCmd(t, nil, "--db", lib, "sample")
	r := galleyCmd(t, nil, "--db", lib, "check")
	if r.code != 0 || !strings.Contains(r.stdout, "is sound (6 pieces)") {
		t.Errorf("check = %+v", r)
	}
}
