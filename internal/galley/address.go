package galley

import (
	"slices"
)

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

// Lacks reports whether any of names has no address in a.
func (a Addresses) Lacks(names []string) bool {
	return slices.ContainsFunc(names, func(n string) bool {
		_, ok := a.Slugs[NameKey(n)]
		return !ok
	})
}

// GivenAddress is an address given to a name that had none: the name's
// NameKey and its slug.
type GivenAddress struct{ Key, Slug string }

// Give gives the names that have no address in a theirs, in a itself, and
// returns them in the order of their keys. Each gets its slug or, if
// another name has or had that one, the first of slug-2, slug-3… free; a
// name's own former address that is its slug becomes its page again.
// Exports before the library kept addresses gave them this way, in this
// order, so a site published then keeps its addresses. Slugs and Former
// must not be nil.
func (a Addresses) Give(names []string) []GivenAddress {
	var keys []string
	first := map[string]string{}
	for _, n := range names {
		k := NameKey(n)
		if _, ok := a.Slugs[k]; !ok && first[k] == "" {
			first[k] = n
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	used := map[string]bool{}
	for _, slug := range a.Slugs {
		used[slug] = true
	}
	for slug := range a.Former {
		used[slug] = true
	}
	var made []GivenAddress
	for _, k := range keys {
		base := Slugify(first[k])
		slug := base
		if a.Former[base] != k { // a name's own former address is its own
			for i := 2; used[slug]; i++ {
				slug = NumberedSlug(base, i)
			}
		}
		delete(a.Former, slug)
		used[slug] = true
		a.Slugs[k] = slug
		made = append(made, GivenAddress{k, slug})
	}
	return made
}
