package ui

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenInBrowserSaysWhenNoBrowserOpens: when the desktop's opener
// fails (no browser, no opener at all), the desk says so and shows where
// the exported page is, where it said nothing before; and the opener is
// always waited for, so no finished process is left a zombie.
func TestOpenInBrowserSaysWhenNoBrowserOpens(t *testing.T) {
	d := newTestDesk(t, testLibrary(t, interview()))
	var started []*exec.Cmd
	opener := func(script string) func(string) *exec.Cmd {
		return func(path string) *exec.Cmd {
			c := exec.Command("sh", "-c", script, "xdg-open", path)
			started = append(started, c)
			return c
		}
	}
	page := filepath.Join("pieces", "newest-interview.html")

	// No browser: xdg-open ends with status 3.
	d.browser = opener("exit 3")
	d.previewInBrowser()
	settled(d)
	text := overlayText(d.win)
	if !strings.Contains(text, "No browser opened the page") || !strings.Contains(text, "status 3") || !strings.Contains(text, page) {
		t.Errorf("a failed opener is not reported with the page's path:\n%s", text)
	}
	if len(started) != 1 || started[0].ProcessState == nil {
		t.Fatal("the opener was not waited for: it is left a zombie")
	}
	tapButton(t, d.win, "Close")

	// A browser opens: nothing to say, and the opener is waited for too.
	d.browser = opener("exit 0")
	d.previewInBrowser()
	settled(d)
	if text := overlayText(d.win); strings.Contains(text, "No browser") {
		t.Errorf("a browser opened, yet the desk says:\n%s", text)
	}
	if len(started) != 2 || started[1].ProcessState == nil || !started[1].ProcessState.Success() {
		t.Error("the opener that succeeded was not waited for")
	}

	// No opener at all.
	d.browser = func(path string) *exec.Cmd { return exec.Command("galley-no-such-opener", path) }
	d.previewInBrowser()
	settled(d)
	if text := overlayText(d.win); !strings.Contains(text, "galley-no-such-opener is not installed") || !strings.Contains(text, page) {
		t.Errorf("a missing opener is not reported:\n%s", text)
	}
}
