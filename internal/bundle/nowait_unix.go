//go:build unix

package bundle

import "syscall"

// openNoWait is the open flag that keeps opening a FIFO from waiting for
// a writer; it changes nothing for the regular files a bundle holds.
const openNoWait = syscall.O_NONBLOCK
