// Command wxrgen writes a large WordPress export for benchmarks, grown
// from the real one WordPress wrote for the tests
// (internal/archive/testdata/wordpress/export.xml): its posts repeated
// until there are as many as asked, each copy with an ID, slug and
// address of its own, its media items kept once, so every copy's images
// are found in the same uploads folder.
//
//	go run ./bench/wxrgen -posts 20000 > /tmp/big.xml
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

var (
	postID   = regexp.MustCompile(`<wp:post_id>(\d+)</wp:post_id>`)
	postName = regexp.MustCompile(`<wp:post_name><!\[CDATA\[([^\]]*)\]\]></wp:post_name>`)
	link     = regexp.MustCompile(`<link>([^<]*)</link>`)
	kind     = regexp.MustCompile(`<wp:post_type><!\[CDATA\[([a-z_]+)\]\]></wp:post_type>`)
)

func main() {
	n := flag.Int("posts", 10000, "how many posts")
	src := flag.String("from", "internal/archive/testdata/wordpress/export.xml", "the export to grow")
	flag.Parse()
	data, err := os.ReadFile(*src)
	if err != nil {
		fail(err)
	}
	s := string(data)
	first, last := strings.Index(s, "<item>"), strings.LastIndex(s, "</item>")
	if first < 0 || last < 0 {
		fail(fmt.Errorf("%s has no items", *src))
	}
	head, tail := s[:first], s[last+len("</item>"):]
	var posts, others []string
	for _, item := range strings.SplitAfter(s[first:last+len("</item>")], "</item>") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if m := kind.FindStringSubmatch(item); m != nil && m[1] == "post" {
			posts = append(posts, item)
		} else {
			others = append(others, item)
		}
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	w.WriteString(head)
	for _, item := range others {
		w.WriteString(item + "\n")
	}
	for i := 0; i < *n; i++ {
		copyN := i/len(posts) + 1
		item := posts[i%len(posts)]
		item = postID.ReplaceAllStringFunc(item, func(m string) string {
			id, _ := strconv.Atoi(postID.FindStringSubmatch(m)[1])
			return fmt.Sprintf("<wp:post_id>%d</wp:post_id>", 100000*copyN+id)
		})
		suffix := "-" + strconv.Itoa(copyN)
		item = postName.ReplaceAllStringFunc(item, func(m string) string {
			name := postName.FindStringSubmatch(m)[1]
			if name == "" {
				return m
			}
			return "<wp:post_name><![CDATA[" + name[:min(len(name), 70)] + suffix + "]]></wp:post_name>"
		})
		item = link.ReplaceAllStringFunc(item, func(m string) string {
			l := link.FindStringSubmatch(m)[1]
			if strings.Contains(l, "?") {
				return m
			}
			return "<link>" + strings.TrimSuffix(l, "/") + suffix + "/</link>"
		})
		w.WriteString(item + "\n")
	}
	w.WriteString(tail)
	if err := w.Flush(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "wxrgen:", err)
	os.Exit(1)
}
