package export

import (
	"cmp"
	"strings"

	"app.galley/galley/internal/galley"
)

// JSON-LD, as schema.org describes news articles. html/template marshals
// these into the <script type="application/ld+json"> block and escapes the
// result, so "</script>" in a title cannot end the block.
type (
	ldArticle struct {
		Context          string     `json:"@context"`
		Type             string     `json:"@type"`
		Headline         string     `json:"headline"`
		Description      string     `json:"description,omitempty"`
		DatePublished    string     `json:"datePublished,omitempty"`
		DateModified     string     `json:"dateModified,omitempty"`
		Author           []ldPerson `json:"author,omitempty"`
		Image            *ldImage   `json:"image,omitempty"`
		Keywords         []string   `json:"keywords,omitempty"`
		ArticleSection   string     `json:"articleSection,omitempty"`
		MainEntityOfPage string     `json:"mainEntityOfPage,omitempty"`
		URL              string     `json:"url,omitempty"`
		InLanguage       string     `json:"inLanguage,omitempty"`
		Publisher        *ldOrg     `json:"publisher,omitempty"`
	}
	ldPerson struct {
		Type     string `json:"@type"`
		Name     string `json:"name"`
		JobTitle string `json:"jobTitle,omitempty"`
		URL      string `json:"url,omitempty"`
	}
	ldOrg struct {
		Type string   `json:"@type"`
		Name string   `json:"name"`
		URL  string   `json:"url,omitempty"`
		Logo *ldImage `json:"logo,omitempty"`
	}
	ldImage struct {
		Type       string    `json:"@type"`
		URL        string    `json:"url"`
		Width      int       `json:"width,omitempty"`
		Height     int       `json:"height,omitempty"`
		Caption    string    `json:"caption,omitempty"`
		CreditText string    `json:"creditText,omitempty"`
		Creator    *ldPerson `json:"creator,omitempty"`
	}
)

// social returns a piece page's OpenGraph tags and JSON-LD.
func (s *site) social(p *galley.Piece, v *pieceView, path, root string) (*ogView, any) {
	url := s.canonical(path)
	og := &ogView{
		Type: "article", Title: p.Title, Description: p.Description(), URL: url,
		Published: p.Published.String(), Modified: stamp(s.modified(p.Published, p.Updated)),
		Tags: p.Topics,
	}
	// The structured data keeps the whole summary: it is read by
	// programs, not shown cut to a line as the description is.
	ld := &ldArticle{
		Context: "https://schema.org", Type: "NewsArticle", Headline: p.Title, Description: p.Summary,
		DatePublished: p.Published.String(), DateModified: og.Modified, Keywords: p.Topics,
		ArticleSection: p.Type, MainEntityOfPage: url, URL: url, InLanguage: cmp.Or(p.Lang, s.opt.Lang),
		Publisher: &ldOrg{Type: "Organization", Name: s.opt.SiteName, URL: s.opt.BaseURL},
	}
	if logo := s.siteFileLink(s.logo, root); logo != "" {
		if s.opt.BaseURL != "" {
			logo = s.absolute(s.logo)
		}
		ld.Publisher.Logo = &ldImage{Type: "ImageObject", URL: logo, Width: s.logoW, Height: s.logoH}
	}
	if galley.NameKey(p.Type) == "analysis" {
		ld.Type = "AnalysisNewsArticle"
	}
	for _, c := range p.Contributors {
		// The person's page on the site, when it is there to be found.
		who := ldPerson{Type: "Person", Name: c.Name, JobTitle: c.Role}
		if page := s.people.page(c.Name); page != "" && s.opt.BaseURL != "" && s.link(page, "") != "" {
			who.URL = s.absolute(page)
		}
		ld.Author = append(ld.Author, who)
	}
	og.Card = "summary"
	if lead := v.Lead; lead != nil {
		// Social cards need the address from outside: absolute with a base
		// URL, else relative to the page.
		img := root + lead.FullURL
		if s.opt.BaseURL != "" {
			img = s.absolute(lead.FullURL)
		}
		og.Image, og.ImageAlt = img, lead.Alt
		og.ImageW, og.ImageH, og.Card = lead.FullW, lead.FullH, "summary_large_image"
		ld.Image = &ldImage{
			Type: "ImageObject", URL: img, Width: lead.FullW, Height: lead.FullH,
			Caption: lead.Caption, CreditText: lead.Credit,
		}
		if who := creator(lead.Credit); who != "" {
			ld.Image.Creator = &ldPerson{Type: "Person", Name: who}
		}
	}
	return og, ld
}

// creator takes the photographer from a credit line written the usual way,
// "Photographer Name/Agency".
func creator(credit string) string {
	name, _, _ := strings.Cut(credit, "/")
	return strings.TrimSpace(name)
}
