// Command gen writes a large generated library or bundle for benchmarks
// and for trying Galley at scale:
//
//	go run -tags sqlite_fts5 ./bench/gen -pieces 100000 -library /tmp/big.galley
//	go run -tags sqlite_fts5 ./bench/gen -pieces 10000 -bundle /tmp/big-bundle
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"app.galley/galley/bench/corpus"
)

func main() {
	n := flag.Int("pieces", 10000, "how many pieces")
	lib := flag.String("library", "", "write a library file here")
	bundleDir := flag.String("bundle", "", "write a bundle folder (or .zip) here")
	seed := flag.Uint64("seed", 1, "random seed; the same seed gives the same pieces")
	flag.Parse()
	if (*lib == "") == (*bundleDir == "") {
		fmt.Fprintln(os.Stderr, "gen: give exactly one of -library FILE or -bundle DIR")
		os.Exit(2)
	}
	start := time.Now()
	var err error
	if *lib != "" {
		err = corpus.WriteLibrary(context.Background(), *lib, *n, *seed)
	} else {
		err = corpus.WriteBundle(*bundleDir, *n, *seed)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d pieces in %v\n", *n, time.Since(start).Round(time.Millisecond))
}
