package galley

import (
	"strings"
	"testing"
)

func TestNamesSortAsAReaderLooksThemUp(t *testing.T) {
	names := []string{"water", "Zebra", "Ébène", "apple", "éclair", "Economy", "ÉLISE", "Elise", "Øresund", "Oslo"}
	SortNames(names, func(s string) string { return s })
	want := "apple Ébène éclair Economy Elise ÉLISE Øresund Oslo water Zebra"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("sorted:\n got %s\nwant %s", got, want)
	}
}
