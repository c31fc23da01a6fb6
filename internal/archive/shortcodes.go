package archive

import (
	"html"
	"regexp"
	"strconv"
	"strings"
)

// attachment is a WordPress media item: an uploaded file and what the
// media library says of it.
type attachment struct {
	id, parent int64
	url        string // the file's address on the old site
	file       string // its path under wp-content/uploads, when recorded
	alt        string
	caption    string
}

// shortcodes expands the WordPress shortcodes a post's content holds.
// WordPress expands them only when it shows a post, so an export holds
// them as written.
type shortcodes struct {
	post        int64 // the post being converted, for a gallery of its own images
	attachments map[int64]*attachment
	children    map[int64][]int64 // post → its attached media, in order
}

var (
	captionCode = regexp.MustCompile(`(?s)\[caption([^\]]*)\](.*?)\[/caption\]`)
	embedCode   = regexp.MustCompile(`(?s)\[embed([^\]]*)\](.*?)\[/embed\]`)
	galleryCode = regexp.MustCompile(`\[gallery([^\]]*)\]`)
	anyCode     = regexp.MustCompile(`\[(/?)([a-zA-Z][\w-]*)(\s[^\]]*)?\]`)
	codeAttr    = regexp.MustCompile(`([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))`)
	imageEnd    = regexp.MustCompile(`(?is)<img\b[^>]*>(?:\s*</a\s*>)?`)
	escapedCode = regexp.MustCompile(`\[(\[[a-zA-Z][\w-]*(?:\s[^\]]*)?\])\]`)
	codeText    = []*regexp.Regexp{regexp.MustCompile(`(?is)<pre[\s>].*?</pre\s*>`), regexp.MustCompile(`(?is)<code[\s>].*?</code\s*>`)}
	heldToken   = regexp.MustCompile("\x01\\d+\x01")
)

// mediaCodes are core shortcodes with no Markdown form: named and left
// out wherever they appear, with or without attributes.
var mediaCodes = map[string]bool{"audio": true, "video": true, "playlist": true, "embed": true, "wp_caption": true}

// codeAttrs reads a shortcode's attributes.
func codeAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range codeAttr.FindAllStringSubmatch(s, -1) {
		out[strings.ToLower(m[1])] = m[2] + m[3] + m[4]
	}
	return out
}

// expand turns captions and galleries into the HTML WordPress shows for
// them, and every other shortcode into a placeholder for the comment that
// names it. Text in brackets that is no shortcode ("[sic]", "[1]") stays.
//
// Code stays as written: a shortcode inside <pre> or <code> is an example
// of one, and "[[gallery]]", WordPress's escape, is the text "[gallery]".
func (s *shortcodes) expand(src string, out *content) string {
	// Held behind tokens while the shortcodes around them are expanded:
	// \x01 cannot be in an XML document's text.
	var held []string
	hold := func(text string) string {
		held = append(held, text)
		return "\x01" + strconv.Itoa(len(held)-1) + "\x01"
	}
	src = escapedCode.ReplaceAllStringFunc(src, func(m string) string { return hold(escapedCode.FindStringSubmatch(m)[1]) })
	for _, re := range codeText {
		src = re.ReplaceAllStringFunc(src, hold)
	}
	src = captionCode.ReplaceAllStringFunc(src, func(m string) string {
		parts := captionCode.FindStringSubmatch(m)
		inner := strings.TrimSpace(parts[2])
		caption := codeAttrs(parts[1])["caption"]
		// The caption is what follows the image (or the link around it),
		// formatting and all: "<a …><img …></a> The <em>old</em> quay".
		if locs := imageEnd.FindAllStringIndex(inner, -1); len(locs) > 0 {
			end := locs[len(locs)-1][1]
			if t := strings.TrimSpace(inner[end:]); t != "" {
				caption = t
			}
			inner = inner[:end]
		}
		return "<figure>" + inner + "<figcaption>" + caption + "</figcaption></figure>"
	})
	src = embedCode.ReplaceAllStringFunc(src, func(m string) string {
		return "\n\n<p>" + out.leaveOut("embed: "+strings.TrimSpace(html.UnescapeString(embedCode.FindStringSubmatch(m)[2]))) + "</p>\n\n"
	})
	src = galleryCode.ReplaceAllStringFunc(src, func(m string) string {
		return "\n\n" + s.gallery(codeAttrs(galleryCode.FindStringSubmatch(m)[1])) + "\n\n"
	})
	closing := map[string]bool{}
	for _, m := range anyCode.FindAllStringSubmatch(src, -1) {
		if m[1] == "/" {
			closing[strings.ToLower(m[2])] = true
		}
	}
	src = anyCode.ReplaceAllStringFunc(src, func(m string) string {
		parts := anyCode.FindStringSubmatch(m)
		name := strings.ToLower(parts[2])
		if !mediaCodes[name] && !closing[name] && !strings.Contains(parts[3], "=") {
			return m // "[sic]": words in brackets, not a shortcode
		}
		return out.leaveOut("shortcode: " + html.UnescapeString(m))
	})
	return heldToken.ReplaceAllStringFunc(src, func(t string) string {
		i, _ := strconv.Atoi(strings.Trim(t, "\x01"))
		return held[i]
	})
}

// gallery is the images of a [gallery] shortcode: those it names, or
// else the post's own attached images, as WordPress shows them.
func (s *shortcodes) gallery(attrs map[string]string) string {
	var ids []int64
	if list := attrs["ids"] + attrs["include"]; list != "" {
		for _, f := range strings.Split(list, ",") {
			if id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	} else {
		ids = s.children[s.post]
	}
	var b strings.Builder
	for _, id := range ids {
		a := s.attachments[id]
		if a == nil {
			continue
		}
		b.WriteString(`<figure><img class="wp-image-` + strconv.FormatInt(id, 10) + `" src="` + html.EscapeString(a.url) + `" alt="` + html.EscapeString(a.alt) + `"></figure>`)
	}
	return b.String()
}
