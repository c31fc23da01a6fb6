//go:build linux

package publish_test

import (
	"bytes"
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/publish"
	"app.galley/galley/internal/sshtest"
)

// The logins here are the ones a user meets outside the tests' own key
// file: ssh-agent, a key with a passphrase, a first publish before the
// server's host key is known. Each runs the real programs, ssh-agent,
// ssh-add and ssh-keygen, against a real sshd.

// startAgent runs a real ssh-agent holding no keys and returns its
// socket. It stops when the test ends, and with the test binary however
// that ends.
func startAgent(t *testing.T) string {
	t.Helper()
	// A socket's path may be 108 bytes at most, which t.TempDir, named
	// after the test, can pass.
	dir, err := os.MkdirTemp("", "galley-agent-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "agent.sock")
	var log bytes.Buffer
	cmd := exec.Command("ssh-agent", "-D", "-a", sock)
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatalf("no ssh-agent (install openssh-client): %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	// Registered after the folder's removal, so it runs before it: the
	// agent removes its own socket as it stops.
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-exited:
			t.Fatalf("ssh-agent stopped at start: %s", log.String())
		default:
		}
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return sock
		}
	}
	t.Fatal("ssh-agent made no socket")
	return ""
}

// sshAdd adds a private key file to the agent at sock with the real
// ssh-add. A key with a passphrase is unlocked as on a desktop, by an
// askpass program: a test has no terminal to type it on.
func sshAdd(t *testing.T, sock, key, passphrase string) {
	t.Helper()
	cmd := exec.Command("ssh-add", key)
	cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if passphrase != "" {
		askpass := filepath.Join(t.TempDir(), "askpass")
		script := "#!/bin/sh\nprintf '%s\\n' '" + passphrase + "'\n"
		if err := os.WriteFile(askpass, []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
		// force: ssh-add would otherwise ask only with a display and
		// without a terminal; DISPLAY for an ssh-add older than force.
		cmd.Env = append(cmd.Env, "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0")
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add %s: %v\n%s", key, err, out)
	}
}

// keyWithPassphrase makes an ed25519 key with ssh-keygen, locked with
// passphrase, and lets the server's user log in with it.
func keyWithPassphrase(t *testing.T, srv *sshtest.Server, passphrase string) string {
	t.Helper()
	key := filepath.Join(t.TempDir(), "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "galley passphrase test", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	data, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		t.Fatal(err)
	}
	srv.Authorize(t, pub)
	return key
}

// nothingPublished fails unless the server has no folder at remote: a
// login that failed must not have made one.
func nothingPublished(t *testing.T, remote string) {
	t.Helper()
	if _, err := os.Stat(remote); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a publish that did not log in left %s on the server (%v)", remote, err)
	}
}

// noSecrets fails if err shows the passphrase or any line of the private
// key files: errors are shown and logged.
func noSecrets(t *testing.T, err error, passphrase string, keys ...string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if passphrase != "" && strings.Contains(msg, passphrase) {
		t.Errorf("the error shows the passphrase: %v", err)
	}
	if strings.Contains(msg, "PRIVATE KEY") {
		t.Errorf("the error shows a private key: %v", err)
	}
	for _, k := range keys {
		data, rerr := os.ReadFile(k)
		if rerr != nil {
			t.Fatal(rerr)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if len(line) >= 16 && !strings.HasPrefix(line, "-----") && strings.Contains(msg, line) {
				t.Errorf("the error shows a line of %s: %v", k, err)
			}
		}
	}
}

// ssh-agent alone logs in: the key files named do not exist, so a
// publish that arrives came through the agent.
func TestAPublishLogsInThroughSSHAgentAlone(t *testing.T) {
	srv := sshtest.Start(t)
	d := newDesk(t)
	d.export()
	sock := startAgent(t)
	missing := filepath.Join(t.TempDir(), "no_such_key")
	viaAgent := publish.SSH{KnownHosts: []string{srv.KnownHosts}, Keys: []string{missing}, Agent: sock}
	remote := filepath.Join(t.TempDir(), "site")
	to := target(t, srv, remote)

	// An agent without the server's key: refused, and nothing sent.
	_, err := publish.Publish(ctx, d.site, to, publish.Options{Library: d.id, SSH: viaAgent})
	if err == nil || !strings.Contains(err.Error(), "refused the keys of "+srv.User) {
		t.Fatalf("an agent without the key = %v, want the server's refusal", err)
	}
	if galley.ErrorCode(err) != galley.EInvalid {
		t.Errorf("a refused login: code %s, want %s", galley.ErrorCode(err), galley.EInvalid)
	}
	nothingPublished(t, remote)

	sshAdd(t, sock, srv.KeyFile, "")
	rep, err := publish.Publish(ctx, d.site, to, publish.Options{Library: d.id, SSH: viaAgent})
	if err != nil {
		t.Fatalf("publishing with the key in ssh-agent: %v", err)
	}
	if total := len(files(t, d.site)); len(rep.Uploaded) != total {
		t.Errorf("uploaded %d of %d files through the agent's login", len(rep.Uploaded), total)
	}
	sameSite(t, d.site, remote)
}

// Agent "" is $SSH_AUTH_SOCK, as for ssh(1); "-" is no agent even when
// $SSH_AUTH_SOCK names one.
func TestAPublishFindsSSHAgentThroughSSHAuthSock(t *testing.T) {
	srv := sshtest.Start(t)
	d := newDesk(t)
	d.export()
	sock := startAgent(t)
	sshAdd(t, sock, srv.KeyFile, "")
	t.Setenv("SSH_AUTH_SOCK", sock)
	missing := filepath.Join(t.TempDir(), "no_such_key")

	none := filepath.Join(t.TempDir(), "none")
	_, err := publish.Publish(ctx, d.site, target(t, srv, none), publish.Options{Library: d.id,
		SSH: publish.SSH{KnownHosts: []string{srv.KnownHosts}, Keys: []string{missing}, Agent: "-"}})
	if err == nil || !strings.Contains(err.Error(), "no SSH key") {
		t.Errorf(`Agent "-" with $SSH_AUTH_SOCK set = %v, want no key to log in with`, err)
	}
	nothingPublished(t, none)

	remote := filepath.Join(t.TempDir(), "site")
	_, err = publish.Publish(ctx, d.site, target(t, srv, remote), publish.Options{Library: d.id,
		SSH: publish.SSH{KnownHosts: []string{srv.KnownHosts}, Keys: []string{missing}}})
	if err != nil {
		t.Fatalf("publishing with the agent at $SSH_AUTH_SOCK: %v", err)
	}
	sameSite(t, d.site, remote)

	// The agent gone, its socket name left behind in the environment (a
	// stale login shell's): no key, and the error says what to start.
	t.Setenv("SSH_AUTH_SOCK", filepath.Join(t.TempDir(), "gone.sock"))
	stale := filepath.Join(t.TempDir(), "stale")
	_, err = publish.Publish(ctx, d.site, target(t, srv, stale), publish.Options{Library: d.id,
		SSH: publish.SSH{KnownHosts: []string{srv.KnownHosts}, Keys: []string{missing}}})
	if err == nil || !strings.Contains(err.Error(), "no SSH key") || !strings.Contains(err.Error(), "ssh-agent") {
		t.Errorf("a stale $SSH_AUTH_SOCK = %v, want no key, naming ssh-agent", err)
	}
	nothingPublished(t, stale)
}

// A key file with a passphrase cannot be used without asking for it,
// which a publish does not: it is named, with how to add it to
// ssh-agent, and once added there it logs in.
func TestAKeyWithAPassphraseIsNamedUntilItIsInSSHAgent(t *testing.T) {
	const passphrase = "wh4le-s0ng-passphrase"
	srv := sshtest.Start(t)
	d := newDesk(t)
	d.export()
	key := keyWithPassphrase(t, srv, passphrase)
	remote := filepath.Join(t.TempDir(), "site")
	to := target(t, srv, remote)
	says := func(err error, what ...string) bool {
		if err == nil {
			return false
		}
		for _, w := range what {
			if !strings.Contains(err.Error(), w) {
				return false
			}
		}
		return true
	}

	// No agent: no key to log in with, and the one skipped is named.
	_, err := publish.Publish(ctx, d.site, to, publish.Options{Library: d.id,
		SSH: publish.SSH{KnownHosts: []string{srv.KnownHosts}, Keys: []string{key}, Agent: "-"}})
	if !says(err, "no SSH key", key, "passphrase", "ssh-add") {
		t.Errorf("only a key with a passphrase, no agent = %v, want it named, with ssh-add", err)
	}
	if galley.ErrorCode(err) != galley.EInvalid {
		t.Errorf("no usable key: code %s, want %s", galley.ErrorCode(err), galley.EInvalid)
	}
	noSecrets(t, err, passphrase, key)
	nothingPublished(t, remote)

	// An agent that has not got it: the server refuses, and the error
	// still names the key that would have done.
	sock := startAgent(t)
	withAgent := publish.SSH{KnownHosts: []string{srv.KnownHosts}, Keys: []string{key}, Agent: sock}
	_, err = publish.Publish(ctx, d.site, to, publish.Options{Library: d.id, SSH: withAgent})
	if !says(err, "refused", key, "passphrase", "ssh-add") {
		t.Errorf("a key with a passphrase not in the agent = %v, want the refusal naming it, with ssh-add", err)
	}
	noSecrets(t, err, passphrase, key)
	nothingPublished(t, remote)

	// Added with its passphrase, as the error says: the publish goes
	// through. The server knows no other key of this test's in the agent.
	sshAdd(t, sock, key, passphrase)
	if _, err := publish.Publish(ctx, d.site, to, publish.Options{Library: d.id, SSH: withAgent}); err != nil {
		noSecrets(t, err, passphrase, key)
		t.Fatalf("publishing with the key added to ssh-agent: %v", err)
	}
	sameSite(t, d.site, remote)
}

// Before the server's host key is known there is nothing to check it
// against: the publish stops before logging in, saying so and how to
// learn the key, and sends nothing.
func TestNoKnownHostsFileStopsThePublish(t *testing.T) {
	srv := sshtest.Start(t)
	d := newDesk(t)
	d.export()
	noFile := func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "no known_hosts file") &&
			strings.Contains(err.Error(), srv.Host+"'s host key") &&
			strings.Contains(err.Error(), "ssh -p "+strconv.Itoa(srv.Port)+" "+srv.Host) &&
			galley.ErrorCode(err) == galley.EInvalid
	}

	// The known_hosts files named do not exist.
	remote := filepath.Join(t.TempDir(), "site")
	missing := []string{filepath.Join(t.TempDir(), "known_hosts"), filepath.Join(t.TempDir(), "ssh_known_hosts")}
	_, err := publish.Publish(ctx, d.site, target(t, srv, remote), publish.Options{Library: d.id,
		SSH: publish.SSH{KnownHosts: missing, Keys: []string{srv.KeyFile}, Agent: "-"}})
	if !noFile(err) {
		t.Errorf("no known_hosts file = %v, want the publish stopped, naming the host and how to learn its key", err)
	}
	noSecrets(t, err, "", srv.KeyFile)
	nothingPublished(t, remote)

	// The default: a home whose ~/.ssh has the key but no known_hosts, as
	// before the first ssh to the server. The system-wide file is looked
	// at too, so the case is only this one where there is none.
	if _, err := os.Stat("/etc/ssh/ssh_known_hosts"); err == nil {
		t.Skip("this machine has an /etc/ssh/ssh_known_hosts; a home without known_hosts is not the only source")
	}
	home := srv.UserHome(t)
	knownHosts := filepath.Join(home, ".ssh", "known_hosts")
	recorded, err := os.ReadFile(knownHosts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(knownHosts); err != nil {
		t.Fatal(err)
	}
	byHome := publish.SSH{Home: home, Agent: "-"}
	_, err = publish.Publish(ctx, d.site, target(t, srv, remote), publish.Options{Library: d.id, SSH: byHome})
	if !noFile(err) {
		t.Errorf("a home without ~/.ssh/known_hosts = %v, want the publish stopped, naming the host and how to learn its key", err)
	}
	noSecrets(t, err, "", filepath.Join(home, ".ssh", "id_ed25519"))
	nothingPublished(t, remote)

	// The same home once the key is recorded: the file was all that was
	// missing.
	if err := os.WriteFile(knownHosts, recorded, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Publish(ctx, d.site, target(t, srv, remote), publish.Options{Library: d.id, SSH: byHome}); err != nil {
		t.Fatalf("publishing once ~/.ssh/known_hosts records the host: %v", err)
	}
	sameSite(t, d.site, remote)
}
