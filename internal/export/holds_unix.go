//go:build unix

package export

import (
	"hash/crc32"

	"golang.org/x/sys/unix"
)

// holds reports whether the file at path is a regular file of rec's size
// and checksum. It is called for every file an export keeps, so it goes
// to the system directly: os.Open would also try to register each file
// with the poller, a system call that fails for every regular file and
// costs as much as the reading.
func holds(path string, rec fileRecord) bool {
	if rec.Size < 0 {
		return false
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size != rec.Size {
		return false // the cheap case: truncated, emptied, grown or not a file
	}
	buf := checkBufs.Get().(*[]byte)
	defer checkBufs.Put(buf)
	var sum uint32
	for left := rec.Size; left > 0; {
		n, err := unix.Read(fd, (*buf)[:min(left, int64(len(*buf)))])
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return false
		}
		sum = crc32.Update(sum, castagnoli, (*buf)[:n])
		left -= int64(n)
	}
	return sum == rec.CRC
}
