/*
 * history.h - the git history of every article and its annotations,
 * gathered with ONE revision walk for the whole archive (not one walk per
 * article, which is what makes per-page git info slow elsewhere).
 *
 * Renames are followed: an article moved from articles/a.md to
 * articles/b.md keeps the revisions of a.md, and a.md is listed among its
 * former paths so the site can keep the old URL alive with a redirect.
 * For annotation files the entities added and removed by each commit are
 * worked out from the two versions of the file.
 */
#ifndef MORGUE_HISTORY_H
#define MORGUE_HISTORY_H

#include <stddef.h>

#include "repo.h"
#include "util/buf.h"

typedef struct morgue_revision {
	char commit[41];
	long long time;      /* author time (UTC seconds) */
	int tz;              /* author's offset in minutes */
	char *author;
	char *summary;
	char article;        /* 'A', 'M', 'R' or 0: what happened to the article file */
	char annotations;    /* 'A', 'M', 'R', 'D' or 0: to its annotations file */
	char **added;        /* entity slugs the annotations gained (mentions) */
	size_t nadded;
	char **removed;      /* ... and lost (or newly suppressed) */
	size_t nremoved;
} morgue_revision;

typedef struct morgue_article_history {
	char *path;               /* "articles/2017/x.md" as of the walked commit */
	morgue_revision *revs;    /* newest first */
	size_t nrevs;
	char **old_paths;         /* former article paths, newest first */
	size_t nold;
} morgue_article_history;

typedef struct morgue_history morgue_history;

/* Walk r's history. Never fails on a shallow clone: the history is then
 * partial and morgue_history_shallow says so. */
int morgue_history_collect(morgue_history **out, morgue_repo *r);
void morgue_history_free(morgue_history *h);

/* Incremental builds. The history as text (for the build cache), with
 * the key of what it depends on besides the repository (the binary, the
 * content root); parse reads it back: MORGUE_EINPUT when it is not such a
 * text or has another key. */
void morgue_history_serialize(morgue_buf *out, const morgue_history *h, const char *key);
int morgue_history_parse(morgue_history **out, const char *key, const char *data, size_t len);
/* The same result as morgue_history_collect, walking only the commits
 * made since the earlier history prev (serialized, with the same key)
 * when r's commit descends from its commit along first parents; else, or
 * when prev is NULL or unusable (another key, a shallow history), the
 * whole walk. */
int morgue_history_collect_since(morgue_history **out, morgue_repo *r, const char *key,
				 const char *prev, size_t len);
/* 1 when h continued an earlier history (collect_since did not walk it
 * all). */
int morgue_history_since(const morgue_history *h);

/* The history of the article at `path` ("articles/2017/x.md"), or NULL
 * when no commit touched it (worktree drafts). */
const morgue_article_history *morgue_history_find(const morgue_history *h,
						  const char *path);
int morgue_history_shallow(const morgue_history *h);

/* Every article history (including articles deleted since), for redirects. */
size_t morgue_history_count(const morgue_history *h);
const morgue_article_history *morgue_history_at(const morgue_history *h, size_t i);

#endif
