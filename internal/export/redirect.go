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

// redirectJobs lists the redirect pages of a whole site: at each former
// address whose name has a page in the export, one for each page of the
// name's list (topics/fog.html, topics/fog--2.html, … to the same pages
// of the new list: a reader or search engine may have any of them). A
// former address of a name that no longer has one (no published piece
// carries it) is left out, as its page would be.
func (s *site) redirectJobs() []pageJob {
	var jobs []pageJob
	for _, v := range []*vocabulary{s.topics, s.types, s.people} {
		members := s.members(v)
		for _, slug := range sortedKeys(v.former) {
			name, ok := v.names[v.former[slug]]
			if !ok {
				continue
			}
			for page := 1; page <= s.listLength(len(members[v.former[slug]])); page++ {
				path, to := pagePath(v.dir+"/"+slug, page), v.path(name, page)
				view := redirectView{Lang: s.opt.Lang, Site: s.opt.SiteName, Name: name, To: rootOf(path) + to, Canonical: s.canonical(to)}
				jobs = append(jobs, s.redirectJob(path, to, view))
			}
		}
	}
	return jobs
}

// formerJobs lists the redirect pages at the pieces' addresses on the
// sites they came from, each to its piece's page. An address is given
// once, and only where nothing else of the export stands: when two
// pieces claim it, or a page, a site file or a folder of the export is
// there already, the first keeps it and the export says so, rather than
// failing the whole export over an old link.
func (s *site) formerJobs(taken *claims) []pageJob {
	var jobs []pageJob
	for _, e := range s.entries {
		for _, addr := range e.Formerly {
			// Kept by the library's rule; checked again, as a slug is, so a
			// library written by an older Galley or by other means never
			// writes outside the export or where Windows cannot copy it.
			if err := galley.CheckFormerAddress(addr); err != nil {
				s.note("“%s”: no page was left at its old address: %s", e.Title, galley.ErrorMessage(err))
				continue
			}
			if galley.IsQueryAddress(addr) {
				// Only a host's rule can answer a query of the home page.
				if !taken.claim(addr) {
					s.note("“%s”: its old address %s is another piece's; no redirect was left there for it.", e.Title, addr)
					continue
				}
				s.queries = append(s.queries, move{addr, piecePath(e.Slug)})
				continue
			}
			path := galley.FormerPage(addr)
			if !taken.claim(path) {
				s.note("“%s”: its old address %s is where the export writes another page or file; no page was left there for it.", e.Title, addr)
				continue
			}
			to := piecePath(e.Slug)
			view := redirectView{Lang: s.opt.Lang, Site: s.opt.SiteName, Name: e.Title, To: rootOf(path) + to, Canonical: s.canonical(to)}
			jobs = append(jobs, s.redirectJob(path, to, view))
		}
	}
	return jobs
}

// claims are the paths an export writes, and the folders they make, so a
// path that would land on one of them is told apart before anything is
// written. Paths are compared without case: on a Mac, Windows or a
// case-blind bucket "News/Index.html" is "news/index.html".
type claims struct {
	files, dirs map[string]bool
}

func newClaims() *claims {
	return &claims{files: map[string]bool{}, dirs: map[string]bool{}}
}

// free reports whether a file can be written at path: no file or folder
// is there, and no step of its folders is a file.
func (c *claims) free(path string) bool {
	p := strings.ToLower(path)
	if c.files[p] || c.dirs[p] {
		return false
	}
	for i := strings.IndexByte(p, '/'); i >= 0; i = nextSlash(p, i) {
		if c.files[p[:i]] {
			return false
		}
	}
	return true
}

// add records a file at path and its folders.
func (c *claims) add(path string) {
	p := strings.ToLower(path)
	c.files[p] = true
	for i := strings.IndexByte(p, '/'); i >= 0; i = nextSlash(p, i) {
		c.dirs[p[:i]] = true
	}
}

// claim adds path when it is free, and reports whether it was.
func (c *claims) claim(path string) bool {
	if !c.free(path) {
		return false
	}
	c.add(path)
	return true
}

// nextSlash is the index of the next '/' in p after the one at i, or -1.
func nextSlash(p string, i int) int {
	j := strings.IndexByte(p[i+1:], '/')
	if j < 0 {
		return -1
	}
	return i + 1 + j
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
	// "/ p=123 /pieces/x.html 301!": the home page with that query, as
	// Netlify matches query parameters (Cloudflare Pages does not, and
	// serves the home page).
	queries := slices.Clone(s.queries)
	slices.SortFunc(queries, func(x, y move) int { return strings.Compare(x.from, y.from) })
	for _, m := range queries {
		fmt.Fprintf(&b, "%s %s %s 301!\n", escapePath(root), strings.TrimPrefix(m.from, "?"), escapePath(root+m.to))
	}
	return b.Bytes()
}

// escapePath writes a path as a URL path, so a space or a non-ASCII
// letter cannot split a _redirects line.
func escapePath(p string) string { return (&url.URL{Path: p}).EscapedPath() }
