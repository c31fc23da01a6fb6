package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"app.galley/galley/internal/fixture"
	"app.galley/galley/internal/store"
)

func TestPhotosAddTakesTheGoodFilesAndNamesTheBad(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib.galley")
	importTestBundle(t, lib)
	var files []string
	write := func(name string, data []byte) {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		files = append(files, p)
	}
	for i := range 18 {
		write("good"+string(rune('a'+i))+".jpg", fixture.JPEG(64, 48, 100+i))
	}
	write("empty.jpg", nil)
	write("withwords.jpg", fixture.AddJPEGIPTC(fixture.JPEG(64, 48, 200),
		fixture.IIM{Record: 2, Dataset: 120, Value: "A ferry at dawn."}, fixture.IIM{Record: 2, Dataset: 110, Value: "Ola Nordmann/Wire"}))
	r := galleyCmd(t, nil, append([]string{"--db", lib, "photos", "add", "--piece", "grid-talks"}, files...)...)
	if r.code != 1 || !strings.Contains(r.stdout, "Added 19 photos") || !strings.Contains(r.stderr, "empty.jpg") ||
		!strings.Contains(r.stderr, "1 of 20 files were not added") {
		t.Fatalf("photos add: %+v", r)
	}
	st, _ := store.Open(lib)
	defer st.Close()
	p, _ := st.PieceBySlug(context.Background(), "grid-talks")
	last := p.Photos[len(p.Photos)-1]
	if len(p.Photos) != 19 || !p.Photos[0].Lead || last.Caption != "A ferry at dawn." || last.Credit != "Ola Nordmann/Wire" {
		t.Errorf("stored photos: %d, last %+v", len(p.Photos), last)
	}
	if r := galleyCmd(t, nil, "--db", lib, "photos", "add", "--piece", "grid-talks"); r.code != 2 {
		t.Errorf("no files: %+v", r)
	}
}
