//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package store

import (
	"os"
	"syscall"
)

// claim marks f as in use by this process for as long as it stays open,
// with an advisory lock the system drops when the process ends however it
// ends (a crash, SIGKILL).
func claim(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// abandoned reports whether no live process has claimed the file at path:
// the file is a leftover of a run that was killed. A file it cannot open
// or lock is not abandoned.
func abandoned(path string) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return false
	}
	// Taken and released at once: holding it is the owner's business.
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
