#!/usr/bin/env python3
"""archive_same.py A B: the two archive.sqlite files hold the same rows.
archive_same.py --digest A: a digest of what A holds (schema and rows).

An edit updates the previous build's archive.sqlite in place (new rows
last, in freed pages), so it is compared with a clean build's by what it
holds, not by its bytes: the same schema and user_version, every table's
rows as a multiset, a full-text index that passes FTS5's integrity check,
and every word of the articles matching the same rows with the same
bm25 scores. Prints what differs; exit 0 when nothing does.
"""
import re
import sqlite3
import sys


def rows(db, table):
    cur = db.execute('SELECT * FROM "%s"' % table.replace('"', '""'))
    return sorted(cur.fetchall(), key=repr)


def main(a_path, b_path):
    a, b = sqlite3.connect(a_path), sqlite3.connect(b_path)
    bad = []
    meta = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    if a.execute(meta).fetchall() != b.execute(meta).fetchall():
        bad.append("schemas differ")
    if a.execute("PRAGMA user_version").fetchall() != b.execute("PRAGMA user_version").fetchall():
        bad.append("user_version differs")
    tables = [r[0] for r in b.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'articles_fts%' ORDER BY name")]
    for t in tables:
        if rows(a, t) != rows(b, t):
            bad.append("table %s differs" % t)
    for name, db in (("A", a), ("B", b)):
        try:
            db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
        except sqlite3.DatabaseError as e:
            bad.append("%s: full-text index: %s" % (name, e))
    words = set()
    for title, text in b.execute("SELECT title, text FROM articles"):
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", (title or "") + " " + (text or "")))
    q = ("SELECT rowid, round(bm25(articles_fts), 9) FROM articles_fts"
         " WHERE articles_fts MATCH ? ORDER BY rowid")
    for w in sorted(words)[:2000]:
        if a.execute(q, ('"%s"' % w,)).fetchall() != b.execute(q, ('"%s"' % w,)).fetchall():
            bad.append("search for %r differs" % w)
            break
    for line in bad:
        print(line)
    return 1 if bad else 0


def digest(path):
    import hashlib
    db = sqlite3.connect(path)
    h = hashlib.sha256()
    h.update(repr(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"
                             " ORDER BY type, name").fetchall()).encode())
    h.update(repr(db.execute("PRAGMA user_version").fetchall()).encode())
    for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                           " AND name NOT LIKE 'articles_fts%' ORDER BY name").fetchall():
        h.update(repr((t, rows(db, t))).encode())
    print(h.hexdigest())
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--digest":
        sys.exit(digest(sys.argv[2]))
    sys.exit(main(sys.argv[1], sys.argv[2]))
