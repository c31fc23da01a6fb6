package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/ui/internal/widgets"
)

// longAnswer is prose with a space at almost every place a line can wrap.
const longAnswer = "When the water board met in the spring, the engineers brought maps of every weir on the lower river " +
	"and a plan to open two of them before the floods. The farmers asked who would pay for the new channels, " +
	"and the mayor said the province had promised a share of the cost but had not yet put it in writing. " +
	"By the autumn the first gate was open, the fish ladders were built, and the meadows downstream were wet again."

// Typing an answer and a summary key by key, as an editor does, through
// the desk's own text areas at several window widths stores exactly what
// was typed: a space typed where a line wraps stays where it was typed.
func TestTypingThroughLineWrapsStoresWhatWasTyped(t *testing.T) {
	for _, width := range []float32{520, 640, 760, 900, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			lib := testLibrary(t, &galley.Piece{Title: "Weirs"})
			d := newTestDesk(t, lib)
			d.Window().Resize(fyne.NewSize(width, 800))
			e := d.editor
			e.selectTab(e.qa.content)
			e.qa.add()
			row := e.qa.rows[0]
			for _, r := range "What did the board decide?" {
				row.question.TypedRune(r)
			}
			d.win.Canvas().Focus(row.answer)
			for _, r := range longAnswer {
				row.answer.TypedRune(r)
			}
			e.selectTab(e.story.content)
			d.win.Canvas().Focus(e.story.summary)
			summary := longAnswer[:strings.LastIndex(longAnswer[:260], " ")+1] + "and more."
			for _, r := range summary {
				e.story.summary.TypedRune(r)
			}
			if !e.save(true) {
				t.Fatalf("save failed: %s", e.state.Text)
			}
			got := stored(t, lib, e.piece.ID)
			if got.QA[0].Answer != longAnswer {
				t.Errorf("at width %v the answer was stored as\n%q\nnot as typed\n%q", width, got.QA[0].Answer, longAnswer)
			}
			if got.Summary != summary {
				t.Errorf("at width %v the summary was stored as\n%q\nnot as typed\n%q", width, got.Summary, summary)
			}
		})
	}
}

// TestAnswersGrowWithTheirText: an answer shows all its lines as it is
// typed, up to twelve, instead of four lines and a scroll bar; past twelve
// it scrolls, so a page of answers stays within reach.
func TestAnswersGrowWithTheirText(t *testing.T) {
	for _, width := range []float32{640, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			lib := testLibrary(t, &galley.Piece{Title: "Weirs"})
			d := newTestDesk(t, lib)
			d.Window().Resize(fyne.NewSize(width, 800))
			e := d.editor
			e.selectTab(e.qa.content)
			e.qa.add()
			answer := e.qa.rows[0].answer
			empty := answer.Size().Height
			// What the entry itself lays out: its text, in its last rich text.
			var text *widget.RichText
			walk(t, answer, func(o fyne.CanvasObject) {
				if rt, ok := o.(*widget.RichText); ok {
					text = rt
				}
			})
			twelve := widgets.NewTextArea(12, "").MinSize().Height
			typed := ""
			for _, word := range strings.SplitAfter(longAnswer+" "+longAnswer, " ") {
				for _, r := range word {
					answer.TypedRune(r)
				}
				typed += word
				d.win.Content().Refresh() // a window lays out again as sizes change
				if h := answer.Size().Height; h < twelve && text.MinSize().Height > h+1 {
					t.Fatalf("after %d characters the answer's text is %v high in a box %v high", len(typed), text.MinSize().Height, answer.Size().Height)
				}
				// The entry's own border adds a few pixels, never a line.
				if h := answer.Size().Height; h > max(empty, text.MinSize().Height)+8 {
					t.Fatalf("after %d characters the answer's text is %v high in a box %v high, with lines to spare", len(typed), text.MinSize().Height, h)
				}
			}
			if answer.Size().Height <= empty {
				t.Errorf("the answer stayed %v high with %d characters", empty, len(typed))
			}
			answer.SetText(strings.Repeat(longAnswer+"\n\n", 4))
			d.win.Content().Refresh()
			if got := answer.Size().Height; got != twelve {
				t.Errorf("a very long answer is %v high, want twelve lines (%v)", got, twelve)
			}
			answer.SetText("")
			d.win.Content().Refresh()
			if got := answer.Size().Height; got != empty {
				t.Errorf("emptied, the answer is %v high, was %v", got, empty)
			}
		})
	}
}
