// Package publish puts an exported site on the web: it compares the export
// with what the last publish left on the server, uploads what changed,
// removes what Galley published that is gone, and says what it did. The
// server is reached over SFTP, with the user's own SSH keys and host keys
// checked against known_hosts.
package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"app.galley/galley/internal/galley"
)

// Target is a folder on an SFTP server.
type Target struct {
	User string // "" for the local user's name
	Host string
	Port int    // 22 unless given
	Path string // absolute, or relative to the login folder
}

// ParseTarget reads sftp://[user@]host[:port]/path. A path beginning
// "/~/" is relative to the user's login folder. A password in the address
// is refused, never kept: keys log in.
func ParseTarget(s string) (Target, error) {
	bad := func(why string) (Target, error) {
		return Target{}, galley.Errorf(galley.EInvalid, "The publish address %q %s; write it as sftp://user@host[:port]/path/to/site.", redact(s), why)
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return bad("cannot be read")
	case u.Scheme != "sftp":
		return bad("is not an sftp:// address")
	case u.Host == "" || u.Hostname() == "":
		return bad("names no server")
	case u.RawQuery != "" || u.Fragment != "":
		return bad("has a ? or # part")
	}
	if _, ok := u.User.Password(); ok {
		return Target{}, galley.Errorf(galley.EInvalid, "The publish address %s holds a password; Galley never takes or keeps one. Remove it and log in with an SSH key (ssh-agent, or a key in ~/.ssh).", redact(s))
	}
	t := Target{User: u.User.Username(), Host: u.Hostname(), Port: 22, Path: u.Path}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("has no valid port")
		}
		t.Port = n
	}
	switch {
	case strings.HasPrefix(t.Path, "/~/"):
		t.Path = strings.TrimPrefix(t.Path, "/~/")
	case t.Path == "" || t.Path == "/" || t.Path == "/~":
		return bad("names no folder (publishing into / or the login folder itself is refused)")
	}
	t.Path = path.Clean(t.Path)
	if t.Path == "." || t.Path == ".." || strings.HasPrefix(t.Path, "../") {
		return bad("names no folder under the login folder")
	}
	return t, nil
}

// String is the address as ParseTarget reads it.
func (t Target) String() string {
	host := t.Host
	if t.Port != 22 || strings.Contains(host, ":") {
		host = net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	}
	user := ""
	if t.User != "" {
		user = url.PathEscape(t.User) + "@"
	}
	p := t.Path
	if !strings.HasPrefix(p, "/") {
		p = "/~/" + p
	}
	return "sftp://" + user + host + p
}

// redact removes a password from an address so that it is safe to show.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
		return s
	}
	// Unparseable: cut whatever stands between // and @.
	if i := strings.Index(s, "://"); i >= 0 {
		if j := strings.LastIndex(s, "@"); j > i {
			return s[:i+3] + "…" + s[j:]
		}
	}
	return s
}

// Staging is the folder a library's site for to is exported into before
// it is sent: <cache>/publish/<key>/site, one per library and target, kept
// between publishes so only changed pages are made again. cache is
// Galley's cache folder ($XDG_CACHE_HOME/galley).
func Staging(cache, library string, to fmt.Stringer) (string, error) {
	sum := sha256.Sum256([]byte(library + "\x00" + to.String()))
	dir := filepath.Join(cache, "publish", hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", galley.Errorf(galley.EInternal, "Cannot make the folder to prepare the site in (%s): %v.", dir, err)
	}
	return filepath.Join(dir, "site"), nil
}

// Destination is where a site is published: an SFTP folder or a git
// branch.
type Destination struct {
	SFTP *Target
	Git  *GitTarget
}

// ParseDestination reads a publish address: sftp://user@host[:port]/path,
// or a git remote and branch written REMOTE#BRANCH
// (git@github.com:org/site.git#gh-pages, ssh://host/srv/site.git#main, a
// path to a repository#branch).
func ParseDestination(s string) (Destination, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(strings.ToLower(s), "sftp://") {
		t, err := ParseTarget(s)
		if err != nil {
			return Destination{}, err
		}
		return Destination{SFTP: &t}, nil
	}
	url, branch, ok := strings.Cut(s, "#")
	if !ok {
		return Destination{}, galley.Errorf(galley.EInvalid, "The publish address %q is neither sftp://user@host/path nor a git remote with its branch (REMOTE#gh-pages).", redact(s))
	}
	g, err := ParseGitTarget(url, branch)
	if err != nil {
		return Destination{}, err
	}
	return Destination{Git: &g}, nil
}

// String is the address as ParseDestination reads it.
func (d Destination) String() string {
	if d.Git != nil {
		return d.Git.String()
	}
	if d.SFTP != nil {
		return d.SFTP.String()
	}
	return ""
}

// Publish sends the site exported in dir there. A git destination keeps
// its fetched branch in a folder beside dir.
func (d Destination) Publish(ctx context.Context, dir string, opt Options) (Report, error) {
	if d.Git != nil {
		return PublishGit(ctx, dir, filepath.Join(filepath.Dir(dir), "git"), *d.Git, opt)
	}
	return Publish(ctx, dir, *d.SFTP, opt)
}
