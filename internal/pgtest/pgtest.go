//go:build linux

package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"app.galley/galley/internal/fixture"
)

// AdminUser is the superuser initdb makes; every URL connects as it.
const AdminUser = "galley_admin"

// port names the socket file (.s.PGSQL.5432); nothing listens on TCP, so
// servers in different folders never clash.
const port = "5432"

// How long a server may take to come up or go down before the harness
// gives up. Generous: CI machines are shared and slow.
const (
	readyTimeout = 60 * time.Second
	stopTimeout  = 30 * time.Second
)

// installHint ends every error that means PostgreSQL is missing.
const installHint = "install it with: scripts/install-deps.sh test"

// libDir is where Debian installs each PostgreSQL version, as
// <libDir>/15/bin.
var libDir = "/usr/lib/postgresql"

// dirPrefix names the temporary folder; a test puts characters in it that
// a URL must escape.
var dirPrefix = "galley-pg-"

// Server is one throwaway PostgreSQL cluster. Its methods may be called
// from several goroutines.
type Server struct {
	bin     string // the folder holding initdb and postgres
	version int    // PostgreSQL's major version
	dir     string // the cluster's folder: the socket, server.log, data/
	data    string
	cred    *syscall.Credential // whom postgres runs as; nil for the test's own user

	watchdog   *exec.Cmd
	watchdogIn *os.File // closing it without "done" makes the watchdog clean up

	ctl     sync.Mutex // serializes starting and stopping
	mu      sync.Mutex // guards proc and stopped
	proc    *proc      // the running postmaster, nil while stopped
	stopped bool       // Stop has run

	dbSeq atomic.Int64

	shipped bool // PostgreSQL's own settings: durable, 128 MB of buffers
}

// Option changes how StartMain sets up the server.
type Option func(*Server)

// AsShipped runs the server with PostgreSQL's own settings — every commit
// written to disk, 128 MB of shared buffers — instead of the throwaway
// speed settings the tests use, so that benchmarks measure what a team's
// server does.
func AsShipped() Option { return func(s *Server) { s.shipped = true } }

// proc is one run of the postmaster.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
	err    error         // cmd's exit status, set before exited closes
}

// Start starts a fresh server for the test and stops it, removing its
// folder, when the test ends. A missing PostgreSQL fails the test (the
// server tests are meant to run everywhere, CI included).
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := StartMain(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// StartMain starts a fresh server outside any test, for a TestMain that
// shares one server between the tests of a package; the caller must call
// Stop before os.Exit. If the binary dies first, the server still goes.
func StartMain(opts ...Option) (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	for _, o := range opts {
		o(s)
	}
	if s.version, err = majorVersion(bin); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		// fixture.Nobody keeps root's supplementary groups; the server
		// should have none of root's.
		c := fixture.Nobody()
		s.cred = &syscall.Credential{Uid: c.Uid, Gid: c.Gid}
	}
	s.dir, err = os.MkdirTemp(tempBase(), dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	s.data = filepath.Join(s.dir, "data")
	fail := func(err error) (*Server, error) {
		s.Stop()
		return nil, err
	}
	// Others may enter (child processes running as nobody connect through
	// the socket here); the server's user owns it, to make the socket.
	if err := os.Chmod(s.dir, 0o755); err != nil {
		return fail(fmt.Errorf("pgtest: %w", err))
	}
	if s.cred != nil {
		if err := os.Chown(s.dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return fail(fmt.Errorf("pgtest: %w", err))
		}
	}
	if err := s.startWatchdog(); err != nil {
		return fail(err)
	}
	if err := s.initdb(); err != nil {
		return fail(err)
	}
	if err := s.StartServer(); err != nil {
		return fail(err)
	}
	return s, nil
}

// findBin finds the newest PostgreSQL under /usr/lib/postgresql (Debian's
// layout), or else initdb on the PATH.
func findBin() (string, error) {
	dirs, _ := filepath.Glob(filepath.Join(libDir, "*", "bin"))
	type found struct {
		dir     string
		version []int
	}
	var all []found
	for _, d := range dirs {
		if !isExecutable(filepath.Join(d, "initdb")) || !isExecutable(filepath.Join(d, "postgres")) {
			continue
		}
		var v []int
		for _, part := range strings.Split(filepath.Base(filepath.Dir(d)), ".") {
			n, err := strconv.Atoi(part)
			if err != nil {
				v = nil
				break
			}
			v = append(v, n)
		}
		all = append(all, found{d, v})
	}
	if len(all) > 0 {
		sort.Slice(all, func(i, j int) bool {
			a, b := all[i].version, all[j].version
			for k := 0; k < len(a) && k < len(b); k++ {
				if a[k] != b[k] {
					return a[k] > b[k]
				}
			}
			return len(a) > len(b)
		})
		return all[0].dir, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		d := filepath.Dir(p)
		if isExecutable(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", errors.New("pgtest: PostgreSQL is not installed (no initdb and postgres under " + libDir + "/*/bin or on the PATH); " + installHint)
}

// majorVersion asks postgres its version: "postgres (PostgreSQL) 15.18 …".
func majorVersion(bin string) (int, error) {
	out, err := exec.Command(filepath.Join(bin, "postgres"), "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("pgtest: %s/postgres --version: %w", bin, err)
	}
	f := strings.Fields(string(out))
	if len(f) >= 3 {
		major, _, _ := strings.Cut(f[2], ".")
		if n, err := strconv.Atoi(major); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("pgtest: %s/postgres --version says %q", bin, out)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// tempBase keeps the socket path short: a unix socket path has room for
// about 107 bytes, and a deep TMPDIR could use them up.
func tempBase() string {
	if d := os.TempDir(); len(d) <= 40 {
		return d
	}
	return "/tmp"
}

// env is the whole environment of initdb and postgres: nothing from the
// test's (PGDATA, PGPORT, LANG) reaches them. TZ=UTC spares initdb its
// time-zone search and makes UTC the cluster's default.
func (s *Server) env() []string {
	return []string{"PATH=" + s.bin + ":/usr/bin:/bin", "TZ=UTC", "LC_ALL=C.UTF-8"}
}

// sysProcAttr puts a child in its own process group (a Ctrl-C meant for
// the tests does not reach it directly), runs it as the server's user,
// and has the kernel send it sig when the test binary dies. Pdeathsig is
// set after the change of user, so it holds for nobody too. (The kernel
// sends it when the thread that started the child ends; Go ends threads
// only under a goroutine that locked its thread and never unlocked it, so
// start servers from TestMain or a test, not from such a goroutine.)
func (s *Server) sysProcAttr(sig syscall.Signal) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Credential: s.cred, Pdeathsig: sig}
}

func (s *Server) initdb() error {
	cmd := exec.Command(filepath.Join(s.bin, "initdb"),
		"--pgdata="+s.data,
		"--username="+AdminUser,
		"--auth=trust",
		"--encoding=UTF8",
		"--locale=C.UTF-8",
		"--no-sync",
		"--no-instructions",
	)
	cmd.Dir = s.dir
	cmd.Env = s.env()
	cmd.SysProcAttr = s.sysProcAttr(syscall.SIGKILL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: initdb: %v\n%s", err, out)
	}
	return nil
}

// StartServer starts the server on the cluster's existing data and waits
// until it accepts connections. With StopServer it lets a test take the
// server away under a client and bring it back with the data intact.
func (s *Server) StartServer() error {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.mu.Lock()
	stopped, running := s.stopped, s.proc != nil
	s.mu.Unlock()
	if stopped {
		return errors.New("pgtest: StartServer after Stop")
	}
	if running {
		return errors.New("pgtest: the server is already running")
	}
	logf, err := os.OpenFile(s.LogPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer logf.Close()
	args := []string{
		"-D", s.data,
		"-k", s.dir,
		"-p", port,
		"-c", "listen_addresses=",
		"-c", "max_connections=100",
	}
	if !s.shipped {
		// Speed over durability: the cluster is thrown away.
		args = append(args,
			"-c", "fsync=off",
			"-c", "synchronous_commit=off",
			"-c", "full_page_writes=off",
			"-c", "shared_buffers=32MB",
			"-c", "jit=off",
		)
	}
	cmd := exec.Command(filepath.Join(s.bin, "postgres"), args...)
	cmd.Dir = s.dir
	cmd.Env = s.env()
	cmd.Stdout = logf
	cmd.Stderr = logf
	// SIGQUIT is postgres's immediate shutdown: the postmaster takes its
	// backends down with it.
	cmd.SysProcAttr = s.sysProcAttr(syscall.SIGQUIT)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	p := &proc{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()

	deadline := time.Now().Add(readyTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		if err == nil {
			conn.Close(ctx)
			cancel()
			return nil
		}
		cancel()
		select {
		case <-p.exited:
			s.mu.Lock()
			s.proc = nil
			s.mu.Unlock()
			return fmt.Errorf("pgtest: postgres exited at start (%v); its log:\n%s", p.err, s.logTail())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return fmt.Errorf("pgtest: postgres did not accept connections within %v (last: %v); its log:\n%s", readyTimeout, err, s.logTail())
		}
	}
}

// StopServer shuts the server down in fast mode (open connections are
// ended, as when an administrator stops it) and keeps the data, so
// StartServer can bring it back. Stopping a stopped server does nothing.
func (s *Server) StopServer() error {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	return s.stop()
}

// stop stops the postmaster; the caller holds s.ctl.
func (s *Server) stop() error {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	select {
	case <-p.exited:
		return fmt.Errorf("pgtest: postgres had exited by itself (%v); its log:\n%s", p.err, s.logTail())
	default:
	}
	for _, step := range []struct {
		sig  syscall.Signal
		wait time.Duration
	}{{syscall.SIGINT, stopTimeout}, {syscall.SIGQUIT, 5 * time.Second}, {syscall.SIGKILL, 5 * time.Second}} {
		p.cmd.Process.Signal(step.sig)
		select {
		case <-p.exited:
			if step.sig != syscall.SIGINT {
				return fmt.Errorf("pgtest: postgres ignored a fast shutdown for %v and was stopped with %v", stopTimeout, step.sig)
			}
			return nil
		case <-time.After(step.wait):
		}
	}
	return fmt.Errorf("pgtest: postgres (pid %d) survived SIGKILL", p.cmd.Process.Pid)
}

// Restart stops the server and starts it again on the same data.
func (s *Server) Restart() error {
	if err := s.StopServer(); err != nil {
		return err
	}
	return s.StartServer()
}

// Stop shuts the server down and removes its folder. It may be called more
// than once.
func (s *Server) Stop() error {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.mu.Lock()
	already := s.stopped
	s.stopped = true
	s.mu.Unlock()
	if already {
		return nil
	}
	err := s.stop()
	if rerr := os.RemoveAll(s.dir); rerr != nil && err == nil {
		err = fmt.Errorf("pgtest: %w", rerr)
	}
	if s.watchdog != nil {
		// All is done: tell the watchdog, which then exits at once.
		s.watchdogIn.WriteString("done\n")
		s.watchdogIn.Close()
		s.watchdog.Wait()
	}
	return err
}

// watchdogScript waits for a line on its stdin. "done" means the test
// binary cleaned up itself. End of file means it died: then the script
// stops the postmaster recorded in postmaster.pid (only if that process
// still works in this cluster's data folder) and removes the folder.
const watchdogScript = `
dir=$1
IFS= read -r line
[ "$line" = done ] && exit 0
pidfile=$dir/data/postmaster.pid
i=0
while [ -f "$pidfile" ] && [ "$i" -lt 300 ]; do
	pid=$(head -n 1 "$pidfile" 2>/dev/null)
	[ -n "$pid" ] && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$dir/data" ] || break
	if [ "$i" -lt 100 ]; then kill -QUIT "$pid"; else kill -KILL "$pid"; fi 2>/dev/null
	sleep 0.1
	i=$((i + 1))
done
rm -rf -- "$dir"
`

// startWatchdog starts the shell that removes the cluster if the test
// binary dies without Stop. It runs as the test's user, in a process group
// of its own, and holds only the read end of a pipe whose write end only
// this process holds (Go opens files close-on-exec), so the pipe closes
// exactly when this process dies, however it dies.
func (s *Server) startWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer r.Close()
	cmd := exec.Command("/bin/sh", "-c", watchdogScript, "pgtest-watchdog", s.dir)
	cmd.Stdin = r
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return fmt.Errorf("pgtest: start the watchdog: %w", err)
	}
	s.watchdog, s.watchdogIn = cmd, w
	return nil
}

// URL is the address of database db on the server, for pgx or libpq:
// postgres://galley_admin@/db?host=<socket folder>&port=5432&sslmode=disable
func (s *Server) URL(db string) string {
	return "postgres://" + AdminUser + "@/" + escape(db, false) +
		"?host=" + escape(s.dir, true) + "&port=" + port + "&sslmode=disable"
}

// escape percent-encodes all but the unreserved characters (and, if
// slashes, the slash). Not url.QueryEscape: libpq and pgx read a '+' in a
// URL as a plus, not a space.
func escape(s string, slashes bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', slashes && c == '/':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// CreateDatabase makes an empty database named name, copied from
// template0 (nothing a test put in template1 comes along).
func (s *Server) CreateDatabase(name string) error {
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE template0"
	if s.version >= 15 {
		// Copying the files is three times as fast as PostgreSQL 15's
		// default of copying through the WAL, for a small template.
		sql += " STRATEGY FILE_COPY"
	}
	return s.admin(sql)
}

// DropDatabase drops database name, ending any connection to it.
func (s *Server) DropDatabase(name string) error {
	return s.admin("DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize() + " WITH (FORCE)")
}

func (s *Server) admin(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: %s: %w", sql, err)
	}
	return nil
}

var notName = regexp.MustCompile(`[^a-z0-9_]+`)

// NewDatabase makes an empty database for the test, named after it, and
// returns its URL. The database is dropped when the test ends, if the
// server is running then.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	name := strings.Trim(notName.ReplaceAllString(strings.ToLower(tb.Name()), "_"), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	name = fmt.Sprintf("t_%s_%d", name, s.dbSeq.Add(1))
	if err := s.CreateDatabase(name); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if !s.Running() {
			return
		}
		if err := s.DropDatabase(name); err != nil {
			tb.Error(err)
		}
	})
	return s.URL(name)
}

// Running reports whether the server is up (started and not stopped).
func (s *Server) Running() bool {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// PID is the postmaster's process id, or 0 while the server is stopped.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return 0
	}
	return s.proc.cmd.Process.Pid
}

// Dir is the cluster's folder: it holds the socket, server.log and the
// data folder, and is gone after Stop.
func (s *Server) Dir() string { return s.dir }

// SocketDir is the folder holding the server's unix socket.
func (s *Server) SocketDir() string { return s.dir }

// DataDir is the cluster's data folder.
func (s *Server) DataDir() string { return s.data }

// LogPath is the server's log file, kept across restarts.
func (s *Server) LogPath() string { return filepath.Join(s.dir, "server.log") }

// logTail is the end of the server's log, for error messages.
func (s *Server) logTail() string {
	b, err := os.ReadFile(s.LogPath())
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}
