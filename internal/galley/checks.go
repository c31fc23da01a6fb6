package galley

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// The parts of a piece a Problem can point at, so the desk can take the
// editor to the right tab.
const (
	PartStory   = "story"   // title, summary and body
	PartPhotos  = "photos"  // the photos and their words
	PartQA      = "qa"      // the question/answer pairs
	PartTopics  = "topics"  // the topics
	PartRelated = "related" // the related publications
)

// Problem is one thing to put right before a piece goes out. Problems do
// not stop a save: a draft may be unfinished, so they are shown as a list
// to work through rather than refused as errors.
type Problem struct {
	Part    string // one of the Part constants
	Message string // a sentence an editor can act on
}

// Checks lists what the piece still lacks for publication: by part (story,
// Q&A, photos, topics, related) and, within a part, in the order of the
// piece, so the list stays put while the editor works down it.
//
// status tells the status of another piece and whether it is in the library
// at all; the related publications are checked with it, because a link to
// a piece that is not published leads readers nowhere. A nil status skips
// that check. With a map from Store.Statuses:
//
//	p.Checks(func(id int64) (galley.Status, bool) { s, ok := m[id]; return s, ok })
func (p *Piece) Checks(status func(id int64) (Status, bool)) []Problem {
	var list []Problem
	add := func(part, format string, args ...any) {
		list = append(list, Problem{Part: part, Message: fmt.Sprintf(format, args...)})
	}

	if !slices.ContainsFunc(p.Contributors, func(c Contributor) bool { return !blank(c.Name) }) {
		add(PartStory, "The piece has no byline; add who wrote it, or the expert who answers.")
	}
	if blank(p.Summary) {
		add(PartStory, "The piece has no summary; lists, cards and feeds show it.")
	}

	if p.IsQA() && !slices.ContainsFunc(p.QA, func(qa QA) bool { return !blank(qa.Question) || !blank(qa.Answer) }) {
		add(PartQA, "The piece is a Q&A with no questions; add them on the Q&A tab, or change its type.")
	}

	for i, qa := range p.QA {
		switch q, a := blank(qa.Question), blank(qa.Answer); {
		case q && a:
			add(PartQA, "Question %d is empty: it has neither a question nor an answer.", i+1)
		case q:
			add(PartQA, "Question %d has an answer but no question.", i+1)
		case a:
			add(PartQA, "Question %d has no answer.", i+1)
		}
	}

	for i, ph := range p.Photos {
		for _, msg := range PhotoProblems(i, ph) {
			add(PartPhotos, "%s", msg)
		}
	}

	if !slices.ContainsFunc(p.Topics, func(t string) bool { return !blank(t) }) {
		add(PartTopics, "The piece has no topic; add at least one so readers can find it.")
	}

	if status != nil {
		for _, r := range p.Related {
			var st Status
			ok := false
			if r.ID != 0 {
				st, ok = status(r.ID)
			}
			switch {
			case !ok:
				add(PartRelated, "The related publication %s is no longer in the library; remove it from the list.", refName(r))
			case st != StatusPublished:
				add(PartRelated, "The related publication %s is not published yet (it is %s); readers would find no page there.", refName(r), statusWord(st))
			}
		}
	}
	return list
}

// IsQA reports whether the piece's type is Q&A, the type whose page is
// its questions and answers.
func (p *Piece) IsQA() bool { return NameKey(p.Type) == NameKey("Q&A") }

// PhotoProblems are the caption checks of photo i, as the Photos tab shows
// them on the photo and the pre-publish checks list them for the piece.
func PhotoProblems(i int, ph Photo) []string {
	var list []string
	add := func(format string, args ...any) { list = append(list, fmt.Sprintf(format, args...)) }
	name := photoName(i, ph)
	if blank(ph.Alt) && !ph.Decorative {
		add("%s has no alt text; describe it for readers who cannot see it, or mark it decorative.", name)
	}
	if blank(ph.Credit) {
		add("%s has no credit.", name)
	}
	alt, caption := strings.TrimSpace(ph.Alt), strings.TrimSpace(ph.Caption)
	if alt != "" && alt == caption {
		add("%s has the same alt text as its caption; say what the photo shows, for readers who cannot see it.", name)
	}
	if n := utf8.RuneCountInString(alt); n > MaxAltRunes {
		add("%s has alt text of %d characters; keep it under %d and put the rest in the caption.", name, n, MaxAltRunes)
	}
	if caption != "" && !endsSentence(caption) {
		add("%s: the caption does not end with a full stop, question mark or exclamation mark.", name)
	}
	if ph.Image.Width > 0 && ph.Image.Width < WidestExport {
		add("%s is %d pixels wide, narrower than the widest size pages use (%d); it will look soft on large screens.", name, ph.Image.Width, WidestExport)
	}
	return list
}

// PhotoNotes are what an editor should know about photo i that need not
// be put right before publishing: a GPS position in the file, which the
// export removes. They are told apart from PhotoProblems so that a note
// never holds a piece back.
func PhotoNotes(i int, ph Photo) []string {
	var list []string
	if ph.Image.HasGPS {
		list = append(list, fmt.Sprintf("%s records where it was taken (GPS); the export removes the location.", photoName(i, ph)))
	}
	return list
}

// Notes lists what the piece's editor should know before publishing but
// need not act on, by part and in the order of the piece as Checks lists
// its problems. Checks does not include them: a piece with notes and no
// problems is ready.
func (p *Piece) Notes() []Problem {
	var list []Problem
	for i, ph := range p.Photos {
		for _, msg := range PhotoNotes(i, ph) {
			list = append(list, Problem{Part: PartPhotos, Message: msg})
		}
	}
	return list
}

// PhotoProblemsOf lists the caption checks of all the piece's photos, and
// their notes, as a report of photos just added tells them.
func PhotoProblemsOf(p *Piece) []string {
	var list []string
	for i, ph := range p.Photos {
		list = append(list, PhotoProblems(i, ph)...)
		list = append(list, PhotoNotes(i, ph)...)
	}
	return list
}

// MaxAltRunes is the longest alt text the checks accept without a word:
// screen readers read alt text in one go, and longer descriptions belong in
// the caption.
const MaxAltRunes = 250

// WidestExport is the widest size at which pages show a photo (the
// export's largest rendition); a narrower photo is scaled up by browsers.
const WidestExport = 1600

// endsSentence reports whether a caption ends as a sentence does, allowing
// for closing quotes, brackets or a credit in parentheses after the mark.
func endsSentence(s string) bool {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ")") {
		// "… on Monday. (Pat Lens/Agency)": the credit follows the sentence.
		if i := strings.LastIndex(s, "("); i > 0 {
			s = strings.TrimSpace(s[:i])
		}
	}
	s = strings.TrimRight(s, " \"'’”)]")
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".?!…", r)
}

// blank reports whether s holds nothing but white space.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// statusWord says a status the way a sentence needs it.
func statusWord(s Status) string {
	switch s {
	case StatusDraft, "":
		return "a draft"
	case StatusReview:
		return "in review"
	case StatusReady:
		return "ready but not published"
	}
	return string(s)
}

// photoName names a photo by number and the start of its caption, since
// editors know photos by what the caption says rather than by position.
func photoName(i int, ph Photo) string {
	var notes []string
	if ph.Lead {
		notes = append(notes, "lead")
	}
	if start := captionStart(ph.Caption, 40); start != "" {
		notes = append(notes, "“"+start+"”")
	}
	if len(notes) == 0 {
		return fmt.Sprintf("Photo %d", i+1)
	}
	return fmt.Sprintf("Photo %d (%s)", i+1, strings.Join(notes, ", "))
}

// captionStart returns the first words of a caption, at most max runes,
// cut between words and marked with an ellipsis when cut.
func captionStart(caption string, max int) string {
	r := []rune(strings.Join(strings.Fields(caption), " "))
	if len(r) <= max {
		return string(r)
	}
	cut := string(r[:max])
	if r[max] != ' ' {
		if i := strings.LastIndexByte(cut, ' '); i > 0 {
			cut = cut[:i]
		}
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}
