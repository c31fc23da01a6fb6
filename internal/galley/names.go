package galley

import (
	"strings"

	"golang.org/x/text/cases"
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
