package galley

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

var folder = cases.Fold()

// NameKey returns the key under which a type, topic or contributor name is
// unique: trimmed, Unicode-normalised and case-folded, so "Élise Durand",
// "ÉLISE DURAND" and a decomposed "E\u0301lise Durand" are one person.
func NameKey(name string) string {
	return folder.String(norm.NFC.String(strings.TrimSpace(name)))
}

// CheckName checks a one-line name (of a topic, type or contributor).
func CheckName(what, name string) error {
	if strings.TrimSpace(name) == "" {
		return Errorf(EInvalid, "A %s needs a name.", what)
	}
	return checkText(what+" name", name, MaxLine, true)
}

// SortNames orders items by their names as a reader looks them up, by the
// Unicode collation: letters first, accents and case after, so "Ébène"
// sits between "apple" and "éclair" rather than after "Zebra" as a byte
// order (or a case-folded one) would put it. Ties fall back to the key and
// then the bytes, so the order is the same on every run.
func SortNames[T any](items []T, name func(T) string) {
	// A collator keeps buffers: one per call, never shared between
	// goroutines.
	c := collate.New(language.Und)
	sort.SliceStable(items, func(i, j int) bool {
		a, b := name(items[i]), name(items[j])
		if r := c.CompareString(a, b); r != 0 {
			return r < 0
		}
		if ka, kb := NameKey(a), NameKey(b); ka != kb {
			return ka < kb
		}
		return a < b
	})
}

// SizeText shows a number of bytes as an editor reads it: "840 KB",
// "2.4 MB".
func SizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
