//go:build !unix

package export

import (
	"io/fs"
	"os"
)

// keepModeAndOwner gives the folder dir the permissions of the folder fi
// describes; owners are the system's business here.
func keepModeAndOwner(dir string, fi fs.FileInfo) {
	os.Chmod(dir, fi.Mode().Perm())
}
