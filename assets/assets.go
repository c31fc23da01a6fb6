// Package assets holds what Galley ships inside its binary: the application
// icon and the sample desk a new library starts with.
//
// The images are painted by ./gen; regenerate them with `go generate ./assets`.
package assets

import (
	"embed"
	"io/fs"
)

//go:generate go run ./gen .

//go:embed icon.png
var icon []byte

//go:embed sample
var sample embed.FS

// Icon returns the application icon, a 512×512 PNG.
func Icon() []byte { return icon }

// Sample returns the sample desk as a bundle (pieces.json and its photos).
// The text was written for Galley; the photos are painted by ./gen.
func Sample() fs.FS {
	sub, err := fs.Sub(sample, "sample")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}
