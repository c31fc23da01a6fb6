package export

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestLimitMemoryHoldsWhileAnyExportRuns: the limit is set for the first
// export, kept until the last of two overlapping ones ends, then lifted;
// a limit set from outside is never touched.
func TestLimitMemoryHoldsWhileAnyExportRuns(t *testing.T) {
	was := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetMemoryLimit(was) })
	limit := func() int64 { return debug.SetMemoryLimit(-1) }

	first := LimitMemory()
	if got := limit(); got != MemoryLimit {
		t.Fatalf("during an export the limit is %d, want %d", got, MemoryLimit)
	}
	second := LimitMemory()
	first()
	first() // a second call must not end the other export's hold
	if got := limit(); got != MemoryLimit {
		t.Errorf("with one export still running the limit is %d, want %d", got, MemoryLimit)
	}
	second()
	if got := limit(); got != math.MaxInt64 {
		t.Errorf("after both exports the limit is %d, want none", got)
	}

	// GOMEMLIMIT (or the program) chose a limit: it stays.
	const chosen = 1 << 30
	debug.SetMemoryLimit(chosen)
	restore := LimitMemory()
	if got := limit(); got != chosen {
		t.Errorf("a chosen limit became %d during an export", got)
	}
	restore()
	if got := limit(); got != chosen {
		t.Errorf("a chosen limit became %d after an export", got)
	}
}
