package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
)

// GitTarget is a branch of a git remote, for static hosts that build a
// site from git (a gh-pages branch, say): each publish is one commit on it
// holding the whole site.
type GitTarget struct {
	URL    string // as git takes it: a path, file://, ssh://, user@host:path, https://
	Branch string
}

// String is how the target is written in the publish-to setting:
// URL#branch.
func (t GitTarget) String() string { return t.URL + "#" + t.Branch }

// ParseGitTarget checks a git remote and branch. A password in the
// address is refused: keys log in.
func ParseGitTarget(url, branch string) (GitTarget, error) {
	url, branch = strings.TrimSpace(url), strings.TrimSpace(branch)
	if url == "" {
		return GitTarget{}, galley.Errorf(galley.EInvalid, "Name the git remote to publish to.")
	}
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return GitTarget{}, galley.Errorf(galley.EInvalid, "%q is not a git remote address: %v.", redact(url), err)
	}
	if ep.Password != "" {
		return GitTarget{}, galley.Errorf(galley.EInvalid, "The git remote %s holds a password; Galley never takes or keeps one. Remove it and log in with an SSH key.", redact(url))
	}
	if branch == "" || plumbing.NewBranchReferenceName(branch).Validate() != nil || strings.ContainsAny(branch, " ~^:?*[\\") || strings.HasPrefix(branch, "-") {
		return GitTarget{}, galley.Errorf(galley.EInvalid, "%q is not a branch name a git remote takes (gh-pages, say).", branch)
	}
	return GitTarget{URL: url, Branch: branch}, nil
}

// gitTrailer marks Galley's commits with the library that made them, so a
// branch another library (or a person) publishes to is not replaced by
// mistake.
const gitTrailer = "Galley-Library: "

// ownsPath reports whether a path is one Galley's site export writes: the
// files of a branch that are not are someone else's (CNAME, .nojekyll,
// _redirects, a README) and are kept by every publish.
func ownsPath(p string) bool {
	top, _, nested := strings.Cut(p, "/")
	if nested {
		switch top {
		case "pieces", "topics", "types", "people", "images":
			return true
		}
		return false
	}
	switch {
	case p == "index.html", p == "feed.xml", p == "sitemap.xml", p == "style.css", p == "robots.txt":
		return true
	case strings.HasPrefix(p, "page-") && strings.HasSuffix(p, ".html"):
		return true
	}
	return false
}

// PublishGit commits the site exported in dir to the target's branch, on
// top of what the branch holds, and pushes it: one commit per publish,
// with a message saying what changed. Files of the branch that Galley's
// export does not write are kept. A branch someone pushed to meanwhile is
// not overwritten: the push is refused, and publishing again builds on
// their commit. cache is a folder of Galley's own where the branch is
// fetched to between publishes.
func PublishGit(ctx context.Context, dir, cache string, to GitTarget, opt Options) (Report, error) {
	var rep Report
	local, err := export.List(dir)
	if err != nil {
		return rep, err
	}
	if local.Kind != "site" {
		return rep, galley.Errorf(galley.EInvalid, "%s holds an export of chosen pieces, not a site; publish the whole site.", dir)
	}
	repo, err := openCache(cache, to)
	if err != nil {
		return rep, err
	}
	auth, closeAgent, err := gitAuth(to, opt.SSH)
	if err != nil {
		return rep, err
	}
	defer closeAgent() // ssh-agent signs during the fetch and the push
	remoteRef := plumbing.NewRemoteReferenceName("origin", to.Branch)
	if err := fetchBranch(ctx, repo, auth, to, remoteRef); err != nil {
		return rep, err
	}
	held, err := readBranch(repo, remoteRef, to.Branch)
	if err != nil {
		return rep, err
	}
	if held.head != nil && !opt.Replace {
		if err := held.refuseOthers(to, opt.Library); err != nil {
			return rep, err
		}
	}

	// The new tree: the export's files, and the branch's files that are
	// not Galley's to remove.
	blobs := readBlobCache(cache)
	next, err := stageExport(repo, dir, local, blobs, held.files, opt.DryRun, &rep)
	if err != nil {
		return rep, err
	}
	pages, gone := carryOver(held.files, next, &rep)
	sort.Strings(rep.Uploaded)
	sort.Strings(rep.Removed)
	if gone > 0 && 2*gone > pages && !opt.Replace {
		return rep, replaceErrorf("This publish would remove %d of the %d pages of the site on %s; nothing was changed. If that is meant, publish again replacing the site (--replace).", gone, pages, to)
	}
	if opt.DryRun {
		return rep, nil
	}
	if len(rep.Uploaded) == 0 && len(rep.Removed) == 0 && held.head != nil {
		blobs.save(cache)
		return rep, nil
	}

	branch := plumbing.NewBranchReferenceName(to.Branch)
	if err := commitSite(repo, branch, next, held, commitMessage(rep, opt.Library)); err != nil {
		return rep, err
	}
	if err := pushBranch(ctx, repo, auth, to, branch); err != nil {
		return rep, err
	}
	blobs.save(cache)
	return rep, nil
}

// fetchBranch brings the target's branch into the cache as remoteRef, so
// the publish builds on what the branch holds now. A branch or a remote
// that is still empty is no failure: the first publish makes it. A stop
// is reported as itself, not as a remote that cannot be reached.
func fetchBranch(ctx context.Context, repo *git.Repository, auth transport.AuthMethod, to GitTarget, remoteRef plumbing.ReferenceName) error {
	err := repo.FetchContext(ctx, &git.FetchOptions{
		RemoteName: "origin", Auth: auth, Force: true,
		RefSpecs: []config.RefSpec{config.RefSpec("+refs/heads/" + to.Branch + ":" + remoteRef.String())},
	})
	var noRef git.NoMatchingRefSpecError
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate), errors.As(err, &noRef), errors.Is(err, transport.ErrEmptyRemoteRepository):
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	default:
		return galley.Errorf(galley.EUnavailable, "Cannot fetch %s: %v; nothing was published.", to, gitError(err))
	}
}

// branchState is what the branch holds before the publish: the commit the
// new one goes on top of (nil when the branch is new) and its files, by
// path, with their blobs and modes.
type branchState struct {
	head  *object.Commit
	files map[string]plumbing.Hash
	modes map[string]filemode.FileMode
}

// readBranch reads the fetched branch at remoteRef; a branch the fetch
// did not find is an empty state.
func readBranch(repo *git.Repository, remoteRef plumbing.ReferenceName, branch string) (branchState, error) {
	held := branchState{files: map[string]plumbing.Hash{}, modes: map[string]filemode.FileMode{}}
	ref, err := repo.Reference(remoteRef, true)
	if err != nil {
		return held, nil
	}
	if held.head, err = repo.CommitObject(ref.Hash()); err != nil {
		return held, galley.Errorf(galley.EInternal, "Cannot read the branch %s: %v.", branch, err)
	}
	tree, err := held.head.Tree()
	if err != nil {
		return held, galley.Errorf(galley.EInternal, "Cannot read the branch %s: %v.", branch, err)
	}
	err = tree.Files().ForEach(func(f *object.File) error {
		held.files[f.Name], held.modes[f.Name] = f.Hash, f.Mode
		return nil
	})
	if err != nil {
		return held, galley.Errorf(galley.EInternal, "Cannot read the branch %s: %v.", branch, err)
	}
	return held, nil
}

// refuseOthers stops a publish, unless replacing, over a branch that is
// not this library's to replace: one holding files Galley never published,
// or the site of another library. A branch whose last Galley commit names
// no library ("unknown", from a read-only library), or a publish that
// names none, refuses nobody: there is nothing to tell them apart by.
func (held branchState) refuseOthers(to GitTarget, library string) error {
	if lib := lastPublisher(held.head); lib == "" && len(held.files) > 0 {
		return replaceErrorf("The branch %s of %s was not published by Galley; nothing was published. Publish to another branch, or replace it (--replace: Galley's pages go in, the branch's other files are kept).", to.Branch, redact(to.URL))
	} else if lib != "" && lib != "unknown" && library != "" && lib != library {
		return replaceErrorf("The branch %s of %s holds the site of another library; nothing was published. Publish this library elsewhere, or replace that site (--replace).", to.Branch, redact(to.URL))
	}
	return nil
}

// stageExport returns the blob of each of the export's files, by path,
// and counts in rep those the branch holds already (Unchanged) and those
// it does not (Uploaded, Bytes).
func stageExport(repo *git.Repository, dir string, local export.Listing, blobs blobCache, held map[string]plumbing.Hash, dryRun bool, rep *Report) (map[string]plumbing.Hash, error) {
	next := map[string]plumbing.Hash{}
	for rel, f := range local.Files {
		h, err := exportBlob(repo, dir, rel, f, blobs, dryRun)
		if err != nil {
			return nil, err
		}
		next[rel] = h
		if old, ok := held[rel]; ok && old == h {
			rep.Unchanged++
		} else {
			rep.Uploaded = append(rep.Uploaded, rel)
			rep.Bytes += f.Size
		}
	}
	return next, nil
}

// exportBlob returns the blob of the export's file rel, written into the
// cache's repository unless on a dry run. A file the blob cache knows by
// its listing is not read again: publishing an unchanged site costs no
// reading of its images.
func exportBlob(repo *git.Repository, dir, rel string, f export.ListedFile, blobs blobCache, dryRun bool) (plumbing.Hash, error) {
	h, ok := blobs.lookup(rel, f)
	if !ok {
		data, err := readExported(dir, rel)
		if err != nil {
			return h, err
		}
		if !dryRun {
			if h, err = writeBlob(repo, data); err != nil {
				return h, err
			}
		} else {
			h = plumbing.ComputeHash(plumbing.BlobObject, data)
		}
		blobs.remember(rel, f, h)
	} else if !dryRun && repo.Storer.HasEncodedObject(h) != nil {
		// Known by its listing, but not in this cache's objects (a
		// cache made anew): written again.
		data, err := readExported(dir, rel)
		if err != nil {
			return h, err
		}
		if h, err = writeBlob(repo, data); err != nil {
			return h, err
		}
	}
	return h, nil
}

// readExported reads the export's file rel.
func readExported(dir, rel string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, galley.Errorf(galley.EInternal, "Cannot read %s of the export: %v.", rel, err)
	}
	return data, nil
}

// carryOver completes next, the new tree, with the branch's files the
// export does not write: Galley's own (ownsPath) are removed and listed in
// rep.Removed, anyone else's are kept as they are. It returns how many of
// Galley's pages the branch holds and how many of them go, for the check
// against removing most of the site by mistake.
func carryOver(held, next map[string]plumbing.Hash, rep *Report) (pages, gone int) {
	for rel, h := range held {
		if _, ok := next[rel]; ok {
			continue
		}
		if ownsPath(rel) {
			rep.Removed = append(rep.Removed, rel)
			if strings.HasSuffix(rel, ".html") {
				gone++
			}
			continue
		}
		next[rel] = h // someone else's file
	}
	for rel := range held {
		if ownsPath(rel) && strings.HasSuffix(rel, ".html") {
			pages++
		}
	}
	return pages, gone
}

// commitMessage says what a publish changed: the counts, the first 20
// files sent (a whole site would bury the rest of the log), every file
// removed, and the trailer naming the library, which later publishes
// check before taking the branch over.
func commitMessage(rep Report, library string) string {
	msg := fmt.Sprintf("Publish the site: %d files new or changed, %d removed\n\n", len(rep.Uploaded), len(rep.Removed))
	for i, p := range rep.Uploaded {
		if i == 20 {
			msg += fmt.Sprintf("… and %d more\n", len(rep.Uploaded)-20)
			break
		}
		msg += "  " + p + "\n"
	}
	for _, p := range rep.Removed {
		msg += "  removed " + p + "\n"
	}
	lib := library
	if lib == "" {
		lib = "unknown" // a read-only library: still Galley's commit
	}
	return msg + "\n" + gitTrailer + lib + "\n"
}

// commitSite writes the tree of files and a commit of it on top of the
// branch's head, signed by the user running Galley, and points the cache's
// branch at it, ready to push.
func commitSite(repo *git.Repository, branch plumbing.ReferenceName, files map[string]plumbing.Hash, held branchState, msg string) error {
	root, err := writeTree(repo, files, held.modes)
	if err != nil {
		return err
	}
	who := object.Signature{Name: "Galley", Email: "galley@localhost", When: time.Now()}
	if name := os.Getenv("USER"); name != "" {
		who.Name = name + " (Galley)"
	}
	c := &object.Commit{Author: who, Committer: who, Message: msg, TreeHash: root}
	if held.head != nil {
		c.ParentHashes = []plumbing.Hash{held.head.Hash}
	}
	obj := repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return galley.Errorf(galley.EInternal, "Cannot make the commit: %v.", err)
	}
	commit, err := repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return galley.Errorf(galley.EInternal, "Cannot make the commit: %v.", err)
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(branch, commit)); err != nil {
		return galley.Errorf(galley.EInternal, "Cannot make the commit: %v.", err)
	}
	return nil
}

// pushBranch pushes the cache's branch to the target's, never forced: a
// branch someone pushed to since the fetch refuses it, and that is a
// conflict to publish again over, not a failure to reach the remote. A
// stop is reported as itself.
func pushBranch(ctx context.Context, repo *git.Repository, auth transport.AuthMethod, to GitTarget, branch plumbing.ReferenceName) error {
	err := repo.PushContext(ctx, &git.PushOptions{
		RemoteName: "origin", Auth: auth,
		RefSpecs: []config.RefSpec{config.RefSpec(branch.String() + ":" + branch.String())},
	})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, git.ErrNonFastForwardUpdate) || strings.Contains(err.Error(), "non-fast-forward"):
		return galley.Errorf(galley.EConflict, "Someone pushed to %s while this publish ran; nothing of theirs was replaced. Publish again to build on their commit.", to)
	default:
		return galley.Errorf(galley.EUnavailable, "Cannot push to %s: %v; the site there is as it was.", to, gitError(err))
	}
}

// lastPublisher is the library named by the newest Galley commit of the
// branch, following first parents: people commit a CNAME or a README
// between publishes. "" when Galley never published there (or not in the
// last few hundred commits).
func lastPublisher(c *object.Commit) string {
	for range 500 {
		if lib := trailer(c.Message); lib != "" {
			return lib
		}
		if len(c.ParentHashes) == 0 {
			return ""
		}
		next, err := c.Parent(0)
		if err != nil {
			return ""
		}
		c = next
	}
	return ""
}

// trailer returns the library a Galley commit names, "" for another's.
func trailer(msg string) string {
	for _, line := range strings.Split(msg, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), gitTrailer); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// openCache opens, or makes, the bare repository Galley keeps for a
// target.
func openCache(cache string, to GitTarget) (*git.Repository, error) {
	repo, err := git.PlainOpen(cache)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if repo, err = git.PlainInit(cache, true); err == nil {
			_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{to.URL}})
		}
	}
	if err != nil {
		return nil, galley.Errorf(galley.EInternal, "Cannot prepare the publish in %s: %v.", cache, err)
	}
	return repo, nil
}

func writeBlob(repo *git.Repository, data []byte) (plumbing.Hash, error) {
	obj := repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err == nil {
		_, err = w.Write(data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return plumbing.ZeroHash, galley.Errorf(galley.EInternal, "Cannot write the site into the publish's repository: %v.", err)
	}
	return repo.Storer.SetEncodedObject(obj)
}

// writeTree writes the trees of files (path → blob) and returns the root's.
func writeTree(repo *git.Repository, files map[string]plumbing.Hash, modes map[string]filemode.FileMode) (plumbing.Hash, error) {
	type node struct {
		files map[string]plumbing.Hash
		dirs  map[string]*node
	}
	newNode := func() *node { return &node{files: map[string]plumbing.Hash{}, dirs: map[string]*node{}} }
	root := newNode()
	for p, h := range files {
		n := root
		parts := strings.Split(p, "/")
		for _, d := range parts[:len(parts)-1] {
			if n.dirs[d] == nil {
				n.dirs[d] = newNode()
			}
			n = n.dirs[d]
		}
		n.files[parts[len(parts)-1]] = h
	}
	var write func(prefix string, n *node) (plumbing.Hash, error)
	write = func(prefix string, n *node) (plumbing.Hash, error) {
		var t object.Tree
		for name, h := range n.files {
			mode := filemode.Regular
			if m, ok := modes[path.Join(prefix, name)]; ok && m == filemode.Executable {
				mode = m
			}
			t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: mode, Hash: h})
		}
		for name, d := range n.dirs {
			h, err := write(path.Join(prefix, name), d)
			if err != nil {
				return h, err
			}
			t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
		}
		// Git orders a tree's entries by name, a folder's as if it
		// ended in "/".
		key := func(e object.TreeEntry) string {
			if e.Mode == filemode.Dir {
				return e.Name + "/"
			}
			return e.Name
		}
		sort.Slice(t.Entries, func(i, j int) bool { return key(t.Entries[i]) < key(t.Entries[j]) })
		obj := repo.Storer.NewEncodedObject()
		if err := t.Encode(obj); err != nil {
			return plumbing.ZeroHash, err
		}
		return repo.Storer.SetEncodedObject(obj)
	}
	h, err := write("", root)
	if err != nil {
		return h, galley.Errorf(galley.EInternal, "Cannot write the site into the publish's repository: %v.", err)
	}
	return h, nil
}

// blobCache remembers each exported file's blob, by what the export's
// listing says of it, so an unchanged file is not read again.
type blobCache map[string]blobEntry

type blobEntry struct {
	File export.ListedFile `json:"file"`
	Blob string            `json:"blob"`
}

const blobCacheName = "galley-blobs.json"

func readBlobCache(cache string) blobCache {
	b := blobCache{}
	if data, err := os.ReadFile(filepath.Join(cache, blobCacheName)); err == nil {
		json.Unmarshal(data, &b)
	}
	return b
}

func (b blobCache) lookup(rel string, f export.ListedFile) (plumbing.Hash, bool) {
	e, ok := b[rel]
	if !ok || e.File != f {
		return plumbing.ZeroHash, false
	}
	return plumbing.NewHash(e.Blob), true
}

func (b blobCache) remember(rel string, f export.ListedFile, h plumbing.Hash) {
	b[rel] = blobEntry{File: f, Blob: h.String()}
}

func (b blobCache) save(cache string) {
	data, err := json.Marshal(b)
	if err != nil {
		return
	}
	tmp := filepath.Join(cache, blobCacheName+".tmp")
	if os.WriteFile(tmp, data, 0o600) == nil {
		os.Rename(tmp, filepath.Join(cache, blobCacheName))
	}
}

// gitAuth logs in to an ssh remote as publishing over SFTP does: the
// user's keys, the host key checked against known_hosts. Other remotes
// (a path, file://) need none; https would need a password, which Galley
// does not take.
func gitAuth(to GitTarget, c SSH) (transport.AuthMethod, func(), error) {
	none := func() {}
	ep, err := transport.NewEndpoint(to.URL)
	if err != nil {
		return nil, none, galley.Errorf(galley.EInvalid, "%q is not a git remote address: %v.", redact(to.URL), err)
	}
	if ep.Protocol != "ssh" {
		return nil, none, nil
	}
	port := ep.Port
	if port == 0 {
		port = 22
	}
	user := ep.User
	if user == "" {
		user = "git"
	}
	cfg, closeAgent, _, err := c.clientConfig(Target{User: user, Host: ep.Host, Port: port}, user)
	if err != nil {
		return nil, none, err
	}
	return &sshAuth{user: user, cfg: cfg}, closeAgent, nil
}

// sshAuth hands go-git an SSH client configuration of Galley's own.
type sshAuth struct {
	user string
	cfg  *ssh.ClientConfig
}

var _ gitssh.AuthMethod = (*sshAuth)(nil)

func (a *sshAuth) Name() string                             { return "galley-ssh" }
func (a *sshAuth) String() string                           { return "user: " + a.user }
func (a *sshAuth) ClientConfig() (*ssh.ClientConfig, error) { return a.cfg, nil }

// gitError is a transport error as people read it; a host key refused is
// said in Galley's words.
func gitError(err error) string {
	var hk *hostKeyError
	if errors.As(err, &hk) {
		return hk.msg
	}
	msg := err.Error()
	if i := strings.Index(msg, "ssh: handshake failed: "); i >= 0 {
		msg = msg[i+len("ssh: handshake failed: "):]
	}
	return strings.TrimSuffix(msg, ".")
}
