#!/usr/bin/env bash
# Compares the desk's first frame on an empty library, a 20-piece library
# and the 100,000-piece library (the goal: within 20% of the empty one's). Each measurement runs in
# its own process, as a launch does, and the two alternate round by round
# so that whatever else the machine is doing falls on both alike; the
# medians are compared. The same for the desk ready with its newest piece,
# where the 20-piece library (the same frame: a full list and a piece) is
# the fair comparison.
#
#   bench/firstframe.sh            7 rounds
#   ROUNDS=15 bench/firstframe.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/goenv.sh
rounds=${ROUNDS:-7}

bin=$(mktemp -d)/ui.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./ui
# The 100,000-piece library is generated once and cached in bench/out.
(cd ui && "$bin" -test.run '^$' -test.bench 'BenchmarkDeskOpenLarge/ready' -test.benchtime 1x >/dev/null)

out=$(mktemp)
for ((r = 1; r <= rounds; r++)); do
	for lib in Empty Screenful Large; do
		(cd ui && "$bin" -test.run '^$' -test.bench "^BenchmarkDeskOpen$lib\$" -test.benchtime 30x) |
			awk -v lib="$lib" '/^BenchmarkDeskOpen/ { split($1, n, "/"); sub(/-[0-9]+$/, "", n[2]); print lib, n[2], $3 / 1e6 }' >>"$out"
	done
	echo "round $r of $rounds done" >&2
done

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $rounds rounds of 30 openings each"
for step in first-frame ready; do
	median() { grep "^$1 $step " "$out" | cut -d' ' -f3 | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
	range() { grep "^$1 $step " "$out" | cut -d' ' -f3 | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f–%.1f", lo, hi }'; }
	empty=$(median Empty) few=$(median Screenful) large=$(median Large)
	pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f%%", (b / a - 1) * 100 }'; }
	printf '%-11s empty %.1f ms (%s) | 20 pieces %.1f ms (%s) | 100,000 pieces %.1f ms (%s): %s of empty, %s of 20\n' \
		"$step" "$empty" "$(range Empty)" "$few" "$(range Screenful)" "$large" "$(range Large)" "$(pct "$empty" "$large")" "$(pct "$few" "$large")"
done
rm -f "$out"
