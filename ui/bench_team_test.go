//go:build linux

package ui

import (
	"context"
	"testing"

	"app.galley/galley/internal/pgtest"
	"app.galley/galley/internal/store"
)

// BenchmarkDeskOpenTeam opens the 100,000-piece library (2,000 under
// -short) as a team library on a PostgreSQL server of its own (PostgreSQL's
// own settings), to the first frame and ready, as BenchmarkDeskOpenLarge
// does for the file: the goal is the same first frame. The copy into the
// server is made once, before the timing.
func BenchmarkDeskOpenTeam(b *testing.B) {
	srv := pgtest.Start(b, pgtest.AsShipped())
	address := srv.NewDatabase(b)
	from, err := store.Open(largeLibraryPath(b))
	if err != nil {
		b.Fatal(err)
	}
	to, err := store.Open(address)
	if err != nil {
		b.Fatal(err)
	}
	err = from.CopyInto(context.Background(), to)
	from.Close()
	to.Close()
	if err != nil {
		b.Fatal(err)
	}
	benchmarkOpen(b, address)
}
