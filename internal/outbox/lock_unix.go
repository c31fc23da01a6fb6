//go:build unix

package outbox

import (
	"os"
	"path/filepath"
	"syscall"
)

// lockName is the file in a slot that its desk holds a lock on.
const lockName = ".lock"

// claim takes the slot dir for this process with an advisory lock on a
// file in it, which the system drops when the process ends however it
// ends (quit, crash, SIGKILL). It fails while another process holds it.
func claim(dir string) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
