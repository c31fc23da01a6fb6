package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"app.galley/galley/internal/store"
)

// cmdBackup writes a backup of the library: into its backup folder
// (rotated), or to --out FILE.
func cmdBackup(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("backup", &db)
	out := fl.String("out", "", "write the backup to this file instead of the library's backup folder")
	list := fl.Bool("list", false, "list the backups in the library's backup folder")
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	if fl.NArg() > 0 {
		return usageError{"backup takes no arguments besides its flags"}
	}
	path, _, err := libraryPath(db, e.getenv)
	if err != nil {
		return err
	}
	if *list {
		backups, err := store.Backups(path)
		if err != nil {
			return err
		}
		if len(backups) == 0 {
			fmt.Fprintf(e.stdout, "No backups in %s yet.\n", store.BackupDir(path))
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		for _, b := range backups {
			fmt.Fprintf(tw, "%s\t%d MB\t%s\n", b.Taken.Local().Format(listTimeLayout), (b.Size+1<<19)>>20, b.Path)
		}
		return tw.Flush()
	}
	st, err := openLibrary(ctx, db, e)
	if err != nil {
		return err
	}
	defer st.Close()
	dest := *out
	if dest == "" {
		dest, err = st.BackupNow(ctx)
	} else {
		err = st.Backup(ctx, dest)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backed up %s to %s.\n", st.Path(), dest)
	return nil
}

// cmdRestore replaces the library with a backup, after checking the
// backup and keeping the library as it was.
func cmdRestore(ctx context.Context, args []string, db string, e env) error {
	fl := newFlags("restore", &db)
	if err := fl.Parse(args); err != nil {
		return flagError(err)
	}
	backup, err := oneArg(fl, "backup file")
	if err != nil {
		return err
	}
	path, _, err := libraryPath(db, e.getenv)
	if err != nil {
		return err
	}
	kept, err := store.Restore(ctx, backup, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Restored %s from %s.\n", path, backup)
	if kept != "" {
		fmt.Fprintf(e.stdout, "The library as it was is kept as %s.\n", kept)
	}
	return nil
}
