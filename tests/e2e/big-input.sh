#!/bin/sh
# Big and pathological input: each build ends in time and memory bounds
# (60 s wall, 1.5 GB peak RSS, measured with /usr/bin/time -v) with the
# documented outcome: a file over 16 MiB is refused (exit 1, "MB; files
# larger than 16 MB are refused"), everything else builds (exit 0) and
# the article page exists. Decisions: bad/README.md.
set -u
. "$(dirname "$0")/lib.sh"
MAX_S=${MORGUE_BIG_MAX_S:-60}
MAX_KB=$((1536 * 1024))
# under AddressSanitizer (make check-asan) memory and time grow 3-4 times:
# the bounds are for the real build, the sanitizer run looks for faults
case ${BUILD:-build} in *asan*) MAX_S=400 MAX_KB=$((6 * 1024 * 1024)) ;; esac

R=$TMP/repo
new_repo "$R"
article "$R" 2020/good "Good" 2020-02-02
commit "$R" "good"
"$MORGUE" build "$R" -o "$TMP/site" --quiet || { fail "baseline build" "failed"; exit 1; }
timer=
[ -x /usr/bin/time ] && timer="/usr/bin/time -v -o $TMP/time"

# big NAME EXPECTED-CODE MESSAGE PYTHON-EXPRESSION-FOR-THE-BODY
big() {
	g -C "$R" reset -q --hard HEAD
	python3 -c 'import sys
out = open(sys.argv[1], "w")
out.write("---\ntitle: Big\ndate: 2020-01-01\n---\n")
out.write(eval(sys.argv[2]))' "$R/articles/2020/big.md" "$4"
	commit "$R" "case: $1"
	size=$(wc -c <"$R/articles/2020/big.md")
	$timer "$MORGUE" build "$R" -o "$TMP/site" --quiet 2>"$TMP/err"
	rc=$?
	s=? kb=0
	if [ -n "$timer" ]; then
		kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
		s=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time" |
			awk -F: '{ t = 0; for (i = 1; i <= NF; i++) t = t * 60 + $i; printf "%.1f", t }')
	fi
	what="$1 ($((size / 1024)) KB): exit $rc, ${s} s, $((kb / 1024)) MB"
	if [ "$rc" -ne "$2" ]; then
		fail "big input: $what" "expected exit $2: $(head -2 "$TMP/err")"
	elif [ -n "$3" ] && ! grep -qF -- "$3" "$TMP/err"; then
		fail "big input: $what" "message lacks '$3'"
	elif [ "$2" -eq 0 ] && [ ! -f "$TMP/site/articles/2020/big.html" ]; then
		fail "big input: $what" "no articles/2020/big.html"
	elif [ "$s" != "?" ] && awk -v s="$s" -v m="$MAX_S" 'BEGIN { exit !(s > m) }'; then
		fail "big input: $what" "slower than $MAX_S s"
	elif [ "$kb" -gt "$MAX_KB" ]; then
		fail "big input: $what" "more than $((MAX_KB / 1024)) MB"
	else
		pass "big input: $what"
	fi
	g -C "$R" reset -q --hard HEAD~1
}

big "50 MB article" 1 "articles/2020/big.md: 50.0 MB; files larger than 16 MB are refused (split it)" \
	'("Lovelace wrote a program for the engine and the words flow on. " * 4 + "\n\n") * 206500'
big "1 million lines" 0 "" '"word line\n" * 1000000'
big "12 MB on one line" 0 "" '"a" * 12000000 + "\n"'
big "100000 nested blockquotes" 0 "" '">" * 100000 + " deep\n"'
big "3000 nested lists" 0 "" '"".join("  " * i + "- item\n" for i in range(3000))'
big "50000 list markers on a line" 0 "" '"- " * 50000 + "x\n"'
big "100000 brackets" 0 "" '"[" * 100000 + "x" + "]" * 100000 + "\n"'
big "50000 unclosed links" 0 "" '"[a](" * 50000 + "\n"'
big "50000 emphasis openers" 0 "" '"*a **" * 50000 + "\n"'
big "50000 backticks" 0 "" '"`" * 50000 + "x" + "`a" * 20000 + "\n"'
big "100000 raw <div>" 0 "" '"<div>" * 100000 + "\n"'
big "100000 mentions" 0 "" '"[x](@ada-lovelace) Lovelace " * 100000 + "\n"'
