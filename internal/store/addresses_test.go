package store

import (
	"strings"
	"testing"

	"app.galley/galley/internal/galley"
)

// addressesOf asks a fresh snapshot of s for the addresses of names, as an
// export does.
func addressesOf(t *testing.T, s *Store, kind string, names ...string) galley.Addresses {
	t.Helper()
	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	a, err := snap.Addresses(ctx, kind, names, true)
	if err != nil {
		t.Fatal(err)
	}
	if a.Unkept != nil {
		t.Fatalf("the addresses were not kept: %v", a.Unkept)
	}
	return a
}

// TestAnAddressOnceGivenIsKept: a topic keeps its page's address whatever
// names come after it (adding "Cafe" does not move "Café", as it did when
// every export gave addresses afresh in alphabetical order); a rename
// leaves the old address leading to the new name, and renaming back takes
// it again; a merge leaves the merged topic's address leading to the one
// it went into; a deleted topic's address is never given to another.
func TestAnAddressOnceGivenIsKept(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		if err := s.SavePiece(ctx, &galley.Piece{Title: "Beans", Topics: []string{"Café", "Energy", "Water"}}); err != nil {
			t.Fatal(err)
		}
		a := addressesOf(t, s, AddressTopics, "Café", "Energy", "Water")
		if a.Slugs["café"] != "cafe" || a.Slugs["energy"] != "energy" || len(a.Former) != 0 {
			t.Fatalf("first addresses: %+v", a)
		}
		// "Cafe" comes before "Café" in key order: given afresh, it would
		// take cafe.html and move Café to cafe-2.html.
		a = addressesOf(t, s, AddressTopics, "Cafe", "Café", "Energy", "Water")
		if a.Slugs["café"] != "cafe" || a.Slugs["cafe"] != "cafe-2" {
			t.Errorf("after adding Cafe: %+v, want Café kept at cafe and Cafe at cafe-2", a.Slugs)
		}
		// The same names again change nothing.
		if again := addressesOf(t, s, AddressTopics, "Water", "Cafe", "Café", "Energy"); again.Slugs["cafe"] != "cafe-2" || len(again.Slugs) != 4 {
			t.Errorf("asked again: %+v", again.Slugs)
		}

		if err := s.RenameTopic(ctx, topicID(t, s, "Energy"), "Power"); err != nil {
			t.Fatal(err)
		}
		a = addressesOf(t, s, AddressTopics, "Café", "Power", "Water")
		if a.Slugs["power"] != "power" || a.Former["energy"] != "power" {
			t.Errorf("after renaming Energy to Power: %+v, want energy leading to power", a)
		}
		if err := s.RenameTopic(ctx, topicID(t, s, "Power"), "Energy"); err != nil {
			t.Fatal(err)
		}
		a = addressesOf(t, s, AddressTopics, "Café", "Energy", "Water")
		if a.Slugs["energy"] != "energy" || a.Former["power"] != "energy" || a.Former["energy"] != "" {
			t.Errorf("after renaming back: %+v, want energy its page again and power leading to it", a)
		}

		if err := s.MergeTopics(ctx, topicID(t, s, "Water"), topicID(t, s, "Energy")); err != nil {
			t.Fatal(err)
		}
		a = addressesOf(t, s, AddressTopics, "Café", "Energy")
		if a.Former["water"] != "energy" || a.Slugs["energy"] != "energy" {
			t.Errorf("after merging Water into Energy: %+v, want water leading to energy", a)
		}

		if err := s.DeleteTopic(ctx, topicID(t, s, "Café")); err != nil {
			t.Fatal(err)
		}
		if err := s.SavePiece(ctx, &galley.Piece{Title: "Tea", Topics: []string{"Cafe!"}}); err != nil {
			t.Fatal(err)
		}
		a = addressesOf(t, s, AddressTopics, "Cafe!", "Energy")
		if a.Slugs["cafe!"] == "cafe" {
			t.Errorf("a deleted topic's address went to another: %+v", a.Slugs)
		}

		// A preview (keep false) gives a new name its address the same way
		// and writes nothing.
		snap, err := s.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		preview, err := snap.Addresses(ctx, AddressTopics, []string{"Zebra Mussels", "Energy"}, false)
		snap.Close()
		if err != nil || preview.Slugs["zebra mussels"] != "zebra-mussels" || preview.Slugs["energy"] != "energy" {
			t.Errorf("a preview's addresses: %+v, %v", preview, err)
		}
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM addresses WHERE key = 'zebra mussels'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("a preview kept %d addresses (%v)", n, err)
		}

		// An address that is not a slug (a library edited by other means)
		// never becomes a file name.
		if _, err := s.db.ExecContext(ctx, `INSERT INTO addresses (kind, slug, key, live) VALUES ('types', '../pieces/x', 'evil', `+map[string]string{"file": "0", "server": "false"}[homeOf(t)]+`)`); err != nil {
			t.Fatal(err)
		}
		snap, err = s.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = snap.Addresses(ctx, AddressTypes, []string{"Report"}, true)
		snap.Close()
		if galley.ErrorCode(err) != galley.EInvalid || !strings.Contains(galley.ErrorMessage(err), "../pieces/x") {
			t.Errorf("a bad stored address: %v, want refused naming it", err)
		}

		// Kinds are apart: a person may have the address a topic has.
		if p := addressesOf(t, s, AddressPeople, "Energy"); p.Slugs["energy"] != "energy" {
			t.Errorf("people: %+v", p.Slugs)
		}
	})
}

// TestARenamedPersonOrTypeKeepsItsAddress: renaming a contributor or a
// type leaves its old address leading to the new name, as for topics.
func TestARenamedPersonOrTypeKeepsItsAddress(t *testing.T) {
	eachHome(t, func(t *testing.T) {
		s := openTemp(t)
		if err := s.SavePiece(ctx, &galley.Piece{Title: "Talk", Type: "Report", Contributors: []galley.Contributor{{Name: "Ada Quill"}}}); err != nil {
			t.Fatal(err)
		}
		addressesOf(t, s, AddressPeople, "Ada Quill")
		addressesOf(t, s, AddressTypes, "Report")
		people, err := s.Contributors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ada := people[0]
		ada.Name = "Ada Quill-Oduya"
		if err := s.UpdateContributor(ctx, ada); err != nil {
			t.Fatal(err)
		}
		if a := addressesOf(t, s, AddressPeople, "Ada Quill-Oduya"); a.Former["ada-quill"] != "ada quill-oduya" || a.Slugs["ada quill-oduya"] != "ada-quill-oduya" {
			t.Errorf("after renaming Ada: %+v", a)
		}
		types, err := s.Types(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ty := range types {
			if ty.Name == "Report" {
				if err := s.RenameType(ctx, ty.ID, "Field Report"); err != nil {
					t.Fatal(err)
				}
			}
		}
		if a := addressesOf(t, s, AddressTypes, "Field Report"); a.Former["report"] != "field report" {
			t.Errorf("after renaming the type: %+v", a)
		}
	})
}
