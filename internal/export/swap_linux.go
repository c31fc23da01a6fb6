//go:build linux

package export

import (
	"os"

	"golang.org/x/sys/unix"
)

// swapDirs exchanges two folders in one atomic step (renameat2 with
// RENAME_EXCHANGE), so there is no moment without a site at b.
func swapDirs(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if err == unix.ENOSYS || err == unix.EINVAL {
		return swapByRenames(a, b) // an old kernel or a file system without it
	}
	return err
}

// syncTree flushes the file system holding dir to disk: one call instead
// of one per file.
func syncTree(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
