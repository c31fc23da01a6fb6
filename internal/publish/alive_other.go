//go:build !unix

package publish

// processGone cannot tell here; a stopped publish's lock then waits out
// lockStale.
func processGone(pid int) bool { return false }
