#!/bin/sh
# Bad input: every case of bad/cases.tsv gives its documented exit code and
# a file:line message, and a failed build leaves the previous site intact.
set -u
. "$(dirname "$0")/lib.sh"
CASES=$(dirname "$0")/bad/cases.tsv

R=$TMP/repo
new_repo "$R"
article "$R" 2020/good "Good" 2020-02-02
commit "$R" "good"
"$MORGUE" build "$R" -o "$TMP/site" --quiet || { fail "baseline build" "failed"; exit 1; }
before=$(cd "$TMP/site" && find . -type f | LC_ALL=C sort | xargs cat | cksum)

tab=$(printf '\t')
grep -v '^#' "$CASES" | while IFS="$tab" read -r name file content code message; do
	[ -n "$name" ] || continue
	g -C "$R" reset -q --hard HEAD
	mkdir -p "$(dirname "$R/$file")"
	# \n, \t, \xHH and \0 escapes of the table, written byte for byte
	python3 -c 'import sys; open(sys.argv[1], "wb").write(sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1"))' \
		"$R/$file" "$content"
	commit "$R" "case: $name"
	"$MORGUE" build "$R" -o "$TMP/site" --quiet 2>"$TMP/err"
	rc=$?
	after=$(cd "$TMP/site" && find . -type f | LC_ALL=C sort | xargs cat | cksum)
	if [ "$rc" -ne "$code" ]; then
		fail "bad input: $name" "exit $rc, expected $code: $(head -2 "$TMP/err")"
	elif ! grep -qF -- "$message" "$TMP/err"; then
		fail "bad input: $name" "message lacks '$message': $(head -2 "$TMP/err")"
	elif [ "$rc" -ne 0 ] && [ "$before" != "$after" ]; then
		fail "bad input: $name" "the previous site changed"
	else
		pass "bad input: $name"
	fi
	g -C "$R" reset -q --hard HEAD~1
done
