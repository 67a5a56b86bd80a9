/*
 * cache.h - what an incremental build reuses from the previous build.
 *
 * The cache is the previous build's catalog database, kept next to the
 * site (DIR.cache for `-o DIR`) after every successful build, with tables
 * of its own:
 *
 *   cache_meta(name, value)      "format", the stamp of the site built and
 *                                the build's parse key ("parse")
 *   cache_articles(article_id, key, digest)
 *       key:    hash of everything an article's rows depend on (the
 *               build's parse key: binary, morgue.yaml, the entity
 *               registry; the article's path, blob id and annotation
 *               blob id). Equal keys mean equal rows, so an unchanged
 *               blob is never parsed again.
 *       digest: the key plus the article's git history: what any page
 *               showing the article depends on.
 *   cache_pages(family, sig, path)
 *       the files each page family ("a:ID" an article's page and JSON,
 *       "e:SLUG" an entity's pages, "t:SLUG" a tag's, "x:NAME" a CSV
 *       export, ...) was written to, with the signature of its inputs.
 *   cache_search(article_id, publication, tags, entities)
 *       what the search index was given for the article.
 *   cache_rows(article_id, mentions, attributions)
 *       digests of the article's mention and attribution rows.
 *   cache_exports(name, size, spans)
 *       where each article's block lies in the CSV export written (see
 *       morgue_cache_csv_write), and the file's size.
 *   cache_tokens(key, tokens)
 *       the search index's token blob of the article with that key
 *       (morgue_searchindex_tokens); key "": their dictionary. The
 *       index's own ("#...", its postings) are in a file beside the
 *       cache (morgue_cache_set_postings_file).
 *   cache_fts(article_id, tokens)
 *       the tokens archive.sqlite's full-text index was given for the
 *       article (ftsindex.h).
 *
 * A build creates its catalog in a new file, opens the cache on it (the
 * previous cache is attached read-only as "prev"), copies the rows of
 * every article whose key it finds instead of parsing it, and records
 * keys, digests and page signatures as it goes. The build renames the
 * new file over the old cache only when the site is complete.
 *
 * When every unchanged article keeps its id (an edit: no article added
 * or removed before it), the previous cache file itself becomes the new
 * one instead (morgue_cache_open_moved moves it): only the changed
 * articles' rows are dropped and added again, and the catalog's finish
 * updates only what they can change. Until the build commits, all of
 * that is one transaction that a failed build rolls back, moving the
 * file back; a build that fails after it removes the file (the next one
 * starts from scratch). A killed build leaves only its own file, which
 * the next build removes.
 *
 * A file that is not a morgue cache, or is corrupted, is reported once
 * with morgue_warn and ignored: the build starts from scratch.
 */
#ifndef MORGUE_CACHE_H
#define MORGUE_CACHE_H

#include "catalog.h"
#include "output.h"
#include "util/hash.h"

typedef struct morgue_cache morgue_cache;

/* Open the cache on catalog c (which must outlive it). prev_path is the
 * previous cache file, or NULL for none (a --clean build). Never fails on
 * a bad previous file (warns and ignores it); errors only when the
 * catalog cannot take the cache tables. */
int morgue_cache_open(morgue_cache **out, morgue_catalog *c, const char *prev_path);
void morgue_cache_free(morgue_cache *k);

/* Start from the previous cache file itself instead (faster than copying
 * its rows article by article): when prev_path is a cache built with
 * parse_key (morgue_cache_set_parse_key) and every article among keys
 * (the n articles' keys, in build order) it holds has the id a clean build
 * gives it (its position + 1), move it to path, open the catalog *catalog
 * on it, shared (morgue_catalog_share: the previous build's rows stay
 * readable by other connections), in a transaction with the stale
 * articles dropped (morgue_catalog_reopen), and the cache on it, and
 * return 1. Lookups then find the unchanged articles under their id, and
 * copy just keeps their rows; the caller adds the others with
 * morgue_catalog_set_article_id (their position + 1), and their
 * histories again. 0 (nothing opened, the file where it was) otherwise. */
int morgue_cache_open_moved(morgue_cache **out, morgue_catalog **catalog, const char *path,
			   const char *prev_path, const char *parse_key,
			   const char *const *keys, size_t n);

/* morgue_cache_open_moved in two steps: plan_move reads the
 * previous cache and decides (*out NULL: not moved; always 0), plan_kept
 * says how many articles from the first are kept in place (ids 1..that),
 * and open_planned moves and opens as open_moved does, freeing the plan
 * either way. */
typedef struct morgue_cache_plan morgue_cache_plan;
int morgue_cache_plan_move(morgue_cache_plan **out, const char *prev_path,
			   const char *parse_key, const char *const *keys, size_t n);
size_t morgue_cache_plan_kept(const morgue_cache_plan *p);
/* The ids the plan drops, increasing (*n of them; owned by p): every
 * article a build on it adds again or removes. */
const long long *morgue_cache_plan_stale(const morgue_cache_plan *p, size_t *n);
int morgue_cache_open_planned(morgue_cache **out, morgue_catalog **catalog, const char *path,
			      const char *prev_path, morgue_cache_plan *p);
void morgue_cache_plan_free(morgue_cache_plan *p);
int morgue_cache_set_parse_key(morgue_cache *k, const char *key);

/* 1 when a previous cache was attached and is usable. */
int morgue_cache_has_previous(const morgue_cache *k);
/* The stamp of the site the previous cache was built with, or NULL. */
const char *morgue_cache_previous_stamp(const morgue_cache *k);
int morgue_cache_set_stamp(morgue_cache *k, const char *stamp);

/* The git history the build walked (morgue_history_serialize), for the
 * next build to continue from; read_history reads it back from the cache
 * file at path, on a connection of its own (any thread, while the cache
 * is copied): MORGUE_ENOTFOUND when the file or the text is not there. */
int morgue_cache_set_history(morgue_cache *k, const char *text);
int morgue_cache_read_history(morgue_buf *out, const char *path);

/* Articles. lookup: 1 and *old_id when the previous build has rows for
 * key, else 0. copy: insert those rows (article, body, tags, mentions,
 * attributions) as a new article, *id its new id; on failure the previous
 * cache is dropped with a warning and the caller parses the article. */
int morgue_cache_article_lookup(morgue_cache *k, long long *old_id, const char *key);
int morgue_cache_article_copy(morgue_cache *k, long long *id, long long old_id);
int morgue_cache_article_record(morgue_cache *k, long long id, const char *key,
				const char *digest);
/* The digest recorded for an article id, or "" when none. */
const char *morgue_cache_article_digest(const morgue_cache *k, long long id);

/* What the search index was given for an article (publication as
 * written, raw tags, entity slugs in order of first mention), so a copied
 * article can be indexed without parsing it. fields: caller frees all;
 * entities NULL: not read (the search index fetches them if it needs
 * them, morgue_cache_previous_entities). */
int morgue_cache_search_record(morgue_cache *k, long long id, const char *publication,
			       const char *const *tags, size_t ntags,
			       const char *const *entities, size_t nentities);
int morgue_cache_search_fields(morgue_cache *k, long long id, char **publication,
			       char ***tags, size_t *ntags, char ***entities,
			       size_t *nentities);
/* The entities of article id as the previous cache recorded them for the
 * search index, read like its text (morgue_cache_previous_text, the
 * search thread's connection); caller frees. MORGUE_ENOTFOUND when there
 * is no such cache or row. */
int morgue_cache_previous_entities(morgue_cache *k, long long id, char ***entities,
				   size_t *nentities);

/* Start reading the previous build's page records (what page_reuse
 * looks up) in a thread of its own, through its own connection to the
 * previous cache file, while the build loads its articles; the first
 * page_reuse waits for it (or reads them itself, if it failed). */
void morgue_cache_read_ahead(morgue_cache *k);

/* An article of the catalog with what the search index is given of it
 * (morgue_cache_search_record): its title, path (its page is
 * articles/PATH.html), date, publication (or NULL) and tags. */
typedef struct morgue_cache_kept {
	long long id;
	char *title, *path, *date, *publication;
	char **tags;
	size_t ntags;
} morgue_cache_kept;
/* Every article the catalog holds with search fields, by id: on the moved
 * cache, before the changed ones are added, those kept in place. One
 * scan, where a lookup of each (its row, its fields) cost an edit a
 * tenth of a second at 10k articles. Caller frees the list with
 * morgue_cache_kept_free. */
int morgue_cache_kept_list(morgue_cache *k, morgue_cache_kept **out, size_t *n);
void morgue_cache_kept_free(morgue_cache_kept *v, size_t n);

/* The search index's token cache (morgue_searchindex_tokens), by
 * article key. get: 1 and the blob the previous build kept for key in
 * out, else 0; it reads the previous cache file through a connection of
 * its own, so one other thread (the search index's) may call it while
 * the catalog is used: nothing else may call it at the same time.
 * record: keep blob (copied) for key; thread-safe like page_record,
 * written by morgue_cache_flush, which also keeps the previous blobs of
 * the articles recorded (morgue_cache_article_record) and drops the
 * others, but for the index's own ("#...": see below). Neither fails: a missing blob means
 * tokenizing again. */
int morgue_cache_tokens_get(morgue_cache *k, const char *key, morgue_buf *out);
/* Where the index's own blobs ("#...") are kept, beside the cache file
 * ("DIR.cache.postings"): read from path when there is a previous
 * cache (mapped), and replaced there whole when new ones were recorded
 * (written into scratch as they are, renamed by morgue_cache_flush; a
 * cache freed unflushed removes scratch), not kept in cache_tokens.
 * Without it (NULL, the default) they are not kept. */
void morgue_cache_set_postings_file(morgue_cache *k, const char *path, const char *scratch);
/* Like morgue_cache_tokens_get for a '#' key, without the copy: *blob
 * points into the previous postings file, mapped read-only until
 * morgue_cache_free (renaming a new file over it does not change the
 * mapping). 1, or 0 (no such blob, or no file that could be mapped).
 * The search thread's, like morgue_cache_tokens_get. */
int morgue_cache_tokens_view(morgue_cache *k, const char *key, const void **blob, size_t *len);
/* The text of article id as the previous cache holds it, read like the
 * tokens (the search thread's connection); for an article kept in place
 * in it (morgue_cache_open_moved), whose id is the same.
 * MORGUE_ENOTFOUND when there is no such cache or row. */
int morgue_cache_previous_text(morgue_cache *k, long long id, morgue_buf *out);
void morgue_cache_tokens_record(morgue_cache *k, const char *key, const void *blob, size_t len);

/* Page signatures, all seeded with the build's page key (theme, config,
 * registry...). The article page depends on the article, its related
 * articles and its neighbours; a group ("entity", "tag": an entity's page 1
 * and feed, a tag's feed)
 * on every article in it. The catalog must be finished. The signatures
 * of entity and tag groups and lists are recorded (cache_sigs); on the
 * moved cache (morgue_cache_open_planned) a key that no changed article
 * belongs to, before or after the change, gets the recorded ones instead
 * of a pass over its member rows. */
void morgue_cache_article_sig(morgue_cache *k, char out[MORGUE_HASH_HEX],
			      const char *page_key, long long id, long long prev,
			      long long next);
int morgue_cache_group_sig(morgue_cache *k, char out[MORGUE_HASH_HEX],
			   const char *page_key, const char *group, const char *key);

/* One signature per page of a paged list, in *sigs (caller frees), and
 * the number of pages: "entity" (key: the slug; the entity's articles,
 * newest first, with its article and mention counts), "tag" (key: the
 * slug), "year" or "month" (key: "2017" or "2017-05"), or "home" (key
 * NULL: every article), newest first. A page's signature covers the
 * articles it shows, the list's totals and salt (what else the pages
 * show, e.g. the tag as written; may be NULL). */
int morgue_cache_list_sigs(morgue_cache *k, char (**sigs)[MORGUE_HASH_HEX], size_t *npages,
			   const char *page_key, const char *list, const char *key,
			   const char *salt, int page_size);

/* Record the digests of a parsed article's mention and attribution rows
 * (copied with its other rows), and the signature of a CSV export
 * ("entities", "mentions", "attributions": what it lists, from those
 * digests and the catalog's counts), or of the "sourcing" page; <0 when
 * it cannot be known.
 *
 * rows_record hashes the rows as morgue_catalog_add_mentions and
 * morgue_catalog_add_attributions store them (m, a: the parsed article's),
 * value for value as if read back in id and seq order, without reading
 * them back.
 *
 * rows_record also records the article's listing digest: what the pages
 * that list it (entity, tag, archive pages, feeds, its neighbours' and
 * related articles' pages) can show of it. That is its listed fields
 * (path, title, date, publication, authors, excerpt; the word count only
 * with words set, i.e. when the theme reads it), its tags, its mention
 * and attribution rows and the keyword-in-context sentence of each
 * mention in text (the article's plain text), but not the rest of its
 * body nor its history: an edit elsewhere in the body re-renders the
 * article's page alone. Page signatures other than the article's own
 * page hash these; morgue_cache_load_listings reads them all (after
 * the articles are added, before the signatures are asked for). */
int morgue_cache_rows_record(morgue_cache *k, long long id, const char *text, size_t text_len,
			     int words, const morgue_mention *m, size_t nm,
			     const morgue_attribution *a, size_t na);
/* The same in two steps: the digests of the mention and attribution rows
 * and of the mentions' sentences, from the parse alone (no cache: a parse
 * worker makes them, off the thread that adds the articles), then the
 * record, which hashes them with the article's listed fields and tags. */
typedef struct morgue_cache_rows_digest {
	char hex[3][MORGUE_HASH_HEX]; /* mentions, attributions, sentences */
} morgue_cache_rows_digest;
void morgue_cache_rows_digest_of(morgue_cache_rows_digest *out, const char *text,
				 size_t text_len, const morgue_mention *m, size_t nm,
				 const morgue_attribution *a, size_t na);
int morgue_cache_rows_record_digest(morgue_cache *k, long long id, int words,
				    const morgue_cache_rows_digest *d);
int morgue_cache_load_listings(morgue_cache *k);
/* The signature of an export, or of a page made from one: what is
 * "entities" (idf's counts), "mentions", "attributions" or "sourcing"
 * (every article's rows digests: the three are made in one scan at the
 * first call, once the rows are all recorded, and kept for the page
 * key). MORGUE_ENOTFOUND when an article has no digests. */
int morgue_cache_export_sig(morgue_cache *k, char out[MORGUE_HASH_HEX], const char *page_key,
			    const char *what);

/* The "mentions" and "attributions" exports are a header line and one
 * block per article (catalog.h). A build records where each article's
 * block lies in the file it wrote (its span: offset and length), keyed
 * by what the block is made of (the article's path, date and the digest
 * of its rows: cache_rows), so that the next build copies the blocks of
 * the articles whose key it finds from the previous site's file and
 * generates only the others.
 *
 * morgue_cache_csv_spans: the spans recorded for export what by the
 * previous build, in *out (NULL when none; caller frees). They describe
 * the file of the site the previous cache was built with: ask only when
 * that site is reused (the one whose stamp the cache holds).
 *
 * morgue_cache_csv_write: write export what of catalog c (finished,
 * with this module's tables; any connection, so another thread may call
 * it: it touches nothing else) into out (just opened: empty), exactly as
 * morgue_catalog_csv writes it, copying the blocks prev has from
 * prev_file (pread at their old offset) and generating the others; it
 * streams: a block of about 1 MB at a time is held in memory, never the
 * export. *spans: the spans of what it wrote (caller frees; NULL when c
 * has no cache tables). When prev_file is missing or not the size prev
 * recorded, the whole export is generated; when it cannot be read as the
 * spans say, out is emptied (morgue_output_restart) and the whole export
 * generated again: never a wrong file. prev and prev_file may be NULL.
 * 0 ok, <0 on a database or write error (out then holds a partial
 * file).
 *
 * morgue_cache_csv_record: keep spans (those of the file the new site
 * holds for what: written, or linked with the previous spans) for the
 * next build; NULL forgets what was recorded. Call from the catalog's
 * connection, before the cache is flushed.
 *
 * morgue_csv_spans_stats: the number of blocks, how many were copied from
 * the previous file, and the file's size (any out-param may be NULL). */
typedef struct morgue_csv_spans morgue_csv_spans;
int morgue_cache_csv_spans(morgue_csv_spans **out, morgue_cache *k, const char *what);
int morgue_cache_csv_write(morgue_output_file *out, morgue_csv_spans **spans, morgue_catalog *c,
			   const char *what, const morgue_csv_spans *prev, const char *prev_file);
int morgue_cache_csv_record(morgue_cache *k, const char *what, const morgue_csv_spans *spans);
void morgue_csv_spans_stats(const morgue_csv_spans *s, size_t *blocks, size_t *ncopied,
			    size_t *size);
void morgue_csv_spans_free(morgue_csv_spans *s);

/* Families: reuse links every file the previous build wrote for family
 * with signature sig into the new site, records them and calls each (if
 * not NULL) with every path; 1 when done, 0
 * when the family must be rendered (nothing usable; files linked so far
 * are overwritten by the render). record notes one file written for a
 * family, of size bytes (-1: not known). */
int morgue_cache_page_reuse(morgue_cache *k, morgue_output *o, const char *family,
			    const char *sig, void (*each)(const char *path, void *payload),
			    void *payload);
int morgue_cache_page_record(morgue_cache *k, const char *family, const char *sig,
			     const char *path, long long size);
/* size -1 in record: the file's size is asked of o (staged_size) when the
 * records are flushed, so the next build can link it without a stat. o
 * (borrowed) must outlive the flushes. */
void morgue_cache_set_output(morgue_cache *k, morgue_output *o);

/* Keep the tokens recorded in archive.sqlite's index file at fts_path
 * (morgue_ftsindex: its table tokens) for the next build, replacing an
 * article's earlier ones. Call before the index file is removed. */
int morgue_cache_fts_record(morgue_cache *k, const char *fts_path);

/* page_reuse and page_record may be called from two threads at once (the
 * catalog's connection is serialized by SQLite); nothing else may.
 * Page records are kept in memory until flushed into the catalog's open
 * transaction; flush may be called again for the ones recorded since.
 * Other connections may read the catalog meanwhile: they see it as last
 * committed, and the commit must come after they are done. */
int morgue_cache_flush(morgue_cache *k);

/* Pages reused and rendered so far, for the summary. */
size_t morgue_cache_pages_reused(const morgue_cache *k);

#endif
