package export

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"

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
			jobs = append(jobs, s.redirectJob(path, to, view))
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
			jobs = append(jobs, s.redirectJob(path, to, view))
		}
	}
	return jobs
}

// move is one redirect: the page at from sends readers to the page at
// to, both paths in the export.
type move struct{ from, to string }

// redirectJob is the job of writing one redirect page, whose target is
// to (a path in the export).
func (s *site) redirectJob(path, to string, view redirectView) pageJob {
	s.moves = append(s.moves, move{path, to})
	return pageJob{path, s.fingerprint("redirect", view), func() ([]byte, error) {
		var b bytes.Buffer
		if err := redirectPage.Execute(&b, view); err != nil {
			return nil, execError(path, err)
		}
		return b.Bytes(), nil
	}}
}

// redirectsName is the file Netlify and Cloudflare Pages read redirects
// from.
const redirectsName = "_redirects"

// redirectsFile is the _redirects file of Options.RedirectsFile: the
// site's own _redirects first, as written (its rules win, being first),
// then a permanent redirect for each redirect page, forced ("301!") so
// the host redirects although a page stands at the address. Addresses
// start with the base URL's path, as the host sees them.
func (s *site) redirectsFile() []byte {
	var b bytes.Buffer
	for _, f := range s.files {
		if f.Name == redirectsName {
			b.Write(f.Data)
			if len(f.Data) > 0 && f.Data[len(f.Data)-1] != '\n' {
				b.WriteByte('\n')
			}
		}
	}
	root := "/"
	if u, err := url.Parse(s.opt.BaseURL); err == nil && u.Path != "" {
		root = strings.TrimSuffix(u.Path, "/") + "/"
	}
	b.WriteString("# Old addresses, written by Galley's export\n")
	moves := slices.Clone(s.moves)
	slices.SortFunc(moves, func(x, y move) int { return strings.Compare(x.from, y.from) })
	for _, m := range moves {
		from := strings.TrimSuffix(m.from, "index.html")
		fmt.Fprintf(&b, "%s %s 301!\n", escapePath(root+from), escapePath(root+m.to))
	}
	return b.Bytes()
}

// escapePath writes a path as a URL path, so a space or a non-ASCII
// letter cannot split a _redirects line.
func escapePath(p string) string { return (&url.URL{Path: p}).EscapedPath() }
