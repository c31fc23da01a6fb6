//go:build !unix

package outbox

import (
	"os"
	"path/filepath"
)

// lockName is the file whose presence marks a slot as a running desk's.
const lockName = ".lock"

// claim takes the slot dir by making its lock file, and release removes
// it. Without advisory locks a desk that crashed leaves its slot claimed:
// its entries stay on the disk, untouched, but are not sent by itself.
func claim(dir string) (release func(), err error) {
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	f.Close()
	return func() { os.Remove(path) }, nil
}
