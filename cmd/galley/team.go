package main

import (
	"context"
	"fmt"
	"strings"

	"app.galley/galley/internal/store"
)

// cmdTeam sets up a team library's roles (init) and its members (add).
// The server enforces the roles: a writer drafts, edits and sends to
// review; an editor also marks pieces ready or published, deletes them,
// empties the trash and renames or merges topics.
func cmdTeam(ctx context.Context, args []string, db string, e env) error {
	if len(args) == 0 {
		return usageError{"team: init ADDRESS, or add USER --role writer|editor"}
	}
	switch args[0] {
	case "init":
		fl := newFlags("team init", &db)
		if err := fl.Parse(args[1:]); err != nil {
			return flagError(err)
		}
		address, err := oneArg(fl, "team library address (postgres://…)")
		if err != nil {
			return err
		}
		if !store.IsServerAddress(address) {
			return usageError{"team init: a team library lives on a PostgreSQL server: give its postgres:// address"}
		}
		if err := store.InitTeam(ctx, address); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "The team library %s is ready: add its members with galley --db ADDRESS team add USER --role writer|editor.\n", store.Shown(address))
		return nil
	case "add":
		fl := newFlags("team add", &db)
		role := fl.String("role", "writer", "writer or editor")
		rest := args[1:]
		if len(rest) > 1 && !strings.HasPrefix(rest[0], "-") {
			// "add USER --role R": the user first, as people write it.
			rest = append(append([]string{}, rest[1:]...), rest[0])
		}
		if err := fl.Parse(rest); err != nil {
			return flagError(err)
		}
		user, err := oneArg(fl, "database user")
		if err != nil {
			return err
		}
		if !store.IsServerAddress(db) {
			return usageError{"team add: name the team library with --db postgres://…"}
		}
		if err := store.AddToTeam(ctx, db, user, *role); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is a%s %s of %s.\n", user, map[bool]string{true: "n", false: ""}[*role == "editor"], *role, store.Shown(db))
		return nil
	}
	return usageError{fmt.Sprintf("team: unknown %q (init or add)", args[0])}
}
