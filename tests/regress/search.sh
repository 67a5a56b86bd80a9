#!/bin/sh
# Golden tests of the search index alone: each tests/regress/search/<case>/
# holds input.txt (documents and entities in the format of driver.c) and
# expected/ (the search/ directory the index writer must produce, byte for
# byte). The driver is linked against $BUILD/libmorgue.a.
# MORGUE_REGRESS_UPDATE=1 rewrites expected/ from the current output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/morgue-regress-search.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# the driver is built by `make unit` with the same flags as the library
# (sanitizers included in check-asan)
if [ ! -x "$BUILD/search-driver" ]; then
	echo "SKIP regress search: $BUILD/search-driver not built (make unit)"
	exit 0
fi
cp "$BUILD/search-driver" "$TMP/driver"

for case in "$here"/search/*/; do
	[ -f "$case/input.txt" ] || continue
	name=$(basename "$case")
	out=$TMP/$name
	if ! "$TMP/driver" "$case/input.txt" "$out" 2>"$TMP/err"; then
		fail "regress search/$name" "driver failed: $(head -2 "$TMP/err")"
		continue
	fi
	if [ "${MORGUE_REGRESS_UPDATE:-0}" = 1 ]; then
		rm -rf "$case/expected" && cp -r "$out/search" "$case/expected"
		echo "SKIP regress search/$name: expected output rewritten"
	elif diff -r "$case/expected" "$out/search" >"$TMP/diff"; then
		pass "regress search/$name"
	else
		fail "regress search/$name" "index differs from expected:"
		head -20 "$TMP/diff" | cut -c1-200 | sed 's/^/  /'
	fi
	# the same documents in reverse order give the same bytes
	awk 'BEGIN { RS = "\n%%\n"; ORS = "" } { r[NR] = $0 } END { for (i = NR; i > 0; i--) { sub(/\n$/, "", r[i]); print r[i] (i > 1 ? "\n%%\n" : "\n") } }' \
		"$case/input.txt" >"$TMP/rev.txt"
	if "$TMP/driver" "$TMP/rev.txt" "$TMP/$name.rev" 2>/dev/null &&
		diff -r "$out/search" "$TMP/$name.rev/search" >/dev/null; then
		pass "regress search/$name: independent of input order"
	else
		fail "regress search/$name: independent of input order" "reversed input gives other bytes"
	fi
done
