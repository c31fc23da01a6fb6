package export

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"app.galley/galley/assets"
	"app.galley/galley/internal/galley"
)

// templateFiles are the files of a site's look, all replaceable by an
// editor's template folder.
var templateFiles = []string{"layout.html", "partials.html", "piece.html", "list.html", "style.css"}

// templates is a parsed set: one template per kind of page.
type templates struct {
	piece, list *template.Template
	style       []byte
	hash        string // of every file's bytes: a change re-renders every page
}

// loadTemplates reads the embedded templates, with files from dir (if not
// "") taking their place. A file that does not parse is an error naming
// the file and line; there is no falling back to the default, which would
// publish something the editor did not ask for.
func loadTemplates(dir string) (*templates, error) {
	files := map[string][]byte{}
	names := map[string]string{} // file → name used in messages
	for _, f := range templateFiles {
		data, err := fs.ReadFile(assets.Templates(), f)
		if err != nil {
			return nil, err
		}
		files[f], names[f] = data, f
	}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, galley.Errorf(galley.EInvalid, "Cannot read the template folder %s: %v.", dir, pathErr(err))
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if _, known := files[e.Name()]; !known {
				return nil, galley.Errorf(galley.EInvalid, "The template folder %s holds %s, which is not one of Galley's template files (%s).", dir, e.Name(), strings.Join(templateFiles, ", "))
			}
			p := filepath.Join(dir, e.Name())
			data, err := os.ReadFile(p)
			if err != nil {
				return nil, galley.Errorf(galley.EInvalid, "Cannot read the template %s: %v.", p, pathErr(err))
			}
			files[e.Name()], names[e.Name()] = data, p
		}
	}

	sum := sha256.New()
	for _, f := range templateFiles {
		fmt.Fprintf(sum, "%s\x00%d\x00", f, len(files[f]))
		sum.Write(files[f])
	}
	t := &templates{style: files["style.css"], hash: hex.EncodeToString(sum.Sum(nil))}

	base := template.New("site").Option("missingkey=error")
	for _, f := range []string{"layout.html", "partials.html"} {
		if _, err := base.New(names[f]).Parse(string(files[f])); err != nil {
			return nil, templateError(err)
		}
	}
	var err error
	if t.piece, err = kind(base, names["piece.html"], files["piece.html"]); err != nil {
		return nil, err
	}
	if t.list, err = kind(base, names["list.html"], files["list.html"]); err != nil {
		return nil, err
	}
	return t, nil
}

func kind(base *template.Template, name string, text []byte) (*template.Template, error) {
	t, err := base.Clone()
	if err != nil {
		return nil, err
	}
	if _, err := t.New(name).Parse(string(text)); err != nil {
		return nil, templateError(err)
	}
	for _, need := range []string{"layout", "content"} {
		if t.Lookup(need) == nil {
			return nil, galley.Errorf(galley.EInvalid, "The templates define no %q template (looked in %s and the files it uses).", need, name)
		}
	}
	return t, nil
}

// templateError turns a parse error ("template: piece.html:12: ...") into a
// sentence that keeps the file and line.
func templateError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "template: ")
	return galley.Errorf(galley.EInvalid, "A template does not parse: %s.", msg)
}

// execError explains a failure to fill a template for one page.
func execError(page string, err error) error {
	var e *template.Error
	msg := err.Error()
	if errors.As(err, &e) {
		msg = e.Description
	}
	return galley.Errorf(galley.EInvalid, "The templates could not make %s: %s.", page, strings.TrimPrefix(msg, "template: "))
}

// sortedKeys returns a map's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
