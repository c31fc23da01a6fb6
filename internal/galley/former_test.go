package galley

import (
	"strings"
	"testing"
)

func TestCheckFormerAddress(t *testing.T) {
	for _, ok := range []string{"2018/05/a-pilot-on-fog/", "about", "news/old-page.html", "2023/04/حوار-حول-الموانئ/", "archives/2019/", "console/", "com/x", "auxiliary.html", "v1.2/notes", "?p=123", "?page_id=45"} {
		if err := CheckFormerAddress(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for bad, says := range map[string]string{
		"":                        "empty",
		"/2018/05/x/":             "leading slash",
		"https://old.example/x/":  "leading slash",
		"?p=abc":                  "query",
		"?p=0":                    "query",
		"?s=fog":                  "query",
		"?p=12&x=1":               "query",
		"x/#top":                  "fragment",
		"../../etc/passwd":        `".."`,
		"a//b/":                   `".."`,
		"a/./b":                   `".."`,
		"pieces/x.html":           "pages of its own",
		"topics/old/":             "pages of its own",
		"index.html":              "pages of its own",
		"a\\b":                    "backslashes",
		"line\nbreak":             "control characters",
		strings.Repeat("a/", 600): "too long",
		"Style.css":               "pages of its own",
		"images/x/":               "pages of its own",
		"news/con/":               "device",
		"aux.html":                "device",
		"COM1.txt/":               "device",
		"news/lpt9":               "device",
		"2018/05/q:a/":            "Windows",
		"a/b*c":                   "Windows",
		"news./old/":              "ending in a dot",
		"news/old ":               "ending in a dot or a space",
	} {
		err := CheckFormerAddress(bad)
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%.40q: %v, want it to say %q", bad, err, says)
		}
	}
	for addr, page := range map[string]string{"2018/05/x/": "2018/05/x/index.html", "about": "about/index.html", "news/old.html": "news/old.html", "?p=123": ""} {
		if got := FormerPage(addr); got != page {
			t.Errorf("FormerPage(%q) = %q, want %q", addr, got, page)
		}
	}
}
