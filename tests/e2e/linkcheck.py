#!/usr/bin/env python3
"""linkcheck.py SITE - every relative href/src in every HTML page of SITE
resolves to an existing file, names an explicit file (no directory links,
so the site works from file://), and no page loads an external resource.
Prints PASS/FAIL lines (tests/run.sh protocol)."""
import os
import sys
from html.parser import HTMLParser
from urllib.parse import urlsplit, unquote

site = sys.argv[1]


class Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs = []  # (tag, attr, value)
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
            if v is None:
                continue
            if k in ("href", "src") or (tag == "form" and k == "action"):
                self.refs.append((tag, k, v))


pages = broken = external = dirlinks = total = 0
problems = []
for root, _, files in os.walk(site):
    for f in files:
        if not f.endswith(".html"):
            continue
        pages += 1
        path = os.path.join(root, f)
        p = Links()
        with open(path, encoding="utf-8") as fh:
            p.feed(fh.read())
        for tag, attr, v in p.refs:
            u = urlsplit(v)
            if u.scheme in ("http", "https", "mailto"):
                # a link out is fine; loading a resource from outside is not
                if tag in ("script", "img", "iframe", "source") or (tag == "link" and attr == "href" and "stylesheet" in v):
                    external += 1
                    problems.append(f"{path}: external resource {v}")
                continue
            if u.scheme == "data" and tag == "link" and v == "data:,":
                continue  # the empty inline favicon: nothing is loaded
            if u.scheme or v.startswith("//") or v.startswith("/"):
                broken += 1
                problems.append(f"{path}: non-relative link {v}")
                continue
            if not u.path:
                continue  # "#frag" on the same page
            total += 1
            target = os.path.normpath(os.path.join(root, unquote(u.path)))
            if os.path.isdir(target) or u.path.endswith("/"):
                dirlinks += 1
                problems.append(f"{path}: link to a directory {v}")
            elif not os.path.isfile(target):
                broken += 1
                problems.append(f"{path}: broken link {v}")

for msg in problems[:20]:
    print("  " + msg)
name = f"link check over {pages} pages ({total} relative links)"
if pages == 0:
    print(f"FAIL {name}: no pages")
elif broken or external or dirlinks:
    print(f"FAIL {name}: {broken} broken, {dirlinks} to directories, {external} external resources")
else:
    print(f"PASS {name}")
