//go:build unix

package bundle

import (
	"io"
	"os"
	"syscall"
	"time"
)

// lockFolder marks dir as having an export writing in it, for as long as
// the returned Closer is open: a shared advisory lock (flock) on the
// folder itself, so no lock file is left behind. An export that finds no
// other holding the folder (it gets the lock exclusively) first runs clean:
// whatever temporary files are there then belong to exports that were
// killed, since a live one would hold the lock. A lock held by a dead
// process is released by the system, so a crash never leaves it taken.
//
// Where locks are not supported (some network file systems) nothing is
// cleaned, and the export goes on without the lock.
func lockFolder(dir string, clean func(dir string, before time.Time)) io.Closer {
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	fd := int(f.Fd())
	if syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB) == nil {
		clean(dir, time.Time{})
	}
	// From exclusive to shared, or shared beside other exports. Another
	// export holds the lock exclusively only while it cleans, so this
	// waits a moment at most; it never waits for ever on a lock some
	// other program keeps.
	for range 100 {
		if syscall.Flock(fd, syscall.LOCK_SH|syscall.LOCK_NB) == nil {
			return f
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.Close()
	return nil
}
