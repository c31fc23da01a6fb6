package photo

import (
	"context"
	"path/filepath"
	"runtime"
	"sync"

	"app.galley/galley/internal/galley"
)

// AddFiles adds the image files at paths to p as new photos, in order, as
// `galley photos add` and the desk's Photos tab both do: ReadFiles, then
// Add. p is only changed in memory; saving it is the caller's.
func AddFiles(p *galley.Piece, paths []string) (added int, notAdded []error) {
	photos, notAdded, _ := ReadFiles(context.Background(), paths, galley.MaxPhotos-len(p.Photos))
	return Add(p, photos), notAdded
}

// ReadFiles reads the image files at paths as photos for a piece with
// room for that many more. Each file is read and checked on its own
// (FromFile: a regular file, at most MaxBytes, an image Galley takes), and
// its words — caption, credit, alt text, details — come from its own
// metadata. A file that cannot be read, or would take the piece past
// galley.MaxPhotos, is left out with an error naming it, so one damaged
// file in twenty does not hold up the other nineteen.
//
// Decoding is the slow part: the files are read a batch at a time, as
// many as there are processors but never more than the piece has room
// left for, so that photos and errors keep the order of paths and no more
// files are read (and held) than the piece can take. It stops early, with
// ctx's error, when ctx ends.
func ReadFiles(ctx context.Context, paths []string, room int) (photos []galley.Photo, notAdded []error, err error) {
	type read struct {
		ph  galley.Photo
		err error
	}
	for start := 0; start < len(paths); {
		if err := ctx.Err(); err != nil {
			return photos, notAdded, err
		}
		if len(photos) >= room {
			for _, path := range paths[start:] {
				notAdded = append(notAdded, full(path))
			}
			break
		}
		batch := min(runtime.NumCPU(), room-len(photos))
		paths := paths[start:min(start+batch, len(paths))]
		start += len(paths)
		reads := make([]read, len(paths))
		var wg sync.WaitGroup
		for i, path := range paths {
			wg.Go(func() { reads[i].ph, reads[i].err = FromFile(path) })
		}
		wg.Wait()
		for i, r := range reads {
			switch {
			case r.err != nil:
				notAdded = append(notAdded, r.err)
			case len(photos) >= room:
				notAdded = append(notAdded, full(paths[i]))
			default:
				photos = append(photos, r.ph)
			}
		}
	}
	return photos, notAdded, nil
}

// full is the error for a file left out because the piece has no room.
func full(path string) error {
	return galley.Errorf(galley.EInvalid, "%s: a piece can have at most %d photos.", filepath.Base(path), galley.MaxPhotos)
}

// Add appends photos, read by ReadFiles, to p and reports how many. The
// first photo added to a piece without a lead becomes the lead. Photos
// past galley.MaxPhotos (the piece gained some since they were read) are
// not added.
func Add(p *galley.Piece, photos []galley.Photo) int {
	added := 0
	for _, ph := range photos {
		if len(p.Photos) >= galley.MaxPhotos {
			break
		}
		ph.Lead = p.LeadPhoto() == nil
		p.Photos = append(p.Photos, ph)
		added++
	}
	return added
}
