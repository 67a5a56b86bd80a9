#!/bin/sh
# End-to-end: build temporary git repositories at several revisions and
# check the site: pages exist, differ as the commits do, links resolve.
set -u
. "$(dirname "$0")/lib.sh"

R=$TMP/repo
new_repo "$R"
article "$R" 2020/first "First Article" 2020-03-01
commit "$R" "first"
g -C "$R" tag v1
article "$R" 2020/second "Second Article" 2020-04-02 "Augusta Ada King met the *Daily Bugle*."
g -C "$R" rm -q articles/2020/first.md
commit "$R" "second, first removed"

# build HEAD and v1 into separate sites
"$MORGUE" build "$R" -o "$TMP/head" --quiet; rc=$?
[ $rc -eq 0 ] && pass "build at HEAD exits 0" || fail "build at HEAD exits 0" "exit $rc"
"$MORGUE" build "$R" -o "$TMP/v1" --rev v1 --quiet; rc=$?
[ $rc -eq 0 ] && pass "build --rev v1 exits 0" || fail "build --rev v1 exits 0" "exit $rc"

check "HEAD has the second article" test -f "$TMP/head/articles/2020/second.html"
check "HEAD lacks the removed article" test ! -e "$TMP/head/articles/2020/first.html"
check "v1 has the first article" test -f "$TMP/v1/articles/2020/first.html"
check "v1 lacks the later article" test ! -e "$TMP/v1/articles/2020/second.html"
check "entity page" test -f "$TMP/head/entities/ada-lovelace.html"
check "entities index" test -f "$TMP/head/entities/index.html"
check "tag page" test -f "$TMP/head/tags/computing.html"
check "tags index" test -f "$TMP/head/tags/index.html"
check "archive year" test -f "$TMP/head/archive/2020.html"
check "archive month" test -f "$TMP/head/archive/2020/04.html"
check "archive index" test -f "$TMP/head/archive/index.html"
check "search page" test -f "$TMP/head/search.html"
check "catalog export" test -f "$TMP/head/archive.sqlite"
check "mention linked on article page" grep -q 'class="mention" data-entity="ada-lovelace" href="../../entities/ada-lovelace.html"' "$TMP/head/articles/2020/second.html"
check "entity page lists the article" grep -q 'articles/2020/second.html' "$TMP/head/entities/ada-lovelace.html"
check "v1 entity page lists the old article" grep -q 'articles/2020/first.html' "$TMP/v1/entities/ada-lovelace.html"
check "publication linked" grep -q 'href="../../entities/daily-bugle.html"' "$TMP/head/articles/2020/second.html"
check "footer names the commit" grep -q "$(g -C "$R" rev-parse --short=7 HEAD)" "$TMP/head/index.html"
check "no staging directory left" sh -c "! ls -d '$TMP'/head.staging-* 2>/dev/null"

# uncommitted draft: only --worktree sees it
article "$R" 2020/draft "Draft" 2020-05-05
"$MORGUE" build "$R" -o "$TMP/wt" --worktree --quiet
check "--worktree builds the uncommitted draft" test -f "$TMP/wt/articles/2020/draft.html"
"$MORGUE" build "$R" -o "$TMP/head2" --quiet
check "a normal build ignores the draft" test ! -e "$TMP/head2/articles/2020/draft.html"

# reproducible: two builds of the same commit are byte-identical
"$MORGUE" build "$R" -o "$TMP/again" --quiet
if diff -r -x archive.sqlite "$TMP/head2" "$TMP/again" >/dev/null; then
	pass "two builds of one commit are identical"
else
	fail "two builds of one commit are identical" "$(diff -rq -x archive.sqlite "$TMP/head2" "$TMP/again" | head -3)"
fi

# rebuild replaces the site in place
"$MORGUE" build "$R" -o "$TMP/head" --rev v1 --quiet
check "rebuild into an existing site swaps it" test -f "$TMP/head/articles/2020/first.html"
check "rebuild removed pages of the other revision" test ! -e "$TMP/head/articles/2020/second.html"

# bare repository, REPO:PATH form
g clone -q --bare "$R" "$TMP/bare.git"
"$MORGUE" build "$TMP/bare.git:" -o "$TMP/frombare" --quiet
check "builds from a bare repository" test -f "$TMP/frombare/articles/2020/second.html"

# content root in a subdirectory of a bigger repository
mkdir -p "$TMP/big"
g -C "$TMP/big" init -q
cp -r "$R/articles" "$R/entities" "$R/morgue.yaml" "$TMP/big/" 2>/dev/null
mkdir -p "$TMP/big/site" && mv "$TMP/big/articles" "$TMP/big/entities" "$TMP/big/morgue.yaml" "$TMP/big/site/"
echo "readme" >"$TMP/big/README"
commit "$TMP/big" "init"
(cd "$TMP/big" && "$MORGUE" build site -o "$TMP/sub" --quiet)
check "content root inside a larger repository" test -f "$TMP/sub/articles/2020/second.html"

# CLI conventions
"$MORGUE" --help >/dev/null 2>&1; [ $? -eq 0 ] && pass "--help exits 0" || fail "--help exits 0" "nonzero"
"$MORGUE" build --help | grep -q "usage: morgue build" && pass "build --help on stdout" || fail "build --help on stdout" "no usage"
"$MORGUE" build --bogus >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown option" "$TMP/err" && pass "misuse exits 2 with a message" || fail "misuse exits 2 with a message" "exit $rc"
"$MORGUE" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] && pass "unknown command exits 2" || fail "unknown command exits 2" "not 2"
"$MORGUE" build "$R" -o "$TMP/x" --rev nosuchrev --quiet 2>"$TMP/err"; rc=$?
[ $rc -eq 3 ] && grep -q "nosuchrev" "$TMP/err" && pass "bad revision exits 3 naming it" || fail "bad revision exits 3 naming it" "exit $rc: $(cat "$TMP/err")"
"$MORGUE" build "$TMP/nonexistent" -o "$TMP/x" --quiet 2>/dev/null; rc=$?
[ $rc -eq 3 ] && pass "missing content root exits 3" || fail "missing content root exits 3" "exit $rc"
mkdir -p "$TMP/precious" && echo keep >"$TMP/precious/file.txt"
"$MORGUE" build "$R" -o "$TMP/precious" --quiet 2>"$TMP/err"; rc=$?
[ $rc -eq 4 ] && [ -f "$TMP/precious/file.txt" ] && pass "refuses to replace a directory it did not create" || fail "refuses to replace a directory it did not create" "exit $rc"

# an unchanged archive is not rebuilt; any change, a damaged site or
# --clean rebuilds
"$MORGUE" build "$R" -o "$TMP/inc" --quiet
stamp1=$(stat -c %Y "$TMP/inc/index.html")
"$MORGUE" build "$R" -o "$TMP/inc" 2>"$TMP/err"
grep -q "is up to date (built from commit" "$TMP/err" && pass "no-change rebuild: up to date" ||
	fail "no-change rebuild: up to date" "$(cat "$TMP/err")"
[ "$(stat -c %Y "$TMP/inc/index.html")" = "$stamp1" ] && pass "no-change rebuild writes nothing" ||
	fail "no-change rebuild writes nothing" "index.html was rewritten"
rm "$TMP/inc/tags/index.html"
"$MORGUE" build "$R" -o "$TMP/inc" 2>"$TMP/err"
[ -f "$TMP/inc/tags/index.html" ] && pass "a damaged site is rebuilt" || fail "a damaged site is rebuilt" "$(cat "$TMP/err")"
"$MORGUE" build "$R" -o "$TMP/inc" --clean 2>"$TMP/err"
grep -q "^morgue: built" "$TMP/err" && pass "--clean forces a build" || fail "--clean forces a build" "$(cat "$TMP/err")"
mkdir -p "$TMP/th/templates"
printf '{{<layout}}{{$content}}<p id="custom">{{#article}}{{title}}{{/article}}</p>{{/content}}{{/layout}}' >"$TMP/th/templates/article.mustache"
"$MORGUE" build "$R" -o "$TMP/inc" --theme "$TMP/th" --quiet
grep -q 'id="custom"' "$TMP/inc/articles/2020/second.html" && pass "a changed --theme rebuilds" || fail "a changed --theme rebuilds" ""
printf '{{<layout}}{{$content}}<p id="custom2">x</p>{{/content}}{{/layout}}' >"$TMP/th/templates/article.mustache"
"$MORGUE" build "$R" -o "$TMP/inc" --theme "$TMP/th" --quiet
grep -q 'id="custom2"' "$TMP/inc/articles/2020/second.html" && pass "an edited theme file rebuilds" || fail "an edited theme file rebuilds" ""
