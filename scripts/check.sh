#!/usr/bin/env bash
# The fast checks, run first by the test suite (scripts/test.sh) and alone
# by `make check`: formatting, go vet and staticcheck (pinned in go.mod as
# a tool, so every machine runs the same version). No browser, Java or
# Node; no servers.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
export GOFLAGS="${GOFLAGS:--tags=sqlite_fts5}"
export CGO_ENABLED=1

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
