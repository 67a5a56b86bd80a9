/*
 * searchindex.h - the offline search index written into the site.
 *
 * The builder adds every article (morgue_searchindex_add) and every entity
 * (morgue_searchindex_add_entity); morgue_searchindex_write then writes
 * site_dir/search/ as classic scripts that each call
 * morgueSearch.load(NAME, DATA[, FMT]) (the Sphinx/rustdoc technique), so
 * search.js can load them with <script src> from file:// as well as http.
 * DATA is a JSON value, or (FMT 1) the base64 of its raw deflate, or (FMT 2)
 * the base64 of its raw deflate against the preset dictionary of z.js;
 * search.js inflates with the browser's DecompressionStream('deflate-raw')
 * (no fetch), a file is deflated only when that makes it smaller:
 *
 *   meta.js    N, average length, one length code per doc, date table,
 *              the list of term-shard prefixes, publications, top tags
 *   t-P.js     terms (Snowball stems, and "~p"/"~t"/"~e" facet keys) whose
 *              key starts with P: {"s":{stem:[postings,[forms],[entities]]},
 *              "f":{form:stem}}, an entity [slug,name,type,url,count]
 *              with url "" for entities/SLUG.html; a shard's JSON never exceeds
 *              MORGUE_SEARCH_SHARD_MAX bytes (a shard that would is split
 *              by one more character of prefix), nor does its file
 *   c-N.js     the doc and tf numbers of a long posting list, in chunks
 *   p-N.js     its positions (a word's, not a stopword's or a facet's),
 *              in files of their own: only a phrase query loads them
 *   d-N.js     MORGUE_SEARCH_DOCS_PER_SHARD documents:
 *              [[url, title, date, publication|null, [tags], text]], FMT 2
 *   z.js       [BASE64, LENGTH]: the dictionary (the openings of a few
 *              documents spread over the archive), raw-deflated up to a
 *              sync flush: inflating it followed by a d-N.js stream gives
 *              LENGTH bytes of dictionary, then the document's JSON
 *
 * Documents are numbered by (date, url), so the output is byte-identical
 * whatever order they were added in, and a date range is a doc-id range.
 * The encodings are described at the top of searchindex.c; search.js is
 * the reference reader, morgue_searchindex_read the C one. Everything is
 * written through morgue_escape_json (and base64 is plain ASCII).
 *
 * The index copies everything it keeps; the caller owns its arguments.
 * The articles' texts are kept in an unlinked temporary file (tmpfile(3)),
 * not in memory, until write reads them back.
 */
#ifndef MORGUE_SEARCHINDEX_H
#define MORGUE_SEARCHINDEX_H

#include <stddef.h>

#include "output.h"
#include "util/buf.h"

#define MORGUE_SEARCH_SHARD_MAX 32768
#define MORGUE_SEARCH_DOCS_PER_SHARD 1

typedef struct morgue_search_doc {
	const char *url;              /* root-relative "articles/2017/x.html" */
	const char *title, *date;     /* date "YYYY-MM-DD" */
	const char *publication;      /* display name or NULL */
	const char *publication_slug; /* or NULL */
	const char *const *tags;
	size_t ntags;
	const char **entities; /* slugs of the entities mentioned */
	const char **entity_names;
	size_t nentities;
	/* with entities NULL and an entity source set: they are fetched by
	 * this reference when they are needed (morgue_searchindex_set_entities) */
	long long entities_ref;
	const char *text; /* plain text of the body */
	size_t text_len;
	/* with text NULL and a text source set: the text is fetched by this
	 * reference when it is needed (morgue_searchindex_set_text) */
	long long text_ref;
	/* NULL, or a content key of everything the fields above are made
	 * from (e.g. the article's cache key): equal keys promise equal
	 * fields. It lets the writer key the document's file without
	 * serializing it, and names its tokens for the token cache. */
	const char *key;
} morgue_search_doc;

typedef struct morgue_searchindex morgue_searchindex;

int morgue_searchindex_new(morgue_searchindex **out);
/* Copies what it keeps. 0, or MORGUE_EUSAGE without url or title. */
int morgue_searchindex_add(morgue_searchindex *s, const morgue_search_doc *d);
/* An entity page offered above the articles when its name or an alias
 * matches the query; article_count orders several matches. */
int morgue_searchindex_add_entity(morgue_searchindex *s, const char *slug,
				  const char *name, const char *type,
				  const char *url, const char *const *aliases,
				  size_t naliases, int article_count);
/* Tokenize the documents added so far: the first half of write, which
 * does it itself when it was not done. It touches only the documents, so
 * another thread may add entities meanwhile (but no documents: adding one
 * drops the work). 0, or MORGUE_ERROR without a stemmer. */
int morgue_searchindex_index(morgue_searchindex *s);
/* Pack the document shards' files ahead of write, in memory, from the
 * first, until they hold max_bytes or stop(payload) returns nonzero
 * (asked before each): the work of write that needs no directory, for a
 * thread that is waiting for one. write then writes those as they are,
 * unless a document was added since. Indexes first when that was not
 * done. 0, or what morgue_searchindex_index returned; a shard that cannot
 * be packed is left to write. */
int morgue_searchindex_prepack(morgue_searchindex *s, size_t max_bytes,
			       int (*stop)(void *payload), void *payload);
/* Replace site_dir/search/ with the index. 0 or MORGUE_EIO. */
int morgue_searchindex_write(morgue_searchindex *s, const char *site_dir);
/* Write the files through o instead (site paths "search/NAME.js";
 * site_dir is then o's staging directory): o then knows every file of
 * the index, and removes an old site's that the index no longer has. */
void morgue_searchindex_set_output(morgue_searchindex *s, morgue_output *o);
/* The JSON value a file site_dir/search/NAME.js hands to the loader, as
 * search.js sees it (inflated, without the dictionary); for tests and
 * tools. 0, MORGUE_EIO, or MORGUE_EINPUT for a file that is not one of the
 * index's. */
int morgue_searchindex_read(morgue_buf *out, const char *site_dir, const char *name);
/* Incremental builds: before packing and writing NAME.js the writer asks
 * reuse(NAME, KEY, payload), KEY a hash of everything the file's bytes
 * depend on, whether the caller can put the file there unchanged (1: it
 * did, e.g. a link to the previous site's file; 0: write it); each file
 * written is reported to record(NAME, KEY, payload). Either may be NULL. */
typedef struct morgue_searchindex_memo {
	int (*reuse)(const char *name, const char *key, void *payload);
	void (*record)(const char *name, const char *key, void *payload);
	void *payload;
} morgue_searchindex_memo;
void morgue_searchindex_set_memo(morgue_searchindex *s, const morgue_searchindex_memo *m);

/* The token cache: what tokenizing a document gave (its terms, their
 * postings codes and forms, its length: an opaque blob) kept between
 * builds under the document's key, so an unchanged document is not
 * tokenized again. For a document with a key, index asks lookup(KEY,
 * out, payload) (1: out holds the blob recorded for KEY; 0: none) and,
 * when it had to tokenize it, calls record(KEY, blob, len, payload).
 * The key "" names one more blob, the dictionary of words the others
 * are written with: index asks for it first, and records it when it
 * changed (the cache must keep it as long as any other blob).
 * Keys starting with '#' name blobs of the whole index: "#postings"
 * and its parts "#postings/N", what indexing made (its postings), which
 * lets the next build take out and put in only the changed documents'
 * (document keys must not start with '#'). The cache keeps them like
 * the dictionary, and may drop all of them when new ones are recorded.
 * Both are called from the thread running morgue_searchindex_index;
 * either may be NULL. A blob index cannot read is ignored (the document
 * is tokenized). The blob depends on this code: a cache keeping it must
 * be dropped by another version of morgue. */
typedef struct morgue_searchindex_tokens {
	int (*lookup)(const char *key, morgue_buf *out, void *payload);
	void (*record)(const char *key, const void *blob, size_t len, void *payload);
	/* Optional, for the '#' keys: like lookup (1 or 0), but *blob
	 * points at the bytes where the cache keeps them, not copied; they
	 * must stay there, unchanged, until the index is freed. When it
	 * says 0, lookup is asked. */
	int (*view)(const char *key, const void **blob, size_t *len, void *payload);
	void *payload;
} morgue_searchindex_tokens;
void morgue_searchindex_set_tokens(morgue_searchindex *s, const morgue_searchindex_tokens *t);

/* Where the text of a document added by reference (text NULL, text_ref
 * set) comes from, if ever it is needed (to tokenize it or to write its
 * file, not when its tokens and its file are reused): fetch(REF, out,
 * payload) puts it in out and returns 0, or <0 (the write then fails).
 * Called from the thread running index and write. */
typedef int (*morgue_searchindex_text_fn)(long long ref, morgue_buf *out, void *payload);
void morgue_searchindex_set_text(morgue_searchindex *s, morgue_searchindex_text_fn fetch,
				 void *payload);

/* Where the entities of a document added by reference (entities NULL,
 * entities_ref set) come from, if ever they are needed (to tokenize the
 * document, or for its facets when every document is indexed; not for a
 * document whose postings are the snapshot's): fetch(REF, &slugs,
 * &names, &n, payload) returns 0 and two arrays of n strings the index
 * takes over, or <0 (the write then fails). Called from the thread
 * running index. */
typedef int (*morgue_searchindex_entities_fn)(long long ref, char ***slugs, char ***names,
					      size_t *n, void *payload);
void morgue_searchindex_set_entities(morgue_searchindex *s, morgue_searchindex_entities_fn fetch,
				     void *payload);

/* Bytes written by the last morgue_searchindex_write and file count
 * (files reused through the memo not included). */
size_t morgue_searchindex_bytes(const morgue_searchindex *s, size_t *files);
void morgue_searchindex_free(morgue_searchindex *s);

#endif
