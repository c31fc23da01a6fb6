//go:build linux

package store

import (
	"net/url"
	"strings"
	"testing"

	"app.galley/galley/internal/galley"
)

// asUser is the address of the same team library for another database
// user (the test server trusts its socket).
func asUser(t *testing.T, address, user string) string {
	t.Helper()
	u, err := url.Parse(address)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(user)
	return u.String()
}

// A writer drafts, edits and sends to review; only an editor publishes,
// deletes, empties the trash and renames topics — refused by the server,
// whatever program asks.
func TestRolesAreEnforcedByTheServer(t *testing.T) {
	address := serverAddress(t)
	if err := InitTeam(ctx, address); err != nil {
		t.Fatal(err)
	}
	if err := InitTeam(ctx, address); err != nil {
		t.Fatalf("running team init again: %v", err)
	}
	for user, role := range map[string]string{"dana": "writer", "eve": "editor"} {
		if err := AddToTeam(ctx, address, user, role); err != nil {
			t.Fatal(err)
		}
	}
	if err := AddToTeam(ctx, address, "mallory", "owner"); galley.ErrorCode(err) != galley.EInvalid {
		t.Errorf("adding with a role that does not exist = %v", err)
	}
	writer, err := openServer(ctx, asUser(t, address, "dana"))
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	editor, err := openServer(ctx, asUser(t, address, "eve"))
	if err != nil {
		t.Fatal(err)
	}
	defer editor.Close()

	p := contractPiece()
	if err := writer.SavePiece(ctx, p); err != nil {
		t.Fatalf("a writer's draft: %v", err)
	}
	p.Summary, p.Status = "Sent for review.", galley.StatusReview
	p.Photos = nil // a photo dropped: its image goes
	if err := writer.SavePiece(ctx, p); err != nil {
		t.Fatalf("a writer sending to review: %v", err)
	}
	p.Status = galley.StatusPublished
	err = writer.SavePiece(ctx, p)
	if err == nil || !strings.Contains(err.Error(), "only an editor") {
		t.Errorf("a writer publishing = %v, want refused", err)
	}
	p.Status = galley.StatusReview
	// A hand-made client is refused as well.
	if _, err := writer.db.ExecContext(ctx, `UPDATE pieces SET status = 'published' WHERE id = $1`, p.ID); err == nil {
		t.Error("a writer's own SQL published a piece")
	}
	if _, err := writer.DeletePiece(ctx, p.ID); err == nil {
		t.Error("a writer deleted a piece")
	}
	topics, _ := writer.Topics(ctx)
	if err := writer.RenameTopic(ctx, topics[0].ID, "Renamed By A Writer"); err == nil {
		t.Error("a writer renamed a topic")
	}
	if n, err := writer.ThinRevisions(ctx, DefaultRevisionPolicy); err != nil || n != 0 {
		t.Errorf("a writer's upkeep: %d, %v (want it left to an editor)", n, err)
	}

	theirs, err := editor.Piece(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	theirs.Status = galley.StatusPublished
	theirs.Published = galley.Date{Year: 2026, Month: 11, Day: 30}
	if err := editor.SavePiece(ctx, theirs); err != nil {
		t.Fatalf("an editor publishing: %v", err)
	}
	if err := editor.RenameTopic(ctx, topics[0].ID, "Renamed By An Editor"); err != nil {
		t.Errorf("an editor renaming a topic: %v", err)
	}
	// History says who did what, by their database names.
	revs, err := editor.Revisions(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	authors := map[string]bool{}
	for _, r := range revs {
		authors[r.Author] = true
	}
	if !authors["dana"] || !authors["eve"] {
		t.Errorf("revisions signed by %v, want dana and eve", authors)
	}
	if _, err := editor.DeletePiece(ctx, p.ID); err != nil {
		t.Errorf("an editor deleting: %v", err)
	}
	if _, err := writer.EmptyTrash(ctx); err == nil {
		t.Error("a writer emptied the trash")
	}
	if _, err := editor.EmptyTrash(ctx); err != nil {
		t.Errorf("an editor emptying the trash: %v", err)
	}
	// The site's address and where it is published are an editor's.
	if err := writer.SetSiteSettings(ctx, map[string]string{"publish-to": "sftp://mallory@example.net/www"}); err == nil || !strings.Contains(err.Error(), "only an editor") {
		t.Errorf("a writer changing where the site is published = %v, want refused", err)
	}
	if _, err := writer.db.ExecContext(ctx, `INSERT INTO library_meta (key, value) VALUES ('site:base-url', 'https://example.net/')`); err == nil {
		t.Error("a writer's own SQL changed the site's settings")
	}
	if err := editor.SetSiteSettings(ctx, map[string]string{"publish-to": "sftp://eve@example.org/www"}); err != nil {
		t.Errorf("an editor setting where the site is published: %v", err)
	}
	if got, _ := writer.SiteSettings(ctx); got["publish-to"] != "sftp://eve@example.org/www" {
		t.Errorf("the writer reads the site settings as %v", got)
	}
}

// TestAddressesFollowTheRoles: a writer's export gives new names their
// addresses, and a writer's rename of a contributor moves that person's;
// moving a topic's address is an editor's, refused by the server to a
// writer's own SQL as renaming the topic is.
func TestAddressesFollowTheRoles(t *testing.T) {
	address := serverAddress(t)
	if err := InitTeam(ctx, address); err != nil {
		t.Fatal(err)
	}
	if err := AddToTeam(ctx, address, "wren", "writer"); err != nil {
		t.Fatal(err)
	}
	writer, err := openServer(ctx, asUser(t, address, "wren"))
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if err := writer.SavePiece(ctx, &galley.Piece{Title: "Dispatch", Topics: []string{"Harbours"}, Contributors: []galley.Contributor{{Name: "Ola Berg"}}}); err != nil {
		t.Fatal(err)
	}
	if a := addressesOf(t, writer, AddressTopics, "Harbours"); a.Slugs["harbours"] != "harbours" {
		t.Errorf("a writer's export: %+v", a)
	}
	addressesOf(t, writer, AddressPeople, "Ola Berg")
	people, err := writer.Contributors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range people {
		if c.Name == "Ola Berg" {
			c.Name = "Ola Berg-Lind"
			if err := writer.UpdateContributor(ctx, c); err != nil {
				t.Fatalf("a writer renaming a contributor: %v", err)
			}
		}
	}
	if a := addressesOf(t, writer, AddressPeople, "Ola Berg-Lind"); a.Former["ola-berg"] != "ola berg-lind" {
		t.Errorf("after a writer's rename: %+v", a)
	}
	// An editor renames a topic and back: the writer's next export gives
	// it its own former address again, which moves nothing and is the
	// writer's to keep.
	if err := AddToTeam(ctx, address, "eve", "editor"); err != nil {
		t.Fatal(err)
	}
	editor, err := openServer(ctx, asUser(t, address, "eve"))
	if err != nil {
		t.Fatal(err)
	}
	defer editor.Close()
	for _, name := range []string{"Ports", "Harbours"} {
		topics, _ := editor.Topics(ctx)
		for _, tp := range topics {
			if tp.Name != "Dispatch" && (tp.Name == "Harbours" || tp.Name == "Ports") {
				if err := editor.RenameTopic(ctx, tp.ID, name); err != nil {
					t.Fatalf("an editor renaming to %s: %v", name, err)
				}
			}
		}
	}
	if a := addressesOf(t, writer, AddressTopics, "Harbours"); a.Slugs["harbours"] != "harbours" {
		t.Errorf("a writer's export after a rename back: %+v", a)
	}
	// A writer may rename a type, and so move its address.
	if err := writer.SavePiece(ctx, &galley.Piece{Title: "Brief", Type: "Field Brief"}); err != nil {
		t.Fatal(err)
	}
	addressesOf(t, writer, AddressTypes, "Field Brief")
	types, _ := writer.Types(ctx)
	for _, ty := range types {
		if ty.Name == "Field Brief" {
			if err := writer.RenameType(ctx, ty.ID, "Field Note"); err != nil {
				t.Errorf("a writer renaming an exported type: %v", err)
			}
		}
	}
	_, err = writer.db.ExecContext(ctx, `UPDATE addresses SET key = 'elsewhere', live = false WHERE kind = 'topics'`)
	if err == nil || !strings.Contains(err.Error(), "only an editor") {
		t.Errorf("a writer's own SQL moving a topic's address = %v, want refused", err)
	}
}

// TestSiteFilesAreAnEditors: a writer reads the site's files to export
// and may not change them, refused by the server.
func TestSiteFilesAreAnEditors(t *testing.T) {
	address := serverAddress(t)
	if err := InitTeam(ctx, address); err != nil {
		t.Fatal(err)
	}
	for user, role := range map[string]string{"sam": "writer", "ines": "editor"} {
		if err := AddToTeam(ctx, address, user, role); err != nil {
			t.Fatal(err)
		}
	}
	writer, err := openServer(ctx, asUser(t, address, "sam"))
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	editor, err := openServer(ctx, asUser(t, address, "ines"))
	if err != nil {
		t.Fatal(err)
	}
	defer editor.Close()
	if err := editor.PutSiteFile(ctx, "CNAME", []byte("news.example.org\n")); err != nil {
		t.Fatalf("an editor keeping a site file: %v", err)
	}
	if err := writer.PutSiteFile(ctx, "CNAME", []byte("mallory.example.net\n")); err == nil {
		t.Error("a writer replaced the site's CNAME")
	}
	if _, err := writer.db.ExecContext(ctx, `DELETE FROM site_files`); err == nil {
		t.Error("a writer's own SQL removed the site's files")
	}
	if list, err := writer.SiteFiles(ctx); err != nil || len(list) != 1 || list[0].Size != 17 {
		t.Errorf("a writer reading the site files: %+v, %v", list, err)
	}
}
