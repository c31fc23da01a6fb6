package archive_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"app.galley/galley/internal/archive"
	"app.galley/galley/internal/galley"
)

// The export Ghost 5 wrote for scripts/fixtures/ghost.sh, and its images.
const (
	ghostFile   = "testdata/ghost/export.json"
	ghostImages = "testdata/ghost/images"
)

// TestGhostExportImports imports the real Ghost export and checks every
// post against the file, read whole with encoding/json: title, slug,
// status, date, topics (tags in order, internal ones left out), byline in
// order and lead photo with its alt text; a second import is unchanged.
func TestGhostExportImports(t *testing.T) {
	data, err := os.ReadFile(ghostFile)
	if err != nil {
		t.Fatal(err)
	}
	type rank struct {
		PostID    string  `json:"post_id"`
		TagID     string  `json:"tag_id"`
		AuthorID  string  `json:"author_id"`
		SortOrder float64 `json:"sort_order"`
	}
	var doc struct {
		DB []struct {
			Data struct {
				Posts []struct {
					ID, Title, Slug, Type, Status string
					PublishedAt                   *string `json:"published_at"`
					FeatureImage                  *string `json:"feature_image"`
				}
				PostsMeta []struct {
					PostID string  `json:"post_id"`
					Alt    *string `json:"feature_image_alt"`
				} `json:"posts_meta"`
				Tags         []struct{ ID, Name, Visibility string }
				Users        []struct{ ID, Name string }
				PostsTags    []rank `json:"posts_tags"`
				PostsAuthors []rank `json:"posts_authors"`
			}
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	d := doc.DB[0].Data
	st := newLibrary(t)
	a, report := importArchive(t, st, ghostFile, archive.Options{Uploads: ghostImages, QA: true, Pages: true})
	if len(report.Created) != len(d.Posts) || len(d.Posts) < 8 {
		t.Fatalf("created %d pieces of %d posts", len(report.Created), len(d.Posts))
	}
	if a.Lang != "en" {
		t.Errorf("the site's language is %q; Ghost's locale setting says en", a.Lang)
	}
	byOrder := func(rows []rank, post string) []rank {
		var out []rank
		for _, r := range rows {
			if r.PostID == post {
				out = append(out, r)
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].SortOrder < out[j].SortOrder })
		return out
	}
	for _, gp := range d.Posts {
		p, err := st.PieceBySlug(ctx, gp.Slug)
		if err != nil {
			t.Errorf("post %s: %v", gp.Slug, err)
			continue
		}
		want := map[string]galley.Status{"published": galley.StatusPublished, "scheduled": galley.StatusReady, "draft": galley.StatusDraft}[gp.Status]
		if p.Title != gp.Title || p.Status != want {
			t.Errorf("%s: %q %s, want %q %s", gp.Slug, p.Title, p.Status, gp.Title, want)
		}
		if gp.PublishedAt != nil && want != galley.StatusDraft && p.Published.String() != (*gp.PublishedAt)[:10] {
			t.Errorf("%s: published %s, want %s", gp.Slug, p.Published, (*gp.PublishedAt)[:10])
		}
		var topics []string
		for _, r := range byOrder(d.PostsTags, gp.ID) {
			for _, tag := range d.Tags {
				if tag.ID == r.TagID && tag.Visibility != "internal" {
					topics = append(topics, tag.Name)
				}
			}
		}
		if !slices.Equal(p.Topics, topics) {
			t.Errorf("%s: topics %q, want %q", gp.Slug, p.Topics, topics)
		}
		var byline, got []string
		for _, r := range byOrder(d.PostsAuthors, gp.ID) {
			for _, u := range d.Users {
				if u.ID == r.AuthorID {
					byline = append(byline, u.Name)
				}
			}
		}
		for _, c := range p.Contributors {
			got = append(got, c.Name)
		}
		if !slices.Equal(got, byline) {
			t.Errorf("%s: byline %q, want %q", gp.Slug, got, byline)
		}
		lead := p.LeadPhoto()
		if gp.FeatureImage == nil || *gp.FeatureImage == "" {
			if lead != nil {
				t.Errorf("%s: a lead photo Ghost does not have", gp.Slug)
			}
			continue
		}
		rel, _ := strings.CutPrefix(*gp.FeatureImage, "__GHOST_URL__/content/images/")
		alt := ""
		for _, m := range d.PostsMeta {
			if m.PostID == gp.ID && m.Alt != nil {
				alt = *m.Alt
			}
		}
		if lead == nil || lead.Image.Hash != fileHash(t, filepath.Join(ghostImages, rel)) || lead.Alt != alt {
			t.Errorf("%s: lead photo %+v, want %s with alt %q", gp.Slug, lead, rel, alt)
		}
	}
	if p, _ := st.PieceBySlug(ctx, "four-questions-for-a-harbour-pilot"); p == nil || len(p.QA) != 4 {
		t.Errorf("the interview was not structured: %+v", p)
	}
	_, again := importArchive(t, st, ghostFile, archive.Options{Uploads: ghostImages, QA: true, Pages: true})
	if len(again.Unchanged) != len(d.Posts) {
		t.Errorf("a second import: %d created, %d updated, %d unchanged", len(again.Created), len(again.Updated), len(again.Unchanged))
	}
}
