package store

import (
	"os"
	"path/filepath"
	"regexp"
)

// Working files Galley makes beside a library or its backups, and only
// those, are swept when a run was killed before it could remove its own:
// each is claimed (an advisory lock) by the process writing it, so a file
// still claimed belongs to a live run and stays. The patterns match
// Galley's own names exactly; nothing else in the folder is touched.

// tempFile makes a new, empty, claimed working file in dir, named from
// prefix followed by a random part and suffix. Close it to give up the
// claim.
func tempFile(dir, prefix, suffix string) (*os.File, error) {
	for {
		f, err := os.CreateTemp(dir, prefix+"*"+suffix)
		if err != nil {
			return nil, err
		}
		if err := claim(f); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
		// Another program's sweep may have found the file in the moment
		// before it was claimed, and removed it: then make another.
		mine, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if now, err := os.Stat(f.Name()); err == nil && os.SameFile(mine, now) {
			return f, nil
		}
		f.Close()
	}
}

// tempPattern matches the names tempFile makes from prefix and suffix.
func tempPattern(prefix, suffix string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `[0-9]+` + regexp.QuoteMeta(suffix) + `$`)
}

// sweep removes the files in dir whose names match pattern and that no
// live process claims, with their SQLite side files. It returns the names
// removed.
func sweep(dir string, pattern *regexp.Regexp) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var gone []string
	for _, e := range entries {
		if !pattern.MatchString(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if !abandoned(path) {
			continue
		}
		if os.Remove(path) == nil {
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
			os.Remove(path + "-journal")
			gone = append(gone, e.Name())
		}
	}
	return gone
}
