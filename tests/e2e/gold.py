#!/usr/bin/env python3
"""gold.py SITE GOLD_TSV MIN - precision and recall of the automatic entity
linking on the sample archive, against the hand-labelled gold file
(tests/gold/mentions.tsv, described in tests/gold/README.md).

A mention is identified by (article, entity, surface, occurrence), where
occurrence numbers the plain-substring occurrences of the surface in the
article's plain text. Only automatic mentions (source 'auto') are scored."""
import sqlite3
import sys

site, gold_path, minimum = sys.argv[1], sys.argv[2], float(sys.argv[3])
db = sqlite3.connect(f"file:{site}/archive.sqlite?mode=ro", uri=True)
texts = dict(db.execute("SELECT path, text FROM articles"))


def occurrence(text, surface, offset):
    n, i = 0, text.find(surface)
    while i != -1 and i <= offset:
        n += 1
        if i == offset:
            return n
        i = text.find(surface, i + 1)
    return -1


found = set()
for path, entity, surface, off in db.execute(
        "SELECT a.path, m.entity, m.surface, m.offset FROM mentions m"
        " JOIN articles a ON a.id = m.article_id WHERE m.source = 'auto'"):
    text = texts[path]
    # offsets are in bytes of the UTF-8 text
    char_off = len(text.encode("utf-8")[:off].decode("utf-8", "replace"))
    found.add((path, entity, surface, occurrence(text, surface, char_off)))

gold = set()
with open(gold_path, encoding="utf-8") as f:
    next(f)
    for line in f:
        if not line.strip() or line.startswith("#"):
            continue
        article, surface, occ, entity = line.rstrip("\n").split("\t")
        gold.add((article, entity, surface, int(occ)))

tp = len(found & gold)
precision = tp / len(found) if found else 0.0
recall = tp / len(gold) if gold else 0.0
for m in sorted(found - gold)[:15]:
    print("  false positive:", *m)
for m in sorted(gold - found)[:15]:
    print("  missed:", *m)
print(f"# entity linking on the sample archive: precision {precision:.3f}, recall {recall:.3f}"
      f" ({tp} of {len(gold)} gold mentions, {len(found)} found)")
name = f"entity linking precision {precision:.3f} >= {minimum}"
print(("PASS " if precision >= minimum else "FAIL ") + name)
name = f"entity linking recall {recall:.3f} >= {minimum}"
print(("PASS " if recall >= minimum else "FAIL ") + name)
