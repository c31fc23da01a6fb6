package publish

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"

	"app.galley/galley/internal/galley"
)

// SSH is how a publish logs in. The zero value does what ssh(1) does by
// default: keys from ssh-agent and ~/.ssh, host keys from
// ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts.
type SSH struct {
	KnownHosts []string // known_hosts files; missing ones are skipped
	Keys       []string // private key files; missing ones are skipped
	Agent      string   // ssh-agent's socket; default $SSH_AUTH_SOCK, "-" for none
	Home       string   // default $HOME; where ~/.ssh is
}

// dialTimeout bounds reaching the server and its handshake.
const dialTimeout = 20 * time.Second

func (c SSH) home() string {
	if c.Home != "" {
		return c.Home
	}
	h, _ := os.UserHomeDir()
	return h
}

func (c SSH) knownHostsFiles() []string {
	files := c.KnownHosts
	if files == nil {
		files = []string{filepath.Join(c.home(), ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"}
	}
	var have []string
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			have = append(have, f)
		}
	}
	return have
}

// hostKeyError is a host key that does not match what known_hosts says:
// unknown, changed or revoked. The publish stops; nothing is sent.
type hostKeyError struct{ msg string }

func (e *hostKeyError) Error() string { return e.msg }

// hostKeys checks the server's key against known_hosts, and lists the key
// types known for the host first so the server shows the key that is
// recorded rather than another type it also has.
func (c SSH) hostKeys(t Target) (ssh.HostKeyCallback, []string, error) {
	files := c.knownHostsFiles()
	where := net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	if len(files) == 0 {
		return nil, nil, galley.Errorf(galley.EInvalid, "There is no known_hosts file to check %s's host key against (~/.ssh/known_hosts); nothing was published. Connect once with ssh -p %d %s and compare the key's fingerprint with the one the server's administrator gives you.", t.Host, t.Port, t.Host)
	}
	check, err := knownhosts.New(files...)
	if err != nil {
		return nil, nil, galley.Errorf(galley.EInvalid, "Cannot read the known hosts (%s): %v.", strings.Join(files, ", "), err)
	}
	// Asking with a key that matches nothing lists the keys known.
	var algos []string
	probe, _, _, _, _ := ssh.ParseAuthorizedKey([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIsp9vNHH0ZGt6bdw4p9ZWt3YVjhIYjVgeDWKb0qW9/Y probe"))
	var ke *knownhosts.KeyError
	if err := check(where, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: t.Port}, probe); errors.As(err, &ke) {
		for _, k := range ke.Want {
			algos = append(algos, hostKeyAlgorithms(k.Key.Type())...)
		}
	}
	callback := func(host string, remote net.Addr, key ssh.PublicKey) error {
		err := check(host, remote, key)
		var ke *knownhosts.KeyError
		var re *knownhosts.RevokedError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &re):
			return &hostKeyError{fmt.Sprintf("The host key of %s (%s %s) is marked revoked in %s; nothing was published.", t.Host, key.Type(), ssh.FingerprintSHA256(key), re.Revoked.Filename)}
		case errors.As(err, &ke) && len(ke.Want) == 0:
			return &hostKeyError{fmt.Sprintf("The host key of %s is not known (%s %s); nothing was published. Compare that fingerprint with the one the server's administrator gives you, then add the key to ~/.ssh/known_hosts (for example by connecting once with ssh -p %d %s).", t.Host, key.Type(), ssh.FingerprintSHA256(key), t.Port, t.Host)}
		case errors.As(err, &ke):
			w := ke.Want[0]
			return &hostKeyError{fmt.Sprintf("The host key of %s has CHANGED: it is now %s %s, but %s line %d records another. Someone may be standing between you and the server, or it was reinstalled; nothing was published. Ask the server's administrator before replacing that line.", t.Host, key.Type(), ssh.FingerprintSHA256(key), w.Filename, w.Line)}
		}
		return &hostKeyError{fmt.Sprintf("The host key of %s could not be checked: %v; nothing was published.", t.Host, err)}
	}
	return callback, algos, nil
}

// hostKeyAlgorithms are the algorithms a server signs with for a key type.
func hostKeyAlgorithms(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// auth is the user's keys: ssh-agent's, then the usual key files. A key
// with a passphrase is left to ssh-agent; it is named if nothing else
// logs in.
func (c SSH) auth() (methods []ssh.AuthMethod, closeAgent func(), skipped []string) {
	closeAgent = func() {}
	sock := c.Agent
	if sock == "" {
		sock = os.Getenv("SSH_AUTH_SOCK")
	}
	if sock != "" && sock != "-" {
		if conn, err := net.DialTimeout("unix", sock, 5*time.Second); err == nil {
			ag := agent.NewClient(conn)
			methods = append(methods, ssh.PublicKeysCallback(ag.Signers))
			closeAgent = func() { conn.Close() }
		}
	}
	keys := c.Keys
	if keys == nil {
		for _, n := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			keys = append(keys, filepath.Join(c.home(), ".ssh", n))
		}
	}
	var signers []ssh.Signer
	for _, k := range keys {
		data, err := os.ReadFile(k)
		if err != nil {
			continue
		}
		s, err := ssh.ParsePrivateKey(data)
		var pm *ssh.PassphraseMissingError
		switch {
		case errors.As(err, &pm):
			skipped = append(skipped, k+" (it has a passphrase: add it to ssh-agent with ssh-add)")
			continue
		case err != nil:
			skipped = append(skipped, k+" (it cannot be read as a private key)")
			continue
		}
		signers = append(signers, s)
	}
	if len(signers) > 0 {
		methods = append(methods, ssh.PublicKeys(signers...))
	}
	return methods, closeAgent, skipped
}

// clientConfig is how to log in to t's server as user: the user's keys,
// the host key checked against known_hosts. closeAgent lets go of
// ssh-agent once the keys are no longer needed.
func (c SSH) clientConfig(t Target, user string) (cfg *ssh.ClientConfig, closeAgent func(), skipped []string, err error) {
	callback, algos, err := c.hostKeys(t)
	if err != nil {
		return nil, nil, nil, err
	}
	methods, closeAgent, skipped := c.auth()
	if len(methods) == 0 {
		closeAgent()
		msg := "There is no SSH key to log in to %s with: start ssh-agent with your key, or put one in ~/.ssh (id_ed25519); nothing was published."
		if len(skipped) > 0 {
			msg += " Skipped: " + strings.Join(skipped, "; ") + "."
		}
		return nil, nil, nil, galley.Errorf(galley.EInvalid, msg, t.Host)
	}
	return &ssh.ClientConfig{User: user, Auth: methods, HostKeyCallback: callback, HostKeyAlgorithms: algos, Timeout: dialTimeout}, closeAgent, skipped, nil
}

// dial logs in to the target's server. Closing the returned client ends
// the session; cancelling ctx does too.
func (c SSH) dial(ctx context.Context, t Target) (*ssh.Client, error) {
	name := t.User
	if name == "" {
		u, err := user.Current()
		if err != nil {
			return nil, galley.Errorf(galley.EInvalid, "The publish address names no user and the local one is unknown: %v.", err)
		}
		name = u.Username
	}
	cfg, closeAgent, skipped, err := c.clientConfig(t, name)
	if err != nil {
		return nil, err
	}
	defer closeAgent() // the keys are used in the handshake, and only there
	addr := net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, galley.Errorf(galley.EUnavailable, "Cannot reach %s: %v; nothing was published.", addr, errors.Unwrap(err))
	}
	// The handshake has no context of its own: a deadline bounds it, and
	// cancelling closes the connection.
	conn.SetDeadline(time.Now().Add(dialTimeout))
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	cc, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	stop()
	if err != nil {
		conn.Close()
		var hk *hostKeyError
		switch {
		case errors.As(err, &hk):
			return nil, galley.Errorf(galley.EInvalid, "%s", hk.msg)
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case strings.Contains(err.Error(), "unable to authenticate"):
			msg := "%s refused the keys of %s; nothing was published. Add your public key to that user's ~/.ssh/authorized_keys on the server."
			if len(skipped) > 0 {
				msg += " Skipped: " + strings.Join(skipped, "; ") + "."
			}
			return nil, galley.Errorf(galley.EInvalid, msg, t.Host, name)
		}
		return nil, galley.Errorf(galley.EUnavailable, "Cannot log in to %s: %v; nothing was published.", addr, err)
	}
	conn.SetDeadline(time.Time{})
	return ssh.NewClient(cc, chans, reqs), nil
}
