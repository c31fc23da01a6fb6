//go:build linux

package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"app.galley/galley/internal/fixture"
)

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func queryString(t *testing.T, conn *pgx.Conn, sql string, args ...any) string {
	t.Helper()
	var s string
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

// clusterProcesses lists the processes working in dir: the postmaster and
// every backend chdir to the data folder.
func clusterProcesses(t *testing.T, dir string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil {
			continue
		}
		cwd = strings.TrimSuffix(cwd, " (deleted)")
		if cwd == dir || strings.HasPrefix(cwd, dir+"/") {
			pids = append(pids, pid)
		}
	}
	return pids
}

func alive(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}

func TestServerLifecycle(t *testing.T) {
	s, err := StartMain()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	dir, pid := s.Dir(), s.PID()
	if pid == 0 || !s.Running() {
		t.Fatalf("after start: pid %d, running %v", pid, s.Running())
	}

	if os.Geteuid() == 0 {
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("Uid:\t%d\t", fixture.Nobody().Uid)
		if !strings.Contains(string(status), want) {
			t.Errorf("postmaster does not run as nobody:\n%s", status)
		}
	}

	for _, name := range []string{"first", "Second DB"} {
		if err := s.CreateDatabase(name); err != nil {
			t.Fatal(err)
		}
	}
	first := connect(t, s.URL("first"))
	second := connect(t, s.URL("Second DB"))
	ctx := context.Background()
	if _, err := first.Exec(ctx, "CREATE TABLE piece (title text); INSERT INTO piece VALUES ('Ünïcode — fine')"); err != nil {
		t.Fatal(err)
	}
	if got := queryString(t, first, "SELECT title FROM piece"); got != "Ünïcode — fine" {
		t.Errorf("title = %q", got)
	}
	if got := queryString(t, second, "SELECT count(*)::text FROM pg_tables WHERE tablename = 'piece'"); got != "0" {
		t.Errorf("the second database sees %s piece tables", got)
	}
	for setting, want := range map[string]string{
		"server_encoding":  "UTF8",
		"lc_collate":       "C.UTF-8",
		"fsync":            "off",
		"listen_addresses": "",
		"TimeZone":         "UTC",
	} {
		if got := queryString(t, first, "SELECT current_setting($1)", setting); got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
	if got := queryString(t, first, "SELECT current_user"); got != AdminUser {
		t.Errorf("current_user = %q", got)
	}

	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Errorf("the old postmaster %d still runs after Restart", pid)
	}
	if err := first.Ping(ctx); err == nil {
		t.Error("a connection made before Restart still works")
	}
	again := connect(t, s.URL("first"))
	if got := queryString(t, again, "SELECT title FROM piece"); got != "Ünïcode — fine" {
		t.Errorf("after restart, title = %q", got)
	}
	again.Close(ctx)

	if err := s.StopServer(); err != nil {
		t.Fatal(err)
	}
	if s.Running() || s.PID() != 0 {
		t.Error("Running or PID after StopServer")
	}
	if _, err := os.Stat(s.DataDir()); err != nil {
		t.Errorf("StopServer removed the data: %v", err)
	}
	if err := s.StopServer(); err != nil {
		t.Errorf("second StopServer: %v", err)
	}
	if err := s.StartServer(); err != nil {
		t.Fatal(err)
	}
	pid = s.PID()
	held := connect(t, s.URL("Second DB")) // Stop must end it, not wait for it

	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Errorf("postmaster %d still runs after Stop", pid)
	}
	if pids := clusterProcesses(t, dir); len(pids) > 0 {
		t.Errorf("processes %v still work in %s", pids, dir)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there (%v)", dir, err)
	}
	if err := held.Ping(ctx); err == nil {
		t.Error("a connection outlived Stop")
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if err := s.StartServer(); err == nil {
		t.Error("StartServer after Stop succeeded")
	}
}

func TestMissingPostgreSQLSaysHowToInstallIt(t *testing.T) {
	old := libDir
	libDir = t.TempDir()
	t.Cleanup(func() { libDir = old })
	t.Setenv("PATH", t.TempDir())
	_, err := StartMain()
	if err == nil || !strings.Contains(err.Error(), "scripts/install-deps.sh test") {
		t.Errorf("StartMain without PostgreSQL: %v", err)
	}
}

func TestNewDatabaseIsEmptyAndDropped(t *testing.T) {
	s := Start(t)
	var name string
	t.Run("a/b c", func(t *testing.T) {
		u := s.NewDatabase(t)
		conn := connect(t, u)
		name = queryString(t, conn, "SELECT current_database()")
		if !strings.HasPrefix(name, "t_testnewdatabaseisemptyanddropped_a_b_c_") {
			t.Errorf("database name %q", name)
		}
		if got := queryString(t, conn, "SELECT count(*)::text FROM pg_class WHERE relnamespace = 'public'::regnamespace"); got != "0" {
			t.Errorf("%s relations in public", got)
		}
		if _, err := conn.Exec(context.Background(), "CREATE TABLE t (x int)"); err != nil {
			t.Fatal(err)
		}
		// the connection stays open: the drop must end it
	})
	admin := connect(t, s.URL("postgres"))
	if got := queryString(t, admin, "SELECT count(*)::text FROM pg_database WHERE datname = $1", name); got != "0" {
		t.Errorf("database %s was not dropped", name)
	}
}

// The socket folder's name goes into the URL's query; characters that
// mean something in a URL must arrive intact.
func TestURLEscapesSocketFolder(t *testing.T) {
	old := dirPrefix
	dirPrefix = "pg &?#%+=é-"
	t.Cleanup(func() { dirPrefix = old })
	s := Start(t)
	dirPrefix = old
	if !strings.Contains(s.SocketDir(), "pg &?#%+=é-") {
		t.Fatalf("socket folder %q", s.SocketDir())
	}
	if _, err := url.Parse(s.URL("x")); err != nil {
		t.Errorf("URL does not parse: %v", err)
	}
	conn := connect(t, s.URL("postgres"))
	if got := queryString(t, conn, "SELECT current_setting('unix_socket_directories')"); got != s.SocketDir() {
		t.Errorf("server's socket folder %q, want %q", got, s.SocketDir())
	}
	cfg, err := pgx.ParseConfig(s.URL("a b/c?d"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != s.SocketDir() || cfg.Database != "a b/c?d" || cfg.User != AdminUser || cfg.Port != 5432 {
		t.Errorf("URL parses to host %q db %q user %q port %d", cfg.Host, cfg.Database, cfg.User, cfg.Port)
	}
}

// Child processes (as later tests start several desks) reach the server
// through its socket; when the tests run as root they run as nobody, as
// the desks will, so the socket folder must let other users in.
func TestChildProcessesConnect(t *testing.T) {
	if os.Getenv("PGTEST_CHILD_URL") != "" {
		t.Skip("in a child")
	}
	s := Start(t)
	u := s.NewDatabase(t)
	conn := connect(t, u)
	if _, err := conn.Exec(context.Background(), "CREATE TABLE visit (who int); GRANT ALL ON visit TO PUBLIC"); err != nil {
		t.Fatal(err)
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		_, bin = fixture.ShareableDir(t, "pgtest-child-")
		cred = fixture.Nobody()
	}
	const n = 3
	cmds := make([]*exec.Cmd, n)
	for i := range cmds {
		cmd := exec.Command(bin, "-test.run=^TestHelperChild$")
		cmd.Env = append(os.Environ(), "PGTEST_CHILD_URL="+u, fmt.Sprintf("PGTEST_CHILD_ID=%d", i))
		cmd.Dir = "/"
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		cmds[i] = cmd
	}
	out := make([][]byte, n)
	errs := make(chan error, n)
	for i, cmd := range cmds {
		go func() {
			var err error
			out[i], err = cmd.CombinedOutput()
			errs <- err
		}()
	}
	for range cmds {
		if err := <-errs; err != nil {
			t.Errorf("child: %v", err)
		}
	}
	if t.Failed() {
		for _, o := range out {
			t.Logf("%s", o)
		}
	}
	if got := queryString(t, conn, "SELECT count(DISTINCT who)::text FROM visit"); got != strconv.Itoa(n) {
		t.Errorf("%s children visited, want %d", got, n)
	}
}

// TestHelperChild is a child of TestChildProcessesConnect.
func TestHelperChild(t *testing.T) {
	u := os.Getenv("PGTEST_CHILD_URL")
	if u == "" {
		t.Skip("only as a child of TestChildProcessesConnect")
	}
	conn := connect(t, u)
	if _, err := conn.Exec(context.Background(), "INSERT INTO visit VALUES ($1)", os.Getenv("PGTEST_CHILD_ID")); err != nil {
		t.Fatal(err)
	}
}

// A test binary killed outright (SIGKILL: no deferred Stop, no Cleanup)
// leaves no server running and no folder behind.
func TestKilledTestBinaryLeavesNothing(t *testing.T) {
	if os.Getenv("PGTEST_KILLME") != "" {
		t.Skip("in the child")
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^TestHelperKillMe$", "-test.v")
	cmd.Env = append(os.Environ(), "PGTEST_KILLME=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var dir string
	var pid int
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if d, ok := strings.CutPrefix(lines.Text(), "CLUSTER "); ok {
			p, rest, _ := strings.Cut(d, " ")
			pid, _ = strconv.Atoi(p)
			dir = rest
			break
		}
	}
	if dir == "" {
		t.Fatal("the child reported no cluster")
	}
	// A backend too, which the postmaster must take down with it.
	if got := queryString(t, connect(t, (&Server{dir: dir}).URL("postgres")), "SELECT 'up'"); got != "up" {
		t.Fatal(got)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := os.Stat(dir)
		pids := clusterProcesses(t, dir)
		if errors.Is(err, os.ErrNotExist) && len(pids) == 0 && !alive(pid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("30s after the kill: folder %s (%v), processes %v, postmaster alive %v", dir, err, pids, alive(pid))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestHelperKillMe is the child that TestKilledTestBinaryLeavesNothing kills.
func TestHelperKillMe(t *testing.T) {
	if os.Getenv("PGTEST_KILLME") == "" {
		t.Skip("only as a child of TestKilledTestBinaryLeavesNothing")
	}
	s := Start(t)
	fmt.Printf("CLUSTER %d %s\n", s.PID(), s.Dir())
	time.Sleep(time.Minute)
}

func BenchmarkStartStop(b *testing.B) {
	for b.Loop() {
		s, err := StartMain()
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Stop(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRestart(b *testing.B) {
	s := Start(b)
	for b.Loop() {
		if err := s.Restart(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateDatabase(b *testing.B) {
	s := Start(b)
	i := 0
	for b.Loop() {
		i++
		if err := s.CreateDatabase(fmt.Sprintf("db%d", i)); err != nil {
			b.Fatal(err)
		}
	}
}
