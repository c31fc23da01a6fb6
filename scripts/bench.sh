#!/usr/bin/env bash
# Runs Galley's benchmarks at full size: a 10,000-piece bundle import, search
# and listing on a 100,000-piece library, and saving a 50-pair Q&A piece
# with 5 photos. Generated libraries are cached in bench/out (delete it to
# start over); the first run spends a few minutes generating them.
#
#   scripts/bench.sh                 every benchmark, 5 runs each
#   scripts/bench.sh Search          only those matching a pattern
#   scripts/bench.sh Desk            the desk's (open, search, scroll, filter, memory)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/goenv.sh

pattern=${1:-.}
mkdir -p bench/out
{
	echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	go test -run '^$' -bench "$pattern" -benchmem -count 5 -timeout 60m ./bench
	# The desk, headless; each memory benchmark alone in its process so
	# the resident memory it reports is its own.
	if [[ $pattern == . || $pattern == *Desk* ]]; then
		go test -run '^$' -bench 'Desk(Open|Search|Scroll|Filter)' -benchtime 20x -count 3 -timeout 30m ./ui
		# The first frame against an empty library's, launch by launch.
		bench/firstframe.sh
		for b in DeskMemoryEmpty DeskMemoryLarge; do
			go test -run '^$' -bench "^Benchmark$b\$" -benchtime 1x ./ui
		done
	fi
} | tee bench/out/latest.txt
