// Command peer writes the same generated publications twice: as a Galley
// library, and as a Hugo site with a minimal theme that makes the same
// pages (piece pages with Q&A and related cards, a paginated index, topic,
// type and contributor pages, a feed and a sitemap). bench/compare.sh times
// both exports side by side.
//
//	go run -tags sqlite_fts5 ./bench/peer -pieces 10000 -library lib.galley -hugo site [-photos]
//	go run -tags sqlite_fts5 ./bench/peer -library lib.galley -touch    (edit one piece)
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"app.galley/galley/bench/corpus"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

func main() {
	n := flag.Int("pieces", 10000, "how many published pieces")
	lib := flag.String("library", "", "the Galley library to write (or to touch)")
	hugo := flag.String("hugo", "", "the Hugo site folder to write")
	photos := flag.Bool("photos", false, "give every piece a 1600 px lead photo of its own")
	touch := flag.Bool("touch", false, "change the summary of one piece in -library, for a one-piece re-export")
	flag.Parse()
	ctx := context.Background()
	var err error
	switch {
	case *touch && *lib != "":
		err = touchOne(ctx, *lib)
	case *lib != "" && *hugo != "":
		err = write(ctx, *n, *photos, *lib, *hugo)
	default:
		fmt.Fprintln(os.Stderr, "peer: give -library and -hugo, or -library and -touch")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}

// pieces draws n published pieces shaped as the comparison asks: a
// summary, four Q&A pairs, two topics, one contributor, related links.
func pieces(n int) []galley.Piece {
	g := corpus.New(42)
	ps := g.Pieces(n)
	filler := corpus.New(43)
	for i := range ps {
		p := &ps[i]
		p.Status, p.Body = galley.StatusPublished, ""
		p.Contributors = p.Contributors[:1]
		for len(p.Topics) < 2 {
			t := corpus.Topics[(i+len(p.Topics)*7)%len(corpus.Topics)]
			if len(p.Topics) == 0 || galley.NameKey(p.Topics[0]) != galley.NameKey(t) {
				p.Topics = append(p.Topics, t)
			} else {
				p.Topics = append(p.Topics, corpus.Topics[(i+11)%len(corpus.Topics)])
			}
		}
		p.Topics = p.Topics[:2]
		p.QA = nil
		for q := range 4 {
			extra := filler.Piece()
			p.QA = append(p.QA, galley.QA{Question: fmt.Sprintf("Question %d: %s?", q+1, strings.TrimSuffix(extra.Title, ".")), Answer: extra.Summary})
		}
	}
	return ps
}

// photo paints a 1600×1067 JPEG unique to i, quickly (straight into the
// pixel buffer).
func photo(i int) []byte {
	const w, h = 1600, 1067
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			// (i mod 256, i div 256) differ for every i: 10,000 distinct
			// photos, so no export can share work between two pieces.
			row[4*x] = uint8(x/7 + i%256)
			row[4*x+1] = uint8(y/5 + (i/256)*17)
			row[4*x+2] = uint8((x+y)/9 + i%7*31)
			row[4*x+3] = 255
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func write(ctx context.Context, n int, withPhotos bool, lib, site string) error {
	start := time.Now()
	ps := pieces(n)
	if err := writeHugo(site, ps, withPhotos); err != nil {
		return err
	}
	if !withPhotos {
		for i := range ps {
			ps[i].Photos = nil
		}
	}
	st, err := store.Open(lib)
	if err != nil {
		return err
	}
	defer st.Close()
	// The Galley library takes the very photo files the Hugo site has.
	read := func(src string) ([]byte, error) {
		return os.ReadFile(filepath.Join(site, "content", "pieces", strings.TrimPrefix(src, "bundle:")))
	}
	for i := range ps {
		for j := range ps[i].Photos {
			ps[i].Photos[j].Source = "bundle:" + ps[i].Slug + "/lead.jpg"
		}
	}
	for done := 0; done < len(ps); done += 2000 {
		if _, err := st.Import(ctx, ps[done:min(done+2000, len(ps))], read, store.ImportOptions{}); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %d pieces (photos: %v) as %s and %s in %v\n", n, withPhotos, lib, site, time.Since(start).Round(time.Second))
	return nil
}

// frontMatter is a piece as Hugo reads it (JSON front matter).
type frontMatter struct {
	Title     string    `json:"title"`
	Date      string    `json:"date"`
	Summary   string    `json:"summary"`
	TypeLabel string    `json:"type_label"`
	Topics    []string  `json:"topics"`
	Kinds     []string  `json:"kinds"`
	People    []string  `json:"people"`
	Role      string    `json:"role"`
	QA        []qaJSON  `json:"qa"`
	Related   []string  `json:"related,omitempty"`
	Lead      *leadJSON `json:"lead,omitempty"`
	Slug      string    `json:"slug"`
}

type qaJSON struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

type leadJSON struct {
	Alt, Caption, Credit string
}

func writeHugo(site string, ps []galley.Piece, withPhotos bool) error {
	if err := os.MkdirAll(filepath.Join(site, "content", "pieces"), 0o755); err != nil {
		return err
	}
	for name, text := range theme {
		p := filepath.Join(site, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	jobs := make(chan int)
	errs := make(chan error, runtime.NumCPU())
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := writeHugoPiece(site, &ps[i], i, withPhotos); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range ps {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	return <-errs
}

func writeHugoPiece(site string, p *galley.Piece, i int, withPhotos bool) error {
	fm := frontMatter{
		Title: p.Title, Date: p.Published.String(), Summary: p.Summary, TypeLabel: p.Type,
		Topics: p.Topics, Kinds: []string{p.Type}, People: []string{p.Contributors[0].Name},
		Role: p.Contributors[0].Role, Slug: p.Slug,
	}
	for _, qa := range p.QA {
		fm.QA = append(fm.QA, qaJSON{qa.Question, qa.Answer})
	}
	for _, r := range p.Related {
		fm.Related = append(fm.Related, r.Slug)
	}
	dir := filepath.Join(site, "content", "pieces", p.Slug)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if withPhotos {
		ph := p.Photos[0]
		fm.Lead = &leadJSON{Alt: ph.Alt, Caption: ph.Caption, Credit: ph.Credit}
		if err := os.WriteFile(filepath.Join(dir, "lead.jpg"), photo(i), 0o644); err != nil {
			return err
		}
	}
	data, err := json.MarshalIndent(fm, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "index.md"), append(data, '\n'), 0o644)
}

// touchOne edits the summary of one piece in the middle of the library.
func touchOne(ctx context.Context, lib string) error {
	st, err := store.Open(lib)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.FindPieces(ctx, galley.Filter{Limit: 1, Offset: 5000})
	if err != nil || len(list) == 0 {
		return fmt.Errorf("no piece to touch: %v", err)
	}
	p, err := st.Piece(ctx, list[0].ID)
	if err != nil {
		return err
	}
	p.Summary += " (Edited.)"
	return st.SavePiece(ctx, p)
}
