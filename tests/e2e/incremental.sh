#!/bin/sh
# Rebuilding one output directory through a sequence of commits (add, edit,
# rename, delete an article; add an alias; change a template) must give,
# after every step, exactly what a clean build of that commit gives. The
# rebuilds go through the build cache (DIR.cache): unchanged articles are
# copied, not parsed, unchanged pages are linked from the previous site
# (same inode, same mtime), and a broken cache is rebuilt with a warning.
set -u
. "$(dirname "$0")/lib.sh"

R=$TMP/repo
new_repo "$R"
article "$R" 2020/one "One" 2020-01-05
article "$R" 2020/two "Two" 2020-02-05 "Nothing about anyone."
# one article a page: every list is paged, so continuation pages of the
# front page, entities and tags are rebuilt (or reused) page by page
printf 'page_size: 1\n' >>"$R/morgue.yaml"
mkdir -p "$R/articles/2019"
printf -- '---\ntitle: "Old"\ndate: 2019-06-01\n---\nNothing to see.\n' >"$R/articles/2019/old.md"
commit "$R" "start"

same() { # step: the incremental site equals a clean build of HEAD
	"$MORGUE" build "$R" -o "$TMP/inc" 2>"$TMP/inc.err" || { fail "$1: incremental build" "$(cat "$TMP/inc.err")"; return; }
	rm -rf "$TMP/clean" "$TMP/clean.cache"
	"$MORGUE" build "$R" -o "$TMP/clean" --clean --quiet 2>"$TMP/err" || { fail "$1: clean build" "$(cat "$TMP/err")"; return; }
	# archive.sqlite: the same rows (an edit updates it in place, so its
	# size, counted in the marker's bytes, may differ)
	if diff -r -x archive.sqlite -x .morgue-site "$TMP/inc" "$TMP/clean" >"$TMP/diff" 2>&1 &&
	   grep -v '^bytes ' "$TMP/inc/.morgue-site" >"$TMP/marker.inc" &&
	   grep -v '^bytes ' "$TMP/clean/.morgue-site" >"$TMP/marker.clean" &&
	   diff "$TMP/marker.inc" "$TMP/marker.clean" >"$TMP/diff" 2>&1 &&
	   $PYTHON "$(dirname "$0")/archive_same.py" "$TMP/inc/archive.sqlite" \
		"$TMP/clean/archive.sqlite" >"$TMP/diff" 2>&1; then
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
ino() { stat -c %i "$TMP/inc/$1"; }
three_copied() { # name: the last build's summary counts 3 articles from the cache
	grep -q '; 3 articles and' "$TMP/inc.err" && pass "$1" || fail "$1" "$(cat "$TMP/inc.err")"
}
grep -q 'articles and [0-9]* files from the cache' "$TMP/inc.err" &&
	pass "an added article: the others come from the cache" ||
	fail "an added article: the others come from the cache" "$(cat "$TMP/inc.err")"
old=$(ino articles/2019/old.html) json=$(ino articles/2020/one.json) two=$(ino articles/2020/two.html)
bugle3=$(ino entities/daily-bugle/page-3.html)
(cd "$TMP/inc/search" && ls -i | sort) >"$TMP/search.before"
touch -d 2001-01-01 "$TMP/inc/articles/2019/old.html" "$TMP/inc/articles/2020/one.json" \
	"$TMP/inc/entities/daily-bugle/page-3.html"
article "$R" 2020/two "Two, edited" 2020-02-05 "Now Lovelace is here."
commit "$R" "edit two"
same "article edited"
three_copied "an edit parses one article, copies the other three"
[ "$(ino articles/2020/two.html)" != "$two" ] &&
	pass "the edited article's page is rewritten" ||
	fail "the edited article's page is rewritten" "same inode"
# old.html shares nothing with two and its neighbour (one) is unchanged:
# linked, not rendered. one.html shows two's new title (next article), so
# it is rendered again, but one.json has the same bytes: kept as it was.
unchanged() { # name path inode
	[ "$(ino "$2")" = "$3" ] && [ "$(stat -c %Y "$TMP/inc/$2")" = "$(date -d 2001-01-01 +%s)" ] &&
		pass "$1" || fail "$1" "$(ls -li --full-time "$TMP/inc/$2")"
}
unchanged "an unaffected page is not rewritten (same inode and mtime)" articles/2019/old.html "$old"
# archive.sqlite is the previous one updated, not written again: its
# full-text index has a segment more than a clean build's
fts_rows() { $PYTHON -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM articles_fts_data").fetchone()[0])' "$1"; }
[ "$(fts_rows "$TMP/inc/archive.sqlite")" -gt "$(fts_rows "$TMP/clean/archive.sqlite")" ] &&
	pass "an edit updates the previous archive.sqlite" ||
	fail "an edit updates the previous archive.sqlite" "$(fts_rows "$TMP/inc/archive.sqlite") index rows"
unchanged "a re-rendered file with the same bytes keeps its inode and mtime" articles/2020/one.json "$json"
# the publication's pages, newest first: three, two, one; only page 2 shows two
unchanged "an entity's continuation page without the edited article is reused" \
	entities/daily-bugle/page-3.html "$bugle3"
# term shards whose terms the edit did not touch are linked, not packed
(cd "$TMP/inc/search" && ls -i | sort) >"$TMP/search.after"
kept=$(comm -12 "$TMP/search.before" "$TMP/search.after" | wc -l)
all=$(wc -l <"$TMP/search.after")
[ "$kept" -gt 0 ] && [ "$kept" -lt "$all" ] &&
	pass "unchanged search shards are reused ($kept of $all)" ||
	fail "unchanged search shards are reused" "$kept of $all kept"
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
# articles added and removed after every other one keep the others'
# numbers: the rebuild starts from a copy of the cache (the article count
# changes, so every derived table is recomputed)
article "$R" 2099/last "Last" 2021-06-01 "Ada Lovelace and the Daily Bugle."
commit "$R" "append last"
same "article appended after the others"
[ "$(fts_rows "$TMP/inc/archive.sqlite")" -gt "$(fts_rows "$TMP/clean/archive.sqlite")" ] &&
	pass "an appended article updates the previous archive.sqlite" ||
	fail "an appended article updates the previous archive.sqlite" "$(fts_rows "$TMP/inc/archive.sqlite") index rows"
article "$R" 2099/last "Last" 2021-06-01 "Nobody at all."
commit "$R" "edit last: no mention left"
same "an edit that drops every mention"
g -C "$R" rm -q articles/2099/last.md
commit "$R" "delete last"
same "the last article deleted"

# mentions.csv and attributions.csv are spliced: the blocks of unchanged
# articles are copied from the previous site's file, the others written
csv() { # step file pattern: the incremental site's CSV has the pattern
	grep -q "$3" "$TMP/inc/$2" && pass "$1: $2 has the change" ||
		fail "$1: $2 has the change" "$(cat "$TMP/inc/$2")"
}
article "$R" 2020/two "Two, quoted" 2020-02-05 '"The engine weaves algebra," Ada Lovelace said.'
commit "$R" "quote in two"
same "an edit that adds a quotation"
csv "an edit that adds a quotation" attributions.csv 'The engine weaves algebra'
article "$R" 2020/two "Two, quoted" 2020-02-05 '"The engine weaves patterns," Ada Lovelace said.'
commit "$R" "another quotation in two"
same "an edit that changes only a quotation"
csv "an edit that changes only a quotation" attributions.csv 'The engine weaves patterns'
# third's block moves from the middle of the files to the head
mkdir -p "$R/articles/2000"
g -C "$R" mv articles/2020/third.md articles/2000/third.md
commit "$R" "rename third to the head"
same "a rename that changes the path order"
sed -n 2p "$TMP/inc/mentions.csv" | grep -q '^2000/third,' &&
	pass "a rename that changes the path order: its rows come first" ||
	fail "a rename that changes the path order: its rows come first" "$(cat "$TMP/inc/mentions.csv")"
# paths sort without case: 2020/Zebra after 2020/two (before, by bytes)
g -C "$R" mv articles/2000/third.md articles/2020/Zebra.md
commit "$R" "rename with a capital"
same "a rename to a path with a capital"
tail -n 1 "$TMP/inc/mentions.csv" | grep -q '^2020/Zebra,' &&
	pass "a rename to a path with a capital: its rows come last" ||
	fail "a rename to a path with a capital: its rows come last" "$(cat "$TMP/inc/mentions.csv")"
article "$R" 2020/aardvark "Aardvark" 2020-04-01 '"First," Ada Lovelace said. "Second," the Daily Bugle reported.'
commit "$R" "add aardvark"
same "an article added between others in path order"
csv "an article added between others in path order" mentions.csv '^2020/aardvark,'
# the previous site's CSV is not what the cache recorded: written whole
article "$R" 2020/two "Two, quoted" 2020-02-05 '"The engine weaves lace," Ada Lovelace said.'
commit "$R" "quote in two, a third"
printf 'x' >>"$TMP/inc/mentions.csv"
same "a previous CSV changed behind the cache's back"

# an edit of the body away from every mention (after the excerpt, in a
# paragraph of its own) changes nothing the pages listing the article
# show: the entity's page is linked, not rendered; once the theme shows
# word counts, the same kind of edit changes the lists
pad="The rest goes on for a while, long enough that the first lines make the whole excerpt of a list, which takes the first two hundred and twenty bytes of the text or so and cuts them at a word."
long="Ada Lovelace wrote the first program.

$pad

Nothing else."
article "$R" 2020/two "Two, long" 2020-02-05 "$long"
commit "$R" "two, long"
same "a long article"
ada=$(ino entities/ada-lovelace.html)
touch -d 2001-01-01 "$TMP/inc/entities/ada-lovelace.html"
article "$R" 2020/two "Two, long" 2020-02-05 "$long

A closing line of seven words, no names."
commit "$R" "two, a closing line"
same "a body edit away from the mentions"
unchanged "a body edit away from the mentions: the entity page is kept" \
	entities/ada-lovelace.html "$ada"
from_cache() { sed -n 's/.* \([0-9]*\) files from the cache.*/\1/p' "$TMP/inc.err"; }
far=$(from_cache)
article "$R" 2020/two "Two, long" 2020-02-05 "Ada Lovelace wrote the first program, twice.

$pad

Nothing else.

A closing line of seven words, no names."
commit "$R" "two, an edit in a mention's sentence"
same "a body edit in a mention's sentence"
near=$(from_cache)
# the far edit rendered the article's page; the near one also the pages
# listing it with the sentence (the entity's, the publication's)
[ -n "$far" ] && [ -n "$near" ] && [ "$far" -gt "$near" ] &&
	pass "an edit away from the mentions renders fewer pages ($far > $near from the cache)" ||
	fail "an edit away from the mentions renders fewer pages" "far $far, near $near"
cp themes/default/templates/article-list.mustache "$R/themes/mine/templates/" 2>/dev/null ||
	cp "$(dirname "$0")/../../themes/default/templates/article-list.mustache" "$R/themes/mine/templates/"
sed -i 's|<h3>|<p class="words">{{words}} words</p><h3>|' "$R/themes/mine/templates/article-list.mustache"
commit "$R" "a theme that shows word counts"
same "a theme that shows word counts"
article "$R" 2020/two "Two, long" 2020-02-05 "$long

A closing line of eight words, and no names."
commit "$R" "two, a longer closing line"
same "a body edit that changes the word count, shown"
grep -q '>[0-9]* words<' "$TMP/inc/entities/ada-lovelace.html" &&
	pass "the entity page shows the new word count" ||
	fail "the entity page shows the new word count" "$(grep words "$TMP/inc/entities/ada-lovelace.html")"

# a damaged cache: detected, ignored with a warning, and replaced
head -c 5000 /dev/urandom >"$TMP/inc.cache"
article "$R" 2020/two "Two, again" 2020-02-05 "Lovelace once more."
commit "$R" "edit two again"
same "corrupted cache"
grep -q 'inc.cache: not a morgue cache or corrupted' "$TMP/inc.err" &&
	pass "a corrupted cache is reported" || fail "a corrupted cache is reported" "$(cat "$TMP/inc.err")"
"$MORGUE" build "$R" -o "$TMP/inc" --clean 2>"$TMP/inc.err"
grep -q 'from the cache' "$TMP/inc.err" &&
	fail "--clean ignores the cache" "$(cat "$TMP/inc.err")" || pass "--clean ignores the cache"
# a foreign SQLite file in the cache's place
if command -v sqlite3 >/dev/null 2>&1; then
	rm -f "$TMP/inc.cache"
	sqlite3 "$TMP/inc.cache" 'CREATE TABLE notes(x); INSERT INTO notes VALUES(1);'
	article "$R" 2020/two "Two, third time" 2020-02-05 "Lovelace."
	commit "$R" "edit two a third time"
	same "foreign cache"
	grep -q 'not a morgue cache' "$TMP/inc.err" &&
		pass "a foreign cache is reported" || fail "a foreign cache is reported" "$(cat "$TMP/inc.err")"
	# a cache of an older format (an upgrade): said so, not "corrupted"
	sqlite3 "$TMP/inc.cache" "UPDATE cache_meta SET value='morgue-cache 1' WHERE name='format'"
	article "$R" 2020/two "Two, after an upgrade" 2020-02-05 "Lovelace."
	commit "$R" "edit two after an upgrade"
	same "older cache format"
	grep -q 'inc.cache: written by another version of morgue (1; this one reads' "$TMP/inc.err" &&
		! grep -q 'corrupted' "$TMP/inc.err" &&
		pass "an older cache format is reported as such" ||
		fail "an older cache format is reported as such" "$(cat "$TMP/inc.err")"
fi
# the next build trusts the rebuilt cache again
article "$R" 2020/two "Two, fourth" 2020-02-05 "Lovelace."
commit "$R" "edit two a fourth time"
same "after a rebuilt cache"
grep -q 'files from the cache' "$TMP/inc.err" &&
	pass "the rebuilt cache is used" || fail "the rebuilt cache is used" "$(cat "$TMP/inc.err")"
# a build that fails on bad content gives the cache back, unchanged: the
# next build after the fix is incremental again
printf -- '---\ntitle: "Two"\ndate: 2020-13-45\n---\nBad date.\n' >"$R/articles/2020/two.md"
commit "$R" "a bad date"
if "$MORGUE" build "$R" -o "$TMP/inc" 2>"$TMP/inc.err"; then
	fail "a bad date fails the build" "$(cat "$TMP/inc.err")"
else
	[ -f "$TMP/inc.cache" ] && [ -z "$(ls "$TMP" | grep 'inc\.cache\.' | grep -v '^inc\.cache\.postings$')" ] &&
		pass "a failed build gives the cache back" ||
		fail "a failed build gives the cache back" "$(ls "$TMP")"
	# giving the cache back keeps the reason the build failed
	tail -n 1 "$TMP/inc.err" | grep -q '1 error in the content' &&
		pass "a failed incremental build says why last" ||
		fail "a failed incremental build says why last" "$(cat "$TMP/inc.err")"
fi
article "$R" 2020/two "Two, fixed" 2020-02-05 "Lovelace."
commit "$R" "fix the date"
same "after a failed build"
three_copied "after a failed build, the cache is used"
