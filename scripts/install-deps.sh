#!/usr/bin/env bash
# Installs what Galley needs to build, run and test, and only what is
# missing: a Go toolchain new enough for go.mod, the C compiler and the
# X11/OpenGL headers Fyne builds against, and the tools the tests use.
# Safe to run again and again; it does nothing when all is in place.
#
#   scripts/install-deps.sh          everything for building and running
#   scripts/install-deps.sh check    also what the short tests use (make
#                                    check): the servers and tools the Go
#                                    tests start, no browser, Java or Node
#   scripts/install-deps.sh test     also what the whole test suite uses
set -euo pipefail

purpose=${1:-run}
cd "$(dirname "$0")/.."

say() { printf 'install-deps: %s\n' "$*" >&2; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo_cmd=(sudo)
	else
		say "not root and no sudo: install missing packages by hand"
	fi
fi

# --- System packages (Debian and Ubuntu) ---------------------------------
packages=(
	gcc libc6-dev pkg-config ca-certificates curl unzip
	# Fyne's GLFW driver: OpenGL and X11 headers
	libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev
	libxi-dev libxxf86vm-dev libxkbcommon-dev
	# Spelling: libhunspell (linked through cgo) and the dictionary of
	# Galley's default language; the tests read the real one too.
	libhunspell-dev hunspell-en-us
)
case "$purpose" in
run | check | test) ;;
*) say "unknown purpose $purpose: run, check or test"; exit 2 ;;
esac
if [ "$purpose" = test ] || [ "$purpose" = check ]; then
	packages+=(
		xvfb xauth x11-utils # a display for the start-up smoke test
		# The desk asks the desktop's own file chooser through the XDG
		# portal; its test runs a session bus, the portal and GTK's
		# chooser on a virtual display, and types into it with xdotool.
		dbus-daemon xdg-desktop-portal xdg-desktop-portal-gtk xdotool
		# The team library's tests start a PostgreSQL server of their own
		# (internal/pgtest): initdb and postgres from Debian's packages.
		postgresql
		# The spelling tests switch a library to British English.
		hunspell-en-gb
		# Publishing is tested against a real OpenSSH server on a loopback
		# port with temporary keys (internal/sshtest); never the system's.
		openssh-server openssh-client
		# The photo metadata tests also read files whose XMP, IPTC and EXIF
		# another tool wrote (exiftool), not only Galley's own fixtures, so
		# the reader is checked against what agencies' software produces.
		libimage-exiftool-perl
	)
fi
if [ "$purpose" = test ]; then
	packages+=(chromium) # axe-core, the layout, colour and hostile-content checks run in it
	# Java runs the Nu Html Checker; Node.js runs axe-core and playwright-core.
	# A machine may have them from elsewhere: only add Debian's when missing.
	command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
	command -v node >/dev/null 2>&1 || packages+=(nodejs)
	command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

if command -v dpkg-query >/dev/null 2>&1; then
	missing=()
	for p in "${packages[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
			missing+=("$p")
		fi
	done
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing ${missing[*]}"
		"${sudo_cmd[@]}" apt-get update -qq
		# Installing PostgreSQL would start the system's own server; the
		# tests need only its programs and start servers of their own, so
		# services are kept from starting during the install (Debian's
		# policy-rc.d), unless the machine already has a policy of its own.
		policy=/usr/sbin/policy-rc.d
		if [ ! -e "$policy" ]; then
			printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
			"${sudo_cmd[@]}" chmod 755 "$policy"
			trap '"${sudo_cmd[@]}" rm -f "$policy"' EXIT
		fi
		DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
		if [ -n "$(trap -p EXIT)" ]; then
			"${sudo_cmd[@]}" rm -f "$policy"
			trap - EXIT
		fi
	fi
else
	say "not a Debian-like system; make sure these (or their equivalents) are installed: ${packages[*]}"
fi

# --- Go ------------------------------------------------------------------
# go.mod names the minimum Go. A newer Go is fine. When there is none (or
# only an older one, like Debian's packaged 1.19), fetch the official
# toolchain from the Go module proxy, checked against a pinned hash.
need_go=$(awk '/^go /{print $2; exit}' go.mod)
go_version=1.26.8
declare -A go_sha256=(
	[amd64]=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
	[arm64]=02b36b6787b3ac767668f630e2998df45a3b1f9ffee08d1bf3ef6487cd658d99
)

go_ok() {
	local go_bin=$1 have
	have=$("$go_bin" env GOVERSION 2>/dev/null | sed 's/^go//') || return 1
	[ -n "$have" ] || return 1
	# sort -V puts the smaller version first
	[ "$(printf '%s\n%s\n' "$need_go" "$have" | sort -V | head -n1)" = "$need_go" ]
}

export PATH="/usr/local/go/bin:$PATH"
if command -v go >/dev/null 2>&1 && go_ok "$(command -v go)"; then
	:
else
	arch=$(uname -m)
	case "$arch" in
	x86_64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) say "no Go toolchain for $arch is pinned here; install Go $need_go or newer from https://go.dev/dl"; exit 1 ;;
	esac
	proxy=${GOPROXY:-https://proxy.golang.org}
	proxy=${proxy%%,*}
	[ "$proxy" = direct ] || [ "$proxy" = off ] && proxy=https://proxy.golang.org
	zip=$(mktemp --suffix=.zip)
	trap 'rm -f "$zip"' EXIT
	say "installing Go $go_version to /usr/local/go"
	curl -fsSL -o "$zip" "$proxy/golang.org/toolchain/@v/v0.0.1-go$go_version.linux-$arch.zip"
	echo "${go_sha256[$arch]}  $zip" | sha256sum -c --quiet -
	tmp=$(mktemp -d)
	unzip -q "$zip" -d "$tmp"
	"${sudo_cmd[@]}" rm -rf /usr/local/go
	"${sudo_cmd[@]}" mv "$tmp/golang.org/toolchain@v0.0.1-go$go_version.linux-$arch" /usr/local/go
	# The zip does not keep file modes.
	"${sudo_cmd[@]}" chmod -R a+rX /usr/local/go
	"${sudo_cmd[@]}" find /usr/local/go/bin /usr/local/go/pkg/tool -type f -exec chmod a+x {} +
	rm -rf "$tmp"
	go version
fi

# --- npm packages of the HTML checks ------------------------------------
# Exact versions from package-lock.json. --ignore-scripts: vnu-jar's install
# script would fetch a Java of its own; the machine's Java runs it instead.
if [ "$purpose" = test ]; then
	check=scripts/htmlcheck
	if [ ! -f "$check/node_modules/.package-lock.json" ] || [ "$check/package-lock.json" -nt "$check/node_modules/.package-lock.json" ]; then
		say "installing the HTML checkers (npm ci)"
		(cd "$check" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	fi
fi
