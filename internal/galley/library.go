package galley

import "time"

// Summary is the line a piece gets in a list: enough to recognise and open
// it, without its text, Q&A or photos.
type Summary struct {
	ID        int64
	Slug      string
	Title     string
	Type      string
	Status    Status
	Published Date
	Updated   time.Time
}

// Filter narrows a list of pieces. Zero fields do not filter.
type Filter struct {
	// Query is full-text search as the editor types it: every word must
	// appear (in any field), and each word also matches as a prefix, so
	// "ceas" finds "ceasefire".
	Query  string
	Status Status
	Type   string // type name
	Topic  string // topic name
	Limit  int    // 0 means no limit
	Offset int
}

// Topic is one entry of the topic vocabulary.
type Topic struct {
	ID     int64
	Name   string
	Pieces int // how many pieces carry it
}

// Type is one entry of the managed list of piece types.
type Type struct {
	ID     int64
	Name   string
	Pieces int
}

// ImportReport says what an import did.
type ImportReport struct {
	Created   []string // slugs of new pieces
	Updated   []string // slugs of pieces that changed
	Unchanged []string // slugs of pieces the bundle left as they were
	Kept      []string // slugs already in the library, left alone on request
	// KeptEdited are pieces from another system edited in the library
	// since their last import and left as they are: their posts had not
	// changed, or the import was told to keep the library's edits.
	KeptEdited []string
}

// Entry is what lists, cards and feeds show of a piece: enough for a
// "Related Publications" card or an index line, without the text, Q&A and
// other photos.
type Entry struct {
	ID           int64
	Version      int64
	Slug         string
	Title        string
	Type         string
	Status       Status
	Published    Date
	Summary      string
	Lang         string   // the piece's language when not the site's (Piece.Lang)
	Formerly     []string // its addresses on the site it came from (Piece.Formerly)
	Created      time.Time
	Updated      time.Time
	Contributors []Contributor
	Topics       []string
	Lead         *Photo  // the lead photo, or nil
	Images       []Image // the images of all its photos, in order
	Related      []int64 // IDs of the related publications, in order
}

// Vocabulary is the library's shared names, as editors choose from them:
// types in their managed order, topics and contributors alphabetically.
// It carries no piece counts, so it is quick to read at any size.
type Vocabulary struct {
	Types        []string
	Topics       []string
	Contributors []Contributor // ID, Name and Role
}

// Revision is one step in a piece's history: the piece as it stood after
// the saves gathered into it.
type Revision struct {
	Number  int       // 1 for the first, counting up
	Started time.Time // the first save gathered into it
	Saved   time.Time // the last
	Author  string    // who saved (the operating system's user name)
	Status  Status
	Version int64 // the piece's version after the last save
	// Change says what made the revision when it was not an editor's
	// save ("import", "revision restored", "topic renamed" …); "" for an
	// editor's own saves.
	Change string
}

// Presence is a desk that has a piece of a team library open.
type Presence struct {
	Who     string    // the database user's name
	PieceID int64     // the piece open, 0 for none
	Since   time.Time // when it was opened
}

// TrashEntry is a deleted piece waiting in the trash.
type TrashEntry struct {
	ID      int64 // the entry's
	PieceID int64 // the ID the piece had, and gets back when restored
	Title   string
	Slug    string
	Deleted time.Time
	Author  string
}

// LibraryPhoto is one image in the photo library: the words of its most
// recent photo, and how many photos (across pieces) show it.
type LibraryPhoto struct {
	Photo Photo // Image, and the words of its latest use
	Uses  int
}
