//go:build linux

// Package sshtest runs a real, throwaway OpenSSH server for tests: Debian's
// sshd on a loopback port, with a host key, a client key and a
// known_hosts file made for the test in a temporary folder, accepting only
// that client key, for the user the tests run as (root included) or an
// unprivileged one, with SFTP. It stops when the test ends and dies with the test binary. It
// needs Debian's openssh-server and Linux; scripts/install-deps.sh test
// installs it.
package sshtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshdPath is where Debian installs the server.
const sshdPath = "/usr/sbin/sshd"

// Server is a running sshd.
type Server struct {
	Host string // 127.0.0.1
	Port int
	User string // the user the tests run as, whom the server lets in

	// KeyFile is the client's private key (OpenSSH format, no passphrase)
	// and KnownHosts a known_hosts file naming the server's host key.
	KeyFile, KnownHosts string
	// HostKey is the server's public host key.
	HostKey ssh.PublicKey

	dir        string
	authorized string // the authorized_keys file
	cmd        *exec.Cmd
	exited     chan struct{}
}

// Option changes how Start runs the server.
type Option func(*options)

type options struct{ unprivileged bool }

// Unprivileged lets in a user whom file modes bind: the user the tests run
// as, or, when that is root (who may write anywhere), the user nobody. A
// test of what a login may not write needs one.
func Unprivileged() Option { return func(o *options) { o.unprivileged = true } }

// Start starts a server for t. A machine without sshd fails the test: a
// publish is tested against the real server or not at all.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if _, err := os.Stat(sshdPath); err != nil {
		t.Fatalf("no OpenSSH server at %s; install it with: scripts/install-deps.sh test", sshdPath)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	login := me.Username
	if o.unprivileged && os.Geteuid() == 0 {
		login = "nobody"
	}
	// sshd refuses keys in folders others can write; t.TempDir is 0700
	// under a world-writable /tmp, which StrictModes no lets by.
	dir := t.TempDir()
	s := &Server{Host: "127.0.0.1", User: login, dir: dir,
		KeyFile: filepath.Join(dir, "id_ed25519"), KnownHosts: filepath.Join(dir, "known_hosts")}

	hostPub := writeKey(t, filepath.Join(dir, "host_ed25519"))
	clientPub := writeKey(t, s.KeyFile)
	s.HostKey = hostPub
	s.authorized = filepath.Join(dir, "authorized_keys")
	if login != me.Username {
		// sshd reads the authorized keys as the user logging in, who cannot
		// enter t.TempDir: they go in a folder every user may read.
		shared, err := os.MkdirTemp("", "galley-sshd-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(shared) })
		if err := os.Chmod(shared, 0o755); err != nil {
			t.Fatal(err)
		}
		s.authorized = filepath.Join(shared, "authorized_keys")
	}
	if err := os.WriteFile(s.authorized, ssh.MarshalAuthorizedKey(clientPub), 0o644); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// The privilege-separated child of a root sshd chroots here.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatal(err)
		}
	}

	for attempt := 0; ; attempt++ {
		s.Port = freePort(t)
		err := s.run(t)
		if err == nil {
			break
		}
		if attempt == 4 {
			t.Fatal(err)
		}
	}
	s.writeKnownHosts(t, hostPub)
	t.Cleanup(s.stop)
	return s
}

// Address is host:port, as ssh dials it.
func (s *Server) Address() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// URL is an sftp:// address of path on the server.
func (s *Server) URL(path string) string {
	return fmt.Sprintf("sftp://%s@%s%s", s.User, s.Address(), path)
}

// UserHome returns a new home folder whose ~/.ssh holds the client key
// (as id_ed25519) and the server's host key (in known_hosts), as a user
// who has logged in once has them.
func (s *Server) UserHome(t testing.TB) string {
	t.Helper()
	home := t.TempDir()
	dot := filepath.Join(home, ".ssh")
	if err := os.Mkdir(dot, 0o700); err != nil {
		t.Fatal(err)
	}
	for from, to := range map[string]string{s.KeyFile: "id_ed25519", s.KnownHosts: "known_hosts"} {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dot, to), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

// Authorize lets in the holder of key as well as KeyFile's, as a user who
// put a second public key in authorized_keys: a key made by ssh-keygen,
// say one with a passphrase. sshd reads the file at each login, so it
// holds from the next one.
func (s *Server) Authorize(t testing.TB, key ssh.PublicKey) {
	t.Helper()
	f, err := os.OpenFile(s.authorized, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Write(ssh.MarshalAuthorizedKey(key))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// ReplaceKnownHostKey rewrites the known_hosts file with another key for
// the server, as if it had been reinstalled or someone stood in between.
func (s *Server) ReplaceKnownHostKey(t testing.TB) {
	t.Helper()
	other := writeKey(t, filepath.Join(s.dir, "other_host_ed25519"))
	s.writeKnownHosts(t, other)
}

func (s *Server) writeKnownHosts(t testing.TB, key ssh.PublicKey) {
	t.Helper()
	line := knownhosts.Line([]string{knownhosts.Normalize(s.Address())}, key) + "\n"
	if err := os.WriteFile(s.KnownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (s *Server) run(t testing.TB) error {
	conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
AllowUsers %s
Subsystem sftp internal-sftp
LogLevel ERROR
`, s.Port, filepath.Join(s.dir, "host_ed25519"), filepath.Join(s.dir, "sshd.pid"),
		s.authorized, s.User)
	cfg := filepath.Join(s.dir, "sshd_config")
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		return err
	}
	var log bytes.Buffer
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", cfg)
	cmd.Stdout, cmd.Stderr = &log, &log
	// The server goes with the test binary, however that ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("sshd stopped at start: %s", log.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", s.Address(), time.Second); err == nil {
			c.SetDeadline(time.Now().Add(5 * time.Second))
			banner := make([]byte, 4)
			_, err := c.Read(banner)
			c.Close()
			if err == nil && string(banner) == "SSH-" {
				s.cmd, s.exited = cmd, exited
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	<-exited
	return fmt.Errorf("sshd did not answer on %s: %s", s.Address(), log.String())
}

func (s *Server) stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// writeKey writes a new ed25519 private key at path and returns its
// public half.
func writeKey(t testing.TB, path string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "galley test")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
