#!/bin/sh
# Sourcing on the built sample site, without a browser: every attributed
# span carries data-source (an entity slug with a page, or "anonymous"),
# every panel link #src-N has its target, spans nest properly, the
# catalog in archive.sqlite holds the same attributions, and the entity
# pages and sourcing.html show quotes and citations.
set -u
. "$(dirname "$0")/lib.sh"
SITE=$TMP/site

if ! git rev-parse --verify -q HEAD:content/morgue.yaml >/dev/null; then
	echo "SKIP sourcing: content/ is not committed in this checkout"
	exit 0
fi
if ! "$MORGUE" build content -o "$SITE" --quiet 2>"$TMP/err"; then
	fail "sample archive builds" "$(head -3 "$TMP/err")"
	exit 1
fi
python3 - "$SITE" <<'PY'
import html.parser, os, re, sqlite3, sys
site = sys.argv[1]

def ok(name, cond, why=""):
    print(("PASS " if cond else "FAIL ") + name + ("" if cond else ": " + why))

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.bad, self.ids, self.links, self.sources = [], 0, set(), [], []
        self.spans = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("span", "a", "em", "strong", "p", "blockquote", "li", "ul", "section"):
            self.stack.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and (a.get("href") or "").startswith("#src-"):
            self.links.append(a["href"][1:])
        if tag == "span" and "data-source" in a:
            self.spans += 1
            self.sources.append((a["data-source"], a.get("data-kind"), a.get("class")))
    def handle_endtag(self, tag):
        if tag in ("span", "a", "em", "strong", "p", "blockquote", "li", "ul", "section"):
            if not self.stack or self.stack[-1] != tag:
                self.bad += 1
            else:
                self.stack.pop()

arts = []
for root, _, files in os.walk(os.path.join(site, "articles")):
    arts += [os.path.join(root, f) for f in files if f.endswith(".html")]
total_ids, problems = 0, []
kinds = {"person", "organization", "publication", "anonymous", "document"}
for f in sorted(arts):
    p = Page()
    p.feed(open(f, encoding="utf-8").read())
    srcids = {i for i in p.ids if i.startswith("src-")}
    total_ids += len(srcids)
    if not p.spans:
        problems.append(f + ": no data-source element")
    if p.bad or p.stack:
        problems.append(f + ": tags do not nest (%d)" % p.bad)
    missing = [l for l in p.links if l not in p.ids]
    if missing:
        problems.append(f + ": panel links without target: %s" % missing[:3])
    if set(p.links) != srcids:
        problems.append(f + ": panel and marked spans differ")
    for s, k, cls in p.sources:
        if cls != "attributed" or k not in kinds:
            problems.append(f + ": bad attributes %s %s" % (cls, k))
        if s != "anonymous" and not os.path.exists(os.path.join(site, "entities", s + ".html")):
            problems.append(f + ": data-source %s has no entity page" % s)
        if (s == "anonymous") != (k in ("anonymous", "document")):
            problems.append(f + ": data-source %s with kind %s" % (s, k))
    if 'class="sourcing-summary"' not in open(f, encoding="utf-8").read():
        problems.append(f + ": no Sourcing panel")
ok("article pages: data-source spans nest, panel links resolve (%d attributions)" % total_ids,
   not problems and total_ids > 0, "; ".join(problems[:5]))

db = sqlite3.connect(os.path.join(site, "archive.sqlite"))
n = db.execute("SELECT COUNT(*) FROM attributions").fetchone()[0]
ok("archive.sqlite attributions match the pages (%d)" % n, n == total_ids, "%d vs %d" % (n, total_ids))
bad = db.execute("SELECT COUNT(*) FROM attributions t JOIN articles a ON a.id = t.article_id"
                 " WHERE t.quote = '' OR substr(CAST(a.text AS BLOB), t.offset + 1, t.length)"
                 " != CAST(t.quote AS BLOB)").fetchone()[0]
ok("archive.sqlite quotes are the text at their byte offsets", bad == 0, "%d differ" % bad)

import csv
rows = list(csv.DictReader(open(os.path.join(site, "attributions.csv"), encoding="utf-8", newline="")))
ok("attributions.csv has the catalog's rows", len(rows) == n and all(r["quote"] for r in rows),
   "%d rows" % len(rows))

def page(p):
    return open(os.path.join(site, p), encoding="utf-8").read()
kis = page("entities/sergey-kislyak.html")
ok("person page lists quotes with links into articles",
   'id="quoted-h"' in kis and re.search(r'href="\.\./articles/[^"#]+\.html#src-\d+"', kis) is not None)
nyt = page("entities/new-york-times.html")
ok("publication page lists the articles citing it", "<h2>Cited by</h2>" in nyt)
src = page("sourcing.html")
ok("sourcing.html: per publication, most quoted, most cited",
   "By publication" in src and "Most quoted people" in src and "Most cited publications" in src)
ok("header links to sourcing.html", 'href="sourcing.html">Sourcing</a>' in page("index.html"))
PY
