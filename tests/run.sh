#!/bin/sh
# run.sh - run every test suite and print the closing line
# "N passed, N failed, N skipped".
#
# Every suite prints one line per case: "PASS name", "FAIL name[: why]" or
# "SKIP name: reason". A suite that exits non-zero without printing a FAIL
# line (a crash, a sanitizer report) counts as one failure.
# Environment: BUILD (build dir, default build), MORGUE_SKIP_BROWSER=1.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MORGUE=$(pwd)/$BUILD/morgue
export BUILD MORGUE
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT INT TERM

pass=0 fail=0 skip=0
run_suite() { # name command...
	name=$1; shift
	echo "== $name"
	"$@" >"$log/out" 2>&1
	rc=$?
	# show failures and skips in full, passes as one line each
	cat "$log/out"
	p=$(grep -c '^PASS ' "$log/out")
	f=$(grep -c '^FAIL ' "$log/out")
	s=$(grep -c '^SKIP ' "$log/out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: exited with status $rc"
		f=1
	fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit $(basename "$t")" "$t"
done
for t in tests/regress/*.sh tests/e2e/*.sh tests/fuzz/smoke.sh; do
	[ -f "$t" ] || continue
	case "$t" in
	*/lib.sh) continue ;; # helpers, not a suite
	# memcheck runs on the plain build only (it cannot run an ASan binary)
	*/valgrind.sh) [ "${MORGUE_SKIP_VALGRIND:-0}" = 1 ] && continue ;;
	esac
	run_suite "$t" sh "$t"
done
if [ "${MORGUE_SKIP_BROWSER:-0}" != 1 ] && [ -f tests/browser/run.sh ]; then
	run_suite "browser" sh tests/browser/run.sh
fi

echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
