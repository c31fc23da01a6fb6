#!/usr/bin/env bash
# The fast checks, run first by the test suite (scripts/test.sh) and alone
# by `make check`: formatting, go vet and staticcheck (pinned in go.mod as
# a tool, so every machine runs the same version). No browser, Java or
# Node; no servers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/goenv.sh

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l cmd ui internal assets bench)
if [ -n "$unformatted" ]; then
	echo "these files need gofmt:"
	echo "$unformatted"
	exit 1
fi

step "go vet"
go vet ./...

step "staticcheck"
go tool staticcheck ./...
