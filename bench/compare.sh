#!/usr/bin/env bash
# Times Galley's HTML export side by side with Hugo's on the same generated
# publications (bench/peer writes both: a Galley library and a Hugo site with
# an equivalent minimal theme), with a plain `cp -r` of Galley's output as
# the floor, and Galley's one-piece re-export. Prints a Markdown table of
# wall time and peak memory (from /usr/bin/time) for docs/performance.md.
#
#   bench/compare.sh                 10,000 pieces, without and with photos
#   PIECES=2000 VARIANTS=text bench/compare.sh
#
# Needs Debian's hugo package; installs it when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/goenv.sh

pieces=${PIECES:-10000}
variants=${VARIANTS:-"text photos"}
work=${WORK:-$(mktemp -d /tmp/galley-compare-XXXX)}

if ! command -v hugo >/dev/null 2>&1; then
	sudo_cmd=()
	[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
	"${sudo_cmd[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq hugo >/dev/null
fi

go build -o "$work/galley" ./cmd/galley
go build -o "$work/peer" ./bench/peer

# measure NAME CMD...: runs CMD, printing a table row of wall time and peak
# memory.
measure() {
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1 || { cat "$work/out.txt"; exit 1; }
	read -r secs kb <"$work/time.txt"
	printf '| %s | %s | %s s | %s MB |\n' "$variant" "$name" "$secs" "$((kb / 1024))"
}

echo "# $(date -u +%Y-%m-%d) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(hugo version | cut -d' ' -f1-2); $pieces pieces"
echo
echo "| Variant | Run | Wall time | Peak memory |"
echo "|---|---|---|---|"
for variant in $variants; do
	v="$work/$variant"
	rm -rf "$v"
	mkdir -p "$v"
	flag=()
	[ "$variant" = photos ] && flag=(-photos)
	"$work/peer" -pieces "$pieces" "${flag[@]}" -library "$v/lib.galley" -hugo "$v/hugo" >/dev/null

	# Cold runs: no previous output, no image cache.
	measure "Galley export" env XDG_CACHE_HOME="$v/galley-cache" "$work/galley" --db "$v/lib.galley" html --out "$v/galley-out"
	measure "Hugo build" sh -c "cd '$v/hugo' && hugo --quiet --destination '$v/hugo-out' --cacheDir '$v/hugo-cache'"
	measure "cp -r of Galley's output (floor)" cp -r "$v/galley-out" "$v/copy"

	# One piece edited, the whole site exported again.
	"$work/peer" -library "$v/lib.galley" -touch
	measure "Galley re-export after editing one piece" env XDG_CACHE_HOME="$v/galley-cache" "$work/galley" --db "$v/lib.galley" html --out "$v/galley-out"
	measure "Galley re-export, nothing changed" env XDG_CACHE_HOME="$v/galley-cache" "$work/galley" --db "$v/lib.galley" html --out "$v/galley-out"
	measure "Galley export of the one piece alone" env XDG_CACHE_HOME="$v/galley-cache" "$work/galley" --db "$v/lib.galley" html --out "$v/one-piece" --piece "$(ls "$v/galley-out/pieces" | sed -n '5000p' | sed 's/\.html$//')"
	measure "Hugo rebuild (warm cache)" sh -c "cd '$v/hugo' && hugo --quiet --destination '$v/hugo-out' --cacheDir '$v/hugo-cache'"
	printf '| %s | output files: Galley %s, Hugo %s | | |\n' "$variant" "$(find "$v/galley-out" -type f | wc -l)" "$(find "$v/hugo-out" -type f | wc -l)"
done
echo
echo "(work files kept in $work)"
