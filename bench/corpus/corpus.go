// Package corpus generates large, realistic-looking libraries for Galley's
// benchmarks: pieces with titles, summaries, bodies, Q&A, bylines, topics,
// captioned photos and related links, drawn deterministically from a seed.
//
// Word frequencies follow a Zipf-like curve, as in real prose, so a few
// words (such as "policy") are common and most are rare; the benchmarks
// search for both kinds.
package corpus

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
)

// CommonWord appears in a large share of generated pieces.
const CommonWord = "policy"

// vocabulary is ordered from most to least frequent. The head holds the
// words a think tank's archive is full of; the tail is made-up words, so
// the index has a realistic number of rare terms.
var vocabulary = func() []string {
	head := strings.Fields(`the of and to in a is that for on with as by policy security
		water climate energy trade region government analysis agreement negotiations border
		economic development cooperation conflict peace talks minister council report data
		river treaty dam drought reservoir fisheries migration health elections parliament
		sanctions alliance defense diplomacy mediation ceasefire humanitarian aid budget
		infrastructure investment market growth inflation reform governance justice rights`)
	syllables := strings.Fields("ka lo ri ven tor mal is an ur bel dra sen pol sec mi nor gal ter fen os vid lum cor")
	r := rand.New(rand.NewPCG(7, 7))
	words := append([]string(nil), head...)
	seen := map[string]bool{}
	for _, w := range head {
		seen[w] = true
	}
	for len(words) < 6000 {
		n := 2 + r.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}()

// Topics is the generated topic vocabulary.
var Topics = []string{
	"Global Policy", "Conflict Analysis & Prevention", "Water & Climate", "Energy", "Trade",
	"Regional Security", "Diplomacy & Negotiation", "Food Security", "Migration", "Health",
	"Elections", "Human Rights", "Data & Technology", "Economics", "Governance", "Justice",
	"Humanitarian Affairs", "Arms Control", "Cybersecurity", "Urban Affairs", "Oceans",
	"Public Finance", "Education", "Gender & Inclusion", "Peacekeeping", "Sanctions",
	"Infrastructure", "Agriculture", "Labor", "Media",
}

// Generator draws pieces from a seeded random source.
type Generator struct {
	r      *rand.Rand
	zipf   *rand.Zipf
	people []galley.Contributor
	n      int
}

// New returns a generator; the same seed gives the same pieces.
func New(seed uint64) *Generator {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &Generator{r: r, zipf: rand.NewZipf(r, 1.1, 8, uint64(len(vocabulary)-1))}
	first := strings.Fields("Ada Bram Chen Dara Eli Farah Gus Hana Ivo Jun Kofi Lena Mara Nils Oona Pia Quinn Ravi Sami Tove")
	last := strings.Fields("Quill Oduya Ellison Castellane Sorvik Venn Ferreira Halden Ibsen Juarez Kamara Lindqvist Moreau Novak Okafor")
	roles := []string{"senior fellow", "former ambassador", "program director", "research analyst", "visiting scholar", "editor"}
	for i := range 500 {
		g.people = append(g.people, galley.Contributor{
			Name: fmt.Sprintf("%s %s %d", first[i%len(first)], last[(i/len(first))%len(last)], i),
			Role: roles[i%len(roles)],
		})
	}
	return g
}

func (g *Generator) word() string { return vocabulary[g.zipf.Uint64()] }

func (g *Generator) words(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	return strings.Join(ws, " ")
}

func (g *Generator) sentence(n int) string {
	s := g.words(n)
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (g *Generator) paragraph(sentences int) string {
	var ss []string
	for range sentences {
		ss = append(ss, g.sentence(8+g.r.IntN(14)))
	}
	return strings.Join(ss, " ")
}

// Piece returns the next piece. Photo bytes are left to the caller: each
// photo's Source names the image index that Image(i) draws.
func (g *Generator) Piece() galley.Piece {
	g.n++
	title := g.sentence(5 + g.r.IntN(6))
	title = strings.TrimSuffix(title, ".")
	p := galley.Piece{
		Title:     title,
		Slug:      slugFor(title, g.n),
		Type:      galley.DefaultTypes[g.r.IntN(len(galley.DefaultTypes))],
		Status:    galley.Statuses[g.r.IntN(len(galley.Statuses))],
		Published: galley.DateOf(time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(7300))),
		Summary:   g.paragraph(2),
		Body:      g.paragraph(4) + "\n\n" + g.paragraph(4),
	}
	for range 1 + g.r.IntN(2) {
		c := g.people[g.r.IntN(len(g.people))]
		if !hasContributor(p.Contributors, c.Name) {
			p.Contributors = append(p.Contributors, c)
		}
	}
	for range 1 + g.r.IntN(3) {
		t := Topics[g.r.IntN(len(Topics))]
		if !hasString(p.Topics, t) {
			p.Topics = append(p.Topics, t)
		}
	}
	if p.Type == "Q&A" {
		for range 4 + g.r.IntN(5) {
			p.QA = append(p.QA, galley.QA{Question: g.sentence(10) + "?", Answer: g.paragraph(3)})
		}
	}
	p.Photos = []galley.Photo{{
		Source:  fmt.Sprintf("photos/%d.jpg", g.n),
		Alt:     g.sentence(8),
		Caption: g.sentence(14),
		Credit:  g.people[g.r.IntN(len(g.people))].Name + "/Agency",
		Lead:    true,
	}}
	return p
}

// Related links p to up to three earlier pieces among the given slugs.
func (g *Generator) Related(p *galley.Piece, earlier []string) {
	for range min(3, len(earlier)) {
		s := earlier[g.r.IntN(len(earlier))]
		dup := s == p.Slug
		for _, r := range p.Related {
			dup = dup || r.Slug == s
		}
		if !dup {
			p.Related = append(p.Related, galley.PieceRef{Slug: s})
		}
	}
}

// Image draws a small JPEG, different for every i.
func Image(i int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for y := range 16 {
		for x := range 24 {
			img.Set(x, y, color.RGBA{uint8(i), uint8(i >> 8), uint8(x*10 + y), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 70}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Pieces generates n pieces whose related lists point at earlier ones.
func (g *Generator) Pieces(n int) []galley.Piece {
	pieces := make([]galley.Piece, 0, n)
	slugs := make([]string, 0, n)
	for range n {
		p := g.Piece()
		if len(slugs) > 0 && g.r.IntN(2) == 0 {
			g.Related(&p, slugs[max(0, len(slugs)-200):])
		}
		pieces = append(pieces, p)
		slugs = append(slugs, p.Slug)
	}
	return pieces
}

// slugFor keeps generated slugs short and unique.
func slugFor(title string, n int) string {
	s := galley.Slugify(title)
	s = strings.TrimRight(s[:min(len(s), 50)], "-")
	return fmt.Sprintf("%s-%d", s, n)
}

func hasContributor(cs []galley.Contributor, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// ImageFor returns the bytes of a generated photo's Source ("photos/N.jpg").
// distinct bounds how many different images there are (0: one per piece),
// so a big library need not carry 100,000 image blobs.
func ImageFor(source string, distinct int) ([]byte, error) {
	var n int
	if _, err := fmt.Sscanf(source, "photos/%d.jpg", &n); err != nil {
		return nil, fmt.Errorf("not a generated photo: %s", source)
	}
	if distinct > 0 {
		n %= distinct
	}
	return Image(n), nil
}
