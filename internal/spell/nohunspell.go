//go:build !cgo

package spell

import "errors"

// Dictionary is a Hunspell dictionary. Without cgo there is no
// libhunspell to read one, so Open always fails and spelling is "not
// checked" rather than the build failing.
type Dictionary struct {
	// Lang is the dictionary's name, as its files are named: "en_US".
	Lang string
}

// Open fails: this Galley was built without cgo.
func Open(aff, dic string) (*Dictionary, error) {
	return nil, errors.New("this Galley was built without cgo, so it cannot read Hunspell dictionaries; build it with CGO_ENABLED=1 and libhunspell-dev installed")
}

// Close does nothing.
func (d *Dictionary) Close() {}

// Correct reports false: there are no words.
func (d *Dictionary) Correct(word string) bool { return false }

// Suggest returns nothing.
func (d *Dictionary) Suggest(word string, n int) []string { return nil }

func (d *Dictionary) suggestions(word string, n int, compute bool) ([]string, bool) {
	return nil, true
}
