#!/usr/bin/env bash
# Builds the Linux desktop package (dist/Galley.tar.xz) with the fyne tool
# pinned in go.mod (--fix-only redoes just the last step on an existing one). Unpack it and run `make user-install` (or `sudo make
# install`) inside to get Galley in the application menu with its icon.
#
# fyne package reads FyneApp.toml from the folder of the main package; the
# project keeps it at the top, so a copy with the icon path adjusted sits in
# cmd/galley just for the build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/goenv.sh

meta=cmd/galley/FyneApp.toml
trap 'rm -f "$meta"' EXIT
sed 's|^Icon = "assets/|Icon = "../../assets/|' FyneApp.toml >"$meta"

if [ "${1:-}" != --fix-only ]; then
	# fyne runs its own go build, which does not read GOFLAGS: pass the tag.
	go tool fyne package -os linux --src cmd/galley --release --tags sqlite_fts5
	mkdir -p dist
	mv -f Galley.tar.xz dist/
fi

# The Makefile that fyne (tools v1.7.2) puts in the package names the icon
# without its .png extension, so `make install` and `make user-install`
# fail; name the file as it is in the package.
tmp=$(mktemp -d)
tar -xJf dist/Galley.tar.xz -C "$tmp"
sed -i 's/^Icon := "\([^"]*[^g]\)"$/Icon := "\1.png"/' "$tmp/galley/Makefile"
grep -q '^Icon := ".*\.png"$' "$tmp/galley/Makefile"
tar -cJf dist/Galley.tar.xz -C "$tmp" galley
rm -rf "$tmp"

echo "package: dist/Galley.tar.xz"
tar -tJf dist/Galley.tar.xz
