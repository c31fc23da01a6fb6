//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/store"
)

// TestPhotosAddRefusesDevicesAndFIFOs runs `galley photos add` with
// /dev/zero, a link to it and a FIFO among good files: each is named and
// refused at once (the command once read /dev/zero until memory ran out and
// waited for ever on the FIFO), and the good file is added.
func TestPhotosAddRefusesDevicesAndFIFOs(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib.galley")
	importTestBundle(t, lib)
	good := filepath.Join(dir, "good.jpg")
	if err := os.WriteFile(good, fixture.JPEG(64, 48, 7), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "zero.jpg")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.jpg")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}

	done := make(chan result, 1)
	go func() {
		done <- galleyCmd(t, nil, "--db", lib, "photos", "add", "--piece", "grid-talks", "/dev/zero", link, fifo, good)
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("galley photos add has not returned after 20 seconds")
	}
	if r.code != 1 || !strings.Contains(r.stdout, "Added 1 photos") || !strings.Contains(r.stderr, "3 of 4 files were not added") {
		t.Fatalf("photos add: %+v", r)
	}
	for _, want := range []string{
		"/dev/zero is not a regular file (a device)",
		link + " is not a regular file (a device)",
		fifo + " is not a regular file (a FIFO)",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	st, err := store.Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.PieceBySlug(context.Background(), "grid-talks")
	if err != nil || len(p.Photos) != 1 || p.Photos[0].Image.Width != 64 {
		t.Errorf("grid-talks has %d photos (%v)", len(p.Photos), err)
	}
}
