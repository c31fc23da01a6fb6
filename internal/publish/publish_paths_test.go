//go:build linux

package publish_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/publish"
	"app.galley/galley/internal/sshtest"
)

// published is a site published once to a folder of its own on srv: the
// folder, the target and the record Galley keeps beside it.
type published struct {
	remote, record string
	to             publish.Target
}

func publishOnce(t *testing.T, srv *sshtest.Server, d *desk) published {
	t.Helper()
	www := filepath.Join(t.TempDir(), "www")
	remote := filepath.Join(www, "site")
	to := target(t, srv, remote)
	if _, err := publish.Publish(ctx, d.site, to, publish.Options{Library: d.id, SSH: login(srv)}); err != nil {
		t.Fatal(err)
	}
	return published{remote: remote, record: filepath.Join(www, ".site.galley-publish.json"), to: to}
}

// claim adds to the record files Galley published that the export no
// longer has, as if pieces had been deleted since: the next publish
// removes them.
func (p published) claim(t *testing.T, rels ...string) {
	t.Helper()
	data, err := os.ReadFile(p.record)
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	files := rec["files"].(map[string]any)
	for _, rel := range rels {
		files[rel] = map[string]any{"size": 1}
	}
	if data, err = json.Marshal(rec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.record, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// pages counts the record's pages.
func (p published) pages(t *testing.T) int {
	t.Helper()
	data, _ := os.ReadFile(p.record)
	var rec struct{ Files map[string]json.RawMessage }
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	n := 0
	for rel := range rec.Files {
		if filepath.Ext(rel) == ".html" {
			n++
		}
	}
	return n
}

// TestAPublishStopsWhereItMust pins how a publish over SFTP ends when it
// cannot go on, each from a site published once: a record it cannot
// read, removing most of the site's pages (refused, on a dry run too,
// unless replacing), a folder it cannot make, another publish under way,
// a record or journal it cannot write, a file it cannot remove, and a
// stop while it removes files, which the next publish resumes.
func TestAPublishStopsWhereItMust(t *testing.T) {
	srv := sshtest.Start(t)
	d := newDesk(t)
	d.export()
	opt := publish.Options{Library: d.id, SSH: login(srv)}

	t.Run("unreadable record", func(t *testing.T) {
		p := publishOnce(t, srv, d)
		os.WriteFile(p.record, []byte("{not json"), 0o600)
		_, err := publish.Publish(ctx, d.site, p.to, opt)
		wantError(t, "a record that is not JSON", err, galley.EInvalid,
			p.record+" on 127.0.0.1 is not a record Galley can read; nothing was published. A newer Galley may have written it.", "")
	})

	t.Run("removing most pages", func(t *testing.T) {
		p := publishOnce(t, srv, d)
		pages := p.pages(t)
		var gone []string
		for i := range pages + 1 {
			gone = append(gone, fmt.Sprintf("people/gone-%d.html", i))
		}
		p.claim(t, gone...)
		for _, dry := range []bool{true, false} {
			o := opt
			o.DryRun = dry
			rep, err := publish.Publish(ctx, d.site, p.to, o)
			var refused *publish.ReplaceError
			if !errors.As(err, &refused) || len(rep.Removed) != len(gone) || len(rep.Uploaded) != 0 {
				t.Errorf("dry run %v: %d removed, %d uploaded, %v; want a refusal listing the %d pages", dry, len(rep.Removed), len(rep.Uploaded), err, len(gone))
			}
			wantError(t, "removing most pages", err, galley.EConflict,
				fmt.Sprintf("This publish would remove %d of the %d pages of the site at %s; nothing was changed. If that is meant, publish again replacing the site (--replace).", len(gone), 2*pages+1, p.to), "")
		}
		o := opt
		o.Replace = true
		if rep, err := publish.Publish(ctx, d.site, p.to, o); err != nil || len(rep.Removed) != len(gone) {
			t.Errorf("replacing: %d removed, %v", len(rep.Removed), err)
		}
		if n := p.pages(t); n != pages {
			t.Errorf("after replacing the record holds %d pages, want %d", n, pages)
		}
	})

	t.Run("folder that cannot be made", func(t *testing.T) {
		at := "/proc/galley-no-such-folder/site"
		_, err := publish.Publish(ctx, d.site, target(t, srv, at), opt)
		wantError(t, "a folder under /proc", err, galley.EInvalid, "Cannot make the folder "+at+" on 127.0.0.1: ", "; nothing was published.")
	})

	t.Run("another publish under way", func(t *testing.T) {
		p := publishOnce(t, srv, d)
		p.claim(t, "people/gone.html")
		os.WriteFile(p.record+".lock", []byte("elsewhere 1 2024-05-01T10:00:00Z\n"), 0o600)
		_, err := publish.Publish(ctx, d.site, p.to, opt)
		wantError(t, "a fresh lock", err, galley.EBusy,
			"Another publish to "+p.to.String()+" is under way (from elsewhere 1 2024-05-01T10:00:00Z); nothing was published. Try again when it is done.", "")
	})

	t.Run("record that cannot be written", func(t *testing.T) {
		www := filepath.Join(t.TempDir(), "www")
		remote := filepath.Join(www, "site")
		// What the record is written as before it is renamed into place,
		// beside the folder and in it, taken by folders.
		os.MkdirAll(filepath.Join(www, ".site.galley-publish.json.galley-upload", "x"), 0o755)
		os.MkdirAll(filepath.Join(remote, ".galley-publish.json.galley-upload", "x"), 0o755)
		o := opt
		o.Replace = true
		_, err := publish.Publish(ctx, d.site, target(t, srv, remote), o)
		wantError(t, "no record written", err, galley.EInternal, "Cannot write Galley's record of the site on 127.0.0.1: ", ".")
		if got := files(t, remote); len(got) != 0 {
			t.Errorf("a publish that could not write its record uploaded %d files", len(got))
		}
	})

	t.Run("journal that cannot be written", func(t *testing.T) {
		p := publishOnce(t, srv, d)
		p.claim(t, "people/gone.html")
		os.MkdirAll(filepath.Join(p.record+".journal", "x"), 0o755)
		_, err := publish.Publish(ctx, d.site, p.to, opt)
		wantError(t, "no journal written", err, galley.EInternal, "Cannot write Galley's record of the site on 127.0.0.1: ", "; nothing was published.")
	})

	t.Run("file that cannot be removed", func(t *testing.T) {
		p := publishOnce(t, srv, d)
		p.claim(t, "people/stuck.html")
		os.MkdirAll(filepath.Join(p.remote, "people", "stuck.html", "x"), 0o755)
		_, err := publish.Publish(ctx, d.site, p.to, opt)
		wantError(t, "a folder in a page's place", err, galley.EInternal, "Cannot remove people/stuck.html from "+p.to.String()+": ", ".")
	})

	t.Run("stopped while removing", func(t *testing.T) {
		p := publishOnce(t, srv, d)
		p.claim(t, "people/gone-1.html", "people/gone-2.html", "people/gone-3.html")
		stopped, cancel := context.WithCancel(ctx)
		defer cancel()
		o := opt
		o.Progress = func(done, total int) {
			if done == 1 {
				cancel()
			}
		}
		rep, err := publish.Publish(stopped, d.site, p.to, o)
		if !errors.Is(err, context.Canceled) || len(rep.Removed) != 3 {
			t.Fatalf("stopped after the first removal: %d to remove, %v; want it cancelled", len(rep.Removed), err)
		}
		rep, err = publish.Publish(ctx, d.site, p.to, opt)
		if err != nil || len(rep.Removed) != 2 || len(rep.Uploaded) != 0 {
			t.Errorf("the next publish removed %q, uploaded %d, %v; want the two left", rep.Removed, len(rep.Uploaded), err)
		}
	})

	t.Run("record that cannot be written at the end", func(t *testing.T) {
		www := filepath.Join(t.TempDir(), "www")
		remote := filepath.Join(www, "site")
		to := target(t, srv, remote)
		tmp := filepath.Join(www, ".site.galley-publish.json.galley-upload")
		o := opt
		o.Progress = func(done, total int) {
			if done == total {
				os.MkdirAll(filepath.Join(tmp, "x"), 0o755)
			}
		}
		_, err := publish.Publish(ctx, d.site, to, o)
		wantError(t, "no record written at the end", err, galley.EInternal, "Cannot write Galley's record of the site on 127.0.0.1: ", ".")
		os.RemoveAll(tmp)
		rep, err := publish.Publish(ctx, d.site, to, opt)
		if err != nil || !rep.Resumed || len(rep.Uploaded) != 0 {
			t.Errorf("the next publish: resumed %v, %d uploaded, %v; want what the journal says kept", rep.Resumed, len(rep.Uploaded), err)
		}
		sameSite(t, d.site, remote)
	})
}
