#!/bin/sh
# Golden regression tests of whole sites (lowdown's regress/ idea): each
# tests/regress/site/<case>/input/ is an archive, committed into a fresh git
# repository and built; the pages must equal tests/regress/site/<case>/expected/
# byte for byte (static/ assets and archive.sqlite are not compared).
# MORGUE_REGRESS_UPDATE=1 rewrites expected/ from the current output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/lib.sh"

for case in "$here"/site/*/; do
	[ -d "$case/input" ] || continue
	name=$(basename "$case")
	repo=$TMP/$name
	cp -r "$case/input" "$repo"
	GDATE=2021-06-01T00:00:00Z g -C "$repo" init -q
	GDATE=2021-06-01T00:00:00Z commit "$repo" "regress $name"
	if ! "$MORGUE" build "$repo" -o "$TMP/$name.out" --quiet 2>"$TMP/err"; then
		fail "regress site/$name" "build failed: $(head -2 "$TMP/err")"
		continue
	fi
	rm -rf "$TMP/$name.out/static" "$TMP/$name.out/archive.sqlite" "$TMP/$name.out/.morgue-site"
	if [ "${MORGUE_REGRESS_UPDATE:-0}" = 1 ]; then
		rm -rf "$case/expected" && cp -r "$TMP/$name.out" "$case/expected"
		echo "SKIP regress site/$name: expected output rewritten"
	elif diff -r "$case/expected" "$TMP/$name.out" >"$TMP/diff"; then
		pass "regress site/$name"
	else
		fail "regress site/$name" "output differs from expected:"
		head -40 "$TMP/diff" | sed 's/^/  /'
	fi
done
