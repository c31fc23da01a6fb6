package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/assets"
	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// misspeltInterview is a Q&A whose words a copy editor would stop at:
// "negociators" in the second answer (long enough to wrap several times
// in the desk), "recieve" in the summary, "abuve" in the photo's alt
// text; the rest is known, names included.
func misspeltInterview() *galley.Piece {
	return &galley.Piece{
		Title: "Talks on the Reservoirs", Type: "Q&A",
		Summary:      "Our senior fellow Ada Quill says the dams will recieve more water.",
		Contributors: []galley.Contributor{{Name: "Ada Quill", Role: "senior fellow"}},
		Topics:       []string{"Water"},
		QA: []galley.QA{
			{Question: "What changed?", Answer: "The reservoirs filled."},
			{Question: "Who sat at the table?", Answer: strings.Repeat("The talks went on for days, and the delegations met every morning. ", 6) +
				"In the end the negociators agreed, and the talks closed."},
		},
		Photos: []galley.Photo{{Data: fixture.JPEG(60, 40, 1), Alt: "A dam seen from abuve", Caption: "A dam at noon.", Credit: "Pat Lens/Agency", Lead: true}},
	}
}

// spellingDesk opens a queued desk on lib, its spelling check run once
// by the test's own hand (the pause after typing is an hour).
func spellingDesk(t *testing.T, lib Library) (*Desk, *uiQueue) {
	t.Helper()
	d, q := queuedDesk(t, lib)
	d.editor.spell.delay = time.Hour
	checkSpelling(d, q)
	return d, q
}

// checkSpelling runs the spelling check now and waits for its result.
func checkSpelling(d *Desk, q *uiQueue) {
	pump(d, q)
	d.editor.spell.run()
	pump(d, q)
}

func listed(s *spellingPanel) []string {
	var out []string
	for _, m := range s.list {
		out = append(out, m.Word)
	}
	return out
}

func TestSpellingListsTheUnknownWordsOfThePiece(t *testing.T) {
	lib := testLibrary(t, misspeltInterview())
	d, _ := spellingDesk(t, lib)
	s := d.editor.spell
	if got := listed(s); !slices.Equal(got, []string{"recieve", "negociators", "abuve"}) {
		t.Fatalf("the spelling list holds %v", got)
	}
	if s.button.Text != "3 spellings" {
		t.Errorf("the button says %q", s.button.Text)
	}
	test.Tap(s.button)
	if s.popup == nil {
		t.Fatal("the button does not open the list")
	}
	markup := test.RenderObjectToMarkup(s.popup)
	for _, want := range []string{"“negociators”", "in the answer to question 2", ">negotiators<", "Add to word list", "Ignore", "Show"} {
		if !strings.Contains(markup, want) {
			t.Errorf("the list does not show %q:\n%s", want, markup)
		}
	}
	if choose := languageChoice(t, s); choose.Selected != "American English (en_US)" {
		t.Errorf("the language shown is %q", choose.Selected)
	}
}

// languageChoice is the language list at the head of the open spelling list.
func languageChoice(t *testing.T, s *spellingPanel) *widget.Select {
	t.Helper()
	var choose *widget.Select
	walk(t, s.popup, func(o fyne.CanvasObject) {
		if sel, ok := o.(*widget.Select); ok {
			choose = sel
		}
	})
	if choose == nil {
		t.Fatal("the spelling list has no language list")
	}
	return choose
}

func TestSpellingFollowsTypingInTheBackground(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Talks", Summary: "The talks went well."})
	d, q := queuedDesk(t, lib)
	e := d.editor
	e.spell.delay = time.Millisecond
	pump(d, q)
	e.selectTab(e.story.content)
	test.Type(e.story.summary, " The negociators agreed.")
	// Typing went on without the check: it runs after the pause, on a
	// copy, and hands its result over only through the queue.
	if len(e.spell.list) != 0 {
		t.Fatal("the check ran while typing")
	}
	// pump waits for the check's job and runs what it hands over.
	waitFor(t, "the check's result", func() bool { pump(d, q); return e.spell.checked })
	if got := listed(e.spell); !slices.Equal(got, []string{"negociators"}) {
		t.Errorf("after typing, the list holds %v", got)
	}
	if !e.dirty {
		t.Error("the piece was saved: spelling follows the words before they are saved")
	}
}

// TestShowSelectsTheWordInItsField: "Show" takes the editor to the tab,
// focuses the field and selects the word, also deep in an answer that
// wraps over many rows.
func TestShowSelectsTheWordInItsField(t *testing.T) {
	lib := testLibrary(t, misspeltInterview())
	d, _ := spellingDesk(t, lib)
	e := d.editor
	for _, size := range []fyne.Size{fyne.NewSize(1280, 800), fyne.NewSize(900, 700)} {
		d.win.Resize(size)
		for _, m := range e.spell.list {
			e.tabs.SelectIndex(4) // elsewhere, so Show must change tabs
			e.spell.showWord(m)
			f := e.spell.field(m.Places[0].Field)
			if f == nil {
				t.Fatalf("no field for %v", m.Places[0].Field)
			}
			if got := e.tabs.Selected().Content; got != e.partTab(m.Places[0].Field.Part()) {
				t.Errorf("%s: Show did not go to its tab", m.Word)
			}
			if d.win.Canvas().Focused() != f.focus {
				t.Errorf("%s: Show did not focus its field", m.Word)
			}
			if got := f.entry.SelectedText(); got != m.Word {
				t.Errorf("at %v, %s: the field's selection is %q", size, m.Word, got)
			}
		}
	}
	// What Show selected is what typing replaces.
	ans := e.qa.rows[1].answer
	e.spell.showWord(e.spell.list[1])
	test.Type(ans, "negotiators")
	if !strings.Contains(e.piece.QA[1].Answer, "the negotiators agreed") || strings.Contains(e.piece.QA[1].Answer, "negociators") {
		t.Errorf("typing over the selection gave %q", e.piece.QA[1].Answer[len(e.piece.QA[1].Answer)-60:])
	}
}

func TestAWordAddedToTheWordListIsKnownInEveryPiece(t *testing.T) {
	other := &galley.Piece{Title: "Grid", Summary: "Interconnectors again."}
	lib := testLibrary(t, other, &galley.Piece{Title: "Links", Summary: "Interconnectors link grids."})
	d, q := spellingDesk(t, lib)
	e := d.editor
	if got := listed(e.spell); !slices.Equal(got, []string{"Interconnectors"}) {
		t.Fatalf("the list holds %v", got)
	}
	test.Tap(e.spell.button)
	tapButton(t, d.win, "Add to word list")
	pump(d, q)
	if got, _ := lib.Words(context.Background()); !slices.Equal(got, []string{"Interconnectors"}) {
		t.Errorf("the library's word list is %q", got)
	}
	if len(e.spell.list) != 0 {
		t.Errorf("after adding it, the list holds %v", listed(e.spell))
	}
	// Another piece knows it too.
	if !e.open(other.ID) {
		t.Fatal("the other piece did not open")
	}
	checkSpelling(d, q)
	if len(e.spell.list) != 0 || !e.spell.checked {
		t.Errorf("in another piece, the list holds %v", listed(e.spell))
	}
}

func TestAnIgnoredWordStandsInThisPieceOnly(t *testing.T) {
	first := &galley.Piece{Title: "First", Summary: "Shoigu spoke."}
	lib := testLibrary(t, first, &galley.Piece{Title: "Second", Summary: "Shoigu spoke again."})
	d, q := spellingDesk(t, lib)
	e := d.editor
	test.Tap(e.spell.button)
	tapButton(t, d.win, "Ignore")
	pump(d, q)
	if len(e.spell.list) != 0 {
		t.Fatalf("after Ignore, the list holds %v", listed(e.spell))
	}
	second := e.piece.ID
	if !e.open(first.ID) {
		t.Fatal("the first piece did not open")
	}
	checkSpelling(d, q)
	if got := listed(e.spell); !slices.Equal(got, []string{"Shoigu"}) {
		t.Errorf("in another piece the list holds %v; ignoring is for one piece", got)
	}
	// Kept with the piece: it is still ignored when the piece is opened again.
	if !e.open(second) {
		t.Fatal("the second piece did not open again")
	}
	checkSpelling(d, q)
	if len(e.spell.list) != 0 {
		t.Errorf("reopened, the piece lists %v", listed(e.spell))
	}
}

func TestASuggestionReplacesTheWord(t *testing.T) {
	lib := testLibrary(t, misspeltInterview())
	d, q := spellingDesk(t, lib)
	e := d.editor
	test.Tap(e.spell.button)
	tapButton(t, d.win, "receive")
	if e.piece.Summary != "Our senior fellow Ada Quill says the dams will receive more water." || !e.dirty {
		t.Errorf("after choosing “receive”, the summary is %q (unsaved: %v)", e.piece.Summary, e.dirty)
	}
	checkSpelling(d, q)
	if got := listed(e.spell); slices.Contains(got, "recieve") {
		t.Errorf("the list still holds recieve: %v", got)
	}
}

// TestWithoutADictionarySpellingIsNotCheckedAndSavingGoesOn: a library
// in a language with no dictionary installed says what to install, and
// the piece saves as ever.
func TestWithoutADictionarySpellingIsNotCheckedAndSavingGoesOn(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Talks", Summary: "Negociators."})
	if err := lib.SetSpellingLanguage(context.Background(), "xx_YY"); err != nil {
		t.Fatal(err)
	}
	d, q := spellingDesk(t, lib)
	e := d.editor
	if e.spell.button.Text != "Spelling not checked" {
		t.Errorf("the button says %q", e.spell.button.Text)
	}
	test.Tap(e.spell.button)
	markup := test.RenderObjectToMarkup(e.spell.popup)
	if !strings.Contains(markup, "install the package hunspell-xx") {
		t.Errorf("the list does not say what to install:\n%s", markup)
	}
	e.spell.hide()
	e.selectTab(e.story.content)
	test.Type(e.story.summary, "More. ")
	if !e.save(true) || stored(t, lib, e.piece.ID).Summary != "More. Negociators." {
		t.Errorf("the piece did not save: %q, %q", e.stateText(), stored(t, lib, e.piece.ID).Summary)
	}
	// Choosing an installed language checks in it.
	e.spell.setLanguage("en_US")
	pump(d, q)
	if got := listed(e.spell); !slices.Equal(got, []string{"Negociators"}) {
		t.Errorf("in en_US the list holds %v (checked %v, %v)", got, e.spell.checked, e.spell.err)
	}
	if lang, _ := lib.SpellingLanguage(context.Background()); lang != "en_US" {
		t.Errorf("the library's language is %q", lang)
	}
}

func TestTheLanguageListNamesTheInstalledDictionaries(t *testing.T) {
	lib := testLibrary(t, &galley.Piece{Title: "Water", Summary: "Forty kilometres of river."})
	d, q := spellingDesk(t, lib)
	e := d.editor
	if got := listed(e.spell); !slices.Equal(got, []string{"kilometres"}) {
		t.Fatalf("in American English the list holds %v", got)
	}
	test.Tap(e.spell.button)
	choose := languageChoice(t, e.spell)
	if !slices.Contains(choose.Options, "British English (en_GB)") {
		t.Fatalf("the language list is %v", choose)
	}
	choose.SetSelected("British English (en_GB)")
	pump(d, q)
	if len(e.spell.list) != 0 || e.spell.lang != "en_GB" {
		t.Errorf("in British English the list holds %v (%s)", listed(e.spell), e.spell.lang)
	}
}

// TestAPageInAnotherLanguageIsListedShort: a hundred unknown words are
// listed at once (their suggestions come with later checks) and the list
// stops at a screenful, asking about the language.
func TestAPageInAnotherLanguageIsListedShort(t *testing.T) {
	var words []string
	for i := range 100 {
		words = append(words, "zq"+string(rune('a'+i/26))+string(rune('a'+i%26))+"vexlor")
	}
	lib := testLibrary(t, &galley.Piece{Title: "Elsewhere", Summary: strings.Join(words, " ")})
	start := time.Now()
	d, _ := spellingDesk(t, lib)
	took := time.Since(start)
	e := d.editor
	if len(e.spell.list) != 100 {
		t.Fatalf("the list holds %d words", len(e.spell.list))
	}
	if took > 10*time.Second {
		t.Errorf("the first check took %v", took)
	}
	test.Tap(e.spell.button)
	markup := test.RenderObjectToMarkup(e.spell.popup)
	if !strings.Contains(markup, "… and 40 more words. Is the piece in another language than American English?") {
		t.Errorf("the list of a hundred words does not stop at a screenful:\n%s", markup[len(markup)-1500:])
	}
}

func TestFindWordTakesTheNearestOccurrence(t *testing.T) {
	text := []rune("teh cat and teh dog")
	for _, tc := range []struct{ start, want int }{{0, 0}, {12, 12}, {10, 12}, {3, 0}, {40, 12}} {
		if got, ok := findWord(text, "teh", tc.start); !ok || got != tc.want {
			t.Errorf("findWord at %d = %d, %v; want %d", tc.start, got, ok, tc.want)
		}
	}
	if _, ok := findWord(text, "fish", 0); ok {
		t.Error("found a word that is not there")
	}
}

// TestScreenshotSpelling draws docs/screenshots/desk-spelling.png: the
// sample interview with a word mistyped in its first answer, and the
// spelling list open over the Q&A tab. Like TestScreenshots, it writes
// to the folder named by GALLEY_SCREENSHOTS and is skipped without it.
func TestScreenshotSpelling(t *testing.T) {
	dir := os.Getenv("GALLEY_SCREENSHOTS")
	if dir == "" {
		t.Skip("set GALLEY_SCREENSHOTS to a folder to write the screenshots")
	}
	lib := testLibrary(t)
	b, err := bundle.OpenFS(assets.Sample(), "the sample desk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Import(context.Background(), b.Pieces, b.ReadImage, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	a.Settings().SetTheme(theme.DefaultTheme())
	a.Preferences().SetString(prefThemeVariant, themeLight)
	d := queuedNewDesk(t, a, lib)
	opened(t, d)
	q := queueOf(d)
	t.Cleanup(func() { stopped(t, d) })
	d.Window().Resize(fyne.NewSize(1280, 800))
	e := d.editor
	e.spell.delay = time.Hour
	if !e.piece.IsQA() {
		t.Fatalf("the sample's newest piece is %q, not a Q&A", e.piece.Title)
	}
	e.selectTab(e.qa.content)
	answer := e.qa.rows[0].answer
	answer.SetText(strings.Replace(answer.Text, "negotiators", "negociators", 1))
	checkSpelling(d, q)
	d.Window().Content().Refresh() // the header laid out for "Unsaved changes"
	test.Tap(e.spell.button)
	writePNG(t, filepath.Join(dir, "desk-spelling.png"), d.Window())
}

// Marking a piece published asks about its possible misspellings too.
func TestPublishingAsksAboutMisspellings(t *testing.T) {
	lib := testLibrary(t, misspeltInterview())
	d, _ := spellingDesk(t, lib)
	if len(d.editor.spell.list) == 0 {
		t.Fatal("the misspelt interview has no unknown words")
	}
	found := false
	for _, msg := range d.editor.problems() {
		if strings.Contains(msg, d.editor.spell.list[0].Word) {
			found = true
		}
	}
	if !found {
		t.Errorf("the problems asked about before publishing leave out %q: %v", d.editor.spell.list[0].Word, d.editor.problems())
	}
}
