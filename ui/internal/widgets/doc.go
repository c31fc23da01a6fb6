// Package widgets holds the desk's small Fyne widgets that know nothing
// of pieces, the library or the desk: they are kept apart from package ui
// so that each can be read, changed and tested headless on its own,
// without a desk or a library behind it, and so that what package ui
// reaches of them is only what it exports.
package widgets
