#!/usr/bin/env bash
# The fast checks: formatting, go vet, staticcheck and gocyclo (pinned in
# go.mod as tools, so every machine runs the same versions), then the
# short tests under the race detector. No browser, Java or Node.
#
#   scripts/check.sh            all of it (make check)
#   scripts/check.sh --static   the static checks alone; the test suite
#                               (scripts/test.sh) runs these first, then
#                               every test under the race detector itself
#
# govulncheck is not run: it needs vuln.go.dev, which the machines Galley
# is built on here cannot reach.
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

# A function with more than 30 paths through it is hard to follow: it is
# refused, to be split into named steps (tests, long tables of cases, are
# left out).
step "gocyclo: no function over 30"
complex=$(go tool gocyclo -over 30 -ignore '_test\.go$' cmd ui internal bench assets || true)
if [ -n "$complex" ]; then
	echo "these functions have more than 30 paths through them; split them into named steps:"
	echo "$complex"
	exit 1
fi

if [ "${1:-}" = "--static" ]; then
	exit 0
fi

step "the short tests, under the race detector"
go test -short -race -count=1 -timeout 25m ./...
