package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"app.galley/galley/internal/galley"
)

// Address kinds: the site's folders of list pages.
const (
	AddressTopics = "topics"
	AddressTypes  = "types"
	AddressPeople = "people"
)

// Addresses gives each of names, of kind (AddressTopics, AddressTypes,
// AddressPeople), its page's address on the published site: the one the
// library keeps for it, or for a name without one yet, a new one made
// from the name and kept from now on. New names are given addresses in
// the order of their NameKeys, each the name's slug or, if another name
// has or had that one, the first of slug-2, slug-3… free, as exports
// before the library kept addresses gave them, so a site published then
// keeps its addresses. A name renamed back to one it had before takes
// its old address again when that is its slug.
//
// The addresses are read from the snapshot; only new ones are written,
// in a write transaction of their own that reads them again under the
// write lock (another desk may be exporting too). An export is a read and
// must not wait for a long write (an import of thousands of pieces): the
// lock is waited for only AddressLockWait. When the write cannot be made,
// the addresses are given all the same, the same way, and Unkept says
// why; the next export, given the same names, gives the same addresses
// and keeps them. Without keep, new names are given addresses the same
// way and none is written: a preview or a copy of one piece is a read,
// and a name only a draft carries has no page on the published site.
func (sn *Snapshot) Addresses(ctx context.Context, kind string, names []string, keep bool) (galley.Addresses, error) {
	unlock := sn.lock()
	a, err := sn.s.readAddresses(ctx, sn.tx, kind)
	unlock()
	if err != nil {
		return galley.Addresses{}, err
	}
	if !a.Lacks(names) {
		return a, nil
	}
	if !keep {
		a.Give(names)
		return a, nil
	}
	kept, err := sn.s.keepAddresses(WithLockWait(ctx, AddressLockWait), kind, names)
	if err != nil {
		a.Give(names) // given here, in memory, the same way
		a.Unkept = err
		return a, nil
	}
	return kept, nil
}

// AddressLockWait is how long an export waits for another program's write
// to keep the addresses of new names.
const AddressLockWait = 500 * time.Millisecond

// keepAddresses gives names without an address theirs and writes them.
func (s *Store) keepAddresses(ctx context.Context, kind string, names []string) (galley.Addresses, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return galley.Addresses{}, err
	}
	defer tx.Rollback()
	a, err := s.readAddresses(ctx, tx, kind)
	if err != nil {
		return galley.Addresses{}, err
	}
	for _, n := range a.Give(names) {
		// A former address of the name itself becomes its page again.
		_, err := tx.ExecContext(ctx, `
			INSERT INTO addresses (kind, slug, key, live) VALUES (?, ?, ?, ?)
			ON CONFLICT (kind, slug) DO UPDATE SET live = excluded.live`, kind, n.Slug, n.Key, true)
		if err != nil {
			return galley.Addresses{}, s.txError(err)
		}
	}
	return a, s.commit(tx)
}

// readAddresses reads the addresses of kind.
func (s *Store) readAddresses(ctx context.Context, tx *txn, kind string) (galley.Addresses, error) {
	a := galley.Addresses{Slugs: map[string]string{}, Former: map[string]string{}}
	err := queryEach(ctx, tx, `SELECT slug, key, live FROM addresses WHERE kind = ?`, []any{kind}, func(r *sql.Rows) error {
		var slug, key string
		var live bool
		if err := r.Scan(&slug, &key, &live); err != nil {
			return err
		}
		// Slugs become file names: one that is not (a library edited by
		// other means) never reaches the file system.
		if err := galley.CheckSlug(slug); err != nil {
			return galley.Errorf(galley.EInvalid, "The library keeps an address of the %s pages that cannot be used: %s", kind, galley.ErrorMessage(err))
		}
		if live {
			a.Slugs[key] = slug
		} else {
			a.Former[slug] = key
		}
		return nil
	})
	return a, s.txError(err)
}

// moveAddresses, in a rename or merge, sends the addresses of the name
// whose NameKey was from to the name now keyed to: they become its former
// addresses, which the export makes pages that send the reader on. The
// name to gets its own address at the next export. Nothing moves when the
// key is the same (a change of case or accents NameKey does not see).
func (s *Store) moveAddresses(ctx context.Context, tx *txn, kind, from, to string) error {
	if from == to {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE addresses SET key = ?, live = ? WHERE kind = ? AND key = ?`, to, false, kind, from)
	return s.txError(err)
}

// renamedAddresses moves the addresses of the row id of table (topics,
// types, contributors), about to be renamed to name, to that name
// (moveAddresses). A row that is not there moves nothing: the rename then
// says it is not found.
func (s *Store) renamedAddresses(ctx context.Context, tx *txn, kind, table string, id int64, name string) error {
	var from string
	err := tx.QueryRowContext(ctx, `SELECT key FROM `+table+` WHERE id = ?`, id).Scan(&from)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return s.txError(err)
	}
	return s.moveAddresses(ctx, tx, kind, from, galley.NameKey(name))
}
