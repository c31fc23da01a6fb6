//go:build !unix

package export

import (
	"hash/crc32"
	"io"
	"os"
)

// holds reports whether the file at path is a regular file of rec's size
// and checksum.
func holds(path string, rec fileRecord) bool {
	if rec.Size < 0 {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() != rec.Size {
		return false // the cheap case: truncated, emptied, grown or not a file
	}
	buf := checkBufs.Get().(*[]byte)
	defer checkBufs.Put(buf)
	h := crc32.New(castagnoli)
	// Hiding the file's WriteTo makes the copy use buf.
	n, err := io.CopyBuffer(h, struct{ io.Reader }{f}, *buf)
	return err == nil && n == rec.Size && h.Sum32() == rec.CRC
}
