//go:build linux

package publish_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"app.galley/galley/internal/publish"
	"app.galley/galley/internal/sshtest"
)

// branchFiles reads every file of a branch of the repository at dir.
func branchFiles(t *testing.T, dir, branch string) (map[string]string, *object.Commit) {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		t.Fatalf("the branch %s: %v", branch, err)
	}
	c, err := repo.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	tree, _ := c.Tree()
	out := map[string]string{}
	tree.Files().ForEach(func(f *object.File) error {
		s, err := f.Contents()
		out[f.Name] = s
		return err
	})
	return out, c
}

// addByHand commits a file to the branch as someone else would, from a
// clone of their own.
func addByHand(t *testing.T, remote, branch, name, content string) {
	t.Helper()
	work := t.TempDir()
	repo, err := git.PlainClone(work, false, &git.CloneOptions{URL: remote, ReferenceName: plumbing.NewBranchReferenceName(branch), SingleBranch: true})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(work, name), []byte(content), 0o644)
	wt, _ := repo.Worktree()
	wt.Add(name)
	who := &object.Signature{Name: "Dana", Email: "dana@example.org", When: time.Now()}
	if _, err := wt.Commit("Add "+name, &git.CommitOptions{Author: who}); err != nil {
		t.Fatal(err)
	}
	if err := repo.Push(&git.PushOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestPublishingToAGitBranch(t *testing.T) {
	d := newDesk(t)
	d.export()
	remote := filepath.Join(t.TempDir(), "site.git")
	if _, err := git.PlainInit(remote, true); err != nil {
		t.Fatal(err)
	}
	to, err := publish.ParseGitTarget(remote, "gh-pages")
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(t.TempDir(), "cache")
	opt := publish.Options{Library: d.id}

	plan, err := publish.PublishGit(ctx, d.site, cache, to, publish.Options{Library: d.id, DryRun: true})
	if err != nil || len(plan.Uploaded) != len(files(t, d.site)) {
		t.Fatalf("dry run of a first publish: %d to send, %v", len(plan.Uploaded), err)
	}
	if _, err := git.PlainOpen(remote); err != nil {
		t.Fatal(err)
	}
	rep, err := publish.PublishGit(ctx, d.site, cache, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	got, first := branchFiles(t, remote, "gh-pages")
	want := files(t, d.site)
	if len(got) != len(want) || len(rep.Uploaded) != len(want) {
		t.Errorf("the branch holds %d files, the export %d (%d sent)", len(got), len(want), len(rep.Uploaded))
	}
	for p, data := range want {
		if got[p] != data {
			t.Errorf("the branch's %s is not the export's", p)
		}
	}
	if !strings.Contains(first.Message, "Publish the site: ") || !strings.Contains(first.Message, "Galley-Library: "+d.id) {
		t.Errorf("commit message:\n%s", first.Message)
	}

	// Someone adds the host's own file; an edit then sends a few files
	// in one commit on top of theirs, and their file stays.
	addByHand(t, remote, "gh-pages", "CNAME", "news.example.org\n")
	p, _ := d.st.PieceBySlug(ctx, "why-mediators-should-talk-about-fish")
	p.Summary = "A summary edited after the first publish."
	if err := d.st.SavePiece(ctx, p); err != nil {
		t.Fatal(err)
	}
	d.export()
	rep, err = publish.PublishGit(ctx, d.site, cache, to, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Uploaded) == 0 || len(rep.Uploaded) > 12 || len(rep.Removed) != 0 {
		t.Errorf("one edit sent %d files and removed %d", len(rep.Uploaded), len(rep.Removed))
	}
	got, last := branchFiles(t, remote, "gh-pages")
	if got["CNAME"] != "news.example.org\n" {
		t.Error("the host's own file was removed")
	}
	if got["pieces/why-mediators-should-talk-about-fish.html"] != files(t, d.site)["pieces/why-mediators-should-talk-about-fish.html"] {
		t.Error("the edited page is not on the branch")
	}
	if len(last.ParentHashes) != 1 {
		t.Fatal("the publish is not one commit on top of the branch")
	}
	byHand, _ := last.Parents().Next()
	if byHand.Author.Name != "Dana" {
		t.Errorf("the publish did not build on the commit pushed meanwhile (its parent is %q's)", byHand.Author.Name)
	}
	again, err := publish.PublishGit(ctx, d.site, cache, to, opt)
	if err != nil || len(again.Uploaded) != 0 {
		t.Errorf("publishing again with nothing changed sent %d files, %v", len(again.Uploaded), err)
	}
	if _, c := branchFiles(t, remote, "gh-pages"); c.Hash != last.Hash {
		t.Error("a publish with nothing changed made a commit")
	}

	// A branch Galley did not make is not replaced unasked.
	other, _ := publish.ParseGitTarget(remote, "main")
	seedBranch(t, remote, "main")
	var refused *publish.ReplaceError
	if _, err := publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "c2"), other, opt); !errors.As(err, &refused) {
		t.Errorf("publishing over a branch Galley did not make = %v, want a refusal", err)
	}
}

// seedBranch makes a branch with one commit of someone else's.
func seedBranch(t *testing.T, remote, branch string) {
	t.Helper()
	work := t.TempDir()
	repo, err := git.PlainInit(work, false)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(work, "index.html"), []byte("<p>hand-made</p>\n"), 0o644)
	wt, _ := repo.Worktree()
	wt.Add("index.html")
	who := &object.Signature{Name: "Dana", Email: "dana@example.org", When: time.Now()}
	c, err := wt.Commit("A page by hand", &git.CommitOptions{Author: who})
	if err != nil {
		t.Fatal(err)
	}
	repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(branch), c))
	repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{remote}})
	if err := repo.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{config.RefSpec("refs/heads/" + branch + ":refs/heads/" + branch)}}); err != nil {
		t.Fatal(err)
	}
}

// TestPublishingToAGitRemoteOverSSH pushes to a bare repository on a real
// OpenSSH server, whose git-receive-pack takes it; a host key that changed
// stops it before anything is sent.
func TestPublishingToAGitRemoteOverSSH(t *testing.T) {
	srv := sshtest.Start(t)
	d := newDesk(t)
	d.export()
	remote := filepath.Join(t.TempDir(), "site.git")
	if _, err := git.PlainInit(remote, true); err != nil {
		t.Fatal(err)
	}
	to, err := publish.ParseGitTarget("ssh://"+srv.User+"@"+srv.Address()+remote, "gh-pages")
	if err != nil {
		t.Fatal(err)
	}
	opt := publish.Options{Library: d.id, SSH: login(srv)}
	if _, err := publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "cache"), to, opt); err != nil {
		t.Fatal(err)
	}
	if got, _ := branchFiles(t, remote, "gh-pages"); len(got) != len(files(t, d.site)) {
		t.Errorf("the branch over SSH holds %d files", len(got))
	}
	srv.ReplaceKnownHostKey(t)
	_, err = publish.PublishGit(ctx, d.site, filepath.Join(t.TempDir(), "cache2"), to, opt)
	if err == nil || !strings.Contains(err.Error(), "CHANGED") {
		t.Errorf("a changed host key = %v", err)
	}
}
