//go:build linux

package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/publish"
	"app.galley/galley/internal/sshtest"
)

// waitForDialog waits until the window's dialogs show want; publishing
// reaches a real server, so it is given longer than waitFor gives.
func waitForDialog(t *testing.T, d *Desk, want string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		runQueued()
		text := overlayText(d.win)
		if strings.Contains(text, want) {
			return text
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q; the dialogs show:\n%s", want, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// File → Publish Site sends the site to a real OpenSSH server after the
// editor has seen what will change, and says when there is nothing to
// send; with nowhere set, it asks where first.
func TestPublishingFromTheDesk(t *testing.T) {
	srv := sshtest.Start(t)
	t.Setenv("HOME", srv.UserHome(t))
	t.Setenv("SSH_AUTH_SOCK", "")

	lib := testLibrary(t, interview())
	remote := filepath.Join(t.TempDir(), "www", "site")
	ctx := context.Background()
	if err := lib.SetSiteSettings(ctx, map[string]string{"publish-to": srv.URL(remote), "site-name": "Basin Review"}); err != nil {
		t.Fatal(err)
	}
	d := newTestDesk(t, lib)
	d.SetImageCache(filepath.Join(t.TempDir(), "cache", "images"))

	if !d.runShortcut(shortcutPublish) {
		t.Fatal("no menu item answers Ctrl+Shift+P")
	}
	text := waitForDialog(t, d, "Publish the site?")
	if !strings.Contains(text, "will receive the whole site") {
		t.Errorf("the question does not say what will change:\n%s", text)
	}
	if _, err := os.Stat(remote); err == nil {
		t.Fatal("something was sent before the editor agreed")
	}
	tapButton(t, d.win, "Yes")
	waitForDialog(t, d, "Published to")
	page, err := os.ReadFile(filepath.Join(remote, "pieces", "newest-interview.html"))
	if err != nil || !strings.Contains(string(page), "Basin Review") {
		t.Fatalf("the published page: %v", err)
	}
	tapButton(t, d.win, "Close")

	d.publishSite()
	waitForDialog(t, d, "The site is up to date")
	tapButton(t, d.win, "OK")

	// A library that does not say where asks, and keeps the answer.
	if err := lib.SetSiteSettings(ctx, map[string]string{"publish-to": ""}); err != nil {
		t.Fatal(err)
	}
	d.publishSite()
	waitForDialog(t, d, "Where does the site go?")
	other := filepath.Join(t.TempDir(), "other")
	entry := findEntryWithPlaceholder(t, d.win, "sftp://user@host/path/to/site")
	entry.SetText(srv.URL(other))
	tapButton(t, d.win, "Continue")
	waitForDialog(t, d, "Publish the site?")
	settled(d)
	got, _ := lib.SiteSettings(ctx)
	if want, _ := publish.ParseDestination(srv.URL(other)); got["publish-to"] != want.String() {
		t.Errorf("the address given was not kept in the library: %v", got)
	}
}

func TestThePublishQuestionSaysWhatWillChange(t *testing.T) {
	to, _ := publish.ParseDestination("sftp://deploy@example.org/var/www/site")
	msg := publishPlanText(to, publish.Report{Uploaded: []string{"a.html", "b.jpg"}, Removed: []string{"old.html"}, Unchanged: 1200, Bytes: 2 << 20, Resumed: true})
	for _, want := range []string{"sftp://deploy@example.org/var/www/site", "2 new or changed files (2.0 MB)", "lose 1 pages", "1,200 stay", "finishes a publish that was stopped"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
}
