#!/usr/bin/env bash
# Checks Galley's HTML export with real tools, as the test suite and CI do:
#   - the Nu Html Checker (vnu-jar, on the machine's Java): zero errors on
#     every page of the exported sample site (a renamed topic's redirect
#     page included) and of the hostile corpus;
#   - axe-core in headless Chromium: zero WCAG 2 A/AA violations on a piece
#     page, the publications index and a topic page;
#   - the same pages and a topic page in Chromium at phone to wide-screen
#     widths and printed: nothing wider than the screen, headings that
#     scale down, card summaries clamped, each photo's sizes the width it is
#     drawn at, the lead photo fetched first; on paper no navigation,
#     related pieces a plain list, link addresses printed;
#   - the hostile corpus (internal/export/testdata/hostile) exported as a
#     site and as fragments, loaded in Chromium: no script runs, no script
#     element but JSON-LD, no on* attribute, no javascript: URL.
# scripts/install-deps.sh test installs Java, Chromium and these packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/goenv.sh
here=scripts/htmlcheck

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/galley" ./cmd/galley
# Galley keeps resized photos in the user's cache; these runs use their own
# (not exported: the go command keeps its build cache there too).
galley() { XDG_CACHE_HOME="$work/cache" "$work/galley" "$@"; }
vnu() { java -Xss4m -jar "$here/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --skip-non-html "$@"; }

echo "-- exporting the sample site"
galley --db "$work/sample.galley" sample >/dev/null
galley --db "$work/sample.galley" html --out "$work/site" --site-name "Galley Sample Desk" --base-url https://example.org/publications/
# A topic renamed after it was published: its old address becomes a page
# that sends readers on, checked by the Nu checker like every other (not by
# axe: the browser leaves it at once for the page it sends readers to).
galley --db "$work/sample.galley" topics rename "Food Security" "Food Systems" >/dev/null
# The site's own icon and logo, in every page's head and header.
galley --db "$work/sample.galley" site-files add assets/icon.png --as favicon.png >/dev/null
galley --db "$work/sample.galley" site-files add assets/icon.png --as logo.png >/dev/null
galley --db "$work/sample.galley" html --out "$work/site" --site-name "Galley Sample Desk" --base-url https://example.org/publications/ >/dev/null
galley --db "$work/sample.galley" html --out "$work/site-ap" --date-style ap >/dev/null
# One chosen piece without a base URL: its links to pages it lacks are text.
galley --db "$work/sample.galley" html --out "$work/one-piece" --piece what-a-river-treaty-can-teach-negotiators >/dev/null

# Archives written by WordPress and by Ghost themselves
# (internal/archive/testdata, made by scripts/fixtures), imported with their
# images, interviews structured, and exported like any library.
wp=internal/archive/testdata/wordpress
galley --db "$work/wordpress.galley" import --uploads "$wp/uploads" --qa --pages "$wp/export.xml" >/dev/null
galley --db "$work/wordpress.galley" html --out "$work/wordpress-site" --site-name "Harbour Institute" --base-url https://example.org/ >/dev/null
archives=("$work/wordpress-site")
if [ -f internal/archive/testdata/ghost/export.json ]; then
	gh=internal/archive/testdata/ghost
	galley --db "$work/ghost.galley" import --uploads "$gh/images" --qa --pages "$gh/export.json" >/dev/null
	galley --db "$work/ghost.galley" html --out "$work/ghost-site" --site-name "Harbour Institute" --base-url https://example.org/ >/dev/null
	archives+=("$work/ghost-site")
fi

echo "-- the Nu Html Checker"
vnu "$work/site" "$work/site-ap" "$work/one-piece" "${archives[@]}"
echo "vnu: no errors in $(find "$work/site" "$work/site-ap" "$work/one-piece" "${archives[@]}" -name '*.html' | wc -l) pages"

echo "-- axe-core in Chromium"
node "$here/check.mjs" axe \
	"$work/site/pieces/what-a-river-treaty-can-teach-negotiators.html" \
	"$work/site/index.html" \
	"$work/site/topics/water-and-climate.html" \
	"$work/one-piece/pieces/what-a-river-treaty-can-teach-negotiators.html" \
	"$work/wordpress-site/pieces/qa-harbour-pilot-fog-radar-patience.html" \
	"$work/wordpress-site/pieces/reading-tide-tables-global-trade.html" \
	"$work/wordpress-site/pieces/حوار-حول-الموانئ.html" \
	"$work/wordpress-site/index.html"

echo "-- phone, tablet, desktop and paper in Chromium"
node "$here/check.mjs" layout \
	"$work/site/pieces/what-a-river-treaty-can-teach-negotiators.html" \
	"$work/site/index.html" \
	"$work/site/topics/water-and-climate.html" \
	"$work/one-piece/pieces/what-a-river-treaty-can-teach-negotiators.html" \
	"$work/wordpress-site/pieces/qa-harbour-pilot-fog-radar-patience.html" \
	"$work/wordpress-site/pieces/reading-tide-tables-global-trade.html" \
	"$work/wordpress-site/pieces/حوار-حول-الموانئ.html"

echo "-- the hostile corpus"
galley --db "$work/hostile.galley" import internal/export/testdata/hostile >/dev/null
galley --db "$work/hostile.galley" html --out "$work/hostile-site" --include-drafts >/dev/null
galley --db "$work/hostile.galley" html --out "$work/hostile-draft" --piece hostile-draft >/dev/null
galley --db "$work/hostile.galley" html --out "$work/hostile-fragments" --fragment \
	--piece hostile-everything --piece hostile-related --base-url https://example.org/ >/dev/null
vnu "$work/hostile-site" "$work/hostile-draft"
node "$here/check.mjs" hostile "$work/hostile-site"
node "$here/check.mjs" hostile "$work/hostile-draft"
node "$here/check.mjs" hostile "$work/hostile-fragments"
echo "html checks passed"
