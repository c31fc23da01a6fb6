//go:build unix

package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"app.galley/galley/internal/galley"
)

// lockOwner begins what an export writes into its lock file, so a file of
// that name holding anything else is known not to be Galley's.
const lockOwner = "galley export, process "

// exportLock is an flock(2) held on a file beside the destination for the
// whole export. The kernel lets it go when the process ends, however it
// ends, so a killed export never blocks the next one.
type exportLock struct {
	f    *os.File
	path string
}

// lockTarget takes the lock of exports to target, refusing at once when
// another export (in this process or another) holds it: two exports into
// one folder would each replace the other's site, and the one that
// started from the older library could finish last.
func lockTarget(target string) (*exportLock, error) {
	path := lockPath(target)
	for range 10 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW, 0o660) // bookkeeping, as the manifest
		if err != nil {
			return nil, galley.Errorf(galley.EInvalid, "Cannot export to %s: cannot make the lock file %s: %v.", target, path, pathErr(err))
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			holder := readHolder(f)
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return nil, galley.Errorf(galley.EBusy, "Another export into %s is running%s; nothing was changed. Export again when it has finished.", target, holder)
			}
			return nil, galley.Errorf(galley.EInvalid, "Cannot export to %s: cannot lock %s: %v.", target, path, err)
		}
		// The export that held the lock before removes the file as it
		// ends; a lock taken on the removed file guards nothing, so take
		// it again on the file now there.
		fi, ferr := f.Stat()
		pi, perr := os.Lstat(path)
		if ferr != nil || perr != nil || !os.SameFile(fi, pi) {
			f.Close()
			continue
		}
		if !fi.Mode().IsRegular() {
			f.Close()
			return nil, galley.Errorf(galley.EInvalid, "Cannot export to %s: %s is in the way of Galley's lock file; move it elsewhere.", target, path)
		}
		if data, _ := io.ReadAll(io.LimitReader(f, 200)); len(data) > 0 && !strings.HasPrefix(string(data), lockOwner) {
			f.Close()
			return nil, galley.Errorf(galley.EInvalid, "Cannot export to %s: the file %s, which Galley uses as its lock, holds something else; move it elsewhere so it is not lost.", target, path)
		}
		// Saying who holds the lock lets a refused export name it.
		if f.Truncate(0) == nil {
			f.WriteAt([]byte(lockOwner+strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		return &exportLock{f: f, path: path}, nil
	}
	return nil, galley.Errorf(galley.EBusy, "Another export into %s keeps starting and ending; nothing was changed. Export again in a moment.", target)
}

// readHolder returns " (process N)" for the export holding the lock of f,
// or "" when it has not said yet.
func readHolder(f *os.File) string {
	data, _ := io.ReadAll(io.LimitReader(f, 200))
	pid, ok := strings.CutPrefix(strings.TrimSpace(string(data)), lockOwner)
	if _, err := strconv.Atoi(pid); !ok || err != nil {
		return ""
	}
	return fmt.Sprintf(" (process %s)", pid)
}

// held reports whether the lock is taken, so leftovers may be swept.
func (l *exportLock) held() bool { return l != nil && l.f != nil }

// release removes the lock file and lets the lock go: removing it first,
// while still holding it, is what lets lockTarget tell a removed file
// from the current one.
func (l *exportLock) release() {
	if !l.held() {
		return
	}
	os.Remove(l.path)
	l.f.Close()
	l.f = nil
}
