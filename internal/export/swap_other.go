//go:build !linux

package export

// swapDirs exchanges two folders by renames (swapByRenames: three of
// them), where the system has no atomic exchange.
func swapDirs(a, b string) error { return swapByRenames(a, b) }

// syncTree is a no-op where there is no syncfs; rename still keeps
// readers from seeing a half-built site.
func syncTree(dir string) error { return nil }
