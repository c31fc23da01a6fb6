package export

import (
	"bytes"
	"html/template"

	"app.galley/galley/internal/galley"
)

// A redirect page stands at the former address of a topic, type or person
// renamed or merged since it was published, or at a piece's address on
// the site it came from (Piece.Formerly), and sends its readers on to
// the page the name or piece has now: links from elsewhere, bookmarks and search
// engines' entries keep working. It works without a server's rewrite
// rules (a refresh, and a link for a reader whose browser does not
// follow it), and tells search engines where the page is now (canonical)
// and not to list this one.
var redirectPage = template.Must(template.New("redirect").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}} — {{.Site}}</title>
<meta name="robots" content="noindex">
{{with .Canonical}}<link rel="canonical" href="{{.}}">
{{end}}<meta http-equiv="refresh" content="0; url={{.To}}">
</head>
<body>
<main>
<h1>{{.Name}}</h1>
<p>This page has moved: <a href="{{.To}}">{{.Name}}</a>.</p>
</main>
</body>
</html>
`))

// redirectView is what a redirect page shows.
type redirectView struct {
	Lang, Site, Name string
	To               string // the name's page, relative to the redirect page
	Canonical        string // the name's page under the base URL; "" without one, as on every page
}

// redirectJobs lists the redirect pages of a whole site: one at each
// former address whose name has a page in the export. A former address of
// a name that no longer has one (no published piece carries it) is left
// out, as its page would be.
func (s *site) redirectJobs() []pageJob {
	var jobs []pageJob
	for _, v := range []*vocabulary{s.topics, s.types, s.people} {
		for _, slug := range sortedKeys(v.former) {
			name, ok := v.names[v.former[slug]]
			if !ok {
				continue
			}
			path, to := pagePath(v.dir+"/"+slug, 1), v.page(name)
			view := redirectView{Lang: s.opt.Lang, Site: s.opt.SiteName, Name: name, To: rootOf(path) + to, Canonical: s.canonical(to)}
			jobs = append(jobs, s.redirectJob(path, view))
		}
	}
	return jobs
}

// formerJobs lists the redirect pages at the pieces' addresses on the
// sites they came from, each to its piece's page. An address is given
// once: when two pieces claim it (or it is a page the export writes
// already), the first keeps it and the export says so.
func (s *site) formerJobs(taken map[string]bool) []pageJob {
	var jobs []pageJob
	for _, e := range s.entries {
		for _, addr := range e.Formerly {
			path := galley.FormerPage(addr)
			if taken[path] {
				s.note("“%s”: its former address %s is another page's; no page was left there for it.", e.Title, addr)
				continue
			}
			taken[path] = true
			to := piecePath(e.Slug)
			view := redirectView{Lang: s.opt.Lang, Site: s.opt.SiteName, Name: e.Title, To: rootOf(path) + to, Canonical: s.canonical(to)}
			jobs = append(jobs, s.redirectJob(path, view))
		}
	}
	return jobs
}

// redirectJob is the job of writing one redirect page.
func (s *site) redirectJob(path string, view redirectView) pageJob {
	return pageJob{path, s.fingerprint("redirect", view), func() ([]byte, error) {
		var b bytes.Buffer
		if err := redirectPage.Execute(&b, view); err != nil {
			return nil, execError(path, err)
		}
		return b.Bytes(), nil
	}}
}
