package site

import (
	"os"

	"app.galley/galley/internal/galley"
)

// ReadFile reads the file at path to keep as the site file name, as
// `galley site-files add` and the desk's Settings both do: a regular file,
// named and sized as a site file may be (galley.CheckSiteFile), checked
// before it is read whole.
func ReadFile(path, name string) ([]byte, error) {
	if err := galley.CheckSiteFile(name, 0); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, galley.Errorf(galley.ENotFound, "Cannot read %s: %v.", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, galley.Errorf(galley.EInvalid, "%s is not a file.", path)
	}
	if err := galley.CheckSiteFile(name, fi.Size()); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, galley.Errorf(galley.EInvalid, "Cannot read %s: %v.", path, err)
	}
	return data, nil
}
