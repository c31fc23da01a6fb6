package galley

import (
	"fmt"
	"time"
)

// Date is a calendar day without time of day or zone: a publication date is
// "July 17, 2018" wherever the editor sits. The zero Date means "not set".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// The time layouts Galley writes and reads in more than one place, each
// named once so that two places cannot drift apart.
const (
	// DateLayout is the one text form of a day (YYYY-MM-DD): a Date and a
	// photo's DateCreated, in the library, in bundles and on pages'
	// machine-readable dates.
	DateLayout = "2006-01-02"
	// LongDateLayout is the house way of writing a day, "Monday, July 16,
	// 2018": export.DateLong, and a caption's {date}.
	LongDateLayout = "Monday, January 2, 2006"
	// StampLayout is the one text form of an instant in the library and
	// in bundles: UTC with millisecond precision, precise enough to order
	// saves, short enough to read. It is RFC 3339, so time.RFC3339Nano
	// reads it back.
	StampLayout = "2006-01-02T15:04:05.000Z07:00"
	// ShownTimeLayout is an instant as an editor is shown it, in their own
	// zone: a revision in the desk's history, a conflict in an import's
	// message.
	ShownTimeLayout = "Jan 2, 2006 15:04"
)

// ParseDate reads a date written as YYYY-MM-DD. The empty string gives the
// zero Date. Impossible days such as 2023-02-30 are refused.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, Errorf(EInvalid, "%q is not a date in the form YYYY-MM-DD (for example 2018-07-17)", s)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String returns the date as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Time returns midnight UTC of the day, for formatting and arithmetic.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// Before reports whether d is an earlier day than e. An unset date is
// earlier than every set one.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}
