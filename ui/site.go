package ui

import (
	"context"

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
// they lived in the library; a library that lacks one still gets what its
// editor chose here.
var legacySitePrefs = map[string]string{
	"site-name":  prefSiteName,
	"base-url":   prefBaseURL,
	"date-style": prefDateStyle,
	"templates":  prefTemplateDir,
}

// siteSettings are the library's site settings, with this computer's
// earlier choices for any it lacks. An earlier choice that no export
// would take (the desk once accepted a base URL every export refused) is
// left out.
func (d *Desk) siteSettings(ctx context.Context) (map[string]string, error) {
	merged, _, err := d.readSiteSettings(ctx)
	return merged, err
}

// readSiteSettings returns the settings as exports use them (merged) and
// as the library alone holds them.
func (d *Desk) readSiteSettings(ctx context.Context) (merged, library map[string]string, err error) {
	out := map[string]string{}
	library = map[string]string{}
	p := d.app.Preferences()
	for name, key := range legacySitePrefs {
		if v := p.String(key); v != "" {
			if checked, err := site.Check(name, v); err == nil && checked != "" {
				out[name] = checked
			}
		}
	}
	if k, ok := d.lib.(siteKeeper); ok {
		if library, err = k.SiteSettings(ctx); err != nil {
			return nil, nil, err
		}
		for name, v := range library {
			out[name] = v
		}
	}
	return out, library, nil
}

// withSite fills the site's settings into opt.
func (d *Desk) withSite(ctx context.Context, opt export.Options) (export.Options, error) {
	settings, err := d.siteSettings(ctx)
	if err != nil {
		return opt, err
	}
	err = site.Apply(settings, &opt)
	return opt, err
}

// saveSiteSettings keeps what changed of the site's settings in the
// library, and forgets this computer's earlier copy of each, which would
// otherwise come back when a setting is cleared.
func (d *Desk) saveSiteSettings(ctx context.Context, changed map[string]string) error {
	if len(changed) == 0 {
		return nil
	}
	k, ok := d.lib.(siteKeeper)
	if !ok {
		return nil
	}
	if err := k.SetSiteSettings(ctx, changed); err != nil {
		return err
	}
	p := d.app.Preferences()
	for name := range changed {
		if key, ok := legacySitePrefs[name]; ok {
			p.RemoveValue(key)
		}
	}
	return nil
}
