#!/usr/bin/env bash
# Measures `galley import` of large WordPress exports: exports of 1,000,
# 5,000 and 20,000 posts grown from the one WordPress wrote for the tests
# (bench/wxrgen), each imported with its uploads and --qa into a new
# library. Side by side, the same pieces as a Galley bundle (exported from
# that library) imported into another: what reading WordPress's format and
# converting its HTML costs beside Galley's own import. Prints a Markdown
# table for docs/performance.md: wall time, posts per second and the
# maximum resident set size /usr/bin/time saw.
#
#   bench/wpimport.sh
#   SIZES="1000 50000" bench/wpimport.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/goenv.sh

sizes=${SIZES:-"1000 5000 20000"}
work=$(mktemp -d /tmp/galley-wpimport-XXXX)
trap 'rm -rf "$work"' EXIT
go build -o "$work/galley" ./cmd/galley
go build -o "$work/wxrgen" ./bench/wxrgen
uploads=internal/archive/testdata/wordpress/uploads

# measure LABEL CMD...: runs CMD under /usr/bin/time, sets secs and mb.
measure() {
	/usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1 || {
		cat "$work/out.txt"
		exit 1
	}
	read -r secs kb <"$work/time.txt"
	mb=$((kb / 1024))
}

echo "# $(date -u +%Y-%m-%d) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo
echo "| Posts | export.xml | WordPress import | posts/s | peak memory | same pieces as a bundle | pieces/s | peak memory |"
echo "|---|---|---|---|---|---|---|---|"
for n in $sizes; do
	"$work/wxrgen" -posts "$n" >"$work/export.xml"
	size=$(($(stat -c %s "$work/export.xml") / 1000000))
	measure "$work/galley" --db "$work/wp.galley" import --uploads "$uploads" --qa "$work/export.xml"
	wp_secs=$secs wp_mb=$mb
	"$work/galley" --db "$work/wp.galley" export json --out "$work/bundle" >/dev/null
	measure "$work/galley" --db "$work/bundle.galley" import "$work/bundle"
	awk -v n="$n" -v size="$size" -v ws="$wp_secs" -v wm="$wp_mb" -v bs="$secs" -v bm="$mb" \
		'BEGIN { printf "| %d | %d MB | %s s | %.0f | %d MB | %s s | %.0f | %d MB |\n", n, size, ws, n / ws, wm, bs, n / bs, bm }'
	rm -rf "$work/bundle" "$work"/*.galley*
done
