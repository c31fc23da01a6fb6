package export

import (
	"fmt"
	"strings"

	"app.galley/galley/internal/galley"
)

// DateStyle is how publication dates are written on pages.
type DateStyle string

// The date styles a site can use.
const (
	// DateLong writes "Tuesday, July 17, 2018", the house default.
	DateLong DateStyle = "long"
	// DateAP writes "July 17, 2018" and "Sept. 8, 2026": AP style,
	// with the months AP abbreviates abbreviated and no weekday.
	DateAP DateStyle = "ap"
)

// ParseDateStyle reads a date style name; "" gives the default.
func ParseDateStyle(s string) (DateStyle, error) {
	switch DateStyle(strings.ToLower(s)) {
	case "", DateLong:
		return DateLong, nil
	case DateAP:
		return DateAP, nil
	}
	return "", galley.Errorf(galley.EInvalid, "%q is not a date style; use long (Tuesday, July 17, 2018) or ap (July 17, 2018).", s)
}

// apMonths are the AP stylebook's month forms with a day: the long months
// abbreviated, March to July spelled out.
var apMonths = [...]string{"Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."}

// Format writes d in the style; an unset date gives "".
func (s DateStyle) Format(d galley.Date) string {
	if d.IsZero() {
		return ""
	}
	if s == DateAP {
		return fmt.Sprintf("%s %d, %d", apMonths[d.Month-1], d.Day, d.Year)
	}
	return d.Time().Format(galley.LongDateLayout)
}
