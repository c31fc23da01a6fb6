//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
)

// envGalleyProcess carries, as JSON, the command line TestGalleyProcess
// runs.
const envGalleyProcess = "GALLEY_TEST_PROCESS"

// TestGalleyProcess is the galley process of the tests below: it runs its
// command line through runProcess, as main does (signals included), and
// exits with the status galley would.
func TestGalleyProcess(t *testing.T) {
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(envGalleyProcess)), &args); err != nil || len(args) == 0 {
		t.Skip("the galley process of the signal tests")
	}
	if code := runProcess(args, env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}); code != 0 {
		os.Exit(code) // a test may not exit with 0; returning is that
	}
}

// galleyProcess is a galley command running in a process of its own.
type galleyProcess struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{} // closed when the process has ended
	err            error         // from Wait, once done
}

// startGalley starts galley with args in a child process, its cache in
// cache.
func startGalley(t *testing.T, cache string, args ...string) *galleyProcess {
	t.Helper()
	js, _ := json.Marshal(args)
	p := &galleyProcess{cmd: exec.Command(os.Args[0], "-test.run=^TestGalleyProcess$", "-test.count=1", "-test.timeout=5m"), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), envGalleyProcess+"="+string(js), "XDG_CACHE_HOME="+cache)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits for the process to end and returns its exit status (-1 when
// a signal ended it).
func (p *galleyProcess) wait(t *testing.T) int {
	t.Helper()
	<-p.done
	var exit *exec.ExitError
	if p.err != nil && !errors.As(p.err, &exit) {
		t.Fatal(p.err)
	}
	return p.cmd.ProcessState.ExitCode()
}

// stagingFolders lists the folders beside out an export to it builds in.
func stagingFolders(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		// The manifest beside a finished site is no staging folder.
		if strings.HasPrefix(e.Name(), "."+filepath.Base(out)+".galley-") && e.Name() != "."+filepath.Base(out)+".galley-site.json" {
			names = append(names, e.Name())
		}
	}
	return names
}

// waitForStaging waits until the export p runs to out has begun building
// its staging folder, and fails if p ends first.
func waitForStaging(t *testing.T, p *galleyProcess, out string) {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for {
		for _, name := range stagingFolders(t, out) {
			if !strings.HasSuffix(name, "-lock") {
				return
			}
		}
		select {
		case <-p.done:
		case <-deadline:
		case <-time.After(5 * time.Millisecond):
			continue
		}
		break
	}
	p.cmd.Process.Kill()
	<-p.done
	t.Fatalf("the export to %s never began\nstdout: %s\nstderr: %s", out, p.stdout.String(), p.stderr.String())
}

// siteFiles reads every file under dir by its path inside dir; nil when
// dir does not exist.
func siteFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameSite fails the test where two sites read by siteFiles differ.
func sameSite(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d files, want %d", what, len(got), len(want))
	}
	for p := range want {
		if got[p] != want[p] {
			t.Errorf("%s: %s differs", what, p)
		}
	}
}

// slowLibrary makes a library of pieces each with its own large photo, so
// a first export spends seconds resizing: long enough to be interrupted.
func slowLibrary(t *testing.T, dir string) string {
	t.Helper()
	b := filepath.Join(dir, "photos bundle")
	if err := os.MkdirAll(filepath.Join(b, "img"), 0o755); err != nil {
		t.Fatal(err)
	}
	var pieces []string
	for i := range 16 {
		pieces = append(pieces, fmt.Sprintf(`{"title": "Photo Essay %d", "type": "Analysis", "status": "published", "published": "2024-11-%02d",
 "summary": "Pictures.", "topics": ["Energy"],
 "photos": [{"file": "img/%d.jpg", "alt": "A view", "caption": "A view at noon.", "credit": "A. Photographer/Agency", "lead": true}]}`, i, i+1, i))
		if err := os.WriteFile(filepath.Join(b, "img", strconv.Itoa(i)+".jpg"), fixture.JPEG(2400, 1600, i), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	index := `{"format": "galley.bundle/1", "pieces": [` + strings.Join(pieces, ",\n") + `]}`
	if err := os.WriteFile(filepath.Join(b, "pieces.json"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "library.galley")
	if r := galleyCmd(t, nil, "--db", lib, "import", b); r.code != 0 {
		t.Fatalf("import = %+v", r)
	}
	return lib
}

// TestHTMLExportInterrupted runs `galley html` in real processes and
// interrupts it as people and machines do: Ctrl-C (SIGINT) during a first
// export, SIGTERM during a re-export, kill -9, and a second export into
// the same folder while one runs. Each time the folder holds no site or
// the previous complete one, nothing of the interrupted export stays
// beside it, and the next export is complete.
func TestHTMLExportInterrupted(t *testing.T) {
	dir := t.TempDir()
	lib := slowLibrary(t, dir)
	// The complete site, for comparing; its cache is not used below, so
	// every export there resizes its photos.
	ref := filepath.Join(dir, "reference")
	if r := galleyCmd(t, map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "ref-cache")}, "--db", lib, "html", "--out", ref); r.code != 0 {
		t.Fatalf("reference export = %+v", r)
	}
	want := siteFiles(t, ref)
	cache := func(name string) string { return filepath.Join(dir, "cache-"+name) }
	cancelled := func(t *testing.T, p *galleyProcess, out string, status int) {
		t.Helper()
		if code := p.wait(t); code != status {
			t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", code, status, p.stdout.String(), p.stderr.String())
		}
		if want := "galley: cancelled; nothing was exported, and " + out + " is as it was.\n"; p.stderr.String() != want {
			t.Errorf("the command said %q, want %q", p.stderr.String(), want)
		}
		if left := stagingFolders(t, out); len(left) > 0 {
			t.Errorf("left beside %s: %v", out, left)
		}
	}

	t.Run("SIGINT during the first export", func(t *testing.T) {
		out := filepath.Join(dir, "first")
		p := startGalley(t, cache("sigint"), "--db", lib, "html", "--out", out)
		waitForStaging(t, p, out)
		p.cmd.Process.Signal(syscall.SIGINT)
		cancelled(t, p, out, 130)
		if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the cancelled first export made %s: %v", out, err)
		}
	})

	t.Run("SIGTERM during a re-export", func(t *testing.T) {
		out := filepath.Join(dir, "again")
		if r := galleyCmd(t, map[string]string{"XDG_CACHE_HOME": cache("sigterm")}, "--db", lib, "html", "--out", out); r.code != 0 {
			t.Fatalf("first export = %+v", r)
		}
		before := siteFiles(t, out)
		// Other metadata in every photo, from a new cache: all resized again.
		p := startGalley(t, cache("sigterm-2"), "--db", lib, "html", "--out", out, "--keep-photo-metadata")
		waitForStaging(t, p, out)
		p.cmd.Process.Signal(syscall.SIGTERM)
		cancelled(t, p, out, 143)
		sameSite(t, "the site after the cancelled re-export", siteFiles(t, out), before)
	})

	t.Run("kill -9, then again", func(t *testing.T) {
		out := filepath.Join(dir, "killed")
		p := startGalley(t, cache("killed"), "--db", lib, "html", "--out", out)
		waitForStaging(t, p, out)
		p.cmd.Process.Kill()
		p.wait(t)
		if left := stagingFolders(t, out); len(left) == 0 {
			t.Fatal("the killed export left nothing: it was not killed mid-export")
		}
		r := startGalley(t, cache("killed"), "--db", lib, "html", "--out", out)
		if code := r.wait(t); code != 0 {
			t.Fatalf("the export after the kill: %d\n%s%s", code, r.stdout.String(), r.stderr.String())
		}
		if left := stagingFolders(t, out); len(left) > 0 {
			t.Errorf("still beside %s after the next export: %v", out, left)
		}
		sameSite(t, "the export after the kill", siteFiles(t, out), want)
	})

	t.Run("a second export into the same folder", func(t *testing.T) {
		out := filepath.Join(dir, "shared")
		first := startGalley(t, cache("shared"), "--db", lib, "html", "--out", out)
		waitForStaging(t, first, out)
		second := startGalley(t, cache("shared-2"), "--db", lib, "html", "--out", out)
		if code := second.wait(t); code != 1 {
			t.Errorf("the second export's exit status = %d, want 1", code)
		}
		msg := fmt.Sprintf("galley: Another export into %s is running (process %d); nothing was changed. Export again when it has finished.\n", out, first.cmd.Process.Pid)
		if second.stderr.String() != msg {
			t.Errorf("the second export said %q, want %q", second.stderr.String(), msg)
		}
		if code := first.wait(t); code != 0 {
			t.Fatalf("the first export, with a second refused beside it: %d\n%s", code, first.stderr.String())
		}
		sameSite(t, "the first export", siteFiles(t, out), want)
		// One after the other, both run.
		if code := startGalley(t, cache("shared-2"), "--db", lib, "html", "--out", out).wait(t); code != 0 {
			t.Errorf("the second export, run after the first: %d", code)
		}
		if left := stagingFolders(t, out); len(left) > 0 {
			t.Errorf("left beside %s: %v", out, left)
		}
	})
}

// TestCancelledCommandsSaySo runs commands whose context a signal has
// cancelled: each says it was cancelled, in words, with the exit status
// of the signal, not Go's "context canceled".
func TestCancelledCommandsSaySo(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib.galley")
	importTestBundle(t, lib)
	for _, c := range []struct {
		sig    syscall.Signal
		status int
		args   []string
		say    string
	}{
		{syscall.SIGTERM, 143, []string{"list"}, "galley: cancelled.\n"},
		{syscall.SIGINT, 130, []string{"html", "--out", filepath.Join(t.TempDir(), "site")}, "galley: cancelled; nothing was exported, and "},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(signalled{c.sig})
		var out, errb bytes.Buffer
		code := run(ctx, append([]string{"--db", lib}, c.args...), env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
		if code != c.status || !strings.HasPrefix(errb.String(), c.say) {
			t.Errorf("galley %s cancelled by %v = %d %q, want %d %q", c.args[0], c.sig, code, errb.String(), c.status, c.say)
		}
	}
}
