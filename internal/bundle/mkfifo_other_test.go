//go:build !unix

package bundle_test

import "testing"

func mkfifo(t *testing.T, path string) {
	t.Skip("no FIFOs in the file system here")
}
