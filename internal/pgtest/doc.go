// Package pgtest runs a real, throwaway PostgreSQL server for tests: a
// cluster made with initdb in a temporary folder, listening only on a unix
// socket in that folder, run as the user nobody when the tests run as root
// (postgres refuses root), and removed when the test ends. The server dies
// with the test binary even when the binary is killed: the postmaster gets
// SIGQUIT from the kernel when its parent dies, and a small watchdog
// removes the folder once the server is gone.
//
// It needs Debian's postgresql packages (scripts/install-deps.sh test
// installs them) and Linux. See docs/pgtest.md.
package pgtest
