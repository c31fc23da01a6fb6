package corpus

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

var cacheMu sync.Mutex

// Cached returns the path of a generated artefact named name in dir,
// making it with make when it is missing. make writes to a temporary path
// that is renamed into place, so an interrupted generation is never taken
// for a finished one. Names carry the size and the format version; a
// changed generator needs a new name (or an emptied dir).
func Cached(dir, name string, make func(path string) error) (string, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp := path + ".tmp"
	os.RemoveAll(tmp)
	if err := make(tmp); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// CachedLibrary returns a generated library of n pieces in dir, for the
// store schema version given, generating it (a few minutes at 100,000)
// when it is missing.
func CachedLibrary(ctx context.Context, dir string, n, schema int) (string, error) {
	return Cached(dir, fmt.Sprintf("library-%d-schema%d.galley", n, schema), func(p string) error {
		return WriteLibrary(ctx, p, n, 1)
	})
}
