package export_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
)

// firstFile returns the first file of a site, in path order, under dir
// (slash-separated) whose name ends with suffix.
func firstFile(t *testing.T, files map[string]string, dir, suffix string) string {
	t.Helper()
	var names []string
	for p := range files {
		if strings.HasPrefix(p, dir) && strings.HasSuffix(p, suffix) {
			names = append(names, p)
		}
	}
	if len(names) == 0 {
		t.Fatalf("the export has no %s*%s", dir, suffix)
	}
	sort.Strings(names)
	return names[0]
}

// sameTree fails the test where two trees read by tree differ.
func sameTree(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d files, want %d", what, len(got), len(want))
	}
	for p := range want {
		if got[p] != want[p] {
			t.Errorf("%s: %s differs from the complete export (%d bytes, want %d)", what, p, len(got[p]), len(want[p]))
		}
	}
}

// TestReexportRebuildsFilesChangedOnDisk damages one file of an exported
// site at a time, by hand as an editor's tool, a sync program or a failing
// disk would, and exports again: the damaged file is made again, reported
// as written and named in the report, and the site is again byte for byte
// the complete export.
func TestReexportRebuildsFilesChangedOnDisk(t *testing.T) {
	st := sampleLibrary(t)
	out := filepath.Join(t.TempDir(), "site")
	opt := export.Options{ImageCache: filepath.Join(t.TempDir(), "cache")}
	exportTo(t, st, out, opt)
	want := tree(t, out)
	page := firstFile(t, want, "pieces/", ".html")
	rendition := firstFile(t, want, "images/", "-480.jpg")

	damages := []struct {
		name, path string
		damage     func(data []byte) []byte
	}{
		{"a page zeroed", page, func(d []byte) []byte { return make([]byte, len(d)) }},
		{"the index emptied", "index.html", func([]byte) []byte { return nil }},
		// Same size: only the checksum can tell.
		{"the stylesheet edited", "style.css", func(d []byte) []byte {
			return bytes.Replace(d, []byte("margin: 0;"), []byte("margin: 9;"), 1)
		}},
		{"a rendition truncated", rendition, func(d []byte) []byte { return d[:len(d)/2] }},
		{"the feed removed", "feed.xml", nil},
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			p := filepath.Join(out, filepath.FromSlash(d.path))
			if d.damage == nil {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			} else {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				damaged := d.damage(bytes.Clone(data))
				if bytes.Equal(damaged, data) {
					t.Fatal("the damage changed nothing")
				}
				if err := os.WriteFile(p, damaged, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rep := exportTo(t, st, out, opt)
			if rep.Written != 1 || rep.Unchanged != len(want)-1 {
				t.Errorf("re-export = %d written, %d unchanged; want 1 written, %d unchanged", rep.Written, rep.Unchanged, len(want)-1)
			}
			if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], d.path) || !strings.Contains(rep.Problems[0], "changed or removed since") {
				t.Errorf("the report's notes %q do not name %s as changed since the last export", rep.Problems, d.path)
			}
			sameTree(t, "after the re-export", tree(t, out), want)
		})
	}

	// Undamaged, nothing is written and nothing noted.
	if rep := exportTo(t, st, out, opt); rep.Written != 0 || len(rep.Problems) != 0 {
		t.Errorf("re-export of an intact site = %+v", rep)
	}
}

// cacheFiles lists the files of an image cache folder.
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files
}

// TestDamagedCachedRenditionsAreMadeAgain empties or truncates a resized
// photo kept in the image cache, and damages its published copy so the
// next export needs the cache: the photo is resized again from the
// original, the published file is whole (byte for byte what the first
// export wrote) and reported as written, and the cache holds the
// rendition again.
func TestDamagedCachedRenditionsAreMadeAgain(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"emptied", func([]byte) []byte { return nil }},
		{"truncated", func(d []byte) []byte { return d[:len(d)*2/3] }},
		{"a byte changed", func(d []byte) []byte { d[len(d)/2] ^= 0x10; return d }},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := sampleLibrary(t)
			dir := t.TempDir()
			out := filepath.Join(dir, "site")
			opt := export.Options{ImageCache: filepath.Join(dir, "cache")}
			exportTo(t, st, out, opt)
			want := tree(t, out)
			cached := cacheFiles(t, opt.ImageCache)
			if len(cached) == 0 {
				t.Fatal("the export cached no renditions")
			}
			entry := cached[0]
			whole, _ := os.ReadFile(entry)
			if err := os.WriteFile(entry, c.damage(bytes.Clone(whole)), 0o644); err != nil {
				t.Fatal(err)
			}
			// The published copy of that rendition: images/<16 digits of the hash>-<width>.
			name := filepath.Base(entry)
			hash, width, _ := strings.Cut(strings.TrimSuffix(name, filepath.Ext(name)), "-")
			published := "images/" + hash[:16] + "-" + width + filepath.Ext(name)
			if _, ok := want[published]; !ok {
				t.Fatalf("the site has no %s for the cached %s", published, name)
			}
			os.Truncate(filepath.Join(out, filepath.FromSlash(published)), 100)

			rep, reads := exportCounting(t, st, out, opt)
			if rep.Written != 1 || reads != 1 {
				t.Errorf("re-export = %d written, %d originals read; want the rendition written, made from its original", rep.Written, reads)
			}
			sameTree(t, "after the re-export", tree(t, out), want)
			if again, _ := os.ReadFile(entry); !bytes.Equal(again, whole) {
				t.Errorf("the cache holds %d bytes for the rendition, not the %d it was written with", len(again), len(whole))
			}

			// A new site from the repaired cache resizes nothing.
			if _, reads := exportCounting(t, st, filepath.Join(dir, "second"), opt); reads != 0 {
				t.Errorf("an export from the repaired cache read %d originals", reads)
			}
		})
	}
}

// TestACachedRenditionThatCannotBeReplacedIsNamed puts a folder where a
// cached rendition should be: the export cannot replace it, fails with a
// sentence naming it, and leaves the previous site as it was.
func TestACachedRenditionThatCannotBeReplacedIsNamed(t *testing.T) {
	st := sampleLibrary(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "site")
	opt := export.Options{ImageCache: filepath.Join(dir, "cache")}
	exportTo(t, st, out, opt)
	want := tree(t, out)
	entry := cacheFiles(t, opt.ImageCache)[0]
	if err := os.Remove(entry); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(entry, "in the way"), 0o755); err != nil {
		t.Fatal(err)
	}
	snap, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	// A new folder needs every rendition.
	_, err = export.Site(ctx, snap, filepath.Join(dir, "other"), opt)
	if err == nil || !strings.Contains(err.Error(), entry) || !strings.Contains(err.Error(), "could not be replaced") {
		t.Fatalf("export over an unreplaceable cached rendition = %v, want an error naming %s", err, entry)
	}
	if _, err := os.Stat(filepath.Join(dir, "other")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the failed export left %s: %v", filepath.Join(dir, "other"), err)
	}
	sameTree(t, "the previous site", tree(t, out), want)
}

// TestASiteOfTheEarlierManifestIsCheckedOnce turns a site's manifest into
// the format Galley wrote before it recorded checksums, and puts it where
// Galley kept it then (inside the site), and zeroes a page: the site is
// still taken as Galley's, the zeroed page is made again, the intact files
// are kept, and the manifest now records checksums, beside the site.
func TestASiteOfTheEarlierManifestIsCheckedOnce(t *testing.T) {
	st := sampleLibrary(t)
	out := filepath.Join(t.TempDir(), "site")
	opt := export.Options{ImageCache: filepath.Join(t.TempDir(), "cache")}
	exportTo(t, st, out, opt)
	want := tree(t, out)
	var m struct {
		Files map[string]struct{ From string } `json:"files"`
		Kind  string                           `json:"kind"`
	}
	beside := filepath.Join(filepath.Dir(out), ".site.galley-site.json")
	manifest, err := os.ReadFile(beside)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		t.Fatal(err)
	}
	v1 := map[string]any{"format": "galley.site/1", "kind": m.Kind, "files": map[string]string{}}
	for p, f := range m.Files {
		v1["files"].(map[string]string)[p] = f.From
	}
	data, _ := json.Marshal(v1)
	os.WriteFile(filepath.Join(out, ".galley-site.json"), data, 0o644)
	os.Remove(beside)
	page := filepath.Join(out, "index.html")
	os.WriteFile(page, make([]byte, len(want["index.html"])), 0o644)

	rep := exportTo(t, st, out, opt)
	if rep.Written != 1 || rep.Unchanged != len(want)-1 {
		t.Errorf("re-export over the earlier manifest = %+v; want index.html alone written", rep)
	}
	sameTree(t, "after the re-export", tree(t, out), want)
}

// TestLeftoversOfKilledExportsAreCleared puts beside a site what killed
// exports leave (staging folders named .site.galley-<digits>, a stale
// lock file) and what an editor might keep there under similar names: the
// next export removes Galley's leftovers and nothing else.
func TestLeftoversOfKilledExportsAreCleared(t *testing.T) {
	st := sampleLibrary(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	write := func(rel, data string) {
		t.Helper()
		p := filepath.Join(parent, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	leftovers := []string{".site.galley-1234", ".site.galley-0042"}
	write(".site.galley-1234/index.html", "half a page")
	write(".site.galley-0042/pieces/a.html", "")
	write(".site.galley-lock", "galley export, process 999999999\n")
	mine := map[string]string{
		".site.galley-notes/todo.txt":   "the editor's",
		".site.galley-12a/x":            "not digits alone",
		".site.galley-/x":               "no digits",
		".site.galley-77":               "a file, not a folder",
		".something/y":                  "hidden, someone else's",
		".other.galley-55/z":            "another output's",
		".site.galley-1234.old/keep.md": "not exactly the name",
		"site.galley-1234/w":            "not hidden",
	}
	for rel, data := range mine {
		write(rel, data)
	}

	exportTo(t, st, out, export.Options{})
	for _, l := range leftovers {
		if _, err := os.Stat(filepath.Join(parent, l)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the leftover %s is still there: %v", l, err)
		}
	}
	for rel, data := range mine {
		if got, err := os.ReadFile(filepath.Join(parent, filepath.FromSlash(rel))); err != nil || string(got) != data {
			t.Errorf("%s was touched: %q, %v", rel, got, err)
		}
	}
	if _, err := os.Stat(filepath.Join(parent, ".site.galley-lock")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the lock file is left after the export: %v", err)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != len(mine)+2 { // the editor's, the site and its manifest
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("beside the site: %s", strings.Join(names, " "))
	}

	// A file of the editor's that has the lock file's name is not taken
	// over: the export is refused and the file kept.
	write(".site.galley-lock", "my notes")
	snap, _ := st.Snapshot(ctx)
	defer snap.Close()
	if _, err := export.Site(ctx, snap, out, export.Options{}); err == nil || !strings.Contains(err.Error(), ".site.galley-lock") {
		t.Errorf("export beside a foreign .site.galley-lock = %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(parent, ".site.galley-lock")); string(got) != "my notes" {
		t.Errorf("the editor's file now holds %q", got)
	}
}

// TestASecondExportIntoTheSameFolderIsRefused starts a second export into
// a folder while one is running there: it is refused at once, with a
// sentence saying why, and the running export finishes whole. An export
// into another folder beside it runs alongside.
func TestASecondExportIntoTheSameFolderIsRefused(t *testing.T) {
	st := sampleLibrary(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	exportTo(t, st, filepath.Join(parent, "reference"), export.Options{})
	want := tree(t, filepath.Join(parent, "reference"))

	snap, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	var second, beside error
	opt := export.Options{Progress: func(done, total int) {
		if done != 3 {
			return
		}
		other, err := st.Snapshot(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		defer other.Close()
		_, second = export.Site(ctx, other, out, export.Options{})
		_, beside = export.Site(ctx, other, filepath.Join(parent, "site2"), export.Options{})
	}}
	if _, err := export.Site(ctx, snap, out, opt); err != nil {
		t.Fatalf("the first export failed: %v", err)
	}
	if galley.ErrorCode(second) != galley.EBusy || !strings.Contains(second.Error(), "Another export into "+out+" is running (process ") {
		t.Errorf("the second export into the folder = %v, want a refusal saying another export is running", second)
	}
	if beside != nil {
		t.Errorf("an export into another folder beside it = %v", beside)
	}
	sameTree(t, "the first export", tree(t, out), want)
	sameTree(t, "the export beside it", tree(t, filepath.Join(parent, "site2")), want)
	if rep := exportTo(t, st, out, export.Options{}); rep.Unchanged != len(want) {
		t.Errorf("the export after it = %+v", rep)
	}
}
