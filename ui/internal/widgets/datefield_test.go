package widgets

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
)

// dateSeen is what a date field told its owner.
type dateSeen struct {
	changes []galley.Date
	errs    []error
}

func newSeenDateField(t *testing.T) (*DateField, *dateSeen, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	seen := &dateSeen{}
	var w fyne.Window
	f := NewDateField(func() fyne.Window { return w },
		func(d galley.Date) { seen.changes = append(seen.changes, d) },
		func(err error) { seen.errs = append(seen.errs, err) })
	w = test.NewTempWindow(t, f.Object())
	w.Resize(fyne.NewSize(400, 400))
	return f, seen, w
}

// A date typed key by key is taken once it is whole; spaces around it do
// not count, and clearing the box unsets the date.
func TestDateFieldTakesTypedDates(t *testing.T) {
	f, seen, _ := newSeenDateField(t)
	test.Type(f.Entry(), "2018-07-17")
	if n := len(seen.changes); n != 1 || seen.changes[0].String() != "2018-07-17" {
		t.Fatalf("typing 2018-07-17 gave the dates %v", seen.changes)
	}
	if len(seen.errs) != len("2018-07-1") {
		t.Errorf("each unfinished date should have been reported, got %d reports", len(seen.errs))
	}
	if f.Check() != nil || f.Entry().Validate() != nil {
		t.Errorf("a whole date is refused: %v, %v", f.Check(), f.Entry().Validate())
	}

	*seen = dateSeen{}
	f.Entry().SetText(" 2026-03-02 ")
	f.Entry().SetText("")
	if len(seen.errs) != 0 || len(seen.changes) != 2 || seen.changes[0].String() != "2026-03-02" || !seen.changes[1].IsZero() {
		t.Errorf("a date with spaces and then nothing gave %v (errors %v)", seen.changes, seen.errs)
	}
}

// What is not a date, or not a day that exists, is reported in words that
// quote it and say the form wanted; no date is taken from it, and the box
// is marked.
func TestDateFieldNamesWhatIsWrong(t *testing.T) {
	f, seen, _ := newSeenDateField(t)
	for _, typed := range []string{"2024-13-01", "2023-02-30", "17/07/2018", "tomorrow"} {
		*seen = dateSeen{}
		f.Entry().SetText(typed)
		if len(seen.changes) != 0 || len(seen.errs) != 1 {
			t.Errorf("%q gave the dates %v and %d errors", typed, seen.changes, len(seen.errs))
			continue
		}
		err := seen.errs[0]
		msg := galley.ErrorMessage(err)
		if galley.ErrorCode(err) != galley.EInvalid || !strings.Contains(msg, "“"+typed+"”") || !strings.Contains(msg, "YYYY-MM-DD") {
			t.Errorf("%q is reported as %s: %q", typed, galley.ErrorCode(err), msg)
		}
		if check := f.Check(); check == nil || galley.ErrorMessage(check) != msg {
			t.Errorf("Check of %q says %v, not %q", typed, check, msg)
		}
		if f.Entry().Validate() == nil {
			t.Errorf("the box does not mark %q", typed)
		}
	}

	// Showing a date is not an edit, and puts the wrong one right.
	*seen = dateSeen{}
	f.Set(galley.Date{Year: 2018, Month: 7, Day: 17})
	if f.Entry().Text != "2018-07-17" || f.Check() != nil || len(seen.changes)+len(seen.errs) != 0 {
		t.Errorf("Set shows %q (check %v) and reported %v %v", f.Entry().Text, f.Check(), seen.changes, seen.errs)
	}
	f.Set(galley.Date{})
	if f.Entry().Text != "" || len(seen.changes)+len(seen.errs) != 0 {
		t.Errorf("Set of no date shows %q and reported %v %v", f.Entry().Text, seen.changes, seen.errs)
	}
	// And typing after Set still reports.
	f.Entry().SetText("2019-01-05")
	if len(seen.changes) != 1 || seen.changes[0].String() != "2019-01-05" {
		t.Errorf("after Set, typing gave %v", seen.changes)
	}
}

// The calendar button opens the month of the date in the box; a tap on a
// day fills it in, takes it, and closes the calendar.
func TestDateFieldCalendarPicksADay(t *testing.T) {
	f, seen, w := newSeenDateField(t)
	f.Set(galley.Date{Year: 2018, Month: 7, Day: 3})
	var pick *widget.Button
	for _, o := range f.Object().(*fyne.Container).Objects {
		if b, ok := o.(*widget.Button); ok {
			pick = b
		}
	}
	if pick == nil {
		t.Fatal("the field has no calendar button")
	}
	test.Tap(pick)
	over := w.Canvas().Overlays().Top()
	if over == nil {
		t.Fatal("the calendar button opened nothing")
	}
	var day *widget.Button
	var month string
	walkObjects(t, over, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == "17" {
				day = x
			}
		case *widget.Label:
			if strings.Contains(x.Text, "2018") {
				month = x.Text
			}
		}
	})
	if day == nil || month == "" {
		t.Fatalf("the calendar shows no day 17 of a month of 2018 (month %q):\n%s", month, test.RenderObjectToMarkup(over))
	}
	test.Tap(day)
	// July's 17th: the calendar opened on the box's month.
	if f.Entry().Text != "2018-07-17" || len(seen.changes) != 1 || seen.changes[0].String() != "2018-07-17" {
		t.Errorf("picking the 17th of %s shows %q and gave %v", month, f.Entry().Text, seen.changes)
	}
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("the calendar stayed open after the pick (%d overlays)", n)
	}
}

// walkObjects visits every object under o, widgets' parts included.
func walkObjects(t *testing.T, o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	visit(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walkObjects(t, c, visit)
		}
	case fyne.Widget:
		for _, c := range test.TempWidgetRenderer(t, x).Objects() {
			walkObjects(t, c, visit)
		}
	}
}
