package store

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// TestMigrationsAreNumberedInOrder reads both schemas' migrations as the
// store runs them, and refuses a set a build must not ship: a gap, a
// repeat, a file without a number.
func TestMigrationsAreNumberedInOrder(t *testing.T) {
	for name, ms := range map[string][]migration{"file": migrations(), "server": serverMigrations()} {
		if len(ms) == 0 || ms[len(ms)-1].version != len(ms) || !strings.Contains(ms[0].script, "CREATE TABLE") {
			t.Errorf("%s migrations: %d read, last %d", name, len(ms), ms[len(ms)-1].version)
		}
	}
	script := &fstest.MapFile{Data: []byte("CREATE TABLE t (x INTEGER);")}
	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{"0001_a.sql", "0003_c.sql"}, "0003_c.sql is numbered 3"},
		{[]string{"0001_a.sql", "0001_b.sql"}, "is numbered 1"},
		{[]string{"0001_a.sql", "notes.sql"}, "not named NNNN_what.sql: m/notes.sql"},
		{[]string{"0001_a.sql", "0002_b.txt"}, "not named NNNN_what.sql: m/0002_b.txt"},
	} {
		fsys := fstest.MapFS{}
		for _, f := range c.files {
			fsys["m/"+f] = script
		}
		got := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			readMigrations(fsys, "m")
			return ""
		}()
		if !strings.Contains(got, c.want) {
			t.Errorf("%v: %q, want a panic saying %q", c.files, got, c.want)
		}
	}
}
