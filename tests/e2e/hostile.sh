#!/bin/sh
# Hostile names and URLs: an archive whose entity names, aliases,
# descriptions, titles, authors, tags and bodies hold <script>, </script>,
# quotes, javascript: and data: URLs builds (exit 0), and no output runs
# them: every HTML page parses with no script but the theme's own and the
# JSON-LD blocks (which parse as JSON), no on* attribute, no href/src with
# a javascript:, vbscript:, file: or data: URL (but the theme's empty
# favicon "data:,"); feeds parse as XML, every .json (per-article) and the
# search shards search/*.js (morgueSearch.load("name", JSON);) parse as
# JSON, and the hostile strings
# round-trip as text; no raw "<script>alert" outside the CSV exports, whose
# fields round-trip exactly. Search queries with markup: tests/browser.
set -u
. "$(dirname "$0")/lib.sh"

R=$TMP/repo
new_repo "$R"
mkdir -p "$R/entities/people" "$R/articles/2020"
cat >"$R/entities/people/mallory.md" <<'Y'
---
name: "Mallory <script>alert('name')</script>"
type: person
aliases: ["</script><script>alert('alias')</script>", "O'Brien \"the <b>bold</b>\""]
description: "</script><img src=x onerror=alert('desc')> & \"quotes\""
url: "https://example.org/?q=\"><script>alert('url')</script>"
---
Bio with [a js link](javascript:alert('bio')) and <script>alert('raw')</script>.
Y
cat >"$R/entities/people/formula.md" <<'Y'
---
name: "=cmd|' /C calc'!A0"
type: person
aliases: ["+SUM(1,2)", "@SUM(1)"]
---
Y
cat >"$R/entities/people/evil-paper.md" <<'Y'
---
name: "The </script> Gazette"
type: publication
---
Y
cat >"$R/articles/2020/hostile.md" <<'Y'
---
title: "</script><script>alert('title')</script> \"quoted\" & 'single'"
date: 2020-03-03
publication: evil-paper
author: "<script>alert('author')</script>"
tags: ["<script>alert('tag')</script>", "\"><svg onload=alert('tag2')>", "javascript:alert('tag3')"]
url: "https://example.org/a?b=\"onmouseover=alert('u')"
---
Mallory <script>alert('name')</script> met O'Brien "the <b>bold</b>" and [Mallory](@mallory).

Links: [js](javascript:alert('l1')), [JS](JaVaScRiPt:alert('l2')), [sp](  javascript:alert('l3')),
[ent](&#106;avascript:alert('l4')), [vb](vbscript:msgbox('l5')),
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgnbDYnKTwvc2NyaXB0Pg==), <javascript:alert('l7')>,
![img](data:image/svg+xml,<svg/onload=alert('l8')>), [file](file:///etc/passwd), [ref][r].

<a href="javascript:alert('raw')" onclick="alert('raw2')">raw html</a>
<iframe src="data:text/html,<script>alert('frame')</script>"></iframe>
</script><script>alert('body')</script>

> "quote" </script>

[r]: javascript:alert('ref')
Y
commit "$R" "hostile"
"$MORGUE" build "$R" -o "$TMP/site" --quiet 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && pass "hostile archive builds" || { fail "hostile archive builds" "exit $rc: $(head -3 "$TMP/err")"; exit 0; }

DRIVER=$(dirname "$MORGUE")/search-driver
$PYTHON - "$TMP/site" "$DRIVER" <<'P'
import csv, json, os, re, sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

site = sys.argv[1]
driver = sys.argv[2] if len(sys.argv) > 2 else ""
bad_url = re.compile(r'^\s*(javascript|vbscript|data|file):', re.I)
problems = {}
def problem(kind, path, why):
    problems.setdefault(kind, []).append("%s: %s" % (os.path.relpath(path, site), why))

class Page(HTMLParser):
    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path, self.in_script, self.script_type, self.data = path, False, None, []
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k.startswith("on"):
                problem("html", self.path, "%s has %s=" % (tag, k))
            if tag == "link" and k == "href" and v == "data:,":
                continue  # the theme's empty favicon: no content, no script
            if k in ("href", "src", "action", "formaction", "xlink:href", "poster") and v and bad_url.match(v):
                problem("html", self.path, "%s %s=%r" % (tag, k, v[:40]))
        if tag in ("iframe", "object", "embed"):
            problem("html", self.path, "a <%s> element" % tag)
        if tag == "script":
            a = dict(attrs)
            if a.get("type") == "application/ld+json":
                self.in_script, self.script_type, self.data = True, "ld", []
            elif a.get("src") and not re.match(r"^[a-z]*:|^//", a["src"], re.I):
                self.in_script, self.script_type = True, "src"
            else:
                problem("html", self.path, "a script that is not the theme's: %r" % (attrs,))
                self.in_script, self.script_type = True, "bad"
    def handle_endtag(self, tag):
        if tag == "script" and self.in_script:
            if self.script_type == "ld":
                try:
                    json.loads("".join(self.data))
                except ValueError as e:
                    problem("json-ld", self.path, "JSON-LD does not parse: %s" % e)
            self.in_script = False
    def handle_data(self, d):
        if self.in_script:
            self.data.append(d)

counts = {"html": 0, "xml": 0, "json": 0, "csv": 0}
seen = {"title": False, "name": False, "tag": False}
for top, dirs, files in os.walk(site):
    for f in files:
        p = os.path.join(top, f)
        raw = open(p, "rb").read()
        text = raw.decode("utf-8", "replace")
        if f.endswith(".html"):
            counts["html"] += 1
            Page(p).feed(text)
            if "<script>alert" in text or "<svg onload" in text or "<img src=x" in text:
                problem("html", p, "raw hostile markup")
            if "alert(&#39;title&#39;)" in text or "alert('title')" in text:
                seen["title"] = True
        elif f.endswith(".xml"):
            counts["xml"] += 1
            try:
                root = ET.fromstring(raw)
            except ET.ParseError as e:
                problem("xml", p, "does not parse: %s" % e); continue
            if "<script>alert" in text:
                problem("xml", p, "raw <script>alert")
            for el in root.iter():
                for k, v in el.attrib.items():
                    if k in ("href", "src") and bad_url.match(v):
                        problem("xml", p, "%s=%r" % (k, v))
        elif f.endswith(".json") or (f.endswith(".js") and os.path.basename(top) == "search"):
            counts["json"] += 1
            body = text
            if f.endswith(".js"):  # search shards: morgueSearch.load("name", JSON);
                m = re.match(r'^morgueSearch\.load\("[^"\\<]*",(.*)\);\s*$', text, re.S)
                if not m:
                    problem("json", p, "not a morgueSearch.load(\"name\", JSON); shard"); continue
                body = m.group(1)
            try:
                doc = json.loads(body)
            except ValueError as e:
                problem("json", p, "does not parse: %s" % e); continue
            if "<script>alert" in text:
                problem("json", p, "raw <script>alert (escape < as \\u003c)")
            # a deflated shard ({"z"} / {"zd"}): check what it unpacks to
            if isinstance(doc, dict) and ("z" in doc or "zd" in doc or "x" in doc):
                import subprocess
                name = f[:-3]
                if not os.access(driver, os.X_OK):
                    problem("json", p, "packed shard and no search-driver to unpack it"); continue
                out = subprocess.run([driver, "--dump", site, name], capture_output=True, text=True)
                if out.returncode != 0 or not out.stdout.startswith(name + " "):
                    problem("json", p, "search-driver cannot unpack it: %s" % out.stderr[:200]); continue
                unpacked = out.stdout[len(name) + 1:]
                try:
                    doc = json.loads(unpacked)
                except ValueError as e:
                    problem("json", p, "unpacks to invalid JSON: %s" % e); continue
                if "<script>alert" in unpacked:
                    problem("json", p, "unpacked: raw <script>alert")
            dump = json.dumps(doc, ensure_ascii=False)
            if "alert('title')" in dump: seen["title"] = True
            if "Mallory <script>alert('name')</script>" in dump: seen["name"] = True
            if "<script>alert('tag')</script>" in dump: seen["tag"] = True
        elif f.endswith(".csv"):
            counts["csv"] += 1
            rows = list(csv.reader(open(p, newline="", encoding="utf-8")))
            width = len(rows[0]) if rows else 0
            for r in rows:
                if len(r) != width:
                    problem("csv", p, "a row of %d fields, header has %d" % (len(r), width))
                for cell in r:
                    if cell.startswith(("=", "+", "@")) or (cell.startswith("-") and len(cell) > 1 and not cell[1:2].isdigit()):
                        problem("csv", p, "formula-like cell %r" % cell[:30])
            flat = "\n".join("\t".join(r) for r in rows)
            if "Mallory <script>alert('name')</script>" in flat: seen["name"] = True
            if "alert('title')" in flat: seen["title"] = True

def report(name, ok, why):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why))

report("hostile: found HTML, feeds and JSON to check",
       counts["html"] > 5 and counts["xml"] > 0 and counts["json"] > 0, str(counts))
for kind, label in (("html", "HTML pages: no foreign script, no on* attribute, no javascript:/data: href or src"),
                    ("json-ld", "JSON-LD blocks parse (no </script> break-out)"),
                    ("xml", "feeds parse as XML with the markup escaped"),
                    ("json", "JSON (per-article .json, search/*.js shards) parses, no raw <script>"),
                    ("csv", "CSV exports: rectangular, no formula cells")):
    p = problems.get(kind, [])
    report("hostile: " + label, not p, "; ".join(p[:6]) + (" (+%d more)" % (len(p) - 6) if len(p) > 6 else ""))
report("hostile: the hostile title, name and tag survive as text", all(seen.values()), str(seen))
P

# the hostile pages exist, with the text escaped where a reader sees it
page=$TMP/site/articles/2020/hostile.html
if grep -qF "&lt;/script&gt;&lt;script&gt;alert(" "$page"; then
	pass "hostile: the article title is shown escaped"
else
	fail "hostile: the article title is shown escaped" "no &lt;/script&gt; in $page"
fi
if ls "$TMP/site/entities/" 2>/dev/null | grep -q mallory && grep -rqF "Mallory &lt;script&gt;" "$TMP/site/entities"; then
	pass "hostile: the entity page shows the name escaped"
else
	fail "hostile: the entity page shows the name escaped" "not found under entities/"
fi
