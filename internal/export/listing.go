package export

import (
	"path/filepath"

	"app.galley/galley/internal/galley"
)

// Listing is what a folder holds after an export, as the export recorded
// it: enough for a publish to tell which files changed without reading
// them again.
type Listing struct {
	Kind    string                // "site", "pieces" or "fragments"
	Library string                // the identity of the library exported, if known
	Files   map[string]ListedFile // by slash-separated path in the folder
}

// ListedFile is one file of an export. From changes whenever what the file
// is made from changes; Size and CRC32C are of the bytes written.
type ListedFile struct {
	From   string `json:"from"`
	Size   int64  `json:"size"`
	CRC32C uint32 `json:"crc32c"`
}

// List returns what the export in dir holds. It refuses a folder no
// completed export of this version wrote (no manifest beside it, or an
// old one without sizes and checksums).
func List(dir string) (Listing, error) {
	dir = filepath.Clean(dir)
	m, err := readManifest(manifestPath(dir))
	if err != nil || m.Format != siteFormat {
		return Listing{}, galley.Errorf(galley.EInvalid, "%s holds no export Galley finished; export there first.", dir)
	}
	l := Listing{Kind: m.Kind, Library: m.Library, Files: make(map[string]ListedFile, len(m.Files))}
	for p, f := range m.Files {
		l.Files[p] = ListedFile{From: f.From, Size: f.Size, CRC32C: f.CRC}
	}
	return l, nil
}
