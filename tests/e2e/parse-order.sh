#!/bin/sh
# Parse order: articles are parsed ahead by worker threads (build.c,
# parsepool.c), yet errors and warnings come out in article order, as a
# serial parse gives them; a bad publication hides what the article's
# annotations would have said; the exit code is a content error's.
set -u
. "$(dirname "$0")/lib.sh"

R=$TMP/repo
new_repo "$R"
i=0
while [ $i -lt 200 ]; do
	n=$(printf '%03d' $i)
	article "$R" "2020/a$n" "Article $n" "2020-0$((i % 9 + 1))-1$((i % 9))"
	i=$((i + 1))
done
orphan() { # ID: two anchors not in the text
	mkdir -p "$R/annotations/2020"
	printf 'mentions:\n  - entity: ada-lovelace\n    exact: "no such words %s"\n  - entity: ada-lovelace\n    exact: "nor these %s"\n' \
		"$1" "$1" >"$R/annotations/2020/a$1.yaml"
}
orphan 010
orphan 120
orphan 190
sed -i 's/^date: .*/date: notadate/' "$R/articles/2020/a030.md"
sed -i 's/^publication: .*/publication: no-such-outlet/' "$R/articles/2020/a060.md"
orphan 060
printf '\nSee [someone](@no-such-entity).\n' >>"$R/articles/2020/a150.md"
mkdir -p "$R/annotations/2020"
printf 'mentions: [unclosed\n' >"$R/annotations/2020/a170.yaml"
commit "$R" "faults"

"$MORGUE" build "$R" -o "$TMP/site" --quiet 2>"$TMP/err"
rc=$?
if [ $rc -eq 1 ]; then pass "content errors exit 1"; else fail "content errors exit 1" "exit $rc"; fi
# the file each message is about, in order (a warning's or error's own)
sed -n 's/^morgue: \(warning\|error\): \([^:]*\):.*/\1 \2/p' "$TMP/err" >"$TMP/order"
cat >"$TMP/want" <<'W'
warning annotations/2020/a010.yaml
warning annotations/2020/a010.yaml
error articles/2020/a030.md
error articles/2020/a060.md
warning annotations/2020/a120.yaml
warning annotations/2020/a120.yaml
error articles/2020/a150.md
error annotations/2020/a170.yaml
warning annotations/2020/a190.yaml
warning annotations/2020/a190.yaml
W
if cmp -s "$TMP/order" "$TMP/want"; then
	pass "messages in article order"
else
	fail "messages in article order" "$(diff "$TMP/want" "$TMP/order" | tr '\n' ' ')"
fi
if grep -q 'a060.yaml' "$TMP/err"; then
	fail "bad publication hides its annotations" "a060.yaml reported"
else
	pass "bad publication hides its annotations"
fi
if tail -1 "$TMP/err" | grep -q '4 errors in the content'; then
	pass "errors counted"
else
	fail "errors counted" "$(tail -1 "$TMP/err")"
fi

# the errors fixed: the warnings alone, in order, and the same twice
sed -i 's/^date: .*/date: 2020-01-30/' "$R/articles/2020/a030.md"
sed -i 's/^publication: .*/publication: daily-bugle/' "$R/articles/2020/a060.md"
sed -i 's/(@no-such-entity)/(@ada-lovelace)/' "$R/articles/2020/a150.md"
rm "$R/annotations/2020/a170.yaml"
commit "$R" "fixed"
"$MORGUE" build "$R" -o "$TMP/site" --quiet 2>"$TMP/err2"
rc=$?
sed -n 's/^morgue: \(warning\|error\): \([^:]*\):.*/\1 \2/p' "$TMP/err2" >"$TMP/order2"
grep -v -e a030 -e a150 -e a170 "$TMP/want" | sed 's/^error articles\/2020\/a060.md$/warning annotations\/2020\/a060.yaml\nwarning annotations\/2020\/a060.yaml/' >"$TMP/want2"
if [ $rc -eq 0 ] && cmp -s "$TMP/order2" "$TMP/want2"; then
	pass "warnings in article order"
else
	fail "warnings in article order" "exit $rc; $(diff "$TMP/want2" "$TMP/order2" | tr '\n' ' ')"
fi
"$MORGUE" build "$R" -o "$TMP/again" --clean --quiet 2>"$TMP/err3"
if cmp -s "$TMP/err2" "$TMP/err3" && diff -r -x .morgue-site "$TMP/site" "$TMP/again" >/dev/null; then
	pass "rebuild says and writes the same"
else
	fail "rebuild says and writes the same" "stderr or site differ"
fi
