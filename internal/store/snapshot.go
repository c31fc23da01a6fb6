package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"app.galley/galley/internal/galley"
)

// Snapshot is a consistent, read-only view of the library for long reads
// such as an export: everything read through it comes from the moment it
// was taken, whatever is saved meanwhile. Close it when done; an open
// snapshot keeps SQLite from recycling its write-ahead log.
type Snapshot struct {
	s  *Store
	tx *txn
	// one is held by each read of a team library's snapshot: its
	// transaction is one server connection, which answers one query at a
	// time, while an export reads from several goroutines. (A file's
	// connection takes them in turn by itself.)
	one sync.Mutex
}

// lock takes the snapshot's connection for one read, where it must be
// taken; the returned function lets it go.
func (sn *Snapshot) lock() func() {
	if !sn.s.onServer() {
		return func() {}
	}
	sn.one.Lock()
	return sn.one.Unlock
}

// Snapshot takes a snapshot of the library.
func (s *Store) Snapshot(ctx context.Context) (*Snapshot, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	// A deferred transaction takes its snapshot at the first read.
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM types`).Scan(&n); err != nil {
		tx.Rollback()
		return nil, s.txError(err)
	}
	return &Snapshot{s: s, tx: tx}, nil
}

// Close releases the snapshot.
func (sn *Snapshot) Close() error { return sn.tx.Rollback() }

// Piece loads a whole piece.
func (sn *Snapshot) Piece(ctx context.Context, id int64) (*galley.Piece, error) {
	defer sn.lock()()
	return sn.s.loadPiece(ctx, sn.tx, id)
}

// ImageData returns the bytes of a stored image.
func (sn *Snapshot) ImageData(ctx context.Context, hash string) ([]byte, error) {
	defer sn.lock()()
	return sn.s.imageData(ctx, sn.tx, hash)
}

// Catalog lists the pieces with one of the given statuses (all pieces when
// none is given), newest first, as entries: the details lists and cards
// show. It reads the whole library in five queries (pieces, bylines,
// topics, photos, related), not five per piece.
func (sn *Snapshot) Catalog(ctx context.Context, statuses ...galley.Status) ([]galley.Entry, error) {
	defer sn.lock()()
	c := &catalog{byID: map[int64]int{}}
	steps := []func(context.Context, querier) error{
		func(ctx context.Context, q querier) error { return c.pieces(ctx, q, statuses) },
		c.bylines, c.topics, c.photos, c.related,
	}
	for _, step := range steps {
		if err := step(ctx, sn.tx); err != nil {
			return nil, fmt.Errorf("catalog: %w", sn.s.txError(err))
		}
	}
	return c.entries, nil
}

// catalog is Catalog's work in progress: the entries read so far, and
// where each piece's entry is, so each later query (ordered by piece)
// adds its rows to the entry they belong to.
type catalog struct {
	entries []galley.Entry
	byID    map[int64]int
}

// pieces reads the pieces' own columns, newest first.
func (c *catalog) pieces(ctx context.Context, q querier, statuses []galley.Status) error {
	where, args := "", []any{}
	if len(statuses) > 0 {
		where = " WHERE p.status IN (?" + strings.Repeat(",?", len(statuses)-1) + ")"
		for _, st := range statuses {
			args = append(args, string(st))
		}
	}
	return queryEach(ctx, q, `
		SELECT p.id, p.version, p.slug, p.title, coalesce(t.name, ''), p.status, coalesce(p.published, ''),
			p.summary, p.lang, p.formerly, p.created, p.updated
		FROM pieces p LEFT JOIN types t ON t.id = p.type_id`+where+`
		ORDER BY p.sort_day DESC, p.id DESC`, args, func(r *sql.Rows) error {
		var e galley.Entry
		var status, published, formerly, created, updated string
		if err := r.Scan(&e.ID, &e.Version, &e.Slug, &e.Title, &e.Type, &status, &published, &e.Summary, &e.Lang, &formerly, &created, &updated); err != nil {
			return err
		}
		e.Status, e.Formerly = galley.Status(status), splitLines(formerly)
		var err error
		if e.Published, err = galley.ParseDate(published); err != nil {
			return err
		}
		if e.Created, err = parseTime(created); err != nil {
			return err
		}
		if e.Updated, err = parseTime(updated); err != nil {
			return err
		}
		c.byID[e.ID] = len(c.entries)
		c.entries = append(c.entries, e)
		return nil
	})
}

// entry is the entry of piece id, or nil when the catalog leaves it out
// (a status not asked for).
func (c *catalog) entry(id int64) *galley.Entry {
	if i, ok := c.byID[id]; ok {
		return &c.entries[i]
	}
	return nil
}

// bylines adds each piece's contributors, in their order.
func (c *catalog) bylines(ctx context.Context, q querier) error {
	return queryEach(ctx, q, `
		SELECT pc.piece_id, c.id, c.name, c.role FROM piece_contributors pc JOIN contributors c ON c.id = pc.contributor_id
		ORDER BY pc.piece_id, pc.position`, nil, func(r *sql.Rows) error {
		var pid int64
		var p galley.Contributor
		if err := r.Scan(&pid, &p.ID, &p.Name, &p.Role); err != nil {
			return err
		}
		if e := c.entry(pid); e != nil {
			e.Contributors = append(e.Contributors, p)
		}
		return nil
	})
}

// topics adds each piece's topics, in their order.
func (c *catalog) topics(ctx context.Context, q querier) error {
	return queryEach(ctx, q, `
		SELECT pt.piece_id, t.name FROM piece_topics pt JOIN topics t ON t.id = pt.topic_id
		ORDER BY pt.piece_id, pt.position`, nil, func(r *sql.Rows) error {
		var pid int64
		var name string
		if err := r.Scan(&pid, &name); err != nil {
			return err
		}
		if e := c.entry(pid); e != nil {
			e.Topics = append(e.Topics, name)
		}
		return nil
	})
}

// photos adds each piece's images and its lead photo.
func (c *catalog) photos(ctx context.Context, q querier) error {
	return queryEach(ctx, q, `
		SELECT ph.piece_id, ph.id, i.sha256, i.mime, i.width, i.height, i.size, ph.alt, ph.decorative, ph.caption, ph.credit, ph.lead
		FROM photos ph JOIN images i ON i.id = ph.image_id ORDER BY ph.piece_id, ph.position`, nil, func(r *sql.Rows) error {
		var pid int64
		var ph galley.Photo
		if err := r.Scan(&pid, &ph.ID, &ph.Image.Hash, &ph.Image.MIME, &ph.Image.Width, &ph.Image.Height, &ph.Image.Size,
			&ph.Alt, &ph.Decorative, &ph.Caption, &ph.Credit, &ph.Lead); err != nil {
			return err
		}
		e := c.entry(pid)
		if e == nil {
			return nil
		}
		e.Images = append(e.Images, ph.Image)
		if ph.Lead {
			e.Lead = &ph
		}
		return nil
	})
}

// related adds each piece's related pieces, in their order.
func (c *catalog) related(ctx context.Context, q querier) error {
	return queryEach(ctx, q, `SELECT piece_id, related_id FROM related ORDER BY piece_id, position`, nil, func(r *sql.Rows) error {
		var pid, rid int64
		if err := r.Scan(&pid, &rid); err != nil {
			return err
		}
		if e := c.entry(pid); e != nil {
			e.Related = append(e.Related, rid)
		}
		return nil
	})
}
