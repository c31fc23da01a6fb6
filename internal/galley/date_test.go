package galley

import (
	"testing"
	"time"
)

// TestLayoutsReadBackWhatTheyWrite: a day written with DateLayout is the
// Date's own text and parses back to the same day; an instant written
// with StampLayout is read back by RFC 3339, to the millisecond, as the
// store and the bundle reader read it.
func TestLayoutsReadBackWhatTheyWrite(t *testing.T) {
	for _, d := range []Date{{2018, time.July, 17}, {2024, time.February, 29}, {999, time.January, 2}} {
		text := d.Time().Format(DateLayout)
		back, err := ParseDate(text)
		if text != d.String() || err != nil || back != d {
			t.Errorf("%v: written %q, its String %q, read back %v, %v", d, text, d.String(), back, err)
		}
	}
	at := time.Date(2026, 11, 27, 9, 30, 5, 123_456_789, time.FixedZone("CET", 3600))
	text := at.UTC().Format(StampLayout)
	back, err := time.Parse(time.RFC3339Nano, text)
	if text != "2026-11-27T08:30:05.123Z" || err != nil || !back.Equal(at.Truncate(time.Millisecond)) {
		t.Errorf("%v is written %q and read back as %v, %v", at, text, back, err)
	}
	if got := longDate(Date{2018, time.July, 16}); got != "Monday, July 16, 2018" {
		t.Errorf("the long date is %q", got)
	}
}
