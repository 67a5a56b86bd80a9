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
