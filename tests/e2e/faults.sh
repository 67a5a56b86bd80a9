#!/bin/sh
# Faults: a build killed (SIGKILL) at random moments never damages the
# previous site, and the next build succeeds; two builds at once: the
# second refuses clearly (exit 5); an unwritable output: clear error.
set -u
. "$(dirname "$0")/lib.sh"

R=$TMP/repo
new_repo "$R"
i=0
while [ $i -lt 150 ]; do
	article "$R" "2020/a$i" "Article $i" "2020-0$((i % 9 + 1))-1$((i % 9))"
	i=$((i + 1))
done
commit "$R" "many"
g -C "$R" tag one
article "$R" 2020/extra "Extra" 2020-09-09
commit "$R" "extra"

"$MORGUE" build "$R" -o "$TMP/site" --rev one --quiet || { fail "baseline" "build failed"; exit 1; }
# a whole site: its files, archive.sqlite by its rows (an incremental
# build updates it in place, so its bytes, and the marker's byte count,
# differ from a clean build's); a damaged one fails to read
SAME=$(cd "$(dirname "$0")" && pwd)/archive_same.py
sum() {
	(cd "$1" && find . -type f ! -name archive.sqlite ! -name .morgue-site | LC_ALL=C sort |
		xargs cat | cksum
	 grep -v '^bytes ' .morgue-site
	 $PYTHON "$SAME" --digest archive.sqlite 2>&1)
}
old=$(sum "$TMP/site")
"$MORGUE" build "$R" -o "$TMP/new" --quiet
new=$(sum "$TMP/new")

# kill builds of HEAD at spread-out moments; the site is always one whole site
bad=0 killed=0 n=0
while [ $n -lt 12 ]; do
	"$MORGUE" build "$R" -o "$TMP/site" --quiet 2>/dev/null &
	pid=$!
	# 0 to ~0.6 s: parse, render, index and swap phases
	sleep "0.0$(( (n * 7) % 10 ))$(( n % 3 ))"
	kill -9 $pid 2>/dev/null && killed=$((killed + 1))
	wait $pid 2>/dev/null
	now=$(sum "$TMP/site")
	if [ "$now" != "$old" ] && [ "$now" != "$new" ]; then
		bad=$((bad + 1))
	fi
	# back to the old revision for the next round
	"$MORGUE" build "$R" -o "$TMP/site" --rev one --quiet
	n=$((n + 1))
done
[ $bad -eq 0 ] && pass "SIGKILL at 12 moments ($killed mid-build): the site is always whole" ||
	fail "SIGKILL mid-build" "$bad times the site was neither the old nor the new one"
"$MORGUE" build "$R" -o "$TMP/site" --quiet && [ "$(sum "$TMP/site")" = "$new" ] &&
	pass "the build after the kills succeeds" || fail "the build after the kills succeeds" "failed"
left=$(ls -d "$TMP"/site.staging-* 2>/dev/null | wc -l)
[ "$left" -eq 0 ] && pass "no staging directories left behind" || fail "staging left" "$left"
# a killed edit may have moved the cache (DIR.cache.new-PID, with its WAL
# files and postings): the next build removes what it left and keeps a
# cache again (and DIR.cache.postings beside it)
left=$(ls "$TMP" | grep 'site\.cache\.' | grep -vc '^site\.cache\.postings$')
[ "$left" -eq 0 ] && [ -f "$TMP/site.cache" ] && pass "no cache files of killed builds left behind" ||
	fail "no cache files of killed builds left behind" "$(ls "$TMP")"

# a second build while one holds the lock
( flock -x 9; sleep 2 ) 9>"$TMP/site.lock" &
sleep 0.3
"$MORGUE" build "$R" -o "$TMP/site" --clean --quiet 2>"$TMP/err"; rc=$?
wait
[ $rc -eq 5 ] && grep -q "another morgue build" "$TMP/err" && pass "concurrent build refused with exit 5" ||
	fail "concurrent build refused with exit 5" "exit $rc: $(cat "$TMP/err")"

# disk full: /dev/full as the place for the site cannot work; the old site stays
if [ -w /dev/full ]; then
	mkdir -p "$TMP/full"
	"$MORGUE" build "$R" -o /dev/full/site --quiet 2>"$TMP/err"; rc=$?
	[ $rc -eq 4 ] && pass "unwritable output exits 4" || fail "unwritable output exits 4" "exit $rc: $(cat "$TMP/err")"
fi
