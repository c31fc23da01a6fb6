// Package outbox keeps on this computer the edits a desk could not save to
// a team library because its server could not be reached (it restarted,
// the network went), until they can be saved there. An editor goes on
// typing while the server is away; every autosave lands here instead, on
// the local disk, and survives Galley being closed or killed. When the
// server is back the desk sends them, with the usual version check
// (Send), and removes each once the library holds it.
//
// The outbox of a library is a folder under Root named after the
// library's address (without its password). Each running desk writes into
// a slot of its own in it, claimed with a lock the system drops when the
// desk ends however it ends; a desk opening the library takes over the
// entries of slots no running desk holds (a desk that was closed offline,
// or killed). So two desks on one computer never send each other's
// unfinished work, and a restart loses nothing.
//
// An entry is one piece's latest edits: the whole working copy, whose
// Version is the version the edits were made on. A file is written aside
// and renamed into place (and synced), so an entry is either the old one
// or the new one, never half of either.
package outbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"app.galley/galley/internal/galley"
)

// format is the version of an entry file; a newer one is left alone.
const format = 1

// Entry is one piece's edits waiting to be saved to the library.
type Entry struct {
	// Key names the entry in its box: KeyOf the piece, or NewKey's for a
	// piece the library has not got yet.
	Key string
	// Kept is when the edits were last put in the box.
	Kept time.Time
	// Piece is the working copy as the editor left it. Its Version is
	// the version of the library's piece the edits were made on (0 for a
	// new piece); photos added meanwhile carry their bytes in Data.
	Piece galley.Piece
}

// file is an entry as it is written.
type file struct {
	Format  int          `json:"format"`
	Library string       `json:"library"`
	Key     string       `json:"key"`
	Kept    time.Time    `json:"kept"`
	Piece   galley.Piece `json:"piece"`
}

// KeyOf is the key of the entry for a piece the library has.
func KeyOf(id int64) string { return "piece-" + strconv.FormatInt(id, 10) }

// NewKey is a key for a new piece, not yet in the library: unique, so two
// new pieces written offline are two entries.
func NewKey() string {
	var b [8]byte
	rand.Read(b[:])
	return "new-" + hex.EncodeToString(b[:])
}

// Root is the folder that holds every library's outbox: the user's state
// folder ($XDG_STATE_HOME, else ~/.local/state) on Linux and the BSDs,
// the user's configuration folder elsewhere, then galley/outbox.
func Root() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "galley", "outbox"), nil
	}
	if home, err := os.UserHomeDir(); err == nil && (runtime.GOOS == "linux" || strings.HasSuffix(runtime.GOOS, "bsd")) {
		return filepath.Join(home, ".local", "state", "galley", "outbox"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", galley.Errorf(galley.EInternal, "Galley cannot find a folder of yours to keep unsaved changes in (%v).", err)
	}
	return filepath.Join(d, "Galley", "outbox"), nil
}

// Box is one desk's outbox for one library. Its methods may be called
// from several goroutines.
type Box struct {
	library string // the library's address as it may be shown
	dir     string // the library's folder under the root
	slot    string // this desk's folder in it
	release func() // lets go of the slot's claim

	mu      sync.Mutex
	entries map[string]Entry // what the slot holds, by key
	damaged []string         // files that could not be read: kept, never removed
}

// Open opens (creating it if need be) this desk's outbox for the library
// named library (an address without its password) under root, and takes
// over every entry left by desks no longer running. Close lets go of it;
// its entries stay for the next desk.
func Open(root, library string) (*Box, error) {
	sum := sha256.Sum256([]byte(library))
	b := &Box{library: library, dir: filepath.Join(root, hex.EncodeToString(sum[:10])), entries: map[string]Entry{}}
	// The words are private: 0700 folders, 0600 files.
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return nil, b.fail("make the folder", err)
	}
	// A note for whoever looks into the folder: which library it is.
	name := filepath.Join(b.dir, "library.txt")
	if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
		writeFile(name, []byte(library+"\n"))
	}
	var err error
	for range 5 {
		b.slot = filepath.Join(b.dir, "desk-"+strings.TrimPrefix(NewKey(), "new-"))
		if err = os.Mkdir(b.slot, 0o700); err == nil {
			break
		}
	}
	if err != nil {
		return nil, b.fail("make the folder", err)
	}
	if b.release, err = claim(b.slot); err != nil {
		os.Remove(b.slot)
		return nil, b.fail("claim the folder", err)
	}
	if err := b.adopt(); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *Box) fail(what string, err error) error {
	return galley.Errorf(galley.EInternal, "Galley cannot %s %s, where it keeps the changes it could not yet save to %s: %v.", what, b.dir, b.library, unwrapPath(err))
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// adopt reads the entries of every slot no running desk holds into this
// desk's slot, and removes the emptied slots.
func (b *Box) adopt() error {
	slots, err := os.ReadDir(b.dir)
	if err != nil {
		return b.fail("read the folder", err)
	}
	for _, s := range slots {
		dir := filepath.Join(b.dir, s.Name())
		if !s.IsDir() || !strings.HasPrefix(s.Name(), "desk-") || dir == b.slot {
			continue
		}
		release, err := claim(dir)
		if err != nil {
			continue // a running desk's
		}
		err = b.adoptSlot(dir)
		release()
		if err != nil {
			return err
		}
	}
	return nil
}

// adoptSlot moves the entries of one abandoned slot into this one. An
// entry that cannot be read stays where it is, named in Damaged.
func (b *Box) adoptSlot(dir string) error {
	names, err := os.ReadDir(dir)
	if err != nil {
		return b.fail("read the folder", err)
	}
	left := false
	for _, n := range names {
		path := filepath.Join(dir, n.Name())
		if strings.HasPrefix(n.Name(), ".") {
			os.Remove(path) // a write that was cut short; the entry before it is whole
			continue
		}
		if !strings.HasSuffix(n.Name(), ".json") {
			left = true
			continue
		}
		e, err := b.read(path)
		if err != nil {
			b.damaged = append(b.damaged, path)
			left = true
			continue
		}
		if old, ok := b.entries[e.Key]; ok {
			// Two desks left edits of one piece: keep both, the older
			// under another key (sent, it meets the newer as a conflict
			// and is kept as a copy).
			if old.Kept.After(e.Kept) {
				old, e = e, old
			}
			old.Key = old.Key + "." + strings.TrimPrefix(NewKey(), "new-")
			if err := b.write(old); err != nil {
				return err
			}
			b.entries[old.Key] = old
		}
		if err := b.write(e); err != nil {
			return err
		}
		b.entries[e.Key] = e
		os.Remove(path)
	}
	if !left {
		os.Remove(filepath.Join(dir, lockName))
		os.Remove(dir)
	}
	return nil
}

// read reads one entry file.
func (b *Box) read(path string) (Entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Entry{}, err
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return Entry{}, fmt.Errorf("%s: %w", path, err)
	}
	if f.Format != format || f.Key == "" {
		return Entry{}, fmt.Errorf("%s: written by another version of Galley (format %d)", path, f.Format)
	}
	return Entry{Key: f.Key, Kept: f.Kept, Piece: f.Piece}, nil
}

// Put keeps e, replacing the entry with its key. It returns once the
// entry is on the disk.
func (b *Box) Put(e Entry) error {
	if e.Key == "" {
		return galley.Errorf(galley.EInvalid, "An entry needs a key.")
	}
	if e.Kept.IsZero() {
		e.Kept = time.Now()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.write(e); err != nil {
		return err
	}
	b.entries[e.Key] = e
	return nil
}

// write writes e's file in this desk's slot.
func (b *Box) write(e Entry) error {
	data, err := json.Marshal(file{Format: format, Library: b.library, Key: e.Key, Kept: e.Kept.UTC(), Piece: e.Piece})
	if err != nil {
		return galley.Errorf(galley.EInternal, "Galley cannot keep the changes to %s on this computer: %v.", e.Piece.Name(), err)
	}
	if err := writeFile(filepath.Join(b.slot, e.Key+".json"), data); err != nil {
		return galley.Errorf(galley.EInternal, "Galley cannot keep the changes to %s on this computer (in %s): %v.", e.Piece.Name(), b.slot, unwrapPath(err))
	}
	return nil
}

// writeFile writes data to path through a file beside it, synced and
// renamed into place, then syncs the folder: after a crash the file is
// the old one or the new one.
func writeFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Get returns the entry with key, if there is one.
func (b *Box) Get(key string) (Entry, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.entries[key]
	return e, ok
}

// Entries returns every entry, the longest waiting first.
func (b *Box) Entries() []Entry {
	b.mu.Lock()
	defer b.mu.Unlock()
	list := make([]Entry, 0, len(b.entries))
	for _, e := range b.entries {
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].Kept.Equal(list[j].Kept) {
			return list[i].Kept.Before(list[j].Kept)
		}
		return list[i].Key < list[j].Key
	})
	return list
}

// Len is how many entries are waiting.
func (b *Box) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.entries)
}

// Damaged names the entry files that could not be read (written by a
// newer Galley, or damaged). They are left where they are, never removed.
func (b *Box) Damaged() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.damaged...)
}

// Remove drops the entry with key: the library holds its edits now.
func (b *Box) Remove(key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.entries[key]; !ok {
		return nil
	}
	if err := os.Remove(filepath.Join(b.slot, key+".json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return galley.Errorf(galley.EInternal, "Galley cannot remove %s, the changes it has just saved: %v.", filepath.Join(b.slot, key+".json"), unwrapPath(err))
	}
	delete(b.entries, key)
	return nil
}

// Close lets go of the box. Its entries stay on the disk for the next
// desk that opens the library; an empty slot is removed.
func (b *Box) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.release == nil {
		return nil
	}
	if len(b.entries) == 0 {
		os.Remove(filepath.Join(b.slot, lockName))
		os.Remove(b.slot)
	}
	b.release()
	b.release = nil
	return nil
}

// Folder is where the box keeps the library's entries, for messages.
func (b *Box) Folder() string { return b.dir }

// Waiting counts the changes kept on this computer for library under
// root, by every desk, without taking any over: what a desk that cannot
// open the library yet can tell the editor.
func Waiting(root, library string) int {
	sum := sha256.Sum256([]byte(library))
	files, _ := filepath.Glob(filepath.Join(root, hex.EncodeToString(sum[:10]), "desk-*", "*.json"))
	return len(files)
}
