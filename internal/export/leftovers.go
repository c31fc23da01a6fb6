package export

import (
	"os"
	"path/filepath"
	"strings"
)

// stagingPrefix begins the names of the hidden folders, beside target,
// that exports to target are built in: ".site.galley-" for a site
// exported to "site". mkdirStaging ends each with a random number.
func stagingPrefix(target string) string {
	return "." + filepath.Base(target) + ".galley-"
}

// lockPath is the file beside target that an export to it holds locked
// from start to end: ".site.galley-lock" for "site".
func lockPath(target string) string {
	return filepath.Join(filepath.Dir(target), stagingPrefix(target)+"lock")
}

// manifestPath is the file beside target in which the site there is
// described: ".site.galley-site.json" for "site".
func manifestPath(target string) string {
	return filepath.Join(filepath.Dir(target), stagingPrefix(target)+"site.json")
}

// nextManifestPath is where an export writes its manifest before its site
// is swapped in: ".site.galley-site.next.json" for "site".
func nextManifestPath(target string) string {
	return filepath.Join(filepath.Dir(target), stagingPrefix(target)+"site.next.json")
}

// isStaging reports whether name is exactly the name of a staging folder
// of an export to target: the prefix and digits, nothing else, so a
// folder of the editor's such as ".site.galley-notes" never matches.
func isStaging(name, target string) bool {
	rest, ok := strings.CutPrefix(name, stagingPrefix(target))
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// sweepLeftovers removes the staging folders of exports to target that
// were killed before they could remove them. It runs only while the
// export lock on target is held, so the folder of an export still running
// is never among them. Failing to remove one loses nothing; it is tried
// again next time.
func sweepLeftovers(target string) {
	dir := filepath.Dir(target)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		// Galley makes these as folders; a file or link of that name is
		// not one of them.
		if e.Type().IsDir() && isStaging(e.Name(), target) {
			removeTree(filepath.Join(dir, e.Name()))
		}
	}
}
