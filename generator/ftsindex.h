/*
 * ftsindex.h - archive.sqlite's full-text index, built while the articles
 * load.
 *
 * The index (FTS5, contentless) is filled by a thread of its own in a file
 * of its own from articles handed over one at a time, in rowid order, as
 * the builder loads them; the export then copies its rows into
 * archive.sqlite (morgue_catalog_export_fts_fill). The rows are the ones
 * morgue_catalog_export_fts makes from the finished catalog (the same
 * rows inserted in the same order), but the work starts with the build
 * instead of after the catalog is finished: on a one-article edit the
 * second core is otherwise idle while the articles load.
 *
 * An article unchanged since the previous build is not handed over: the
 * thread reads its row from the previous build's catalog, so the loading
 * thread neither copies its text nor waits for the index to take it.
 */
#ifndef MORGUE_FTSINDEX_H
#define MORGUE_FTSINDEX_H

#include <stddef.h>

/* The index's columns and tokenizer: the Porter stemmer, case and
 * diacritics folded. archive.sqlite's table must be declared with the
 * same (its rows are copied). */
#define MORGUE_FTSINDEX_COLUMNS "title, text"
#define MORGUE_FTSINDEX_TOKENIZER "porter unicode61 remove_diacritics 2"
#define MORGUE_FTSINDEX_TOKENIZE "tokenize='" MORGUE_FTSINDEX_TOKENIZER "'"

/* The tokens of each row handed over with its text are recorded in the
 * index's file, table tokens(id INTEGER PRIMARY KEY, tokens BLOB), for
 * the caller to keep in its catalog as table MORGUE_FTSINDEX_KEPT
 * (article_id INTEGER PRIMARY KEY, tokens BLOB): a kept row is then
 * indexed from its recorded tokens, not tokenized again (the same index
 * rows; the record of a row must be of its current title and text). */
#define MORGUE_FTSINDEX_KEPT "cache_fts"

typedef struct morgue_ftsindex morgue_ftsindex;

/* Create the index file at path (replacing any file there) and start its
 * thread; prev is the previous build's catalog file, read-only (NULL:
 * none). Errors: MORGUE_EIO (a file), MORGUE_ERROR (no thread). */
int morgue_ftsindex_start(morgue_ftsindex **out, const char *path, const char *prev);

/* Hand over the row id: its title (NULL for none; copied) and text (len
 * bytes, taken over: freed by the index). ids must increase. Blocks
 * while the thread is behind by more than a few megabytes of text.
 * Fails (MORGUE_EUSAGE) on an id out of order and (MORGUE_ERROR) once
 * the thread has failed; the index is then of no use. */
int morgue_ftsindex_add(morgue_ftsindex *f, long long id, const char *title, char *text,
			size_t len);

/* The row id as the previous catalog holds it (its title and text), for
 * an article whose row did not change; ids increase across both calls.
 * MORGUE_EUSAGE without a previous catalog. */
int morgue_ftsindex_add_kept(morgue_ftsindex *f, long long id);

/* Every id after the last one handed over, up to last, as add_kept
 * would hand them, ahead of the builder (which knows them before it can
 * load the articles): its later add_kept calls for these ids are then
 * ignored, and an add for one of them is refused (MORGUE_EUSAGE). */
int morgue_ftsindex_add_kept_through(morgue_ftsindex *f, long long last);

/* No more rows: wait for the thread to index and commit them. 0 and the
 * number of rows and the last id in *count and *last when the file
 * holds the index; else the thread's error. */
int morgue_ftsindex_finish(morgue_ftsindex *f, long long *count, long long *last);

/* The file's path (owned by f). */
const char *morgue_ftsindex_path(const morgue_ftsindex *f);

/* Stop the thread (rows not indexed are dropped), remove the file, free
 * f. NULL is allowed. */
void morgue_ftsindex_free(morgue_ftsindex *f);

#endif
