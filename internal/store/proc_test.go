package store

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"app.galley/galley/internal/fixture"
)

// Tests that need real separate processes run a copy of this test binary
// with -test.run naming a child test. The child test skips unless its
// environment variable is set, so in an ordinary run it does nothing. A
// child talks to its parent in lines on stdout that start with
// childPrefix (anything else there is the testing package's own output),
// and listens for lines on stdin.

const childPrefix = "@galley-child "

// child is a running copy of the test binary.
type child struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // the child's prefixed lines, prefix removed; closed at EOF
	other  fixture.Buffer
	stderr fixture.Buffer
	got    []string // lines already taken by next, kept for failure reports
}

// startChild runs the test named test in a new process of this binary,
// with env added to this process's environment.
func startChild(t testing.TB, name, test string, env ...string) *child {
	t.Helper()
	c := &child{name: name, lines: make(chan string, 1024)}
	// A child that outlives a broken parent stops by itself.
	c.cmd = exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.timeout=2m")
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stderr = &c.stderr
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), childPrefix); ok {
				c.lines <- line
			} else {
				fmt.Fprintln(&c.other, sc.Text())
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	return c
}

// next returns the child's next line; ok is false when the child closed
// its output or nothing came within timeout.
func (c *child) next(timeout time.Duration) (line string, ok bool) {
	select {
	case line, ok = <-c.lines:
		if ok {
			c.got = append(c.got, line)
		}
		return line, ok
	case <-time.After(timeout):
		return "", false
	}
}

// send writes one line to the child's stdin.
func (c *child) send(line string) error {
	_, err := io.WriteString(c.stdin, line+"\n")
	return err
}

// kill sends SIGKILL (TerminateProcess on Windows): no deferred call, no
// Close, no flush runs in the child.
func (c *child) kill() error { return c.cmd.Process.Kill() }

// wait collects the rest of the child's lines until it exits, and returns
// them with its exit error.
func (c *child) wait() ([]string, error) {
	var rest []string
	for line := range c.lines {
		rest = append(rest, line)
	}
	c.got = append(c.got, rest...)
	c.stdin.Close()
	return rest, c.cmd.Wait()
}

// report describes what the child said, for a failure message.
func (c *child) report() string {
	const max = 40
	got := c.got
	if len(got) > max {
		got = append([]string{fmt.Sprintf("… %d lines before", len(got)-max)}, got[len(got)-max:]...)
	}
	return fmt.Sprintf("%s said:\n  %s\nother output:\n%s\nstderr:\n%s",
		c.name, strings.Join(got, "\n  "), lastLines(c.other.String(), 20), lastLines(c.stderr.String(), 40))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// childSay writes one line for the parent, in a single write so that a
// kill cannot leave half a line. Only what happened before the call is
// reported: a line is never written ahead of the fact.
func childSay(format string, args ...any) {
	os.Stdout.WriteString(childPrefix + fmt.Sprintf(format, args...) + "\n")
}

// childWait blocks until the parent sends a line (the start signal).
func childWait(t *testing.T) string {
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		childSay("error stdin %q", err.Error())
		t.Fatalf("waiting for the parent: %v", err)
	}
	return strings.TrimSpace(line)
}
