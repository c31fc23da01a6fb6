package export

import (
	"bytes"
	"context"
	"image"
	"strings"

	"app.galley/galley/internal/galley"
)

// SiteFiler is a Source that keeps files of the site's own (store.Snapshot):
// a favicon, a logo, CNAME, _redirects, robots.txt. A whole site export
// copies them to its top as they are; a favicon.ico, .svg or .png becomes
// every page's icon, and a logo.svg, .png, .jpg or .webp is shown beside
// the site's name.
type SiteFiler interface {
	SiteFiles(ctx context.Context) ([]galley.SiteFile, error)
}

// iconNames and logoNames are the site files taken as the icon and the
// logo, the first found in this order.
var (
	iconNames = []string{"favicon.svg", "favicon.png", "favicon.ico"}
	logoNames = []string{"logo.svg", "logo.png", "logo.webp", "logo.jpg"}
)

// readSiteFiles reads the site's own files. Chosen pieces and fragments
// belong to the published site, which has them: their pages still show
// the icon and logo, from the live site under the base URL.
func (s *site) readSiteFiles(ctx context.Context) error {
	src, ok := s.src.(SiteFiler)
	if !ok {
		return nil
	}
	files, err := src.SiteFiles(ctx)
	if err != nil {
		return err
	}
	for _, f := range files {
		// Kept by the library's rule; checked again, as a slug is, so a
		// library edited by other means never writes outside the export.
		if err := galley.CheckSiteFile(f.Name, int64(len(f.Data))); err != nil {
			return galley.Errorf(galley.EInvalid, "The site file %q cannot be exported: %s", f.Name, galley.ErrorMessage(err))
		}
	}
	if !s.partial {
		s.files = files
	}
	find := func(names []string) *galley.SiteFile {
		for _, n := range names {
			for i := range files {
				if strings.EqualFold(files[i].Name, n) {
					return &files[i]
				}
			}
		}
		return nil
	}
	if f := find(iconNames); f != nil {
		s.icon = f.Name
	}
	if f := find(logoNames); f != nil {
		s.logo = f.Name
		// The structured data gives the publisher's logo its size, as
		// search engines ask; an SVG has none to give.
		if c, _, err := image.DecodeConfig(bytes.NewReader(f.Data)); err == nil {
			s.logoW, s.logoH = c.Width, c.Height
		}
	}
	return nil
}

// hasSiteFile reports whether the export copies a site file named name,
// exactly: a host that tells case apart serves Robots.txt as another file.
func (s *site) hasSiteFile(name string) bool {
	for _, f := range s.files {
		if f.Name == name {
			return true
		}
	}
	return false
}
