package store

import (
	"fmt"
	"path/filepath"
	"testing"

	"app.galley/galley/internal/galley"
)

// BenchmarkRenameTopic renames a topic carried by 2,000 pieces: every
// piece gets a new version, a fresh search entry and a revision of its own
// recording the rename.
func BenchmarkRenameTopic(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "library.galley"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	pieces := make([]galley.Piece, 2000)
	for i := range pieces {
		pieces[i] = galley.Piece{Title: fmt.Sprintf("Piece %d", i), Slug: fmt.Sprintf("piece-%d", i),
			Summary: "A summary of some length for the revision to carry.", Topics: []string{"Farming", "Water"},
			QA: []galley.QA{{Question: "Why?", Answer: "Because of the rivers and the plains."}}}
	}
	if _, err := s.Import(ctx, pieces, nil, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	topics, err := s.Topics(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.RenameTopic(ctx, topics[0].ID, fmt.Sprintf("Farming %d", i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRestore restores a backup of 2,000 pieces into a library of
// 2,000 other pieces that stays open.
func BenchmarkRestore(b *testing.B) {
	dir := b.TempDir()
	lib := filepath.Join(dir, "library.galley")
	s, err := Open(lib)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	pieces := make([]galley.Piece, 2000)
	for i := range pieces {
		pieces[i] = galley.Piece{Title: fmt.Sprintf("Piece %d", i), Slug: fmt.Sprintf("piece-%d", i),
			Summary: "A summary of some length.", Topics: []string{"Farming"},
			QA: []galley.QA{{Question: "Why?", Answer: "Because of the rivers and the plains."}}}
	}
	if _, err := s.Import(ctx, pieces, nil, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.galley")
	if err := s.Backup(ctx, backup); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Restore(ctx, backup, lib); err != nil {
			b.Fatal(err)
		}
	}
}
