package publish_test

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"app.galley/galley/internal/publish"
	"app.galley/galley/internal/sshtest"
)

// fsEvent is what inotify saw happen to a name in a watched folder.
type fsEvent struct {
	dir, name string
	mask      uint32
}

// TestEachFileIsWrittenAsideAndRenamedIntoPlace watches the server's
// folders with inotify while a publish sends an edited piece: every file
// that changes is written under a hidden name beside its place and then
// renamed into it, and no published name is ever opened for writing — a
// reader fetching the page mid-publish gets the old page or the new,
// never the first half of one.
func TestEachFileIsWrittenAsideAndRenamedIntoPlace(t *testing.T) {
	srv := sshtest.Start(t)
	d := newDesk(t)
	remote := filepath.Join(t.TempDir(), "www", "site")
	to := target(t, srv, remote)
	opt := publish.Options{Library: d.id, SSH: login(srv)}
	d.export()
	if _, err := publish.Publish(ctx, d.site, to, opt); err != nil {
		t.Fatal(err)
	}

	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	dirs := map[int]string{}
	for _, dir := range []string{"", "pieces", "people", "topics", "types", "images"} {
		wd, err := unix.InotifyAddWatch(fd, filepath.Join(remote, dir), unix.IN_CREATE|unix.IN_MOVED_TO|unix.IN_CLOSE_WRITE|unix.IN_MODIFY)
		if err != nil {
			t.Fatalf("watch %s: %v", dir, err)
		}
		dirs[wd] = dir
	}

	d.editSummary("Fish, rivers and the people who count both.")
	rep, err := publish.Publish(ctx, d.site, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Uploaded) == 0 {
		t.Fatal("the edit uploaded nothing")
	}
	events := readEvents(t, fd, dirs)
	for _, up := range rep.Uploaded {
		dir, name := filepath.Split(filepath.FromSlash(up))
		dir = strings.TrimSuffix(dir, "/")
		aside := "." + name + ".galley-upload"
		created, renamed := -1, -1
		for i, e := range events {
			switch {
			case e.dir != dir:
			case e.name == aside && e.mask&unix.IN_CREATE != 0 && created < 0:
				created = i
			case e.name == name && e.mask&unix.IN_MOVED_TO != 0:
				renamed = i
			case e.name == name && e.mask&(unix.IN_MODIFY|unix.IN_CLOSE_WRITE|unix.IN_CREATE) != 0:
				t.Errorf("%s was written in its place (event %#x): a reader could fetch half of it", up, e.mask)
			}
		}
		if created < 0 || renamed < created {
			t.Errorf("%s was not written as %s and renamed into place (created at event %d, renamed at %d)", up, aside, created, renamed)
		}
	}
	sameSite(t, d.site, remote)
}

// readEvents drains the inotify events the publish caused.
func readEvents(t *testing.T, fd int, dirs map[int]string) []fsEvent {
	t.Helper()
	var out []fsEvent
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EAGAIN {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			var ev unix.InotifyEvent
			binary.Read(bytes.NewReader(buf[off:off+unix.SizeofInotifyEvent]), binary.NativeEndian, &ev)
			name := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
			out = append(out, fsEvent{dir: dirs[int(ev.Wd)], name: string(bytes.TrimRight(name, "\x00")), mask: ev.Mask})
			off += unix.SizeofInotifyEvent + int(ev.Len)
		}
	}
}
