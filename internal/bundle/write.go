package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

// ImageSource returns the bytes of a stored image, found by content hash.
type ImageSource func(hash string) ([]byte, error)

// Writer writes a bundle piece by piece into a hidden temporary folder
// beside the destination and moves it into place on Commit, so readers
// never see half a bundle and a failed export leaves nothing behind.
type Writer struct {
	out    string // destination folder or .zip file
	asZip  bool
	perm   fs.FileMode // of the files written; folders get the matching search bits
	tmp    string      // temporary bundle folder
	lock   io.Closer   // held while the temporary files exist (see lockFolder)
	index  *os.File
	pieces int
	files  map[string]bool // image files already written
}

// Create starts a bundle at out, as CreateMode does, readable by its owner
// only: a bundle holds drafts, so it is kept private unless the caller says
// otherwise.
func Create(out string) (*Writer, error) {
	return CreateMode(out, 0o600)
}

// CreateMode starts a bundle at out: a folder, or a .zip file when out ends
// in .zip. Its files get the permission bits perm (an export passes the
// library file's, so drafts are no more readable in the bundle than in the
// library) and its folders the same with the search bits added. An existing
// destination is replaced on Commit only if it is a previous bundle (or an
// empty folder), so an export never wipes unrelated files.
//
// Temporary files an earlier export left beside out when it was killed
// are removed first (only Galley's own names, and only when no other
// export is writing there).
func CreateMode(out string, perm fs.FileMode) (*Writer, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	w := &Writer{out: abs, asZip: strings.EqualFold(filepath.Ext(abs), ".zip"), perm: perm.Perm() | 0o600, files: map[string]bool{}}
	if err := w.checkDestination(); err != nil {
		return nil, err
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, galley.Errorf(galley.EInvalid, "Cannot create the folder for %s: %v.", abs, unwrapPathError(err))
	}
	w.lock = lockFolder(parent, removeLeftovers)
	if w.tmp, err = os.MkdirTemp(parent, tempPrefix+"*"); err != nil {
		w.Abort()
		return nil, galley.Errorf(galley.EInvalid, "Cannot write in %s: %v.", parent, unwrapPathError(err))
	}
	if err := os.Chmod(w.tmp, w.dirPerm()); err != nil {
		w.Abort()
		return nil, err
	}
	if w.index, err = os.OpenFile(filepath.Join(w.tmp, IndexName), os.O_WRONLY|os.O_CREATE|os.O_EXCL, w.perm); err != nil {
		w.Abort()
		return nil, err
	}
	if _, err := fmt.Fprintf(w.index, "{\n  \"format\": %q,\n  \"pieces\": [", Format); err != nil {
		w.Abort()
		return nil, err
	}
	return w, nil
}

func (w *Writer) checkDestination() error {
	fi, err := os.Stat(w.out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot export to %s: %v.", w.out, unwrapPathError(err))
	}
	if w.asZip {
		if fi.IsDir() {
			return galley.Errorf(galley.EInvalid, "Cannot export to %s: it is a folder.", w.out)
		}
		if !isBundleZip(w.out) {
			return galley.Errorf(galley.EInvalid, "%s already exists and is not a Galley bundle; choose another name so it is not replaced.", w.out)
		}
		return nil
	}
	if !fi.IsDir() {
		return galley.Errorf(galley.EInvalid, "Cannot export to %s: it is a file, not a folder.", w.out)
	}
	if foreign, err := foreignEntry(w.out); err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot export to %s: %v.", w.out, unwrapPathError(err))
	} else if foreign != "" {
		return galley.Errorf(galley.EInvalid, "The folder %s holds %s, which is not part of a Galley bundle; choose an empty or new folder so nothing in it is replaced.", w.out, foreign)
	}
	return nil
}

// photoName matches the image files a Writer names.
var photoName = regexp.MustCompile(`^[0-9a-f]{16}\.(jpg|png|webp)$`)

// foreignEntry returns the first entry of an existing folder that a Galley
// export did not write, or "" when the folder is empty or a bundle Galley
// exported (a Galley pieces.json and photos/ with hash-named images only).
// Replacing such a folder loses nothing the library does not hold.
func foreignEntry(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		switch {
		case e.Name() == IndexName && e.Type().IsRegular():
			f, err := os.Open(filepath.Join(dir, IndexName))
			if err != nil {
				return "", err
			}
			ok := isBundleIndex(f)
			f.Close()
			if !ok {
				return IndexName + " (not one Galley wrote)", nil
			}
		case e.Name() == "photos" && e.IsDir():
			photos, err := os.ReadDir(filepath.Join(dir, "photos"))
			if err != nil {
				return "", err
			}
			for _, ph := range photos {
				if !photoName.MatchString(ph.Name()) || !ph.Type().IsRegular() {
					return "photos/" + ph.Name(), nil
				}
			}
		default:
			return e.Name(), nil
		}
	}
	return "", nil
}

// isBundleIndex reports whether r starts like a Galley bundle index:
// an object whose "format" is this format. Galley writes that key first,
// so only the start of the file is read.
func isBundleIndex(r io.Reader) bool {
	dec := json.NewDecoder(io.LimitReader(r, 4096))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	key, err := dec.Token()
	if err != nil || key != "format" {
		return false
	}
	var format string
	return dec.Decode(&format) == nil && format == Format
}

// isBundleZip reports whether the zip file at path holds a Galley bundle.
func isBundleZip(path string) bool {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return false
	}
	defer zr.Close()
	f, err := zr.Open(zipPath(zipRoot(&zr.Reader), IndexName))
	if err != nil {
		return false
	}
	defer f.Close()
	return isBundleIndex(f)
}

func zipPath(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

// Add writes one piece and the image files it needs, read through images.
func (w *Writer) Add(p *galley.Piece, images ImageSource) error {
	pj := pieceJSON{
		Slug:      p.Slug,
		Title:     p.Title,
		Type:      p.Type,
		Status:    string(p.Status),
		Published: p.Published.String(),
		Summary:   p.Summary,
		Body:      p.Body,
		Lang:      p.Lang,
		Formerly:  p.Formerly,
		Source:    p.Source,
		Topics:    p.Topics,
	}
	if !p.Created.IsZero() {
		pj.Created = p.Created.UTC().Format(galley.StampLayout)
	}
	if !p.Updated.IsZero() {
		pj.Updated = p.Updated.UTC().Format(galley.StampLayout)
	}
	for _, c := range p.Contributors {
		pj.Contributors = append(pj.Contributors, contributorJSON{Name: c.Name, Role: c.Role})
	}
	for _, qa := range p.QA {
		pj.QA = append(pj.QA, qaJSON{Question: qa.Question, Answer: qa.Answer})
	}
	for _, ph := range p.Photos {
		file, err := w.writeImage(ph.Image, images)
		if err != nil {
			return fmt.Errorf("export %s: photo %s: %w", p.Slug, file, err)
		}
		pj.Photos = append(pj.Photos, photoJSON{
			File: file, Alt: ph.Alt, Decorative: ph.Decorative,
			Caption: ph.Caption, Credit: ph.Credit, Lead: ph.Lead,
			Photographer: ph.Photographer, Copyright: ph.Copyright, DateCreated: ph.DateCreated,
			City: ph.City, Country: ph.Country, Keywords: ph.Keywords,
		})
	}
	for _, r := range p.Related {
		pj.Related = append(pj.Related, r.Slug)
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Bundles are read by people too: keep <, > and & as they are.
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	if err := enc.Encode(pj); err != nil {
		return err
	}
	sep := ","
	if w.pieces == 0 {
		sep = ""
	}
	w.pieces++
	_, err := fmt.Fprintf(w.index, "%s\n    %s", sep, bytes.TrimRight(buf.Bytes(), "\n"))
	return err
}

// writeImage writes an image once, named by its content hash, and returns
// its path inside the bundle.
func (w *Writer) writeImage(img galley.Image, images ImageSource) (string, error) {
	if len(img.Hash) < 16 {
		return "", fmt.Errorf("image without a content hash")
	}
	name := "photos/" + img.Hash[:16] + photo.Extension(img.MIME)
	if w.files[name] {
		return name, nil
	}
	data, err := images(img.Hash)
	if err != nil {
		return name, err
	}
	dir := filepath.Join(w.tmp, "photos")
	if err := os.MkdirAll(dir, w.dirPerm()); err != nil {
		return name, err
	}
	if err := writeSynced(filepath.Join(w.tmp, filepath.FromSlash(name)), data, w.perm); err != nil {
		return name, err
	}
	w.files[name] = true
	return name, nil
}

// writeSynced writes a file and flushes it to disk, so a bundle moved into
// place after a crash never holds an empty image.
func writeSynced(path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a folder's entries (new files, renames) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Commit finishes the bundle and moves it into place.
func (w *Writer) Commit() error {
	if _, err := io.WriteString(w.index, "\n  ]\n}\n"); err != nil {
		w.Abort()
		return err
	}
	if err := w.index.Sync(); err != nil {
		w.Abort()
		return err
	}
	if err := w.index.Close(); err != nil {
		w.Abort()
		return err
	}
	w.index = nil
	var err error
	if w.asZip {
		err = w.commitZip()
	} else {
		err = w.commitDir()
	}
	if err != nil {
		w.Abort()
		return galley.Errorf(galley.EInternal, "Could not write the bundle %s: %v. Nothing was changed there.", w.out, err)
	}
	w.unlock()
	return nil
}

func (w *Writer) commitDir() error {
	for _, dir := range []string{filepath.Join(w.tmp, "photos"), w.tmp} {
		if err := syncDir(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if _, err := os.Stat(w.out); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(w.tmp, w.out); err != nil {
			return err
		}
		return syncDir(filepath.Dir(w.out))
	}
	// A folder cannot be renamed over a non-empty one: move the old bundle
	// aside, move the new one in, then drop the old one.
	old := w.tmp + ".old"
	if err := os.Rename(w.out, old); err != nil {
		return err
	}
	if err := os.Rename(w.tmp, w.out); err != nil {
		os.Rename(old, w.out)
		return err
	}
	syncDir(filepath.Dir(w.out))
	// The new bundle is in place; failing to delete the old copy (a hidden
	// folder beside it) loses nothing, so it is not an error.
	os.RemoveAll(old)
	return nil
}

func (w *Writer) commitZip() error {
	part := w.tmp + ".zip"
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_EXCL, w.perm)
	if err != nil {
		return err
	}
	defer os.Remove(part) // gone after the rename; removes it on failure
	zw := zip.NewWriter(f)
	names := []string{IndexName}
	for name := range w.files {
		names = append(names, name)
	}
	sort.Strings(names[1:])
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(w.tmp, filepath.FromSlash(name)))
		if err != nil {
			f.Close()
			return err
		}
		method := zip.Deflate
		if name != IndexName {
			method = zip.Store // images are compressed already
		}
		zf, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			f.Close()
			return err
		}
		if _, err := zf.Write(data); err != nil {
			f.Close()
			return err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(part, w.out); err != nil {
		return err
	}
	syncDir(filepath.Dir(w.out))
	os.RemoveAll(w.tmp) // best effort: the bundle is already in place
	return nil
}

// Abort discards everything written so far.
func (w *Writer) Abort() {
	if w.index != nil {
		w.index.Close()
		w.index = nil
	}
	if w.tmp != "" {
		os.RemoveAll(w.tmp)
	}
	w.unlock()
}

func (w *Writer) unlock() {
	if w.lock != nil {
		w.lock.Close()
		w.lock = nil
	}
}

// dirPerm is the permission of the bundle's folders: the files' bits with
// search (x) added wherever reading is allowed, so whoever may read the
// files may reach them.
func (w *Writer) dirPerm() fs.FileMode {
	return w.perm | (w.perm&0o444)>>2 | 0o700
}

// tempPrefix starts the names of the temporary folder and files a Writer
// makes beside its destination: .galley-bundle-<digits> (the folder the
// bundle is written in), with .zip (the zip being written) or .old (the
// bundle being replaced) after it.
const tempPrefix = ".galley-bundle-"

// leftoverName matches exactly the names tempPrefix gives, so nothing else
// in the folder is ever taken for a leftover.
var leftoverName = regexp.MustCompile(`^\.galley-bundle-[0-9]+(\.zip|\.old)?$`)

// removeLeftovers deletes what killed or interrupted exports left in dir:
// entries named as a Writer names its temporary folder and files, each of
// the kind the Writer makes (folders, and regular files for .zip), last
// changed before the time before (the zero time: whenever). lockFolder
// calls it only when no other export can be writing in dir.
func removeLeftovers(dir string, before time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		m := leftoverName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		if !before.IsZero() {
			if fi, err := e.Info(); err != nil || !fi.ModTime().Before(before) {
				continue
			}
		}
		if (m[1] == ".zip" && e.Type().IsRegular()) || (m[1] != ".zip" && e.IsDir()) {
			// Best effort: a leftover that cannot be removed now is tried
			// again by the next export.
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// Pieces reports how many pieces have been added.
func (w *Writer) Pieces() int { return w.pieces }
