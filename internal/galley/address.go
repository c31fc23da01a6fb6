package galley

// Addresses are the pages of one kind of name on the published site — the
// topics, types or people — as the library keeps them: once a name has
// its address it keeps it, and an address never passes to another name.
type Addresses struct {
	// Slugs gives each name's page by its NameKey.
	Slugs map[string]string
	// Former holds the addresses of names since renamed or merged: each
	// slug, by the NameKey of the name whose page it now leads to.
	Former map[string]string
	// Unkept says why the addresses just given to new names could not be
	// kept in the library (a read-only file, a role the server refuses):
	// the next export may give those names others. Nil when all are kept.
	Unkept error
}
