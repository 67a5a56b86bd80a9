#!/bin/sh
# Rebuilding one output directory through a sequence of commits (add, edit,
# rename, delete an article; add an alias; change a template) must give,
# after every step, exactly what a clean build of that commit gives.
set -u
. "$(dirname "$0")/lib.sh"

R=$TMP/repo
new_repo "$R"
article "$R" 2020/one "One" 2020-01-05
article "$R" 2020/two "Two" 2020-02-05 "Nothing about anyone."
commit "$R" "start"

same() { # step: the incremental site equals a clean build of HEAD
	"$MORGUE" build "$R" -o "$TMP/inc" --quiet 2>"$TMP/err" || { fail "$1: incremental build" "$(cat "$TMP/err")"; return; }
	rm -rf "$TMP/clean"
	"$MORGUE" build "$R" -o "$TMP/clean" --quiet 2>"$TMP/err" || { fail "$1: clean build" "$(cat "$TMP/err")"; return; }
	if diff -r "$TMP/inc" "$TMP/clean" >"$TMP/diff" 2>&1; then
		pass "$1: rebuild equals a clean build"
	else
		fail "$1: rebuild equals a clean build" "$(head -5 "$TMP/diff")"
	fi
}

same "first build"
same "no change"
article "$R" 2020/three "Three" 2020-03-05 "Ada Lovelace again."
commit "$R" "add three"
same "article added"
article "$R" 2020/two "Two, edited" 2020-02-05 "Now Lovelace is here."
commit "$R" "edit two"
same "article edited"
g -C "$R" mv articles/2020/three.md articles/2020/third.md
commit "$R" "rename three"
same "article renamed"
g -C "$R" rm -q articles/2020/one.md
commit "$R" "delete one"
same "article deleted"
sed -i 's/^aliases: \[Lovelace, Augusta Ada King\]/aliases: [Lovelace, Augusta Ada King, Countess of Lovelace]/' "$R/entities/people/ada-lovelace.md"
commit "$R" "alias"
same "alias added"
mkdir -p "$R/themes/mine/templates"
printf 'theme: mine\n' >>"$R/morgue.yaml"
printf '{{<layout}}{{$content}}<p class="mine">{{#article}}{{title}}{{/article}}</p>{{/content}}{{/layout}}' >"$R/themes/mine/templates/article.mustache"
commit "$R" "template"
same "template changed"
grep -q 'class="mine"' "$TMP/inc/articles/2020/two.html" && pass "the content's theme is used" || fail "the content's theme is used" ""
