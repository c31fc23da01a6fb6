package archive_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"app.galley/galley/internal/archive"
	"app.galley/galley/internal/galley"
)

// TestPostsKeepWhatTheirAuthorsWrote imports one WordPress export of
// posts whose content a careless conversion alters, and reads each
// piece's body back: what the author wrote is there, in its place.
func TestPostsKeepWhatTheirAuthorsWrote(t *testing.T) {
	cases := []struct {
		name, content string
		want          []string // in this order in the body
		not           []string
	}{
		{
			name:    "a classic post's preformatted text keeps its blank lines",
			content: "Run this:\n\n<pre>first line\n\n  indented after a blank line\nlast</pre>\n\nThen this.",
			want:    []string{"Run this:", "```\nfirst line\n\n  indented after a blank line\nlast\n```", "Then this."},
			not:     []string{"<br", "\\\n"},
		},
		{
			name:    "a block editor post's lines are not made line breaks",
			content: "<!-- wp:paragraph -->\n<p>One sentence\nwrapped in the source.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>Second.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:code -->\n<pre class=\"wp-block-code\"><code>a = 1\n\nb = 2</code></pre>\n<!-- /wp:code -->",
			want:    []string{"One sentence wrapped in the source.", "Second.", "```\na = 1\n\nb = 2\n```"},
			not:     []string{"\\\n", "<br"},
		},
		{
			name:    "an image not found is named where it stood, with its words",
			content: "<p>Before the picture.</p>\n\n<figure class=\"wp-block-image\"><img src=\"http://wp.test/wp-content/uploads/2020/01/quay.jpg\" alt=\"The quay at dawn\"><figcaption>Fishing boats, 1998</figcaption></figure>\n\n<p>After the picture.</p>",
			want:    []string{"Before the picture.", "<!-- image not imported: http://wp.test/wp-content/uploads/2020/01/quay.jpg: no uploads folder was given; alt text “The quay at dawn”; caption “Fishing boats, 1998” -->", "After the picture."},
		},
		{
			name:    "an image inside a sentence is named inside it",
			content: "<p>Left <a href=\"http://wp.test/wp-content/uploads/big.jpg\"><img src=\"http://wp.test/wp-content/uploads/small.jpg\" alt=\"a map\"></a> right.</p>",
			want:    []string{"Left <!-- image not imported: http://wp.test/wp-content/uploads/small.jpg: no uploads folder was given; alt text “a map” --> right."},
			not:     []string{"[](", "big.jpg"},
		},
		{
			name:    "superscript and subscript figures stay apart from the words",
			content: "<p>Output rose to 3 m<sup>3</sup> a day<sup>2</sup>; H<sub>2</sub>O at the 1<sup>st</sup> berth.</p>",
			want:    []string{"Output rose to 3 m³ a day²; H₂O at the 1st berth."},
		},
		{
			name:    "a caption after a linked image keeps all its words",
			content: "[caption id=\"attachment_5\" align=\"alignleft\" width=\"300\"]<a href=\"http://wp.test/wp-content/uploads/big.jpg\"><img class=\"wp-image-5\" src=\"http://wp.test/wp-content/uploads/small.jpg\" alt=\"Quay\" /></a> The <em>old</em> quay[/caption]\n\nAfter it.",
			want:    []string{"<!-- image not imported: http://wp.test/wp-content/uploads/small.jpg: no uploads folder was given; alt text “Quay”; caption “The old quay” -->", "After it."},
			not:     []string{"*old*"},
		},
		{
			name:    "an escaped shortcode and one in code are text",
			content: "<p>Write [[gallery]] to show the images.</p>\n\n<pre>[gallery ids=\"1,2\"]</pre>\n\n<p>Or <code>[embed]x[/embed]</code>.</p>",
			want:    []string{"Write \\[gallery] to show the images.", "```\n[gallery ids=\"1,2\"]\n```", "Or `[embed]x[/embed]`."},
			not:     []string{"shortcode", "<!--"},
		},
		{
			name:    "text that looks like the import's own markers stays text",
			content: "<p>The codes GALLEYLEFTOUT0Z and GALLEYLEFTOUT1P are ours.</p><iframe src=\"https://video.example/x\"></iframe>",
			want:    []string{"The codes GALLEYLEFTOUT0Z and GALLEYLEFTOUT1P are ours.", "<!-- iframe: https://video.example/x -->"},
		},
	}
	var contents []string
	for _, c := range cases {
		contents = append(contents, c.content)
	}
	imported := importPosts(t, contents, archive.Options{})
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := imported[i]
			rest := p.Body
			for _, w := range c.want {
				at := strings.Index(rest, w)
				if at < 0 {
					t.Fatalf("the body lacks %q (or has it out of order):\n%s", w, p.Body)
				}
				rest = rest[at+len(w):]
			}
			for _, n := range c.not {
				if strings.Contains(p.Body, n) {
					t.Errorf("the body holds %q:\n%s", n, p.Body)
				}
			}
		})
	}
}

// TestOnlyInterviewsBecomeQuestionsAndAnswers imports, with --qa, posts
// that are interviews and posts that only look a little like them: the
// interviews get their questions, the articles stay articles.
func TestOnlyInterviewsBecomeQuestionsAndAnswers(t *testing.T) {
	cases := []struct {
		name, content string
		questions     []string // nil: an article
	}{
		{
			name:    "an article on Q-learning",
			content: "<p>Q-learning is a way to learn by trial.</p><p>It keeps a table of values.</p><p>Q-values settle over time.</p><p>That is the whole idea.</p>",
		},
		{
			name:    "an article with bold subheadings",
			content: "<p>An opening paragraph.</p><p><strong>The background</strong></p><p>Some history.</p><p><strong>What happens next?</strong></p><p>A forecast.</p><p><strong>The cost</strong></p><p>Some figures.</p><p><strong>Who pays?</strong></p><p>The ratepayers.</p><p><strong>The vote</strong></p><p>In May.</p>",
		},
		{
			name:      "an interview in bold, with a note before it and a question without a question mark",
			content:   "<p><strong>This interview was edited for length.</strong></p><p>We met at the quay.</p><p><strong>When did you start?</strong></p><p>In 1990.</p><p><strong>Tell me about the first winter.</strong></p><p>It was cold.</p><p><strong>Would you do it again?</strong></p><p>Every day.</p>",
			questions: []string{"When did you start?", "Tell me about the first winter.", "Would you do it again?"},
		},
		{
			name:      "an interview whose questions start with a bold Q and a dash",
			content:   "<p>An introduction.</p><p><strong>Q – Where were you born?</strong></p><p>By the sea.</p><p><strong>Q – And now?</strong></p><p>Inland.</p>",
			questions: []string{"Where were you born?", "And now?"},
		},
	}
	var contents []string
	for _, c := range cases {
		contents = append(contents, c.content)
	}
	imported := importPosts(t, contents, archive.Options{QA: true})
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := imported[i]
			var got []string
			for _, qa := range p.QA {
				got = append(got, qa.Question)
			}
			if !slices.Equal(got, c.questions) {
				t.Errorf("questions %q, want %q; body:\n%s", got, c.questions, p.Body)
			}
		})
	}
}

// TestASiteThatMovedToHTTPSFindsItsPieces imports a site's export, then
// its export after the site moved to https and "www.": the posts are the
// same posts, and import unchanged, not as copies.
func TestASiteThatMovedToHTTPSFindsItsPieces(t *testing.T) {
	items := post("7", "A post", "<p>Words.</p>") + post("8", "Another", "<p>More words.</p>")
	st := newLibrary(t)
	_, first := importArchive(t, st, writeFile(t, "export.xml", wxr("", items)), archive.Options{})
	moved := strings.Replace(wxr("", items), "<link>http://wp.test</link>", "<link>https://www.WP.test/</link>", 1)
	_, second := importArchive(t, st, writeFile(t, "export.xml", moved), archive.Options{})
	if len(first.Created) != 2 || len(second.Created) != 0 || len(second.Unchanged) != 2 {
		t.Errorf("first import created %q; after the move: created %q, %d unchanged", first.Created, second.Created, len(second.Unchanged))
	}
}

// importPosts imports one WordPress export holding a post of each
// content, in order, and returns their pieces as the library keeps them.
func importPosts(t *testing.T, contents []string, opt archive.Options) []*galley.Piece {
	t.Helper()
	var items strings.Builder
	for i, c := range contents {
		items.WriteString(post(strconv.Itoa(i+1), "Case "+strconv.Itoa(i+1), c))
	}
	st := newLibrary(t)
	importArchive(t, st, writeFile(t, "export.xml", wxr("", items.String())), opt)
	var out []*galley.Piece
	for i := range contents {
		p, err := st.PieceBySlug(ctx, "p"+strconv.Itoa(i+1))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}
