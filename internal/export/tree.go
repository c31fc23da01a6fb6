package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"app.galley/galley/internal/galley"
)

// manifestName is the hidden file in which an exported site remembers, for
// each of its files, the fingerprint of what the file was made from. The
// next export compares fingerprints to skip unchanged pages entirely.
const manifestName = ".galley-site.json"

// siteFormat names the manifest's format.
const siteFormat = "galley.site/1"

type manifest struct {
	Format string            `json:"format"`
	Kind   string            `json:"kind"`  // "site", "pieces" or "fragments"
	Files  map[string]string `json:"files"` // path → fingerprint
}

// tree builds an export in a hidden folder beside its destination and
// swaps it in when complete, so a failed or interrupted export never leaves
// a half-written site. Files whose inputs (fingerprint) or bytes are the
// same as in the previous export are hard-linked from it, not rewritten.
type tree struct {
	kind   string // what is exported: see manifest.Kind
	target string // the destination folder
	tmp    string // where the new site is built
	old    manifest
	hadOld bool
	files  map[string]string // the new manifest
	dirs   map[string]bool   // folders of the new site made so far

	mu                 sync.Mutex // guards files and the counts: photos are put from several goroutines
	written, unchanged int
	fresh              []string // files written (not linked) in this export
}

// openTree prepares an export of the given kind to target. An existing
// target must be empty or an export of the same kind Galley made; anything
// else is refused, so no file of the editor's is ever replaced, and
// exporting one piece never wipes a whole site.
func openTree(target, kind string) (*tree, error) {
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, err
	}
	t := &tree{target: abs, kind: kind, files: map[string]string{}, dirs: map[string]bool{}}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, galley.Errorf(galley.EInvalid, "Cannot export to %s: %v.", abs, pathErr(err))
	case !fi.IsDir():
		return nil, galley.Errorf(galley.EInvalid, "Cannot export to %s: it is a file, not a folder.", abs)
	default:
		if err := t.loadManifest(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, galley.Errorf(galley.EInvalid, "Cannot create the folder for %s: %v.", abs, pathErr(err))
	}
	if t.tmp, err = os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".galley-*"); err != nil {
		return nil, galley.Errorf(galley.EInvalid, "Cannot write in %s: %v.", filepath.Dir(abs), pathErr(err))
	}
	return t, nil
}

func (t *tree) loadManifest() error {
	entries, err := os.ReadDir(t.target)
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot export to %s: %v.", t.target, pathErr(err))
	}
	if len(entries) == 0 {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(t.target, manifestName))
	if err == nil {
		err = json.Unmarshal(data, &t.old)
	}
	if err != nil || t.old.Format != siteFormat {
		return galley.Errorf(galley.EInvalid, "The folder %s is not empty and holds no site Galley exported; choose an empty or new folder so nothing in it is replaced.", t.target)
	}
	if t.old.Kind != t.kind {
		return galley.Errorf(galley.EInvalid, "The folder %s holds an export of %s; export %s to another folder so it is not replaced.", t.target, kindName(t.old.Kind), kindName(t.kind))
	}
	// Only files the previous export made may be replaced.
	err = filepath.WalkDir(t.target, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(t.target, p)
		rel = filepath.ToSlash(rel)
		if _, ours := t.old.Files[rel]; !ours && rel != manifestName {
			return galley.Errorf(galley.EInvalid, "The folder %s holds %s, which Galley did not export; move it elsewhere or choose another folder so it is not lost.", t.target, rel)
		}
		return nil
	})
	if err != nil {
		return err
	}
	t.hadOld = true
	return nil
}

// put adds the file at path (slash-separated, inside the site). When the
// previous export made it from the same fingerprint, it is linked from
// there and produce is not called. Otherwise produce makes its bytes,
// which are still linked from the previous export if they are the same.
func (t *tree) put(path, fingerprint string, produce func() ([]byte, error)) error {
	if !filepath.IsLocal(path) || strings.Contains(path, `\`) {
		// Paths are built from checked slugs and hashes; this is the
		// last guard that nothing is written outside the site.
		return fmt.Errorf("export: refusing to write %q outside the site folder", path)
	}
	t.mu.Lock()
	_, dup := t.files[path]
	t.files[path] = fingerprint
	t.mu.Unlock()
	if dup {
		return fmt.Errorf("export: %s would be written twice", path)
	}
	dst := filepath.Join(t.tmp, filepath.FromSlash(path))
	if err := t.mkdir(filepath.Dir(dst)); err != nil {
		return err
	}
	old := filepath.Join(t.target, filepath.FromSlash(path))
	if fp, ok := t.old.Files[path]; ok && fp == fingerprint && fingerprint != "" {
		if err := linkOrCopy(old, dst); err == nil {
			t.count(&t.unchanged)
			return nil
		}
	}
	data, err := produce()
	if err != nil {
		return err
	}
	if _, ok := t.old.Files[path]; ok {
		if prev, err := os.ReadFile(old); err == nil && bytes.Equal(prev, data) {
			if err := linkOrCopy(old, dst); err == nil {
				t.count(&t.unchanged)
				return nil
			}
		}
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return err
	}
	t.mu.Lock()
	t.written++
	t.fresh = append(t.fresh, dst)
	t.mu.Unlock()
	return nil
}

// mkdir makes a folder of the new site once, not once per file in it.
func (t *tree) mkdir(dir string) error {
	t.mu.Lock()
	done := t.dirs[dir]
	t.mu.Unlock()
	if done {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	t.mu.Lock()
	t.dirs[dir] = true
	t.mu.Unlock()
	return nil
}

func (t *tree) count(n *int) {
	t.mu.Lock()
	*n++
	t.mu.Unlock()
}

// unchangedInput reports whether the previous export made path from the
// same fingerprint, so put will link it without making it.
func (t *tree) unchangedInput(path, fingerprint string) bool {
	fp, ok := t.old.Files[path]
	return ok && fp == fingerprint && fingerprint != ""
}

// linkOrCopy hard-links src to dst, or copies it where links are not
// possible (some removable drives).
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// commit writes the manifest and swaps the new site in. It returns the
// number of files the previous export had that this one does not.
func (t *tree) commit() (removed int, err error) {
	m := manifest{Format: siteFormat, Kind: t.kind, Files: t.files}
	data, err := json.Marshal(m)
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(t.tmp, manifestName), data, 0o644); err != nil {
		return 0, err
	}
	for p := range t.old.Files {
		if _, kept := t.files[p]; !kept {
			removed++
		}
	}
	// Everything must be on disk before the new site takes the place of
	// the old one, or a power cut could leave empty pages behind.
	if err := t.sync(); err != nil {
		return 0, err
	}
	if !t.hadOld {
		if _, err := os.Stat(t.target); err == nil {
			// An empty folder was there: take its place.
			if err := os.Remove(t.target); err != nil {
				return 0, err
			}
		}
		if err := os.Rename(t.tmp, t.target); err != nil {
			return 0, err
		}
		t.tmp = ""
		return removed, nil
	}
	if err := swapDirs(t.tmp, t.target); err != nil {
		return 0, err
	}
	// t.tmp now holds the previous site; failing to delete it loses nothing.
	removeTree(t.tmp)
	t.tmp = ""
	return removed, nil
}

// removeTree deletes a folder, its subfolders side by side: a site has
// thousands of files and removing them is most of a small re-export.
func removeTree(dir string) {
	entries, _ := os.ReadDir(dir)
	var wg sync.WaitGroup
	for _, e := range entries {
		if e.IsDir() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}()
		}
	}
	wg.Wait()
	os.RemoveAll(dir)
}

// sync flushes the new site to disk. Linked files are on disk already; a
// few written files are flushed one by one with their folders, many at
// once with the whole file system (one syncfs beats thousands of fsyncs,
// but it also waits for other programs' unwritten data).
func (t *tree) sync() error {
	if len(t.fresh) > 256 {
		return syncTree(t.tmp)
	}
	for _, f := range append(t.fresh, filepath.Join(t.tmp, manifestName)) {
		if err := fsync(f); err != nil {
			return err
		}
	}
	for d := range t.dirs {
		if err := fsync(d); err != nil {
			return err
		}
	}
	return fsync(t.tmp)
}

func fsync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func kindName(kind string) string {
	switch kind {
	case "pieces":
		return "chosen pieces"
	case "fragments":
		return "article fragments"
	}
	return "the whole site"
}

// abort discards the unfinished site.
func (t *tree) abort() {
	if t.tmp != "" {
		os.RemoveAll(t.tmp)
		t.tmp = ""
	}
}

// paths returns the site's files in order (for tests and reports).
func (t *tree) paths() []string {
	ps := make([]string, 0, len(t.files))
	for p := range t.files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
