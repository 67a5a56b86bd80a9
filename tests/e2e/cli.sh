#!/bin/sh
# The other commands end to end: check, new, diff, search, serve, history
# (revisions, renames with redirects), feeds and exports of a built site.
set -u
. "$(dirname "$0")/lib.sh"

R=$TMP/repo
new_repo "$R"
article "$R" 2020/first "First Article" 2020-03-01
commit "$R" "first article"
GDATE=2020-02-01T09:00:00Z
mkdir -p "$R/annotations/2020"
cat >"$R/annotations/2020/first.yaml" <<'Y'
mentions:
  - entity: daily-bugle
    exact: "first program"
Y
GDATE=2020-03-05T10:00:00Z commit "$R" "annotate first: daily-bugle"
g -C "$R" tag v1

# --- check ---------------------------------------------------------------
"$MORGUE" check "$R" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && pass "check: clean archive exits 0" || fail "check: clean archive exits 0" "exit $rc: $(cat "$TMP/err")"
grep -q "checked 1 articles, 2 entities" "$TMP/err" && pass "check: summary line" || fail "check: summary line" "$(cat "$TMP/err")"
printf -- '---\nname: Lovelace Foundation\ntype: organization\naliases: [Lovelace]\n---\n' >"$R/entities/people/lovelace-foundation.md"
printf -- '---\ntitle: T\ndate: 2020-13-01\n---\nx\n' >"$R/articles/2020/bad.md"
"$MORGUE" check "$R" --worktree >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 1 ] && pass "check: an error exits 1" || fail "check: an error exits 1" "exit $rc"
grep -q "articles/2020/bad.md:3: date:" "$TMP/err" && pass "check: error names file and line" || fail "check: error names file and line" "$(head -3 "$TMP/err")"
rm "$R/articles/2020/bad.md"
"$MORGUE" check "$R" --worktree >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && pass "check: warnings alone exit 0" || fail "check: warnings alone exit 0" "exit $rc"
grep -q "alias 'Lovelace' is claimed by 2 entities" "$TMP/err" && pass "check: ambiguous alias reported" || fail "check: ambiguous alias reported" "$(cat "$TMP/err")"
grep -q "lovelace-foundation' is never mentioned" "$TMP/err" && pass "check: unmentioned entity reported" || fail "check: unmentioned entity reported" "$(cat "$TMP/err")"
"$MORGUE" check "$R" --worktree --strict >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] && pass "check --strict: warnings exit 1" || fail "check --strict: warnings exit 1" "exit $rc"
rm "$R/entities/people/lovelace-foundation.md"
[ ! -e "$TMP/site" ] && pass "check writes nothing" || fail "check writes nothing" "a site appeared"

# --- new -----------------------------------------------------------------
out=$("$MORGUE" new --root "$R" --date 2020-06-01 --publication daily-bugle 'Ada’s "Notes" & more')
[ "$out" = "$R/articles/2020/adas-notes-more.md" ] && pass "new: prints the path" || fail "new: prints the path" "$out"
grep -q '^title: "Ada’s \\"Notes\\" & more"$' "$out" && pass "new: title quoted for YAML" || fail "new: title quoted for YAML" "$(head -3 "$out")"
"$MORGUE" new --root "$R" --date 2020-06-01 'Ada’s "Notes" & more' >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "already exists" "$TMP/err" && pass "new: never overwrites (exit 2)" || fail "new: never overwrites (exit 2)" "exit $rc $(cat "$TMP/err")"
ent=$("$MORGUE" new entity --root "$R" "Charles Babbage" --type person)
[ "$ent" = "$R/entities/people/charles-babbage.md" ] && pass "new entity: path by type" || fail "new entity: path by type" "$ent"
"$MORGUE" new entity --root "$R" "X" >/dev/null 2>&1; [ $? -eq 2 ] && pass "new entity without --type is misuse" || fail "new entity without --type is misuse" ""
printf 'Babbage and Ada Lovelace.\n' >>"$out"
"$MORGUE" check "$R" --worktree >/dev/null 2>"$TMP/err" && pass "new: files pass check" || fail "new: files pass check" "$(cat "$TMP/err")"

# --- history: edit, rename; diff ------------------------------------------
GDATE=2020-06-02T08:00:00Z commit "$R" "add notes article and Babbage"
g -C "$R" mv articles/2020/first.md articles/2020/renamed.md
g -C "$R" mv annotations/2020/first.yaml annotations/2020/renamed.yaml
GDATE=2020-07-01T08:00:00Z commit "$R" "move first to renamed"
"$MORGUE" diff -C "$R" v1 HEAD >"$TMP/diff" 2>&1; rc=$?
[ $rc -eq 0 ] && pass "diff exits 0" || fail "diff exits 0" "exit $rc $(cat "$TMP/diff")"
grep -q "^R  articles/2020/first.md -> articles/2020/renamed.md" "$TMP/diff" && pass "diff: rename" || fail "diff: rename" "$(cat "$TMP/diff")"
grep -q "^A  articles/2020/adas-notes-more.md" "$TMP/diff" && pass "diff: added article" || fail "diff: added article" "$(cat "$TMP/diff")"
grep -q "^A  entities/people/charles-babbage.md" "$TMP/diff" && pass "diff: added entity" || fail "diff: added entity" "$(cat "$TMP/diff")"
grep -q "2 added, 0 removed, 0 changed, 2 renamed" "$TMP/diff" && pass "diff: summary" || fail "diff: summary" "$(tail -1 "$TMP/diff")"
"$MORGUE" diff -C "$R" no-such-rev >/dev/null 2>&1; [ $? -eq 3 ] && pass "diff: bad revision exits 3" || fail "diff: bad revision exits 3" ""

printf -- 'base_url: https://archive.example.org/m\n' >>"$R/morgue.yaml"
GDATE=2020-07-02T08:00:00Z commit "$R" "base_url"
"$MORGUE" build "$R" -o "$TMP/site" --quiet || fail "build for history" "failed"
A=$TMP/site/articles/2020/renamed.html
grep -q "move first to renamed" "$A" && pass "revisions: rename commit listed" || fail "revisions: rename commit listed" ""
grep -q "annotate first: daily-bugle" "$A" && pass "revisions: history followed across the rename" || fail "revisions: history followed across the rename" ""
grep -q 'First archived <time datetime="2020-01-01">' "$A" && pass "revisions: first archived from the first commit" || fail "revisions: first archived from the first commit" "$(grep -o 'First archived[^·]*' "$A")"
grep -q 'last annotated <time datetime="2020-03-05">' "$A" && pass "revisions: last annotated" || fail "revisions: last annotated" "$(grep -o 'last annotated.\{0,60\}' "$A")"
grep -q 'class="added">+ <a href="../../entities/daily-bugle.html">Daily Bugle</a>' "$A" && pass "revisions: entity added by the annotation commit" || fail "revisions: entity added by the annotation commit" ""
O=$TMP/site/articles/2020/first.html
grep -q 'http-equiv="refresh" content="0; url=renamed.html"' "$O" && pass "old URL redirects to the moved article" || fail "old URL redirects to the moved article" "$(head -c 300 "$O" 2>&1)"

# --- feeds, sitemap, exports, structured data ------------------------------
if "$PYTHON" -c 'import feedparser' 2>/dev/null; then
	for f in feed.xml entities/ada-lovelace.xml tags/computing.xml; do
		"$PYTHON" - "$TMP/site/$f" >"$TMP/fp" 2>&1 <<'PY'
import sys, feedparser
d = feedparser.parse(sys.argv[1])
assert not d.bozo, d.get("bozo_exception")
assert d.version == "atom10", d.version
assert d.entries and all(e.get("link") and e.get("id") and e.get("updated") for e in d.entries)
print(len(d.entries))
PY
		[ $? -eq 0 ] && pass "feed $f is valid Atom ($(cat "$TMP/fp") entries)" || fail "feed $f is valid Atom" "$(tail -2 "$TMP/fp")"
	done
else
	echo "SKIP feeds: python3-feedparser not installed"
fi
grep -q '<link rel="alternate" type="application/atom+xml" title="Ada Lovelace" href="../entities/ada-lovelace.xml">' "$TMP/site/entities/ada-lovelace.html" &&
	pass "entity page links its feed" || fail "entity page links its feed" ""
grep -q '<loc>https://archive.example.org/m/articles/2020/renamed.html</loc>' "$TMP/site/sitemap.xml" &&
	pass "sitemap.xml with base_url" || fail "sitemap.xml with base_url" ""
grep -q 'Sitemap: https://archive.example.org/m/sitemap.xml' "$TMP/site/robots.txt" && pass "robots.txt" || fail "robots.txt" ""
# every page is listed once (the list pages render on their own thread,
# merged after the entity pages), and no redirect page is
"$PYTHON" - "$TMP/site" >"$TMP/sm" 2>&1 <<'PY'
import os, re, sys
root = sys.argv[1]
locs = re.findall(r"<loc>https://archive\.example\.org/m/([^<]*)</loc>", open(os.path.join(root, "sitemap.xml")).read())
assert len(locs) == len(set(locs)), "listed twice: %s" % sorted(l for l in set(locs) if locs.count(l) > 1)
pages = set()
for d, _, files in os.walk(root):
    for f in files:
        if f.endswith(".html"):
            p = os.path.relpath(os.path.join(d, f), root)
            if 'http-equiv="refresh"' not in open(os.path.join(d, f)).read():
                pages.add(p)
assert set(locs) == pages, "missing %s, extra %s" % (sorted(pages - set(locs))[:5], sorted(set(locs) - pages)[:5])
for p in ("index.html", "entities/network.html", "sourcing.html", "entities/ada-lovelace.html"):
    assert p in pages, p
print(len(locs))
PY
[ $? -eq 0 ] && pass "sitemap.xml lists every page once, no redirect ($(cat "$TMP/sm") pages)" ||
	fail "sitemap.xml lists every page once, no redirect" "$(tail -2 "$TMP/sm")"
grep -q '<link rel="canonical" href="https://archive.example.org/m/articles/2020/renamed.html">' "$A" && pass "canonical link" || fail "canonical link" ""
"$PYTHON" - "$A" >"$TMP/ld" 2>&1 <<'PY'
import sys, json, re
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
d = json.loads(m.group(1))
assert d["@type"] == "NewsArticle" and d["headline"] == "First Article", d
assert any(x["name"] == "Ada Lovelace" and x["@type"] == "Person" for x in d["mentions"]), d["mentions"]
assert d["url"].startswith("https://archive.example.org/m/"), d
PY
[ $? -eq 0 ] && pass "article JSON-LD is a NewsArticle with its mentions" || fail "article JSON-LD" "$(tail -2 "$TMP/ld")"
"$PYTHON" - "$TMP/site" >"$TMP/ex" 2>&1 <<'PY'
import sys, json, csv, sqlite3
site = sys.argv[1]
d = json.load(open(site + "/articles/2020/renamed.json", encoding="utf-8"))
anns = [a for a in d["annotations"] if a["body"].get("entity") == "ada-lovelace"]
assert anns, d
for a in anns:
    q, p = a["target"]["selector"]
    assert d["text"][p["start"]:p["end"]] == q["exact"], (p, q)
rows = list(csv.DictReader(open(site + "/entities.csv", encoding="utf-8", newline="")))
assert {r["slug"] for r in rows} >= {"ada-lovelace", "daily-bugle", "charles-babbage"}, rows
assert list(csv.DictReader(open(site + "/mentions.csv", encoding="utf-8", newline="")))
db = sqlite3.connect(site + "/archive.sqlite")
assert db.execute("select count(*) from revisions").fetchone()[0] >= 3
assert db.execute("select count(*) from articles_fts where articles_fts match 'program'").fetchone()[0] >= 1
PY
[ $? -eq 0 ] && pass "exports: article JSON selectors, CSVs, archive.sqlite" || fail "exports" "$(tail -3 "$TMP/ex")"

# --- search from the terminal -----------------------------------------------
"$MORGUE" search --site "$TMP/site" programs >"$TMP/s" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "renamed.html" "$TMP/s" && pass "search: stemmed match" || fail "search: stemmed match" "exit $rc $(cat "$TMP/s")"
"$MORGUE" search --site "$TMP/site" --json '"first program"' >"$TMP/s" 2>&1
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["total"]==1 and d["results"][0]["title"]=="First Article", d' "$TMP/s" &&
	pass "search --json: phrase" || fail "search --json: phrase" "$(cat "$TMP/s")"
"$MORGUE" search --site "$TMP/site" zzzzunlikely >/dev/null 2>&1; [ $? -eq 1 ] && pass "search: no results exits 1" || fail "search: no results exits 1" ""
"$MORGUE" search --site "$TMP/nowhere" x >/dev/null 2>&1; [ $? -eq 3 ] && pass "search: missing catalog exits 3" || fail "search: missing catalog exits 3" ""
"$MORGUE" search --site "$TMP/site" --from 2020-13 x >/dev/null 2>&1; [ $? -eq 2 ] && pass "search: bad date is misuse" || fail "search: bad date is misuse" ""

# --- serve: preview, reload hook, rebuild on a new commit ---------------------
if command -v curl >/dev/null 2>&1; then
	"$MORGUE" serve "$R" --port 0 --interval 1 >"$TMP/serve.out" 2>"$TMP/serve.err" &
	spid=$!
	port=
	for _ in $(seq 1 100); do
		port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$TMP/serve.out")
		[ -n "$port" ] && break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		fail "serve: starts" "$(cat "$TMP/serve.err")"
	else
		body=$(curl -s "http://127.0.0.1:$port/")
		echo "$body" | grep -q 'Test Archive' && pass "serve: index over http" || fail "serve: index over http" ""
		echo "$body" | grep -q 'src="/__morgue/reload.js?v=0"' && pass "serve: reload hook injected" || fail "serve: reload hook injected" ""
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/../../etc/passwd")
		[ "$code" = 404 ] && pass "serve: no escape from the site" || fail "serve: no escape from the site" "$code"
		curl -s -m 30 "http://127.0.0.1:$port/__morgue/wait.js?v=0" >"$TMP/wait" &
		wpid=$!
		article "$R" 2020/late "Late Article" 2020-08-01
		GDATE=2020-08-02T08:00:00Z commit "$R" "late article"
		wait $wpid
		grep -q "__morgueReload('1')" "$TMP/wait" && pass "serve: long poll answers after a new commit" || fail "serve: long poll answers after a new commit" "$(cat "$TMP/wait")"
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/articles/2020/late.html")
		[ "$code" = 200 ] && pass "serve: rebuilt site has the new article" || fail "serve: rebuilt site has the new article" "$code"
		# the rebuild is incremental: the other articles come from the cache
		grep 'change detected' -A3 "$TMP/serve.err" | grep -q 'built .*([1-9][0-9]* articles and [1-9][0-9]* files from the cache)' &&
			pass "serve: rebuilds incrementally" || fail "serve: rebuilds incrementally" "$(cat "$TMP/serve.err")"
	fi
	kill -TERM $spid 2>/dev/null
	wait $spid 2>/dev/null
	grep -q "stopped" "$TMP/serve.err" && pass "serve: stops cleanly on SIGTERM" || fail "serve: stops cleanly on SIGTERM" "$(tail -2 "$TMP/serve.err")"
else
	echo "SKIP serve: curl not installed"
fi

# --- a shallow clone: partial history, said once, no invented dates ---------
g clone -q --depth 1 "file://$R" "$TMP/shallow" 2>/dev/null
"$MORGUE" build "$TMP/shallow" -o "$TMP/shallow-site" 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && pass "shallow clone builds" || fail "shallow clone builds" "exit $rc $(cat "$TMP/err")"
[ "$(grep -c 'shallow clone' "$TMP/err")" = 1 ] && pass "shallow clone: one warning" || fail "shallow clone: one warning" "$(cat "$TMP/err")"
S=$TMP/shallow-site/articles/2020/renamed.html
grep -q 'built from a shallow clone' "$S" && pass "shallow clone: the page says the history is partial" || fail "shallow clone: the page says the history is partial" ""
grep -q 'First archived' "$S" && fail "shallow clone: no invented first-archived date" "$(grep -o 'First archived.\{0,80\}' "$S")" || pass "shallow clone: no invented first-archived date"
grep -q 'Not yet committed' "$S" && fail "shallow clone: not called a draft" "" || pass "shallow clone: not called a draft"

# --- -o below directories that do not exist yet ----------------------------
"$MORGUE" build "$R" -o "$TMP/deep/er/site" --quiet 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && [ -f "$TMP/deep/er/site/index.html" ] && [ -e "$TMP/deep/er/site.cache" ] &&
	pass "build -o makes the site's missing parents first" || fail "build -o makes the site's missing parents first" "exit $rc $(cat "$TMP/err")"
: >"$TMP/blocker"
"$MORGUE" build "$R" -o "$TMP/blocker/site" --quiet 2>"$TMP/err"; rc=$?
[ $rc -ne 0 ] && grep -q "blocker" "$TMP/err" && ! grep -q "unknown error" "$TMP/err" &&
	pass "build -o under a file: the error names it" || fail "build -o under a file: the error names it" "exit $rc $(cat "$TMP/err")"
