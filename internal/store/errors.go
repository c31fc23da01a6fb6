package store

// What SQLite and the file system report, turned into coded Galley errors
// that say what went wrong and what to do.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/mattn/go-sqlite3"

	"app.galley/galley/internal/galley"
)

// openError turns SQLite's complaints about a file into a sentence.
func (s *Store) openError(err error) error {
	var ge *galley.Error
	if errors.As(err, &ge) {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return galley.Errorf(galley.EInvalid, "%s is damaged or is not a Galley library; it was not changed.", s.path)
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return galley.Errorf(galley.EBusy, "The library %s is busy in another program; try again in a moment.", s.path)
		}
		if why, todo, ok := diskProblem(s.path, true, err); ok {
			return galley.Errorf(galley.EInvalid, "The library %s cannot be opened for editing: %s. Nothing was changed; %s, then open it again.", s.path, why, todo)
		}
	}
	return fmt.Errorf("open library %s: %w", s.path, err)
}

// txError explains the failures an editor can do something about.
func (s *Store) txError(err error) error {
	if s.onServer() {
		return s.serverError(err)
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return s.busyError()
		case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
			return galley.Errorf(galley.EInternal, "The library %s is damaged (%v). Restore it from a backup.", s.path, err)
		}
		if why, todo, ok := diskProblem(s.path, true, err); ok {
			return galley.Errorf(galley.EInvalid, "The library %s cannot be written: %s. Your changes were not saved; %s, then save again.", s.path, why, todo)
		}
	}
	return err
}

// errReadonlyDirectory is SQLITE_READONLY_DIRECTORY: the library's folder
// is read-only, so SQLite cannot make its write-ahead log beside it.
var errReadonlyDirectory = sqlite3.ErrReadonly.Extend(6)

// diskProblem says, in an editor's words, what kept the file at path (the
// library when library is set, else a backup) from being written when the
// cause is the disk or the file's permissions, and what to do about it.
// err is SQLite's error or the system's; ok is false for any other
// failure. A failed write of SQLite's is told apart by the system's error
// number: a full disk (or a quota, or a file-size limit) is not a failing
// disk.
func diskProblem(path string, library bool, err error) (why, todo string, ok bool) {
	var errno syscall.Errno
	var se sqlite3.Error
	if errors.As(err, &se) {
		errno = se.SystemErrno
		switch {
		case se.ExtendedCode == errReadonlyDirectory:
			return notWritable(path, library, true)
		case se.Code == sqlite3.ErrFull:
			errno = syscall.ENOSPC
		case se.Code == sqlite3.ErrReadonly, se.Code == sqlite3.ErrPerm, se.Code == sqlite3.ErrCantOpen:
			if errno == 0 {
				errno = syscall.EACCES
			}
		case se.Code == sqlite3.ErrIoErr:
			if errno == 0 {
				errno = syscall.EIO
			}
		default:
			return "", "", false
		}
	} else if !errors.As(err, &errno) {
		return "", "", false
	}
	switch errno {
	case syscall.ENOSPC, syscall.EDQUOT:
		return "the disk holding it is full", "free some space", true
	case syscall.EFBIG:
		return "the disk holding it is full, or the file is as large as that disk allows", "free some space, or use another disk", true
	case syscall.EROFS:
		return "the disk holding it is read-only", "use a writable disk", true
	case syscall.EACCES, syscall.EPERM:
		return notWritable(path, library, false)
	case syscall.EIO:
		return "the disk holding it reported an error", "check the disk (or its connection)", true
	}
	if se.Code == sqlite3.ErrIoErr {
		return fmt.Sprintf("the disk holding it reported an error (%v)", errno), "check the disk (or its connection)", true
	}
	return "", "", false
}

// notWritable tells why the file at path may not be written: the file is
// read-only, or its folder is (where SQLite keeps its log and index beside
// a library), or both. dirReadOnly says the folder is known to be. It
// never opens path itself: closing any descriptor of a library would drop
// SQLite's locks on it.
func notWritable(path string, library, dirReadOnly bool) (why, todo string, ok bool) {
	dir := filepath.Dir(path)
	fileReadOnly := false
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o222 == 0 {
		fileReadOnly = true
	}
	if !dirReadOnly {
		f, err := os.CreateTemp(dir, ".galley-write-check-*")
		if err == nil {
			f.Close()
			os.Remove(f.Name())
		} else if errors.Is(err, syscall.EROFS) {
			return "the disk holding it is read-only", "use a writable disk", true
		} else if errors.Is(err, fs.ErrPermission) {
			dirReadOnly = true
		}
	}
	sideReadOnly := false
	for _, suffix := range []string{"-wal", "-shm"} {
		if fi, err := os.Stat(path + suffix); err == nil && fi.Mode().Perm()&0o222 == 0 {
			sideReadOnly = true
		}
	}
	switch {
	case fileReadOnly && dirReadOnly:
		return fmt.Sprintf("the file and its folder %s are read-only", dir), "make them both writable", true
	case fileReadOnly:
		return "the file is read-only", "make the file writable", true
	case dirReadOnly && library:
		return fmt.Sprintf("its folder %s is read-only, and Galley keeps working files beside it", dir), "make the folder writable", true
	case dirReadOnly:
		return fmt.Sprintf("its folder %s is read-only", dir), "make the folder writable", true
	case sideReadOnly:
		base := filepath.Base(path)
		return fmt.Sprintf("the working files Galley keeps beside it (%s-wal and %s-shm) are read-only", base, base), "make them writable", true
	}
	return "Galley is not allowed to change it", "check that the file and its folder are writable", true
}
