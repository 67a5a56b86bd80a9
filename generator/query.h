/*
 * query.h - searching a built site's catalog (archive.sqlite) from the
 * terminal, with SQLite FTS5: the same filters as the site's search page
 * (publication, entity, tag, date range). Used by `morgue search`.
 *
 * The query text is user input, never FTS5 syntax: words are matched as
 * terms (all must occur), "double-quoted runs" as phrases, and a trailing
 * '*' on a word as a prefix; every other character is treated as a word
 * separator, so no input can make the query fail to parse.
 */
#ifndef MORGUE_QUERY_H
#define MORGUE_QUERY_H

#include "util/buf.h"
#include "value.h"

typedef struct morgue_query morgue_query;

typedef struct morgue_query_opts {
	const char *text;        /* what the user typed; may be empty with filters */
	const char *publication; /* entity slug or name, or NULL */
	const char *entity;      /* entity slug, or NULL */
	const char *tag;         /* tag or tag slug, or NULL */
	const char *from, *to;   /* YYYY-MM-DD bounds (inclusive), or NULL */
	int limit;               /* <= 0: 20 */
	int offset;
} morgue_query_opts;

/* Open path (an archive.sqlite written by `morgue build`) read-only.
 * MORGUE_ENOTFOUND when missing, MORGUE_EINPUT when it is not a morgue
 * catalog or is from an incompatible version. */
int morgue_query_open(morgue_query **out, const char *path);
void morgue_query_close(morgue_query *q);

/* Append the FTS5 MATCH expression for user text (exposed for tests);
 * empty when the text has no words. */
void morgue_query_fts(morgue_buf *out, const char *text);

/* Results, best first (bm25 with the title weighted 5x; newest first when
 * there is no text): a list of maps {path, url, title, date, publication,
 * snippet} where snippet marks matches with [ and ]. *total receives the
 * number of matches. */
int morgue_query_run(morgue_value **out, long long *total, morgue_query *q,
		     const morgue_query_opts *o);

#endif
