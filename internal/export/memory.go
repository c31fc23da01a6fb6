package export

import (
	"math"
	"runtime/debug"
	"sync"
)

// MemoryLimit is the soft memory limit (runtime/debug.SetMemoryLimit) an
// export runs under, from the command line and the desk alike. Resizing a
// photo makes tens of megabytes of short-lived buffers; left to itself
// the collector lets them pile up to several times what is live. This is
// the figure docs/performance.md measured: the cold export of 30,000
// renditions peaked at 187 MB under it.
const MemoryLimit = 160 << 20

// memory counts the exports running under MemoryLimit in this process, so
// that of two at once (an export and a publish on the desk) the first to
// end does not lift the limit from the other.
var memory struct {
	sync.Mutex
	holders int
	prev    int64 // the limit before the first of them
}

// LimitMemory puts the process under MemoryLimit for an export and
// returns what lifts it again, to be called once the export is done. A
// limit someone else set (GOMEMLIMIT, or the program) is left alone: it
// was chosen on purpose, and the returned func then does nothing.
func LimitMemory() (restore func()) {
	memory.Lock()
	defer memory.Unlock()
	if memory.holders == 0 {
		prev := debug.SetMemoryLimit(-1)
		if prev != math.MaxInt64 {
			return func() {}
		}
		memory.prev = prev
		debug.SetMemoryLimit(MemoryLimit)
	}
	memory.holders++
	return sync.OnceFunc(func() {
		memory.Lock()
		defer memory.Unlock()
		memory.holders--
		if memory.holders == 0 {
			debug.SetMemoryLimit(memory.prev)
		}
	})
}
