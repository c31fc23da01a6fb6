//go:build linux

package ui

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

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

// The server's folder holds files someone put there by hand: File →
// Publish Site asks before publishing over them, naming them; No sends
// nothing (the folder, and its parent where Galley keeps its record, stay
// as they were). Yes goes on to the usual question, then publishes with a
// progress dialog the editor sees counting the files sent, and a summary
// whose counts are what arrived on the server; the files put by hand are
// left as they were, and the next publish finds the site up to date.
func TestPublishingOverFilesPutThereByHandAsksFirst(t *testing.T) {
	srv := sshtest.Start(t)
	t.Setenv("HOME", srv.UserHome(t))
	t.Setenv("SSH_AUTH_SOCK", "")

	lib := testLibrary(t, interview())
	www := filepath.Join(t.TempDir(), "www")
	remote := filepath.Join(www, "site")
	byHand := map[string]string{
		"notes.txt":            "Directions to the office.\n",
		"private/contacts.txt": "Ada: 555-0100\n",
	}
	for name, body := range byHand {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(remote, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(remote, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	to, err := publish.ParseDestination(srv.URL(remote))
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.SetSiteSettings(context.Background(), map[string]string{"publish-to": srv.URL(remote)}); err != nil {
		t.Fatal(err)
	}
	d := newTestDesk(t, lib)
	d.SetImageCache(filepath.Join(t.TempDir(), "cache", "images"))
	before := folderState(t, www)
	question := func() string {
		t.Helper()
		if !d.runShortcut(shortcutPublish) {
			t.Fatal("no menu item answers Ctrl+Shift+P")
		}
		waitForDialog(t, d, "Replace the site?")
		settled(d)
		if text := overlayText(d.win); strings.Contains(text, "Publish the site?") || strings.Contains(text, "Published to") {
			t.Fatalf("the desk went on before the editor answered:\n%s", text)
		}
		return dialogMessage(t, d, "Publish over what is there?")
	}

	msg := question()
	if want := to.String() + " already holds files Galley did not publish (notes.txt, private); nothing was published."; !strings.Contains(msg, want) {
		t.Errorf("the question does not say what is there (%q):\n%s", want, msg)
	}
	tapButton(t, d.win, "No")
	settled(d)
	if diff := sameState(before, folderState(t, www)); diff != "" {
		t.Errorf("answering No changed the server's folder:\n%s", diff)
	}
	if text := overlayText(d.win); strings.Contains(text, "Replace the site?") || strings.Contains(text, "Publish") {
		t.Errorf("after No the desk still shows:\n%s", text)
	}

	question()
	tapButton(t, d.win, "Yes")
	waitForDialog(t, d, "Publish the site?")
	plan := regexp.MustCompile(`will receive the whole site: (\d+) files`).FindStringSubmatch(dialogMessage(t, d, "will receive"))
	if plan == nil {
		t.Fatalf("the question does not say what will be sent:\n%s", overlayText(d.win))
	}
	if diff := sameState(before, folderState(t, www)); diff != "" {
		t.Errorf("something was sent before the editor agreed:\n%s", diff)
	}

	tapButton(t, d.win, "Yes")
	// The progress dialog is up at once, and counts the files as they go:
	// what the sending hands to the UI is run here one at a time, and the
	// dialog read after each.
	text := overlayText(d.win)
	if !strings.Contains(text, "Publishing to "+to.String()) || !strings.Contains(text, "Connecting…") {
		t.Fatalf("no progress is shown while publishing:\n%s", text)
	}
	note := progressNote(t, d, "Connecting…")
	var said []string
	q := queueOf(d)
	for {
		d.jobs.settle()
		fs := q.take()
		if len(fs) == 0 {
			break
		}
		for _, f := range fs {
			f()
			if len(said) == 0 || said[len(said)-1] != note.Text {
				said = append(said, note.Text)
			}
		}
	}
	waitForDialog(t, d, "Published to")
	summary := regexp.MustCompile(`: (\d+) files sent \([^)]*\), (\d+) removed, (\d+) unchanged\.`).FindStringSubmatch(dialogMessage(t, d, "Published to"))
	if summary == nil {
		t.Fatalf("the summary does not give the counts:\n%s", overlayText(d.win))
	}
	sent := 0
	for p := range folderState(t, remote) {
		if _, ok := byHand[filepath.ToSlash(p)]; !ok && !strings.HasSuffix(p, "/") {
			sent++
		}
	}
	if summary[1] != strconv.Itoa(sent) || summary[1] != plan[1] || summary[2] != "0" || summary[3] != "0" {
		t.Errorf("the summary says %s sent, %s removed, %s unchanged, the question %s to send; %d files of the site arrived", summary[1], summary[2], summary[3], plan[1], sent)
	}
	if last := "Sending: " + plan[1] + " of " + plan[1] + " files"; !slices.Contains(said, last) {
		t.Errorf("the progress never said %q; it said %q", last, said)
	}
	if _, err := os.Stat(filepath.Join(remote, "pieces", "newest-interview.html")); err != nil {
		t.Errorf("the site's pages did not arrive: %v", err)
	}
	after := folderState(t, www)
	for name := range byHand {
		p := filepath.Join("site", name)
		if after[p] != before[p] {
			t.Errorf("%s, put there by hand, was not left as it was", name)
		}
	}
	tapButton(t, d.win, "Close")

	d.publishSite()
	waitForDialog(t, d, "The site is up to date")
	if msg := dialogMessage(t, d, "already holds this site"); !strings.Contains(msg, "("+plan[1]+" files)") {
		t.Errorf("the next publish does not find the %s files sent: %q", plan[1], msg)
	}
}

// progressNote is the line of the progress dialog on d that says text now.
func progressNote(t *testing.T, d *Desk, text string) *widget.Label {
	t.Helper()
	var note *widget.Label
	for _, o := range d.win.Canvas().Overlays().List() {
		walk(t, o, func(c fyne.CanvasObject) {
			if l, ok := c.(*widget.Label); ok && l.Text == text {
				note = l
			}
		})
	}
	if note == nil {
		t.Fatalf("no %q in the dialogs:\n%s", text, overlayText(d.win))
	}
	return note
}
