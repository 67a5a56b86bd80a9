#define _GNU_SOURCE /* qsort_r */
#include "cache.h"

#include "attribution.h"
#include "ftsindex.h"
#include "markdown.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/sql.h"
#include "util/thread.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_FORMAT "morgue-cache 13"

/* The per-article tables a copy carries over, and the column holding the
 * article id. The articles row itself gets a fresh id (assigned in the
 * same order as a clean build would), the others take it as ?1. */
static const struct {
	const char *table, *key, *order;
} copied[] = {
	{ "articles", "id", "rowid" },
	{ "bodies", "id", "rowid" },
	{ "tags", "article_id", "rowid" },
	{ "mentions", "article_id", "rowid" },
	{ "attributions", "article_id", "rowid" },
	/* derived per article in morgue_catalog_finish (keyword in
	 * context); finish only fills in articles that lack them */
	{ "refs", "article_id", "entity" },
	{ "cache_search", "article_id", "rowid" },
	{ "cache_rows", "article_id", "rowid" },
};
#define NCOPIED (sizeof(copied) / sizeof(*copied))

typedef struct entity_count {
	char *slug;
	long long mentions;
} entity_count;

typedef struct group_sig {
	char *key;
	char sig[MORGUE_HASH_HEX];
} group_sig;

typedef struct group {
	char *name;      /* "entity", "tag", ... */
	char *page_key;
	group_sig *sigs; /* sorted by key */
	size_t n;
} group;

typedef struct key_id {
	char *key;
	long long id;
} key_id;

/* A row of cache_sigs: the signature(s) of a group ('g') or of a paged
 * list's pages ('l', concatenated) of one key, made in context ctx (the
 * page key, for a list with its salt and page size). */
typedef struct memo_row {
	char kind;
	char *name, *key, *ctx, *sigs;
} memo_row;

typedef struct page_row {
	size_t family, sig, path; /* offsets in text */
	long long size;           /* -1: not recorded */
	size_t seq;               /* its place in the order recorded */
} page_row;

/* Page records: rows sorted by family, the first of each found by hash. */
typedef struct page_set {
	page_row *pages;
	size_t npages, cappages;
	morgue_buf text;  /* their strings */
	size_t *slots;    /* a family's first row + 1, by hash */
	size_t cap;
} page_set;

struct morgue_cache {
	sqlite3 *db;
	int prev;         /* a usable previous cache is attached */
	/* the catalog is the previous cache, moved (morgue_cache_open_moved):
	 * its unchanged articles' rows are in place, keys holds their keys */
	int self;
	key_id *keys;     /* by key */
	size_t nkeys;
	char *prev_stamp;
	sqlite3_stmt *lookup, *record, *page_ins, *page_prev;
	/* the previous build's page records (page_prev: all of them, by
	 * family), read in one scan at the first page_reuse: rows sorted by
	 * family, the first of each found by hash (pages_load) */
	int pages_loaded;
	struct page_set pg;
	/* or read ahead by a thread of its own (morgue_cache_read_ahead),
	 * through its own connection to the previous cache file */
	pthread_t ahead;
	int ahead_started, ahead_ok;
	struct page_set ahead_pg;
	sqlite3_stmt *copy[NCOPIED];
	char (*digest)[MORGUE_HASH_HEX]; /* by article id */
	size_t ndigest;
	/* listing digests by article id (morgue_cache_load_listings) */
	char (*listing)[MORGUE_HASH_HEX];
	size_t nlisting;
	/* each article's related list hashed, by article id: read in one
	 * scan at the first morgue_cache_article_sig (related_digests) */
	char (*related)[MORGUE_HASH_HEX];
	size_t nrelated;
	int related_read;
	long long related_bad; /* the scan failed: a nonce, so no page matches */
	group *groups;
	size_t ngroups;
	size_t reused;
	/* page families are reused and recorded from two threads (the pages
	 * and the search index): lock guards reused, pending and page_prev */
	pthread_mutex_t lock;
	/* page records wait in memory until morgue_cache_flush, so pages
	 * can be rendered while another connection reads the catalog */
	struct pending_page {
		char *family, *sig, *path;
		long long size; /* -1: asked of output at flush */
	} *pending;
	size_t npending, cappending;
	morgue_output *output; /* the pages' sizes, when they were not given */
	/* on the moved cache, a reused family's rows stay as they are: its
	 * name goes into this set (open addressing, a power of two over
	 * twice its count) instead of its rows into pending */
	char **kept;
	size_t nkept, capkept;
	sqlite3_stmt *list_entity;
	sqlite3_stmt *search_pub, *search_list[2]; /* kept prepared: one use per article */
	sqlite3_stmt *search_ins;
	sqlite3_stmt *rows_ins, *listing_sel[2];
	struct entity_count *counts; /* by slug */
	size_t ncounts;
	int counts_loaded;
	/* the signatures of the exports of every article's rows
	 * (row_export_sigs), and the page key they were made with */
	char row_sigs[3][MORGUE_HASH_HEX];
	char *row_sigs_key;
	/* the search index's token blobs: read from the previous cache file
	 * (tok_path, set before the search thread starts) through a
	 * connection of the search thread's own; recorded into tok_pending
	 * (under lock) until morgue_cache_flush, their bytes in an unlinked
	 * temporary file (tok_spill): a clean build of 100k articles makes
	 * about 230 MB of them */
	char *tok_path;
	sqlite3 *tok_db;
	sqlite3_stmt *tok_get;
	sqlite3_stmt *tok_text; /* an article's text, on the same connection */
	sqlite3_stmt *tok_ents; /* and the entities it gave the search index */
	int tok_failed;
	int tok_kept;     /* flush kept the previous blobs it needs */
	struct tok_rec *tok_pending;
	size_t ntok, captok;
	FILE *tok_spill;
	long long tok_spill_size;
	int tok_spill_off; /* no spill file could be made: kept in memory */
	/* the index's own blobs ("#..."), a few MB rewritten by every
	 * build: in a file of their own beside the cache (post_path), not
	 * in cache_tokens, where deleting the last ones walked every
	 * overflow page of them (a tenth of a second at the end of an
	 * edit) */
	char *post_path, *post_scratch;
	/* the new one (post_scratch), written as the blobs are recorded
	 * (not spilled and read back at flush); post_out_bad: a write
	 * failed, the file is dropped at flush */
	FILE *post_out;
	int post_out_bad;
	/* the previous one, mapped at the first lookup (read in place by
	 * morgue_cache_tokens_view, copied by tokens_get): the snapshot's
	 * parts, 14 MB at 10k articles, read into fresh buffers cost a
	 * page fault per page */
	const char *post_map;
	size_t post_map_len;
	int post_mapped;
	/* the signatures of the entity and tag groups and lists, kept from
	 * build to build (cache_sigs). In a build on the moved cache, the
	 * keys the changed articles belong to, before or after, are listed
	 * in temp.cache_dirty (dirty_known); any other key's members and
	 * their listings are the same, so its signatures too: they are
	 * read from memo instead of from every member row */
	int dirty_known, memo_loaded, memo_cleared;
	long long prev_max_id; /* articles above it are new (not in cache_stale) */
	memo_row *memo;   /* the previous build's rows, sorted */
	size_t nmemo;
	memo_row *memo_out; /* rows made by this build, for flush */
	size_t nmemo_out, capmemo_out;
	sqlite3_stmt *key_st[3], *dirty_st, *mentions_st;
};

typedef struct tok_rec {
	char *key;
	void *blob;     /* NULL: len bytes at off in tok_spill */
	long long off;
	size_t len;
} tok_rec;

static int db_error(morgue_cache *k, const char *what)
{
	return morgue_error_set(MORGUE_ERROR, NULL, 0, "cache: %s: %s", what,
				sqlite3_errmsg(k->db));
}

static sqlite3_stmt *prepare(morgue_cache *k, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(k->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_error(k, sql);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}


static void pending_free(struct pending_page *p)
{
	free(p->family);
	free(p->sig);
	free(p->path);
}

static void page_set_free(page_set *ps)
{
	free(ps->pages);
	free(ps->slots);
	morgue_buf_free(&ps->text);
	memset(ps, 0, sizeof(*ps));
}

static void pages_join(morgue_cache *k);

static void pages_free(morgue_cache *k)
{
	pages_join(k);
	page_set_free(&k->ahead_pg);
	page_set_free(&k->pg);
	k->pages_loaded = 0;
}

static void drop_previous(morgue_cache *k)
{
	pages_free(k);
	for (size_t i = 0; i < NCOPIED; i++) {
		sqlite3_finalize(k->copy[i]);
		k->copy[i] = NULL;
	}
	sqlite3_finalize(k->lookup);
	sqlite3_finalize(k->page_prev);
	k->lookup = k->page_prev = NULL;
	if (k->prev && !k->self)
		sqlite3_exec(k->db, "DETACH DATABASE prev", NULL, NULL, NULL);
	k->prev = 0;
}

/* "INSERT INTO main.T(cols) SELECT cols FROM prev.T WHERE key=?2", with
 * the key column set to ?1 and rowid aliases left to SQLite. Built from
 * the live schema, so it follows the catalog's columns. */
static sqlite3_stmt *copy_statement(morgue_cache *k, size_t t)
{
	morgue_buf sql = MORGUE_BUF_INIT, cols = MORGUE_BUF_INIT, sel = MORGUE_BUF_INIT;
	sqlite3_stmt *info = NULL, *st = NULL;
	int rowid_table = !strcmp(copied[t].key, "id") && !strcmp(copied[t].table, "articles");

	morgue_buf_printf(&sql, "PRAGMA main.table_info(%s)", copied[t].table);
	if (!(info = prepare(k, sql.ptr)))
		goto done;
	while (sqlite3_step(info) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(info, 1);
		int is_key = !strcmp(col, copied[t].key);
		if (!strcmp(col, "id") && (!is_key || rowid_table))
			continue; /* a fresh rowid */
		morgue_buf_printf(&cols, "%s\"%s\"", cols.size ? "," : "", col);
		if (is_key)
			morgue_buf_printf(&sel, "%s?1", sel.size ? "," : "");
		else
			morgue_buf_printf(&sel, "%s\"%s\"", sel.size ? "," : "", col);
	}
	morgue_buf_clear(&sql);
	morgue_buf_printf(&sql, "INSERT INTO main.%s(%s) SELECT %s FROM prev.%s WHERE %s=?2"
			  " ORDER BY %s", copied[t].table, cols.ptr, sel.ptr,
			  copied[t].table, copied[t].key, copied[t].order);
	st = prepare(k, sql.ptr);
done:
	sqlite3_finalize(info);
	morgue_buf_free(&sql);
	morgue_buf_free(&cols);
	morgue_buf_free(&sel);
	return st;
}

/* The meta rows read when a cache is opened: not "history" (megabytes,
 * read by morgue_cache_read_history when wanted). */
#define META_SMALL " WHERE name IN ('format', 'stamp', 'parse')"

/* Attach and check the previous cache; any doubt means no cache. */
static void attach_previous(morgue_cache *k, const char *path)
{
	sqlite3_stmt *st = NULL;
	char *other_format = NULL; /* a morgue cache, of another format */
	int format = 0, rc;
	char *sql = sqlite3_mprintf("ATTACH DATABASE %Q AS prev", path);
	int ok = sqlite3_exec(k->db, sql, NULL, NULL, NULL) == SQLITE_OK;

	sqlite3_free(sql);
	if (!ok)
		goto bad;
	k->prev = 1;
	if (sqlite3_prepare_v2(k->db, "SELECT name, value FROM prev.cache_meta" META_SMALL, -1,
			       &st, NULL) != SQLITE_OK)
		goto bad;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *value = (const char *)sqlite3_column_text(st, 1);
		if (!name || !value)
			continue;
		if (!strcmp(name, "format") && !strcmp(value, CACHE_FORMAT))
			format = 1;
		else if (!strcmp(name, "format") && !strncmp(value, "morgue-cache ", 13) &&
			 !other_format)
			other_format = morgue_strdup(value);
		else if (!strcmp(name, "stamp")) {
			free(k->prev_stamp);
			k->prev_stamp = morgue_strdup(value);
		}
	}
	if (rc != SQLITE_DONE || !format)
		goto bad;
	sqlite3_finalize(st);
	st = NULL;
	/* no PRAGMA quick_check (half a second at 10k articles): a damaged
	 * page fails the copy of its article, which drops the cache */
	k->tok_path = morgue_strdup(path);
	k->lookup = prepare(k, "SELECT article_id FROM prev.cache_articles WHERE key=?");
	k->page_prev = prepare(k, "SELECT family, sig, path, size FROM prev.cache_pages");
	for (size_t i = 0; i < NCOPIED; i++)
		k->copy[i] = copy_statement(k, i);
	for (size_t i = 0; i < NCOPIED; i++)
		if (!k->copy[i])
			goto bad;
	if (!k->lookup || !k->page_prev)
		goto bad;
	morgue_error_clear();
	free(other_format);
	return;
bad:
	sqlite3_finalize(st);
	morgue_error_clear();
	if (other_format && !format) /* an upgrade, not damage */
		morgue_warn(path, 0, "written by another version of morgue (%s; this one reads %s):"
			    " ignored, building from scratch", other_format + 13,
			    &CACHE_FORMAT[13]);
	else
		morgue_warn(path, 0, "not a morgue cache or corrupted: ignored, building from scratch");
	free(other_format);
	free(k->prev_stamp);
	k->prev_stamp = NULL;
	free(k->tok_path);
	k->tok_path = NULL;
	drop_previous(k);
}

int morgue_cache_open(morgue_cache **out, morgue_catalog *c, const char *prev_path)
{
	morgue_cache *k = morgue_calloc(1, sizeof(*k));
	char *err = NULL;
	int rc = 0;

	pthread_mutex_init(&k->lock, NULL);

	k->db = morgue_catalog_handle(c);
	if (sqlite3_exec(k->db,
			 /* a rowid table: a key lookup in a WITHOUT ROWID table
			  * reads the whole of each overflowing row it compares
			  * with, and "history" is megabytes */
			 "CREATE TABLE cache_meta(name TEXT PRIMARY KEY, value TEXT);"
			 "INSERT INTO cache_meta VALUES('format', '" CACHE_FORMAT "');"
			 "CREATE TABLE cache_articles(article_id INTEGER PRIMARY KEY,"
			 "  key TEXT NOT NULL UNIQUE, digest TEXT NOT NULL);"
			 /* size: the file's bytes, NULL when not known */
			 "CREATE TABLE cache_pages(family TEXT NOT NULL, sig TEXT NOT NULL,"
			 "  path TEXT NOT NULL, size INTEGER);"
			 "CREATE INDEX cache_pages_family ON cache_pages(family, sig);"
			 /* what the search index is given for an article, as JSON
			  * lists: raw tags and mentioned entities in text order */
			 "CREATE TABLE cache_search(article_id INTEGER PRIMARY KEY,"
			 "  publication TEXT, tags TEXT NOT NULL, entities TEXT NOT NULL);"
			 /* digests of an article's mention and attribution rows,
			  * for the signatures of the CSV exports, and of what
			  * the pages listing it show (morgue_cache_rows_record) */
			 "CREATE TABLE cache_rows(article_id INTEGER PRIMARY KEY,"
			 "  mentions TEXT NOT NULL, attributions TEXT NOT NULL,"
			 "  listing TEXT NOT NULL);"
			 /* the spans of the articles' blocks in a CSV export
			  * (morgue_cache_csv_write), packed in one blob */
			 "CREATE TABLE cache_exports(name TEXT PRIMARY KEY, size INTEGER NOT NULL,"
			 "  spans BLOB NOT NULL);"
			 /* the search index's token blob of each article, by
			  * the article's key (morgue_cache_tokens_get) */
			 "CREATE TABLE cache_tokens(key TEXT PRIMARY KEY, tokens BLOB NOT NULL);"
			 /* group and list signatures (memo_row) */
			 "CREATE TABLE cache_sigs(kind TEXT NOT NULL, name TEXT NOT NULL,"
			 "  key TEXT NOT NULL, ctx TEXT NOT NULL, sigs TEXT NOT NULL,"
			 "  PRIMARY KEY(kind, name, key)) WITHOUT ROWID;"
			 /* archive.sqlite's index's tokens of each article
			  * (morgue_cache_fts_record) */
			 "CREATE TABLE " MORGUE_FTSINDEX_KEPT "(article_id INTEGER PRIMARY KEY,"
			 "  tokens BLOB NOT NULL);",
			 NULL, NULL, &err) != SQLITE_OK) {
		rc = morgue_error_set(MORGUE_ERROR, NULL, 0, "cache: %s", err);
		sqlite3_free(err);
		goto done;
	}
	k->record = prepare(k, "INSERT INTO cache_articles VALUES(?,?,?)");
	k->page_ins = prepare(k, "INSERT INTO cache_pages VALUES(?,?,?,?)");
	if (!k->record || !k->page_ins) {
		rc = MORGUE_ERROR;
		goto done;
	}
	if (prev_path) {
		FILE *f = fopen(prev_path, "rb");
		if (f) {
			fclose(f);
			attach_previous(k, prev_path);
		}
	}
done:
	if (rc < 0) {
		morgue_cache_free(k);
		k = NULL;
	}
	*out = k;
	return rc;
}

/* The search thread's connection to the previous cache file closed (and
 * the postings file). */
static void tok_close(morgue_cache *k)
{
	sqlite3_finalize(k->tok_get);
	sqlite3_finalize(k->tok_text);
	sqlite3_finalize(k->tok_ents);
	sqlite3_close(k->tok_db);
	k->tok_get = k->tok_text = k->tok_ents = NULL;
	k->tok_db = NULL;
}

static void memo_free(memo_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].key);
		free(rows[i].ctx);
		free(rows[i].sigs);
	}
	free(rows);
}

void morgue_cache_free(morgue_cache *k)
{
	if (!k)
		return;
	drop_previous(k);
	sqlite3_finalize(k->record);
	sqlite3_finalize(k->page_ins);
	sqlite3_finalize(k->list_entity);
	sqlite3_finalize(k->search_pub);
	sqlite3_finalize(k->rows_ins);
	for (size_t i = 0; i < 2; i++)
		sqlite3_finalize(k->listing_sel[i]);
	sqlite3_finalize(k->search_list[0]);
	sqlite3_finalize(k->search_list[1]);
	sqlite3_finalize(k->search_ins);
	for (size_t i = 0; i < k->ncounts; i++)
		free(k->counts[i].slug);
	free(k->counts);
	free(k->row_sigs_key);
	for (size_t i = 0; i < k->ngroups; i++) {
		for (size_t j = 0; j < k->groups[i].n; j++)
			free(k->groups[i].sigs[j].key);
		free(k->groups[i].sigs);
		free(k->groups[i].name);
		free(k->groups[i].page_key);
	}
	free(k->groups);
	for (size_t i = 0; i < k->npending; i++)
		pending_free(&k->pending[i]);
	free(k->pending);
	for (size_t i = 0; i < k->capkept; i++)
		free(k->kept[i]);
	free(k->kept);
	tok_close(k);
	free(k->tok_path);
	if (k->post_map)
		munmap((void *)k->post_map, k->post_map_len);
	if (k->post_out) { /* never flushed: a failed build's */
		fclose(k->post_out);
		unlink(k->post_scratch);
	}
	free(k->post_path);
	free(k->post_scratch);
	for (size_t i = 0; i < k->ntok; i++) {
		free(k->tok_pending[i].key);
		free(k->tok_pending[i].blob);
	}
	free(k->tok_pending);
	if (k->tok_spill)
		fclose(k->tok_spill);
	memo_free(k->memo, k->nmemo);
	memo_free(k->memo_out, k->nmemo_out);
	for (size_t i = 0; i < 3; i++)
		sqlite3_finalize(k->key_st[i]);
	sqlite3_finalize(k->dirty_st);
	sqlite3_finalize(k->mentions_st);
	free(k->digest);
	free(k->listing);
	free(k->related);
	free(k->prev_stamp);
	for (size_t i = 0; i < k->nkeys; i++)
		free(k->keys[i].key);
	free(k->keys);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

int morgue_cache_has_previous(const morgue_cache *k) { return k->prev; }
const char *morgue_cache_previous_stamp(const morgue_cache *k) { return k->prev_stamp; }
size_t morgue_cache_pages_reused(const morgue_cache *k) { return k->reused; } /* threads joined */

/* Set cache_meta's row name to value. */
static int meta_set(morgue_cache *k, const char *name, const char *value)
{
	sqlite3_stmt *st = prepare(k, "INSERT OR REPLACE INTO cache_meta VALUES(?, ?)");
	int rc = 0;
	if (!st)
		return MORGUE_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(k, name);
	sqlite3_finalize(st);
	return rc;
}

int morgue_cache_set_stamp(morgue_cache *k, const char *stamp)
{
	return meta_set(k, "stamp", stamp);
}

int morgue_cache_set_history(morgue_cache *k, const char *text)
{
	return meta_set(k, "history", text);
}

int morgue_cache_read_history(morgue_buf *out, const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = MORGUE_ENOTFOUND;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT value FROM cache_meta WHERE name = 'history'", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT) {
		morgue_buf_put(out, (const char *)sqlite3_column_text(st, 0),
			       (size_t)sqlite3_column_bytes(st, 0));
		rc = 0;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == 0 ? 0 : morgue_error_set(rc, path, 0, "no history in the cache");
}

static int by_key_id(const void *x, const void *y)
{
	return strcmp(((const key_id *)x)->key, ((const key_id *)y)->key);
}

static long long self_lookup(const morgue_cache *k, const char *key)
{
	key_id want = { .key = (char *)key }, *hit;
	hit = k->nkeys ? bsearch(&want, k->keys, k->nkeys, sizeof(*k->keys), by_key_id) : NULL;
	return hit ? hit->id : 0;
}

/* The previous cache's article keys, sorted, and its meta values; 0 when
 * it is a cache of this format, else <0 (nothing kept). */
static int read_previous(sqlite3 *db, key_id **keys, size_t *nkeys, char **stamp,
			 char **parse, long long *max_id)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int format = 0, rc = -1, sr;

	*keys = NULL;
	*nkeys = 0;
	*stamp = *parse = NULL;
	if (sqlite3_prepare_v2(db, "SELECT name, value FROM cache_meta" META_SMALL, -1, &st,
			       NULL) != SQLITE_OK)
		goto done;
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *value = (const char *)sqlite3_column_text(st, 1);
		if (!name || !value)
			continue;
		if (!strcmp(name, "format") && !strcmp(value, CACHE_FORMAT))
			format = 1;
		else if (!strcmp(name, "stamp") && !*stamp)
			*stamp = morgue_strdup(value);
		else if (!strcmp(name, "parse") && !*parse)
			*parse = morgue_strdup(value);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sr != SQLITE_DONE || !format)
		goto done;
	/* every article must have its key: compared in the indexes on
	 * path and key (ids only), not by a scan of the articles' rows */
	if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT id FROM articles"
				   " EXCEPT SELECT article_id FROM cache_articles)", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 0)
		goto done;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT MAX(id) FROM articles", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto done;
	*max_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT key, article_id FROM cache_articles", -1, &st,
			       NULL) != SQLITE_OK)
		goto done;
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(*keys, cap, *nkeys + 1);
		(*keys)[*nkeys].key = morgue_strdup((const char *)sqlite3_column_text(st, 0));
		(*keys)[(*nkeys)++].id = sqlite3_column_int64(st, 1);
	}
	if (sr != SQLITE_DONE)
		goto done;
	if (*nkeys)
		qsort(*keys, *nkeys, sizeof(**keys), by_key_id);
	rc = 0;
done:
	sqlite3_finalize(st);
	if (rc < 0) {
		for (size_t i = 0; i < *nkeys; i++)
			free((*keys)[i].key);
		free(*keys);
		free(*stamp);
		free(*parse);
		*keys = NULL;
		*nkeys = 0;
		*stamp = *parse = NULL;
	}
	return rc;
}

struct morgue_cache_plan {
	key_id *old;       /* the previous cache's keys and ids, by key */
	size_t nold;
	char *stamp;       /* its site's stamp */
	long long *stale;  /* ids to drop, increasing */
	size_t nstale;
	size_t n;          /* articles in this build */
	size_t kept;       /* ids 1..kept are kept in place */
};

void morgue_cache_plan_free(morgue_cache_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nold; i++)
		free(p->old[i].key);
	free(p->old);
	free(p->stamp);
	free(p->stale);
	free(p);
}

int morgue_cache_plan_move(morgue_cache_plan **out, const char *prev_path,
			   const char *parse_key, const char *const *keys, size_t n)
{
	sqlite3 *prev = NULL;
	char *parse = NULL;
	long long max_id = 0;
	size_t capstale = 0;
	int leading = 1;
	morgue_cache_plan *p = morgue_calloc(1, sizeof(*p));

	*out = NULL;
	p->n = n;
	if (sqlite3_open_v2(prev_path, &prev, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    read_previous(prev, &p->old, &p->nold, &p->stamp, &parse, &max_id) < 0 ||
	    !parse || strcmp(parse, parse_key))
		goto done;
	/* the clean build numbers the articles 1..n in order: every
	 * unchanged article must already have its number */
	for (size_t i = 0; i < n; i++) {
		key_id want = { .key = (char *)keys[i] }, *hit;
		hit = p->nold ? bsearch(&want, p->old, p->nold, sizeof(*p->old), by_key_id) : NULL;
		if (hit && hit->id != (long long)i + 1)
			goto done;
		if (hit && leading)
			p->kept = i + 1;
		else
			leading = 0;
		if (!hit && (long long)i + 1 <= max_id) {
			MORGUE_ARRAY_RESERVE(p->stale, capstale, p->nstale + 1);
			p->stale[p->nstale++] = (long long)i + 1;
		}
	}
	for (long long id = (long long)n + 1; id <= max_id; id++) {
		MORGUE_ARRAY_RESERVE(p->stale, capstale, p->nstale + 1);
		p->stale[p->nstale++] = id;
	}
	*out = p;
	p = NULL;
done:
	sqlite3_close(prev);
	free(parse);
	morgue_cache_plan_free(p);
	morgue_error_clear();
	return 0;
}

size_t morgue_cache_plan_kept(const morgue_cache_plan *p)
{
	return p->kept;
}

const long long *morgue_cache_plan_stale(const morgue_cache_plan *p, size_t *n)
{
	*n = p->nstale;
	return p->stale;
}

/* The keys that the rows of these articles put in a group or list:
 * entities they refer to or cite, tags; added to temp.cache_dirty. */
static int add_dirty(morgue_cache *k)
{
	if (sqlite3_exec(k->db,
		"INSERT OR IGNORE INTO temp.cache_dirty SELECT 'entity', entity FROM refs"
		"  WHERE article_id IN temp.cache_stale AND entity IS NOT NULL;"
		"INSERT OR IGNORE INTO temp.cache_dirty SELECT 'entity', source FROM attributions"
		"  WHERE article_id IN temp.cache_stale AND source IS NOT NULL;"
		"INSERT OR IGNORE INTO temp.cache_dirty SELECT 'tag', slug FROM tags"
		"  WHERE article_id IN temp.cache_stale AND slug IS NOT NULL;",
		NULL, NULL, NULL) != SQLITE_OK)
		return db_error(k, "changed keys");
	return 0;
}

/* morgue_sql_each_id, its failure reported. */
static int each_id(morgue_cache *k, const char *sql, const long long *ids, size_t n)
{
	return morgue_sql_each_id(k->db, sql, ids, n) == SQLITE_OK ? 0 : db_error(k, sql);
}

/* The articles ids (about to be dropped, then added again or not):
 * their keys now; those of their new rows are added at the first
 * signature (memo_ready), once the catalog is finished. */
static int mark_dirty(morgue_cache *k, const long long *ids, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_exec(k->db, "CREATE TEMP TABLE cache_stale(id INTEGER PRIMARY KEY);"
				"CREATE TEMP TABLE cache_dirty(name TEXT, key TEXT,"
				"  PRIMARY KEY(name, key)) WITHOUT ROWID;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return db_error(k, "changed keys");
	rc = each_id(k, "INSERT OR IGNORE INTO temp.cache_stale VALUES(?)", ids, n);
	if (!rc && !(st = prepare(k, "SELECT MAX(id) FROM articles")))
		rc = MORGUE_ERROR;
	if (!rc && sqlite3_step(st) == SQLITE_ROW)
		k->prev_max_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (!rc)
		rc = add_dirty(k);
	k->dirty_known = rc == 0;
	return rc;
}

int morgue_cache_open_planned(morgue_cache **out, morgue_catalog **catalog, const char *path,
			      const char *prev_path, morgue_cache_plan *p)
{
	morgue_catalog *c = NULL;
	morgue_cache *k = NULL;
	size_t n = p->n;
	int ok = 0, moved = 0;

	*out = NULL;
	*catalog = NULL;
	if (rename(prev_path, path) < 0)
		goto done;
	moved = 1;
	if (morgue_catalog_reopen(&c, path) < 0 || morgue_catalog_share(c) < 0 ||
	    morgue_catalog_begin(c) < 0)
		goto done;
	k = morgue_calloc(1, sizeof(*k));
	pthread_mutex_init(&k->lock, NULL);
	k->db = morgue_catalog_handle(c);
	k->prev = k->self = 1;
	k->tok_path = morgue_strdup(path);
	k->prev_stamp = p->stamp;
	p->stamp = NULL;
	/* only the keys of the rows kept (ids 1..n not dropped): the
	 * lookups answer for rows in place (stays sorted) */
	unsigned char *gone = morgue_calloc(n + 2, 1);
	for (size_t d = 0; d < p->nstale; d++)
		if (p->stale[d] <= (long long)n)
			gone[p->stale[d]] = 1;
	k->keys = p->old;
	for (size_t i = 0; i < p->nold; i++) {
		key_id *x = &p->old[i];
		if (x->id >= 1 && x->id <= (long long)n && !gone[x->id])
			k->keys[k->nkeys++] = *x;
		else
			free(x->key);
	}
	free(gone);
	p->old = NULL;
	p->nold = 0;
	k->record = prepare(k, "INSERT INTO cache_articles VALUES(?,?,?)");
	k->page_ins = prepare(k, "INSERT INTO cache_pages VALUES(?,?,?,?)");
	k->page_prev = prepare(k, "SELECT family, sig, path, size FROM main.cache_pages");
	if (!k->record || !k->page_ins || !k->page_prev ||
	    mark_dirty(k, p->stale, p->nstale) < 0 ||
	    morgue_catalog_drop_articles(c, p->stale, p->nstale) < 0 ||
	    morgue_catalog_clear_history(c) < 0 ||
	    sqlite3_exec(k->db, "DELETE FROM cache_search WHERE article_id IN temp.dropped;"
				"DELETE FROM cache_rows WHERE article_id IN temp.dropped;"
				"DELETE FROM " MORGUE_FTSINDEX_KEPT " WHERE article_id IN temp.dropped;"
				"DELETE FROM cache_articles;", NULL, NULL, NULL) != SQLITE_OK)
		goto done;
	ok = 1;
done:
	if (!ok) {
		morgue_cache_free(k);
		if (c && morgue_catalog_rollback(c) == 0)
			morgue_catalog_unshare(c);
		morgue_catalog_free(c);
		k = NULL;
		c = NULL;
		if (moved && rename(path, prev_path) < 0)
			remove(path);
		morgue_error_clear();
	}
	morgue_cache_plan_free(p);
	*out = k;
	*catalog = c;
	return ok;
}

int morgue_cache_open_moved(morgue_cache **out, morgue_catalog **catalog, const char *path,
			   const char *prev_path, const char *parse_key,
			   const char *const *keys, size_t n)
{
	morgue_cache_plan *p;

	*out = NULL;
	*catalog = NULL;
	morgue_cache_plan_move(&p, prev_path, parse_key, keys, n);
	return p ? morgue_cache_open_planned(out, catalog, path, prev_path, p) : 0;
}

int morgue_cache_set_parse_key(morgue_cache *k, const char *key)
{
	return meta_set(k, "parse", key);
}

int morgue_cache_article_lookup(morgue_cache *k, long long *old_id, const char *key)
{
	int found = 0;
	if (!k->prev)
		return 0;
	if (k->self) {
		*old_id = self_lookup(k, key);
		return *old_id > 0;
	}
	sqlite3_bind_text(k->lookup, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(k->lookup) == SQLITE_ROW) {
		*old_id = sqlite3_column_int64(k->lookup, 0);
		found = 1;
	}
	sqlite3_reset(k->lookup);
	return found;
}

int morgue_cache_article_copy(morgue_cache *k, long long *id, long long old_id)
{
	if (!k->prev)
		return morgue_error_set(MORGUE_ENOTFOUND, NULL, 0, "no previous cache");
	if (k->self) {
		/* the rows are in place, under the same id */
		*id = old_id;
		return 0;
	}
	sqlite3_exec(k->db, "SAVEPOINT copy", NULL, NULL, NULL);
	for (size_t i = 0; i < NCOPIED; i++) {
		sqlite3_stmt *st = k->copy[i];
		if (i > 0)
			sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_int64(st, 2, old_id);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (rc != SQLITE_DONE || (i == 0 && sqlite3_changes(k->db) != 1)) {
			morgue_warn(NULL, 0, "build cache unreadable (%s): parsing from scratch",
				    sqlite3_errmsg(k->db));
			sqlite3_exec(k->db, "ROLLBACK TO copy; RELEASE copy", NULL, NULL, NULL);
			drop_previous(k);
			return morgue_error_set(MORGUE_ENOTFOUND, NULL, 0, "cache dropped");
		}
		if (i == 0)
			*id = sqlite3_last_insert_rowid(k->db);
	}
	sqlite3_exec(k->db, "RELEASE copy", NULL, NULL, NULL);
	return 0;
}

/* (*v)[id] = hex, the array (*n entries, "" where unset) grown to hold id. */
static void set_hex(char (**v)[MORGUE_HASH_HEX], size_t *n, long long id, const char *hex)
{
	if ((size_t)id >= *n) {
		size_t m = (size_t)id + 1 > 2 * *n ? (size_t)id + 1 : 2 * *n;
		*v = morgue_realloc(*v, m * sizeof(**v));
		memset(*v + *n, 0, (m - *n) * sizeof(**v));
		*n = m;
	}
	snprintf((*v)[id], MORGUE_HASH_HEX, "%s", hex);
}

int morgue_cache_article_record(morgue_cache *k, long long id, const char *key,
				const char *digest)
{
	int rc = 0;
	sqlite3_bind_int64(k->record, 1, id);
	sqlite3_bind_text(k->record, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(k->record, 3, digest, -1, SQLITE_STATIC);
	if (sqlite3_step(k->record) != SQLITE_DONE)
		rc = db_error(k, "record article");
	sqlite3_reset(k->record);
	if (id >= 0)
		set_hex(&k->digest, &k->ndigest, id, digest);
	return rc;
}

const char *morgue_cache_article_digest(const morgue_cache *k, long long id)
{
	if (id < 0 || (size_t)id >= k->ndigest)
		return "";
	return k->digest[id];
}

/* What the pages listing an article show of it, or "" when unknown. */
static const char *listing_digest(const morgue_cache *k, long long id)
{
	if (id < 0 || (size_t)id >= k->nlisting)
		return "";
	return k->listing[id];
}

int morgue_cache_load_listings(morgue_cache *k)
{
	sqlite3_stmt *st = prepare(k, "SELECT article_id, listing FROM cache_rows");
	int rc = 0, sr;
	free(k->listing);
	k->listing = NULL;
	k->nlisting = 0;
	free(k->related); /* made again from these (related_digests) */
	k->related = NULL;
	k->nrelated = 0;
	k->related_read = 0;
	k->related_bad = 0;
	if (!st)
		return MORGUE_ERROR;
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *d = (const char *)sqlite3_column_text(st, 1);
		if (id < 0 || !d)
			continue;
		set_hex(&k->listing, &k->nlisting, (long long)id, d);
	}
	if (sr != SQLITE_DONE)
		rc = db_error(k, "listing digests");
	sqlite3_finalize(st);
	return rc;
}

/* Every article's related list (the catalog's, finished) hashed in one
 * scan: the other article's listing digest, the score's bits and the
 * shared entities, in rank order. A query per article cost as much again
 * (10k statements), and the score as text a float conversion per row.
 * When the scan fails, related_bad makes every article's signature new
 * (its pages are rendered, not reused on a guess). */
static void related_digests(morgue_cache *k)
{
	sqlite3_stmt *st = prepare(k, "SELECT article_id, other, score, shared FROM related"
				      " ORDER BY article_id, rank");
	morgue_hash h;
	long long cur = -1;
	int sr = SQLITE_ERROR;
	k->related_read = 1;
	for (int more = st && (sr = sqlite3_step(st)) == SQLITE_ROW;;
	     more = (sr = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = more ? sqlite3_column_int64(st, 0) : -1;
		if (id != cur && cur >= 0) {
			char hex[MORGUE_HASH_HEX];
			morgue_hash_hex(hex, &h);
			set_hex(&k->related, &k->nrelated, cur, hex);
		}
		if (!more)
			break;
		if (id != cur) {
			morgue_hash_init(&h);
			cur = id;
		}
		double score = sqlite3_column_double(st, 2);
		unsigned long long bits;
		memcpy(&bits, &score, sizeof(bits));
		morgue_hash_puts(&h, listing_digest(k, sqlite3_column_int64(st, 1)));
		morgue_hash_int(&h, (long long)bits);
		morgue_hash_puts(&h, (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (sr != SQLITE_DONE) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		k->related_bad = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
		morgue_error_clear();
	}
}

void morgue_cache_article_sig(morgue_cache *k, char out[MORGUE_HASH_HEX],
			      const char *page_key, long long id, long long prev,
			      long long next)
{
	morgue_hash h;
	if (!k->related_read)
		related_digests(k);
	morgue_hash_init(&h);
	morgue_hash_puts(&h, "article");
	morgue_hash_puts(&h, page_key);
	morgue_hash_puts(&h, morgue_cache_article_digest(k, id));
	morgue_hash_puts(&h, prev > 0 ? listing_digest(k, prev) : "-");
	morgue_hash_puts(&h, next > 0 ? listing_digest(k, next) : "-");
	morgue_hash_puts(&h, id >= 0 && (size_t)id < k->nrelated ? k->related[id] : "");
	if (k->related_bad)
		morgue_hash_int(&h, k->related_bad);
	morgue_hash_hex(out, &h);
}

static int by_key(const void *x, const void *y)
{
	return strcmp(((const group_sig *)x)->key, ((const group_sig *)y)->key);
}

/* Every group of one kind at once, hashed: its members' listing digests
 * in the order the catalog's indexes keep them (key, then newest first),
 * so the rows arrive grouped and sorted by key (SQLite's BINARY order is
 * strcmp's) and nothing is sorted here. An entity's group is the articles
 * referring to it, then (after a separator) those citing it as a source. */
static group *load_group(morgue_cache *k, const char *name, const char *page_key)
{
	const char *sql[2] = { NULL, NULL };
	if (!strcmp(name, "entity")) {
		sql[0] = "SELECT entity, article_id FROM refs ORDER BY entity, date DESC, path";
		sql[1] = "SELECT source, article_id FROM attributions WHERE source IS NOT NULL"
			 " ORDER BY source, date DESC, path, article_id, seq";
	} else if (!strcmp(name, "tag"))
		sql[0] = "SELECT slug, article_id FROM tags ORDER BY slug, date DESC, path, article_id";
	else
		return NULL;
	for (size_t i = 0; i < k->ngroups; i++)
		if (!strcmp(k->groups[i].name, name) && !strcmp(k->groups[i].page_key, page_key))
			return &k->groups[i];

	sqlite3_stmt *st[2] = { NULL, NULL };
	int more[2] = { 0, 0 };
	for (size_t q = 0; q < 2; q++) {
		if (!sql[q])
			continue;
		if (!(st[q] = prepare(k, sql[q]))) {
			sqlite3_finalize(st[0]);
			return NULL;
		}
		more[q] = sqlite3_step(st[q]) == SQLITE_ROW;
	}
	k->groups = morgue_realloc(k->groups, (k->ngroups + 1) * sizeof(*k->groups));
	group *g = &k->groups[k->ngroups++];
	size_t cap = 0;
	memset(g, 0, sizeof(*g));
	g->name = morgue_strdup(name);
	g->page_key = morgue_strdup(page_key);
	while (more[0] || more[1]) {
		/* the smaller key of the two streams' current rows */
		const char *k0 = more[0] ? (const char *)sqlite3_column_text(st[0], 0) : NULL;
		const char *k1 = more[1] ? (const char *)sqlite3_column_text(st[1], 0) : NULL;
		const char *key = !k0 ? k1 : !k1 ? k0 : strcmp(k0, k1) <= 0 ? k0 : k1;
		morgue_hash h;
		MORGUE_ARRAY_RESERVE(g->sigs, cap, g->n + 1);
		g->sigs[g->n].key = morgue_strdup(key ? key : "");
		key = g->sigs[g->n].key;
		morgue_hash_init(&h);
		morgue_hash_puts(&h, name);
		morgue_hash_puts(&h, page_key);
		morgue_hash_puts(&h, key);
		for (size_t q = 0; q < 2; q++) {
			while (more[q]) {
				const char *x = (const char *)sqlite3_column_text(st[q], 0);
				if (strcmp(x ? x : "", key))
					break;
				morgue_hash_puts(&h, listing_digest(k, sqlite3_column_int64(st[q], 1)));
				more[q] = sqlite3_step(st[q]) == SQLITE_ROW;
			}
			morgue_hash_puts(&h, "|");
		}
		morgue_hash_hex(g->sigs[g->n].sig, &h);
		g->n++;
	}
	sqlite3_finalize(st[0]);
	sqlite3_finalize(st[1]);
	return g;
}

static int memo_cmp(const void *x, const void *y)
{
	const memo_row *a = x, *b = y;
	int d = (a->kind > b->kind) - (a->kind < b->kind);
	if (!d)
		d = strcmp(a->name, b->name);
	return d ? d : strcmp(a->key, b->key);
}

static char *column_dup(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	return morgue_strdup(t ? t : "");
}

/* 1 when the memo may answer for unchanged keys: a build on the moved
 * cache. The first call (the catalog finished) adds the keys of the
 * changed articles' new rows and reads the previous build's rows. */
static int memo_ready(morgue_cache *k)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	if (!k->dirty_known || k->memo_loaded)
		return k->dirty_known;
	k->memo_loaded = 1;
	/* the articles added after the previous build's last id */
	char *more = sqlite3_mprintf("INSERT OR IGNORE INTO temp.cache_stale"
				     " SELECT id FROM articles WHERE id > %lld", k->prev_max_id);
	int added = sqlite3_exec(k->db, more, NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_free(more);
	if (!added || add_dirty(k) < 0 ||
	    !(k->dirty_st = prepare(k, "SELECT 1 FROM temp.cache_dirty WHERE name=? AND key=?")) ||
	    !(st = prepare(k, "SELECT kind, name, key, ctx, sigs FROM cache_sigs"))) {
		morgue_error_clear();
		k->dirty_known = 0; /* every signature from the rows */
		return 0;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(k->memo, cap, k->nmemo + 1);
		memo_row *r = &k->memo[k->nmemo++];
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		r->kind = kind ? kind[0] : 0;
		r->name = column_dup(st, 1);
		r->key = column_dup(st, 2);
		r->ctx = column_dup(st, 3);
		r->sigs = column_dup(st, 4);
	}
	sqlite3_finalize(st);
	if (k->nmemo)
		qsort(k->memo, k->nmemo, sizeof(*k->memo), memo_cmp);
	return 1;
}

/* The previous build's signatures of (kind, name, key) when still good:
 * made in the same context and the key untouched by the changes. */
static const char *memo_get(morgue_cache *k, char kind, const char *name, const char *key,
			    const char *ctx)
{
	memo_row want = { .kind = kind, .name = (char *)name, .key = (char *)key }, *r;
	if (!memo_ready(k) || !key)
		return NULL;
	/* made by this build already (a page and its feed share a group;
	 * few rows: only changed keys are made on the moved cache) */
	const char *mine = NULL;
	pthread_mutex_lock(&k->lock);
	for (size_t i = 0; i < k->nmemo_out && !mine; i++)
		if (!memo_cmp(&want, &k->memo_out[i]) && !strcmp(k->memo_out[i].ctx, ctx))
			mine = k->memo_out[i].sigs;
	pthread_mutex_unlock(&k->lock);
	if (mine)
		return mine; /* owned by memo_out until flush, after the pages */
	r = k->nmemo ? bsearch(&want, k->memo, k->nmemo, sizeof(*k->memo), memo_cmp) : NULL;
	if (!r || strcmp(r->ctx, ctx))
		return NULL;
	sqlite3_bind_text(k->dirty_st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(k->dirty_st, 2, key, -1, SQLITE_STATIC);
	int dirty = sqlite3_step(k->dirty_st) != SQLITE_DONE; /* a row, or in doubt */
	sqlite3_reset(k->dirty_st);
	return dirty ? NULL : r->sigs;
}

/* Keep the signatures this build made of (kind, name, key), for flush. */
static void memo_put(morgue_cache *k, char kind, const char *name, const char *key,
		     const char *ctx, const char *sigs)
{
	if (!key)
		return;
	pthread_mutex_lock(&k->lock);
	MORGUE_ARRAY_RESERVE(k->memo_out, k->capmemo_out, k->nmemo_out + 1);
	memo_row *r = &k->memo_out[k->nmemo_out++];
	r->kind = kind;
	r->name = morgue_strdup(name);
	r->key = morgue_strdup(key);
	r->ctx = morgue_strdup(ctx);
	r->sigs = morgue_strdup(sigs);
	pthread_mutex_unlock(&k->lock);
}

/* Write the rows memo_put kept; in a build on the moved cache, the rows
 * of the changed keys this build did not make again go (they are stale). */
static int memo_flush(morgue_cache *k)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	pthread_mutex_lock(&k->lock);
	if (k->dirty_known && k->memo_loaded && !k->memo_cleared++ &&
	    sqlite3_exec(k->db, "DELETE FROM cache_sigs WHERE (name, key) IN"
				" (SELECT name, key FROM temp.cache_dirty)",
			 NULL, NULL, NULL) != SQLITE_OK)
		rc = db_error(k, "record signatures");
	if (!rc && k->nmemo_out &&
	    !(st = prepare(k, "INSERT OR REPLACE INTO cache_sigs VALUES(?,?,?,?,?)")))
		rc = MORGUE_ERROR;
	for (size_t i = 0; i < k->nmemo_out && !rc; i++) {
		const memo_row *r = &k->memo_out[i];
		char kind[2] = { r->kind, 0 };
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->ctx, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r->sigs, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_error(k, "record signatures");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	memo_free(k->memo_out, k->nmemo_out);
	k->memo_out = NULL;
	k->nmemo_out = k->capmemo_out = 0;
	pthread_mutex_unlock(&k->lock);
	return rc;
}

/* The signature of a group with no member rows. */
static void empty_group_sig(char out[MORGUE_HASH_HEX], const char *name, const char *page_key,
			    const char *key)
{
	morgue_hash h;
	morgue_hash_init(&h);
	morgue_hash_puts(&h, name);
	morgue_hash_puts(&h, page_key);
	morgue_hash_puts(&h, key);
	morgue_hash_puts(&h, "empty");
	morgue_hash_hex(out, &h);
}

/* One key's group signature from its own rows: the same hash as
 * load_group's pass over every key makes ("entity" or "tag"). */
static int key_group_sig(morgue_cache *k, char out[MORGUE_HASH_HEX], const char *name,
			 const char *page_key, const char *key)
{
	static const char *const sql[3] = {
		"SELECT article_id FROM refs WHERE entity=? ORDER BY date DESC, path",
		("SELECT article_id FROM attributions WHERE source=?"
		 " ORDER BY date DESC, path, article_id, seq"),
		"SELECT article_id FROM tags WHERE slug=? ORDER BY date DESC, path, article_id",
	};
	int first = strcmp(name, "entity") ? 2 : 0, last = first ? 2 : 1;
	size_t rows = 0;
	morgue_hash h;
	morgue_hash_init(&h);
	morgue_hash_puts(&h, name);
	morgue_hash_puts(&h, page_key);
	morgue_hash_puts(&h, key);
	for (int q = 0; q < 2; q++) {
		int i = first + q;
		if (i <= last) {
			if (!k->key_st[i] && !(k->key_st[i] = prepare(k, sql[i])))
				return MORGUE_ERROR;
			sqlite3_bind_text(k->key_st[i], 1, key, -1, SQLITE_STATIC);
			while (sqlite3_step(k->key_st[i]) == SQLITE_ROW) {
				morgue_hash_puts(&h, listing_digest(k, sqlite3_column_int64(k->key_st[i], 0)));
				rows++;
			}
			sqlite3_reset(k->key_st[i]);
		}
		morgue_hash_puts(&h, "|");
	}
	if (rows)
		morgue_hash_hex(out, &h);
	else
		empty_group_sig(out, name, page_key, key);
	return 0;
}

int morgue_cache_group_sig(morgue_cache *k, char out[MORGUE_HASH_HEX],
			   const char *page_key, const char *group_name, const char *key)
{
	int memo = !strcmp(group_name, "entity") || !strcmp(group_name, "tag");
	if (memo && memo_ready(k)) {
		const char *m = memo_get(k, 'g', group_name, key, page_key);
		if (m && strlen(m) == MORGUE_HASH_HEX - 1) {
			memcpy(out, m, MORGUE_HASH_HEX);
			return 0;
		}
		if (key_group_sig(k, out, group_name, page_key, key) == 0) {
			memo_put(k, 'g', group_name, key, page_key, out);
			return 0;
		}
		morgue_error_clear(); /* from every key's rows, below */
	}
	group *g = load_group(k, group_name, page_key);
	group_sig want = { .key = (char *)key }, *found;
	if (!g)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "cache: unknown group %s", group_name);
	found = g->n ? bsearch(&want, g->sigs, g->n, sizeof(*g->sigs), by_key) : NULL;
	if (found)
		memcpy(out, found->sig, MORGUE_HASH_HEX);
	else /* an empty group: still a function of its name */
		empty_group_sig(out, group_name, page_key, key);
	if (memo)
		memo_put(k, 'g', group_name, key, page_key, out);
	return 0;
}

static void record_locked(morgue_cache *k, const char *family, const char *sig,
			  const char *path, long long size)
{
	MORGUE_ARRAY_RESERVE(k->pending, k->cappending, k->npending + 1);
	k->pending[k->npending++] = (struct pending_page){ morgue_strdup(family),
		morgue_strdup(sig), morgue_strdup(path), size };
}

void morgue_cache_set_output(morgue_cache *k, morgue_output *o)
{
	k->output = o;
}

int morgue_cache_page_record(morgue_cache *k, const char *family, const char *sig,
			     const char *path, long long size)
{
	pthread_mutex_lock(&k->lock);
	record_locked(k, family, sig, path, size);
	pthread_mutex_unlock(&k->lock);
	return 0;
}

/* How long a reader of the previous cache file waits out a lock. On an
 * edit that file is the one the build writes (WAL mode), and without a
 * timeout a reader that meets a lock held for a moment gets SQLITE_BUSY
 * at once: the search index then fails the build ("could not be read
 * back"). A loaded CI run failed so once (not reproduced since); this is
 * the likely cause. */
#define MORGUE_CACHE_BUSY_MS 10000

/* The search thread's connection to the previous cache file: 0, or -1
 * (tok_failed: nothing is read from it). */
static int tok_open(morgue_cache *k)
{
	if (!k->tok_path || k->tok_failed)
		return -1;
	if (k->tok_db)
		return 0;
	/* one read transaction for all the lookups (not a lock taken and
	 * dropped per article); ended by flush */
	if (sqlite3_open_v2(k->tok_path, &k->tok_db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(k->tok_db, MORGUE_CACHE_BUSY_MS) != SQLITE_OK ||
	    sqlite3_prepare_v3(k->tok_db, "SELECT tokens FROM cache_tokens WHERE key=?", -1,
			       SQLITE_PREPARE_PERSISTENT, &k->tok_get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(k->tok_db, "SELECT text FROM bodies WHERE id=?", -1,
			       SQLITE_PREPARE_PERSISTENT, &k->tok_text, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(k->tok_db, "SELECT entities FROM cache_search WHERE article_id=?",
			       -1, SQLITE_PREPARE_PERSISTENT, &k->tok_ents, NULL) != SQLITE_OK ||
	    sqlite3_exec(k->tok_db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		k->tok_failed = 1;
		return -1;
	}
	return 0;
}

int morgue_cache_previous_text(morgue_cache *k, long long id, morgue_buf *out)
{
	int rc;
	if (!k->self || tok_open(k) < 0)
		return morgue_error_set(MORGUE_ENOTFOUND, k->tok_path, 0,
					"previous cache: cannot be read");
	sqlite3_bind_int64(k->tok_text, 1, id);
	if (sqlite3_step(k->tok_text) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(k->tok_text, 0);
		morgue_buf_clear(out);
		if (t)
			morgue_buf_put(out, (const char *)t, (size_t)sqlite3_column_bytes(k->tok_text, 0));
		rc = 0;
	} else
		rc = morgue_error_set(MORGUE_ENOTFOUND, k->tok_path, 0,
				      "previous cache: no text for article %lld", id);
	sqlite3_reset(k->tok_text);
	return rc;
}

static int json_strings(const char *p, char ***out, size_t *n);

/* A search list of cache_search (0 tags, 1 entities) read by SQLite's own
 * JSON, for the escapes json_strings leaves to it. */
static const char *const list_sql[2] = {
	"SELECT j.value FROM cache_search s, json_each(s.tags) j"
	" WHERE s.article_id=? ORDER BY j.key",
	"SELECT j.value FROM cache_search s, json_each(s.entities) j"
	" WHERE s.article_id=? ORDER BY j.key",
};

/* The strings st (a list_sql) gives for article id, into out. */
static void step_list(sqlite3_stmt *st, char ***out, size_t *n, long long id)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(*out, cap, *n + 1);
		(*out)[(*n)++] = morgue_strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
}

int morgue_cache_previous_entities(morgue_cache *k, long long id, char ***entities,
				   size_t *nentities)
{
	int rc = MORGUE_ENOTFOUND;
	*entities = NULL;
	*nentities = 0;
	if (!k->self || tok_open(k) < 0)
		return morgue_error_set(MORGUE_ENOTFOUND, k->tok_path, 0,
					"previous cache: cannot be read");
	sqlite3_bind_int64(k->tok_ents, 1, id);
	if (sqlite3_step(k->tok_ents) == SQLITE_ROW) {
		rc = 0;
		if (json_strings((const char *)sqlite3_column_text(k->tok_ents, 0), entities,
				 nentities) < 0) {
			/* escapes json_strings leaves to SQLite (as read_list) */
			sqlite3_stmt *st = NULL;
			if (sqlite3_prepare_v2(k->tok_db, list_sql[1], -1, &st, NULL) == SQLITE_OK)
				step_list(st, entities, nentities, id);
			else
				rc = MORGUE_ENOTFOUND;
			sqlite3_finalize(st);
		}
	}
	sqlite3_reset(k->tok_ents);
	if (rc < 0)
		morgue_error_set(rc, k->tok_path, 0, "previous cache: no entities for article %lld",
				 id);
	return rc;
}

/* The postings file's format: POST_MAGIC, then per blob "KEY LEN\n"
 * and LEN bytes. Written whole under a temporary name and renamed. */
#define POST_MAGIC "morgue-postings-file 1\n"

/* The blob of key in the previous build's postings file, copied into
 * out: 1, or 0 (morgue_cache_tokens_view). */
static int post_get(morgue_cache *k, const char *key, morgue_buf *out)
{
	const void *p;
	size_t n;
	if (morgue_cache_tokens_view(k, key, &p, &n) != 1)
		return 0;
	morgue_buf_clear(out);
	morgue_buf_put(out, p, n);
	return 1;
}

/* The bytes of a pending token blob: its own, or read back from the
 * spill file into back; NULL when they cannot be read. */
static const void *tok_blob(morgue_cache *k, const tok_rec *t, morgue_buf *back)
{
	if (t->blob)
		return t->blob;
	morgue_buf_clear(back);
	morgue_buf_grow(back, t->len);
	if (fseeko(k->tok_spill, (off_t)t->off, SEEK_SET) != 0 ||
	    fread(back->ptr, 1, t->len, k->tok_spill) != t->len)
		return NULL;
	return back->ptr;
}

/* Put one "#..." blob into the new postings file, opened at the first
 * (under lock). */
static void post_put(morgue_cache *k, const char *key, const void *blob, size_t len)
{
	if (k->post_out_bad)
		return;
	if (!k->post_out &&
	    (!(k->post_out = fopen(k->post_scratch, "wbe")) || fputs(POST_MAGIC, k->post_out) == EOF)) {
		k->post_out_bad = 1;
		return;
	}
	if (fprintf(k->post_out, "%s %zu\n", key, len) < 0 ||
	    fwrite(blob, 1, len, k->post_out) != len)
		k->post_out_bad = 1;
}

/* The new postings file, written since the last flush, in place of the
 * previous one. Cannot fail the build: without the file, the next build
 * indexes every document. */
static void post_write(morgue_cache *k)
{
	int ok = !k->post_out_bad;
	if (!k->post_out && ok)
		return; /* nothing recorded */
	if (k->post_out && fclose(k->post_out) != 0)
		ok = 0;
	k->post_out = NULL;
	k->post_out_bad = 0;
	if (!ok || rename(k->post_scratch, k->post_path) < 0)
		unlink(k->post_scratch);
}

void morgue_cache_set_postings_file(morgue_cache *k, const char *path, const char *scratch)
{
	free(k->post_path);
	free(k->post_scratch);
	k->post_path = path && scratch ? morgue_strdup(path) : NULL;
	k->post_scratch = path && scratch ? morgue_strdup(scratch) : NULL;
}

int morgue_cache_tokens_view(morgue_cache *k, const char *key, const void **blob, size_t *len)
{
	size_t kl = strlen(key), ml = strlen(POST_MAGIC), i;
	*blob = NULL;
	*len = 0;
	if (key[0] != '#' || !k->tok_path || !k->post_path || k->tok_failed)
		return 0;
	if (!k->post_mapped) {
		struct stat st;
		int fd = open(k->post_path, O_RDONLY | O_CLOEXEC);
		k->post_mapped = 1;
		if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0 &&
		    (unsigned long long)st.st_size <= SIZE_MAX) {
			void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
			if (m != MAP_FAILED) {
				k->post_map = m;
				k->post_map_len = (size_t)st.st_size;
			}
		}
		if (fd >= 0)
			close(fd);
	}
	const char *m = k->post_map;
	size_t n = k->post_map_len;
	if (!m || n < ml || memcmp(m, POST_MAGIC, ml))
		return 0;
	/* "KEY LEN\n" then LEN bytes, blob after blob */
	for (i = ml; i < n;) {
		const char *nl = memchr(m + i, '\n', n - i < 512 ? n - i : 512);
		const char *sp = nl ? memchr(m + i, ' ', (size_t)(nl - (m + i))) : NULL;
		unsigned long long bl = 0;
		if (!sp)
			return 0;
		for (const char *d = sp + 1; d < nl; d++) {
			if (*d < '0' || *d > '9' || bl > (1ULL << 40))
				return 0;
			bl = bl * 10 + (unsigned long long)(*d - '0');
		}
		size_t at = (size_t)(nl + 1 - m);
		if (nl == sp + 1 || bl > n - at)
			return 0;
		if ((size_t)(sp - (m + i)) == kl && !memcmp(m + i, key, kl)) {
			*blob = m + at;
			*len = (size_t)bl;
			return bl > 0;
		}
		i = at + (size_t)bl;
	}
	return 0;
}

int morgue_cache_tokens_get(morgue_cache *k, const char *key, morgue_buf *out)
{
	int found = 0;
	if (key[0] == '#')
		return post_get(k, key, out);
	if (tok_open(k) < 0)
		return 0; /* the documents are tokenized */
	sqlite3_bind_text(k->tok_get, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(k->tok_get) == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(k->tok_get, 0);
		int n = sqlite3_column_bytes(k->tok_get, 0);
		morgue_buf_clear(out);
		if (p && n > 0) {
			morgue_buf_put(out, p, (size_t)n);
			found = 1;
		}
	}
	sqlite3_reset(k->tok_get);
	return found;
}

void morgue_cache_tokens_record(morgue_cache *k, const char *key, const void *blob, size_t len)
{
	pthread_mutex_lock(&k->lock);
	/* the index's own blobs go straight into the postings file, or
	 * nowhere without one (they are never read from cache_tokens) */
	if (key[0] == '#') {
		if (k->post_scratch)
			post_put(k, key, blob, len);
		pthread_mutex_unlock(&k->lock);
		return;
	}
	tok_rec r = { morgue_strdup(key), NULL, 0, len };
	if (!k->tok_spill && !k->tok_spill_off && !(k->tok_spill = tmpfile()))
		k->tok_spill_off = 1;
	int spilled = 0;
	if (len && !k->tok_spill_off) {
		if (fwrite(blob, 1, len, k->tok_spill) == len) {
			r.off = k->tok_spill_size;
			k->tok_spill_size += (long long)len;
			spilled = 1;
		} else
			k->tok_spill_off = 1; /* a part written shifts what follows */
	}
	if (!spilled) {
		r.blob = morgue_malloc(len ? len : 1);
		memcpy(r.blob, blob, len);
	}
	MORGUE_ARRAY_RESERVE(k->tok_pending, k->captok, k->ntok + 1);
	k->tok_pending[k->ntok++] = r;
	pthread_mutex_unlock(&k->lock);
}

/* Keep the token blobs of this build's articles: those recorded, those
 * of the previous cache (in place in a copy, else copied from prev),
 * none of the articles gone; and the dictionary they are written with
 * (key "": the one recorded, else the previous one). */
static int flush_tokens(morgue_cache *k)
{
	int rc = 0;
	sqlite3_stmt *ins = NULL;
	tok_close(k);
	k->tok_failed = 1; /* no reads past here */
	if (k->ntok && !(ins = prepare(k, "INSERT OR REPLACE INTO cache_tokens VALUES(?,?)")))
		rc = MORGUE_ERROR;
	if (k->tok_spill && fflush(k->tok_spill) != 0)
		k->tok_spill_off = 1;
	morgue_buf back = MORGUE_BUF_INIT;
	/* the index's own blobs ('#...') went into a file of their own */
	post_write(k);
	for (size_t i = 0; i < k->ntok && !rc; i++) {
		tok_rec *t = &k->tok_pending[i];
		const void *blob = tok_blob(k, t, &back);
		/* an article's blob that cannot be read back is left out
		 * (that article is tokenized next time) */
		if (!blob)
			continue;
		sqlite3_bind_text(ins, 1, t->key, -1, SQLITE_STATIC);
		sqlite3_bind_blob(ins, 2, blob, (int)t->len, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = db_error(k, "record tokens");
		sqlite3_reset(ins);
	}
	morgue_buf_free(&back);
	sqlite3_finalize(ins);
	if (k->tok_spill) {
		fclose(k->tok_spill);
		k->tok_spill = NULL;
		k->tok_spill_size = 0;
	}
	for (size_t i = 0; i < k->ntok; i++) {
		free(k->tok_pending[i].key);
		free(k->tok_pending[i].blob);
	}
	k->ntok = 0;
	/* the previous build's blobs kept, the others dropped: once (a
	 * second flush only adds what was recorded since) */
	if (k->tok_kept)
		return rc;
	k->tok_kept = 1;
	if (!rc && k->prev && !k->self &&
	    sqlite3_exec(k->db, "INSERT OR IGNORE INTO main.cache_tokens"
				" SELECT key, tokens FROM prev.cache_tokens"
				" WHERE key = '' OR key IN (SELECT key FROM main.cache_articles)",
			 NULL, NULL, NULL) != SQLITE_OK)
		rc = db_error(k, "copy tokens");
	/* the keys found in cache_tokens' index, not by a scan of the table
	 * (its blobs: 23 MB read at 10k articles) */
	if (!rc && sqlite3_exec(k->db, "DELETE FROM main.cache_tokens WHERE key IN"
				       " (SELECT t.key FROM main.cache_tokens t WHERE t.key <> ''"
				       "  AND t.key NOT IN (SELECT key FROM main.cache_articles))",
				NULL, NULL, NULL) != SQLITE_OK)
		rc = db_error(k, "drop tokens");
	return rc;
}

static size_t kept_slot(char *const *set, size_t cap, const char *family)
{
	size_t i = (size_t)morgue_hash_fnv(family) & (cap - 1);
	while (set[i] && strcmp(set[i], family))
		i = (i + 1) & (cap - 1);
	return i;
}

/* Add family to the kept set (under lock). */
static void kept_add(morgue_cache *k, const char *family)
{
	if (2 * (k->nkept + 1) > k->capkept) {
		size_t cap = k->capkept ? 2 * k->capkept : 1024;
		char **set = morgue_calloc(cap, sizeof(*set));
		for (size_t i = 0; i < k->capkept; i++)
			if (k->kept[i])
				set[kept_slot(set, cap, k->kept[i])] = k->kept[i];
		free(k->kept);
		k->kept = set;
		k->capkept = cap;
	}
	size_t i = kept_slot(k->kept, k->capkept, family);
	if (!k->kept[i]) {
		k->kept[i] = morgue_strdup(family);
		k->nkept++;
	}
}

/* On the moved cache, the previous build's page records that are not of
 * a kept family (rendered again, or gone) are deleted; the kept ones
 * stay, as they are. */
static int drop_unkept(morgue_cache *k)
{
	sqlite3_stmt *sel = prepare(k, "SELECT rowid, family FROM cache_pages");
	long long *gone = NULL;
	size_t ngone = 0, cap = 0;
	int rc = sel ? 0 : MORGUE_ERROR, sr = SQLITE_DONE;
	while (!rc && (sr = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *family = (const char *)sqlite3_column_text(sel, 1);
		if (!family || !k->capkept || !k->kept[kept_slot(k->kept, k->capkept, family)]) {
			MORGUE_ARRAY_RESERVE(gone, cap, ngone + 1);
			gone[ngone++] = sqlite3_column_int64(sel, 0);
		}
	}
	if (!rc && sr != SQLITE_DONE)
		rc = db_error(k, "record page");
	sqlite3_finalize(sel);
	if (!rc)
		rc = each_id(k, "DELETE FROM cache_pages WHERE rowid=?", gone, ngone);
	free(gone);
	return rc;
}

int morgue_cache_flush(morgue_cache *k)
{
	int rc = flush_tokens(k);
	if (rc == 0)
		rc = memo_flush(k);
	if (rc < 0)
		return rc;
	if (k->self) {
		/* the previous build's records, read until now */
		sqlite3_finalize(k->page_prev);
		k->page_prev = NULL;
		pages_free(k);
		k->prev = 0;
		pthread_mutex_lock(&k->lock);
		rc = drop_unkept(k);
		pthread_mutex_unlock(&k->lock);
		if (rc < 0)
			return rc;
		k->self = 0;
	}
	for (size_t i = 0; i < k->npending && !rc; i++) {
		struct pending_page *p = &k->pending[i];
		long long size = p->size >= 0 ? p->size
			       : k->output ? morgue_output_staged_size(k->output, p->path) : -1;
		sqlite3_bind_text(k->page_ins, 1, p->family, -1, SQLITE_STATIC);
		sqlite3_bind_text(k->page_ins, 2, p->sig, -1, SQLITE_STATIC);
		sqlite3_bind_text(k->page_ins, 3, p->path, -1, SQLITE_STATIC);
		if (size >= 0)
			sqlite3_bind_int64(k->page_ins, 4, size);
		else
			sqlite3_bind_null(k->page_ins, 4);
		if (sqlite3_step(k->page_ins) != SQLITE_DONE)
			rc = db_error(k, "record page");
		sqlite3_reset(k->page_ins);
	}
	for (size_t i = 0; i < k->npending; i++)
		pending_free(&k->pending[i]);
	k->npending = 0;
	return rc;
}

int morgue_cache_fts_record(morgue_cache *k, const char *fts_path)
{
	sqlite3 *src = NULL;
	sqlite3_stmt *sel = NULL, *ins = NULL;
	int rc = 0, sr;

	if (sqlite3_open_v2(fts_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(src, "SELECT id, tokens FROM tokens", -1, &sel, NULL) != SQLITE_OK) {
		rc = morgue_error_set(MORGUE_EIO, fts_path, 0, "cache: %s",
				      src ? sqlite3_errmsg(src) : "cannot open");
		goto done;
	}
	if (!(ins = prepare(k, "INSERT OR REPLACE INTO " MORGUE_FTSINDEX_KEPT " VALUES(?,?)"))) {
		rc = MORGUE_ERROR;
		goto done;
	}
	while ((sr = sqlite3_step(sel)) == SQLITE_ROW) {
		sqlite3_bind_int64(ins, 1, sqlite3_column_int64(sel, 0));
		sqlite3_bind_value(ins, 2, sqlite3_column_value(sel, 1));
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = db_error(k, "record index tokens");
			break;
		}
		sqlite3_reset(ins);
	}
	if (!rc && sr != SQLITE_DONE)
		rc = morgue_error_set(MORGUE_EIO, fts_path, 0, "cache: %s", sqlite3_errmsg(src));
done:
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_close(src);
	return rc;
}

/* page_rows by family, then sig, then the order recorded (seq) */
static int by_family(const void *x, const void *y, void *text)
{
	const page_row *a = x, *b = y;
	const char *t = text;
	int c = a->family == b->family ? 0 : strcmp(t + a->family, t + b->family);
	if (!c)
		c = a->sig == b->sig ? 0 : strcmp(t + a->sig, t + b->sig);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Read page records from st (family, sig, path, size) into ps: one
 * scan of the table in the order recorded (an ORDER BY family walked its
 * index and looked up every row), sorted here by family and sig. A
 * family's rows share their family and sig strings. 0, or -1 when the
 * scan failed (ps then holds what it read). */
static int page_set_read(page_set *ps, sqlite3_stmt *st)
{
	size_t nfam = 0;
	int sr;
	morgue_buf_grow(&ps->text, 1 << 20);
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(st, 0),
			   *g = (const char *)sqlite3_column_text(st, 1),
			   *p = (const char *)sqlite3_column_text(st, 2);
		if (!f || !g || !p)
			continue;
		page_row r, *last = ps->npages ? &ps->pages[ps->npages - 1] : NULL;
		if (last && !strcmp(ps->text.ptr + last->family, f)) {
			r.family = last->family;
		} else {
			r.family = ps->text.size;
			morgue_buf_put(&ps->text, f, strlen(f) + 1);
		}
		if (last && r.family == last->family && !strcmp(ps->text.ptr + last->sig, g)) {
			r.sig = last->sig;
		} else {
			r.sig = ps->text.size;
			morgue_buf_put(&ps->text, g, strlen(g) + 1);
		}
		r.path = ps->text.size;
		morgue_buf_put(&ps->text, p, strlen(p) + 1);
		r.size = sqlite3_column_type(st, 3) == SQLITE_INTEGER ? sqlite3_column_int64(st, 3)
								    : -1;
		r.seq = ps->npages;
		MORGUE_ARRAY_RESERVE(ps->pages, ps->cappages, ps->npages + 1);
		ps->pages[ps->npages++] = r;
	}
	sqlite3_reset(st);
	if (ps->npages > 1)
		qsort_r(ps->pages, ps->npages, sizeof(*ps->pages), by_family, ps->text.ptr);
	/* the rows of a family recorded apart share its first string */
	for (size_t i = 0; i < ps->npages; i++) {
		page_row *r = &ps->pages[i], *prev = i ? r - 1 : NULL;
		if (prev && (prev->family == r->family ||
			     !strcmp(ps->text.ptr + prev->family, ps->text.ptr + r->family))) {
			r->family = prev->family;
			if (prev->sig != r->sig &&
			    !strcmp(ps->text.ptr + prev->sig, ps->text.ptr + r->sig))
				r->sig = prev->sig;
		} else
			nfam++;
	}
	for (ps->cap = 16; ps->cap < nfam * 2; ps->cap *= 2)
		;
	ps->slots = morgue_calloc(ps->cap, sizeof(*ps->slots));
	for (size_t i = 0; i < ps->npages; i++) {
		if (i && ps->pages[i].family == ps->pages[i - 1].family)
			continue;
		size_t h = (size_t)morgue_hash_fnv(ps->text.ptr + ps->pages[i].family) &
			   (ps->cap - 1);
		while (ps->slots[h])
			h = (h + 1) & (ps->cap - 1);
		ps->slots[h] = i + 1;
	}
	return sr == SQLITE_DONE ? 0 : -1;
}

/* The read-ahead thread: the previous cache file's page records, through
 * a connection of its own (they are not changed until the flush), into
 * ahead_pg; ahead_ok says it is whole. */
static void *read_ahead(void *arg)
{
	morgue_cache *k = arg;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	/* needed only when the pages are rendered: as build.c's helpers,
	 * it yields to the load */
	morgue_thread_background();
	if (sqlite3_open_v2(k->tok_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(db, MORGUE_CACHE_BUSY_MS) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT family, sig, path, size FROM cache_pages", -1, &st,
			       NULL) == SQLITE_OK &&
	    page_set_read(&k->ahead_pg, st) == 0)
		k->ahead_ok = 1;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return NULL;
}

void morgue_cache_read_ahead(morgue_cache *k)
{
	if (k->prev && k->tok_path && !k->pages_loaded && !k->ahead_started)
		k->ahead_started = pthread_create(&k->ahead, NULL, read_ahead, k) == 0;
}

/* The read-ahead thread joined, if one was started. */
static void pages_join(morgue_cache *k)
{
	if (k->ahead_started)
		pthread_join(k->ahead, NULL);
	k->ahead_started = 0;
}

/* The previous build's page records (under lock): those read ahead, or
 * read now; where a query per family cost a tenth of an edit at 10k
 * articles. */
static void pages_load(morgue_cache *k)
{
	k->pages_loaded = 1;
	pages_join(k);
	if (k->ahead_ok) {
		k->pg = k->ahead_pg;
		memset(&k->ahead_pg, 0, sizeof(k->ahead_pg));
		return;
	}
	page_set_free(&k->ahead_pg);
	page_set_read(&k->pg, k->page_prev);
}

/* The first of family's previous page records, or npages. */
static size_t pages_find(const morgue_cache *k, const char *family)
{
	size_t h = (size_t)morgue_hash_fnv(family) & (k->pg.cap - 1);
	for (; k->pg.slots[h]; h = (h + 1) & (k->pg.cap - 1))
		if (!strcmp(k->pg.text.ptr + k->pg.pages[k->pg.slots[h] - 1].family, family))
			return k->pg.slots[h] - 1;
	return k->pg.npages;
}

int morgue_cache_page_reuse(morgue_cache *k, morgue_output *o, const char *family,
			    const char *sig, void (*each)(const char *path, void *payload),
			    void *payload)
{
	char **paths = NULL;
	long long *sizes = NULL;
	size_t n = 0, cap = 0;
	int ok = 0;

	pthread_mutex_lock(&k->lock);
	if (k->prev) {
		if (!k->pages_loaded)
			pages_load(k);
		size_t i = pages_find(k, family), fam = i < k->pg.npages ? k->pg.pages[i].family : 0;
		for (; i < k->pg.npages && k->pg.pages[i].family == fam; i++)
			if (!strcmp(k->pg.text.ptr + k->pg.pages[i].sig, sig)) {
				MORGUE_ARRAY_RESERVE(paths, cap, n + 1);
				sizes = morgue_realloc(sizes, cap * sizeof(*sizes));
				sizes[n] = k->pg.pages[i].size;
				paths[n++] = morgue_strdup(k->pg.text.ptr + k->pg.pages[i].path);
			}
	}
	pthread_mutex_unlock(&k->lock);
	ok = n > 0;
	for (size_t i = 0; i < n && ok; i++)
		if (morgue_output_link(o, paths[i], sizes[i]) < 0) {
			morgue_error_clear();
			ok = 0;
		}
	if (ok) {
		pthread_mutex_lock(&k->lock);
		if (k->self)
			kept_add(k, family);
		else
			for (size_t i = 0; i < n; i++)
				record_locked(k, family, sig, paths[i], sizes[i]);
		k->reused += n;
		pthread_mutex_unlock(&k->lock);
		for (size_t i = 0; i < n && each; i++)
			each(paths[i], payload);
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(sizes);
	return ok;
}

static void json_list(morgue_buf *out, const char *const *v, size_t n)
{
	morgue_buf_putc(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			morgue_buf_putc(out, ',');
		morgue_escape_json_string(out, v[i]);
	}
	morgue_buf_putc(out, ']');
}

int morgue_cache_search_record(morgue_cache *k, long long id, const char *publication,
			       const char *const *tags, size_t ntags,
			       const char *const *entities, size_t nentities)
{
	/* kept prepared, as search_list: one row per article */
	sqlite3_stmt *st = k->search_ins ? k->search_ins
					 : (k->search_ins = prepare(k, "INSERT INTO cache_search"
									  " VALUES(?,?,?,?)"));
	morgue_buf t = MORGUE_BUF_INIT, e = MORGUE_BUF_INIT;
	int rc = 0;
	if (!st)
		return MORGUE_ERROR;
	json_list(&t, tags, ntags);
	json_list(&e, entities, nentities);
	sqlite3_bind_int64(st, 1, id);
	if (publication)
		sqlite3_bind_text(st, 2, publication, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t.ptr, (int)t.size, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e.ptr, (int)e.size, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(k, "record search fields");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	morgue_buf_free(&t);
	morgue_buf_free(&e);
	return rc;
}

static void read_list(morgue_cache *k, char ***out, size_t *n, long long id, int col)
{
	sqlite3_stmt *st = k->search_list[col] ? k->search_list[col]
					       : (k->search_list[col] = prepare(k, list_sql[col]));
	step_list(st, out, n, id);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int hex4(const char *p, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
		if (d > 15)
			return -1;
		*out = *out * 16 + d;
	}
	return 0;
}

/* A JSON list of strings as json_list writes it, decoded; -1 on anything
 * else (the caller then asks SQLite's json_each). */
static int json_strings(const char *p, char ***out, size_t *n)
{
	morgue_buf b = MORGUE_BUF_INIT;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (!p || *p++ != '[')
		return -1;
	if (*p == ']' && !p[1])
		return 0;
	for (;;) {
		if (*p++ != '"')
			goto bad;
		morgue_buf_clear(&b);
		while (*p != '"') {
			if (!*p || (unsigned char)*p < 0x20)
				goto bad;
			if (*p != '\\') {
				morgue_buf_putc(&b, *p++);
				continue;
			}
			p++;
			switch (*p++) {
			case '"': morgue_buf_putc(&b, '"'); break;
			case '\\': morgue_buf_putc(&b, '\\'); break;
			case '/': morgue_buf_putc(&b, '/'); break;
			case 'b': morgue_buf_putc(&b, '\b'); break;
			case 'f': morgue_buf_putc(&b, '\f'); break;
			case 'n': morgue_buf_putc(&b, '\n'); break;
			case 'r': morgue_buf_putc(&b, '\r'); break;
			case 't': morgue_buf_putc(&b, '\t'); break;
			case 'u': {
				unsigned u;
				if (hex4(p, &u) < 0 || !u || (u >= 0xd800 && u < 0xe000))
					goto bad; /* NUL, surrogates: leave them to SQLite */
				p += 4;
				if (u < 0x80)
					morgue_buf_putc(&b, (char)u);
				else if (u < 0x800) {
					morgue_buf_putc(&b, (char)(0xc0 | (u >> 6)));
					morgue_buf_putc(&b, (char)(0x80 | (u & 0x3f)));
				} else {
					morgue_buf_putc(&b, (char)(0xe0 | (u >> 12)));
					morgue_buf_putc(&b, (char)(0x80 | ((u >> 6) & 0x3f)));
					morgue_buf_putc(&b, (char)(0x80 | (u & 0x3f)));
				}
				break;
			}
			default:
				goto bad;
			}
		}
		p++;
		MORGUE_ARRAY_RESERVE(*out, cap, *n + 1);
		(*out)[(*n)++] = morgue_strndup(b.ptr ? b.ptr : "", b.size);
		if (*p == ']' && !p[1])
			break;
		if (*p++ != ',')
			goto bad;
	}
	morgue_buf_free(&b);
	return 0;
bad:
	morgue_buf_free(&b);
	free_list(*out, *n);
	*out = NULL;
	*n = 0;
	return -1;
}

int morgue_cache_search_fields(morgue_cache *k, long long id, char **publication,
			       char ***tags, size_t *ntags, char ***entities,
			       size_t *nentities)
{
	sqlite3_stmt *st = k->search_pub ? k->search_pub :
		(k->search_pub = prepare(k, "SELECT publication, tags, entities FROM cache_search"
					    " WHERE article_id=?"));
	int rc = 0, decoded = 0;
	*publication = NULL;
	*tags = NULL;
	*ntags = 0;
	if (entities) {
		*entities = NULL;
		*nentities = 0;
	}
	if (!st)
		return MORGUE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			*publication = morgue_strdup((const char *)sqlite3_column_text(st, 0));
		decoded = json_strings((const char *)sqlite3_column_text(st, 1), tags, ntags) == 0 &&
			  (!entities || json_strings((const char *)sqlite3_column_text(st, 2),
						     entities, nentities) == 0);
	} else
		rc = morgue_error_set(MORGUE_ENOTFOUND, NULL, 0, "cache: no search fields for %lld", id);
	sqlite3_reset(st);
	if (!decoded) {
		free_list(*tags, *ntags);
		read_list(k, tags, ntags, id, 0);
		if (entities) {
			free_list(*entities, *nentities);
			read_list(k, entities, nentities, id, 1);
		}
	}
	return rc;
}

int morgue_cache_kept_list(morgue_cache *k, morgue_cache_kept **out, size_t *nout)
{
	sqlite3_stmt *st = prepare(k, "SELECT a.id, a.title, a.path, a.date, s.publication, s.tags"
				      " FROM main.articles a JOIN main.cache_search s"
				      " ON s.article_id = a.id ORDER BY a.id");
	morgue_cache_kept *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, sr;

	*out = NULL;
	*nout = 0;
	if (!st)
		return MORGUE_ERROR;
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(v, cap, n + 1);
		morgue_cache_kept *r = &v[n++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->title = morgue_strdup((const char *)sqlite3_column_text(st, 1));
		r->path = morgue_strdup((const char *)sqlite3_column_text(st, 2));
		r->date = morgue_strdup((const char *)sqlite3_column_text(st, 3));
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			r->publication = morgue_strdup((const char *)sqlite3_column_text(st, 4));
		if (json_strings((const char *)sqlite3_column_text(st, 5), &r->tags, &r->ntags) < 0)
			r->ntags = (size_t)-1; /* escapes: read by SQLite below */
	}
	if (sr != SQLITE_DONE)
		rc = db_error(k, "kept articles");
	sqlite3_finalize(st);
	for (size_t i = 0; i < n && rc == 0; i++)
		if (v[i].ntags == (size_t)-1) {
			v[i].ntags = 0;
			read_list(k, &v[i].tags, &v[i].ntags, v[i].id, 0);
		}
	if (rc < 0) {
		morgue_cache_kept_free(v, n);
		return rc;
	}
	*out = v;
	*nout = n;
	return 0;
}

void morgue_cache_kept_free(morgue_cache_kept *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].path);
		free(v[i].date);
		free(v[i].publication);
		if (v[i].ntags != (size_t)-1)
			free_list(v[i].tags, v[i].ntags);
	}
	free(v);
}

static int by_slug(const void *x, const void *y)
{
	return strcmp(((const entity_count *)x)->slug, ((const entity_count *)y)->slug);
}

/* Mentions of an entity in all articles, as the catalog's idf table sums
 * them (loaded for all at once; on the moved cache, where few lists are
 * made, one entity at a time). */
static long long entity_mentions(morgue_cache *k, const char *slug)
{
	if (k->dirty_known) {
		long long n = 0;
		if (!k->mentions_st &&
		    !(k->mentions_st = prepare(k, "SELECT mentions FROM idf WHERE entity=?"))) {
			morgue_error_clear();
			k->dirty_known = 0;
		} else {
			sqlite3_bind_text(k->mentions_st, 1, slug, -1, SQLITE_STATIC);
			if (sqlite3_step(k->mentions_st) == SQLITE_ROW)
				n = sqlite3_column_int64(k->mentions_st, 0);
			sqlite3_reset(k->mentions_st);
			return n;
		}
	}
	if (!k->counts_loaded) {
		sqlite3_stmt *st = prepare(k, "SELECT entity, mentions FROM idf");
		size_t cap = 0;
		k->counts_loaded = 1;
		while (st && sqlite3_step(st) == SQLITE_ROW) {
			MORGUE_ARRAY_RESERVE(k->counts, cap, k->ncounts + 1);
			k->counts[k->ncounts].slug = morgue_strdup((const char *)sqlite3_column_text(st, 0));
			k->counts[k->ncounts++].mentions = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
		if (k->ncounts)
			qsort(k->counts, k->ncounts, sizeof(*k->counts), by_slug);
	}
	entity_count want = { .slug = (char *)slug }, *e;
	e = k->ncounts ? bsearch(&want, k->counts, k->ncounts, sizeof(*k->counts), by_slug) : NULL;
	return e ? e->mentions : 0;
}

int morgue_cache_list_sigs(morgue_cache *k, char (**sigs)[MORGUE_HASH_HEX], size_t *npages,
			   const char *page_key, const char *list, const char *key,
			   const char *salt, int page_size)
{
	sqlite3_stmt *st;
	const char **d = NULL;
	size_t n = 0, cap = 0;
	long long mentions = 0;
	int rc = 0;
	/* an entity's and a tag's lists are kept (memo_get) */
	int memo = key && (!strcmp(list, "entity") || !strcmp(list, "tag"));
	char ctx[MORGUE_HASH_HEX];

	*sigs = NULL;
	*npages = 0;
	if (page_size < 1)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "cache: page size %d", page_size);
	if (memo) {
		morgue_hash h;
		const char *m;
		morgue_hash_init(&h);
		morgue_hash_puts(&h, page_key);
		morgue_hash_puts(&h, salt);
		morgue_hash_int(&h, page_size);
		morgue_hash_hex(ctx, &h);
		m = memo_get(k, 'l', list, key, ctx);
		size_t len = m ? strlen(m) : 0, each = MORGUE_HASH_HEX - 1;
		if (len && len % each == 0) {
			*npages = len / each;
			*sigs = morgue_calloc(*npages, sizeof(**sigs));
			for (size_t p = 0; p < *npages; p++)
				memcpy((*sigs)[p], m + p * each, each);
			return 0;
		}
	}
	/* the article ids come straight from the refs_entity index; the
	 * entity's mention count (on every page's header) from one pass */
	if (!strcmp(list, "entity")) {
		if (!k->list_entity)
			k->list_entity = prepare(k, "SELECT article_id FROM refs WHERE entity=?"
						    " ORDER BY date DESC, path");
		st = k->list_entity;
		mentions = entity_mentions(k, key);
	} else if (!strcmp(list, "home"))
		st = prepare(k, "SELECT id FROM articles ORDER BY date DESC, path");
	else if (!strcmp(list, "tag"))
		st = prepare(k, "SELECT article_id FROM tags WHERE slug=? ORDER BY date DESC, path");
	else if (!strcmp(list, "year") || !strcmp(list, "month"))
		st = prepare(k, "SELECT id FROM articles WHERE date >= ?1 AND date < ?1 || '~'"
				" ORDER BY date DESC, path");
	else
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "cache: unknown list %s", list);
	if (!st)
		return MORGUE_ERROR;
	if (key)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(d, cap, n + 1);
		d[n++] = listing_digest(k, sqlite3_column_int64(st, 0));
	}
	if (st == k->list_entity)
		sqlite3_reset(st);
	else
		sqlite3_finalize(st);
	*npages = n ? (n + (size_t)page_size - 1) / (size_t)page_size : 1;
	*sigs = morgue_calloc(*npages, sizeof(**sigs));
	for (size_t p = 0; p < *npages; p++) {
		morgue_hash h;
		morgue_hash_init(&h);
		morgue_hash_puts(&h, list);
		morgue_hash_puts(&h, key);
		morgue_hash_puts(&h, salt);
		morgue_hash_puts(&h, page_key);
		morgue_hash_int(&h, (long long)p);
		morgue_hash_int(&h, (long long)*npages);
		morgue_hash_int(&h, (long long)n);
		morgue_hash_int(&h, mentions);
		for (size_t i = p * (size_t)page_size; i < n && i < (p + 1) * (size_t)page_size; i++)
			morgue_hash_puts(&h, d[i]);
		morgue_hash_hex((*sigs)[p], &h);
	}
	free(d);
	if (memo) {
		morgue_buf all = MORGUE_BUF_INIT;
		for (size_t p = 0; p < *npages; p++)
			morgue_buf_put(&all, (*sigs)[p], MORGUE_HASH_HEX - 1);
		memo_put(k, 'l', list, key, ctx, morgue_buf_cstr(&all));
		morgue_buf_free(&all);
	}
	return rc;
}

/* Hash every column of the rows st returns; SQLITE_DONE when all were. */
/* Hash columns cols[0..n) of st's row (all of them: cols NULL, n the
 * count), then the row's end. */
static void hash_cols(morgue_hash *h, sqlite3_stmt *st, const int *cols, int n)
{
	for (int c = 0; c < n; c++) {
		int i = cols ? cols[c] : c;
		int type = sqlite3_column_type(st, i);
		morgue_hash_int(h, type);
		if (type == SQLITE_INTEGER)
			morgue_hash_int(h, sqlite3_column_int64(st, i));
		else if (type != SQLITE_NULL) {
			/* text as text (a number is never asked for) */
			const void *p = type == SQLITE_BLOB ? sqlite3_column_blob(st, i)
							    : sqlite3_column_text(st, i);
			size_t len = (size_t)sqlite3_column_bytes(st, i);
			morgue_hash_int(h, (long long)len);
			morgue_hash_put(h, p, len);
		}
	}
	morgue_hash_puts(h, "");
}

static void hash_row(morgue_hash *h, sqlite3_stmt *st)
{
	hash_cols(h, st, NULL, sqlite3_column_count(st));
}

static int hash_rows(morgue_hash *h, sqlite3_stmt *st)
{
	int sr;
	while ((sr = sqlite3_step(st)) == SQLITE_ROW)
		hash_row(h, st);
	return sr;
}

static int query_sig(morgue_cache *k, char out[MORGUE_HASH_HEX], const char *page_key,
		     const char *name, const char *sql);

/* The listing digest of article id (cache.h) from its listed fields,
 * its tags and its rows' digests (hex: mentions, attributions, and the
 * sentences of its mentions). */
static int listing_hash(morgue_cache *k, char out[MORGUE_HASH_HEX], long long id, int words,
			char hex[3][MORGUE_HASH_HEX])
{
	static const char *const sql[2] = {
		"SELECT path, title, date, publication, publication_entity, authors, excerpt,"
		" CASE WHEN ?2 THEN words END FROM articles WHERE id=?1",
		"SELECT tag, slug FROM tags WHERE article_id=?1 ORDER BY rowid",
	};
	morgue_hash h;
	int rc = 0;
	morgue_hash_init(&h);
	morgue_hash_puts(&h, "listing 1");
	morgue_hash_int(&h, words);
	for (int i = 0; i < 3; i++)
		morgue_hash_puts(&h, hex[i]);
	for (int i = 0; i < 2 && !rc; i++) {
		sqlite3_stmt *st = k->listing_sel[i] ? k->listing_sel[i]
						     : (k->listing_sel[i] = prepare(k, sql[i]));
		if (!st)
			return MORGUE_ERROR;
		sqlite3_bind_int64(st, 1, id);
		if (i == 0)
			sqlite3_bind_int(st, 2, words);
		if (hash_rows(&h, st) != SQLITE_DONE)
			rc = db_error(k, "listing digest");
		sqlite3_reset(st);
	}
	morgue_hash_hex(out, &h);
	return rc;
}

/* The parts of hash_row for a value of each type: a row hashed from
 * memory gives the digest its stored row gives. */
static void hash_int_value(morgue_hash *h, long long v)
{
	morgue_hash_int(h, SQLITE_INTEGER);
	morgue_hash_int(h, v);
}

static void hash_text_value(morgue_hash *h, const char *s, size_t len)
{
	if (!s) {
		morgue_hash_int(h, SQLITE_NULL);
		return;
	}
	morgue_hash_int(h, SQLITE_TEXT);
	morgue_hash_int(h, (long long)len);
	morgue_hash_put(h, s, len);
}

static void hash_str_value(morgue_hash *h, const char *s)
{
	hash_text_value(h, s, s ? strlen(s) : 0);
}

void morgue_cache_rows_digest_of(morgue_cache_rows_digest *out, const char *text, size_t tlen,
				 const morgue_mention *m, size_t nm,
				 const morgue_attribution *a, size_t na)
{
	morgue_hash h, ctx;

	/* the mention rows (entity, surface, offset, length, source) and,
	 * with them, the keyword-in-context sentence of each (what an
	 * entity's list shows of the article's text) */
	morgue_hash_init(&h);
	morgue_hash_init(&ctx);
	for (size_t i = 0; i < nm; i++) {
		hash_str_value(&h, m[i].entity);
		hash_str_value(&h, m[i].surface);
		hash_int_value(&h, (long long)m[i].offset);
		hash_int_value(&h, (long long)m[i].length);
		hash_str_value(&h, morgue_mention_source_name(m[i].source));
		morgue_hash_puts(&h, "");
		size_t ks, ke;
		if (text && morgue_catalog_kwic_span(text, tlen, m[i].offset, m[i].length, &ks, &ke)) {
			morgue_hash_int(&ctx, (long long)(ke - ks));
			morgue_hash_put(&ctx, text + ks, ke - ks);
		} else
			morgue_hash_puts(&ctx, "-");
	}
	morgue_hash_hex(out->hex[0], &h);
	/* the attribution rows (seq, source, source_text, kind, cue,
	 * affiliation, count, offset, length, quote, origin) */
	morgue_hash_init(&h);
	for (size_t i = 0; i < na; i++) {
		size_t off, len;
		morgue_attribution_quote_span(&a[i], tlen, &off, &len);
		hash_int_value(&h, (long long)i + 1);
		hash_str_value(&h, a[i].source);
		hash_str_value(&h, a[i].source_text ? a[i].source_text : "");
		hash_str_value(&h, morgue_source_kind_name(a[i].kind));
		hash_str_value(&h, a[i].cue);
		hash_str_value(&h, a[i].affiliation);
		hash_int_value(&h, a[i].count);
		hash_int_value(&h, (long long)a[i].offset);
		hash_int_value(&h, (long long)a[i].length);
		hash_text_value(&h, text ? text + off : "", text ? len : 0);
		hash_str_value(&h, morgue_attribution_origin(&a[i]));
		morgue_hash_puts(&h, "");
	}
	morgue_hash_hex(out->hex[1], &h);
	morgue_hash_hex(out->hex[2], &ctx);
}

int morgue_cache_rows_record_digest(morgue_cache *k, long long id, int words,
				    const morgue_cache_rows_digest *d)
{
	char hex[3][MORGUE_HASH_HEX], listing[MORGUE_HASH_HEX] = "";
	memcpy(hex, d->hex, sizeof(hex));
	int rc = listing_hash(k, listing, id, words, hex);
	if (!k->rows_ins && !(k->rows_ins = prepare(k, "INSERT OR REPLACE INTO cache_rows"
						      " VALUES(?,?,?,?)")))
		return MORGUE_ERROR;
	sqlite3_bind_int64(k->rows_ins, 1, id);
	sqlite3_bind_text(k->rows_ins, 2, hex[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(k->rows_ins, 3, hex[1], -1, SQLITE_STATIC);
	sqlite3_bind_text(k->rows_ins, 4, listing, -1, SQLITE_STATIC);
	if (!rc && sqlite3_step(k->rows_ins) != SQLITE_DONE)
		rc = db_error(k, "rows digest");
	sqlite3_reset(k->rows_ins);
	return rc;
}

int morgue_cache_rows_record(morgue_cache *k, long long id, const char *text, size_t tlen,
			     int words, const morgue_mention *m, size_t nm,
			     const morgue_attribution *a, size_t na)
{
	morgue_cache_rows_digest d;
	morgue_cache_rows_digest_of(&d, text, tlen, m, nm, a, na);
	return morgue_cache_rows_record_digest(k, id, words, &d);
}

/* The signatures of the exports made from every article's rows digests,
 * all three from one scan (each was a scan of its own, and "mentions" is
 * asked for twice): made at the first call and kept, with the page key
 * they are seeded with (the articles are all in by then). */
static const char *const row_exports[] = { "mentions", "attributions", "sourcing" };

static int row_export_sigs(morgue_cache *k, const char *page_key)
{
	/* columns of each: path, date, mentions / path, date, attributions /
	 * id, publication, publication_entity, attributions (the sourcing
	 * page counts attributions by kind, source and publication; entity
	 * names are in the page key) */
	static const int cols[3][4] = { { 0, 1, 2 }, { 0, 1, 3 }, { 4, 5, 6, 3 } };
	static const int ncols[3] = { 3, 3, 4 };
	sqlite3_stmt *st = NULL;
	morgue_hash h[3];
	int rc = 0, sr;

	if (k->row_sigs_key && !strcmp(k->row_sigs_key, page_key))
		return 0;
	free(k->row_sigs_key);
	k->row_sigs_key = NULL;
	/* every article must have its digests */
	st = prepare(k, "SELECT COUNT(*) FROM articles WHERE id NOT IN"
			" (SELECT article_id FROM cache_rows)");
	int missing = !st || sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (missing)
		return morgue_error_set(MORGUE_ENOTFOUND, NULL, 0, "cache: rows digests missing");
	if (!(st = prepare(k, "SELECT a.path, a.date, r.mentions, r.attributions, a.id,"
			      " a.publication, a.publication_entity FROM articles a"
			      " JOIN cache_rows r ON r.article_id = a.id ORDER BY a.path")))
		return MORGUE_ERROR;
	for (int i = 0; i < 3; i++) {
		morgue_hash_init(&h[i]);
		morgue_hash_puts(&h[i], "query");
		morgue_hash_puts(&h[i], row_exports[i]);
		morgue_hash_puts(&h[i], page_key);
	}
	while ((sr = sqlite3_step(st)) == SQLITE_ROW)
		for (int i = 0; i < 3; i++)
			hash_cols(&h[i], st, cols[i], ncols[i]);
	if (sr != SQLITE_DONE)
		rc = db_error(k, "export signatures");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	for (int i = 0; i < 3; i++)
		morgue_hash_hex(k->row_sigs[i], &h[i]);
	k->row_sigs_key = morgue_strdup(page_key);
	return 0;
}

int morgue_cache_export_sig(morgue_cache *k, char out[MORGUE_HASH_HEX], const char *page_key,
			    const char *what)
{
	if (!strcmp(what, "entities"))
		/* the registry is in the page key; the counts are idf's */
		return query_sig(k, out, page_key, what,
				 "SELECT entity, df, mentions FROM idf ORDER BY entity");
	for (int i = 0; i < 3; i++)
		if (!strcmp(what, row_exports[i])) {
			int rc = row_export_sigs(k, page_key);
			if (rc == 0)
				memcpy(out, k->row_sigs[i], MORGUE_HASH_HEX);
			return rc;
		}
	return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "cache: no export %s", what);
}

/* The signature of what sql returns (all columns of all rows, in its
 * order), seeded with the page key and name. */
static int query_sig(morgue_cache *k, char out[MORGUE_HASH_HEX], const char *page_key,
		     const char *name, const char *sql)
{
	sqlite3_stmt *st = NULL;
	morgue_hash h;
	int rc = 0, sr;

	if (sqlite3_prepare_v2(k->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(k, sql);
		sqlite3_finalize(st);
		return rc;
	}
	morgue_hash_init(&h);
	morgue_hash_puts(&h, "query");
	morgue_hash_puts(&h, name);
	morgue_hash_puts(&h, page_key);
	if ((sr = hash_rows(&h, st)) != SQLITE_DONE)
		rc = db_error(k, name);
	sqlite3_finalize(st);
	morgue_hash_hex(out, &h);
	return rc;
}

/* ---- CSV exports spliced from the previous file ---- */

/* One article's block in a CSV export: key (hash of what the block is
 * made of, csv_keys) and where it lies in the file. As stored in
 * cache_exports.spans: an array of these, native byte order (a cache is
 * read only by the binary that wrote it: its hash is in the parse key). */
typedef struct csv_span {
	unsigned long long key[2];
	unsigned long long offset, length;
} csv_span;

struct morgue_csv_spans {
	csv_span *v;      /* file order when written, by key when loaded */
	size_t n, cap;
	size_t size;      /* of the file they describe */
	size_t copied;    /* blocks copied from the previous file */
};

void morgue_csv_spans_free(morgue_csv_spans *s)
{
	if (!s)
		return;
	free(s->v);
	free(s);
}

void morgue_csv_spans_stats(const morgue_csv_spans *s, size_t *blocks, size_t *ncopied,
			    size_t *size)
{
	if (blocks)
		*blocks = s ? s->n : 0;
	if (ncopied)
		*ncopied = s ? s->copied : 0;
	if (size)
		*size = s ? s->size : 0;
}

static int csv_column(const char *what)
{
	return !strcmp(what, "mentions") ? 0 : !strcmp(what, "attributions") ? 1 : -1;
}

static int by_span_key(const void *x, const void *y)
{
	const csv_span *a = x, *b = y;
	if (a->key[0] != b->key[0])
		return a->key[0] < b->key[0] ? -1 : 1;
	return a->key[1] < b->key[1] ? -1 : a->key[1] > b->key[1];
}

int morgue_cache_csv_spans(morgue_csv_spans **out, morgue_cache *k, const char *what)
{
	sqlite3_stmt *st;
	*out = NULL;
	if (csv_column(what) < 0)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "cache: no spliced export %s", what);
	if (!k->prev)
		return 0;
	/* the previous cache, moved, holds its rows itself */
	st = prepare(k, k->self ? "SELECT size, spans FROM main.cache_exports WHERE name=?"
				: "SELECT size, spans FROM prev.cache_exports WHERE name=?");
	if (!st)
		return MORGUE_ERROR;
	sqlite3_bind_text(st, 1, what, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) >= 0) {
		size_t bytes = (size_t)sqlite3_column_bytes(st, 1);
		const void *blob = sqlite3_column_blob(st, 1);
		if (bytes % sizeof(csv_span) == 0 && (blob || !bytes)) {
			morgue_csv_spans *s = morgue_calloc(1, sizeof(*s));
			s->size = (size_t)sqlite3_column_int64(st, 0);
			s->n = s->cap = bytes / sizeof(csv_span);
			s->v = morgue_calloc(s->n + 1, sizeof(*s->v));
			if (bytes)
				memcpy(s->v, blob, bytes);
			if (s->n)
				qsort(s->v, s->n, sizeof(*s->v), by_span_key);
			*out = s;
		}
	}
	/* no row, or not ours: nothing to copy, the file is generated */
	sqlite3_finalize(st);
	return 0;
}

int morgue_cache_csv_record(morgue_cache *k, const char *what, const morgue_csv_spans *spans)
{
	sqlite3_stmt *st;
	int rc = 0;
	if (csv_column(what) < 0)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "cache: no spliced export %s", what);
	st = prepare(k, spans ? "INSERT OR REPLACE INTO main.cache_exports VALUES(?,?,?)"
			      : "DELETE FROM main.cache_exports WHERE name=?");
	if (!st)
		return MORGUE_ERROR;
	sqlite3_bind_text(st, 1, what, -1, SQLITE_STATIC);
	if (spans) {
		sqlite3_bind_int64(st, 2, (long long)spans->size);
		/* never a NULL blob: the column is NOT NULL */
		sqlite3_bind_blob64(st, 3, spans->n ? (const void *)spans->v : "",
				    spans->n * sizeof(csv_span), SQLITE_STATIC);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(k, "record export spans");
	sqlite3_finalize(st);
	return rc;
}

typedef struct id_key {
	long long id;
	unsigned long long key[2];
} id_key;

static int by_id_key(const void *x, const void *y)
{
	const id_key *a = x, *b = y;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The key of every article's block in export col (0 mentions, 1
 * attributions), by id: the hash of the article's path and date (the
 * first two columns of its rows) and the digest of its rows (the other
 * columns). Articles without digests get none. <0 when c has no cache
 * tables. */
static int csv_keys(id_key **out, size_t *n, sqlite3 *db, int col)
{
	static const char *const sql[2] = {
		"SELECT a.id, a.path, a.date, r.mentions FROM articles a"
		" JOIN cache_rows r ON r.article_id = a.id",
		"SELECT a.id, a.path, a.date, r.attributions FROM articles a"
		" JOIN cache_rows r ON r.article_id = a.id",
	};
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int sr;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, sql[col], -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		morgue_hash h;
		morgue_hash_init(&h);
		morgue_hash_puts(&h, col ? "csv attributions 1" : "csv mentions 1");
		for (int i = 1; i < 4; i++)
			morgue_hash_puts(&h, (const char *)sqlite3_column_text(st, i));
		MORGUE_ARRAY_RESERVE(*out, cap, *n + 1);
		(*out)[*n].id = sqlite3_column_int64(st, 0);
		(*out)[*n].key[0] = h.a;
		(*out)[(*n)++].key[1] = h.b;
	}
	sqlite3_finalize(st);
	if (sr != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	if (*n)
		qsort(*out, *n, sizeof(**out), by_id_key);
	return 0;
}

/* The export is written through a buffer of about this size: neither
 * it nor a run of copied blocks is ever held whole (both are ~0.5 GB at
 * 100k articles). */
#define CSV_BLOCK ((size_t)1 << 20)

/* The file being written by morgue_cache_csv_write: its last bytes wait
 * in buf, the others are in the file. */
typedef struct csv_sink {
	morgue_output_file *file;
	morgue_buf buf;
} csv_sink;

/* Bytes written so far (an offset in the new file). */
static size_t sink_size(const csv_sink *k)
{
	return morgue_output_file_size(k->file) + k->buf.size;
}

/* Write out the buffer once it holds a block (force: whatever it holds). */
static int sink_flush(csv_sink *k, int force)
{
	int rc = 0;
	if (k->buf.size && (force || k->buf.size >= CSV_BLOCK)) {
		rc = morgue_output_append(k->file, k->buf.ptr, k->buf.size);
		morgue_buf_clear(&k->buf);
	}
	return rc;
}

/* Append len bytes of fd at offset to the sink, a block at a time: 1 when
 * they cannot all be read (the old file is not what its spans say), <0
 * when they cannot be written. */
static int sink_copy(csv_sink *k, int fd, unsigned long long offset, size_t len)
{
	int rc;
	while (len > 0) {
		size_t want = len < CSV_BLOCK ? len : CSV_BLOCK, got = 0;
		morgue_buf_grow(&k->buf, want);
		while (got < want) {
			ssize_t r = pread(fd, k->buf.ptr + k->buf.size + got, want - got,
					  (off_t)(offset + got));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return 1;
			got += (size_t)r;
		}
		k->buf.size += want;
		k->buf.ptr[k->buf.size] = '\0';
		offset += want;
		len -= want;
		if ((rc = sink_flush(k, 0)) < 0)
			return rc;
	}
	return 0;
}

int morgue_cache_csv_write(morgue_output_file *out, morgue_csv_spans **spans, morgue_catalog *c,
			   const char *what, const morgue_csv_spans *prev, const char *prev_file)
{
	int col = csv_column(what), fd = -1, rc = 0, keyed;
	long long *ids = NULL;
	size_t nids = 0, nkeys = 0;
	id_key *keys = NULL;
	morgue_csv_spans *s = NULL;
	unsigned long long run_off, run_len;
	csv_sink sink = { out, MORGUE_BUF_INIT };

	*spans = NULL;
	if (col < 0)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "cache: no spliced export %s", what);
	/* the spans are offsets in the file, and a restart empties it */
	if (morgue_output_file_size(out))
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "cache: export %s into a written file",
					what);
	/* one read transaction (not one, with its locks, per statement) */
	sqlite3_exec(morgue_catalog_handle(c), "SAVEPOINT csv_write", NULL, NULL, NULL);
	/* not a cache: the export all the same (morgue_catalog_csv's
	 * header and blocks), without spans */
	keyed = csv_keys(&keys, &nkeys, morgue_catalog_handle(c), col) == 0;
	if ((rc = morgue_catalog_csv_order(&ids, &nids, c)) < 0)
		goto done;
	if (keyed && prev && prev->n && prev_file) {
		struct stat sb;
		fd = open(prev_file, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
				(unsigned long long)sb.st_size != prev->size)) {
			close(fd);
			fd = -1;
		}
	}
again:
	s = morgue_calloc(1, sizeof(*s));
	if ((rc = morgue_catalog_csv_header(&sink.buf, c, what)) < 0)
		goto done;
	/* a run of old blocks lying end to end in the old file is copied
	 * at once, when a block that does not continue it comes */
	run_off = run_len = 0;
	for (size_t i = 0; i < nids; i++) {
		id_key want = { .id = ids[i] }, *ik;
		const csv_span *hit = NULL;
		csv_span span = { { 0, 0 }, 0, 0 };
		ik = nkeys ? bsearch(&want, keys, nkeys, sizeof(*keys), by_id_key) : NULL;
		if (ik) {
			span.key[0] = ik->key[0];
			span.key[1] = ik->key[1];
			if (fd >= 0)
				hit = bsearch(&span, prev->v, prev->n, sizeof(*prev->v), by_span_key);
			if (hit && (hit->offset > prev->size || hit->length > prev->size - hit->offset))
				hit = NULL;
		}
		span.offset = (unsigned long long)sink_size(&sink) + run_len;
		if (hit) {
			if (run_len && run_off + run_len == hit->offset)
				run_len += hit->length;
			else {
				if (run_len && (rc = sink_copy(&sink, fd, run_off, (size_t)run_len)))
					goto copy_failed;
				run_off = hit->offset;
				run_len = hit->length;
			}
			span.length = hit->length;
			s->copied++;
		} else {
			if (run_len && (rc = sink_copy(&sink, fd, run_off, (size_t)run_len)))
				goto copy_failed;
			run_len = 0;
			if ((rc = morgue_catalog_csv_block(&sink.buf, c, what, ids[i])) < 0 ||
			    (rc = sink_flush(&sink, 0)) < 0)
				goto done;
			span.length = (unsigned long long)sink_size(&sink) - span.offset;
		}
		/* an article without a key: its block is generated every time */
		if (ik) {
			MORGUE_ARRAY_RESERVE(s->v, s->cap, s->n + 1);
			s->v[s->n++] = span;
		}
	}
	if (run_len && (rc = sink_copy(&sink, fd, run_off, (size_t)run_len)))
		goto copy_failed;
	if ((rc = sink_flush(&sink, 1)) < 0)
		goto done;
	s->size = sink_size(&sink);
	goto done;
copy_failed:
	if (rc < 0)
		goto done;
	/* the old file is not what the spans say: start again without it,
	 * from an empty file (what was written of this one is dropped) */
	close(fd);
	fd = -1;
	morgue_buf_clear(&sink.buf);
	morgue_csv_spans_free(s);
	s = NULL;
	if ((rc = morgue_output_restart(out)) < 0)
		goto done;
	goto again;
done:
	sqlite3_exec(morgue_catalog_handle(c), "RELEASE csv_write", NULL, NULL, NULL);
	if (fd >= 0)
		close(fd);
	free(ids);
	free(keys);
	morgue_buf_free(&sink.buf);
	if (rc < 0 || !keyed) {
		morgue_csv_spans_free(s);
		s = NULL;
	}
	*spans = s;
	return rc;
}
