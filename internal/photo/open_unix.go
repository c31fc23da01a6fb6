//go:build unix

package photo

import (
	"os"
	"syscall"
)

// openNoWait opens path for reading without blocking: opening a FIFO for
// reading otherwise waits until another program opens it for writing.
// The flag changes nothing for the regular files that are then read.
func openNoWait(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
