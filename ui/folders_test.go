package ui

import (
	"os"
	"path/filepath"
	"testing"
)

// TestEachChoiceRemembersItsOwnFolder: a photo chosen in one folder and an
// export made into another are remembered apart (Fyne's dialogs keep one
// last folder for all, so Ctrl+E offered the photo folder); a chosen
// folder is remembered by the folder holding it; a folder since removed
// is forgotten.
func TestEachChoiceRemembersItsOwnFolder(t *testing.T) {
	d := newTestDesk(t, testLibrary(t))
	root := t.TempDir()
	shoot, sites := filepath.Join(root, "shoot"), filepath.Join(root, "sites")
	for _, dir := range []string{shoot, sites, filepath.Join(sites, "review")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	d.rememberFolder(folderPhotos, filepath.Join(shoot, "harbour.jpg"), false)
	d.rememberFolder(folderExport, filepath.Join(sites, "review"), true)
	if got := d.lastFolder(folderPhotos, ""); got != shoot {
		t.Errorf("photos start in %q, want %q", got, shoot)
	}
	if got := d.lastFolder(folderExport, ""); got != sites {
		t.Errorf("exports start in %q, want %q, beside the last export", got, sites)
	}
	if got := d.lastFolder(folderLibrary, "/fallback"); got != "/fallback" {
		t.Errorf("a purpose with no choice yet starts in %q", got)
	}
	if err := os.RemoveAll(shoot); err != nil {
		t.Fatal(err)
	}
	if got := d.lastFolder(folderPhotos, ""); got != "" {
		t.Errorf("a removed folder is still offered: %q", got)
	}
}
