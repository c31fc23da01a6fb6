package export

import "os"

// swapByRenames exchanges folders a and b with three renames, for systems
// without an atomic exchange. A crash between them leaves both folders on
// disk under their temporary names; nothing is lost.
func swapByRenames(a, b string) error {
	aside := a + ".old"
	if err := os.Rename(b, aside); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		os.Rename(aside, b)
		return err
	}
	return os.Rename(aside, a)
}
