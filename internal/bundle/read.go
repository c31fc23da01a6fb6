// Package bundle reads and writes Galley bundles: a folder (or a .zip of
// one) holding pieces.json and the image files it names. The format is a
// contract other tools rely on; docs/bundle.md describes it.
package bundle

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"strings"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/photo"
)

// Format is the value of the "format" key this package reads and writes.
const Format = "galley.bundle/1"

// IndexName is the name of the bundle's index file.
const IndexName = "pieces.json"

// Bundle is an opened bundle: its pieces.json checked against the format,
// and access to its image files. Pieces are read from the file one at a
// time (All), so a bundle of any size is never held in memory; photos of
// the pieces name their file in Source.
type Bundle struct {
	// Pieces holds every piece of a bundle opened with OpenFS, whose files
	// (the sample desk embedded in the binary) are in memory already.
	// Open leaves it empty: read the pieces of a bundle on disk with All.
	Pieces []galley.Piece

	name   string // the path given to Open, for messages
	fsys   fs.FS
	closer io.Closer
	slugs  map[string]bool // the slugs pieces give explicitly
}

// Open reads the bundle at path (a folder or a .zip file) and checks it,
// one piece at a time: the JSON, every field, that every photo is a
// regular file inside the bundle, and that slugs given explicitly are
// unique. Whether related slugs name pieces in the bundle or in a library
// is for the importer to check.
//
// Bundles other programs would read differently are refused: a zip with
// two entries of one name, a JSON object giving one key twice, a key that
// differs from a known one only in case, pieces.json or a photo that is
// not a regular file (a FIFO is never waited on).
//
// Errors name the problem and the piece, and give the line and column in
// pieces.json where there is one.
func Open(p string) (*Bundle, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, galley.Errorf(galley.EInvalid, "Cannot open the bundle %s: %v.", p, unwrapPathError(err))
	}
	b := &Bundle{name: p}
	switch {
	case fi.IsDir():
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, galley.Errorf(galley.EInvalid, "Cannot open the bundle folder %s: %v.", p, unwrapPathError(err))
		}
		// os.Root refuses any path or symbolic link that leads outside the
		// folder, so a bundle can only ever read its own files.
		b.fsys, b.closer = rootFS{root}, root
	case strings.EqualFold(filepath.Ext(p), ".zip"):
		zr, err := zip.OpenReader(p)
		if err != nil {
			return nil, galley.Errorf(galley.EInvalid, "%s is not a readable .zip file: %v.", p, err)
		}
		if err := checkZipNames(p, &zr.Reader); err != nil {
			zr.Close()
			return nil, err
		}
		b.fsys, b.closer = zr, zr
		if sub := zipRoot(&zr.Reader); sub != "." {
			if b.fsys, err = fs.Sub(zr, sub); err != nil {
				zr.Close()
				return nil, err
			}
		}
	default:
		return nil, galley.Errorf(galley.EInvalid, "%s is neither a bundle folder nor a .zip file.", p)
	}
	if err := b.check(false); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// OpenFS reads a bundle from a file system, such as the sample desk
// embedded in the binary, checks it as Open does, and keeps its pieces in
// Pieces. name is used in messages.
func OpenFS(fsys fs.FS, name string) (*Bundle, error) {
	b := &Bundle{name: name, fsys: fsys}
	if err := b.check(true); err != nil {
		return nil, err
	}
	return b, nil
}

// check reads the whole of pieces.json once, so that a bundle that would
// fail halfway is refused before anything is imported; keep says to hold
// the pieces in b.Pieces.
func (b *Bundle) check(keep bool) error {
	b.slugs = map[string]bool{}
	explicit := map[string]int{} // slug → number of the piece giving it
	return b.scan(func(p *galley.Piece, n int, at func(string, ...any) error) error {
		if p.Slug != "" {
			if first, dup := explicit[p.Slug]; dup {
				return at("piece %d %s has the slug %q, like piece %d", n, p.Name(), p.Slug, first)
			}
			explicit[p.Slug] = n
			b.slugs[p.Slug] = true
		}
		if keep {
			b.Pieces = append(b.Pieces, *p)
		}
		return nil
	})
}

// All returns the pieces of the bundle, read again from pieces.json one at
// a time and checked as Open checks them. A piece without a slug of its
// own has an empty Slug: the library it goes into gives it one. The
// sequence ends after the first error.
func (b *Bundle) All() iter.Seq2[galley.Piece, error] {
	return func(yield func(galley.Piece, error) bool) {
		stopped := errors.New("stopped")
		err := b.scan(func(p *galley.Piece, _ int, _ func(string, ...any) error) error {
			if !yield(*p, nil) {
				return stopped
			}
			return nil
		})
		if err != nil && err != stopped {
			yield(galley.Piece{}, err)
		}
	}
}

// Slugs returns the slugs the bundle's pieces give explicitly. An importer
// keeps them free for those pieces when it picks slugs for pieces that
// have none, even before the pieces that give them come.
func (b *Bundle) Slugs() map[string]bool { return b.slugs }

// zipRoot finds the folder of a zip that holds pieces.json: the top, or the
// single folder a zipped bundle folder usually sits in.
func zipRoot(zr *zip.Reader) string {
	for _, f := range zr.File {
		if f.Name == IndexName {
			return "."
		}
	}
	for _, f := range zr.File {
		dir, file := path.Split(f.Name)
		if file == IndexName && strings.Count(dir, "/") == 1 && fs.ValidPath(strings.TrimSuffix(dir, "/")) {
			return strings.TrimSuffix(dir, "/")
		}
	}
	return "."
}

// checkZipNames refuses a zip holding two entries of one name (after the
// cleaning a zip reader does: "photos//a.jpg" is "photos/a.jpg"). Which of
// the two a program reads depends on the program, so a bundle checked
// here could be a different bundle elsewhere.
func checkZipNames(p string, zr *zip.Reader) error {
	seen := make(map[string]bool, len(zr.File))
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, "/")
		name = path.Clean("/" + strings.ReplaceAll(name, `\`, "/"))[1:]
		if seen[name] {
			return galley.Errorf(galley.EInvalid, "%s holds two entries named %q; programs differ on which one they read, so the bundle is refused. Zip the bundle again.", p, name)
		}
		seen[name] = true
	}
	return nil
}

// Close releases the bundle's files.
func (b *Bundle) Close() error {
	if b.closer == nil {
		return nil
	}
	err := b.closer.Close()
	b.closer = nil
	return err
}

// ReadImage returns the bytes of the image file at source, a path inside
// the bundle. Only a regular file is read, and at most photo.MaxBytes.
func (b *Bundle) ReadImage(source string) ([]byte, error) {
	f, err := b.openRegular(source)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, photo.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > photo.MaxBytes {
		return nil, fmt.Errorf("the file is larger than %d MB", photo.MaxBytes>>20)
	}
	return data, nil
}

// openRegular opens the file at name in the bundle, refusing anything but
// a regular file. What is checked is the opened file, so nothing can be
// swapped in between; a FIFO is opened without waiting for a writer.
func (b *Bundle) openRegular(name string) (fs.File, error) {
	f, err := b.fsys.Open(name)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, unwrapPathError(err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, notRegular{name, fi.Mode()}
	}
	return f, nil
}

// notRegular is the error for a bundle entry that is not a regular file.
type notRegular struct {
	name string
	mode fs.FileMode
}

func (e notRegular) Error() string {
	kind := "a special file"
	switch m := e.mode; {
	case m.IsDir():
		kind = "a folder"
	case m&fs.ModeNamedPipe != 0:
		kind = "a FIFO"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		kind = "a device"
	case m&fs.ModeSymlink != 0:
		kind = "a symbolic link"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	}
	return fmt.Sprintf("%s is not a regular file (%s)", e.name, kind)
}

// rootFS is the file system of a bundle folder: os.Root's, with files
// opened without waiting, so a FIFO in the folder is refused at once
// instead of holding the import until something writes to it.
type rootFS struct{ root *os.Root }

// Open opens name inside the folder for reading.
func (r rootFS) Open(name string) (fs.File, error) {
	f, err := r.root.OpenFile(name, os.O_RDONLY|openNoWait, 0)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Stat describes name inside the folder without opening it.
func (r rootFS) Stat(name string) (fs.FileInfo, error) { return r.root.Stat(name) }

// checkImagePath refuses paths that could leave the bundle and files that
// are missing or not regular files, and returns the clean path inside the
// bundle.
func (b *Bundle) checkImagePath(file string) (string, error) {
	if strings.TrimSpace(file) == "" {
		return "", galley.Errorf(galley.EInvalid, "the \"file\" is missing")
	}
	if strings.HasPrefix(file, "/") || strings.HasPrefix(file, `\`) || filepath.VolumeName(file) != "" ||
		(len(file) > 1 && file[1] == ':') {
		return "", galley.Errorf(galley.EInvalid, "the file %q is an absolute path; photos must be inside the bundle", file)
	}
	if strings.Contains(file, `\`) {
		return "", galley.Errorf(galley.EInvalid, "the file %q uses backslashes; write paths with forward slashes", file)
	}
	clean := path.Clean(file)
	if !fs.ValidPath(clean) || clean == "." {
		return "", galley.Errorf(galley.EInvalid, "the file %q leads outside the bundle; photos must be inside it", file)
	}
	fi, err := fs.Stat(b.fsys, clean)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", galley.Errorf(galley.EInvalid, "the file %q is not in the bundle", file)
		}
		return "", galley.Errorf(galley.EInvalid, "the file %q cannot be read: %v", file, unwrapPathError(err))
	}
	if !fi.Mode().IsRegular() {
		return "", galley.Errorf(galley.EInvalid, "%v; only image files can be photos", notRegular{fmt.Sprintf("%q", file), fi.Mode()})
	}
	return clean, nil
}

// unwrapPathError drops the operation and path from an *fs.PathError, whose
// text repeats what the message around it already says.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
