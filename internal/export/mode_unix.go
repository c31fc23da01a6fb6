//go:build unix

package export

import (
	"io/fs"
	"os"
	"syscall"
)

// keepModeAndOwner gives the folder dir the permissions and, where this
// user may set them (root, or the same owner), the owner and group of the
// folder fi describes. A group or owner it may not set is left as made:
// the export still goes ahead.
func keepModeAndOwner(dir string, fi fs.FileInfo) {
	os.Chmod(dir, fi.Mode().Perm()|fi.Mode()&(fs.ModeSetgid|fs.ModeSticky))
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		os.Lchown(dir, int(st.Uid), int(st.Gid))
	}
}
