//go:build unix

package photo

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
)

// fromFileWithin runs FromFile on path, failing the test if it has not
// answered within a few seconds (a FIFO opened for reading waits for a
// writer that never comes; /dev/zero never ends).
func fromFileWithin(t *testing.T, path string) (galley.Photo, error) {
	t.Helper()
	type result struct {
		ph  galley.Photo
		err error
	}
	done := make(chan result, 1)
	go func() {
		ph, err := FromFile(path)
		done <- result{ph, err}
	}()
	select {
	case r := <-done:
		return r.ph, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("FromFile(%s) has not returned after 10 seconds", path)
		return galley.Photo{}, nil
	}
}

func TestFromFileRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "zero.jpg")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.jpg")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder.jpg")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, kind string }{
		{"/dev/zero", "a device"},
		{link, "a device"},
		{fifo, "a FIFO"},
		{folder, "a folder"},
	} {
		_, err := fromFileWithin(t, c.path)
		want := c.path + " is not a regular file (" + c.kind + "); only image files can be added."
		if err == nil || galley.ErrorMessage(err) != want || galley.ErrorCode(err) != galley.EInvalid {
			t.Errorf("FromFile(%s) = %v, want %q", c.path, err, want)
		}
	}
}

func TestFromFileReadsALinkToAnImage(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "real.jpg")
	if err := os.WriteFile(img, fixture.JPEG(40, 30, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.jpg")
	if err := os.Symlink(img, link); err != nil {
		t.Fatal(err)
	}
	ph, err := fromFileWithin(t, link)
	if err != nil || ph.Image.Width != 40 || len(ph.Data) == 0 {
		t.Fatalf("FromFile of a link to an image = %+v, %v", ph.Image, err)
	}
}

func TestReadFileRefusesAFileOverTheLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.jpg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: the size is claimed without the disk space.
	if err := f.Truncate(MaxBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), "huge.jpg is too large") {
		t.Fatalf("ReadFile of a file over %d MB = %v", MaxBytes>>20, err)
	}
}
