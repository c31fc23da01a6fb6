package main

// theme is the Hugo site's configuration and a minimal theme making the
// same pages Galley's default templates make, so the two exports do the
// same work: a piece page (labels, byline, date, topics, lead photo in three
// sizes, Q&A, related cards with thumbnails), a paginated index, term pages
// for topics, types ("kinds") and people, a feed and a sitemap.
var theme = map[string]string{
	"hugo.toml": `baseURL = "https://example.org/"
languageCode = "en"
title = "Publications"
relativeURLs = true
uglyURLs = true
paginate = 20
rssLimit = 20
disableKinds = ["section"]
[taxonomies]
  topic = "topics"
  kind = "kinds"
  person = "people"
[outputs]
  home = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML"]
[imaging]
  quality = 82
  resampleFilter = "CatmullRom"
[markup.goldmark.renderer]
  unsafe = false
`,
	"layouts/_default/baseof.html": `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ site.Title }}</title>
{{ with .Params.summary }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header class="site"><p class="site-name"><a href="{{ "index.html" | relURL }}">{{ site.Title }}</a></p>
<nav aria-label="Site"><ul><li><a href="{{ "index.html" | relURL }}">Publications</a></li>
{{ range site.Taxonomies.kinds }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></li>{{ end }}
</ul></nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site"><p>{{ site.Title }}</p></footer>
</body>
</html>
`,
	"layouts/_default/single.html": `{{ define "main" }}
<article class="piece">
<header>
<p class="type-label">{{ range .GetTerms "kinds" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
<h1>{{ .Title }}</h1>
<p class="summary">{{ .Params.summary }}</p>
<ul class="byline">{{ range .GetTerms "people" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>, <span class="role">{{ $.Params.role }}</span></li>{{ end }}</ul>
<p class="date"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "Monday, January 2, 2006" }}</time></p>
<ul class="topics">{{ range .GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</header>
{{ with .Resources.GetMatch "lead.*" }}{{ partial "figure.html" (dict "img" . "lead" $.Params.lead) }}{{ end }}
<section class="qa" aria-label="Questions and answers">
{{ range $i, $qa := .Params.qa }}<h2 class="question" id="q{{ add $i 1 }}">{{ $qa.question }}</h2>
<div class="answer">{{ $qa.answer | markdownify }}</div>
{{ end }}</section>
</article>
{{ with .Params.related }}<aside class="related"><h2>Related Publications</h2><ul class="cards">
{{ range . }}{{ with site.GetPage (printf "/pieces/%s" .) }}<li>{{ partial "card.html" (dict "page" . "level" 3) }}</li>{{ end }}{{ end }}
</ul><p class="all"><a href="{{ "index.html" | relURL }}">View All Publications</a></p></aside>{{ end }}
{{ end }}
`,
	"layouts/partials/figure.html": `{{ $s := .img.Resize "480x" }}{{ $m := .img.Resize "960x" }}{{ $l := .img.Resize "1600x" }}
<figure class="lead"><img src="{{ $m.RelPermalink }}" srcset="{{ $s.RelPermalink }} 480w, {{ $m.RelPermalink }} 960w, {{ $l.RelPermalink }} 1600w" sizes="(max-width: 44rem) 100vw, 44rem" width="{{ $m.Width }}" height="{{ $m.Height }}" alt="{{ .lead.Alt }}">
<figcaption>{{ .lead.Caption }} <span class="credit">({{ .lead.Credit }})</span></figcaption></figure>
`,
	"layouts/partials/card.html": `{{ $p := .page }}<article class="card">
{{ with $p.Resources.GetMatch "lead.*" }}{{ $s := .Resize "480x" }}{{ $m := .Resize "960x" }}{{ $l := .Resize "1600x" }}<img class="thumb" src="{{ $s.RelPermalink }}" srcset="{{ $s.RelPermalink }} 480w, {{ $m.RelPermalink }} 960w, {{ $l.RelPermalink }} 1600w" sizes="(max-width: 40rem) 100vw, 20rem" width="{{ $s.Width }}" height="{{ $s.Height }}" alt="{{ $p.Params.lead.Alt }}" loading="lazy">{{ end }}
{{ if eq .level 2 }}<h2><a href="{{ $p.RelPermalink }}">{{ $p.Title }}</a></h2>{{ else }}<h3><a href="{{ $p.RelPermalink }}">{{ $p.Title }}</a></h3>{{ end }}
<p class="date"><time datetime="{{ $p.Date.Format "2006-01-02" }}">{{ $p.Date.Format "Monday, January 2, 2006" }}</time></p>
<p class="summary">{{ $p.Params.summary }}</p>
<p class="type">Type: {{ range $p.GetTerms "kinds" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
<ul class="topics">{{ range $p.GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>
`,
	"layouts/index.html": `{{ define "main" }}<h1>Publications</h1>
{{ $pager := .Paginate (where site.RegularPages "Section" "pieces") }}
<ul class="cards">{{ range $pager.Pages }}<li>{{ partial "card.html" (dict "page" . "level" 2) }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
`,
	"layouts/_default/term.html": `{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
<ul class="cards">{{ range $pager.Pages }}<li>{{ partial "card.html" (dict "page" . "level" 2) }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
`,
	"layouts/_default/taxonomy.html": `{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></li>{{ end }}</ul>{{ end }}
`,
	"static/style.css": `body { font-family: Georgia, serif; max-width: 72rem; margin: 0 auto; }
`,
}
