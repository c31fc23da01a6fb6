package ui

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/site"
	"app.galley/galley/internal/store"
)

// siteKeeper is a library that keeps the site's settings, so that every
// editor's desk and the command line export the same site.
type siteKeeper interface {
	SiteSettings(ctx context.Context) (map[string]string, error)
	SetSiteSettings(ctx context.Context, settings map[string]string) error
}

var _ siteKeeper = (*store.Store)(nil)

// legacySitePrefs are where this computer kept the site's settings before
// they lived in the library. They are moved once into a library and then
// forgotten (moveLegacySite): left in place, every library opened here
// would take them, and the desk would export another site than
// galley html does for the same library.
var legacySitePrefs = map[string]string{
	"site-name":  prefSiteName,
	"base-url":   prefBaseURL,
	"date-style": prefDateStyle,
	"templates":  prefTemplateDir,
}

// legacySite serialises the move of this computer's earlier site
// settings: the move at open and exports (job goroutines) and Settings
// (the UI goroutine) read the site's settings at once, and only one of
// them may move them.
type legacySite struct {
	mu      sync.Mutex
	refused int // 1 + libGen of the library on the desk that would not take them; 0: none did
}

// siteSettings are the site's settings as the library alone holds them,
// which is all the command line uses, so the desk exports the same site.
// It is for the UI goroutine: it never waits on, or makes, the move of
// this computer's earlier settings into the library (a write to a team
// library's server), which the open-time job and exports do.
func (d *Desk) siteSettings(ctx context.Context) (map[string]string, error) {
	return d.siteSettingsOf(ctx, d.lib, d.libGen, false)
}

// siteSettingsOf is siteSettings for lib, the library on the desk when
// the work reading them began, and gen, its libGen then; move says it
// may move this computer's earlier settings into a library with none
// (background work only).
func (d *Desk) siteSettingsOf(ctx context.Context, lib Library, gen int, move bool) (map[string]string, error) {
	k, ok := lib.(siteKeeper)
	if !ok {
		return map[string]string{}, nil
	}
	settings, err := k.SiteSettings(ctx)
	if err != nil || len(settings) > 0 || !move || !d.hasLegacySite() {
		return settings, err
	}
	// None of its own: this computer's earlier settings may move in.
	// Read again under the lock, so that of two readers at once one
	// moves them and the other finds them there.
	d.legacy.mu.Lock()
	defer d.legacy.mu.Unlock()
	if settings, err = k.SiteSettings(ctx); err != nil || len(settings) > 0 {
		return settings, err
	}
	if moved := d.moveLegacySite(ctx, k, gen); moved != nil {
		settings = moved
	}
	return settings, nil
}

// moveLegacySite writes this computer's earlier site settings into k, a
// library with none of its own, and forgets them here, returning what it
// wrote (nil when nothing was). An earlier choice that no export would
// take (the desk once accepted a base URL every export refused) is left
// out. A library that refuses them (a writer on a team library, the
// server away) still opens and exports with its own settings alone; they
// are kept for the next library opened without settings. d.legacy.mu is
// held.
func (d *Desk) moveLegacySite(ctx context.Context, k siteKeeper, gen int) map[string]string {
	if d.legacy.refused == gen+1 {
		return nil // tried once on this library's desk; a failing write each export helps no one
	}
	p := d.app.Preferences()
	moved := map[string]string{}
	found := false
	for name, key := range legacySitePrefs {
		if v := p.String(key); v != "" {
			found = true
			if checked, err := site.Check(name, v); err == nil && checked != "" {
				moved[name] = checked
			}
		}
	}
	if !found {
		return nil
	}
	if len(moved) > 0 {
		if err := k.SetSiteSettings(ctx, moved); err != nil {
			d.legacy.refused = gen + 1
			fyne.LogError("keeping this computer's earlier site settings in the library", err)
			return nil
		}
	}
	for _, key := range legacySitePrefs {
		p.RemoveValue(key)
	}
	if len(moved) == 0 {
		return nil
	}
	return moved
}

// moveLegacySiteOnOpen moves this computer's earlier site settings into
// the library just put on the desk if it has none of its own, in the
// background: the first such library opened takes them, whether or not
// it is exported from.
func (d *Desk) moveLegacySiteOnOpen() {
	if !d.hasLegacySite() {
		return
	}
	lib, gen := d.lib, d.libGen
	d.jobs.start(func(ctx context.Context) {
		if _, err := d.siteSettingsOf(ctx, lib, gen, true); err != nil {
			fyne.LogError("reading the library's site settings", err)
		}
	})
}

// hasLegacySite says whether this computer still keeps earlier site
// settings of its own.
func (d *Desk) hasLegacySite() bool {
	p := d.app.Preferences()
	for _, key := range legacySitePrefs {
		if p.String(key) != "" {
			return true
		}
	}
	return false
}

// withSite fills the site's settings into opt.
func (d *Desk) withSite(ctx context.Context, opt export.Options) (export.Options, error) {
	return d.withSiteOf(ctx, d.lib, d.libGen, false, opt)
}

// withSiteOf is withSite for lib and gen, taken on the UI goroutine when
// background work began (a library switched meanwhile is not read), with
// move as siteSettingsOf has it.
func (d *Desk) withSiteOf(ctx context.Context, lib Library, gen int, move bool, opt export.Options) (export.Options, error) {
	settings, err := d.siteSettingsOf(ctx, lib, gen, move)
	if err != nil {
		return opt, err
	}
	err = site.Apply(settings, &opt)
	return opt, err
}

// saveSiteSettings keeps what changed of the site's settings in the
// library.
func (d *Desk) saveSiteSettings(ctx context.Context, changed map[string]string) error {
	if len(changed) == 0 {
		return nil
	}
	k, ok := d.lib.(siteKeeper)
	if !ok {
		return nil
	}
	return k.SetSiteSettings(ctx, changed)
}
