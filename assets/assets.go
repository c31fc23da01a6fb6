// Package assets holds what Galley ships inside its binary: the application
// icon, the sample desk a new library starts with, and the templates and
// stylesheet of exported sites.
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

//go:embed templates
var templates embed.FS

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

// Templates returns the default site templates and stylesheet: layout.html,
// partials.html, piece.html, list.html and style.css. An editor's template
// folder can replace any of them.
func Templates() fs.FS {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		panic(err)
	}
	return sub
}
