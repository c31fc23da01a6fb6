package galley

import (
	"regexp"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// ChangeOp says what a stretch of text did between two versions.
type ChangeOp int

// The kinds of stretch in a word-level difference.
const (
	Kept ChangeOp = iota
	Added
	Removed
)

// TextChange is one stretch of a word-level difference.
type TextChange struct {
	Op   ChangeOp
	Text string
}

// FieldDiff is how one field changed, word by word.
type FieldDiff struct {
	Field   string // as editors name it: "Title", "Summary", "Answer 3"
	Changes []TextChange
}

// QAChange is a Q&A pair added, removed or changed.
type QAChange struct {
	Op       ChangeOp // Added, Removed, or Kept for a pair whose answer changed
	Number   int      // the pair's number in the newer version (in the older one when removed)
	Question string
	Answer   []TextChange // the answer's difference when changed
}

// PieceDiff is what changed from one version of a piece to another, in
// the terms an editor reviews: words in the text fields, pairs in the
// Q&A, photos, topics and related pieces added and removed.
type PieceDiff struct {
	Fields         []FieldDiff
	QA             []QAChange
	PhotosAdded    []string // by caption (or alt text) as shown
	PhotosRemoved  []string
	PhotosChanged  []FieldDiff
	TopicsAdded    []string
	TopicsRemoved  []string
	RelatedAdded   []string
	RelatedRemoved []string
}

// Empty reports whether the two versions are the same.
func (d PieceDiff) Empty() bool {
	return len(d.Fields) == 0 && len(d.QA) == 0 && len(d.PhotosAdded) == 0 && len(d.PhotosRemoved) == 0 &&
		len(d.PhotosChanged) == 0 && len(d.TopicsAdded) == 0 && len(d.TopicsRemoved) == 0 &&
		len(d.RelatedAdded) == 0 && len(d.RelatedRemoved) == 0
}

// DiffPieces compares an older version of a piece with a newer one.
func DiffPieces(older, newer *Piece) PieceDiff {
	var d PieceDiff
	field := func(name, a, b string) {
		if a != b {
			d.Fields = append(d.Fields, FieldDiff{Field: name, Changes: WordDiff(a, b)})
		}
	}
	field("Title", older.Title, newer.Title)
	field("Slug", older.Slug, newer.Slug)
	field("Type", older.Type, newer.Type)
	field("Status", string(older.Status), string(newer.Status))
	field("Published", older.Published.String(), newer.Published.String())
	field("Byline", older.Byline(), newer.Byline())
	field("Summary", older.Summary, newer.Summary)
	field("Body", older.Body, newer.Body)
	d.QA = diffQA(older.QA, newer.QA)
	d.PhotosAdded, d.PhotosRemoved, d.PhotosChanged = diffPhotos(older.Photos, newer.Photos)
	d.TopicsAdded, d.TopicsRemoved = diffNames(older.Topics, newer.Topics)
	d.RelatedAdded, d.RelatedRemoved = diffNames(relatedTitles(older), relatedTitles(newer))
	return d
}

// Byline writes the piece's contributors as a byline reads: "Name, role;
// Name".
func (p *Piece) Byline() string {
	var parts []string
	for _, c := range p.Contributors {
		if c.Role != "" {
			parts = append(parts, c.Name+", "+c.Role)
		} else {
			parts = append(parts, c.Name)
		}
	}
	return strings.Join(parts, "; ")
}

func relatedTitles(p *Piece) []string {
	out := make([]string, 0, len(p.Related))
	for _, r := range p.Related {
		if r.Title != "" {
			out = append(out, r.Title)
		} else {
			out = append(out, r.Slug)
		}
	}
	return out
}

// diffNames lists the names only in b (added) and only in a (removed).
func diffNames(a, b []string) (added, removed []string) {
	in := func(list []string, s string) bool {
		for _, x := range list {
			if NameKey(x) == NameKey(s) {
				return true
			}
		}
		return false
	}
	for _, s := range b {
		if !in(a, s) {
			added = append(added, s)
		}
	}
	for _, s := range a {
		if !in(b, s) {
			removed = append(removed, s)
		}
	}
	return added, removed
}

// diffQA pairs the two interviews up by their questions (a pair keeps its
// identity when it moves), so an edited answer reads as a change rather
// than a pair removed and another added.
func diffQA(a, b []QA) []QAChange {
	qa, qb := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		qa[i] = strings.TrimSpace(a[i].Question)
	}
	for i := range b {
		qb[i] = strings.TrimSpace(b[i].Question)
	}
	ops := alignSequences(qa, qb)
	// A pair moved to another place shows in the alignment as removed in
	// one place and added in another; match those up by question.
	removedAt := map[string][]int{}
	for k, op := range ops {
		if op.b < 0 {
			removedAt[qa[op.a]] = append(removedAt[qa[op.a]], k)
		}
	}
	moved := map[int]bool{}
	for k, op := range ops {
		if op.a >= 0 {
			continue
		}
		if at := removedAt[qb[op.b]]; len(at) > 0 {
			ops[k].a = ops[at[0]].a
			moved[at[0]] = true
			removedAt[qb[op.b]] = at[1:]
		}
	}
	var out []QAChange
	for k, op := range ops {
		switch {
		case moved[k]:
		case op.a < 0:
			out = append(out, QAChange{Op: Added, Number: op.b + 1, Question: b[op.b].Question})
		case op.b < 0:
			out = append(out, QAChange{Op: Removed, Number: op.a + 1, Question: a[op.a].Question})
		case a[op.a].Answer != b[op.b].Answer:
			out = append(out, QAChange{Op: Kept, Number: op.b + 1, Question: b[op.b].Question, Answer: WordDiff(a[op.a].Answer, b[op.b].Answer)})
		}
	}
	return out
}

// diffPhotos matches photos by their image.
func diffPhotos(a, b []Photo) (added, removed []string, changed []FieldDiff) {
	byHash := func(list []Photo, h string) *Photo {
		for i := range list {
			if list[i].Image.Hash == h {
				return &list[i]
			}
		}
		return nil
	}
	for i, p := range b {
		old := byHash(a, p.Image.Hash)
		if old == nil {
			added = append(added, photoLabel(i, p))
			continue
		}
		for _, f := range []struct{ name, x, y string }{
			{"caption", old.Caption, p.Caption}, {"credit", old.Credit, p.Credit}, {"alt text", old.Alt, p.Alt},
		} {
			if f.x != f.y {
				changed = append(changed, FieldDiff{Field: photoLabel(i, p) + " " + f.name, Changes: WordDiff(f.x, f.y)})
			}
		}
	}
	for i, p := range a {
		if byHash(b, p.Image.Hash) == nil {
			removed = append(removed, photoLabel(i, p))
		}
	}
	return added, removed, changed
}

func photoLabel(i int, p Photo) string {
	text := p.Caption
	if text == "" {
		text = p.Alt
	}
	label := "Photo " + itoa(i+1)
	if text != "" {
		label += " (" + captionStart(text, 40) + ")"
	}
	return label
}

// alignPair is one step of an alignment: indexes into both sequences, or
// -1 on the side that lacks the element.
type alignPair struct{ a, b int }

// alignSequences aligns two sequences of strings by their longest common
// subsequence, in order.
func alignSequences(a, b []string) []alignPair {
	ta, tb := tokensToRunes(a, b)
	dmp := diffmatchpatch.New()
	var out []alignPair
	i, j := 0, 0
	for _, d := range dmp.DiffMainRunes(ta, tb, false) {
		n := len([]rune(d.Text))
		for k := 0; k < n; k++ {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				out = append(out, alignPair{i, j})
				i++
				j++
			case diffmatchpatch.DiffDelete:
				out = append(out, alignPair{i, -1})
				i++
			case diffmatchpatch.DiffInsert:
				out = append(out, alignPair{-1, j})
				j++
			}
		}
	}
	return out
}

// tokensToRunes stands each distinct token for one rune, so the
// character-level diff works on whole tokens. The runes come from the
// private-use planes, which no text decoding touches.
func tokensToRunes(a, b []string) ([]rune, []rune) {
	ids := map[string]rune{}
	conv := func(list []string) []rune {
		out := make([]rune, len(list))
		for i, t := range list {
			r, ok := ids[t]
			if !ok {
				// Planes 15 and 16 hold 131,072 tokens; past that, tokens
				// share runes and the alignment gets coarser, not wrong.
				r = 0xF0000 + rune(len(ids)%0x20000)
				ids[t] = r
			}
			out[i] = r
		}
		return out
	}
	return conv(a), conv(b)
}

// wordPattern splits text into words, runs of spaces, and single marks,
// so a difference never cuts a word in two.
var wordPattern = regexp.MustCompile(`[\p{L}\p{M}\p{N}'’_-]+|\s+|.`)

// WordDiff compares two texts word by word. Every space, tab and line
// break of both texts is kept: the Kept and Removed stretches, in order,
// spell the older text exactly, and the Kept and Added ones the newer.
//
// A stretch never starts or ends inside a word. Where words were replaced,
// the Removed stretch comes first and the Added one right after it, each
// whole: "two three" replaced by "2 3" is one Removed "two three" and one
// Added "2 3", not the two words interleaved with their replacements
// (which reads as nonsense). The spaces between replaced words belong to
// both stretches. A Removed stretch followed by an Added one touches
// nothing but each other, so whoever shows the difference must show them
// apart (the desk leaves a gap): drawn touching they read as one word,
// "AgendaTalks".
func WordDiff(a, b string) []TextChange {
	wa, wb := wordPattern.FindAllString(a, -1), wordPattern.FindAllString(b, -1)
	var out []TextChange
	add := func(op ChangeOp, s string) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += s
			return
		}
		out = append(out, TextChange{Op: op, Text: s})
	}
	// An island is a run of changed tokens together with the white space
	// kept between them; it is written out as everything removed, then
	// everything added.
	var removed, added, space strings.Builder
	inIsland := false
	flush := func() {
		add(Removed, removed.String())
		add(Added, added.String())
		removed.Reset()
		added.Reset()
		inIsland = false
	}
	for _, p := range alignSequences(wa, wb) {
		switch {
		case p.a < 0 || p.b < 0:
			if inIsland {
				// The kept white space since the last change joins the
				// island on both sides.
				removed.WriteString(space.String())
				added.WriteString(space.String())
			} else {
				add(Kept, space.String())
			}
			space.Reset()
			inIsland = true
			if p.a < 0 {
				added.WriteString(wb[p.b])
			} else {
				removed.WriteString(wa[p.a])
			}
		case strings.TrimSpace(wb[p.b]) == "":
			// Kept white space: held back until it is known whether
			// another change follows in the same island.
			space.WriteString(wb[p.b])
		default:
			if inIsland {
				flush()
			}
			add(Kept, space.String()+wb[p.b])
			space.Reset()
		}
	}
	if inIsland {
		flush()
	}
	add(Kept, space.String())
	return out
}
