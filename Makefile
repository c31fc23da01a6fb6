# Galley: build, run, test, measure and package.
#
#   make run      install what is missing, build, open the desk
#   make test     install what is missing, run the whole test suite
#   make check    gofmt, go vet, staticcheck, gocyclo (no function over 30) and the short tests under the
#                 race detector, with the servers the tests start but no browser, Java or Node
#                 (govulncheck is left out: vuln.go.dev cannot be reached from the machines Galley is built on)
#   make bench    run the benchmarks and print their figures
#   make package  build the Linux desktop package (dist/Galley.tar.xz)
#   make screenshots  redraw the README's screenshots of the desk

SHELL := /bin/bash
# Go as the scripts run it (scripts/goenv.sh): cgo on, and the FTS5 build
# tag of go-sqlite3 (the library's search index) added to your GOFLAGS.
GO := . scripts/goenv.sh && go

BIN := bin/galley

.PHONY: run test check build deps deps-check deps-test bench package generate screenshots clean

run: deps build
	./$(BIN)

build:
	$(GO) build -o $(BIN) ./cmd/galley

test: deps-test
	scripts/test.sh

check: deps-check
	scripts/check.sh

deps:
	scripts/install-deps.sh

deps-check:
	scripts/install-deps.sh check

deps-test:
	scripts/install-deps.sh test

bench: deps
	scripts/bench.sh

package: deps
	scripts/package.sh

# Draw the desk on the sample library into docs/screenshots, with Fyne's
# software painter (no display needed).
screenshots: deps
	. scripts/goenv.sh && GALLEY_SCREENSHOTS=$(CURDIR)/docs/screenshots go test -count=1 -run '^TestScreenshot' ./ui

# Repaint the icon and the sample desk's photos.
generate:
	$(GO) generate ./assets

clean:
	rm -rf bin dist
