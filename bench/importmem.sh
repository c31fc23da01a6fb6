#!/usr/bin/env bash
# Measures the peak memory (maximum resident set size, from /usr/bin/time)
# of `galley import` against the size of the bundle: bundles of 10, 50 and
# 100 pieces whose bodies are 1 MB each, each imported into a new library.
# Prints a Markdown table for docs/performance.md.
#
#   bench/importmem.sh                    10, 50 and 100 pieces
#   SIZES="10 200" bench/importmem.sh
#   GALLEY=/path/to/galley bench/importmem.sh   measure another build
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/goenv.sh

sizes=${SIZES:-"10 50 100"}
work=$(mktemp -d /tmp/galley-importmem-XXXX)
trap 'rm -rf "$work"' EXIT

galley=${GALLEY:-}
if [ -z "$galley" ]; then
	galley="$work/galley"
	go build -o "$galley" ./cmd/galley
fi

# A body of 1,000,000 bytes of prose, paragraphs separated by an escaped
# blank line, as an editor's long piece would be.
awk 'BEGIN {
	s = "";
	w = "The treaty held because it was written for bad years, not good ones. ";
	while (length(s) < 1000000 - 200) {
		s = s w;
		if (length(s) % 2000 < length(w)) s = s "\\n\\n";
	}
	while (length(s) < 1000000) s = s "x";
	printf "%s", substr(s, 1, 1000000);
}' >"$work/body.txt"

echo "# $(date -u +%Y-%m-%d) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $("$galley" version 2>/dev/null | head -1 || true)"
echo
echo "| Pieces (1 MB body each) | pieces.json | Wall time | Peak memory |"
echo "|---|---|---|---|"
for n in $sizes; do
	b="$work/bundle-$n"
	mkdir -p "$b"
	{
		printf '{\n  "format": "galley.bundle/1",\n  "pieces": ['
		for i in $(seq 1 "$n"); do
			[ "$i" -gt 1 ] && printf ','
			printf '\n    {"slug": "long-piece-%d", "title": "Long Piece %d", "body": "' "$i" "$i"
			cat "$work/body.txt"
			printf '"}'
		done
		printf '\n  ]\n}\n'
	} >"$b/pieces.json"
	lib="$work/lib-$n.galley"
	rm -f "$lib"*
	/usr/bin/time -f "%e %M" -o "$work/time.txt" "$galley" --db "$lib" import "$b" >"$work/out.txt" 2>&1 || {
		cat "$work/out.txt"
		exit 1
	}
	read -r secs kb <"$work/time.txt"
	mb=$(($(stat -c %s "$b/pieces.json") / 1000000))
	printf '| %d | %d MB | %s s | %d MB |\n' "$n" "$mb" "$secs" "$((kb / 1024))"
	rm -rf "$b" "$lib"*
done
