#!/bin/sh
# The sample build under valgrind memcheck: no invalid access, no
# uninitialised use, no definite or indirect leak (make valgrind).
set -u
. "$(dirname "$0")/lib.sh"
if ! command -v valgrind >/dev/null; then
	echo "SKIP valgrind: not installed"; exit 0
fi
valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect "$MORGUE" build content -o "$TMP/site" --quiet 2>"$TMP/vg"
rc=$?
if [ $rc -eq 0 ]; then
	pass "valgrind: sample build is memcheck-clean"
else
	fail "valgrind: sample build is memcheck-clean" "exit $rc"
	head -60 "$TMP/vg" | sed 's/^/  /'
fi

# an incremental rebuild: the build cache, page reuse and the export thread
R=$TMP/repo
mkdir -p "$R" && cp -r content/. "$R/" && g -C "$R" init -q && commit "$R" "sample"
"$MORGUE" build "$R" -o "$TMP/inc" --quiet 2>"$TMP/err" || fail "valgrind: first build" "$(cat "$TMP/err")"
f=$(ls "$R"/articles/*/*.md "$R"/articles/*.md 2>/dev/null | head -1)
printf '\nOne more paragraph, added to test the cache.\n' >>"$f"
commit "$R" "edit one article"
valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect "$MORGUE" build "$R" -o "$TMP/inc" 2>"$TMP/vg"
rc=$?
if [ $rc -eq 0 ] && grep -q 'from the cache' "$TMP/vg"; then
	pass "valgrind: incremental rebuild is memcheck-clean"
else
	fail "valgrind: incremental rebuild is memcheck-clean" "exit $rc"
	head -60 "$TMP/vg" | sed 's/^/  /'
fi
