//go:build linux

package publish_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/publish"
)

// gitRemote makes an empty bare repository to publish to and a target on
// its gh-pages branch.
func gitRemote(t *testing.T) (string, publish.GitTarget) {
	t.Helper()
	remote := filepath.Join(t.TempDir(), "site.git")
	if _, err := git.PlainInit(remote, true); err != nil {
		t.Fatal(err)
	}
	to, err := publish.ParseGitTarget(remote, "gh-pages")
	if err != nil {
		t.Fatal(err)
	}
	return remote, to
}

// wantError fails unless err has the code and its message starts with
// prefix and ends with suffix (what lies between is another library's
// wording, git's or the system's).
func wantError(t *testing.T, what string, err error, code, prefix, suffix string) {
	t.Helper()
	msg := galley.ErrorMessage(err)
	if galley.ErrorCode(err) != code || !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, suffix) {
		t.Errorf("%s = %v (%s), want an error coded %s: %q…%q", what, err, galley.ErrorCode(err), code, prefix, suffix)
	}
}

// TestAGitPublishRefusesWhatItCannotPublish pins the refusals made before
// anything is fetched: a folder that holds no finished export, an export
// of chosen pieces, a cache folder that cannot be made, an ssh remote
// with no key to log in with, a remote that cannot be fetched and a
// publish stopped before the fetch.
func TestAGitPublishRefusesWhatItCannotPublish(t *testing.T) {
	d := newDesk(t)
	remote, to := gitRemote(t)
	opt := publish.Options{Library: d.id}

	empty := t.TempDir()
	_, err := publish.PublishGit(ctx, empty, filepath.Join(t.TempDir(), "cache"), to, opt)
	wantError(t, "an empty folder", err, galley.EInvalid, empty+" holds no export Galley finished; export there first.", "")

	snap, err := d.st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	chosen := filepath.Join(t.TempDir(), "chosen")
	_, err = export.Site(ctx, snap, chosen, export.Options{Library: d.id, Pieces: []string{"why-mediators-should-talk-about-fish"}})
	snap.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = publish.PublishGit(ctx, chosen, filepath.Join(t.TempDir(), "cache"), to, opt)
	wantError(t, "an export of chosen pieces", err, galley.EInvalid, chosen+" holds an export of chosen pieces, not a site; publish the whole site.", "")

	d.export()
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, []byte("x"), 0o600)
	_, err = publish.PublishGit(ctx, d.site, notDir, to, opt)
	wantError(t, "a cache that is a file", err, galley.EInternal, "Cannot prepare the publish in "+notDir+": ", ".")

	keyless := publish.GitTarget{URL: "ssh://git@127.0.0.1:1/site.git", Branch: "gh-pages"}
	kopt := opt
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	os.WriteFile(knownHosts, nil, 0o600)
	kopt.SSH = publish.SSH{KnownHosts: []string{knownHosts}, Keys: []string{filepath.Join(t.TempDir(), "none")}, Agent: "-", Home: t.TempDir()}
	_, err = publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "cache"), keyless, kopt)
	wantError(t, "no key to log in with", err, galley.EInvalid, "There is no SSH key to log in to 127.0.0.1 with", "nothing was published.")

	missing, _ := publish.ParseGitTarget(filepath.Join(t.TempDir(), "nothing-here.git"), "gh-pages")
	_, err = publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "cache"), missing, opt)
	wantError(t, "a remote that is not there", err, galley.EUnavailable, "Cannot fetch "+missing.String()+": ", "; nothing was published.")

	stopped, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := publish.PublishGit(stopped, d.site, filepath.Join(t.TempDir(), "cache"), to, opt); !errors.Is(err, context.Canceled) || galley.ErrorCode(err) != galley.EInternal {
		t.Errorf("a publish stopped before the fetch = %v, want context.Canceled itself", err)
	}
	if hasBranch(t, remote, "gh-pages") {
		t.Error("a refused publish made the branch")
	}
}

// hasBranch reports whether the repository at remote has the branch.
func hasBranch(t *testing.T, remote, branch string) bool {
	t.Helper()
	repo, err := git.PlainOpen(remote)
	if err != nil {
		t.Fatal(err)
	}
	_, err = repo.Reference(plumbing.NewBranchReferenceName(branch), true)
	return err == nil
}

// TestAGitPublishOfAnotherLibrarysBranch pins whose branch a publish
// takes over: another library's is refused unless replacing; one a
// read-only library published (its trailer says "unknown") and a publish
// naming no library refuse nobody.
func TestAGitPublishOfAnotherLibrarysBranch(t *testing.T) {
	d := newDesk(t)
	d.export()
	remote, to := gitRemote(t)
	if _, err := publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "c1"), to, publish.Options{Library: "lib-a"}); err != nil {
		t.Fatal(err)
	}
	var refused *publish.ReplaceError
	_, err := publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "c2"), to, publish.Options{Library: "lib-b"})
	if !errors.As(err, &refused) {
		t.Fatalf("publishing over another library's branch = %v, want a refusal", err)
	}
	wantError(t, "another library's branch", err, galley.EConflict,
		"The branch gh-pages of "+remote+" holds the site of another library; nothing was published. Publish this library elsewhere, or replace that site (--replace).", "")
	if _, err := publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "c3"), to, publish.Options{}); err != nil {
		t.Errorf("a publish naming no library over lib-a's branch = %v", err)
	}
	p, _ := d.st.PieceBySlug(ctx, "why-mediators-should-talk-about-fish")
	p.Summary = "A summary edited after the first publish."
	if err := d.st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	d.export()
	if _, err := publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "c4"), to, publish.Options{Library: "lib-c", Replace: true}); err != nil {
		t.Errorf("replacing lib-a's branch = %v", err)
	}
	if _, last := branchFiles(t, remote, "gh-pages"); !strings.HasSuffix(last.Message, "\n\nGalley-Library: lib-c\n") {
		t.Errorf("the replacing commit:\n%s", last.Message)
	}

	// A publish naming no library (a read-only one) signs "unknown": the
	// next library may take the branch over.
	remote2, to2 := gitRemote(t)
	if _, err := publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "c5"), to2, publish.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, last := branchFiles(t, remote2, "gh-pages"); !strings.HasSuffix(last.Message, "\n\nGalley-Library: unknown\n") {
		t.Errorf("a publish naming no library wrote:\n%s", last.Message)
	}
	if _, err := publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "c6"), to2, publish.Options{Library: "lib-b"}); err != nil {
		t.Errorf("publishing over an unknown library's branch = %v", err)
	}
}

// TestAGitPublishRemovesGalleysOldFilesOnly pins what a publish removes
// from the branch (Galley's pages the export no longer has, said in the
// commit message), that removing more than half the site's pages is
// refused unless replacing, even on a dry run, and how the commit is
// signed and its message laid out.
func TestAGitPublishRemovesGalleysOldFilesOnly(t *testing.T) {
	d := newDesk(t)
	d.export()
	remote, to := gitRemote(t)
	cache := filepath.Join(t.TempDir(), "cache")
	opt := publish.Options{Library: d.id}
	t.Setenv("USER", "")
	rep, err := publish.PublishGit(ctx, d.site, cache, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	_, first := branchFiles(t, remote, "gh-pages")
	if first.Author.Name != "Galley" || first.Author.Email != "galley@localhost" || first.Committer.Name != "Galley" {
		t.Errorf("with no $USER the commit is by %v, committed by %v", first.Author, first.Committer)
	}
	var head strings.Builder
	fmt.Fprintf(&head, "Publish the site: %d files new or changed, 0 removed\n\n", len(rep.Uploaded))
	for _, p := range rep.Uploaded[:20] {
		head.WriteString("  " + p + "\n")
	}
	fmt.Fprintf(&head, "… and %d more\n\nGalley-Library: %s\n", len(rep.Uploaded)-20, d.id)
	if len(rep.Uploaded) <= 20 || first.Message != head.String() {
		t.Errorf("the first commit's message:\n%s\nwant:\n%s", first.Message, head.String())
	}

	addByHand(t, remote, "gh-pages", "pieces/old.html", "<p>old</p>\n")
	addByHand(t, remote, "gh-pages", "old-notes.html", "<p>someone's</p>\n")
	t.Setenv("USER", "dana")
	rep, err = publish.PublishGit(ctx, d.site, cache, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	got, last := branchFiles(t, remote, "gh-pages")
	if len(rep.Removed) != 1 || rep.Removed[0] != "pieces/old.html" || len(rep.Uploaded) != 0 {
		t.Errorf("the publish removed %q and sent %q; want Galley's old page removed only", rep.Removed, rep.Uploaded)
	}
	if _, ok := got["pieces/old.html"]; ok || got["old-notes.html"] != "<p>someone's</p>\n" {
		t.Errorf("after the publish the branch holds pieces/old.html: %v, old-notes.html: %q", ok, got["old-notes.html"])
	}
	if want := "Publish the site: 0 files new or changed, 1 removed\n\n  removed pieces/old.html\n\nGalley-Library: " + d.id + "\n"; last.Message != want {
		t.Errorf("the removing commit's message:\n%s\nwant:\n%s", last.Message, want)
	}
	if last.Author.Name != "dana (Galley)" || last.Committer.Name != "dana (Galley)" {
		t.Errorf("with $USER dana the commit is by %v, committed by %v", last.Author, last.Committer)
	}

	// Many of Galley's pages by hand: this export would remove more than
	// half the site's pages.
	pages := 0
	for p := range got {
		if strings.HasSuffix(p, ".html") && p != "old-notes.html" {
			pages++
		}
	}
	extra := pages + 1
	work := t.TempDir()
	for i := range extra {
		os.MkdirAll(filepath.Join(work, "people"), 0o755)
		os.WriteFile(filepath.Join(work, "people", fmt.Sprintf("gone-%d.html", i)), []byte("x"), 0o644)
	}
	pushAll(t, remote, "gh-pages", work)
	for _, dry := range []bool{true, false} {
		o := opt
		o.DryRun = dry
		rep, err = publish.PublishGit(ctx, d.site, cache, to, o)
		var refused *publish.ReplaceError
		if !errors.As(err, &refused) || len(rep.Removed) != extra {
			t.Errorf("dry run %v: removing %d pages = %d removed, %v; want a refusal", dry, extra, len(rep.Removed), err)
		}
		wantError(t, "removing most pages", err, galley.EConflict,
			fmt.Sprintf("This publish would remove %d of the %d pages of the site on %s; nothing was changed. If that is meant, publish again replacing the site (--replace).", extra, pages+extra, to), "")
	}
	opt.Replace = true
	if rep, err = publish.PublishGit(ctx, d.site, cache, to, opt); err != nil || len(rep.Removed) != extra {
		t.Errorf("replacing: %d removed, %v", len(rep.Removed), err)
	}
}

// pushAll commits every file under work to the branch as someone else
// would.
func pushAll(t *testing.T, remote, branch, work string) {
	t.Helper()
	clone := t.TempDir()
	run := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Dana", "GIT_AUTHOR_EMAIL=dana@example.org", "GIT_COMMITTER_NAME=Dana", "GIT_COMMITTER_EMAIL=dana@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run(clone, "clone", "-q", "-b", branch, remote, ".")
	if err := os.CopyFS(clone, os.DirFS(work)); err != nil {
		t.Fatal(err)
	}
	run(clone, "add", "-A")
	run(clone, "commit", "-q", "-m", "Pages by hand")
	run(clone, "push", "-q", "origin", branch)
}

// TestAGitPublishWritesAgainWhatItsCacheLost pins that a cache whose
// objects are gone, its record of the export's blobs kept, still
// publishes the whole site (the blobs are written again), and that an
// export's file that cannot be read stops the publish, whether or not the
// cache knows it.
func TestAGitPublishWritesAgainWhatItsCacheLost(t *testing.T) {
	d := newDesk(t)
	d.export()
	_, to := gitRemote(t)
	cache := filepath.Join(t.TempDir(), "cache")
	if _, err := publish.PublishGit(ctx, d.site, cache, to, publish.Options{Library: d.id}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(cache)
	kept := 0
	for _, e := range entries {
		if e.Name() == "galley-blobs.json" {
			kept++
			continue
		}
		os.RemoveAll(filepath.Join(cache, e.Name()))
	}
	if kept != 1 {
		t.Fatalf("the cache holds no galley-blobs.json: %v", entries)
	}
	// The cache lost its objects: a copy of it, for the unreadable file below.
	lost := filepath.Join(t.TempDir(), "lost")
	if err := os.CopyFS(lost, os.DirFS(cache)); err != nil {
		t.Fatal(err)
	}
	other, to2 := gitRemote(t)
	rep, err := publish.PublishGit(ctx, d.site, cache, to2, publish.Options{Library: d.id})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := branchFiles(t, other, "gh-pages")
	want := files(t, d.site)
	if len(rep.Uploaded) != len(want) || len(got) != len(want) {
		t.Errorf("a cache that lost its objects sent %d files; the branch holds %d of %d", len(rep.Uploaded), len(got), len(want))
	}
	for p, data := range want {
		if got[p] != data {
			t.Errorf("the branch's %s is not the export's", p)
		}
	}

	page := "pieces/why-mediators-should-talk-about-fish.html"
	os.Remove(filepath.Join(d.site, filepath.FromSlash(page)))
	for name, c := range map[string]string{"a new cache": filepath.Join(t.TempDir(), "new"), "a cache that lost its objects": lost} {
		_, to3 := gitRemote(t)
		_, err = publish.PublishGit(ctx, d.site, c, to3, publish.Options{Library: d.id})
		wantError(t, name+" and an export's file gone", err, galley.EInternal, "Cannot read "+page+" of the export: ", ".")
	}
}

// TestAGitPushThatFailsChangesNothing pins what a refused push says:
// someone pushing to the branch while the publish runs is a conflict that
// replaces nothing of theirs, a publish stopped while it pushes reports
// the stop, and a remote that declines the push leaves the site as it was.
func TestAGitPushThatFailsChangesNothing(t *testing.T) {
	d := newDesk(t)
	d.export()
	remote, to := gitRemote(t)
	opt := publish.Options{Library: d.id}
	if _, err := publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "cache"), to, opt); err != nil {
		t.Fatal(err)
	}
	_, before := branchFiles(t, remote, "gh-pages")
	p, _ := d.st.PieceBySlug(ctx, "why-mediators-should-talk-about-fish")
	p.Summary = "A summary edited after the first publish."
	if err := d.st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	d.export()

	// git-receive-pack, found on $PATH, as the push starts: someone's
	// commit lands on the branch after this publish fetched it.
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(gitBin, "--exec-path").Output()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := "#!/bin/sh\n" +
		"export GIT_AUTHOR_NAME=Dana GIT_AUTHOR_EMAIL=dana@example.org GIT_COMMITTER_NAME=Dana GIT_COMMITTER_EMAIL=dana@example.org\n" +
		"tree=$(" + gitBin + " --git-dir=\"$1\" rev-parse gh-pages^{tree}) &&\n" +
		"c=$(echo meanwhile | " + gitBin + " --git-dir=\"$1\" commit-tree \"$tree\" -p gh-pages) &&\n" +
		gitBin + " --git-dir=\"$1\" update-ref refs/heads/gh-pages \"$c\" || exit 1\n" +
		"exec " + filepath.Join(strings.TrimSpace(string(out)), "git-receive-pack") + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "git-receive-pack"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	path := os.Getenv("PATH")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+path)
	_, err = publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "cache2"), to, opt)
	wantError(t, "a push after someone else's", err, galley.EConflict,
		"Someone pushed to "+to.String()+" while this publish ran; nothing of theirs was replaced. Publish again to build on their commit.", "")
	_, theirs := branchFiles(t, remote, "gh-pages")
	if theirs.Message != "meanwhile\n" || len(theirs.ParentHashes) != 1 || theirs.ParentHashes[0] != before.Hash {
		t.Errorf("after the refused push the branch's head is %q", theirs.Message)
	}
	t.Setenv("PATH", path)

	// Stopped while the push runs: the stop, not the push's failure.
	marker := filepath.Join(bin, "started")
	slow := "#!/bin/sh\ntouch " + marker + "\nsleep 1\nexec " + filepath.Join(strings.TrimSpace(string(out)), "git-receive-pack") + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "git-receive-pack"), []byte(slow), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+path)
	stopped, cancel := context.WithCancel(ctx)
	go func() {
		for {
			if _, err := os.Stat(marker); err == nil || stopped.Err() != nil {
				cancel()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	_, err = publish.PublishGit(stopped, d.site, filepath.Join(t.TempDir(), "cache4"), to, opt)
	cancel()
	if !errors.Is(err, context.Canceled) || galley.ErrorCode(err) != galley.EInternal {
		t.Errorf("a publish stopped while pushing = %v, want context.Canceled itself", err)
	}
	t.Setenv("PATH", path)

	os.MkdirAll(filepath.Join(remote, "hooks"), 0o755)
	if err := os.WriteFile(filepath.Join(remote, "hooks", "pre-receive"), []byte("#!/bin/sh\necho closed for the night >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "cache3"), to, opt)
	wantError(t, "a push the remote declines", err, galley.EUnavailable, "Cannot push to "+to.String()+": ", "; the site there is as it was.")
	if _, head := branchFiles(t, remote, "gh-pages"); head.Hash != theirs.Hash {
		t.Errorf("a declined push moved the branch to %q", head.Message)
	}
}
