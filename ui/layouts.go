package ui

// The time layouts the desk shows, each named once, so that two places
// showing the same kind of time cannot drift apart. Galley's own layouts,
// shared with the exports, the bundles and the command line
// (galley.ShownTimeLayout, galley.LongDateLayout…), are in
// internal/galley; TestTheDeskNamesEveryTimeLayout keeps literal layouts
// out of the rest of ui.
const (
	// clockLayout is the time of day the desk's state lines show ("Saved
	// 14:05", "Updated from another desk at …", who is editing since when).
	clockLayout = "15:04"
	// recentLayout is an instant of the last weeks, short and in the
	// editor's zone: when a piece in the trash was deleted, when a change
	// was kept on this computer while the team library was out of reach.
	recentLayout = "Jan 2, 15:04"
	// backupLayout is when a backup was taken, in the list to restore one
	// from: the day of the week is how an editor thinks of a daily backup
	// ("Tuesday's").
	backupLayout = "Mon Jan 2, 2006 15:04"
	// shelfDateLayout is a piece's publication day on the shelf's lines.
	shelfDateLayout = "Jan 2, 2006"
)
