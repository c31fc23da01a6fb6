package archive

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"app.galley/galley/internal/galley"
)

// post is what either reader makes of a post before it becomes a piece.
type post struct {
	id        string // the source's own, for messages
	source    string // Piece.Source: the system, site and id
	title     string
	slug      string // as the source gives it, decoded
	status    galley.Status
	published galley.Date
	created   time.Time
	updated   time.Time
	excerpt   string // plain text
	html      string
	authors   []string
	types     []string // the terms of the taxonomy that gives the type
	topics    []string
	featured  *picture
	// address is where the post was published on the old site: a path
	// under the site's address, or "" when it was not published there.
	address string
	// query is the post's address as a query of the old site's home
	// ("?p=123"), which WordPress answers for every post; "" for none.
	query string
	// lost says why the post's text could not be read, when it could not.
	lost string
	// uploads is the part of an image's address after which its path in
	// the uploads folder starts.
	uploads    string
	shortcodes *shortcodes // WordPress's, or nil
}

// piece converts p, adding what it has to say to the archive's notes.
func (a *Archive) piece(p post) (galley.Piece, error) {
	note := Note{Title: p.title, Slug: p.slug}
	say := func(format string, args ...any) { note.Lines = append(note.Lines, fmt.Sprintf(format, args...)) }
	piece := galley.Piece{
		Title:     strings.TrimSpace(p.title),
		Status:    p.status,
		Published: p.published,
		Summary:   p.excerpt,
		Created:   p.created,
		Updated:   p.updated,
		Source:    p.source,
	}
	if piece.Updated.IsZero() {
		// A time the import gives, so a second import after the piece
		// was edited here is a conflict the editor decides, not a
		// silent overwrite.
		piece.Updated = p.created
	}
	if piece.Title == "" {
		piece.Title = "Untitled (" + string(a.Format) + " " + p.id + ")"
		say("it has no title; it was given “%s”", piece.Title)
	}
	if p.slug != "" {
		if err := galley.CheckSlug(p.slug); err == nil {
			piece.Slug = p.slug
		} else {
			say("%s; it gets one from its title", strings.TrimSuffix(galley.ErrorMessage(err), "."))
		}
	}
	if len(p.types) > 0 {
		piece.Type = p.types[0]
	}
	if p.address != "" {
		if err := galley.CheckFormerAddress(p.address); err == nil {
			piece.Formerly = []string{p.address}
		} else {
			say("no page is left at its old address: %s", strings.TrimSuffix(galley.ErrorMessage(err), "."))
		}
	}
	if p.query != "" && galley.IsQueryAddress(p.query) {
		piece.Formerly = append(piece.Formerly, p.query)
	}
	for _, name := range p.authors {
		if strings.TrimSpace(name) != "" {
			piece.Contributors = append(piece.Contributors, galley.Contributor{Name: strings.TrimSpace(name)})
		}
	}
	seen := map[string]bool{}
	for _, t := range p.topics {
		key := galley.NameKey(t)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		piece.Topics = append(piece.Topics, strings.TrimSpace(t))
	}

	c, err := a.conv.convert(p.html, p.shortcodes)
	if err != nil {
		return piece, galley.Errorf(galley.EInvalid, "%s post %s (“%s”): %v.", a.Format, p.id, p.title, err)
	}
	photos, missing := a.photos(p, c.pictures)
	piece.Photos = photos
	for _, what := range c.leftOut {
		say("kept as a comment, not on the page: %s", what)
	}
	notes := map[int]string{}
	var lead string
	for _, m := range missing {
		say("image not imported (%s)", m.note)
		if m.index < 0 {
			lead = m.note
		} else {
			notes[m.index] = "image not imported: " + m.note
		}
	}
	body := c.placePictures(notes)
	if a.opt.QA {
		if intro, pairs, ok := structure(body); ok {
			piece.Body, piece.QA = intro, pairs
			say("structured as an interview: %d questions and answers", len(pairs))
		} else {
			piece.Body = joinBlocks(body)
		}
	} else {
		piece.Body = joinBlocks(body)
	}
	if p.lost != "" {
		say("text not imported: %s", p.lost)
		piece.Body = strings.TrimSpace("<!-- " + commentSafe("text not imported: "+p.lost) + " -->\n\n" + piece.Body)
	}
	if lead != "" {
		// The editor meets it in the body and in the checks, not only in
		// a summary that scrolled past: a picture of the text where it
		// stood (placePictures), the featured one, which stood nowhere
		// in the text, at its top.
		piece.Body = strings.TrimSpace("<!-- " + commentSafe("featured image not imported: "+lead) + " -->\n\n" + piece.Body)
	}
	words := piece.Title + " " + piece.Body
	for _, qa := range piece.QA {
		words += " " + qa.Question + " " + qa.Answer
	}
	if lang := guessLang(a.Lang, words); lang != "" {
		piece.Lang = lang
		say("its language was taken to be %s from its letters (the site's is %s): check it on the desk", lang, a.siteLang())
	}
	if len(note.Lines) > 0 {
		a.notes = append(a.notes, note)
	}
	return piece, nil
}

// missingPicture is a picture whose file is not imported: which one
// (its index among the content's pictures, -1 for the featured image),
// and a note naming it, why, and the words it carried.
type missingPicture struct {
	index int
	note  string
}

// photos are the piece's photos: the featured image as the lead, then
// the content's images in order, each file once, and what could not be
// found.
func (a *Archive) photos(p post, pics []picture) ([]galley.Photo, []missingPicture) {
	var out []galley.Photo
	var missing []missingPicture
	index := map[string]int{}
	add := func(i int, pic picture, lead bool) {
		if a.wp != nil {
			a.wp.fill(&pic)
		}
		lost := func(why string) {
			missing = append(missing, missingPicture{i, pictureNote(pic, why)})
		}
		rel, ok := a.locate(pic.src, p.uploads)
		if !ok && pic.file != "" && a.found(pic.file) {
			rel, ok = pic.file, true
		}
		if !ok {
			switch {
			case a.uploads == nil:
				lost("no uploads folder was given")
			case rel == "":
				lost("not an address of the old site's uploads")
			default:
				lost("not in the uploads folder")
			}
			return
		}
		if i, dup := index[rel]; dup {
			// The featured image shown again in the text: one photo.
			if out[i].Caption == "" {
				out[i].Caption = pic.caption
			}
			if out[i].Alt == "" {
				out[i].Alt = pic.alt
			}
			return
		}
		if len(out) == galley.MaxPhotos {
			lost(fmt.Sprintf("a piece holds at most %d photos", galley.MaxPhotos))
			return
		}
		index[rel] = len(out)
		out = append(out, galley.Photo{Source: rel, Alt: pic.alt, Caption: pic.caption, Lead: lead})
	}
	if p.featured != nil {
		add(-1, *p.featured, true)
	}
	for i, pic := range pics {
		add(i, pic, false)
	}
	return out, missing
}

// pictureNote names a picture not imported, why, and the alt text and
// caption it had, so an editor who finds the file has its words.
func pictureNote(pic picture, why string) string {
	note := pic.src + ": " + why
	if pic.alt != "" {
		note += "; alt text “" + pic.alt + "”"
	}
	if pic.caption != "" {
		note += "; caption “" + pic.caption + "”"
	}
	return note
}

// locate finds an image's file in the uploads folder: under its address's
// path, or, for a resized copy the folder lacks ("harbour-300x200.jpg",
// Ghost's "size/w600/…"), under the original's.
func (a *Archive) locate(src, marker string) (string, bool) {
	rel, ok := uploadPath(src, marker)
	if !ok {
		return "", false
	}
	if a.found(rel) {
		return rel, true
	}
	for _, alt := range originals(rel) {
		if a.found(alt) {
			return alt, true
		}
	}
	return rel, false
}

var (
	wpSize    = regexp.MustCompile(`-(?:\d+x\d+|scaled)(\.[A-Za-z0-9]+)$`)
	ghostSize = regexp.MustCompile(`^size/w\d+(?:h\d+)?/(?:format/[a-z]+/)?`)
)

// originals are the paths an image's original may have when rel names a
// copy the old system resized.
func originals(rel string) []string {
	var out []string
	if m := wpSize.ReplaceAllString(rel, "$1"); m != rel {
		out = append(out, m)
	}
	if m := ghostSize.ReplaceAllString(rel, ""); m != rel {
		out = append(out, m)
	}
	return out
}
