package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"app.galley/galley/internal/galley"
)

// The manifest is the hidden file in which an exported site remembers
// which library made it and, for each of its files, the fingerprint of
// what the file was made from and the size and checksum of the bytes
// written. The next export compares fingerprints to skip unchanged pages
// entirely, and checksums to be sure the file it keeps still holds those
// bytes. It lives beside the site folder (see manifestPath), not in it, so
// that a web server serving the folder, or rsync copying it, never
// carries Galley's bookkeeping; manifestName is where exports before that
// kept it, inside the site, still read.
const manifestName = ".galley-site.json"

// siteFormat names the manifest's format. Manifests of siteFormatV1
// record fingerprints only; their files are made again and compared byte
// for byte, once, before they are kept.
const (
	siteFormat   = "galley.site/2"
	siteFormatV1 = "galley.site/1"
)

type manifest struct {
	Format string `json:"format"`
	Kind   string `json:"kind"` // "site", "pieces" or "fragments"
	// Library is the identity of the library exported (see
	// Options.Library), LibraryName where it was; both empty in
	// manifests older than them.
	Library     string                `json:"library,omitempty"`
	LibraryName string                `json:"library_name,omitempty"`
	Files       map[string]fileRecord `json:"files"` // by path in the site
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
	owner  siteOwner
	old    manifest
	// alt is the manifest an export wrote just before swapping its site
	// in, when it was stopped before putting it in old's place: the
	// folder holds the files of one or the other (see commit).
	alt    map[string]fileRecord
	hadOld bool
	files  map[string]fileRecord // the new manifest
	dirs   map[string]bool       // folders of the new site made so far

	mu                 sync.Mutex // guards files, damaged and the counts: photos are put from several goroutines
	written, unchanged int
	fresh              []string // files written (not linked) in this export
	damaged            []string // files the previous export made that no longer hold what it wrote
}

// siteOwner is the library an export is made from, and whether the
// editor asked to replace what the folder holds (Options.Replace).
type siteOwner struct {
	id, name string
	replace  bool
}

// openTree prepares an export of the given kind to target. An existing
// target must be empty or an export Galley made; anything else is
// refused, so no file of the editor's is ever replaced. An export of
// another kind (so that exporting one piece never wipes a whole site) or
// of another library is refused unless the owner says replace. The tree
// must be closed.
func openTree(target, kind string, owner siteOwner) (*tree, error) {
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, err
	}
	t := &tree{target: abs, kind: kind, owner: owner, files: map[string]fileRecord{}, dirs: map[string]bool{}}
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
	if t.tmp, err = mkdirStaging(t.target); err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot write in %s: %v.", filepath.Dir(t.target), pathErr(err))
	}
	return nil
}

// mkdirStaging makes a new staging folder for an export to target with
// the mode the user's umask gives any new folder (0755 under umask 022):
// it becomes the site folder, and os.MkdirTemp's 0700 would have a web
// server running as another user refuse the whole site, and rsync -a
// carry that refusal to the server.
func mkdirStaging(target string) (string, error) {
	for {
		dir := filepath.Join(filepath.Dir(target), stagingPrefix(target)+strconv.FormatUint(uint64(rand.Uint32()), 10))
		err := os.Mkdir(dir, 0o777)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return dir, err
	}
}

// readManifest reads the manifest file at path.
func readManifest(path string) (manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return manifest{}, err
	}
	return decodeManifest(data)
}

func (t *tree) loadManifest() error {
	entries, err := os.ReadDir(t.target)
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot export to %s: %v.", t.target, pathErr(err))
	}
	if len(entries) == 0 {
		return nil
	}
	// The manifest beside the folder; the one an export stopped before
	// putting it there left; the one inside, of older exports.
	old, err := readManifest(manifestPath(t.target))
	if errors.Is(err, fs.ErrPermission) {
		// Another editor's record, which this user may not read: say so,
		// rather than that Galley never exported here.
		return galley.Errorf(galley.EInvalid, "Cannot export to %s: Galley's record of the site there, %s, cannot be read by this user (%v); ask its owner to let your group read it, or export to another folder.", t.target, manifestPath(t.target), pathErr(err))
	}
	next, nextErr := readManifest(nextManifestPath(t.target))
	switch {
	case err == nil && nextErr == nil:
		t.alt = next.Files
	case err != nil && nextErr == nil:
		old, err = next, nil
	case err != nil:
		old, err = readManifest(filepath.Join(t.target, manifestName))
	}
	if err != nil {
		return galley.Errorf(galley.EInvalid, "The folder %s is not empty and holds no site Galley exported; choose an empty or new folder so nothing in it is replaced.", t.target)
	}
	t.old = old
	if t.old.Kind != t.kind && !t.owner.replace {
		return replaceErrorf("The folder %s holds an export of %s; export %s to another folder so it is not replaced, or replace it (--replace).", t.target, kindName(t.old.Kind), kindName(t.kind))
	}
	if t.old.Library != "" && t.owner.id != "" && t.old.Library != t.owner.id && !t.owner.replace {
		from := ""
		if t.old.LibraryName != "" {
			from = " (" + t.old.LibraryName + ")"
		}
		return replaceErrorf("The folder %s holds the site of another library%s; nothing was changed. Export this library to another folder, or replace that site (--replace).", t.target, from)
	}
	// Only files the previous export made may be replaced.
	err = filepath.WalkDir(t.target, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(t.target, p)
		rel = filepath.ToSlash(rel)
		_, ours := t.old.Files[rel]
		_, alt := t.alt[rel]
		if !ours && !alt && rel != manifestName {
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
		Format      string          `json:"format"`
		Kind        string          `json:"kind"`
		Library     string          `json:"library"`
		LibraryName string          `json:"library_name"`
		Files       json.RawMessage `json:"files"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return manifest{}, err
	}
	m := manifest{Format: head.Format, Kind: head.Kind, Library: head.Library, LibraryName: head.LibraryName}
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
	old := filepath.Join(t.target, filepath.FromSlash(path))
	rec, ok := t.old.Files[path], false
	for _, r := range t.records(path) {
		if r.From == fingerprint && r.Size >= 0 && holds(old, r) {
			rec, ok = r, true
			break
		}
	}
	if !ok {
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
	if len(t.records(path)) > 0 {
		old := filepath.Join(t.target, filepath.FromSlash(path))
		if prev, err := os.ReadFile(old); err == nil && bytes.Equal(prev, data) {
			if err := linkOrCopy(old, dst); err == nil {
				t.record(path, rec, &t.unchanged, "")
				return nil
			}
		}
	}
	// 0666 less the user's umask, as any program's new file.
	if err := os.WriteFile(dst, data, 0o666); err != nil {
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
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	t.mu.Lock()
	t.dirs[dir] = true
	t.mu.Unlock()
	return nil
}

// unchangedInput reports whether the previous export made path from the
// same fingerprint and recorded its checksum, so put will link it without
// making it if the file still holds those bytes.
func (t *tree) unchangedInput(path, fingerprint string) bool {
	for _, rec := range t.records(path) {
		if rec.From == fingerprint && fingerprint != "" && rec.Size >= 0 {
			return true
		}
	}
	return false
}

// records is what the previous export's manifests say of path: the file
// there holds one of them, or neither if it was changed since.
func (t *tree) records(path string) []fileRecord {
	var recs []fileRecord
	if rec, ok := t.old.Files[path]; ok {
		recs = append(recs, rec)
	}
	if rec, ok := t.alt[path]; ok {
		recs = append(recs, rec)
	}
	return recs
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
//
// The new manifest is written beside the folder under its next name
// first, the site swapped in, and the manifest then renamed into place:
// stopped at any point, the folder holds the site one of the two
// manifests describes, and the next export reads both (loadManifest).
func (t *tree) commit() (removed int, err error) {
	pages, gone := 0, 0
	for p := range t.old.Files {
		if _, kept := t.files[p]; !kept {
			removed++
			if strings.HasSuffix(p, ".html") {
				gone++
			}
		}
		if strings.HasSuffix(p, ".html") {
			pages++
		}
	}
	if t.kind == "site" && gone > 0 && 2*gone > pages && !t.owner.replace {
		// Most of a published site vanishing is far likelier a
		// mistake (the wrong library, a filter left on) than meant.
		// Chosen pieces and fragments are a new choice each time.
		return 0, replaceErrorf("This export would remove %d of the %d pages of the site in %s; nothing was changed. If that is meant, export again replacing the site (--replace).", gone, pages, t.target)
	}
	m := manifest{Format: siteFormat, Kind: t.kind, Library: t.owner.id, LibraryName: t.owner.name, Files: t.files}
	data, err := json.Marshal(m)
	if err != nil {
		return 0, err
	}
	next := nextManifestPath(t.target)
	// Galley's bookkeeping, beside the site: the editor's and their
	// group's (a team sharing the folder by group keeps it writable with
	// umask 002), never every user's. A web server serving the folder
	// above the site (a site in /var/www/html/news) answers 403 for it,
	// not the library's path.
	if err := os.WriteFile(next, data, 0o660); err != nil {
		return 0, err
	}
	// Everything must be on disk before the new site takes the place of
	// the old one, or a power cut could leave empty pages behind.
	if err := fsync(next); err != nil {
		return 0, err
	}
	if err := t.sync(); err != nil {
		return 0, err
	}
	if fi, err := os.Stat(t.target); err == nil {
		// The folder keeps its mode and, where this user may set it,
		// its owner: a web server's access to it is the editor's
		// business, not the export's.
		keepModeAndOwner(t.tmp, fi)
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
	} else {
		if err := swapDirs(t.tmp, t.target); err != nil {
			return 0, err
		}
		// t.tmp now holds the previous site; failing to delete it loses
		// nothing.
		removeTree(t.tmp)
		t.tmp = ""
	}
	if err := os.Rename(next, manifestPath(t.target)); err != nil {
		return removed, nil // the next export reads it under its next name
	}
	fsync(filepath.Dir(t.target))
	return removed, nil
}

// ReplaceError is the refusal of an export that would replace a site
// which is not, or no longer, this library's: the folder holds another
// library's export or one of another kind, or the export would remove
// most of its pages. Options.Replace lets it go ahead; the desk asks.
type ReplaceError struct{ err *galley.Error }

func replaceErrorf(format string, args ...any) *ReplaceError {
	return &ReplaceError{galley.Errorf(galley.EConflict, format, args...)}
}

// Error returns the message meant for people.
func (e *ReplaceError) Error() string { return e.err.Message }

// Unwrap gives the coded error, for galley.ErrorCode and ErrorMessage.
func (e *ReplaceError) Unwrap() error { return e.err }

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
	for _, f := range t.fresh {
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
