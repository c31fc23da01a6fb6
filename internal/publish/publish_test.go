//go:build linux

package publish_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"app.galley/galley/assets"
	"app.galley/galley/internal/bundle"
	"app.galley/galley/internal/export"
	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/publish"
	"app.galley/galley/internal/sshtest"
	"app.galley/galley/internal/store"
)

var ctx = context.Background()

// desk is a library with the sample pieces and the folder its site is
// exported to before each publish.
type desk struct {
	t    *testing.T
	st   *store.Store
	id   string
	site string
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "lib.galley"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := bundle.OpenFS(assets.Sample(), "sample")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, b.Pieces, b.ReadImage, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	id, err := st.Identity(ctx)
	if err != nil || id == "" {
		t.Fatalf("identity %q, %v", id, err)
	}
	return &desk{t: t, st: st, id: id, site: filepath.Join(dir, "site")}
}

func (d *desk) export() {
	d.t.Helper()
	snap, err := d.st.Snapshot(ctx)
	if err != nil {
		d.t.Fatal(err)
	}
	defer snap.Close()
	if _, err := export.Site(ctx, snap, d.site, export.Options{Library: d.id, Replace: true}); err != nil {
		d.t.Fatal(err)
	}
}

// editSummary edits one piece's summary and exports the site again.
func (d *desk) editSummary(text string) {
	d.t.Helper()
	p, err := d.st.PieceBySlug(ctx, "why-mediators-should-talk-about-fish")
	if err != nil {
		d.t.Fatal(err)
	}
	p.Summary = text
	if err := d.st.SavePiece(ctx, p); err != nil {
		d.t.Fatal(err)
	}
	d.export()
}

func login(s *sshtest.Server) publish.SSH {
	return publish.SSH{KnownHosts: []string{s.KnownHosts}, Keys: []string{s.KeyFile}, Agent: "-"}
}

func target(t *testing.T, s *sshtest.Server, dir string) publish.Target {
	t.Helper()
	to, err := publish.ParseTarget(s.URL(dir))
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// files reads every file under dir, by slash path.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameSite fails unless the server's folder holds exactly the export,
// besides the files named in extra.
func sameSite(t *testing.T, site, remote string, extra ...string) {
	t.Helper()
	want, got := files(t, site), files(t, remote)
	for _, e := range extra {
		delete(got, e)
	}
	for p, data := range want {
		if got[p] != data {
			t.Errorf("the server's %s differs from the export's", p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("the server holds %s, which the export does not", p)
		}
	}
}

func TestAPublishPutsTheSiteOnTheServerAndThenOnlyWhatChanged(t *testing.T) {
	srv := sshtest.Start(t)
	d := newDesk(t)
	www := filepath.Join(t.TempDir(), "www")
	remote := filepath.Join(www, "site")
	os.MkdirAll(remote, 0o755)
	// A file someone put there by hand before Galley published.
	os.WriteFile(filepath.Join(remote, "notes.txt"), []byte("kept"), 0o644)
	to := target(t, srv, remote)
	opt := publish.Options{Library: d.id, SSH: login(srv)}

	d.export()
	var refused *publish.ReplaceError
	if _, err := publish.Publish(ctx, d.site, to, opt); !errors.As(err, &refused) || !strings.Contains(err.Error(), "notes.txt") {
		t.Fatalf("publishing into a folder of other files = %v, want a refusal naming them", err)
	}
	if got := files(t, remote); len(got) != 1 {
		t.Fatalf("a refused publish changed the folder: %d files", len(got))
	}
	opt.Replace = true
	rep, err := publish.Publish(ctx, d.site, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Replace = false
	total := len(files(t, d.site))
	if len(rep.Uploaded) != total || rep.Unchanged != 0 || len(rep.Removed) != 0 {
		t.Errorf("first publish: %d uploaded, %d unchanged, %d removed; want all %d uploaded", len(rep.Uploaded), rep.Unchanged, len(rep.Removed), total)
	}
	sameSite(t, d.site, remote, "notes.txt")
	// Galley's record is beside the folder the web server serves, and
	// not for a web server running as another user to read.
	if fi, err := os.Stat(filepath.Join(www, ".site.galley-publish.json")); err != nil {
		t.Errorf("no record beside the site: %v", err)
	} else if fi.Mode().Perm()&0o004 != 0 {
		t.Errorf("the record beside the site has mode %v: every user may read it", fi.Mode().Perm())
	}
	// Readable by a web server running as another user.
	fi, _ := os.Stat(filepath.Join(remote, "pieces", "why-mediators-should-talk-about-fish.html"))
	if fi == nil || fi.Mode().Perm()&0o004 == 0 {
		t.Errorf("a published page is not readable by others: %v", fi)
	}

	if rep, err := publish.Publish(ctx, d.site, to, opt); err != nil || len(rep.Uploaded) != 0 || rep.Unchanged != total {
		t.Errorf("publishing again with nothing changed = %+v, %v; want nothing uploaded", rep, err)
	}

	// One piece edited: a dry run lists its few files and changes
	// nothing; the publish then sends only those.
	d.editSummary("A summary edited after the first publish.")
	before := files(t, remote)
	dry := opt
	dry.DryRun = true
	plan, err := publish.Publish(ctx, d.site, to, dry)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Uploaded) == 0 || len(plan.Uploaded) > 12 || !contains(plan.Uploaded, "pieces/why-mediators-should-talk-about-fish.html") {
		t.Errorf("dry run after one edit would upload %q", plan.Uploaded)
	}
	if after := files(t, remote); !equal(before, after) {
		t.Error("a dry run changed the server")
	}
	rep, err = publish.Publish(ctx, d.site, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !equal(toSet(rep.Uploaded), toSet(plan.Uploaded)) || len(rep.Removed) != 0 {
		t.Errorf("publish uploaded %q, the dry run said %q", rep.Uploaded, plan.Uploaded)
	}
	sameSite(t, d.site, remote, "notes.txt")

	// A deleted piece's page goes from the server; the hand-made file stays.
	gone, _ := d.st.PieceBySlug(ctx, "basin-dialogue-series-opens")
	if _, err := d.st.DeletePiece(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	d.export()
	rep, err = publish.Publish(ctx, d.site, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !contains(rep.Removed, "pieces/basin-dialogue-series-opens.html") {
		t.Errorf("removed %q, want the deleted piece's page", rep.Removed)
	}
	sameSite(t, d.site, remote, "notes.txt")
	if data, _ := os.ReadFile(filepath.Join(remote, "notes.txt")); string(data) != "kept" {
		t.Error("a file Galley did not publish was changed or removed")
	}

	// Another library's site there is not replaced by mistake.
	other := newDesk(t)
	other.export()
	if _, err := publish.Publish(ctx, other.site, to, publish.Options{Library: other.id, SSH: login(srv)}); !errors.As(err, &refused) {
		t.Errorf("publishing another library over the site = %v, want a refusal", err)
	}
	sameSite(t, d.site, remote, "notes.txt")
}

func TestAnUnknownOrChangedHostKeyStopsThePublish(t *testing.T) {
	srv := sshtest.Start(t)
	d := newDesk(t)
	d.export()
	remote := filepath.Join(t.TempDir(), "site")
	to := target(t, srv, remote)

	srv.ReplaceKnownHostKey(t)
	_, err := publish.Publish(ctx, d.site, to, publish.Options{Library: d.id, SSH: login(srv)})
	if err == nil || !strings.Contains(err.Error(), "CHANGED") || !strings.Contains(err.Error(), "SHA256:") {
		t.Errorf("a changed host key = %v, want the publish stopped, saying so", err)
	}
	os.WriteFile(srv.KnownHosts, nil, 0o600)
	_, err = publish.Publish(ctx, d.site, to, publish.Options{Library: d.id, SSH: login(srv)})
	if err == nil || !strings.Contains(err.Error(), "not known") || !strings.Contains(err.Error(), "SHA256:") {
		t.Errorf("an unknown host key = %v, want the publish stopped with the key's fingerprint", err)
	}
	if _, err := os.Stat(remote); !errors.Is(err, fs.ErrNotExist) {
		t.Error("something was written on a server whose key did not check")
	}
}

func TestAStoppedPublishIsResumedAndNeverLeavesHalfAPage(t *testing.T) {
	srv := sshtest.Start(t)
	d := newDesk(t)
	d.export()
	remote := filepath.Join(t.TempDir(), "site")
	to := target(t, srv, remote)
	total := len(files(t, d.site))

	stopped, cancel := context.WithCancel(ctx)
	var n atomic.Int64
	opt := publish.Options{Library: d.id, SSH: login(srv), Progress: func(done, _ int) {
		if n.Add(1) == 12 {
			cancel()
		}
	}}
	if _, err := publish.Publish(stopped, d.site, to, opt); !errors.Is(err, context.Canceled) {
		t.Fatalf("a stopped publish = %v, want it cancelled", err)
	}
	// Every page in place is whole: the export's own bytes.
	want := files(t, d.site)
	partial := 0
	for p, data := range files(t, remote) {
		if strings.HasSuffix(p, ".galley-upload") {
			continue
		}
		partial++
		if want[p] != data {
			t.Errorf("after the stop the server's %s is not the export's", p)
		}
	}
	if partial < 12 || partial >= total {
		t.Fatalf("%d of %d files were in place after the stop", partial, total)
	}

	opt.Progress = nil
	rep, err := publish.Publish(ctx, d.site, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Resumed || rep.Unchanged < 12 || len(rep.Uploaded)+rep.Unchanged != total {
		t.Errorf("the next publish: resumed %v, %d uploaded, %d unchanged of %d; want what was sent kept", rep.Resumed, len(rep.Uploaded), rep.Unchanged, total)
	}
	sameSite(t, d.site, remote)
}

// A web root whose parent the login may not write (a home's public_html
// under a folder root owns, say) keeps Galley's record inside the folder,
// and the next publish finds it there and sends only what changed.
func TestARecordGoesInsideTheFolderWhenItsParentIsNotWritable(t *testing.T) {
	srv := sshtest.Start(t, sshtest.Unprivileged())
	d := newDesk(t)
	d.export()
	// A folder every user may enter: the login may be nobody.
	shared, err := os.MkdirTemp("", "galley-www-")
	if err != nil {
		t.Fatal(err)
	}
	www := filepath.Join(shared, "www")
	remote := filepath.Join(www, "site")
	t.Cleanup(func() {
		os.Chmod(www, 0o755)
		os.RemoveAll(shared)
	})
	if err := os.Chmod(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(remote, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// The login is nobody: the site's folder is theirs, its parent root's.
		who := fixture.Nobody()
		if err := os.Chown(remote, int(who.Uid), int(who.Gid)); err != nil {
			t.Fatal(err)
		}
	} else if err := os.Chmod(www, 0o555); err != nil {
		t.Fatal(err)
	}
	to := target(t, srv, remote)
	opt := publish.Options{Library: d.id, SSH: login(srv)}

	rep, err := publish.Publish(ctx, d.site, to, opt)
	if err != nil {
		t.Fatalf("publishing where only the folder can be written: %v", err)
	}
	total := len(files(t, d.site))
	if len(rep.Uploaded) != total {
		t.Errorf("first publish uploaded %d of %d files", len(rep.Uploaded), total)
	}
	inside := filepath.Join(remote, ".galley-publish.json")
	if fi, err := os.Stat(inside); err != nil {
		t.Fatalf("no record inside the folder: %v", err)
	} else if fi.Mode().Perm()&0o004 != 0 {
		t.Errorf("the record inside the served folder has mode %v: the web server serves it", fi.Mode().Perm())
	}
	if rep.RecordServed != filepath.ToSlash(inside) {
		t.Errorf("the report says the record is served from %q, want %q", rep.RecordServed, inside)
	}
	entries, _ := os.ReadDir(www)
	if len(entries) != 1 {
		t.Errorf("the publish left %d entries beside the folder it could not write beside", len(entries))
	}
	// Only the site and the record: no lock, journal or half-sent file.
	sameSite(t, d.site, remote, ".galley-publish.json")

	// An edit: the next publish reads the record inside and sends only the
	// piece's few files, saying again where the record is.
	d.editSummary("A summary edited after the record went inside.")
	rep, err = publish.Publish(ctx, d.site, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Uploaded) == 0 || len(rep.Uploaded) > 12 || !contains(rep.Uploaded, "pieces/why-mediators-should-talk-about-fish.html") || rep.RecordServed == "" {
		t.Errorf("publishing one edit with the record inside: uploaded %q, record served %q", rep.Uploaded, rep.RecordServed)
	}
	if len(rep.Removed) != 0 {
		t.Errorf("the record inside was taken for a file to remove: %q", rep.Removed)
	}
	sameSite(t, d.site, remote, ".galley-publish.json")

	// The record is Galley's: another library is refused there, as beside.
	other := newDesk(t)
	other.export()
	var refused *publish.ReplaceError
	if _, err := publish.Publish(ctx, other.site, to, publish.Options{Library: other.id, SSH: login(srv)}); !errors.As(err, &refused) {
		t.Errorf("publishing another library where the record is inside = %v, want a refusal", err)
	}
}

func TestTheAddressIsCheckedAndNeverCarriesAPassword(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"sftp://dana@example.org/var/www/site", "sftp://dana@example.org/var/www/site", ""},
		{"sftp://dana@example.org:2222/srv/site/", "sftp://dana@example.org:2222/srv/site", ""},
		{"sftp://example.org/~/public_html", "sftp://example.org/~/public_html", ""},
		{"sftp://dana:hunter2@example.org/site", "", "password"},
		{"ftp://example.org/site", "", "not an sftp"},
		{"sftp://example.org/", "", "names no folder"},
		{"sftp://example.org:99999/site", "", "port"},
		{"sftp:///site", "", "names no server"},
	} {
		to, err := publish.ParseTarget(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: %v, want an error saying %q", tc.in, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.in, err)
		case tc.err == "" && to.String() != tc.want:
			t.Errorf("%s reads as %s, want %s", tc.in, to, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the password: %v", err)
		}
		if err != nil && galley.ErrorCode(err) != galley.EInvalid {
			t.Errorf("%s: code %s", tc.in, galley.ErrorCode(err))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func toSet(list []string) map[string]string {
	m := map[string]string{}
	for _, s := range list {
		m[s] = ""
	}
	return m
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal([]byte(v), []byte(w)) {
			return false
		}
	}
	return true
}
