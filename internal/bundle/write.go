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
	"sort"
	"strings"

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
	tmp    string // temporary bundle folder
	index  *os.File
	pieces int
	images ImageSource
	files  map[string]bool // image files already written
}

// Create starts a bundle at out: a folder, or a .zip file when out ends in
// .zip. An existing destination is replaced on Commit only if it is a
// previous bundle (or an empty folder), so an export never wipes unrelated
// files.
func Create(out string, images ImageSource) (*Writer, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	w := &Writer{out: abs, asZip: strings.EqualFold(filepath.Ext(abs), ".zip"), images: images, files: map[string]bool{}}
	if err := w.checkDestination(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, galley.Errorf(galley.EInvalid, "Cannot create the folder for %s: %v.", abs, unwrapPathError(err))
	}
	if w.tmp, err = os.MkdirTemp(filepath.Dir(abs), ".galley-bundle-*"); err != nil {
		return nil, galley.Errorf(galley.EInvalid, "Cannot write in %s: %v.", filepath.Dir(abs), unwrapPathError(err))
	}
	if w.index, err = os.Create(filepath.Join(w.tmp, IndexName)); err != nil {
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
		return nil
	}
	if !fi.IsDir() {
		return galley.Errorf(galley.EInvalid, "Cannot export to %s: it is a file, not a folder.", w.out)
	}
	entries, err := os.ReadDir(w.out)
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot export to %s: %v.", w.out, unwrapPathError(err))
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(w.out, IndexName)); err != nil {
		return galley.Errorf(galley.EInvalid, "The folder %s is not empty and holds no Galley bundle; choose an empty or new folder so nothing in it is replaced.", w.out)
	}
	return nil
}

// Add writes one piece and the image files it needs.
func (w *Writer) Add(p *galley.Piece) error {
	pj := pieceJSON{
		Slug:      p.Slug,
		Title:     p.Title,
		Type:      p.Type,
		Status:    string(p.Status),
		Published: p.Published.String(),
		Summary:   p.Summary,
		Body:      p.Body,
		Topics:    p.Topics,
	}
	if !p.Created.IsZero() {
		pj.Created = p.Created.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	if !p.Updated.IsZero() {
		pj.Updated = p.Updated.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	for _, c := range p.Contributors {
		pj.Contributors = append(pj.Contributors, contributorJSON{Name: c.Name, Role: c.Role})
	}
	for _, qa := range p.QA {
		pj.QA = append(pj.QA, qaJSON{Question: qa.Question, Answer: qa.Answer})
	}
	for _, ph := range p.Photos {
		file, err := w.writeImage(ph.Image)
		if err != nil {
			return fmt.Errorf("export %s: photo %s: %w", p.Slug, file, err)
		}
		pj.Photos = append(pj.Photos, photoJSON{
			File: file, Alt: ph.Alt, Decorative: ph.Decorative,
			Caption: ph.Caption, Credit: ph.Credit, Lead: ph.Lead,
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
func (w *Writer) writeImage(img galley.Image) (string, error) {
	if len(img.Hash) < 16 {
		return "", fmt.Errorf("image without a content hash")
	}
	name := "photos/" + img.Hash[:16] + photo.Extension(img.MIME)
	if w.files[name] {
		return name, nil
	}
	data, err := w.images(img.Hash)
	if err != nil {
		return name, err
	}
	dir := filepath.Join(w.tmp, "photos")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return name, err
	}
	if err := os.WriteFile(filepath.Join(w.tmp, filepath.FromSlash(name)), data, 0o644); err != nil {
		return name, err
	}
	w.files[name] = true
	return name, nil
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
	return nil
}

func (w *Writer) commitDir() error {
	if _, err := os.Stat(w.out); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(w.tmp, w.out)
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
	return os.RemoveAll(old)
}

func (w *Writer) commitZip() error {
	part := w.tmp + ".zip"
	f, err := os.Create(part)
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
	return os.RemoveAll(w.tmp)
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
}

// Pieces reports how many pieces have been added.
func (w *Writer) Pieces() int { return w.pieces }
