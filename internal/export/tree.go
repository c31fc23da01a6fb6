package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
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
// each of its files, the fingerprint of what the file was made from and
// the size and checksum of the bytes written. The next export compares
// fingerprints to skip unchanged pages entirely, and checksums to be sure
// the file it keeps still holds those bytes.
const manifestName = ".galley-site.json"

// siteFormat names the manifest's format. Manifests of siteFormatV1
// record fingerprints only; their files are made again and compared byte
// for byte, once, before they are kept.
const (
	siteFormat   = "galley.site/2"
	siteFormatV1 = "galley.site/1"
)

type manifest struct {
	Format string                `json:"format"`
	Kind   string                `json:"kind"`  // "site", "pieces" or "fragments"
	Files  map[string]fileRecord `json:"files"` // by path in the site
}

// fileRecord is what the manifest knows of one file of the site: what it
// was made from, and the size and CRC-32C of the bytes written. CRC-32C
// (computed by the processor on amd64 and arm64) catches any truncation,
// zeroing or edit at a fraction of the cost of reading the file; it is
// not meant to resist someone forging a page.
type fileRecord struct {
	From string `json:"from"`
	Size int64  `json:"size"` // -1: unknown (a siteFormatV1 manifest)
	CRC  uint32 `json:"crc32c"`
}

// castagnoli is the CRC-32C table, which hash/crc32 computes with the
// processor's CRC instructions.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func recordOf(fingerprint string, data []byte) fileRecord {
	return fileRecord{From: fingerprint, Size: int64(len(data)), CRC: crc32.Checksum(data, castagnoli)}
}

// tree builds an export in a hidden folder beside its destination and
// swaps it in when complete, so a failed or interrupted export never leaves
// a half-written site. Files whose inputs (fingerprint) or bytes are the
// same as in the previous export, and which still hold what that export
// wrote, are hard-linked from it, not rewritten.
//
// The whole export holds a lock beside the destination (see lockTarget):
// a second export into the same folder is refused while one runs, and the
// staging folders of exports that were killed are cleared under it.
type tree struct {
	kind   string // what is exported: see manifest.Kind
	target string // the destination folder
	tmp    string // where the new site is built
	lock   *exportLock
	old    manifest
	hadOld bool
	files  map[string]fileRecord // the new manifest
	dirs   map[string]bool       // folders of the new site made so far

	mu                 sync.Mutex // guards files, damaged and the counts: photos are put from several goroutines
	written, unchanged int
	fresh              []string // files written (not linked) in this export
	damaged            []string // files the previous export made that no longer hold what it wrote
}

// openTree prepares an export of the given kind to target. An existing
// target must be empty or an export of the same kind Galley made; anything
// else is refused, so no file of the editor's is ever replaced, and
// exporting one piece never wipes a whole site. The tree must be closed.
func openTree(target, kind string) (*tree, error) {
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, err
	}
	t := &tree{target: abs, kind: kind, files: map[string]fileRecord{}, dirs: map[string]bool{}}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return nil, galley.Errorf(galley.EInvalid, "Cannot export to %s: it is a file, not a folder.", abs)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, galley.Errorf(galley.EInvalid, "Cannot create the folder for %s: %v.", abs, pathErr(err))
	}
	if t.lock, err = lockTarget(abs); err != nil {
		return nil, err
	}
	if err := t.open(); err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

// open reads the previous export and makes the staging folder; the lock
// is held, so no other export is changing either.
func (t *tree) open() error {
	if t.lock.held() {
		sweepLeftovers(t.target)
	}
	fi, err := os.Stat(t.target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return galley.Errorf(galley.EInvalid, "Cannot export to %s: %v.", t.target, pathErr(err))
	case !fi.IsDir():
		return galley.Errorf(galley.EInvalid, "Cannot export to %s: it is a file, not a folder.", t.target)
	default:
		if err := t.loadManifest(); err != nil {
			return err
		}
	}
	if t.tmp, err = os.MkdirTemp(filepath.Dir(t.target), stagingPrefix(t.target)+"*"); err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot write in %s: %v.", filepath.Dir(t.target), pathErr(err))
	}
	return nil
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
		t.old, err = decodeManifest(data)
	}
	if err != nil {
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

// decodeManifest reads a manifest of either format.
func decodeManifest(data []byte) (manifest, error) {
	var head struct {
		Format string          `json:"format"`
		Kind   string          `json:"kind"`
		Files  json.RawMessage `json:"files"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return manifest{}, err
	}
	m := manifest{Format: head.Format, Kind: head.Kind}
	switch head.Format {
	case siteFormat:
		if err := json.Unmarshal(head.Files, &m.Files); err != nil {
			return manifest{}, err
		}
	case siteFormatV1:
		var fps map[string]string
		if err := json.Unmarshal(head.Files, &fps); err != nil {
			return manifest{}, err
		}
		m.Files = make(map[string]fileRecord, len(fps))
		for p, fp := range fps {
			m.Files[p] = fileRecord{From: fp, Size: -1}
		}
	default:
		return manifest{}, fmt.Errorf("unknown site format %q", head.Format)
	}
	return m, nil
}

// put adds the file at path (slash-separated, inside the site). When the
// previous export made it from the same fingerprint and it still holds
// what that export wrote, it is linked from there and produce is not
// called. Otherwise produce makes its bytes, which are still linked from
// the previous export if they are the same.
func (t *tree) put(path, fingerprint string, produce func() ([]byte, error)) error {
	kept, err := t.reuse(path, fingerprint)
	if err != nil || kept {
		return err
	}
	return t.make(path, fingerprint, produce)
}

// reuse claims path for the new site and links it from the previous
// export when put would without making it (see unchangedInput), after
// checking that the file still has the size and checksum that export
// recorded. A file changed since (edited, emptied, truncated or removed
// by hand or by a failing disk) is not kept: it is listed as damaged and
// the caller makes it.
func (t *tree) reuse(path, fingerprint string) (bool, error) {
	if !filepath.IsLocal(path) || strings.Contains(path, `\`) {
		// Paths are built from checked slugs and hashes; this is the
		// last guard that nothing is written outside the site.
		return false, fmt.Errorf("export: refusing to write %q outside the site folder", path)
	}
	t.mu.Lock()
	_, dup := t.files[path]
	t.files[path] = fileRecord{From: fingerprint, Size: -1}
	t.mu.Unlock()
	if dup {
		return false, fmt.Errorf("export: %s would be written twice", path)
	}
	dst := filepath.Join(t.tmp, filepath.FromSlash(path))
	if err := t.mkdir(filepath.Dir(dst)); err != nil {
		return false, err
	}
	if !t.unchangedInput(path, fingerprint) {
		return false, nil
	}
	rec := t.old.Files[path]
	old := filepath.Join(t.target, filepath.FromSlash(path))
	if !holds(old, rec) {
		t.mu.Lock()
		t.damaged = append(t.damaged, path)
		t.mu.Unlock()
		return false, nil
	}
	if err := linkOrCopy(old, dst); err != nil {
		return false, nil
	}
	t.record(path, rec, &t.unchanged, "")
	return true, nil
}

// make writes the file at path, claimed by reuse, with the bytes produce
// makes, or links it from the previous export when that holds the same
// bytes.
func (t *tree) make(path, fingerprint string, produce func() ([]byte, error)) error {
	data, err := produce()
	if err != nil {
		return err
	}
	rec := recordOf(fingerprint, data)
	dst := filepath.Join(t.tmp, filepath.FromSlash(path))
	if _, ok := t.old.Files[path]; ok {
		old := filepath.Join(t.target, filepath.FromSlash(path))
		if prev, err := os.ReadFile(old); err == nil && bytes.Equal(prev, data) {
			if err := linkOrCopy(old, dst); err == nil {
				t.record(path, rec, &t.unchanged, "")
				return nil
			}
		}
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return err
	}
	t.record(path, rec, &t.written, dst)
	return nil
}

// record notes what the new site holds at path, counts it, and remembers
// a freshly written file for sync.
func (t *tree) record(path string, rec fileRecord, count *int, fresh string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.files[path] = rec
	*count++
	if fresh != "" {
		t.fresh = append(t.fresh, fresh)
	}
}

// checkBufs are the buffers holds reads files through.
var checkBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// damagedNote tells the editor which files of the previous export had
// been changed since it was made (and so were made again), or "".
func (t *tree) damagedNote() string {
	if len(t.damaged) == 0 {
		return ""
	}
	sort.Strings(t.damaged)
	list := t.damaged
	more := ""
	if len(list) > 5 {
		list, more = list[:5], fmt.Sprintf(" and %d more", len(list)-5)
	}
	what := "1 file"
	if len(t.damaged) > 1 {
		what = fmt.Sprintf("%d files", len(t.damaged))
	}
	return fmt.Sprintf("%s of the previous export in %s had been changed or removed since it was made, and made again: %s%s.", what, t.target, strings.Join(list, ", "), more)
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
// same fingerprint and recorded its checksum, so put will link it without
// making it if the file still holds those bytes.
func (t *tree) unchangedInput(path, fingerprint string) bool {
	rec, ok := t.old.Files[path]
	return ok && rec.From == fingerprint && fingerprint != "" && rec.Size >= 0
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

// close discards the site if it was not committed and lets the next
// export into the folder begin.
func (t *tree) close() {
	t.abort()
	t.lock.release()
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

// pathErr is the system's reason without the path and operation, for
// sentences that name the path themselves.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
