//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package store

import "os"

// claim is a no-op where the system has no flock: leftovers are then
// never swept (see abandoned).
func claim(f *os.File) error { return nil }

// abandoned cannot tell a live run's file from a dead one's here, so it
// keeps every file: nothing in use is ever removed.
func abandoned(path string) bool { return false }
