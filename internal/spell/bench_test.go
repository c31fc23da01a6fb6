//go:build cgo

package spell

import (
	"fmt"
	"strings"
	"testing"

	"app.galley/galley/internal/galley"
)

// fiftyPairInterview is a long Q&A as an editor would file it: fifty
// questions, answers of some 120 words in ordinary English with a
// Markdown link now and then, and a misspelling in every fifth answer
// (ten different ones, each needing suggestions).
func fiftyPairInterview() *galley.Piece {
	sentences := []string{
		"The negotiators met in Geneva for three days of talks about the reservoirs upstream.",
		"Both delegations agreed that the data on river flows should be shared every month.",
		"Farmers downstream worry that a dry season will leave their fields without water.",
		"The treaty, signed decades ago, still sets out how the basin's water is divided.",
		"Officials said the commission would publish its findings before the summer.",
		"Several ministers argued that climate change has made the old formulas unworkable.",
		"Engineers described how the dams are operated when the snow melts early.",
		"Mediators stressed that trust is built slowly, one technical meeting at a time.",
		"A [recent report](https://example.org/reports/basin) found that groundwater is falling.",
		"The next round of talks is expected to focus on drought planning and compensation.",
	}
	typos := []string{"negociators", "recieve", "goverment", "agreemnet", "resevoirs", "comission", "enviroment", "neccessary", "occured", "seperate"}
	p := &galley.Piece{
		Title: "Fifty Questions on the River Basin", Type: "Q&A",
		Summary:      "Our senior fellow answers fifty questions on the river talks.",
		Contributors: []galley.Contributor{{Name: "Ada Quill"}},
	}
	for i := range 50 {
		var answer []string
		for j := range 12 {
			answer = append(answer, sentences[(i+j)%len(sentences)])
		}
		if i%5 == 0 {
			answer[6] = "Then the " + typos[i/5] + " spoke."
		}
		p.QA = append(p.QA, galley.QA{
			Question: fmt.Sprintf("Question %d: what did the talks on the basin change, and for whom?", i+1),
			Answer:   strings.Join(answer, " "),
		})
	}
	return p
}

// BenchmarkCheckFiftyPairInterview spell-checks the fifty-pair Q&A: as
// after each pause in typing (the dictionary has seen the piece's words
// before), and as the first check of the piece (nothing remembered, ten
// words to find suggestions for).
func BenchmarkCheckFiftyPairInterview(b *testing.B) {
	d := english(b)
	c := NewChecker(d, []string{"Geneva"}, []string{"Ada Quill", "Water & Climate"})
	p := fiftyPairInterview()
	words := 0
	for _, ft := range Fields(p) {
		words += len(strings.Fields(ft.Text))
	}
	if got := c.Check(p, nil); len(got) != 10 {
		b.Fatalf("flagged %v, want the ten misspellings", got)
	}
	b.Run("after-a-pause", func(b *testing.B) {
		b.ReportMetric(float64(words), "words")
		for range b.N {
			c.Check(p, nil)
		}
	})
	b.Run("first-check-known-suggestions", func(b *testing.B) {
		// Every word looked up afresh; the suggestions remembered.
		b.ReportMetric(float64(words), "words")
		for range b.N {
			d.mu.Lock()
			clear(d.correct)
			d.mu.Unlock()
			c.Check(p, nil)
		}
	})
	b.Run("first-check", func(b *testing.B) {
		b.ReportMetric(float64(words), "words")
		for range b.N {
			d.mu.Lock()
			clear(d.correct)
			clear(d.suggests)
			d.mu.Unlock()
			c.Check(p, nil)
		}
	})
}

// BenchmarkOpenDictionary reads Debian's en_US dictionary, as the first
// check of a desk's first piece does (in the background).
func BenchmarkOpenDictionary(b *testing.B) {
	for range b.N {
		d, err := Open("/usr/share/hunspell/en_US.aff", "/usr/share/hunspell/en_US.dic")
		if err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
}
