package photo

import (
	"path/filepath"

	"app.galley/galley/internal/galley"
)

// AddFiles adds the image files at paths to p as new photos, in order, as
// `galley photos add` and the desk's Photos tab both do. Each file is read
// and checked on its own (FromFile: a regular file, at most MaxBytes, an
// image Galley takes), and its words — caption, credit, alt text, details
// — come from its own metadata. The first photo added to a piece without
// a lead becomes the lead. A file that cannot be added, or would take the
// piece past galley.MaxPhotos, is left out with an error naming it, so one
// damaged file in twenty does not hold up the other nineteen.
//
// p is only changed in memory; saving it is the caller's.
func AddFiles(p *galley.Piece, paths []string) (added int, notAdded []error) {
	for _, path := range paths {
		if len(p.Photos) >= galley.MaxPhotos {
			notAdded = append(notAdded, galley.Errorf(galley.EInvalid, "%s: a piece can have at most %d photos.", filepath.Base(path), galley.MaxPhotos))
			continue
		}
		ph, err := FromFile(path)
		if err != nil {
			notAdded = append(notAdded, err)
			continue
		}
		ph.Lead = p.LeadPhoto() == nil
		p.Photos = append(p.Photos, ph)
		added++
	}
	return added, notAdded
}
