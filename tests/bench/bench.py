#!/usr/bin/env python3
"""bench.py - morgue against Hugo and Pagefind on generated corpora.

Run through tests/bench/run.sh (`make bench`), which checks the tools first.
Environment:
  BENCH_SIZES     article counts, default "1000 10000" (standard: 1000 10000 100000)
  BENCH_ENTITIES  registry size, default 2000
  BENCH_RUNS      runs per measurement (the median is reported), default 3
  BENCH_MORGUE    the morgue binary, default ./morgue (rows skipped if missing)
  BENCH_ONLY      comma list restricting the tools: morgue,hugo,pagefind,floor
  BENCH_OUT       JSON results, default bench/results.json
  BENCH_TMP       work directory (default: /dev/shm when it has room, else $TMPDIR)
  BENCH_KEEP=1    keep the work directory (corpora and sites) for inspection

For every size: generate the corpus (tests/bench/gen-corpus), then per run
  morgue clean     `morgue build repo/content -o SITE` into a fresh SITE
  morgue no-change the same command again on the same SITE
  morgue edit      one article's text edited and committed, then the same
                   command; the repository is reset to tag bench-base before
                   each run so every clean build sees the same commit
  hugo             `hugo -s hugo -d public` into a fresh public/
  pagefind         `pagefind --site public` over that output
  hugo+pagefind    the two summed (wall, CPU); peak RSS is the larger
  floor            floor.c: read every blob of the commit, write as many
                   files and bytes as morgue's site (Hugo's without morgue)
Each command runs under /usr/bin/time -v: wall (measured here with a
monotonic clock), user+sys CPU and peak RSS come from it.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def measure(cmd, cwd=None, env=None):
    """Run cmd under /usr/bin/time -v. Returns {wall, cpu, user, sys, rss_kb}.
    Exits on failure, with the command's stderr."""
    fd, tf = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-v", "-o", tf] + cmd, cwd=cwd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.monotonic() - t0
    with open(tf) as f:
        tv = f.read()
    os.unlink(tf)
    if p.returncode != 0:
        sys.stderr.write(p.stdout.decode(errors="replace")[-2000:])
        sys.stderr.write(p.stderr.decode(errors="replace")[-4000:])
        sys.exit("bench: command failed (exit %d): %s" % (p.returncode, " ".join(cmd)))

    def field(name):
        m = re.search(r"^\s*%s:\s*([0-9.]+)\s*$" % re.escape(name), tv, re.M)
        return float(m.group(1)) if m else 0.0
    user, sys_ = field("User time (seconds)"), field("System time (seconds)")
    return {"wall": round(wall, 3), "user": user, "sys": sys_, "cpu": round(user + sys_, 2),
            "rss_kb": int(field("Maximum resident set size (kbytes)")),
            "stderr": p.stderr.decode(errors="replace")[-500:],
            "stdout": p.stdout.decode(errors="replace")[-2000:]}


def tree_stats(path):
    """(files, bytes) below path (regular files; symlinks not followed)."""
    n = b = 0
    for d, _, fs in os.walk(path):
        for f in fs:
            st = os.lstat(os.path.join(d, f))
            n += 1
            b += st.st_size
    return n, b


def snapshot(path):
    out = {}
    for d, _, fs in os.walk(path):
        for f in fs:
            p = os.path.join(d, f)
            st = os.lstat(p)
            # issue 6: "a file whose content is unchanged is not rewritten
            # (its mtime stays)"; a swap that keeps mtimes counts as unchanged
            out[os.path.relpath(p, path)] = (st.st_mtime_ns, st.st_size)
    return out


def changed(before, after):
    """Files added, removed or rewritten between two snapshots."""
    keys = set(before) | set(after)
    return sum(1 for k in keys if before.get(k) != after.get(k))


def median_row(rows):
    """Median of each numeric field over the runs; other fields from the first."""
    if not rows:
        return None
    out = {}
    for k, v in rows[0].items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            vals = [r[k] for r in rows]
            if all(isinstance(x, int) for x in vals):
                out[k] = statistics.median_low(vals)
            else:
                out[k] = round(statistics.median(vals), 3)
        elif k not in ("stderr", "stdout"):
            out[k] = v
    out["runs"] = len(rows)
    return out


def rmtree(p):
    if os.path.lexists(p):
        shutil.rmtree(p, ignore_errors=True)


def discard(p, trash):
    """Move the tree p into trash, deleted after all timed runs.

    A tree deleted just before a timed run slows that run down on ext4
    without a journal (this machine's root file system): for each inode it
    allocates, the kernel skips the inodes deleted in the last 60 s (360 s
    while their inode table is dirty), reading the inode table to find
    them, and the two threads that create files in one directory then wait
    on its lock. A 10k morgue build right after a 42k-file tree was deleted
    spent a quarter of its CPU time in `recently_deleted`. Moving the tree
    aside is a rename. Deleted at once when the disk has less than twice
    the tree's size free (at 100k articles a morgue site is 13 GB).
    Not needed on tmpfs, but harmless there."""
    if not os.path.lexists(p):
        return
    try:
        st = os.statvfs(trash if os.path.isdir(trash) else os.path.dirname(trash))
        free = st.f_bavail * st.f_frsize
        os.makedirs(trash, exist_ok=True)
        if free > 2 * tree_stats(p)[1]:
            os.rename(p, os.path.join(trash, "%d-%s" % (len(os.listdir(trash)),
                                                       os.path.basename(p))))
            return
    except OSError:
        pass
    rmtree(p)


# ---------------------------------------------------------------- search
def fold(s):
    import unicodedata
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def morgue_query_bytes(site, queries):
    """Bytes morgue's search would load for each query, by simple accounting
    over SITE/search/ (the format is being written in issue 5; adjust once
    it lands):
      - every file in search/ whose name does not look like a term shard
        (loader, manifest, word-form dictionary, entity list) is loaded
        for every query;
      - shards are files whose base name (without .js/.json) is a short
        lowercase prefix, optionally after a letter-run and a separator
        (e.g. "ab.js", "shard-ab.js", "t/ab.js"); for each query term the
        shard with the longest name that is a prefix of the folded term
        is loaded.
    Returns {query: {bytes, files}} or None when search/ is missing.
    search.html is not counted (as pagefind-ui.js is not counted)."""
    sdir = os.path.join(site, "search")
    if not os.path.isdir(sdir):
        return None
    shard_re = re.compile(r"^(?:[a-z]+[-_])?([a-z0-9_]{1,6})\.(?:js|json)$")
    always, shards = {}, {}
    for d, _, fs in os.walk(sdir):
        for f in fs:
            p = os.path.join(d, f)
            rel = os.path.relpath(p, sdir)
            size = os.path.getsize(p)
            m = shard_re.match(f)
            if m and m.group(1) not in ("search", "index", "loader", "main", "manifest",
                                        "meta", "entities", "words", "forms", "dict"):
                key = m.group(1)
                # a directory level may be part of the prefix ("a/ab.js")
                shards.setdefault(key, []).append((rel, size))
            else:
                always[rel] = size
    out = {}
    for q in queries:
        files = dict(always)
        for term in re.findall(r"\w+", fold(q)):
            best = None
            for key in shards:
                if term.startswith(key) and (best is None or len(key) > len(best)):
                    best = key
            for rel, size in shards.get(best, []):
                files[rel] = size
        out[q] = {"bytes": sum(files.values()), "files": len(files),
                  "method": "accounting (shards by name prefix)" if shards else
                            "accounting (no shards recognised: every search/ file)"}
    return out


def pagefind_query_bytes(site, queries):
    node = shutil.which("node")
    if not node:
        return None
    p = subprocess.run([node, os.path.join(HERE, "pf-query.mjs"), site] + queries,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        log("pf-query failed:", p.stderr.decode(errors="replace")[-800:])
        return None
    return json.loads(p.stdout)


# ---------------------------------------------------------------- main
def pick_tmp(need):
    base = os.environ.get("BENCH_TMP")
    if not base:
        try:
            st = os.statvfs("/dev/shm")
            free = st.f_bavail * st.f_frsize
            # tmpfs is RAM: only when the corpus and sites take at most a
            # quarter of the available memory (not at 100k articles)
            avail = 0
            with open("/proc/meminfo") as f:
                for line in f:
                    if line.startswith("MemAvailable:"):
                        avail = int(line.split()[1]) * 1024
            base = "/dev/shm" if (free > need and need < avail / 4 and
                                  os.access("/dev/shm", os.W_OK)) else None
        except OSError:
            base = None
    return tempfile.mkdtemp(prefix="morgue-bench-", dir=base)


def edit_article(repo, path, run):
    """Change one sentence of one article and commit it."""
    full = os.path.join(repo, path)
    with open(full, encoding="utf-8") as f:
        text = f.read()
    text = text.rstrip("\n") + "\n\nCorrection (bench run %d): an earlier version of this article misstated a date.\n" % run
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)
    g = ["git", "-C", repo]
    subprocess.run(g + ["commit", "-q", "-a", "-m", "bench: edit one article (run %d)" % run], check=True,
                   env=dict(os.environ, GIT_AUTHOR_DATE="1700000100 +0000",
                            GIT_COMMITTER_DATE="1700000100 +0000"))


def reset_repo(repo):
    subprocess.run(["git", "-C", repo, "reset", "-q", "--hard", "bench-base"], check=True)


def main():
    sizes = [int(x) for x in os.environ.get("BENCH_SIZES", "1000 10000").split()]
    nent = int(os.environ.get("BENCH_ENTITIES", "2000"))
    runs = max(1, int(os.environ.get("BENCH_RUNS", "3")))
    morgue = os.environ.get("BENCH_MORGUE", os.path.join(ROOT, "morgue"))
    only = set(filter(None, os.environ.get("BENCH_ONLY", "morgue,hugo,pagefind,floor").split(",")))
    out_json = os.environ.get("BENCH_OUT", os.path.join(ROOT, "bench", "results.json"))
    keep = os.environ.get("BENCH_KEEP") == "1"
    pagefind = os.environ.get("BENCH_PAGEFIND", os.path.join(HERE, "node_modules", ".bin", "pagefind"))
    hugo = shutil.which("hugo")

    have_morgue = "morgue" in only and os.access(morgue, os.X_OK)
    if "morgue" in only and not have_morgue:
        log("NOTE: %s does not exist yet or is not executable: morgue rows are skipped "
            "(build it with `make`, or set BENCH_MORGUE)" % morgue)
    if "hugo" in only and not hugo:
        log("NOTE: hugo not found: hugo and pagefind rows are skipped")
    have_pf = "pagefind" in only and hugo and "hugo" in only and os.access(pagefind, os.X_OK)
    if "pagefind" in only and not have_pf:
        log("NOTE: pagefind not available (%s): pagefind rows are skipped" % pagefind)
    clean_flag = []
    if have_morgue:
        h = subprocess.run([morgue, "build", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if b"--clean" in h.stdout:
            clean_flag = ["--clean"]
    versions = {}
    if hugo:
        versions["hugo"] = subprocess.run([hugo, "version"], stdout=subprocess.PIPE).stdout.decode().strip()
    if have_pf:
        versions["pagefind"] = subprocess.run([pagefind, "--version"], stdout=subprocess.PIPE).stdout.decode().strip()
    if have_morgue:
        versions["morgue"] = subprocess.run([morgue, "--version"], stdout=subprocess.PIPE,
                                            stderr=subprocess.STDOUT).stdout.decode().strip()

    work = pick_tmp(max(sizes) * 200 * 1024)
    log("work directory", work)
    floor_bin = os.path.join(work, "floor")
    if "floor" in only:
        cc = os.environ.get("CC", "cc")
        pc = subprocess.run(["pkg-config", "--cflags", "--libs", "libgit2"], stdout=subprocess.PIPE)
        r = subprocess.run([cc, "-O2", "-o", floor_bin, os.path.join(HERE, "floor.c")] + pc.stdout.decode().split())
        if r.returncode != 0:
            log("NOTE: floor.c does not build (libgit2-dev missing?): floor row skipped")
            only.discard("floor")

    results = {"machine": {"nproc": os.cpu_count(), "uname": " ".join(os.uname())},
               "versions": versions, "runs": runs, "entities": nent, "sizes": {}}
    try:
        for n in sizes:
            results["sizes"][str(n)] = bench_size(n, nent, runs, work, morgue if have_morgue else None,
                                                  hugo if ("hugo" in only and hugo) else None,
                                                  pagefind if have_pf else None,
                                                  floor_bin if "floor" in only else None, clean_flag)
            print_table(n, results["sizes"][str(n)])
    finally:
        rmtree(os.path.join(work, "trash"))
        if not keep:
            rmtree(work)
        else:
            log("kept", work)
    os.makedirs(os.path.dirname(out_json), exist_ok=True)
    with open(out_json, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    log("wrote", out_json)


def bench_size(n, nent, runs, work, morgue, hugo, pagefind, floor_bin, clean_flag):
    d = os.path.join(work, str(n))
    log("generating %d articles, %d entities" % (n, nent))
    g = measure([sys.executable, os.path.join(HERE, "gen-corpus"), "-n", str(n), "-e", str(nent), "-o", d])
    with open(os.path.join(d, "corpus.json")) as f:
        corpus = json.load(f)
    corpus["gen_wall"] = g["wall"]
    repo = os.path.join(d, "repo")
    res = {"corpus": corpus, "rows": {}, "search": {}}
    rows = {k: [] for k in ("morgue_clean", "morgue_nochange", "morgue_edit", "hugo", "pagefind",
                            "hugo_pagefind", "floor")}
    site = os.path.join(d, "site")
    public = os.path.join(d, "public")
    trash = os.path.join(work, "trash")  # discard(): deleted after all timed runs
    queries = ["budget", "officials said", "sanc"] + corpus.get("queries", [])
    for r in range(runs):
        if morgue:
            reset_repo(repo)
            discard(site, trash)
            rmtree(site + ".lock")
            discard(site + ".old", trash)  # the site an incremental build replaced
            # a cache morgue may keep inside the repository would make the
            # next "clean" build warm: remove it (--clean is passed too when
            # `morgue build --help` offers it)
            gitdir = os.path.join(repo, ".git")
            for e in os.listdir(gitdir):
                if "morgue" in e.lower():
                    log("removing %s from the repository before a clean build" % e)
                    p = os.path.join(gitdir, e)
                    rmtree(p) if os.path.isdir(p) else os.unlink(p)
            env = dict(os.environ, XDG_CACHE_HOME=os.path.join(d, "xdg-cache-%d" % r))
            cmd = [morgue, "build", os.path.join(repo, "content"), "-o", site, "--quiet"]
            log("n=%d run %d: morgue clean" % (n, r + 1))
            m = measure(cmd + clean_flag, env=env)
            m["files"], m["bytes"] = tree_stats(site)
            m["index_bytes"] = tree_stats(os.path.join(site, "search"))[1]
            rows["morgue_clean"].append(m)
            before = snapshot(site)
            log("n=%d run %d: morgue no-change" % (n, r + 1))
            m = measure(cmd, env=env)
            m["files"], m["bytes"] = tree_stats(site)
            after = snapshot(site)
            m["files_written"] = changed(before, after)
            rows["morgue_nochange"].append(m)
            edit_article(repo, corpus["edit_article"], r + 1)
            log("n=%d run %d: morgue one-article edit" % (n, r + 1))
            m = measure(cmd, env=env)
            m["files"], m["bytes"] = tree_stats(site)
            m["files_written"] = changed(after, snapshot(site))
            rows["morgue_edit"].append(m)
        if hugo:
            discard(public, trash)
            log("n=%d run %d: hugo" % (n, r + 1))
            h = measure([hugo, "--quiet", "-s", os.path.join(d, "hugo"), "-d", public])
            h["files"], h["bytes"] = tree_stats(public)
            rows["hugo"].append(h)
            if pagefind:
                log("n=%d run %d: pagefind" % (n, r + 1))
                p = measure([pagefind, "--site", public])
                pf_dir = os.path.join(public, "pagefind")
                p["files"], p["bytes"] = tree_stats(pf_dir)
                p["index_bytes"] = p["bytes"]
                p["index_files"] = p["files"]
                for what in ("pages", "words"):
                    mm = re.search(r"Indexed (\d+) %s" % what, p["stdout"])
                    if mm:
                        p["indexed_" + what] = int(mm.group(1))
                rows["pagefind"].append(p)
                rows["hugo_pagefind"].append({
                    "wall": round(h["wall"] + p["wall"], 3), "cpu": round(h["cpu"] + p["cpu"], 2),
                    "rss_kb": max(h["rss_kb"], p["rss_kb"]),
                    "files": h["files"] + p["files"], "bytes": h["bytes"] + p["bytes"],
                    "index_bytes": p["bytes"]})
        if floor_bin:
            src = rows["morgue_clean"][-1] if rows["morgue_clean"] else (rows["hugo"][-1] if rows["hugo"] else None)
            if src:
                fo = os.path.join(d, "floor-out")
                discard(fo, trash)
                log("n=%d run %d: floor" % (n, r + 1))
                f = measure([floor_bin, repo, "bench-base", fo, str(src["files"]), str(src["bytes"])])
                f["files"], f["bytes"] = src["files"], src["bytes"]
                f["like"] = "morgue" if rows["morgue_clean"] else "hugo"
                rows["floor"].append(f)
                discard(fo, trash)
    for k, v in rows.items():
        if v:
            res["rows"][k] = median_row(v)
    # search: index sizes and bytes per query, on the last build's output
    if morgue and os.path.isdir(site):
        reset_repo(repo)
        res["search"]["morgue"] = {"index_bytes": tree_stats(os.path.join(site, "search"))[1],
                                   "index_files": tree_stats(os.path.join(site, "search"))[0],
                                   "queries": morgue_query_bytes(site, queries)}
    if pagefind and os.path.isdir(os.path.join(public, "pagefind")):
        pf_dir = os.path.join(public, "pagefind")
        ui = sum(os.path.getsize(os.path.join(pf_dir, f)) for f in os.listdir(pf_dir)
                 if re.match(r"pagefind-(component-ui|modular-ui|ui|highlight)\.", f))
        files, total = tree_stats(pf_dir)
        res["search"]["pagefind"] = {"index_bytes": total, "index_files": files,
                                     "index_bytes_without_ui": total - ui,
                                     "queries": pagefind_query_bytes(public, queries)}
    discard(site, trash)
    discard(public, trash)
    return res


def fmt_row(name, r, hugo):
    if not r:
        return None
    ratio = ""
    if hugo and name.startswith("morgue"):
        ratio = "%5.2fx" % (r["wall"] / hugo["wall"]) if hugo["wall"] else ""
    idx = r.get("index_bytes")
    return "%-16s %8.2f %8.2f %8.1f %8d %9.1f %9s %7s" % (
        name, r["wall"], r["cpu"], r["rss_kb"] / 1024.0, r.get("files", 0),
        r.get("bytes", 0) / 1e6, "%.2f" % (idx / 1e6) if idx is not None else "-", ratio)


def print_table(n, res):
    rows = res["rows"]
    hugo = rows.get("hugo")
    c = res["corpus"]
    print()
    print("== %d articles, %d entities (%d words, %d mentions; corpus generated in %.1f s); medians of %d runs"
          % (c["articles"], c["entities"], c["words"], c["mentions"], c["gen_wall"],
             max((r.get("runs", 0) for r in rows.values()), default=0)))
    print("%-16s %8s %8s %8s %8s %9s %9s %7s" % ("", "wall s", "cpu s", "RSS MB", "files", "out MB",
                                                "index MB", "/hugo"))
    for name, key in (("morgue clean", "morgue_clean"), ("morgue no-change", "morgue_nochange"),
                      ("morgue 1 edit", "morgue_edit"), ("hugo", "hugo"), ("pagefind", "pagefind"),
                      ("hugo+pagefind", "hugo_pagefind"), ("floor", "floor")):
        line = fmt_row(name, rows.get(key), hugo)
        if line:
            print(line)
    mc, hp = rows.get("morgue_clean"), rows.get("hugo_pagefind")
    def ok(c):
        return "ok" if c else "MISSED"
    if mc and hugo:
        w, m = mc["wall"] / hugo["wall"], mc["rss_kb"] / hugo["rss_kb"]
        print("ratios morgue/hugo: wall %.2f (target <= 0.33: %s), peak RSS %.2f (target <= 0.25: %s)"
              % (w, ok(w <= 1 / 3), m, ok(m <= 0.25)))
    if mc and hp:
        w = mc["wall"] / hp["wall"]
        print("ratio morgue/(hugo+pagefind): wall %.2f (target <= 0.20: %s)" % (w, ok(w <= 0.2)))
    if mc and rows.get("morgue_nochange"):
        nc, ed = rows["morgue_nochange"], rows["morgue_edit"]
        x = mc["wall"] / max(nc["wall"], 1e-3)
        print("incremental: no-change %.3f s, %.1fx faster than clean (target < 0.5 s and >= 20x: %s), "
              "files written %d" % (nc["wall"], x, ok(nc["wall"] < 0.5 and x >= 20), nc.get("files_written", 0)))
        x = mc["wall"] / max(ed["wall"], 1e-3)
        print("             one edit  %.3f s, %.1fx faster than clean (target < 1 s and >= 10x: %s), "
              "files written %d" % (ed["wall"], x, ok(ed["wall"] < 1 and x >= 10), ed.get("files_written", 0)))
    if rows.get("floor"):
        fl = rows["floor"]
        print("floor (read all blobs, write %s's files and bytes): %.2f s" % (fl["like"], fl["wall"]))
    s = res["search"]
    if s:
        print("search index: " + ", ".join(
            "%s %.2f MB in %d files" % (k, v["index_bytes"] / 1e6, v["index_files"]) for k, v in sorted(s.items()))
            + ("; pagefind indexed %s pages, %s words" % (rows["pagefind"].get("indexed_pages", "?"),
                                                          rows["pagefind"].get("indexed_words", "?"))
               if rows.get("pagefind") else "")
            + (" (pagefind without its UI files: %.2f MB)" % (s["pagefind"]["index_bytes_without_ui"] / 1e6)
               if "pagefind" in s else ""))
        qs = [q for q in (s.get("pagefind") or s.get("morgue"))["queries"] or {}] if any(
            (v.get("queries") for v in s.values())) else []
        if qs:
            print("%-22s %14s %14s" % ("bytes loaded: query", "morgue", "pagefind"))
            for q in qs:
                cells = []
                for k in ("morgue", "pagefind"):
                    qq = (s.get(k) or {}).get("queries") or {}
                    cells.append("%d" % qq[q]["bytes"] if q in qq else "-")
                print("%-22s %14s %14s" % ('"%s"' % q, cells[0], cells[1]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
