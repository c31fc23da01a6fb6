package ui

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/desk"
	"app.galley/galley/internal/galley"
	"app.galley/galley/ui/internal/widgets"
)

// storyTab edits the piece's text and particulars: title, slug, type,
// status, date, language, byline, summary and body.
type storyTab struct {
	e        *editor
	title    *widget.Entry
	slug     *widget.Entry
	typ      *widget.SelectEntry
	status   *widget.Select
	date     *widgets.DateField
	lang     *widget.Entry     // the piece's language when not the site's
	formerly *widgets.TextArea // its addresses on the site it came from, one a line
	source   *widget.Label     // where it was imported from, when it was
	refused  *widget.Label     // why an old address typed is not taken, beside it
	summary  *widgets.TextArea
	body     *widgets.TextArea
	byline   *fyne.Container
	content  fyne.CanvasObject
	people   map[string]galley.Contributor // the library's contributors by NameKey
	names    []string                      // their names, in the vocabulary's order
	follow   bool                          // the slug follows the title
	setting  bool                          // a widget is being set from code
}

func newStoryTab(e *editor) *storyTab {
	s := &storyTab{e: e}
	s.title = widget.NewEntry()
	s.title.SetPlaceHolder("Title")
	s.title.OnChanged = s.titleChanged
	s.slug = widget.NewEntry()
	s.slug.SetPlaceHolder("made from the title")
	s.slug.OnChanged = s.slugChanged
	s.typ = widget.NewSelectEntry(nil)
	s.typ.SetPlaceHolder("Q&A, Analysis, …")
	s.typ.OnChanged = func(t string) {
		if s.edit() {
			s.e.piece.Type = strings.TrimSpace(t)
			s.e.vocab = true
			s.e.changed()
		}
	}
	var statuses []string
	for _, st := range galley.Statuses {
		statuses = append(statuses, statusLabel(st))
	}
	s.status = widget.NewSelect(statuses, s.statusChanged)
	s.date = widgets.NewDateField(func() fyne.Window { return e.d.win }, func(d galley.Date) {
		if s.edit() {
			s.e.piece.Published = d
			s.e.changed()
		}
	}, func(err error) {
		if s.edit() {
			s.e.setState("Date not taken yet: use YYYY-MM-DD")
		}
	})
	s.lang = widget.NewEntry()
	s.lang.SetPlaceHolder("the site's; or a tag such as ar, fr, en-GB")
	s.lang.OnChanged = s.langChanged
	s.formerly = widgets.NewTextArea(2, "none; or the piece's addresses on an old site, one a line: 2018/05/a-pilot-on-fog/").Growing(6)
	s.formerly.OnChanged = s.formerlyChanged
	s.source = widget.NewLabel("")
	s.source.Wrapping = fyne.TextWrapWord
	s.source.Importance = widget.LowImportance
	s.source.Hide()
	s.refused = widget.NewLabel("")
	s.refused.Wrapping = fyne.TextWrapWord
	s.refused.Importance = widget.DangerImportance
	s.refused.Hide()
	s.summary = widgets.NewTextArea(4, "One or two sentences introducing the piece").Growing(10)
	s.summary.OnChanged = func(t string) {
		if s.edit() {
			s.e.piece.Summary = t
			s.e.changed()
		}
	}
	s.body = widgets.NewTextArea(14, "Body, in Markdown: *italic*, **bold**, [links](https://…), ## headings")
	s.body.OnChanged = func(t string) {
		if s.edit() {
			s.e.piece.Body = t
			s.e.changed()
		}
	}
	s.byline = container.NewVBox()
	addPerson := widget.NewButtonWithIcon("Add contributor", theme.ContentAddIcon(), s.addContributor)

	form := widget.NewForm(
		widget.NewFormItem("Title", s.title),
		widget.NewFormItem("Slug", s.slug),
		widget.NewFormItem("Type", s.typ),
		widget.NewFormItem("Status", s.status),
		widget.NewFormItem("Published", s.date.Object()),
		widget.NewFormItem("Language", s.lang),
		widget.NewFormItem("Old addresses", container.NewVBox(s.formerly, s.refused, s.source)),
		widget.NewFormItem("Byline", container.NewVBox(s.byline, container.NewHBox(addPerson))),
		widget.NewFormItem("Summary", s.summary),
		widget.NewFormItem("Body", s.body),
	)
	s.content = container.NewVScroll(container.NewPadded(form))
	return s
}

// edit reports whether a widget change is the editor typing (true) rather
// than the tab being filled from code.
func (s *storyTab) edit() bool { return !s.setting && !s.e.loading && s.e.piece != nil }

func (s *storyTab) load(p *galley.Piece) {
	s.setting = true
	defer func() { s.setting = false }()
	s.refreshVocabulary()
	s.title.SetText(p.Title)
	// A slug follows the title until it is set by hand or the piece is
	// published: a published page's address must not move.
	s.follow = p.ID == 0 || (p.Status != galley.StatusPublished && p.Slug == galley.Slugify(p.Title))
	s.slug.SetText(p.Slug)
	if p.ID == 0 {
		s.slug.SetText(slugFor(p.Title))
	}
	s.typ.SetText(p.Type)
	s.status.SetSelected(statusLabel(orDraft(p.Status)))
	s.date.Set(p.Published)
	s.lang.SetText(p.Lang)
	s.formerly.SetText(strings.Join(p.Formerly, "\n"))
	s.refused.Hide()
	if from := sourceText(p.Source); from != "" {
		s.source.SetText(from)
		s.source.Show()
	} else {
		s.source.Hide()
	}
	s.summary.SetText(p.Summary)
	s.body.SetText(p.Body)
	s.rebuildByline()
}

func orDraft(st galley.Status) galley.Status {
	if st == "" {
		return galley.StatusDraft
	}
	return st
}

func slugFor(title string) string {
	if strings.TrimSpace(title) == "" {
		return ""
	}
	return galley.Slugify(title)
}

// saved shows what the library made of the piece: the slug it chose.
func (s *storyTab) saved(p *galley.Piece) {
	if s.slug.Text != p.Slug {
		s.setting = true
		s.slug.SetText(p.Slug)
		s.setting = false
	}
}

// refreshVocabulary offers the library's types and contributors.
func (s *storyTab) refreshVocabulary() {
	v := s.e.d.vocab
	s.typ.SetOptions(v.Types)
	s.people = make(map[string]galley.Contributor, len(v.Contributors))
	s.names = s.names[:0]
	for _, c := range v.Contributors {
		s.people[galley.NameKey(c.Name)] = c
		s.names = append(s.names, c.Name)
	}
}

func (s *storyTab) titleChanged(t string) {
	if !s.edit() {
		return
	}
	p := s.e.piece
	p.Title = t
	if s.follow {
		// Let the library derive a free slug from the new title.
		p.Slug = ""
		s.setting = true
		s.slug.SetText(slugFor(t))
		s.setting = false
	}
	s.e.changed()
}

// langChanged takes the piece's language as it is typed: a tag is kept
// in its canonical form ("en-gb" is en-GB) once it is one, and until then
// the piece keeps the language it had and the state line says why, as for
// a date being typed. An empty field is the site's language.
func (s *storyTab) langChanged(t string) {
	if !s.edit() {
		return
	}
	lang := ""
	if strings.TrimSpace(t) != "" {
		var err error
		if lang, err = galley.ParseLang(t); err != nil {
			s.e.setState("Language not taken yet: use a tag such as ar, fr or en-GB")
			return
		}
	}
	if lang != s.e.piece.Lang {
		s.e.piece.Lang = lang
		s.e.changed()
	}
}

// formerlyChanged takes the old addresses typed, one a line. An address
// that cannot be one is said so and not taken yet: the piece keeps the
// others, and saves.
func (s *storyTab) formerlyChanged(t string) {
	if !s.edit() {
		return
	}
	var addrs []string
	var refused error
	for _, line := range strings.Split(t, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || slices.Contains(addrs, line) {
			continue
		}
		if err := galley.CheckFormerAddress(line); err != nil {
			refused = err
			continue
		}
		addrs = append(addrs, line)
	}
	if !slices.Equal(addrs, s.e.piece.Formerly) {
		s.e.piece.Formerly = addrs
		s.e.changed()
	}
	if refused == nil {
		s.refused.Hide()
		return
	}
	// The reason beside the field, where there is room for it; the state
	// (after changed, which says "unsaved") that there is one.
	s.refused.SetText(galley.ErrorMessage(refused) + " It is not kept until it can be one.")
	s.refused.Show()
	s.e.setState("Old address not taken yet")
}

// sourceText says where a piece was imported from, in an editor's words:
// "Imported from WordPress (example.org), post 12". "" for a piece
// written here.
func sourceText(source string) string {
	system, rest, _ := strings.Cut(source, " ")
	switch system {
	case "":
		return ""
	case "wordpress":
		site, id, ok := strings.Cut(rest, " ")
		if !ok {
			return "Imported from WordPress, post " + rest + "; each import of its site's export updates it."
		}
		return "Imported from WordPress (" + site + "), post " + id + "; each import of its site's export updates it."
	case "ghost":
		return "Imported from Ghost (post " + rest + "); each import of its site's export updates it."
	}
	return "Imported from " + source + "."
}

func (s *storyTab) slugChanged(t string) {
	if !s.edit() {
		return
	}
	s.follow = false
	s.e.piece.Slug = strings.TrimSpace(t)
	s.e.changed()
}

// statusChanged moves the piece along the workflow. Moving it to ready or
// published while pre-publish checks fail asks first, listing them.
func (s *storyTab) statusChanged(label string) {
	if !s.edit() {
		return
	}
	p := s.e.piece
	var st galley.Status
	for _, x := range galley.Statuses {
		if statusLabel(x) == label {
			st = x
		}
	}
	change := desk.ChangeStatus(p.Status, st, p.Published, s.e.problems(), galley.DateOf(time.Now()))
	if change.ForEditor && s.e.d.editorOnly("marking a piece "+strings.ToLower(label)) {
		s.setting = true
		s.status.SetSelected(statusLabel(orDraft(p.Status)))
		s.setting = false
		return
	}
	apply := func() {
		p.Status = st
		if change.KeepSlug {
			s.follow = false
		}
		if !change.Date.IsZero() {
			p.Published = change.Date
			s.date.Set(p.Published)
		}
		s.e.changed()
	}
	problems := change.Confirm
	if len(problems) == 0 {
		apply()
		return
	}
	prev := p.Status
	msg := "These checks fail:\n\n• " + strings.Join(problems, "\n• ") + "\n\nMark it " + strings.ToLower(label) + " anyway?"
	dialog.ShowConfirm("The piece is not ready", msg, func(ok bool) {
		if s.e.piece != p {
			return // another piece was opened meanwhile
		}
		if ok {
			apply()
			return
		}
		s.setting = true
		s.status.SetSelected(statusLabel(orDraft(prev)))
		s.setting = false
	}, s.e.d.win)
}

// rebuildByline lays out one row per contributor: name, role, and buttons
// to move or remove them.
func (s *storyTab) rebuildByline() {
	p := s.e.piece
	s.e.releaseFocus()
	s.byline.Objects = nil
	if p == nil {
		s.byline.Refresh()
		return
	}
	for i := range p.Contributors {
		s.byline.Add(s.contributorRow(i, s.names))
	}
	s.byline.Refresh()
}

func (s *storyTab) contributorRow(i int, names []string) fyne.CanvasObject {
	p := s.e.piece
	name := widget.NewSelectEntry(names)
	name.SetPlaceHolder("Name")
	name.SetText(p.Contributors[i].Name)
	role := widget.NewEntry()
	role.SetPlaceHolder("Role, e.g. senior fellow")
	role.SetText(p.Contributors[i].Role)
	// A known person's role is shared by all their pieces, so it is
	// edited once, in Library → Contributors, not per piece; it is shown
	// as plain text (a disabled entry would be too faint to read).
	shared := widget.NewLabel("")
	shared.Truncation = fyne.TextTruncateEllipsis
	known := func(n string) (galley.Contributor, bool) {
		c, ok := s.people[galley.NameKey(strings.TrimSpace(n))]
		return c, ok
	}
	showRole := func(n string) {
		if c, ok := known(n); ok {
			text := c.Role
			if text == "" {
				text = "(no role; set one in Library → Contributors)"
			}
			shared.SetText(text)
			shared.Show()
			role.Hide()
			return
		}
		shared.Hide()
		role.Show()
	}
	showRole(p.Contributors[i].Name)
	name.OnChanged = func(t string) {
		if !s.edit() || p != s.e.piece || i >= len(p.Contributors) {
			return
		}
		p.Contributors[i].Name = strings.TrimSpace(t)
		if c, ok := known(t); ok {
			p.Contributors[i].Role = c.Role
		} else {
			p.Contributors[i].Role = strings.TrimSpace(role.Text)
			s.e.vocab = true // a new person joins the library when saved
		}
		showRole(t)
		s.e.changed()
	}
	role.OnChanged = func(t string) {
		if !s.edit() || p != s.e.piece || i >= len(p.Contributors) || !role.Visible() {
			return
		}
		p.Contributors[i].Role = strings.TrimSpace(t)
		s.e.changed()
	}
	icons := newRowIcons(i, len(p.Contributors), s.moveContributor, s.removeContributor)
	return container.NewBorder(nil, nil, nil, icons.box(),
		container.NewGridWithColumns(2, name, container.NewStack(role, shared)))
}

func (s *storyTab) addContributor() {
	if s.e.piece == nil {
		return
	}
	s.e.piece.Contributors = append(s.e.piece.Contributors, galley.Contributor{})
	s.rebuildByline()
	// Not marked changed until a name is typed: a blank row is not an edit
	// (and would not save).
	if n := len(s.byline.Objects); n > 0 {
		row := s.byline.Objects[n-1].(*fyne.Container)
		grid := row.Objects[0].(*fyne.Container)
		s.e.d.win.Canvas().Focus(grid.Objects[0].(*widget.SelectEntry))
	}
}

func (s *storyTab) moveContributor(from, to int) {
	c := s.e.piece.Contributors
	if to < 0 || to >= len(c) {
		return
	}
	moveItem(c, from, to)
	s.rebuildByline()
	s.e.changed()
}

func (s *storyTab) removeContributor(i int) {
	p := s.e.piece
	p.Contributors = removeItem(p.Contributors, i)
	s.rebuildByline()
	s.e.changed()
}
