package ui

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Each layout shows what the editor has always been shown: a change to
// one is a change to every list it is in, made here on purpose.
func TestTheDeskTimeLayouts(t *testing.T) {
	at := time.Date(2018, time.July, 16, 14, 5, 9, 0, time.UTC)
	for _, tc := range []struct{ name, layout, want string }{
		{"clockLayout", clockLayout, "14:05"},
		{"recentLayout", recentLayout, "Jul 16, 14:05"},
		{"backupLayout", backupLayout, "Mon Jul 16, 2018 14:05"},
		{"shelfDateLayout", shelfDateLayout, "Jul 16, 2018"},
	} {
		if got := at.Format(tc.layout); got != tc.want {
			t.Errorf("%s shows %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestTheDeskNamesEveryTimeLayout finds time layouts written out where a
// time is formatted or parsed in ui (and its internal packages), rather
// than named in layouts.go or internal/galley: two lists showing the same
// kind of time drift apart when each writes its own.
func TestTheDeskNamesEveryTimeLayout(t *testing.T) {
	const sample = `package p
func f(t time.Time, b []byte) {
	_ = t.Format("Jan 2 15:04")
	_ = t.AppendFormat(b, "15:04")
	_, _ = time.Parse("2006-01-02", "")
	_ = t.Format(clockLayout)
	_, _ = url.Parse("https://example.org/")
}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "sample.go", sample, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := literalLayouts(fset, f); len(got) != 3 {
		t.Fatalf("the search finds %q in a sample with three literal layouts", got)
	}
	err = filepath.WalkDir(".", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && e.Name() == "testdata" {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == "layouts.go" {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, at := range literalLayouts(fset, f) {
			t.Errorf("%s: name the layout in ui/layouts.go (or use galley's)", at)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// literalLayouts lists where f formats a time with a layout written out
// (x.Format("…"), x.AppendFormat(b, "…")) or parses one with it
// (time.Parse("…", s), time.ParseInLocation).
func literalLayouts(fset *token.FileSet, f *ast.File) []string {
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		i := -1
		switch sel.Sel.Name {
		case "Format":
			i = 0
		case "AppendFormat":
			i = 1
		case "Parse", "ParseInLocation":
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "time" {
				i = 0
			}
		}
		if i < 0 || i >= len(call.Args) {
			return true
		}
		if lit, ok := call.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			found = append(found, fmt.Sprintf("%s: %s(%s)", fset.Position(lit.Pos()), sel.Sel.Name, lit.Value))
		}
		return true
	})
	return found
}
