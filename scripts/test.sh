#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, vet, staticcheck and
# gocyclo; every Go test under the race detector (real SQLite files, real
# PostgreSQL and OpenSSH servers, headless Fyne; the fuzz seed corpora
# replay as regression cases); each fuzz target for a few seconds; each
# benchmark once so none rots; the exported HTML checked by the Nu Html
# Checker, axe-core and a hostile-content probe in Chromium; and a smoke
# test that the real binary opens its window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/goenv.sh

step() { printf '\n== %s\n' "$*"; }

# The static checks first: they fail in a minute what the rest would
# fail in ten.
scripts/check.sh --static

# Every test under the race detector: the desk's background work, the
# crash harness's processes and the servers' clients are checked for data
# races as they run. cmd/galley's tests take about ten minutes with it on
# two cores, past go test's default limit.
step "go test -race"
go test -race -count=1 -timeout 25m ./...

# -fuzz takes one target at a time. A failing input is written to the
# package's testdata/fuzz/<target>/ and fails the run; commit it with the
# fix, and plain go test replays it from then on. The budget is a count of
# inputs, not a time: Go 1.26's fuzzer can fail a run with a bare "context
# deadline exceeded" when a timed budget ends on a busy machine
# (golang/go#75804); a count has no deadline to race. FUZZRUNS=1000000x
# digs deeper.
step "fuzz: each target for ${FUZZRUNS:-10000x} inputs"
for target in \
	FuzzBundleIndex:./internal/bundle \
	FuzzSlugify:./internal/galley \
	FuzzParseCodes:./internal/galley \
	FuzzExpand:./internal/galley \
	FuzzApplyTemplate:./internal/galley \
	FuzzMarkdown:./internal/export \
	FuzzInspect:./internal/photo \
	FuzzReadMetadata:./internal/photo \
	FuzzEmbed:./internal/photo \
	FuzzWords:./internal/spell; do
	go test -run '^$' -fuzz "^${target%%:*}\$" -fuzztime "${FUZZRUNS:-10000x}" -fuzzminimizetime 200x "${target#*:}"
done

step "benchmarks, once each (figures come from scripts/bench.sh)"
go test -count=1 -short -run '^$' -bench . -benchtime 1x ./...

step "the HTML export, checked by real tools"
scripts/htmlcheck/run.sh

step "smoke: the desk opens under Xvfb"
scripts/smoke.sh

printf '\nAll tests passed.\n'
