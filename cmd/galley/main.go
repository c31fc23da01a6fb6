// Command galley is the Galley editorial desk: with no subcommand it opens
// the GUI; its subcommands import, export and list the pieces of a library.
package main

import (
	// Time zones for the site's time-zone setting, where the system has
	// no zone database (Windows, minimal containers).
	_ "time/tzdata"

	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"app.galley/galley/assets"
	// Before Fyne initialises: see the package comment.
	"app.galley/galley/internal/bundle"
	_ "app.galley/galley/internal/envlocale"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// version is Galley's version; keep it in step with FyneApp.toml.
const version = "0.1.0"

const usage = `Galley — the editorial desk for Q&A interviews, analysis and testimony.

Usage:
  galley [--db PATH]                          open the editing desk
  galley [--db PATH] list [--query TEXT] [--status S] [--topic NAME] [--type NAME] [--limit N]
                                              list pieces, newest first
  galley [--db PATH] import [--overwrite] PATH
                                              import a bundle folder or .zip (all or nothing)
  galley [--db PATH] export json --out PATH   write every piece as a bundle (a folder, or PATH.zip)
  galley [--db PATH] html --out DIR [--piece SLUG ...] [--include-drafts] [--fragment [--body-only]]
         [--site-name NAME] [--base-url URL] [--date-style long|ap] [--language TAG] [--time-zone ZONE] [--templates DIR]
         [--keep-photo-metadata] [--replace]  export publish-ready HTML; --replace lets it replace a site
                                              another library exported, or remove most of its pages
  galley [--db PATH] publish [--to sftp://USER@HOST[:PORT]/PATH | --to GIT-REMOTE --branch NAME]
         [--dry-run] [--replace] [--keep-photo-metadata] [site flags]
                                              export the site and upload what changed to the web
                                              server (SSH keys from ssh-agent or ~/.ssh, the host
                                              key checked against ~/.ssh/known_hosts)
  galley [--db PATH] settings [set NAME VALUE | unset NAME]
                                              the site's settings, kept in the library for every
                                              editor: site-name, base-url, language, time-zone, date-style,
                                              feed, redirects, templates, publish-to (flags override them
                                              for a run)
  galley [--db PATH] site-files [add FILE [--as NAME] | remove NAME]
                                              the site's own files (favicon, logo, CNAME, _redirects,
                                              robots.txt), kept in the library and copied to the top of
                                              every site export
  galley [--db PATH] topics [rename OLD NEW | merge FROM INTO]
                                              list the topics and how many pieces carry each, rename
                                              one on every piece, or fold one into another; the old
                                              topic's page on the site sends readers to the new one
  galley [--db PATH] checks [--language LANG] SLUG
                                              print the piece's failing pre-publish checks, spelling
                                              included, one a line; exit status 1 when any fails
  galley [--db PATH] revisions SLUG           list a piece's revisions, newest first
  galley [--db PATH] restore-revision SLUG N  make revision N the piece's text again (as a new revision)
  galley [--db PATH] photos add --piece SLUG FILE...
                                              add photos, their empty words filled from the files' IPTC/XMP
  galley [--db PATH] delete SLUG              move a piece to the trash
  galley [--db PATH] trash [list | restore SLUG | empty]
                                              deleted pieces wait 30 days in the trash
  galley [--db PATH] backup [--out FILE | --list]
                                              back the library up (beside it, rotated, unless --out)
  galley [--db PATH] restore FILE             replace the library with a checked backup (the old one is kept)
  galley copy FROM TO                         copy a whole library between a file and a team library
                                              (postgres://…); TO must be new or empty
  galley team init ADDRESS                    set up a team library's writer and editor roles
  galley --db ADDRESS team add USER --role writer|editor
                                              let a database user in (the server enforces the role)
  galley [--db PATH] sample                   add the sample desk to the library
  galley [--db PATH] check                    read the whole library file looking for damage
  galley version                              print the version

The library is --db PATH (a file, or a team library's postgres://
address), else $GALLEY_DB, else
$XDG_DATA_HOME/galley/library.galley (~/.local/share/galley/library.galley),
created with the sample desk on first use. Any other path must hold a
library (a mistyped one is refused, nothing made there) but for import and
sample, which make a new library where there is none.

Exit status: 0 done, 1 failed (the library is unchanged), 2 a mistake in
the command line, 130 or 143 stopped by Ctrl+C or SIGTERM (cancelled; the
next run clears what it left).
`

// env is what a command reads from its surroundings; tests supply their own.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// gui opens the desk; nil in tests, which never open a window.
	gui func(path string, isDefault bool) error
}

func main() {
	os.Exit(runProcess(os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, gui: runGUI}))
}

// cancelSignals cancel a running command: Ctrl-C in a terminal (SIGINT),
// and the request to stop that kill(1), systemd, cron and CI runners send
// (SIGTERM).
var cancelSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM}

// signalled is why a command was cancelled: the signal the process got.
type signalled struct{ sig os.Signal }

func (s signalled) Error() string { return "cancelled by " + s.sig.String() }

// runProcess runs one invocation as the galley process: SIGINT and SIGTERM
// cancel the running command, which stops, removes its temporary files
// and leaves the library and what it was writing as they were; the exit
// status is then 128 plus the signal's number (130 for SIGINT, 143 for
// SIGTERM), as shells report a process the signal ended. A second signal
// ends the process at once, should stopping hang.
func runProcess(args []string, e env) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, cancelSignals...)
	defer signal.Stop(sigs)
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs)
			cancel(signalled{s})
		case <-ctx.Done():
		}
	}()
	if gui := e.gui; gui != nil {
		e.gui = func(path string, isDefault bool) error {
			// The desk does not stop on ctx: SIGTERM ends it as it
			// always has, rather than being swallowed.
			signal.Reset(syscall.SIGTERM)
			return gui(path, isDefault)
		}
	}
	return run(ctx, args, e)
}

// usageError marks a mistake in how the command was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// cancelledError is the error of a command that was cancelled, saying
// what it left as it was, for the line run prints.
type cancelledError struct{ unchanged string }

func (c cancelledError) Error() string { return "cancelled; " + c.unchanged }

// run runs one invocation and returns its exit status: 0 for success, 1 for
// an error, 2 for a usage mistake, and for a command cancelled by a signal
// 128 plus its number (see runProcess).
func run(ctx context.Context, args []string, e env) int {
	err := dispatch(ctx, args, e)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(e.stdout, usage)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "galley: %s\n\n%s", ue.msg, usage)
		return 2
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		// Whatever the command was doing when it stopped (a query
		// interrupted, a file half-read) is not news: that it was
		// cancelled is. Go's "context canceled" says neither.
		msg := "cancelled"
		var ce cancelledError
		if errors.As(err, &ce) {
			msg = ce.Error()
		}
		fmt.Fprintf(e.stderr, "galley: %s.\n", msg)
		return cancelledStatus(ctx)
	default:
		fmt.Fprintf(e.stderr, "galley: %s\n", galley.ErrorMessage(err))
		return 1
	}
}

// cancelledStatus is the exit status of a cancelled command: 128 plus the
// number of the signal that cancelled it, 130 (as for SIGINT) otherwise.
func cancelledStatus(ctx context.Context) int {
	var s signalled
	if errors.As(context.Cause(ctx), &s) {
		if n, ok := s.sig.(syscall.Signal); ok {
			return 128 + int(n)
		}
	}
	return 128 + int(syscall.SIGINT)
}

func dispatch(ctx context.Context, args []string, e env) error {
	fl := flag.NewFlagSet("galley", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	db := fl.String("db", "", "library file")
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	args = fl.Args()
	if len(args) == 0 {
		path, isDefault, err := libraryPath(*db, e.getenv)
		if err != nil {
			return err
		}
		if e.gui == nil {
			return errors.New("the desk cannot open here")
		}
		return e.gui(path, isDefault)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "list":
		return cmdList(ctx, rest, *db, e)
	case "import":
		return cmdImport(ctx, rest, *db, e)
	case "export":
		return cmdExport(ctx, rest, *db, e)
	case "sample":
		return cmdSample(ctx, rest, *db, e)
	case "check":
		return cmdCheck(ctx, rest, *db, e)
	case "html":
		return cmdHTML(ctx, rest, *db, e)
	case "checks":
		return cmdChecks(ctx, rest, *db, e)
	case "revisions":
		return cmdRevisions(ctx, rest, *db, e)
	case "restore-revision":
		return cmdRestoreRevision(ctx, rest, *db, e)
	case "trash":
		return cmdTrash(ctx, rest, *db, e)
	case "delete":
		return cmdDelete(ctx, rest, *db, e)
	case "backup":
		return cmdBackup(ctx, rest, *db, e)
	case "photos":
		return cmdPhotos(ctx, rest, *db, e)
	case "restore":
		return cmdRestore(ctx, rest, *db, e)
	case "copy":
		return cmdCopy(ctx, rest, *db, e)
	case "team":
		return cmdTeam(ctx, rest, *db, e)
	case "publish":
		return cmdPublish(ctx, rest, *db, e)
	case "settings":
		return cmdSettings(ctx, rest, *db, e)
	case "topics":
		return cmdTopics(ctx, rest, *db, e)
	case "site-files":
		return cmdSiteFiles(ctx, rest, *db, e)
	case "version", "--version":
		fmt.Fprintf(e.stdout, "galley %s\n", version)
		return nil
	case "help", "-h", "--help":
		return flag.ErrHelp
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError{err.Error()}
}

// newFlags makes a subcommand's flag set, which also takes --db so it can
// come after the subcommand name.
func newFlags(name string, db *string) *flag.FlagSet {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	fl.StringVar(db, "db", *db, "library file")
	return fl
}

// libraryPath picks the library: --db, else $GALLEY_DB, else the default
// file in the user's data folder. isDefault reports the last case.
func libraryPath(flagDB string, getenv func(string) string) (path string, isDefault bool, err error) {
	if flagDB != "" {
		return flagDB, false, nil
	}
	if p := getenv("GALLEY_DB"); p != "" {
		return p, false, nil
	}
	dir := getenv("XDG_DATA_HOME")
	if dir == "" || !filepath.IsAbs(dir) { // the XDG spec says to ignore relative paths
		home := getenv("HOME")
		if home == "" {
			return "", false, errors.New("cannot find your home folder to keep the library in; set GALLEY_DB or use --db PATH")
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "galley", "library.galley"), true, nil
}

// openLibrary opens the chosen library, which must exist: a command that
// reads a library never makes one where a mistyped path points (an empty
// library there would export an empty site over the published one). The
// default library is the exception, created on first use with the sample
// desk in it so a newcomer sees a whole piece; restore and copy's target
// make one too, never empty: the backup's or the source's.
func openLibrary(ctx context.Context, flagDB string, e env) (*store.Store, error) {
	return chooseAndOpen(ctx, flagDB, e, false)
}

// openOrCreate opens the chosen library, making it when no file is there:
// for the commands that fill a library (import, sample).
func openOrCreate(ctx context.Context, flagDB string, e env) (*store.Store, error) {
	return chooseAndOpen(ctx, flagDB, e, true)
}

func chooseAndOpen(ctx context.Context, flagDB string, e env, create bool) (*store.Store, error) {
	path, isDefault, err := libraryPath(flagDB, e.getenv)
	if err != nil {
		return nil, err
	}
	return openPath(ctx, path, isDefault, create, e.stderr)
}

// openForWriting opens the library, which must exist, for a command that
// changes it, after SQLite's quick_check of every page: nothing is written
// to a damaged library. The check reads the whole file (about a second per
// 100 MB), so commands that only read skip it; `galley check` runs it on
// its own.
func openForWriting(ctx context.Context, flagDB string, e env) (*store.Store, error) {
	return checkedForWriting(ctx, openLibrary, flagDB, e)
}

// openForFilling is openForWriting for import and sample, which make the
// library when there is none.
func openForFilling(ctx context.Context, flagDB string, e env) (*store.Store, error) {
	return checkedForWriting(ctx, openOrCreate, flagDB, e)
}

func checkedForWriting(ctx context.Context, open func(context.Context, string, env) (*store.Store, error), flagDB string, e env) (*store.Store, error) {
	st, err := open(ctx, flagDB, e)
	if err != nil {
		return nil, err
	}
	if err := st.QuickCheck(ctx); err != nil {
		path := st.Path()
		st.Close()
		if backup := newestGoodBackup(ctx, path); backup != "" {
			return nil, galley.Errorf(galley.ErrorCode(err), "%s The newest good backup is %s: `galley restore %q` puts it in place (the damaged library is kept).", galley.ErrorMessage(err), backup, backup)
		}
		return nil, err
	}
	return st, nil
}

// newestGoodBackup is the newest backup beside the library that passes
// its check, or "".
func newestGoodBackup(ctx context.Context, libraryPath string) string {
	list, err := store.Backups(libraryPath)
	if err != nil {
		return ""
	}
	for _, b := range list {
		if store.CheckBackup(ctx, b.Path) == nil {
			return b.Path
		}
	}
	return ""
}

// openPath opens the library at path. Where no file is there, the
// default library is made with the sample desk in it and, when create is
// set, any other is made empty; otherwise missingLibrary says so.
func openPath(ctx context.Context, path string, isDefault, create bool, log io.Writer) (*store.Store, error) {
	fresh := false
	if !store.IsServerAddress(path) {
		_, statErr := os.Stat(path)
		fresh = errors.Is(statErr, fs.ErrNotExist)
	}
	if fresh && !isDefault && !create {
		return nil, missingLibrary(path)
	}
	if fresh && isDefault {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create the library folder: %w", err)
		}
	}
	st, err := store.Open(path)
	if err != nil {
		return nil, err
	}
	if fresh && isDefault {
		if _, err := importSample(ctx, st); err != nil {
			st.Close()
			return nil, fmt.Errorf("add the sample desk to the new library: %w", err)
		}
		fmt.Fprintf(log, "galley: created the library %s with the sample desk\n", path)
	}
	return st, nil
}

// missingLibrary is the error for a library path where there is no file.
func missingLibrary(path string) error {
	return galley.Errorf(galley.ENotFound, "There is no library at %s; nothing was done. Check the path (a new library is made by `galley --db PATH import BUNDLE` or `galley --db PATH sample`).", path)
}

func importSample(ctx context.Context, st *store.Store) (galley.ImportReport, error) {
	b, err := bundle.OpenFS(assets.Sample(), "the sample desk")
	if err != nil {
		return galley.ImportReport{}, err
	}
	// Pieces of the sample an editor has already changed are kept as they are.
	return st.Import(ctx, b.Pieces, b.ReadImage, store.ImportOptions{KeepExisting: true})
}

// oneArg checks that exactly one positional argument was given.
func oneArg(fl *flag.FlagSet, what string) (string, error) {
	switch fl.NArg() {
	case 1:
		return fl.Arg(0), nil
	case 0:
		return "", usageError{fmt.Sprintf("%s: which %s?", fl.Name(), what)}
	}
	return "", usageError{fmt.Sprintf("%s takes one %s, not %s", fl.Name(), what, strings.Join(fl.Args(), " "))}
}
