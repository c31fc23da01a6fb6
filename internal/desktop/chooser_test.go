package desktop

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// session is a desktop session of real processes for a test: an X
// server (Xvfb) and a session bus (dbus-daemon) that starts the XDG
// portal and its GTK file chooser when first asked, as a desktop's does.
// Every process is stopped, and its files removed, when the test ends.
type session struct {
	display string
	bus     string
}

func startSession(t *testing.T) *session {
	t.Helper()
	for _, tool := range []string{"Xvfb", "dbus-daemon", "xdotool", "/usr/libexec/xdg-desktop-portal", "/usr/libexec/xdg-desktop-portal-gtk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: scripts/install-deps.sh test installs it (%v)", tool, err)
		}
	}
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	runtime := filepath.Join(dir, "run")
	for _, d := range []string{home, runtime} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// Xvfb picks a free display and writes its number to fd 3.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	start(t, x)
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb gave no display: %v", err)
	}
	s := &session{display: ":" + strings.TrimSpace(line), bus: "unix:path=" + filepath.Join(runtime, "bus")}
	// The bus starts the portal and its backend with its own environment:
	// the display, a desktop whose chooser is GTK's, and a home of the
	// test's own, so GTK's recent files land nowhere else.
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--address="+s.bus)
	bus.Env = append(os.Environ(), "DISPLAY="+s.display, "XDG_CURRENT_DESKTOP=GNOME", "HOME="+home,
		"XDG_RUNTIME_DIR="+runtime, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"DBUS_SESSION_BUS_ADDRESS="+s.bus, "GTK_USE_PORTAL=0", "NO_AT_BRIDGE=1")
	start(t, bus)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(runtime, "bus")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the session bus did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", s.bus)
	return s
}

// start starts cmd in a process group of its own, stopped with all it
// started (the portals the bus starts) when the test ends.
func start(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", cmd.Path, err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
}

// xdotool runs xdotool on the session's display.
func (s *session) xdotool(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+s.display)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// window waits for the chooser's window, by its title, and focuses it.
func (s *session) window(t *testing.T, title string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		cmd := exec.Command("xdotool", "search", "--name", title)
		cmd.Env = append(os.Environ(), "DISPLAY="+s.display)
		if out, err := cmd.Output(); err == nil && len(strings.Fields(string(out))) > 0 {
			w := strings.Fields(string(out))[0]
			s.xdotool(t, "windowfocus", "--sync", w)
			// GTK takes keys once it has drawn its first frame.
			time.Sleep(500 * time.Millisecond)
			return w
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window %q appeared", title)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pressUntil presses key in window w until the chooser answers.
func pressUntil(t *testing.T, s *session, w, key string, done chan result) result {
	t.Helper()
	for range 30 {
		cmd := exec.Command("xdotool", "key", "--window", w, key)
		cmd.Env = append(os.Environ(), "DISPLAY="+s.display)
		cmd.Run() // the window may be gone already
		select {
		case r := <-done:
			return r
		case <-time.After(time.Second):
		}
	}
	t.Fatalf("the chooser did not answer %s", key)
	return result{}
}

// gone waits until no window has the title: the dialog answered (or
// cancelled) has closed, and the next one found is a new one.
func (s *session) gone(t *testing.T, title string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		cmd := exec.Command("xdotool", "search", "--name", title)
		cmd.Env = append(os.Environ(), "DISPLAY="+s.display)
		if out, _ := cmd.Output(); len(strings.TrimSpace(string(out))) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dialog %q stayed open", title)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type result struct {
	path string
	err  error
}

func choose(ctx context.Context, r Request) chan result {
	done := make(chan result, 1)
	go func() {
		p, err := Choose(ctx, r)
		done <- result{p, err}
	}()
	return done
}

func wait(t *testing.T, done chan result) result {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("the chooser did not answer")
	}
	return result{}
}

// TestTheDesktopsChooserTakesATypedPath asks the desktop's file chooser
// (the XDG portal's GTK dialog, real processes on a virtual display) for
// an export, and types its path key by key as an editor pasting or
// typing it would: the path comes back as typed, with its space and
// plus signs; Escape is a cancel, not a choice.
func TestTheDesktopsChooserTakesATypedPath(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an X server, a session bus and the desktop portal")
	}
	s := startSession(t)
	dir := t.TempDir()
	want := filepath.Join(dir, "c++ and more notes.xml")
	if err := os.WriteFile(want, []byte("<rss/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req := Request{Title: "Import from WordPress or Ghost", Accept: "Import", Start: dir, Kinds: "WordPress or Ghost exports", Exts: []string{".xml", ".json"}}

	done := choose(ctx, req)
	w := s.window(t, req.Title)
	s.xdotool(t, "key", "--window", w, "ctrl+l")
	s.xdotool(t, "type", "--window", w, "--delay", "20", want)
	// GTK completes a typed path as it comes; Return counts once it has.
	r := pressUntil(t, s, w, "Return", done)
	if r.err != nil || r.path != want {
		t.Fatalf("typed %q, the chooser gave %q, %v", want, r.path, r.err)
	}
	s.gone(t, req.Title)

	done = choose(ctx, req)
	w = s.window(t, req.Title)
	if r := pressUntil(t, s, w, "Escape", done); r.err != nil || r.path != "" {
		t.Errorf("Escape: %q, %v; want a cancel", r.path, r.err)
	}
	s.gone(t, req.Title)

	// The desk letting go of its library closes the dialog it opened.
	short, stop := context.WithCancel(ctx)
	done = choose(short, req)
	s.window(t, req.Title)
	stop()
	if r := wait(t, done); !errors.Is(r.err, context.Canceled) {
		t.Errorf("cancelled: %q, %v", r.path, r.err)
	}
	s.gone(t, req.Title)
}

// TestNoChooserWithoutAPortal: with no session bus, or a bus that no
// portal answers on, Choose says the desktop has none (so the desk uses
// Fyne's dialog), and starts no bus of its own.
func TestNoChooserWithoutAPortal(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	if _, err := Choose(context.Background(), Request{Title: "x"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("without a session bus: %v", err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", fmt.Sprintf("unix:path=%s", filepath.Join(t.TempDir(), "no-bus")))
	if _, err := Choose(context.Background(), Request{Title: "x"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("with a bus that is not there: %v", err)
	}
}
