package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/sync/errgroup"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
)

// Options says how to publish.
type Options struct {
	// DryRun lists what would be uploaded and removed, and changes nothing.
	DryRun bool
	// Replace publishes where another library's site is, into a folder
	// holding files Galley did not publish (they are left as they are,
	// unless the site has a file of the same name), or when the publish
	// would remove more than half of the site's pages.
	Replace bool
	// Library is the identity of the library published (store.Identity);
	// the server remembers it, so another library's site is not replaced
	// by mistake.
	Library string
	// Progress is called as files are uploaded or removed.
	Progress func(done, total int)
	SSH      SSH
}

// Report says what a publish did, or on a dry run would do.
type Report struct {
	Uploaded  []string // paths in the site, sorted
	Removed   []string
	Unchanged int
	Bytes     int64 // uploaded
	// Resumed is set when an earlier publish was stopped before it ended;
	// what it had uploaded was kept.
	Resumed bool
	// RecordServed is where Galley's record of the site is kept when it
	// had to go inside the folder the web server serves, because the
	// folder's parent could not be written; empty when it is beside it.
	RecordServed string
}

// ReplaceError is a publish refused because it would replace what it
// should not without being asked (Options.Replace).
type ReplaceError struct{ err *galley.Error }

func replaceErrorf(format string, args ...any) *ReplaceError {
	return &ReplaceError{galley.Errorf(galley.EConflict, format, args...)}
}

// Error returns the message meant for people.
func (e *ReplaceError) Error() string { return e.err.Message }

// Unwrap gives the coded error, for galley.ErrorCode and ErrorMessage.
func (e *ReplaceError) Unwrap() error { return e.err }

// The server remembers what Galley published in a record beside the site's
// folder (".site.galley-publish.json" for "site"), so that the web server
// never serves it; where that folder's parent cannot be written (a web
// root in a folder owned by root), inside it as ".galley-publish.json",
// which holds nothing that is not public: the library's random identity
// and the list of files the site already shows.
const (
	recordFormat = "galley.publish/1"
	insideName   = ".galley-publish.json"
	uploadSuffix = ".galley-upload"
	lockSuffix   = ".lock"
	// The journal beside the record lists each file as it is done, so a
	// publish stopped midway (killed, the network gone) is resumed by the
	// next without sending those files again.
	journalSuffix = ".journal"
	// lockStale is how long a lock may go untouched before another
	// publish takes it over: its publish was stopped without removing it.
	lockStale   = 2 * time.Minute
	lockRefresh = 30 * time.Second
	workers     = 4
	stopGrace   = 5 * time.Second
)

type record struct {
	Format  string                       `json:"format"`
	Library string                       `json:"library,omitempty"`
	Files   map[string]export.ListedFile `json:"files"`
	// Pending are the uploads a publish began: their temporary files are
	// removed by the next publish if it does not need them.
	Pending []string `json:"pending,omitempty"`
}

func besidePath(dir string) string {
	return path.Join(path.Dir(dir), "."+path.Base(dir)+".galley-publish.json")
}

// Publish puts the site exported in dir on the target: uploads the files
// that are new or changed since the last publish there, each written
// beside its place and renamed into it so that a reader never sees half a
// page, then removes the files Galley published that the site no longer
// has. Files Galley did not publish are never removed. A publish stopped
// midway is resumed by the next: what it uploaded is not sent again.
func Publish(ctx context.Context, dir string, to Target, opt Options) (Report, error) {
	local, err := export.List(dir)
	if err != nil {
		return Report{}, err
	}
	if local.Kind != "site" {
		return Report{}, galley.Errorf(galley.EInvalid, "%s holds an export of chosen pieces, not a site; publish the whole site.", dir)
	}
	client, err := opt.SSH.dial(ctx, to)
	if err != nil {
		return Report{}, err
	}
	defer client.Close()
	// Stopped, the publish starts no more uploads and saves its record of
	// those done, so the next one resumes; a connection that will not
	// let it is closed after a moment.
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(stopGrace, func() { client.Close() }) })
	defer stop()
	c, err := sftp.NewClient(client, sftp.UseConcurrentWrites(true))
	if err != nil {
		return Report{}, galley.Errorf(galley.EUnavailable, "%s offers no SFTP: %v; nothing was published.", to.Host, err)
	}
	defer c.Close()
	p := &publisher{ctx: ctx, c: c, to: to, dir: dir, local: local, opt: opt}
	rep, err := p.run()
	if err != nil && ctx.Err() != nil {
		return rep, ctx.Err()
	}
	return rep, err
}

type publisher struct {
	ctx   context.Context
	c     *sftp.Client
	to    Target
	dir   string
	local export.Listing
	opt   Options

	recordAt string // where the record is kept on the server
	mu       sync.Mutex
	rec      record     // what the server holds now
	journal  *sftp.File // each file done, appended as it is done
	jerr     error      // the first failure to append to it
}

func (p *publisher) remote(rel string) string { return path.Join(p.to.Path, rel) }

// run publishes once the server is reached: it reads what the server
// holds, works out what to send and remove, and stops there when it
// should (a refusal, a dry run, nothing to do). Otherwise it takes the
// folder's lock, records what it begins, uploads, removes, and records
// what the server now holds.
func (p *publisher) run() (Report, error) {
	var rep Report
	if err := p.readRecord(); err != nil {
		return rep, err
	}
	if err := p.refuseWhatIsNotOurs(); err != nil {
		return rep, err
	}
	pages, gone := p.plan(&rep)
	if gone > 0 && 2*gone > pages && !p.opt.Replace {
		return rep, replaceErrorf("This publish would remove %d of the %d pages of the site at %s; nothing was changed. If that is meant, publish again replacing the site (--replace).", gone, pages, p.to)
	}
	upload, remove := rep.Uploaded, rep.Removed
	if p.opt.DryRun || (len(upload) == 0 && len(remove) == 0 && len(p.rec.Pending) == 0 && p.recordAt != "") {
		p.sayWhereTheRecordIs(&rep)
		return rep, nil
	}

	if err := p.c.MkdirAll(p.to.Path); err != nil {
		return rep, galley.Errorf(galley.EInvalid, "Cannot make the folder %s on %s: %v; nothing was published.", p.to.Path, p.to.Host, err)
	}
	unlock, err := p.lock()
	if err != nil {
		return rep, err
	}
	defer unlock()
	if err := p.begin(upload); err != nil {
		return rep, err
	}
	progress := p.counter(len(upload) + len(remove))
	if err := p.uploadAll(upload, progress); err != nil {
		p.closeJournal() // what was uploaded is in it, for the next publish
		return rep, err
	}
	if err := p.removeAll(remove, progress); err != nil {
		return rep, err
	}
	if err := p.finish(); err != nil {
		return rep, err
	}
	p.sayWhereTheRecordIs(&rep)
	return rep, nil
}

// sayWhereTheRecordIs tells the editor when the record stands where
// readers can fetch it, so the web server can be told not to serve it.
func (p *publisher) sayWhereTheRecordIs(rep *Report) {
	if at := p.remote(insideName); p.recordAt == at {
		rep.RecordServed = at
	}
}

// plan compares the export with the record of what the server holds and
// fills rep with what the publish is to do: the files new or changed
// (Uploaded, Bytes), those the export no longer has (Removed), those left
// as they are (Unchanged), and whether an earlier publish stopped
// (Resumed). It returns how many pages the record lists and how many of
// them go, for the check against removing most of the site by mistake.
func (p *publisher) plan(rep *Report) (pages, gone int) {
	var upload, remove []string
	for rel, f := range p.local.Files {
		if old, ok := p.rec.Files[rel]; ok && old == f {
			rep.Unchanged++
			continue
		}
		upload = append(upload, rel)
	}
	for rel := range p.rec.Files {
		html := strings.HasSuffix(rel, ".html")
		if html {
			pages++
		}
		if _, ok := p.local.Files[rel]; !ok {
			remove = append(remove, rel)
			if html {
				gone++
			}
		}
	}
	sort.Strings(upload)
	sort.Strings(remove)
	rep.Uploaded, rep.Removed, rep.Resumed = upload, remove, len(p.rec.Pending) > 0
	for _, rel := range upload {
		rep.Bytes += p.local.Files[rel].Size
	}
	return pages, gone
}

// begin records, before anything is sent, the uploads this publish makes
// (their temporary names, as Pending) and the library publishing, and
// opens an empty journal: a publish stopped from here on is resumed by
// the next, which also removes the temporary files this one leaves. The
// temporary files an earlier, stopped publish left and this one will not
// overwrite go now.
func (p *publisher) begin(upload []string) error {
	wanted := map[string]bool{}
	for _, rel := range upload {
		wanted[uploadName(rel)] = true
	}
	for _, tmp := range p.rec.Pending {
		if !wanted[tmp] {
			p.c.Remove(p.remote(tmp))
		}
	}
	p.rec.Library = p.opt.Library
	p.rec.Pending = make([]string, 0, len(upload))
	for _, rel := range upload {
		p.rec.Pending = append(p.rec.Pending, uploadName(rel))
	}
	if err := p.saveRecord(); err != nil {
		return err
	}
	return p.openJournal()
}

// counter returns the function each upload and removal calls when done,
// from any of the upload workers: it counts them and tells Options.Progress.
func (p *publisher) counter(total int) func() {
	var done atomic.Int64
	return func() {
		n := done.Add(1)
		if p.opt.Progress != nil {
			p.opt.Progress(int(n), total)
		}
	}
}

// removeAll removes the files Galley published that the export no longer
// has, journalling each, then the folders that left empty, deepest first;
// a folder holding anything else stays (RemoveDirectory refuses it). A
// file already gone is no failure. Stopped or failing, it closes the
// journal: what it removed is in it, for the next publish.
func (p *publisher) removeAll(remove []string, progress func()) error {
	dirs := map[string]bool{}
	for _, rel := range remove {
		if err := p.ctx.Err(); err != nil {
			p.closeJournal()
			return err
		}
		if err := p.c.Remove(p.remote(rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			p.closeJournal()
			return galley.Errorf(galley.EInternal, "Cannot remove %s from %s: %v.", rel, p.to, err)
		}
		p.done(rel, nil)
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
		progress()
	}
	var ds []string
	for d := range dirs {
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return strings.Count(ds[i], "/") > strings.Count(ds[j], "/") })
	for _, d := range ds {
		p.c.RemoveDirectory(p.remote(d))
	}
	return nil
}

// finish records that the publish is complete: nothing pending, and the
// record holding all the journal said, so the journal goes.
func (p *publisher) finish() error {
	p.rec.Pending = nil
	p.closeJournal()
	if err := p.saveRecord(); err != nil {
		return err
	}
	p.c.Remove(p.recordAt + journalSuffix)
	return nil
}

// uploadName is the temporary name a file is written under beside its
// place: hidden, and never a name an export makes.
func uploadName(rel string) string {
	return path.Join(path.Dir(rel), "."+path.Base(rel)+uploadSuffix)
}

func (p *publisher) uploadAll(upload []string, progress func()) error {
	posix := false
	if _, ok := p.c.HasExtension("posix-rename@openssh.com"); ok {
		posix = true
	}
	var made sync.Map // folders known to exist
	g, gctx := errgroup.WithContext(p.ctx)
	g.SetLimit(workers)
	for _, rel := range upload {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			if d := path.Dir(rel); d != "." {
				if _, ok := made.Load(d); !ok {
					if err := p.c.MkdirAll(p.remote(d)); err != nil {
						return galley.Errorf(galley.EInternal, "Cannot make the folder %s on %s: %v.", d, p.to.Host, err)
					}
					made.Store(d, true)
				}
			}
			if err := p.upload(rel, posix); err != nil {
				return err
			}
			f := p.local.Files[rel]
			p.done(rel, &f)
			progress()
			return nil
		})
	}
	return g.Wait()
}

func (p *publisher) upload(rel string, posix bool) error {
	src, err := os.Open(filepath.Join(p.dir, filepath.FromSlash(rel)))
	if err != nil {
		return galley.Errorf(galley.EInternal, "Cannot read %s of the export: %v.", rel, err)
	}
	defer src.Close()
	tmp, final := p.remote(uploadName(rel)), p.remote(rel)
	f, err := p.c.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return galley.Errorf(galley.EInternal, "Cannot write %s on %s: %v.", rel, p.to.Host, err)
	}
	if _, err := f.ReadFrom(src); err != nil {
		f.Close()
		return galley.Errorf(galley.EInternal, "Cannot upload %s to %s: %v.", rel, p.to.Host, err)
	}
	if err := f.Close(); err != nil {
		return galley.Errorf(galley.EInternal, "Cannot upload %s to %s: %v.", rel, p.to.Host, err)
	}
	if posix {
		err = p.c.PosixRename(tmp, final)
	} else {
		// Plain SFTP renames refuse an existing name: the old file goes
		// first, and for that instant the page is missing, never half.
		if err = p.c.Rename(tmp, final); err != nil {
			p.c.Remove(final)
			err = p.c.Rename(tmp, final)
		}
	}
	if err != nil {
		return galley.Errorf(galley.EInternal, "Cannot put %s in place on %s: %v.", rel, p.to.Host, err)
	}
	return nil
}

// readRecord finds what the last publish left, beside the folder or in it.
func (p *publisher) readRecord() error {
	p.rec = record{Format: recordFormat, Files: map[string]export.ListedFile{}}
	for _, at := range []string{besidePath(p.to.Path), p.remote(insideName)} {
		f, err := p.c.Open(at)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return galley.Errorf(galley.EInternal, "Cannot read %s on %s: %v; nothing was published.", at, p.to.Host, err)
		}
		var b bytes.Buffer
		_, err = b.ReadFrom(f)
		f.Close()
		if err != nil {
			return galley.Errorf(galley.EUnavailable, "Cannot read %s on %s: %v; nothing was published.", at, p.to.Host, err)
		}
		var r record
		if err := json.Unmarshal(b.Bytes(), &r); err != nil || r.Format != recordFormat {
			return galley.Errorf(galley.EInvalid, "%s on %s is not a record Galley can read; nothing was published. A newer Galley may have written it.", at, p.to.Host)
		}
		if r.Files == nil {
			r.Files = map[string]export.ListedFile{}
		}
		p.rec, p.recordAt = r, at
		p.readJournal()
		return nil
	}
	return nil
}

// refuseWhatIsNotOurs stops before anything changes when the folder holds
// another library's site, or files Galley did not publish.
func (p *publisher) refuseWhatIsNotOurs() error {
	if p.opt.Replace {
		return nil
	}
	if p.recordAt != "" {
		if p.rec.Library != "" && p.opt.Library != "" && p.rec.Library != p.opt.Library {
			return replaceErrorf("%s holds the site of another library; nothing was published. Publish this library elsewhere, or replace that site (--replace).", p.to)
		}
		return nil
	}
	entries, err := p.c.ReadDir(p.to.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot read the folder %s on %s: %v; nothing was published.", p.to.Path, p.to.Host, err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != insideName {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	shown := names
	if len(shown) > 3 {
		shown = append(shown[:3:3], "…")
	}
	return replaceErrorf("%s already holds files Galley did not publish (%s); nothing was published. Publish into an empty folder, or publish there with --replace: files the site has too are replaced, the others are left as they are.", p.to, strings.Join(shown, ", "))
}

// bookkeeping takes from one of Galley's files on the server what every
// user may do with it, keeping what the server's umask gave the
// publishing account and its group (a team publishing by group keeps
// writing it). The record stands beside the site, often in the web root
// above it, or inside it: the web server, running as another user, then
// answers 403 for it rather than serving what Galley keeps. A server that
// refuses the change keeps its default mode; that costs a reader nothing
// but the sight of a file list, so the publish goes on.
func bookkeeping(f *sftp.File) {
	if fi, err := f.Stat(); err == nil {
		f.Chmod(fi.Mode().Perm() &^ 0o007)
	}
}

// saveRecord writes the record. It is written aside and renamed, so a
// stopped publish leaves the old record or the new, never half of one.
func (p *publisher) saveRecord() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	data, err := json.Marshal(p.rec)
	if err != nil {
		return err
	}
	write := func(at string) error {
		tmp := at + uploadSuffix
		f, err := p.c.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
		if err != nil {
			return err
		}
		bookkeeping(f)
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		if err := p.c.PosixRename(tmp, at); err != nil {
			if err := p.c.Rename(tmp, at); err != nil {
				p.c.Remove(at)
				return p.c.Rename(tmp, at)
			}
		}
		return nil
	}
	if p.recordAt != "" {
		err = write(p.recordAt)
	} else {
		// First publish: beside the folder if its parent takes it.
		at := besidePath(p.to.Path)
		if err = write(at); err != nil {
			at = p.remote(insideName)
			err = write(at)
		}
		if err == nil {
			p.recordAt = at
		}
	}
	if err != nil {
		return galley.Errorf(galley.EInternal, "Cannot write Galley's record of the site on %s: %v.", p.to.Host, err)
	}
	return nil
}

// journalEntry is one line of the journal: a file uploaded (File set) or
// removed.
type journalEntry struct {
	Path string             `json:"p"`
	File *export.ListedFile `json:"f,omitempty"`
}

// openJournal starts the journal beside the record, empty: the record
// just saved holds what an earlier one said.
func (p *publisher) openJournal() error {
	f, err := p.c.OpenFile(p.recordAt+journalSuffix, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return galley.Errorf(galley.EInternal, "Cannot write Galley's record of the site on %s: %v; nothing was published.", p.to.Host, err)
	}
	bookkeeping(f)
	p.journal = f
	return nil
}

func (p *publisher) closeJournal() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.journal != nil {
		p.journal.Close()
		p.journal = nil
	}
}

// done records that rel is uploaded (f) or removed (nil): in the record
// in memory, and a line in the journal on the server, so a publish
// stopped now is resumed from here. A journal that cannot be written
// costs only that: the next publish sends those files again.
func (p *publisher) done(rel string, f *export.ListedFile) {
	line, _ := json.Marshal(journalEntry{Path: rel, File: f})
	p.mu.Lock()
	defer p.mu.Unlock()
	if f != nil {
		p.rec.Files[rel] = *f
	} else {
		delete(p.rec.Files, rel)
	}
	if p.journal != nil && p.jerr == nil {
		_, p.jerr = p.journal.Write(append(line, '\n'))
	}
}

// readJournal applies what a stopped publish recorded after its record.
// A last line cut short by the stop is ignored.
func (p *publisher) readJournal() {
	f, err := p.c.Open(p.recordAt + journalSuffix)
	if err != nil {
		return
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(f); err != nil {
		return
	}
	for _, line := range bytes.Split(b.Bytes(), []byte("\n")) {
		var e journalEntry
		if json.Unmarshal(line, &e) != nil || e.Path == "" {
			continue
		}
		if e.File != nil {
			p.rec.Files[e.Path] = *e.File
		} else {
			delete(p.rec.Files, e.Path)
		}
	}
}

// lock keeps two publishes from one folder from running at once: a file
// made only if absent, touched while the publish runs; one left untouched
// for lockStale by a stopped publish is taken over.
func (p *publisher) lock() (func(), error) {
	at := besidePath(p.to.Path) + lockSuffix
	if p.recordAt != "" {
		at = p.recordAt + lockSuffix
	}
	host, _ := os.Hostname()
	body := fmt.Sprintf("%s %d %s\n", host, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	try := func(at string) error {
		f, err := p.c.OpenFile(at, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
		if err != nil {
			return err
		}
		bookkeeping(f)
		f.Write([]byte(body))
		return f.Close()
	}
	err := try(at)
	if err != nil && p.recordAt == "" {
		if fi, serr := p.c.Stat(path.Dir(at)); serr == nil && fi.IsDir() {
			if _, serr := p.c.Stat(at); errors.Is(serr, fs.ErrNotExist) {
				// The parent cannot be written: the record goes inside.
				if mkErr := p.c.MkdirAll(p.to.Path); mkErr == nil {
					at = p.remote(insideName) + lockSuffix
					err = try(at)
				}
			}
		}
	}
	if err != nil {
		fi, serr := p.c.Stat(at)
		if serr != nil {
			return nil, galley.Errorf(galley.EInternal, "Cannot write on %s beside %s: %v; nothing was published.", p.to.Host, p.to.Path, err)
		}
		who := ""
		if f, oerr := p.c.Open(at); oerr == nil {
			var b bytes.Buffer
			b.ReadFrom(f)
			f.Close()
			who = strings.TrimSpace(b.String())
		}
		// A lock from this machine whose process is gone was left by a
		// publish that crashed or was killed: no need to wait it out.
		var lockHost string
		var lockPid int
		fmt.Sscanf(who, "%s %d", &lockHost, &lockPid)
		crashed := lockHost == host && lockPid > 0 && processGone(lockPid)
		if time.Since(fi.ModTime()) < lockStale && !crashed {
			return nil, galley.Errorf(galley.EBusy, "Another publish to %s is under way (from %s); nothing was published. Try again when it is done.", p.to, who)
		}
		p.c.Remove(at)
		if err := try(at); err != nil {
			return nil, galley.Errorf(galley.EBusy, "Another publish to %s has just begun; nothing was published. Try again when it is done.", p.to)
		}
	}
	stopTouch := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(lockRefresh)
		defer t.Stop()
		for {
			select {
			case <-stopTouch:
				return
			case now := <-t.C:
				p.c.Chtimes(at, now, now)
			}
		}
	}()
	return func() {
		close(stopTouch)
		wg.Wait()
		p.c.Remove(at)
	}, nil
}
