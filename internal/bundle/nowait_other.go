//go:build !unix

package bundle

// openNoWait is no flag where opening a file cannot wait on a FIFO.
const openNoWait = 0
