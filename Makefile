# Galley: build, run, test, measure and package.
#
#   make run      install what is missing, build, open the desk
#   make test     install what is missing, run the whole test suite
#   make check    gofmt, go vet and staticcheck alone (a minute, no servers)
#   make bench    run the benchmarks and print their figures
#   make package  build the Linux desktop package (dist/Galley.tar.xz)
#   make screenshots  redraw the README's screenshots of the desk

SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
# The library's search index needs SQLite's FTS5, a build tag of go-sqlite3.
export GOFLAGS := -tags=sqlite_fts5
export CGO_ENABLED := 1

BIN := bin/galley

.PHONY: run test check build deps deps-test bench package generate screenshots clean

run: deps build
	./$(BIN)

build:
	go build -o $(BIN) ./cmd/galley

test: deps-test
	scripts/test.sh

check: deps
	scripts/check.sh

deps:
	scripts/install-deps.sh

deps-test:
	scripts/install-deps.sh test

bench: deps
	scripts/bench.sh

package: deps
	scripts/package.sh

# Draw the desk on the sample library into docs/screenshots, with Fyne's
# software painter (no display needed).
screenshots: deps
	GALLEY_SCREENSHOTS=$(CURDIR)/docs/screenshots go test -count=1 -run '^TestScreenshot' ./ui

# Repaint the icon and the sample desk's photos.
generate:
	go generate ./assets

clean:
	rm -rf bin dist
