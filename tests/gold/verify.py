#!/usr/bin/env python3
"""Check the gold files against content/: every mention row names an
existing entity and an existing occurrence of its surface; every attribution
span occurs exactly once in its article. Exit status 1 on any problem."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CONTENT = os.path.join(HERE, "..", "..", "content")
KINDS = {"person", "organization", "publication", "anonymous", "document"}


def body(article):
    with open(os.path.join(CONTENT, "articles", article + ".md"),
              encoding="utf-8") as f:
        text = f.read()
    assert text.startswith("---\n"), article
    return text[text.index("\n---\n", 3) + 5:]


def rows(name, header):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == header, name + ": bad header"
    return [(n, l.split("\t")) for n, l in enumerate(lines[1:], 2) if l]


def nth(text, s, n):
    """Start of the n-th (1-based) occurrence of s, overlapping, or -1."""
    i = -1
    for _ in range(n):
        i = text.find(s, i + 1)
        if i < 0:
            return -1
    return i


def main():
    entities = set()
    for d, _, files in os.walk(os.path.join(CONTENT, "entities")):
        entities.update(f[:-3] for f in files if f.endswith(".md"))
    errors = []
    cache = {}
    get = lambda a: cache.setdefault(a, body(a))
    for name in ("mentions.tsv", "mentions-unanchored.tsv"):
        last = {}
        for n, r in rows(name, "article\tsurface\toccurrence\tentity"):
            where = "%s:%d" % (name, n)
            if len(r) != 4:
                errors.append(where + ": want 4 columns")
                continue
            art, surface, occ, ent = r
            if ent not in entities:
                errors.append(where + ": no entity " + ent)
            i = nth(get(art), surface, int(occ))
            if i < 0:
                errors.append(where + ": no occurrence %s of %r" % (occ, surface))
            elif i < last.get(art, -1):
                errors.append(where + ": out of text order")
            last[art] = i
    last = {}
    for n, r in rows("attributions.tsv", "article\tsource\tkind\tcue\tspan"):
        where = "attributions.tsv:%d" % n
        if len(r) != 5:
            errors.append(where + ": want 5 columns")
            continue
        art, src, kind, cue, span = r
        if src != "anonymous" and src not in entities:
            errors.append(where + ": no entity " + src)
        if kind not in KINDS or (src == "anonymous") != (kind in ("anonymous", "document")):
            errors.append(where + ": bad kind " + kind)
        text = get(art)
        if text.count(span) != 1:
            errors.append(where + ": span found %d times" % text.count(span))
        elif text.find(span) < last.get(art, -1):
            errors.append(where + ": out of text order")
        else:
            last[art] = text.find(span)
    for e in errors:
        print(e)
    print("gold: %s" % ("%d problem(s)" % len(errors) if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
