//go:build linux

package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkLaunch starts the real galley program on the 100,000-piece
// library (2,000 under -short), as a file and as a team library on the
// local socket, and times each launch from the program's start to its
// window on the screen (a virtual display of its own): a launch is a
// process, so each iteration is one. The two alternate launch by launch,
// so that whatever else the machine does falls on both alike. It needs
// Xvfb and xwininfo (the test packages install them) and skips without.
func BenchmarkLaunch(b *testing.B) {
	for _, tool := range []string{"Xvfb", "xwininfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("%s is not installed", tool)
		}
	}
	n := size(100000, 2000)
	libraries := map[string]string{"file": generatedLibrary(b, n), "team": teamLibrary(b, "read", n)}
	bin := filepath.Join(b.TempDir(), "galley")
	if out, err := exec.Command("go", "build", "-o", bin, "app.galley/galley/cmd/galley").CombinedOutput(); err != nil {
		b.Fatalf("building galley: %v\n%s", err, out)
	}
	display := startDisplay(b)
	times := map[string][]time.Duration{}
	b.ResetTimer()
	for b.Loop() {
		for _, home := range []string{"file", "team"} {
			times[home] = append(times[home], launch(b, bin, display, libraries[home]))
		}
	}
	b.StopTimer()
	for home, ts := range times {
		b.ReportMetric(float64(median(ts).Microseconds())/1000, home+"-ms")
	}
}

// launch starts galley on library and returns how long its window took
// to appear; the program is then asked to quit, as closing it would.
func launch(b *testing.B, bin, display, library string) time.Duration {
	home := b.TempDir()
	cmd := exec.Command(bin, "--db", library)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"), "GALLEY_DB=")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var took time.Duration
	for took == 0 {
		select {
		case err := <-exited:
			b.Fatalf("galley ended before its window appeared (%v):\n%s", err, out.String())
		default:
		}
		if time.Since(start) > 30*time.Second {
			cmd.Process.Kill()
			b.Fatalf("no window within 30 s:\n%s", out.String())
		}
		tree, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").Output()
		if strings.Contains(string(tree), `Galley": (`) {
			took = time.Since(start)
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
	return took
}

// startDisplay starts a virtual display for the benchmark's launches and
// stops it when the benchmark ends.
func startDisplay(b *testing.B) string {
	for n := 150; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := ":" + strconv.Itoa(n)
		x := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := x.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { x.Process.Kill(); x.Wait() })
		// The socket appears before the server takes clients: ready is
		// when a client is answered.
		for range 200 {
			if exec.Command("xwininfo", "-display", display, "-root").Run() == nil {
				return display
			}
			time.Sleep(50 * time.Millisecond)
		}
		b.Fatal("the virtual display did not start")
	}
	b.Fatal("no free display number")
	return ""
}

func median(ts []time.Duration) time.Duration {
	s := slices.Clone(ts)
	slices.Sort(s)
	return s[len(s)/2]
}
