# Sourced by Galley's scripts: the Go toolchain and the flags every build
# of Galley needs.
export PATH="/usr/local/go/bin:$PATH"
export CGO_ENABLED=1
# The library's search index needs SQLite's FTS5, a build tag of
# go-sqlite3. It is added to the GOFLAGS the caller set, not put in their
# place: -tags=foo becomes -tags=foo,sqlite_fts5 (a second -tags would
# replace the first).
case " ${GOFLAGS:-} " in
*sqlite_fts5*) ;;
*" -tags="*) GOFLAGS=$(printf '%s' "$GOFLAGS" | sed -E 's/(^| )-tags=([^ ]*)/\1-tags=\2,sqlite_fts5/') ;;
*) GOFLAGS="${GOFLAGS:+$GOFLAGS }-tags=sqlite_fts5" ;;
esac
export GOFLAGS
