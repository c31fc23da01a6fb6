//go:build !unix

package photo

import "os"

// openNoWait opens path for reading. Systems other than Unix have no FIFOs
// an open could wait on in the file system.
func openNoWait(path string) (*os.File, error) {
	return os.Open(path)
}
