#include "catalog.h"
#include "attribution.h"
#include "ftsindex.h"
#include "history.h"
#include "markdown.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/path.h"
#include "util/sql.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define STMT_CACHE 64

struct morgue_catalog {
	sqlite3 *db;
	long long related_cap; /* see "related" in morgue_catalog_article */
	/* page queries run once per page with the same SQL: keep them
	 * prepared (SQLite's parser was a fifth of the render time) */
	struct {
		char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
	size_t ncache;
	long long next_id;      /* id of the next add_article, 0 = SQLite's choice */
	/* a catalog reopened on a previous build's (morgue_catalog_reopen):
	 * finish updates what the dropped and added articles can change */
	int incremental;
	long long prev_articles; /* articles in it when reopened */
	struct old_ref {
		long long id;
		char *entity;
		long long mentions;
	} *old;                  /* refs rows of the dropped articles */
	size_t nold, capold;
	long long *added;        /* articles added since reopening */
	size_t nadded, capadded;
	/* the registry's display fields by slug (see registry_find) */
	struct reg_entity {
		char *slug, *name, *type, *url, *wikidata;
	} *reg;
	size_t nreg;
	int reg_read;
	/* each article's publication (display name, entity or NULL) by id,
	 * for the entity pages (entity_refs); read on first use, dropped by
	 * the writers of articles */
	struct art_pub {
		char *name, *entity;
	} *pubs;
	size_t npubs;
	int pubs_read;
};

/* The page caches of the building connection and of the others (page
 * renderers, exports), in KiB (negative). */
#define CATALOG_CACHE "-65536"
#define SHARED_CACHE "-16384"

/* SQLite's sorter keeps as many keys in memory as the page cache holds
 * (of the main database), and sorts them all at once when they fit. A
 * sort of tens of MB that way is slow (a list merge sort that misses
 * the CPU caches at every step): with 4 MB runs, sorted and then merged,
 * the catalog's big indexes take half the time (1.66 -> 0.83 s at 10k
 * articles; archive.sqlite's 0.72 -> 0.45 s). So the connections that
 * sort whole tables set a small cache while they do. */
#define SORT_CACHE "PRAGMA cache_size=-4096;"

/* The public tables are documented in docs/morgue-content.5 ("THE
 * CATALOG"); archive.sqlite carries them unchanged. */
static const char schema[] =
	/* 16 KB pages, not 4 KB: an article's body (15 KB of text and
	 * HTML at 10k articles) fits in one or two pages instead of four
	 * overflow pages, and the page renderers' connections, whose cache
	 * holds a fraction of the file, read it in fewer and larger read()
	 * calls. 10k articles, clean builds, 11 alternating pairs: the
	 * median pair 0.955 of the time (CPU alike); an edit unchanged
	 * (6 pairs, 0.69 s both). Set before anything is written. */
	"PRAGMA page_size=16384;"
	"PRAGMA journal_mode=OFF;"
	"PRAGMA synchronous=OFF;"
	/* not MEMORY: with temporary storage in memory SQLite's sorter
	 * never spills, and every CREATE INDEX holds all its keys (~300 MB
	 * each at 100k articles); on file it keeps a cache_size worth and
	 * merges the rest from temporary files. Small sorts and temporary
	 * tables stay in memory all the same (their page cache). */
	"PRAGMA temp_store=FILE;"
	/* a private on-disk database: a big page cache and mmap keep the
	 * page queries off the read() path; memory stays bounded */
	"PRAGMA cache_size=" CATALOG_CACHE ";"
	"PRAGMA mmap_size=268435456;"
	"CREATE TABLE entities("
	"  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  type TEXT NOT NULL, description TEXT, url TEXT, wikidata TEXT,"
	"  aliases TEXT NOT NULL DEFAULT '[]', body_html TEXT, file TEXT, oid TEXT);"
	"CREATE TABLE articles("
	"  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE COLLATE NOCASE, file TEXT,"
	"  title TEXT NOT NULL, date TEXT NOT NULL, datetime TEXT,"
	"  publication TEXT, publication_entity TEXT, authors TEXT NOT NULL DEFAULT '[]',"
	"  source_url TEXT, oid TEXT, excerpt TEXT, words INTEGER,"
	/* what lists show: the publication entity's name, else the text
	 * (the registry is in every article's parse key, so it is current) */
	"  publication_name TEXT);"
	/* the big columns live apart, so listing articles never walks
	 * overflow pages of bodies it does not show; text comes first, as
	 * it is read three times (refs, page JSON, search export) and the
	 * html once, and reading a column walks the overflow of those before */
	"CREATE TABLE bodies(id INTEGER PRIMARY KEY, text TEXT, body_html TEXT);"
	"CREATE INDEX articles_date ON articles(date DESC, path);"
	"CREATE INDEX articles_publication ON articles(publication_entity, date);"
	/* date and path repeat the article's, so a tag's pages read in
	 * order straight from the index (no sort of all its articles per page) */
	"CREATE TABLE tags(article_id INTEGER NOT NULL, tag TEXT NOT NULL,"
	"  slug TEXT NOT NULL, date TEXT, path TEXT, PRIMARY KEY(article_id, slug));"
	/* tags_slug ON tags(slug, date DESC, path, article_id, tag): made
	 * in finish; article_id makes it cover a tag's pages, tag the list
	 * of tags (morgue_catalog_tags). tags_article ON tags(article_id,
	 * slug, tag), also made in finish, covers an article's tags. */
	"CREATE TABLE mentions(id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL,"
	"  entity TEXT NOT NULL, surface TEXT NOT NULL, offset INTEGER NOT NULL,"
	"  length INTEGER NOT NULL, source TEXT NOT NULL);"
	/* no index by entity: an entity's mention count is summed once in
	 * idf (every mention belongs to an article: add_mentions takes the
	 * id add_article gave) */
	/* in an article's order: its JSON and CSV rows need no sort */
	"CREATE INDEX mentions_article ON mentions(article_id, offset, length DESC);"
	/* refs: which entities an article refers to, by mention or by
	 * being its publication: made by add_mentions (those with mentions) and
	 * morgue_catalog_finish (a publication not mentioned, mentions 0) */
	"CREATE TABLE refs(article_id INTEGER NOT NULL, entity TEXT NOT NULL,"
	"  mentions INTEGER NOT NULL, first_offset INTEGER, first_length INTEGER,"
	"  kwic_before TEXT, kwic_match TEXT, kwic_after TEXT, date TEXT, path TEXT,"
	"  PRIMARY KEY(article_id, entity)) WITHOUT ROWID;"
	/* refs_entity ON refs(entity, date DESC, path, mentions, first_offset,
	 * kwic_before, kwic_match, kwic_after): made in morgue_catalog_finish;
	 * it covers the timelines and an entity page's list, which reads it
	 * in order instead of seeking into refs for each article's KWIC */
	/* per entity: df = articles referring to it, w its weight, mentions
	 * its mention count (derived) */
	"CREATE TABLE idf(entity TEXT PRIMARY KEY, df INTEGER, w REAL, mentions INTEGER)"
	"  WITHOUT ROWID;"
	/* the five most related articles of each article (derived) */
	"CREATE TABLE related(article_id INTEGER NOT NULL, rank INTEGER NOT NULL,"
	"  other INTEGER NOT NULL, score REAL NOT NULL, shared TEXT,"
	"  PRIMARY KEY(article_id, rank)) WITHOUT ROWID;"
	/* the most frequent partners of each entity (derived) */
	"CREATE TABLE comentions(entity INTEGER NOT NULL, other INTEGER NOT NULL,"
	"  count INTEGER NOT NULL, PRIMARY KEY(entity, other)) WITHOUT ROWID;"
	"CREATE TABLE revisions(article_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	"  commit_id TEXT NOT NULL, date TEXT NOT NULL, author TEXT, summary TEXT,"
	"  article_change TEXT, annotations_change TEXT,"
	"  PRIMARY KEY(article_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE revision_entities(article_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	"  entity TEXT NOT NULL, change TEXT NOT NULL);"
	"CREATE TABLE redirects(old_path TEXT PRIMARY KEY, article_id INTEGER NOT NULL)"
	"  WITHOUT ROWID;"
	/* who said or reported what: seq is N of the element id src-N on the
	 * article page; source NULL for anonymous and document sources */
	"CREATE TABLE attributions(id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL, source TEXT, source_text TEXT NOT NULL, kind TEXT NOT NULL,"
	"  cue TEXT, affiliation TEXT, count INTEGER NOT NULL DEFAULT 0,"
	"  offset INTEGER NOT NULL, length INTEGER NOT NULL, quote TEXT NOT NULL,"
	"  origin TEXT NOT NULL, date TEXT, path TEXT);"
	/* date and path repeat the article's (private: not exported), so an
	 * entity's newest quotations read in order from the index and stop
	 * at the page's 100 */
	/* attributions_source ON attributions(source, date DESC, path,
	 * article_id, seq, kind): made in finish; kind makes it cover the
	 * most-cited lists of the sourcing page */
	/* kind: covers the sourcing page's counts */
	"CREATE INDEX attributions_article ON attributions(article_id, seq, kind);";

static int db_error(morgue_catalog *c, const char *what)
{
	return morgue_error_set(MORGUE_ERROR, NULL, 0, "catalog: %s: %s", what,
				sqlite3_errmsg(c->db));
}

static int exec(morgue_catalog *c, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(c->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		int rc = morgue_error_set(MORGUE_ERROR, NULL, 0, "catalog: %s", err);
		sqlite3_free(err);
		return rc;
	}
	return 0;
}

static sqlite3_stmt *prepare(morgue_catalog *c, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_error(c, sql);
		return NULL;
	}
	return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* bind_text for a value that outlives the step, not copied (the loads'
 * inserts copied every mention's and attribution's strings once more).
 * The loops that use it clear the bindings after, so that no statement
 * keeps a pointer into the caller's memory. */
static void bind_static(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int morgue_catalog_new(morgue_catalog **out)
{
	return morgue_catalog_new_file(out, NULL);
}

int morgue_catalog_new_file(morgue_catalog **out, const char *path)
{
	morgue_catalog *c = morgue_calloc(1, sizeof(*c));
	int rc;

	/* "" = a private temporary database that spills to disk */
	if (path)
		remove(path);
	if (sqlite3_open_v2(path ? path : "", &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		rc = db_error(c, "open");
		morgue_catalog_free(c);
		*out = NULL;
		return rc;
	}
	if ((rc = exec(c, schema)) < 0) {
		morgue_catalog_free(c);
		c = NULL;
	} else if (path) {
		/* mapped pages of a file count as the process's memory: keep
		 * the catalog on the bounded page cache instead */
		rc = exec(c, "PRAGMA mmap_size=0;");
	}
	*out = c;
	return rc;
}

/* The connection settings of a catalog file (schema's pragmas). */
static const char file_pragmas[] =
	"PRAGMA journal_mode=OFF;"
	"PRAGMA synchronous=OFF;"
	"PRAGMA temp_store=FILE;"
	"PRAGMA cache_size=" CATALOG_CACHE ";"
	"PRAGMA mmap_size=0;";

int morgue_catalog_reopen(morgue_catalog **out, const char *path)
{
	morgue_catalog *c = morgue_calloc(1, sizeof(*c));
	int rc = 0;

	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		rc = db_error(c, "open");
	else
		rc = exec(c, file_pragmas);
	if (!rc)
		rc = exec(c, "CREATE TEMP TABLE dropped(id INTEGER PRIMARY KEY);"
			     "CREATE TEMP TABLE touched(id INTEGER PRIMARY KEY);");
	if (rc < 0) {
		morgue_catalog_free(c);
		c = NULL;
	} else {
		c->incremental = 1;
		c->prev_articles = morgue_catalog_count(c, "articles");
	}
	*out = c;
	return rc;
}

void morgue_catalog_set_article_id(morgue_catalog *c, long long id)
{
	c->next_id = id;
}

/* morgue_sql_each_id, its failure reported. */
static int insert_ids(morgue_catalog *c, const char *sql, const long long *ids, size_t n)
{
	return morgue_sql_each_id(c->db, sql, ids, n) == SQLITE_OK ? 0 : db_error(c, sql);
}

static void pubs_drop(morgue_catalog *c)
{
	for (size_t i = 0; i < c->npubs; i++) {
		free(c->pubs[i].name);
		free(c->pubs[i].entity);
	}
	free(c->pubs);
	c->pubs = NULL;
	c->npubs = 0;
	c->pubs_read = 0;
}

int morgue_catalog_drop_articles(morgue_catalog *c, const long long *ids, size_t n)
{
	sqlite3_stmt *sel = NULL;
	int rc = 0;

	if (!c->incremental)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "catalog: not reopened");
	if (!n)
		return 0;
	pubs_drop(c);
	rc = insert_ids(c, "INSERT OR IGNORE INTO temp.dropped VALUES(?)", ids, n);
	if (rc || !(sel = prepare(c, "SELECT article_id, entity, mentions FROM refs"
				     " WHERE article_id IN temp.dropped"))) {
		rc = rc ? rc : MORGUE_ERROR;
		goto done;
	}
	while (sqlite3_step(sel) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(c->old, c->capold, c->nold + 1);
		c->old[c->nold].id = sqlite3_column_int64(sel, 0);
		c->old[c->nold].entity = morgue_strdup((const char *)sqlite3_column_text(sel, 1));
		c->old[c->nold++].mentions = sqlite3_column_int64(sel, 2);
	}
	rc = exec(c,
		"DELETE FROM articles WHERE id IN temp.dropped;"
		"DELETE FROM bodies WHERE id IN temp.dropped;"
		"DELETE FROM tags WHERE article_id IN temp.dropped;"
		"DELETE FROM mentions WHERE article_id IN temp.dropped;"
		"DELETE FROM attributions WHERE article_id IN temp.dropped;"
		"DELETE FROM refs WHERE article_id IN temp.dropped;"
		"DELETE FROM related WHERE article_id IN temp.dropped;");
done:
	sqlite3_finalize(sel);
	return rc;
}

int morgue_catalog_clear_history(morgue_catalog *c)
{
	return exec(c, "DELETE FROM revisions; DELETE FROM revision_entities;"
		       " DELETE FROM redirects;");
}

static void registry_drop(morgue_catalog *c)
{
	for (size_t i = 0; i < c->nreg; i++) {
		free(c->reg[i].slug);
		free(c->reg[i].name);
		free(c->reg[i].type);
		free(c->reg[i].url);
		free(c->reg[i].wikidata);
	}
	free(c->reg);
	c->reg = NULL;
	c->nreg = 0;
	c->reg_read = 0;
}

void morgue_catalog_free(morgue_catalog *c)
{
	if (!c)
		return;
	registry_drop(c);
	pubs_drop(c);
	for (size_t i = 0; i < c->nold; i++)
		free(c->old[i].entity);
	free(c->old);
	free(c->added);
	for (size_t i = 0; i < c->ncache; i++) {
		sqlite3_finalize(c->cache[i].st);
		free(c->cache[i].sql);
	}
	sqlite3_close(c->db);
	free(c);
}

int morgue_catalog_begin(morgue_catalog *c)
{
	return sqlite3_get_autocommit(c->db) ? exec(c, "BEGIN") : 0;
}

int morgue_catalog_commit(morgue_catalog *c) { return exec(c, "COMMIT"); }

int morgue_catalog_rollback(morgue_catalog *c)
{
	return sqlite3_get_autocommit(c->db) ? 0 : exec(c, "ROLLBACK");
}

/* Set the journal mode to mode; MORGUE_ERROR unless SQLite reports it
 * set (it refuses to leave WAL while another connection is open). */
static int journal_mode(morgue_catalog *c, const char *mode)
{
	morgue_buf sql = MORGUE_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int ok = 0;
	morgue_buf_printf(&sql, "PRAGMA journal_mode=%s", mode);
	if (sqlite3_prepare_v2(c->db, sql.ptr, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = !strcmp((const char *)sqlite3_column_text(st, 0), mode);
	sqlite3_finalize(st);
	morgue_buf_free(&sql);
	if (!ok)
		return morgue_error_set(MORGUE_ERROR, sqlite3_db_filename(c->db, "main"), 0,
					"catalog: journal mode %s not set: %s", mode,
					sqlite3_errmsg(c->db));
	return 0;
}

int morgue_catalog_share(morgue_catalog *c)
{
	/* checkpoints only when unshared: the build's commits do not wait
	 * for a copy of what they wrote */
	int rc = journal_mode(c, "wal");
	if (rc == 0)
		rc = exec(c, "PRAGMA wal_autocheckpoint=0;");
	return rc;
}

int morgue_catalog_unshare(morgue_catalog *c)
{
	int rc = journal_mode(c, "delete");
	if (rc == 0)
		rc = exec(c, "PRAGMA journal_mode=OFF;");
	return rc;
}

static sqlite3_stmt *cached(morgue_catalog *c, const char *sql);

static char *json_list(char **items, size_t n)
{
	morgue_buf b = MORGUE_BUF_INIT;
	morgue_buf_putc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			morgue_buf_putc(&b, ',');
		morgue_escape_json_string(&b, items[i]);
	}
	morgue_buf_putc(&b, ']');
	return morgue_buf_detach(&b);
}

int morgue_catalog_add_entity(morgue_catalog *c, const morgue_entity *e,
			      const char *body_html)
{
	sqlite3_stmt *st = prepare(c,
		"INSERT INTO entities(slug,name,type,description,url,wikidata,"
		"aliases,body_html,file,oid) VALUES(?,?,?,?,?,?,?,?,?,?)");
	char *aliases = json_list(e->aliases, e->naliases);
	int rc = 0;

	registry_drop(c);
	if (!st) {
		free(aliases);
		return MORGUE_ERROR;
	}
	bind_text(st, 1, e->slug);
	bind_text(st, 2, e->name);
	bind_text(st, 3, morgue_entity_type_name(e->type));
	bind_text(st, 4, e->description);
	bind_text(st, 5, e->url);
	bind_text(st, 6, e->wikidata);
	bind_text(st, 7, aliases);
	bind_text(st, 8, body_html);
	bind_text(st, 9, e->file);
	bind_text(st, 10, e->oid);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_UNIQUE)
			rc = morgue_error_set(MORGUE_EINPUT, e->file, 1,
					      "entity slug '%s' is used by two files",
					      e->slug);
		else
			rc = db_error(c, "add entity");
	}
	sqlite3_finalize(st);
	free(aliases);
	return rc;
}

/* A short plain-text excerpt: the first ~220 bytes, cut at a word
 * boundary, with an ellipsis when cut. */
static char *make_excerpt(const char *text, size_t len)
{
	size_t max = 220, n;
	morgue_buf b = MORGUE_BUF_INIT;

	while (len && (*text == '\n' || *text == ' ')) {
		text++;
		len--;
	}
	if (len <= max) {
		morgue_buf_put(&b, text, len);
	} else {
		n = max;
		while (n > max / 2 && text[n] != ' ' && text[n] != '\n')
			n--;
		/* never split a UTF-8 sequence */
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
		morgue_buf_put(&b, text, n);
		morgue_buf_puts(&b, "…");
	}
	for (size_t i = 0; i < b.size; i++)
		if (b.ptr[i] == '\n')
			b.ptr[i] = ' ';
	return morgue_buf_detach(&b);
}

static long long count_words(const char *t, size_t len)
{
	long long n = 0;
	int in = 0;
	for (size_t i = 0; i < len; i++) {
		int sp = t[i] == ' ' || t[i] == '\n' || t[i] == '\t';
		if (!sp && !in)
			n++;
		in = !sp;
	}
	return n;
}

int morgue_catalog_add_article(morgue_catalog *c, long long *id,
			       const morgue_article *a, const char *body_html,
			       const char *text, size_t text_len)
{
	sqlite3_stmt *st = NULL, *tag = NULL, *body = NULL;
	char *authors = json_list(a->authors, a->nauthors);
	char *excerpt = make_excerpt(text, text_len);
	int rc = 0;

	pubs_drop(c);

	st = cached(c, "INSERT INTO articles(path,file,title,date,datetime,"
		       "publication,publication_entity,authors,source_url,oid,"
		       "excerpt,words,id,publication_name) VALUES(?,?,?,?,?,?,"
		       "(SELECT slug FROM entities WHERE slug=?6),?,?,?,?,?,?,"
		       "COALESCE((SELECT name FROM entities WHERE slug=?6), ?6))");
	body = cached(c, "INSERT INTO bodies(id, body_html, text) VALUES(?,?,?)");
	if (!st || !body) {
		rc = MORGUE_ERROR;
		goto done;
	}
	bind_text(st, 1, a->id);
	bind_text(st, 2, a->file);
	bind_text(st, 3, a->title);
	bind_text(st, 4, a->date);
	bind_text(st, 5, a->datetime);
	bind_text(st, 6, a->publication);
	bind_text(st, 7, authors);
	bind_text(st, 8, a->url);
	bind_text(st, 9, a->oid);
	bind_text(st, 10, excerpt);
	sqlite3_bind_int64(st, 11, count_words(text, text_len));
	if (c->next_id > 0)
		sqlite3_bind_int64(st, 12, c->next_id); /* else NULL: a fresh rowid */
	c->next_id = 0;
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_UNIQUE)
			rc = morgue_error_set(MORGUE_EINPUT, a->file, 1,
					      "two articles map to the same URL articles/%s.html",
					      a->id);
		else
			rc = db_error(c, "add article");
		goto done;
	}
	*id = sqlite3_last_insert_rowid(c->db);
	if (c->incremental) {
		MORGUE_ARRAY_RESERVE(c->added, c->capadded, c->nadded + 1);
		c->added[c->nadded++] = *id;
	}
	sqlite3_bind_int64(body, 1, *id);
	bind_text(body, 2, body_html);
	sqlite3_bind_text(body, 3, text ? text : "", (int)text_len, SQLITE_TRANSIENT);
	if (sqlite3_step(body) != SQLITE_DONE) {
		rc = db_error(c, "add article");
		goto done;
	}

	tag = cached(c, "INSERT OR IGNORE INTO tags(article_id,tag,slug,date,path) VALUES(?,?,?,?,?)");
	if (!tag) {
		rc = MORGUE_ERROR;
		goto done;
	}
	for (size_t i = 0; i < a->ntags; i++) {
		morgue_buf slug = MORGUE_BUF_INIT;
		morgue_slugify(&slug, a->tags[i]);
		if (slug.size) {
			sqlite3_bind_int64(tag, 1, *id);
			bind_text(tag, 2, a->tags[i]);
			bind_text(tag, 3, slug.ptr);
			bind_text(tag, 4, a->date);
			bind_text(tag, 5, a->id);
			if (sqlite3_step(tag) != SQLITE_DONE)
				rc = db_error(c, "add tag");
			sqlite3_reset(tag);
		} else {
			morgue_warn(a->file, 1, "tag '%s' has no letters or digits: skipped",
				    a->tags[i]);
		}
		morgue_buf_free(&slug);
		if (rc)
			goto done;
	}
done:
	/* cached statements: reset, never finalized here */
	if (st)
		sqlite3_reset(st);
	if (body)
		sqlite3_reset(body);
	if (tag)
		sqlite3_reset(tag);
	free(authors);
	free(excerpt);
	return rc;
}

/* One mention of the article being folded into refs. */
typedef struct fold_mention {
	const char *entity;
	long long offset, length;
	size_t seq;    /* row order: ties on the first offset go to the earliest */
} fold_mention;

static int by_entity_seq(const void *x, const void *y)
{
	const fold_mention *a = x, *b = y;
	int r = strcmp(a->entity, b->entity);
	if (r)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Bind the article's date and path to st's parameters col and col + 1
 * (the rows of refs and attributions repeat them, for the indexes in
 * page order); left NULL when there is no such article, as cached()
 * cleared the bindings. sqlite3_bind_value copies: art is reset here.
 * The statement is kept prepared (a parse per article was a good part of
 * the load). */
static int bind_date_path(morgue_catalog *c, long long article_id, sqlite3_stmt *st, int col)
{
	sqlite3_stmt *art = cached(c, "SELECT date, path FROM articles WHERE id=?");
	if (!art)
		return MORGUE_ERROR;
	sqlite3_bind_int64(art, 1, article_id);
	if (sqlite3_step(art) == SQLITE_ROW) {
		sqlite3_bind_value(st, col, sqlite3_column_value(art, 0));
		sqlite3_bind_value(st, col + 1, sqlite3_column_value(art, 1));
	}
	sqlite3_reset(art);
	return 0;
}

/* The refs rows of an article from its mentions: per entity the mention
 * count, the first mention (smallest offset; the earliest on a tie) and
 * the sentence around it in text. Made here, while the text is at hand,
 * rather than by reading every body back in morgue_catalog_finish. */
static int add_refs(morgue_catalog *c, long long article_id, const morgue_mention *mm,
		    size_t n, const char *text, size_t tlen)
{
	sqlite3_stmt *ins = cached(c,
		"INSERT INTO refs(article_id, entity, mentions, first_offset, first_length,"
		" kwic_before, kwic_match, kwic_after, date, path) VALUES(?,?,?,?,?,?,?,?,?,?)");
	fold_mention *m = NULL;
	int rc = 0;

	if (!ins || bind_date_path(c, article_id, ins, 9) < 0)
		return MORGUE_ERROR;
	m = morgue_malloc(n * sizeof(*m));
	for (size_t i = 0; i < n; i++)
		m[i] = (fold_mention){ mm[i].entity ? mm[i].entity : "", (long long)mm[i].offset,
				       (long long)mm[i].length, i };
	qsort(m, n, sizeof(*m), by_entity_seq);
	if (!text)
		text = "", tlen = 0;
	for (size_t g = 0; g < n && !rc;) {
		size_t k = g + 1, first = g;
		while (k < n && !strcmp(m[k].entity, m[g].entity)) {
			if (m[k].offset < m[first].offset)
				first = k;
			k++;
		}
		sqlite3_bind_int64(ins, 1, article_id);
		bind_static(ins, 2, m[g].entity);
		sqlite3_bind_int64(ins, 3, (long long)(k - g));
		sqlite3_bind_int64(ins, 4, m[first].offset);
		sqlite3_bind_int64(ins, 5, m[first].length);
		size_t ks, ke, off = (size_t)m[first].offset, len = (size_t)m[first].length;
		if (morgue_catalog_kwic_span(text, tlen, off, len, &ks, &ke)) {
			/* as bound from a C string before: up to a NUL */
			sqlite3_bind_text(ins, 6, text + ks, (int)strnlen(text + ks, off - ks),
					  SQLITE_STATIC);
			sqlite3_bind_text(ins, 7, text + off, (int)strnlen(text + off, len),
					  SQLITE_STATIC);
			sqlite3_bind_text(ins, 8, text + off + len,
					  (int)strnlen(text + off + len, ke - off - len),
					  SQLITE_STATIC);
		} else {
			sqlite3_bind_null(ins, 6);
			sqlite3_bind_null(ins, 7);
			sqlite3_bind_null(ins, 8);
		}
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = db_error(c, "references");
		sqlite3_reset(ins);
		g = k;
	}
	sqlite3_clear_bindings(ins);
	/* cached: the cache owns ins */
	free(m);
	return rc;
}

int morgue_catalog_add_mentions(morgue_catalog *c, long long article_id,
				const morgue_mention *m, size_t n, const char *text,
				size_t text_len)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (!n)
		return 0;
	st = cached(c, "INSERT INTO mentions(article_id,entity,surface,offset,length,source)"
		       " VALUES(?,?,?,?,?,?)");
	if (!st)
		return MORGUE_ERROR;
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_bind_int64(st, 1, article_id);
		bind_static(st, 2, m[i].entity);
		bind_static(st, 3, m[i].surface);
		sqlite3_bind_int64(st, 4, (long long)m[i].offset);
		sqlite3_bind_int64(st, 5, (long long)m[i].length);
		bind_static(st, 6, morgue_mention_source_name(m[i].source));
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_error(c, "add mention");
		sqlite3_reset(st);
	}
	sqlite3_clear_bindings(st);
	/* cached: the cache owns st */
	return rc ? rc : add_refs(c, article_id, m, n, text, text_len);
}

int morgue_catalog_add_attributions(morgue_catalog *c, long long article_id,
				    const morgue_attribution *a, size_t n, const char *text,
				    size_t text_len)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (!n)
		return 0;
	/* the article's date and path are looked up once, not per row */
	st = cached(c, "INSERT INTO attributions(article_id,seq,source,source_text,kind,cue,"
		       "affiliation,count,offset,length,quote,origin,date,path)"
		       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st || bind_date_path(c, article_id, st, 13) < 0)
		return MORGUE_ERROR;
	for (size_t i = 0; i < n && !rc; i++) {
		size_t off, len;
		morgue_attribution_quote_span(&a[i], text_len, &off, &len);
		sqlite3_bind_int64(st, 1, article_id);
		sqlite3_bind_int64(st, 2, (long long)i + 1);
		bind_static(st, 3, a[i].source);
		bind_static(st, 4, a[i].source_text ? a[i].source_text : "");
		bind_static(st, 5, morgue_source_kind_name(a[i].kind));
		bind_static(st, 6, a[i].cue);
		bind_static(st, 7, a[i].affiliation);
		sqlite3_bind_int64(st, 8, a[i].count);
		sqlite3_bind_int64(st, 9, (long long)a[i].offset);
		sqlite3_bind_int64(st, 10, (long long)a[i].length);
		sqlite3_bind_text(st, 11, text ? text + off : "", text ? (int)len : 0,
				  SQLITE_STATIC);
		bind_static(st, 12, morgue_attribution_origin(&a[i]));
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_error(c, "add attribution");
		sqlite3_reset(st);
	}
	sqlite3_clear_bindings(st);
	/* cached: the cache owns st */
	return rc;
}

/* The author's local calendar date of a commit: what "archived on" means
 * to the person who committed it. */
static void commit_date(char out[11], long long t, int tz_minutes)
{
	time_t tt = (time_t)(t + (long long)tz_minutes * 60);
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *change_name(char c)
{
	switch (c) {
	case 'A': return "added";
	case 'M': return "edited";
	case 'R': return "moved";
	case 'D': return "deleted";
	default: return NULL;
	}
}

int morgue_catalog_add_history(morgue_catalog *c, long long article_id,
			       const morgue_article_history *h)
{
	/* kept prepared: one history per article */
	sqlite3_stmt *rev = cached(c, "INSERT INTO revisions VALUES(?,?,?,?,?,?,?,?)");
	sqlite3_stmt *ent = cached(c, "INSERT INTO revision_entities VALUES(?,?,?,?)");
	sqlite3_stmt *red = cached(c, "INSERT OR IGNORE INTO redirects VALUES(?,?)");
	int rc = 0;

	if (!rev || !ent || !red) {
		rc = MORGUE_ERROR;
		goto done;
	}
	for (size_t i = 0; i < h->nrevs && !rc; i++) {
		const morgue_revision *r = &h->revs[i];
		char date[11];
		commit_date(date, r->time, r->tz);
		sqlite3_bind_int64(rev, 1, article_id);
		sqlite3_bind_int64(rev, 2, (long long)i);
		bind_text(rev, 3, r->commit);
		bind_text(rev, 4, date);
		bind_text(rev, 5, r->author);
		bind_text(rev, 6, r->summary);
		bind_text(rev, 7, change_name(r->article));
		bind_text(rev, 8, change_name(r->annotations));
		if (sqlite3_step(rev) != SQLITE_DONE)
			rc = db_error(c, "add revision");
		sqlite3_reset(rev);
		for (size_t k = 0; k < r->nadded + r->nremoved && !rc; k++) {
			int added = k < r->nadded;
			sqlite3_bind_int64(ent, 1, article_id);
			sqlite3_bind_int64(ent, 2, (long long)i);
			bind_text(ent, 3, added ? r->added[k] : r->removed[k - r->nadded]);
			bind_text(ent, 4, added ? "added" : "removed");
			if (sqlite3_step(ent) != SQLITE_DONE)
				rc = db_error(c, "add revision entity");
			sqlite3_reset(ent);
		}
	}
	for (size_t i = 0; i < h->nold && !rc; i++) {
		bind_text(red, 1, h->old_paths[i]);
		sqlite3_bind_int64(red, 2, article_id);
		if (sqlite3_step(red) != SQLITE_DONE)
			rc = db_error(c, "add redirect");
		sqlite3_reset(red);
	}
done:
	/* cached: reset, never finalized here */
	if (rev)
		sqlite3_reset(rev);
	if (ent)
		sqlite3_reset(ent);
	if (red)
		sqlite3_reset(red);
	return rc;
}

/* Co-mention counts of every pair of entities named in one article, in
 * one pass over refs with an in-memory pair table (a SQL self-join per
 * entity page was the slowest query of the build); the top partners of
 * each entity are kept. */
#define TOP_PARTNERS 15

typedef struct pair {
	unsigned long long key; /* (a << 32) | b, a < b; 0 = empty */
	long long count;
} pair;

typedef struct partner {
	int other;
	long long count;
} partner;

static const char *const *sort_names; /* names by entity id, for ties */

static int by_count(const void *x, const void *y)
{
	const partner *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	int r = strcmp(sort_names[a->other], sort_names[b->other]);
	return r ? r : a->other - b->other;
}

static void pair_add(pair **t, size_t *cap, size_t *n, unsigned long long key)
{
	if ((*n + 1) * 2 > *cap) {
		size_t ncap = *cap ? *cap * 2 : 1 << 16;
		pair *nt = morgue_calloc(ncap, sizeof(*nt));
		for (size_t i = 0; i < *cap; i++)
			if ((*t)[i].key) {
				size_t h = (size_t)(((*t)[i].key * 0x9E3779B97F4A7C15ULL) >> 7) & (ncap - 1);
				while (nt[h].key)
					h = (h + 1) & (ncap - 1);
				nt[h] = (*t)[i];
			}
		free(*t);
		*t = nt;
		*cap = ncap;
	}
	size_t h = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 7) & (*cap - 1);
	while ((*t)[h].key && (*t)[h].key != key)
		h = (h + 1) & (*cap - 1);
	if (!(*t)[h].key) {
		(*t)[h].key = key;
		(*n)++;
	}
	(*t)[h].count++;
}

/* Co-mention pair counts: a dense triangle of counters when the entity
 * ids are few (no probing, 18 MB at most), else the hash table. */
#define DENSE_PAIRS_MAX 3000

typedef struct pairs {
	pair *t;
	size_t cap, n;
	unsigned *dense; /* [b * (b - 1) / 2 + a] for ids a < b < dmax */
	size_t dmax;
} pairs;

static void pairs_add(pairs *p, int a, int b)
{
	if (p->dense)
		p->dense[(size_t)b * (size_t)(b - 1) / 2 + (size_t)a]++;
	else
		pair_add(&p->t, &p->cap, &p->n, ((unsigned long long)a << 32) | (unsigned)b);
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;
	return a < b ? -1 : a > b;
}

/* The top partners of each entity from the pair counts of pairs_from_refs. */
static int store_comentions(morgue_catalog *c, const pairs *pp)
{
	sqlite3_stmt *names = prepare(c, "SELECT id, name FROM entities");
	sqlite3_stmt *ins = prepare(c, "INSERT INTO comentions VALUES(?,?,?)");
	size_t nents = 0;
	int rc = 0, maxid = 0;
	char **name = NULL;
	partner **lists = NULL;
	size_t *nlist = NULL, *caplist = NULL;

	if (!names || !ins) {
		rc = MORGUE_ERROR;
		goto done;
	}
	while (sqlite3_step(names) == SQLITE_ROW) {
		int id = sqlite3_column_int(names, 0);
		if (id >= maxid) {
			name = morgue_realloc(name, (size_t)(id + 1) * sizeof(*name));
			for (int k = maxid; k <= id; k++)
				name[k] = NULL;
			maxid = id + 1;
		}
		name[id] = morgue_strdup((const char *)sqlite3_column_text(names, 1));
	}
	nents = (size_t)maxid;
	lists = morgue_calloc(nents + 1, sizeof(*lists));
	nlist = morgue_calloc(nents + 1, sizeof(*nlist));
	caplist = morgue_calloc(nents + 1, sizeof(*caplist));
	/* the order partners are listed in is immaterial: by_count is a
	 * total order */
	size_t np = pp->dense ? pp->dmax * (pp->dmax - 1) / 2 : pp->cap;
	for (size_t i = 0, b = 1, row = 0; i < np; i++) {
		int x, y;
		long long count;
		if (pp->dense) {
			/* i = b (b - 1) / 2 + a for a < b: row is b's first i */
			while (i >= row + b)
				row += b++;
			if (!pp->dense[i])
				continue;
			x = (int)(i - row);
			y = (int)b;
			count = pp->dense[i];
		} else {
			if (!pp->t[i].key)
				continue;
			x = (int)(pp->t[i].key >> 32);
			y = (int)(pp->t[i].key & 0xffffffffu);
			count = pp->t[i].count;
		}
		if (x >= maxid || y >= maxid)
			continue;
		MORGUE_ARRAY_RESERVE(lists[x], caplist[x], nlist[x] + 1);
		lists[x][nlist[x]++] = (partner){ y, count };
		MORGUE_ARRAY_RESERVE(lists[y], caplist[y], nlist[y] + 1);
		lists[y][nlist[y]++] = (partner){ x, count };
	}
	for (size_t e = 0; e < nents; e++)
		for (size_t k = 0; k < nlist[e]; k++)
			if (!name[lists[e][k].other])
				name[lists[e][k].other] = morgue_strdup("");
	sort_names = (const char *const *)name;
	for (size_t e = 0; e < nents && !rc; e++) {
		if (!nlist[e])
			continue;
		qsort(lists[e], nlist[e], sizeof(partner), by_count);
		for (size_t k = 0; k < nlist[e] && k < TOP_PARTNERS && !rc; k++) {
			sqlite3_bind_int64(ins, 1, (long long)e);
			sqlite3_bind_int64(ins, 2, lists[e][k].other);
			sqlite3_bind_int64(ins, 3, lists[e][k].count);
			if (sqlite3_step(ins) != SQLITE_DONE)
				rc = db_error(c, "co-mentions");
			sqlite3_reset(ins);
		}
	}
	sort_names = NULL;
done:
	for (size_t e = 0; e < nents; e++)
		free(lists[e]);
	for (int k = 0; k < maxid; k++)
		free(name[k]);
	free(name);
	free(lists);
	free(nlist);
	free(caplist);
	sqlite3_finalize(names);
	sqlite3_finalize(ins);
	return rc;
}

/* Related articles: for each article, the five others sharing the most
 * entity weight (IDF, so rare shared names count most), ties to the lower
 * id. Entities in more than `cap` articles weigh little and would make
 * every article a candidate, so they do not make articles related; that
 * keeps the cost near-linear (an in-memory accumulator per article, not a
 * SQL self-join per page). "shared" lists the shared names, weightiest
 * first. */
#define RELATED 5

typedef struct aref {
	int entity;
	double w;
	long long df;
} aref;

typedef struct weighted {
	size_t slug; /* offset in weighted_arena */
	int id;
	double w;
	long long df;
} weighted;

static const char *weighted_arena;

static int by_weighted(const void *x, const void *y)
{
	return strcmp(weighted_arena + ((const weighted *)x)->slug,
		      weighted_arena + ((const weighted *)y)->slug);
}

static int by_aref(const void *x, const void *y)
{
	int a = ((const aref *)x)->entity, b = ((const aref *)y)->entity;
	return a < b ? -1 : a > b;
}

/* The entry of wt (sorted by slug, names in arena) for slug sl, or NULL
 * when it has none or none that counts (no id): the joins leave it out. */
static const weighted *weighted_find(const weighted *wt, size_t nwt, const char *arena,
				     const char *sl)
{
	size_t lo = 0, hi = nwt;
	if (!sl)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(arena + wt[mid].slug, sl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == nwt || strcmp(arena + wt[lo].slug, sl) || wt[lo].id < 0)
		return NULL;
	return &wt[lo];
}

/* Append to refs[a] the refs of article a that st (bound to a) gives,
 * as the full scan of store_related keeps them, sorted by entity id. */
static void refs_of(aref **refs, size_t *nrefs, size_t *caprefs, sqlite3_stmt *st,
		    const weighted *wt, size_t nwt, const char *arena, size_t a)
{
	while (sqlite3_step(st) == SQLITE_ROW) {
		const weighted *w = weighted_find(wt, nwt, arena,
						  (const char *)sqlite3_column_text(st, 0));
		if (!w)
			continue;
		MORGUE_ARRAY_RESERVE(refs[a], caprefs[a], nrefs[a] + 1);
		refs[a][nrefs[a]++] = (aref){ w->id, w->w, w->df };
	}
	sqlite3_reset(st);
	if (nrefs[a] > 1)
		qsort(refs[a], nrefs[a], sizeof(*refs[a]), by_aref);
}

static int store_related(morgue_catalog *c, long long cap, const unsigned char *only,
			 size_t nonly)
{
	/* refs in any order (SQLite scans its smallest index), the entity
	 * of each looked up in memory: no join, no sort of all refs */
	sqlite3_stmt *sel = prepare(c, "SELECT article_id, entity FROM refs");
	sqlite3_stmt *ents = prepare(c, "SELECT e.slug, e.id, i.w, i.df FROM entities e"
				       " JOIN idf i ON i.entity = e.slug");
	sqlite3_stmt *names = prepare(c, "SELECT id, name FROM entities");
	sqlite3_stmt *ins = prepare(c, "INSERT INTO related VALUES(?,?,?,?,?)");
	/* with only: the refs of the articles needed, by the indexes */
	sqlite3_stmt *of_article = NULL, *of_entity = NULL;
	unsigned char *loaded = NULL; /* refs[a] is read (with only) */
	aref **refs = NULL;        /* by article id */
	size_t *nrefs = NULL, *caprefs = NULL, narts = 0;
	int **post = NULL;         /* rare entity -> article ids */
	size_t *npost = NULL, *cappost = NULL, nents = 0;
	char **name = NULL;
	double *score = NULL;
	int *touched = NULL;
	int rc = 0, sr = SQLITE_DONE;
	weighted *wt = NULL;
	size_t nwt = 0, capwt = 0;
	morgue_buf slugs = MORGUE_BUF_INIT;

	if (!sel || !ents || !names || !ins) {
		rc = MORGUE_ERROR;
		goto done;
	}
	while (sqlite3_step(ents) == SQLITE_ROW) {
		const char *sl = (const char *)sqlite3_column_text(ents, 0);
		MORGUE_ARRAY_RESERVE(wt, capwt, nwt + 1);
		wt[nwt] = (weighted){ slugs.size, sqlite3_column_int(ents, 1),
				      sqlite3_column_double(ents, 2), sqlite3_column_int64(ents, 3) };
		morgue_buf_put(&slugs, sl ? sl : "", sl ? strlen(sl) + 1 : 1);
		nwt++;
		if (wt[nwt - 1].id >= 0 && (size_t)wt[nwt - 1].id >= nents)
			nents = (size_t)wt[nwt - 1].id + 1;
	}
	weighted_arena = slugs.ptr;
	if (nwt)
		qsort(wt, nwt, sizeof(*wt), by_weighted);
	post = morgue_calloc(nents + 1, sizeof(*post));
	npost = morgue_calloc(nents + 1, sizeof(*npost));
	cappost = morgue_calloc(nents + 1, sizeof(*cappost));
	if (only) {
		/* a few articles (an edit): their refs, the postings of their
		 * rare entities and, below, the refs of their best candidates,
		 * each by an index, instead of every ref read into memory;
		 * the same arrays, in the same order, as the scan makes */
		sqlite3_stmt *max = prepare(c, "SELECT MAX(article_id) FROM refs");
		of_article = prepare(c, "SELECT entity FROM refs WHERE article_id=?");
		of_entity = prepare(c, "SELECT article_id FROM refs WHERE entity=?");
		if (!max || !of_article || !of_entity) {
			sqlite3_finalize(max);
			rc = MORGUE_ERROR;
			goto done;
		}
		if (sqlite3_step(max) == SQLITE_ROW && sqlite3_column_type(max, 0) == SQLITE_INTEGER &&
		    sqlite3_column_int64(max, 0) >= 0)
			narts = (size_t)sqlite3_column_int64(max, 0) + 1;
		sqlite3_finalize(max);
		refs = morgue_calloc(narts + 1, sizeof(*refs));
		nrefs = morgue_calloc(narts + 1, sizeof(*nrefs));
		caprefs = morgue_calloc(narts + 1, sizeof(*caprefs));
		loaded = morgue_calloc(narts + 1, 1);
		unsigned char *posted = morgue_calloc(nents + 1, 1);
		for (size_t a = 0; a < narts && a < nonly; a++) {
			if (!only[a])
				continue;
			sqlite3_bind_int64(of_article, 1, (long long)a);
			refs_of(refs, nrefs, caprefs, of_article, wt, nwt, slugs.ptr, a);
			loaded[a] = 1;
			for (size_t k = 0; k < nrefs[a]; k++) {
				int e = refs[a][k].entity;
				if (refs[a][k].df > cap || posted[e])
					continue;
				posted[e] = 1;
				for (size_t x = 0; x < nwt; x++) {
					if (wt[x].id != e)
						continue;
					sqlite3_bind_text(of_entity, 1, slugs.ptr + wt[x].slug, -1,
							  SQLITE_STATIC);
					while (sqlite3_step(of_entity) == SQLITE_ROW) {
						long long b = sqlite3_column_int64(of_entity, 0);
						if (b < 0)
							continue;
						MORGUE_ARRAY_RESERVE(post[e], cappost[e], npost[e] + 1);
						post[e][npost[e]++] = (int)b;
					}
					sqlite3_reset(of_entity);
					break;
				}
			}
		}
		free(posted);
	}
	while (!only && (sr = sqlite3_step(sel)) == SQLITE_ROW) {
		long long a64 = sqlite3_column_int64(sel, 0);
		const weighted *w = weighted_find(wt, nwt, slugs.ptr,
						  (const char *)sqlite3_column_text(sel, 1));
		if (a64 < 0 || !w)
			continue;
		size_t a = (size_t)a64;
		int e = w->id;
		if (a >= narts) {
			size_t n = a + 1 > 2 * narts ? a + 1 : 2 * narts;
			refs = morgue_realloc(refs, n * sizeof(*refs));
			nrefs = morgue_realloc(nrefs, n * sizeof(*nrefs));
			caprefs = morgue_realloc(caprefs, n * sizeof(*caprefs));
			for (size_t k = narts; k < n; k++)
				refs[k] = NULL, nrefs[k] = caprefs[k] = 0;
			narts = n;
		}
		MORGUE_ARRAY_RESERVE(refs[a], caprefs[a], nrefs[a] + 1);
		refs[a][nrefs[a]++] = (aref){ e, w->w, w->df };
		if (w->df <= cap) {
			MORGUE_ARRAY_RESERVE(post[e], cappost[e], npost[e] + 1);
			post[e][npost[e]++] = (int)a;
		}
	}
	weighted_arena = NULL;
	if (!only && sr != SQLITE_DONE) {
		rc = db_error(c, "related articles");
		goto done;
	}
	/* the order the joined query gave: refs by entity id, postings by
	 * article id (the scores are sums in that order) */
	for (size_t a = 0; a < narts && !only; a++)
		if (nrefs[a] > 1)
			qsort(refs[a], nrefs[a], sizeof(*refs[a]), by_aref);
	for (size_t e = 0; e < nents; e++)
		if (npost[e] > 1)
			qsort(post[e], npost[e], sizeof(*post[e]), cmp_int);
	name = morgue_calloc(nents + 1, sizeof(*name));
	while (sqlite3_step(names) == SQLITE_ROW) {
		size_t id = (size_t)sqlite3_column_int64(names, 0);
		if (id < nents)
			name[id] = morgue_strdup((const char *)sqlite3_column_text(names, 1));
	}
	score = morgue_calloc(narts + 1, sizeof(*score));
	touched = morgue_calloc(narts + 1, sizeof(*touched));
	for (size_t a = 0; a < narts && !rc; a++) {
		size_t nt = 0;
		if (only && (a >= nonly || !only[a]))
			continue;
		int best[RELATED];
		size_t nbest = 0;
		for (size_t k = 0; k < nrefs[a]; k++) {
			const aref *r = &refs[a][k];
			if (r->df > cap)
				continue;
			for (size_t j = 0; j < npost[r->entity]; j++) {
				int b = post[r->entity][j];
				if ((size_t)b == a)
					continue;
				if (score[b] == 0)
					touched[nt++] = b;
				score[b] += r->w;
			}
		}
		for (size_t t = 0; t < nt; t++) {
			int b = touched[t];
			size_t pos = nbest;
			while (pos > 0 && (score[best[pos - 1]] < score[b] ||
					   (score[best[pos - 1]] == score[b] && best[pos - 1] > b)))
				pos--;
			if (pos >= RELATED)
				continue;
			if (nbest < RELATED)
				nbest++;
			memmove(best + pos + 1, best + pos, (nbest - pos - 1) * sizeof(*best));
			best[pos] = b;
		}
		for (size_t k = 0; k < nbest && !rc; k++) {
			/* the rare entities both articles refer to, weightiest first */
			int b = best[k];
			aref shared[64];
			if (only && !loaded[b]) {
				sqlite3_bind_int64(of_article, 1, b);
				refs_of(refs, nrefs, caprefs, of_article, wt, nwt, slugs.ptr,
					(size_t)b);
				loaded[b] = 1;
			}
			size_t ns = 0, i = 0, j = 0;
			while (i < nrefs[a] && j < nrefs[b] && ns < 64) {
				if (refs[a][i].entity < refs[b][j].entity)
					i++;
				else if (refs[a][i].entity > refs[b][j].entity)
					j++;
				else {
					if (refs[a][i].df <= cap)
						shared[ns++] = refs[a][i];
					i++, j++;
				}
			}
			for (size_t x = 1; x < ns; x++)
				for (size_t y = x; y > 0 && (shared[y - 1].w < shared[y].w ||
					(shared[y - 1].w == shared[y].w &&
					 strcmp(name[shared[y - 1].entity] ? name[shared[y - 1].entity] : "",
						name[shared[y].entity] ? name[shared[y].entity] : "") > 0)); y--) {
					aref tmp = shared[y];
					shared[y] = shared[y - 1];
					shared[y - 1] = tmp;
				}
			morgue_buf list = MORGUE_BUF_INIT;
			for (size_t x = 0; x < ns; x++)
				morgue_buf_printf(&list, "%s%s", x ? ", " : "",
						  name[shared[x].entity] ? name[shared[x].entity] : "");
			sqlite3_bind_int64(ins, 1, (long long)a);
			sqlite3_bind_int64(ins, 2, (long long)k);
			sqlite3_bind_int64(ins, 3, b);
			sqlite3_bind_double(ins, 4, score[b]);
			bind_text(ins, 5, morgue_buf_cstr(&list));
			if (sqlite3_step(ins) != SQLITE_DONE)
				rc = db_error(c, "related articles");
			sqlite3_reset(ins);
			morgue_buf_free(&list);
		}
		for (size_t t = 0; t < nt; t++)
			score[touched[t]] = 0;
	}
done:
	for (size_t a = 0; a < narts; a++)
		free(refs[a]);
	for (size_t e = 0; e < nents; e++) {
		free(post[e]);
		if (name)
			free(name[e]);
	}
	free(refs);
	free(nrefs);
	free(caprefs);
	free(post);
	free(npost);
	free(cappost);
	free(name);
	free(score);
	free(touched);
	free(wt);
	free(loaded);
	morgue_buf_free(&slugs);
	sqlite3_finalize(of_article);
	sqlite3_finalize(of_entity);
	sqlite3_finalize(sel);
	sqlite3_finalize(ents);
	sqlite3_finalize(names);
	sqlite3_finalize(ins);
	return rc;
}

/* Co-mention pair counts from refs (the entities each article mentions:
 * its rows with mentions; a publication's row may have none). */
static int pairs_from_refs(morgue_catalog *c, pairs *pp)
{
	sqlite3_stmt *max = prepare(c, "SELECT MAX(id) FROM entities");
	sqlite3_stmt *sel = prepare(c,
		"SELECT r.article_id, e.id FROM refs r JOIN entities e ON e.slug = r.entity"
		" WHERE r.mentions > 0 ORDER BY r.article_id, e.id");
	int *ids = NULL, rc = 0, sr;
	size_t nids = 0, capids = 0;
	long long cur = -1;

	if (!max || !sel) {
		rc = MORGUE_ERROR;
		goto done;
	}
	if (sqlite3_step(max) == SQLITE_ROW && sqlite3_column_int64(max, 0) >= 0)
		pp->dmax = (size_t)sqlite3_column_int64(max, 0) + 1;
	if (pp->dmax <= DENSE_PAIRS_MAX)
		pp->dense = morgue_calloc(pp->dmax * (pp->dmax ? pp->dmax - 1 : 0) / 2 + 1,
					  sizeof(*pp->dense));
	for (;;) {
		sr = sqlite3_step(sel);
		long long a = sr == SQLITE_ROW ? sqlite3_column_int64(sel, 0) : -2;
		if (a != cur) {
			for (size_t i = 0; i < nids; i++)
				for (size_t j = i + 1; j < nids; j++)
					pairs_add(pp, ids[i], ids[j]);
			nids = 0;
			cur = a;
		}
		if (sr != SQLITE_ROW)
			break;
		MORGUE_ARRAY_RESERVE(ids, capids, nids + 1);
		ids[nids++] = sqlite3_column_int(sel, 1);
	}
	if (sr != SQLITE_DONE)
		rc = db_error(c, "co-mentions");
done:
	free(ids);
	sqlite3_finalize(max);
	sqlite3_finalize(sel);
	return rc;
}

static int by_old_ref(const void *x, const void *y)
{
	const struct old_ref *a = x, *b = y;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return strcmp(a->entity, b->entity);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* finish on a reopened catalog: the refs of the added articles, then
 * only what the dropped and added articles can change. With the same
 * number of articles, idf changes only for the entities they refer to
 * (before or after), co-mentions only when the set of entities one of
 * them mentions changed, and related lists only for them and for the
 * articles sharing an entity that one of them gained or lost (an entity
 * rare enough to count, see store_related). Anything else recomputes
 * the derived tables from refs. The previous statistics stay (no ANALYZE:
 * they steer query plans, never results). */
static int finish_incremental(morgue_catalog *c)
{
	sqlite3_stmt *st = NULL;
	struct old_ref *now = NULL;
	size_t nnow = 0, capnow = 0;
	char **ents = NULL;
	size_t nents = 0, capents = 0;
	unsigned char *only = NULL;
	size_t nonly = 0;
	pairs pp = { 0 };
	int rc = 0, full, mention_sets_same = 1, sets_same = 1;
	long long narts = morgue_catalog_count(c, "articles");

	rc = exec(c, "DELETE FROM temp.touched;");
	if (!rc && !(st = prepare(c, "INSERT OR IGNORE INTO temp.touched VALUES(?)")))
		rc = MORGUE_ERROR;
	for (size_t i = 0; i < c->nadded && !rc; i++) {
		sqlite3_bind_int64(st, 1, c->added[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_error(c, "finish");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc)
		rc = exec(c,
			"INSERT OR IGNORE INTO refs(article_id, entity, mentions, date, path)"
			"  SELECT id, publication_entity, 0, date, path"
			"  FROM articles WHERE publication_entity IS NOT NULL AND id IN temp.touched;"
			"CREATE INDEX IF NOT EXISTS refs_entity ON refs(entity, date DESC, path, mentions,"
			"  first_offset, kwic_before, kwic_match, kwic_after);");
	if (rc)
		goto done;
	/* the refs of the added articles, to compare with the dropped ones' */
	if (!(st = prepare(c, "SELECT article_id, entity, mentions FROM refs"
			      " WHERE article_id IN temp.touched"))) {
		rc = MORGUE_ERROR;
		goto done;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(now, capnow, nnow + 1);
		now[nnow].id = sqlite3_column_int64(st, 0);
		now[nnow].entity = morgue_strdup((const char *)sqlite3_column_text(st, 1));
		now[nnow++].mentions = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (c->nold)
		qsort(c->old, c->nold, sizeof(*c->old), by_old_ref);
	if (nnow)
		qsort(now, nnow, sizeof(*now), by_old_ref);
	/* merge the two sorted lists: entities gained or lost (ents), and
	 * whether any article's mentioned set changed */
	for (size_t i = 0, j = 0; i < c->nold || j < nnow;) {
		int d = i == c->nold ? 1 : j == nnow ? -1 : by_old_ref(&c->old[i], &now[j]);
		const char *e;
		if (d == 0) {
			if ((c->old[i].mentions > 0) != (now[j].mentions > 0))
				mention_sets_same = 0;
			i++, j++;
			continue;
		}
		if (d < 0) {
			e = c->old[i].entity;
			if (c->old[i++].mentions > 0)
				mention_sets_same = 0;
		} else {
			e = now[j].entity;
			if (now[j++].mentions > 0)
				mention_sets_same = 0;
		}
		sets_same = 0;
		MORGUE_ARRAY_RESERVE(ents, capents, nents + 1);
		ents[nents++] = (char *)e;
	}
	full = narts != c->prev_articles;
	if (full) {
		rc = exec(c, "DELETE FROM idf; DELETE FROM comentions; DELETE FROM related;"
			     "INSERT INTO idf SELECT entity, COUNT(*),"
			     "  ln(1.0 + (SELECT COUNT(*) FROM articles) * 1.0 / COUNT(*)), SUM(mentions)"
			     "  FROM refs GROUP BY entity;");
	} else {
		/* idf of every entity the changed articles refer to, before or after */
		rc = exec(c,
			"DELETE FROM temp.touched;"
			"CREATE TEMP TABLE IF NOT EXISTS touched_entities(slug TEXT PRIMARY KEY);"
			"DELETE FROM temp.touched_entities;");
		if (!rc && !(st = prepare(c, "INSERT OR IGNORE INTO temp.touched_entities VALUES(?)")))
			rc = MORGUE_ERROR;
		for (size_t i = 0; i < c->nold + nnow && !rc; i++) {
			const char *e = i < c->nold ? c->old[i].entity : now[i - c->nold].entity;
			sqlite3_bind_text(st, 1, e, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = db_error(c, "finish");
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
		st = NULL;
		if (!rc)
			rc = exec(c,
				"DELETE FROM idf WHERE entity IN temp.touched_entities;"
				"INSERT INTO idf SELECT entity, COUNT(*),"
				"  ln(1.0 + (SELECT COUNT(*) FROM articles) * 1.0 / COUNT(*)), SUM(mentions)"
				"  FROM refs WHERE entity IN temp.touched_entities GROUP BY entity;");
	}
	if (rc)
		goto done;
	if (full || !mention_sets_same) {
		if (!full)
			rc = exec(c, "DELETE FROM comentions;");
		if (!rc)
			rc = pairs_from_refs(c, &pp);
		if (!rc)
			rc = store_comentions(c, &pp);
		if (rc)
			goto done;
	}
	c->related_cap = 200 + narts / 100;
	if (!full) {
		/* the articles whose related lists may change: the changed
		 * ones, and those referring to an entity they gained or lost
		 * that is rare enough to count (its df then was at most
		 * cap + the number of changed articles) */
		nonly = (size_t)narts + 1;
		for (size_t i = 0; i < c->nadded; i++)
			if ((size_t)c->added[i] + 1 > nonly)
				nonly = (size_t)c->added[i] + 1;
		only = morgue_calloc(nonly, 1);
		for (size_t i = 0; i < c->nadded; i++)
			only[c->added[i]] = 1;
		if (!sets_same) {
			if (nents)
				qsort(ents, nents, sizeof(*ents), cmp_str);
			st = prepare(c, "SELECT r.article_id FROM refs r WHERE r.entity=?1"
				        " AND (SELECT df FROM idf WHERE entity=?1) <= ?2");
			if (!st) {
				rc = MORGUE_ERROR;
				goto done;
			}
			for (size_t i = 0; i < nents; i++) {
				if (i && !strcmp(ents[i], ents[i - 1]))
					continue;
				sqlite3_bind_text(st, 1, ents[i], -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 2, c->related_cap + (long long)c->nadded);
				while (sqlite3_step(st) == SQLITE_ROW) {
					long long a = sqlite3_column_int64(st, 0);
					if (a >= 0 && (size_t)a < nonly)
						only[a] = 1;
				}
				sqlite3_reset(st);
			}
			sqlite3_finalize(st);
			st = NULL;
		}
		if (!(st = prepare(c, "DELETE FROM related WHERE article_id=?"))) {
			rc = MORGUE_ERROR;
			goto done;
		}
		for (size_t a = 0; a < nonly && !rc; a++) {
			if (!only[a])
				continue;
			sqlite3_bind_int64(st, 1, (long long)a);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = db_error(c, "related articles");
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (!rc)
		rc = store_related(c, c->related_cap, only, nonly);
done:
	sqlite3_finalize(st);
	for (size_t i = 0; i < nnow; i++)
		free(now[i].entity);
	free(now);
	free(ents);
	free(only);
	free(pp.t);
	free(pp.dense);
	for (size_t i = 0; i < c->nold; i++)
		free(c->old[i].entity);
	c->nold = 0;
	c->nadded = 0;
	return rc;
}

int morgue_catalog_finish(morgue_catalog *c)
{
	pairs pp = { 0 };
	if (c->incremental)
		return finish_incremental(c);
	/* the indexes in entity (or tag) order are built from the finished
	 * tables, one sort each, rather than updated at random on every
	 * insert of the load; SORT_CACHE: see there */
	int rc = exec(c, SORT_CACHE
		"CREATE INDEX IF NOT EXISTS tags_slug ON tags(slug, date DESC, path, article_id, tag);"
		/* an article's tags (its page, every article list's cards)
		 * from the index alone: the key's index sent each row to the
		 * table for its tag */
		"CREATE INDEX IF NOT EXISTS tags_article ON tags(article_id, slug, tag);"
		"CREATE INDEX IF NOT EXISTS attributions_source ON attributions(source,"
		"  date DESC, path, article_id, seq, kind);");
	if (!rc)
		rc = pairs_from_refs(c, &pp);
	if (!rc)
		rc = exec(c,
			"INSERT OR IGNORE INTO refs(article_id, entity, mentions, date, path)"
			"  SELECT id, publication_entity, 0, date, path"
			"  FROM articles WHERE publication_entity IS NOT NULL;"
			"CREATE INDEX refs_entity ON refs(entity, date DESC, path, mentions,"
			"  first_offset, kwic_before, kwic_match, kwic_after);"
			"INSERT INTO idf SELECT entity, COUNT(*),"
			"  ln(1.0 + (SELECT COUNT(*) FROM articles) * 1.0 / COUNT(*)), SUM(mentions)"
			"  FROM refs GROUP BY entity;");
	if (!rc)
		rc = store_comentions(c, &pp);
	free(pp.t);
	free(pp.dense);
	/* 200 + 1% of the archive: 210 at 1k articles, 1,200 at 100k */
	c->related_cap = 200 + morgue_catalog_count(c, "articles") / 100;
	if (!rc)
		rc = store_related(c, c->related_cap, NULL, 0);
	if (!rc)
		/* approximate statistics (about 1000 rows an index) pick the
		 * same plans at a tenth of the cost of a full scan; of the
		 * catalog only: a bare ANALYZE also wrote into an attached
		 * previous cache, which the search thread reads meanwhile */
		rc = exec(c, "PRAGMA analysis_limit=1000; ANALYZE main;");
	if (!rc)
		rc = exec(c, "PRAGMA cache_size=" CATALOG_CACHE ";");
	return rc;
}

int morgue_catalog_entity_exists(morgue_catalog *c, const char *slug)
{
	/* asked for every inline mention and publication: kept prepared */
	sqlite3_stmt *st = cached(c, "SELECT 1 FROM entities WHERE slug=?");
	int found;
	if (!st)
		return 0;
	bind_text(st, 1, slug);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

int morgue_catalog_entity_slugs(morgue_catalog *c, char ***slugs, size_t *n)
{
	sqlite3_stmt *st = prepare(c, "SELECT slug FROM entities ORDER BY slug");
	size_t cap = 0;
	int sr;

	*slugs = NULL;
	*n = 0;
	if (!st)
		return MORGUE_ERROR;
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(*slugs, cap, *n + 1);
		(*slugs)[(*n)++] = morgue_strdup((const char *)sqlite3_column_text(st, 0));
	}
	int rc = sr == SQLITE_DONE ? 0 : db_error(c, "entity slugs");
	sqlite3_finalize(st);
	return rc;
}

long long morgue_catalog_count(morgue_catalog *c, const char *table)
{
	morgue_buf sql = MORGUE_BUF_INIT;
	long long n = 0;
	morgue_buf_printf(&sql, "SELECT COUNT(*) FROM \"%s\"", table);
	sqlite3_stmt *st = prepare(c, sql.ptr);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	morgue_buf_free(&sql);
	return n;
}

/* An SQL string literal of s (quotes doubled), for ATTACH. */
static void put_quoted(morgue_buf *sql, const char *s)
{
	char *q = sqlite3_mprintf("%Q", s);
	morgue_buf_puts(sql, q);
	sqlite3_free(q);
}

/* SQL that attaches the file at path as alias. The exports write files
 * in the staging directory, which a failed build deletes: no journal and
 * no syncs. secure_delete: what an update of the published archive.sqlite
 * deletes (an article taken down) must not stay in its free pages; on in
 * Debian's SQLite by default, off in SQLite's own. */
static void put_attach(morgue_buf *sql, const char *path, const char *alias)
{
	morgue_buf_puts(sql, "ATTACH DATABASE ");
	put_quoted(sql, path);
	morgue_buf_printf(sql, " AS %s; PRAGMA %s.journal_mode=OFF; PRAGMA %s.synchronous=OFF;"
			  " PRAGMA %s.secure_delete=ON;", alias, alias, alias, alias);
}

/* Run body with the file at path attached as alias. */
static int exec_attached(morgue_catalog *c, const char *path, const char *alias,
			 const char *body)
{
	morgue_buf sql = MORGUE_BUF_INIT;
	put_attach(&sql, path, alias);
	morgue_buf_puts(&sql, body);
	morgue_buf_printf(&sql, "DETACH DATABASE %s;", alias);
	int rc = exec(c, sql.ptr);
	morgue_buf_free(&sql);
	return rc;
}

/* The full-text index: its rows come from the articles' title and text
 * (ftsindex.h makes the same rows while the articles load). */
#define FTS_TOKENIZE MORGUE_FTSINDEX_TOKENIZE

/* What archive.sqlite's tables hold, from the catalog's: export_tables
 * creates each from all rows, export_update inserts those of the changed
 * articles (alias a: articles; article_id: the rest). */
#define EXPORT_ENTITIES "SELECT id, slug, name, type, description, url, wikidata, aliases" \
	" FROM entities"
/* export.articles' columns as CREATE TABLE ... AS EXPORT_ARTICLES
 * declared them, but for id */
#define EXPORT_ARTICLES_COLUMNS "id INTEGER PRIMARY KEY, path TEXT, url, title TEXT," \
	" date TEXT, datetime TEXT, publication TEXT, publication_entity TEXT, authors TEXT," \
	" source_url TEXT, oid TEXT, text TEXT, words INT"
#define EXPORT_ARTICLES "SELECT a.id AS id, a.path AS path," \
	"  'articles/' || a.path || '.html' AS url, a.title AS title, a.date AS date," \
	"  a.datetime AS datetime, a.publication AS publication," \
	"  a.publication_entity AS publication_entity, a.authors AS authors," \
	"  a.source_url AS source_url, a.oid AS oid, b.text AS text, a.words AS words" \
	"  FROM articles a JOIN bodies b ON b.id = a.id"
#define EXPORT_TAGS "SELECT article_id, tag, slug FROM tags"
#define EXPORT_TAGS_ORDER " ORDER BY article_id, rowid"
#define EXPORT_MENTIONS "SELECT article_id, entity, surface, offset, length, source FROM mentions"
#define EXPORT_MENTIONS_ORDER " ORDER BY article_id, id"
#define EXPORT_REVISIONS "SELECT article_id, seq, commit_id, date, author, summary," \
	" article_change, annotations_change FROM revisions"
#define EXPORT_REVISION_ENTITIES "SELECT * FROM revision_entities"
#define EXPORT_ATTRIBUTIONS "SELECT article_id, seq, source, source_text, kind, cue," \
	" affiliation, count, offset, length, quote, origin FROM attributions"
#define EXPORT_ATTRIBUTIONS_ORDER " ORDER BY article_id, seq" /* seq follows id within an article */

/* The indexes an updated export must have (made by export_tables). */
#define EXPORT_INDEXES "'articles_path', 'mentions_article', 'attributions_article'"

/* The public tables, in one transaction; with in_place the full-text index
 * is filled from them, otherwise it is left empty for
 * morgue_catalog_export_fts_fill. */
static int export_tables(morgue_catalog *c, const char *path, int in_place)
{
	morgue_buf sql = MORGUE_BUF_INIT;
	morgue_buf_puts(&sql, SORT_CACHE
		"BEGIN;"
		"CREATE TABLE export.entities AS " EXPORT_ENTITIES ";"
		/* id is the rowid: the full-text index reads its content
		 * rows by it (content_rowid), and an update finds them */
		"CREATE TABLE export.articles(" EXPORT_ARTICLES_COLUMNS ");"
		"INSERT INTO export.articles " EXPORT_ARTICLES " ORDER BY a.id;"
		/* rows in insertion order (a clean build's rowid order; a
		 * rebuild on a reopened catalog re-adds changed articles' rows
		 * at the end) */
		"CREATE TABLE export.tags AS " EXPORT_TAGS EXPORT_TAGS_ORDER ";"
		"CREATE TABLE export.mentions AS " EXPORT_MENTIONS EXPORT_MENTIONS_ORDER ";"
		"CREATE TABLE export.revisions AS " EXPORT_REVISIONS ";"
		"CREATE TABLE export.revision_entities AS " EXPORT_REVISION_ENTITIES ";"
		"CREATE TABLE export.attributions AS " EXPORT_ATTRIBUTIONS EXPORT_ATTRIBUTIONS_ORDER ";"
		"CREATE INDEX export.attributions_source ON attributions(source, article_id);"
		/* full-text search for `morgue search` and researchers */
		"CREATE VIRTUAL TABLE export.articles_fts USING fts5(" MORGUE_FTSINDEX_COLUMNS ","
		"  content='articles', content_rowid='id',  " FTS_TOKENIZE ");");
	if (in_place)
		morgue_buf_puts(&sql, "INSERT INTO export.articles_fts(articles_fts) VALUES('rebuild');");
	morgue_buf_puts(&sql,
		"CREATE INDEX export.mentions_entity ON mentions(entity, article_id);"
		"CREATE INDEX export.tags_slug ON tags(slug);"
		/* EXPORT_INDEXES: one article's rows without a scan (what
		 * researchers ask for, and what an update deletes) */
		"CREATE INDEX export.articles_path ON articles(path);"
		"CREATE INDEX export.mentions_article ON mentions(article_id);"
		"CREATE INDEX export.attributions_article ON attributions(article_id);"
		"PRAGMA export.user_version = 1;"
		"COMMIT;"
		"PRAGMA cache_size=" SHARED_CACHE ";");
	int rc = exec_attached(c, path, "export", sql.ptr);
	morgue_buf_free(&sql);
	return rc;
}

int morgue_catalog_export_update(morgue_catalog *c, const char *path, const long long *ids,
				 size_t n)
{
	sqlite3_stmt *st = NULL;
	morgue_buf sql = MORGUE_BUF_INIT;
	int attached = 0;
	int rc = exec(c, "CREATE TEMP TABLE IF NOT EXISTS export_ids(id INTEGER PRIMARY KEY);"
			 "DELETE FROM temp.export_ids;");
	if (!rc)
		rc = insert_ids(c, "INSERT OR IGNORE INTO temp.export_ids VALUES(?)", ids, n);
	if (rc)
		goto done;
	put_attach(&sql, path, "export");
	if ((rc = exec(c, sql.ptr)) < 0)
		goto done;
	attached = 1;
	/* articles added after the file's last one are new too */
	if ((rc = exec(c, "INSERT OR IGNORE INTO temp.export_ids SELECT id FROM articles"
			  " WHERE id > (SELECT coalesce(max(id), 0) FROM export.articles);")) < 0)
		goto done;
	/* a file whose other articles are not the catalog's is refused */
	if (!(st = prepare(c, "PRAGMA export.user_version"))) {
		rc = MORGUE_ERROR;
		goto done;
	}
	int same = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	st = NULL;
	/* counted in the index's one small row per article (docsize), each
	 * of which must have its article, and the last ids the same; not
	 * in the articles' rows (their text: a scan of the whole file, and
	 * a lookup by id reads a page per article), but in articles_path,
	 * which holds every id (the planner scans it, as the smallest). A
	 * file whose id is not the rowid, or without the indexes of
	 * export_tables (an older morgue's), is made anew */
	if (same && !(st = prepare(c, "SELECT (SELECT pk FROM pragma_table_info('articles', 'export')"
				      "  WHERE name = 'id') = 1"
				      " AND (SELECT count(*) FROM export.sqlite_schema WHERE type = 'index'"
				      "  AND name IN (" EXPORT_INDEXES ")) = 3"
				      " AND (SELECT count(*) FROM export.articles_fts_docsize"
				      "  WHERE id NOT IN temp.export_ids) ="
				      " (SELECT count(*) FROM articles WHERE id NOT IN temp.export_ids)"
				      " AND NOT EXISTS (SELECT id FROM export.articles_fts_docsize"
				      "  EXCEPT SELECT id FROM export.articles)"
				      " AND (SELECT max(id) FROM export.articles) IS"
				      " (SELECT max(id) FROM export.articles_fts_docsize)"))) {
		rc = MORGUE_ERROR;
		goto done;
	}
	if (!same || sqlite3_step(st) != SQLITE_ROW || !sqlite3_column_int(st, 0)) {
		rc = morgue_error_set(MORGUE_ERROR, path, 0, "not the previous build's export");
		goto done;
	}
	/* the index's entries of the old rows are deleted with the values
	 * they were made from (an external-content table keeps none) */
	rc = exec(c,
		"BEGIN;"
		"INSERT INTO export.articles_fts(articles_fts, rowid, title, text)"
		"  SELECT 'delete', id, title, text FROM export.articles"
		"  WHERE id IN temp.export_ids;"
		"DELETE FROM export.articles WHERE id IN temp.export_ids;"
		"DELETE FROM export.tags WHERE article_id IN temp.export_ids;"
		"DELETE FROM export.mentions WHERE article_id IN temp.export_ids;"
		"DELETE FROM export.attributions WHERE article_id IN temp.export_ids;"
		/* entities and histories are small, and any of them may change */
		"DELETE FROM export.entities;"
		"DELETE FROM export.revisions;"
		"DELETE FROM export.revision_entities;"
		"INSERT INTO export.entities " EXPORT_ENTITIES ";"
		"INSERT INTO export.articles " EXPORT_ARTICLES
		"  WHERE a.id IN temp.export_ids ORDER BY a.id;"
		"INSERT INTO export.tags " EXPORT_TAGS " WHERE article_id IN temp.export_ids"
		EXPORT_TAGS_ORDER ";"
		"INSERT INTO export.mentions " EXPORT_MENTIONS " WHERE article_id IN temp.export_ids"
		EXPORT_MENTIONS_ORDER ";"
		"INSERT INTO export.revisions " EXPORT_REVISIONS ";"
		"INSERT INTO export.revision_entities " EXPORT_REVISION_ENTITIES ";"
		"INSERT INTO export.attributions " EXPORT_ATTRIBUTIONS
		"  WHERE article_id IN temp.export_ids" EXPORT_ATTRIBUTIONS_ORDER ";"
		"INSERT INTO export.articles_fts(rowid, title, text)"
		"  SELECT id, title, text FROM export.articles WHERE id IN temp.export_ids"
		"  ORDER BY id;"
		"COMMIT;");
	if (rc < 0 && !sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK;", NULL, NULL, NULL);
done:
	sqlite3_finalize(st);
	if (attached)
		sqlite3_exec(c->db, "DETACH DATABASE export;", NULL, NULL, NULL);
	morgue_buf_free(&sql);
	return rc;
}

int morgue_catalog_export(morgue_catalog *c, const char *path)
{
	return export_tables(c, path, 1);
}

int morgue_catalog_export_tables(morgue_catalog *c, const char *path)
{
	return export_tables(c, path, 0);
}

int morgue_catalog_export_fts(morgue_catalog *c, const char *fts_path)
{
	/* a contentless index of the same rows in rowid order: the same
	 * index rows as 'rebuild' of the external-content table makes */
	return exec_attached(c, fts_path, "fts",
		"BEGIN;"
		"CREATE VIRTUAL TABLE fts.articles_fts USING fts5(" MORGUE_FTSINDEX_COLUMNS ", content='',"
		"  " FTS_TOKENIZE ");"
		"INSERT INTO fts.articles_fts(rowid, title, text)"
		"  SELECT a.id, a.title, b.text FROM articles a JOIN bodies b ON b.id = a.id"
		"  ORDER BY a.id;"
		"COMMIT;");
}

int morgue_catalog_export_fts_fill(morgue_catalog *c, const char *path, const char *fts_path)
{
	morgue_buf sql = MORGUE_BUF_INIT;
	morgue_buf_puts(&sql, "ATTACH DATABASE ");
	put_quoted(&sql, fts_path);
	/* the shadow tables' rows, as FTS5 reads them; the configuration
	 * row ('version') is the same for both kinds of table */
	morgue_buf_puts(&sql,
		" AS fts;"
		"BEGIN;"
		"DELETE FROM export.articles_fts_data;"
		"INSERT INTO export.articles_fts_data SELECT * FROM fts.articles_fts_data"
		"  ORDER BY id;"
		"INSERT INTO export.articles_fts_idx SELECT * FROM fts.articles_fts_idx"
		"  ORDER BY segid, term;"
		"INSERT INTO export.articles_fts_docsize SELECT * FROM fts.articles_fts_docsize"
		"  ORDER BY id;"
		"COMMIT;"
		"DETACH DATABASE fts;");
	int rc = exec_attached(c, path, "export", sql.ptr);
	morgue_buf_free(&sql);
	return rc;
}

/* ---- reading: rows become template maps ---- */

static const char *month_names[] = { "January", "February", "March", "April",
				     "May", "June", "July", "August",
				     "September", "October", "November", "December" };

static int two_digits(const char *p)
{
	return p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9';
}

/* n >= 0 in decimal, as %d prints it. */
static void put_uint(morgue_buf *out, int n)
{
	char d[12];
	size_t k = sizeof(d);
	do {
		d[--k] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	morgue_buf_put(out, d + k, sizeof(d) - k);
}

/* "2017-05-27" -> "May 27, 2017"; anything else is copied. */
static void display_date(morgue_buf *out, const char *d)
{
	int y, m, day;
	/* the usual "YYYY-MM-DD" and "YYYY-MM" without sscanf/printf (a
	 * call per date of every listed article); the same text */
	if (d && two_digits(d) && two_digits(d + 2) && d[4] == '-' && two_digits(d + 5)) {
		y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
		m = (d[5] - '0') * 10 + (d[6] - '0');
		if (m >= 1 && m <= 12 && d[7] == '-' && two_digits(d + 8)) {
			day = (d[8] - '0') * 10 + (d[9] - '0');
			morgue_buf_puts(out, month_names[m - 1]);
			morgue_buf_putc(out, ' ');
			put_uint(out, day);
			morgue_buf_put(out, ", ", 2);
			put_uint(out, y);
			return;
		}
		if (m >= 1 && m <= 12 && d[7] == '\0') {
			morgue_buf_puts(out, month_names[m - 1]);
			morgue_buf_putc(out, ' ');
			put_uint(out, y);
			return;
		}
	}
	if (d && sscanf(d, "%4d-%2d-%2d", &y, &m, &day) == 3 && m >= 1 && m <= 12)
		morgue_buf_printf(out, "%s %d, %d", month_names[m - 1], day, y);
	else if (d && sscanf(d, "%4d-%2d", &y, &m) == 2 && m >= 1 && m <= 12)
		morgue_buf_printf(out, "%s %d", month_names[m - 1], y);
	else if (d)
		morgue_buf_puts(out, d);
}

/* Append one map per row; columns become keys (text, integer, real, null).
 * A column named "date" also gives "date_display"; "month" ("YYYY-MM")
 * gives "month_display". */
#define ROW_COLS 64

/* The derived names rows_into adds next to a "date" or "month" column. */
static const char *const display_names[2] = { "date_display", "month_display" };

/* Whether the n names (and the display names their date and month columns
 * add) are all distinct: then each row's values go in without a search
 * for an old one of the same name (morgue_value_set_new). */
static int names_distinct(const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		if (!strcmp(names[i], display_names[0]) || !strcmp(names[i], display_names[1]))
			return 0;
		for (int k = 0; k < i; k++)
			if (!strcmp(names[i], names[k]))
				return 0;
	}
	return 1;
}

static int rows_into(morgue_value *list, sqlite3_stmt *st)
{
	int r;
	/* the names are the statement's: looked up once, on the first row
	 * (the first step may re-prepare the statement, which frees names
	 * asked for before it), not per row; with their hashes when they
	 * are distinct */
	const char *names[ROW_COLS];
	unsigned hashes[ROW_COLS], display_hashes[2] = { 0, 0 };
	signed char display_of[ROW_COLS]; /* -1, or the display name a text adds */
	int ncols = -1, distinct = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		morgue_value *m = morgue_value_push_map(list);
		int n = sqlite3_column_count(st);
		/* its columns, and a display form or two (date, month) */
		morgue_value_reserve(m, (size_t)n + 2);
		if (ncols < 0) {
			ncols = n;
			for (int i = 0; i < n && i < ROW_COLS; i++) {
				names[i] = sqlite3_column_name(st, i);
				hashes[i] = morgue_value_key_hash(names[i]);
				display_of[i] = !strcmp(names[i], "date") ? 0
						: !strcmp(names[i], "month") ? 1 : -1;
			}
			distinct = n <= ROW_COLS && names_distinct(names, n);
			for (int k = 0; k < 2; k++)
				display_hashes[k] = morgue_value_key_hash(display_names[k]);
		}
		int fast = distinct && n == ncols;
		for (int i = 0; i < n; i++) {
			int known = i < ROW_COLS && n == ncols;
			const char *name = known ? names[i] : sqlite3_column_name(st, i);
			morgue_value *v;
			int display = -1;
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				v = morgue_value_number((double)sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				v = morgue_value_number(sqlite3_column_double(st, i));
				break;
			case SQLITE_NULL:
				v = morgue_value_null();
				break;
			default: {
				const char *t = (const char *)sqlite3_column_text(st, i);
				v = morgue_value_stringn(t, (size_t)sqlite3_column_bytes(st, i));
				display = known ? display_of[i]
						: !strcmp(name, "date") ? 0 : !strcmp(name, "month") ? 1 : -1;
			}
			}
			if (fast)
				morgue_value_set_new(m, name, hashes[i], v);
			else
				morgue_value_set(m, name, v);
			if (display >= 0) {
				morgue_buf b = MORGUE_BUF_INIT;
				display_date(&b, morgue_value_get_string(v));
				v = morgue_value_string_own(morgue_buf_detach(&b));
				if (fast)
					morgue_value_set_new(m, display_names[display],
							     display_hashes[display], v);
				else
					morgue_value_set(m, display_names[display], v);
			}
		}
	}
	return r == SQLITE_DONE ? 0 : MORGUE_ERROR;
}

/* Run sql into a new list of maps. Named parameters :p1 :p2 (text) and
 * :i1 :i2 (integers) are bound from the arguments when the SQL uses them. */
/* A prepared statement for sql from the cache (reset, bindings cleared),
 * preparing and caching it on first use. The cache owns it: do not
 * finalize. When the cache is full the statement is still cached in the
 * last slot, replacing the one there. */
static sqlite3_stmt *cached(morgue_catalog *c, const char *sql)
{
	for (size_t i = 0; i < c->ncache; i++)
		if (!strcmp(c->cache[i].sql, sql)) {
			sqlite3_reset(c->cache[i].st);
			sqlite3_clear_bindings(c->cache[i].st);
			return c->cache[i].st;
		}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_error(c, "prepare");
		sqlite3_finalize(st);
		return NULL;
	}
	size_t slot = c->ncache < STMT_CACHE ? c->ncache++ : STMT_CACHE - 1;
	if (c->cache[slot].st) {
		sqlite3_finalize(c->cache[slot].st);
		free(c->cache[slot].sql);
	}
	c->cache[slot].sql = morgue_strdup(sql);
	c->cache[slot].st = st;
	return st;
}

/* query with a third text parameter, :p3. */
static morgue_value *query3(morgue_catalog *c, const char *sql, const char *p1,
			    const char *p2, const char *p3, long long i1, long long i2)
{
	morgue_value *list = morgue_value_list();
	sqlite3_stmt *st = cached(c, sql);
	if (!st)
		return list;
	int np = sqlite3_bind_parameter_count(st);
	for (int i = 1; i <= np; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		if (!name)
			continue;
		if (!strcmp(name, ":p1")) bind_text(st, i, p1);
		else if (!strcmp(name, ":p2")) bind_text(st, i, p2);
		else if (!strcmp(name, ":p3")) bind_text(st, i, p3);
		else if (!strcmp(name, ":i1")) sqlite3_bind_int64(st, i, i1);
		else if (!strcmp(name, ":i2")) sqlite3_bind_int64(st, i, i2);
	}
	if (rows_into(list, st) < 0)
		db_error(c, "query");
	sqlite3_reset(st);
	return list;
}

static morgue_value *query(morgue_catalog *c, const char *sql, const char *p1,
			   const char *p2, long long i1, long long i2)
{
	return query3(c, sql, p1, p2, NULL, i1, i2);
}

#define ARTICLE_COLS                                                              \
	"a.id, a.path, 'articles/' || a.path || '.html' AS url, a.title, a.date,"   \
	" substr(a.date,1,4) AS year, substr(a.date,1,7) AS month,"                 \
	" a.publication_name AS publication,"                                        \
	" CASE WHEN a.publication_entity IS NOT NULL"                               \
	"  THEN 'entities/' || a.publication_entity || '.html' END"                 \
	" AS publication_url, a.excerpt, a.words"
#define ARTICLE_FROM " FROM articles a"

/* The condition on articles a of a list's filter; "1" for none. */
static const char *article_filter(const char *filter)
{
	if (!filter)
		return "1";
	if (!strcmp(filter, "tag"))
		return "a.id IN (SELECT article_id FROM tags WHERE slug=:p1)";
	if (!strcmp(filter, "entity"))
		return "a.id IN (SELECT article_id FROM refs WHERE entity=:p1)";
	/* ranges, so the date index answers them */
	if (!strcmp(filter, "year") || !strcmp(filter, "month"))
		return "a.date >= :p1 AND a.date < :p1 || '~'";
	if (!strcmp(filter, "publication"))
		return "a.publication_entity=:p1";
	return "0";
}

/* Tags of each article in list, as a "tags" list of {tag, url} by slug.
 * One query for the whole list (a statement per article was run some
 * 140,000 times for 10k articles). */
typedef struct id_pos {
	long long id;
	size_t pos;
} id_pos;

static int by_id(const void *x, const void *y)
{
	long long a = ((const id_pos *)x)->id, b = ((const id_pos *)y)->id;
	return a < b ? -1 : a > b;
}

static void add_tags(morgue_catalog *c, morgue_value *list)
{
	size_t n = morgue_value_count(list);
	if (!n)
		return;
	sqlite3_stmt *st = cached(c, "SELECT article_id, tag, 'tags/' || slug || '.html' AS url"
				     " FROM tags WHERE article_id IN (SELECT value FROM json_each(?))"
				     " ORDER BY article_id, slug");
	id_pos *ix = morgue_malloc(n * sizeof(*ix));
	morgue_value **tags = morgue_malloc(n * sizeof(*tags));
	morgue_buf ids = MORGUE_BUF_INIT;
	morgue_buf_putc(&ids, '[');
	for (size_t i = 0; i < n; i++) {
		morgue_value *a = morgue_value_at(list, i);
		tags[i] = morgue_value_set_list(a, "tags");
		ix[i] = (id_pos){ (long long)morgue_value_get_number(morgue_value_get(a, "id")), i };
		morgue_buf_printf(&ids, "%s%lld", i ? "," : "", ix[i].id);
	}
	morgue_buf_putc(&ids, ']');
	qsort(ix, n, sizeof(*ix), by_id);
	if (st) {
		sqlite3_bind_text(st, 1, ids.ptr, (int)ids.size, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			id_pos key = { sqlite3_column_int64(st, 0), 0 };
			const id_pos *hit = bsearch(&key, ix, n, sizeof(*ix), by_id);
			if (!hit)
				continue;
			/* every article with that id (a list holds an article once) */
			while (hit > ix && hit[-1].id == key.id)
				hit--;
			for (; hit < ix + n && hit->id == key.id; hit++) {
				morgue_value *t = morgue_value_push_map(tags[hit->pos]);
				morgue_value_set(t, "tag", morgue_value_stringn(
					(const char *)sqlite3_column_text(st, 1),
					(size_t)sqlite3_column_bytes(st, 1)));
				morgue_value_set(t, "url", morgue_value_stringn(
					(const char *)sqlite3_column_text(st, 2),
					(size_t)sqlite3_column_bytes(st, 2)));
			}
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	/* cached: the cache owns st */
	morgue_buf_free(&ids);
	free(ix);
	free(tags);
}

/* Where a page of a list starts: at :i2 rows in (OFFSET), or, after, just
 * after the article (:p2 date, :p3 path) that ended the page before. In
 * (date DESC, path) order: rows of an earlier date, or of that date and a
 * later path. Both are cut from an index in page order, but OFFSET steps
 * over every row before the page: paging through a long list that way is
 * quadratic (349M index steps for the entity pages of 100k articles). A
 * path compares in its column's collation, the order's. */
#define PAGE_AFTER(t) " AND " t "date <= :p2 AND (" t "date < :p2 OR " t "path > :p3)" \
	" ORDER BY " t "date DESC, " t "path LIMIT :i1"
#define PAGE_OFFSET(t) " ORDER BY " t "date DESC, " t "path LIMIT :i1 OFFSET :i2"
#define PAGE_AT(after, t) ((after) ? PAGE_AFTER(t) : PAGE_OFFSET(t))

static morgue_value *articles_page(morgue_catalog *c, const char *filter, const char *key,
				   int limit, int offset, const char *date, const char *path)
{
	morgue_buf sql = MORGUE_BUF_INIT;
	int after = path != NULL;
	/* for a tag or entity, start from its few rows (CROSS JOIN fixes the
	 * order) and sort them, rather than walking the date index over all
	 * articles and testing each (a full scan per page). The page is cut
	 * first, from a covering index in page order (PAGE_AT), and only its
	 * rows are joined. (date DESC, path) is a total order: paths are
	 * unique. */
	if (filter && !strcmp(filter, "tag"))
		morgue_buf_printf(&sql, "SELECT " ARTICLE_COLS " FROM (SELECT article_id, date, path"
			" FROM tags WHERE slug=:p1%s) t CROSS JOIN articles a ON a.id = t.article_id"
			" ORDER BY t.date DESC, t.path", PAGE_AT(after, ""));
	else if (filter && !strcmp(filter, "entity"))
		morgue_buf_printf(&sql, "SELECT " ARTICLE_COLS " FROM (SELECT article_id, date, path"
			" FROM refs WHERE entity=:p1%s) r CROSS JOIN articles a ON a.id = r.article_id"
			" ORDER BY r.date DESC, r.path", PAGE_AT(after, ""));
	else
		morgue_buf_printf(&sql, "SELECT " ARTICLE_COLS " FROM (SELECT a.id, a.date, a.path"
				  " FROM articles a WHERE %s%s) p CROSS JOIN articles a ON a.id = p.id"
				  " ORDER BY p.date DESC, p.path", article_filter(filter),
				  PAGE_AT(after, "a."));
	morgue_value *list = query3(c, sql.ptr, key, date, path, limit, offset);
	morgue_buf_free(&sql);
	add_tags(c, list);
	return list;
}

morgue_value *morgue_catalog_articles(morgue_catalog *c, const char *filter,
				      const char *key, int limit, int offset)
{
	return articles_page(c, filter, key, limit, offset, NULL, NULL);
}

morgue_value *morgue_catalog_articles_after(morgue_catalog *c, const char *filter,
					    const char *key, int limit, const char *date,
					    const char *path)
{
	return articles_page(c, filter, key, limit, 0, date ? date : "", path ? path : "");
}

long long morgue_catalog_articles_count(morgue_catalog *c, const char *filter,
					const char *key)
{
	morgue_buf sql = MORGUE_BUF_INIT;
	if (filter && !strcmp(filter, "tag"))
		morgue_buf_puts(&sql, "SELECT COUNT(*) AS n FROM tags WHERE slug=:p1");
	else if (filter && !strcmp(filter, "entity"))
		morgue_buf_puts(&sql, "SELECT COUNT(*) AS n FROM refs WHERE entity=:p1");
	else
		morgue_buf_printf(&sql, "SELECT COUNT(*) AS n FROM articles a WHERE %s",
				  article_filter(filter));
	morgue_value *l = query(c, sql.ptr, key, NULL, 0, 0);
	long long n = (long long)morgue_value_get_number(morgue_value_get(morgue_value_at(l, 0), "n"));
	morgue_value_free(l);
	morgue_buf_free(&sql);
	return n;
}

int morgue_catalog_article_ids(morgue_catalog *c, long long **ids, char ***urls, size_t *n)
{
	sqlite3_stmt *st = prepare(c, "SELECT id, 'articles/' || path || '.html' FROM articles"
				      " ORDER BY date, path");
	size_t cap = 0, capu = 0;
	*ids = NULL;
	if (urls)
		*urls = NULL;
	*n = 0;
	if (!st)
		return MORGUE_ERROR;
	while (sqlite3_step(st) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(*ids, cap, *n + 1);
		(*ids)[*n] = sqlite3_column_int64(st, 0);
		if (urls) {
			const char *u = (const char *)sqlite3_column_text(st, 1);
			MORGUE_ARRAY_RESERVE(*urls, capu, *n + 1);
			(*urls)[*n] = morgue_strdup(u ? u : "");
		}
		(*n)++;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Copy the scalar fields of the first row of src_list into dst, then free
 * src_list (values cannot be moved out of a container). */
static void merge_into(morgue_value *dst, morgue_value *src_list)
{
	morgue_value *src = morgue_value_at(src_list, 0);
	for (size_t i = 0; src && i < morgue_value_count(src); i++) {
		const char *k = morgue_value_key_at(src, i);
		morgue_value *v = morgue_value_value_at(src, i);
		switch (morgue_value_type_of(v)) {
		case MORGUE_VALUE_STRING:
			morgue_value_set(dst, k, morgue_value_stringn(morgue_value_get_string(v),
								      morgue_value_get_string_len(v)));
			break;
		case MORGUE_VALUE_NUMBER:
			morgue_value_set(dst, k, morgue_value_number(morgue_value_get_number(v)));
			break;
		default:
			morgue_value_set(dst, k, morgue_value_null());
		}
	}
	morgue_value_free(src_list);
}

int morgue_catalog_kwic_span(const char *text, size_t tlen, size_t off, size_t len,
		     size_t *start, size_t *end)
{
	size_t s = off, e = off + len, lim = 160;
	if (e > tlen)
		return 0;
	while (s > 0 && off - s < lim && text[s - 1] != '\n' &&
	       !(s >= 2 && (text[s - 2] == '.' || text[s - 2] == '?' || text[s - 2] == '!') && text[s - 1] == ' '))
		s--;
	while (e < tlen && e - (off + len) < lim && text[e] != '\n' &&
	       !((text[e] == '.' || text[e] == '?' || text[e] == '!') && (e + 1 == tlen || text[e + 1] == ' ' || text[e + 1] == '\n')))
		e++;
	if (e < tlen && text[e] != '\n')
		e++; /* keep the full stop */
	while (s < off && ((unsigned char)text[s] & 0xC0) == 0x80)
		s++;
	while (e > off + len && e < tlen && ((unsigned char)text[e] & 0xC0) == 0x80)
		e--;
	*start = s;
	*end = e;
	return 1;
}

/* A quotation or reported clause shortened for a list (code points). */
#define QUOTE_EXCERPT                                                        \
	" CASE WHEN length(t.quote) > 160 THEN rtrim(substr(t.quote, 1, 157)) || '…'" \
	" ELSE t.quote END"

static const char *kind_label(const char *kind)
{
	if (!kind)
		return "";
	if (!strcmp(kind, "person"))
		return "person";
	if (!strcmp(kind, "organization"))
		return "organisation";
	if (!strcmp(kind, "publication"))
		return "publication";
	if (!strcmp(kind, "anonymous"))
		return "anonymous source";
	return "document";
}

static char *column_dup(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	return t ? morgue_strndup(t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

static int by_reg_slug(const void *key, const void *x)
{
	return strcmp(key, ((const struct reg_entity *)x)->slug);
}

/* The registered entity with this slug, or NULL (slug NULL: only read
 * the registry). The registry (a few thousand
 * rows) is read into memory on the connection's first call: an article's
 * entities and sources take their names from it rather than from a join,
 * which cost two B-tree searches per row (the slug's index, then the
 * table) on every article page. add_entity, the one writer of the
 * table, drops it. */
static const struct reg_entity *registry_find(morgue_catalog *c, const char *slug)
{
	if (!c->reg_read) {
		sqlite3_stmt *st = prepare(c, "SELECT slug, name, type, url, wikidata"
					      " FROM entities ORDER BY slug");
		size_t cap = 0;
		c->reg_read = 1;
		while (st && sqlite3_step(st) == SQLITE_ROW) {
			MORGUE_ARRAY_RESERVE(c->reg, cap, c->nreg + 1);
			struct reg_entity *r = &c->reg[c->nreg++];
			r->slug = column_dup(st, 0);
			r->name = column_dup(st, 1);
			r->type = column_dup(st, 2);
			r->url = column_dup(st, 3);
			r->wikidata = column_dup(st, 4);
		}
		sqlite3_finalize(st);
	}
	if (!slug || !c->nreg)
		return NULL;
	return bsearch(slug, c->reg, c->nreg, sizeof(*c->reg), by_reg_slug);
}

typedef struct article_ref {
	const struct reg_entity *e;
	long long mentions;
} article_ref;

/* Most mentioned first, then by name (as ORDER BY mentions DESC, name). */
static int by_mentions(const void *x, const void *y)
{
	const article_ref *a = x, *b = y;
	if (a->mentions != b->mentions)
		return a->mentions > b->mentions ? -1 : 1;
	int c = strcmp(a->e->name, b->e->name);
	return c ? c : strcmp(a->e->slug, b->e->slug);
}

/* The entities article id mentions: slug, name, type, url, source_url,
 * wikidata, mentions; most mentioned first. */
static morgue_value *article_entities(morgue_catalog *c, long long id)
{
	morgue_value *list = morgue_value_list();
	sqlite3_stmt *st = cached(c, "SELECT entity, mentions FROM refs"
				     " WHERE article_id=? AND mentions > 0");
	article_ref *refs = NULL;
	size_t n = 0, cap = 0;
	int r;
	morgue_buf url = MORGUE_BUF_INIT;

	if (!st)
		return list;
	registry_find(c, NULL);
	sqlite3_bind_int64(st, 1, id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const struct reg_entity *e = registry_find(c, (const char *)sqlite3_column_text(st, 0));
		if (!e) /* not registered: the join left it out */
			continue;
		MORGUE_ARRAY_RESERVE(refs, cap, n + 1);
		refs[n++] = (article_ref){ e, sqlite3_column_int64(st, 1) };
	}
	if (r != SQLITE_DONE)
		db_error(c, "query");
	sqlite3_reset(st);
	if (n)
		qsort(refs, n, sizeof(*refs), by_mentions);
	for (size_t i = 0; i < n; i++) {
		const struct reg_entity *e = refs[i].e;
		morgue_value *m = morgue_value_push_map(list);
		morgue_buf_clear(&url);
		morgue_buf_printf(&url, "entities/%s.html", e->slug);
		morgue_value_set_str(m, "slug", e->slug);
		morgue_value_set_str(m, "name", e->name);
		morgue_value_set_str(m, "type", e->type);
		morgue_value_set_str(m, "url", url.ptr);
		morgue_value_set_str(m, "source_url", e->url); /* NULL: null */
		morgue_value_set_str(m, "wikidata", e->wikidata);
		morgue_value_set_int(m, "mentions", refs[i].mentions);
	}
	free(refs);
	morgue_buf_free(&url);
	return list;
}

/* The article's attributions (in text order) and its sources: one entry
 * per source (entity, or anonymous description) with what it said, and a
 * summary line ("5 named sources, 2 anonymous, 1 publication"). */
static void add_sourcing(morgue_catalog *c, morgue_value *a, long long id)
{
	/* name and entity_url are the source entity's when it is
	 * registered (registry_find), as a join would give them */
	morgue_value *list = query(c,
		"SELECT t.seq, 'src-' || t.seq AS anchor, t.source,"
		" t.source_text AS name, t.source_text AS description,"
		" NULL AS entity_url, t.kind, t.cue, t.affiliation, t.count, t.offset, t.length,"
		" t.origin," QUOTE_EXCERPT " AS quote_excerpt"
		" FROM attributions t WHERE t.article_id=:i1 ORDER BY t.seq", NULL, NULL, id, 0);
	morgue_value *sources = morgue_value_list();
	long long named = 0, anon = 0, pubs = 0, docs = 0;
	morgue_buf url = MORGUE_BUF_INIT;
	for (size_t i = 0; i < morgue_value_count(list); i++) {
		morgue_value *t = morgue_value_at(list, i);
		const char *src = morgue_value_get_str(t, "source"), *kind = morgue_value_get_str(t, "kind");
		const struct reg_entity *e = registry_find(c, src);
		if (e) {
			morgue_buf_clear(&url);
			morgue_buf_printf(&url, "entities/%s.html", e->slug);
			morgue_value_set_str(t, "name", e->name);
			morgue_value_set_str(t, "entity_url", url.ptr);
		}
		const char *name = morgue_value_get_str(t, "name");
		morgue_value_set_str(t, "kind_label", kind_label(kind));
		morgue_value *g = NULL;
		for (size_t j = 0; j < morgue_value_count(sources) && !g; j++) {
			morgue_value *x = morgue_value_at(sources, j);
			const char *xs = morgue_value_get_str(x, "source");
			if (src ? xs && !strcmp(xs, src)
				: !xs && !strcmp(morgue_value_get_str(x, "kind"), kind) &&
					  !strcasecmp(morgue_value_get_str(x, "name"), name ? name : ""))
				g = x;
		}
		if (!g) {
			g = morgue_value_push_map(sources);
			if (src)
				morgue_value_set_str(g, "source", src);
			morgue_value_set_str(g, "name", name ? name : "");
			morgue_value_set_str(g, "entity_url", morgue_value_get_str(t, "entity_url"));
			morgue_value_set_str(g, "kind", kind);
			morgue_value_set_str(g, "kind_label", kind_label(kind));
			morgue_value_set_bool(g, "anonymous", !src);
			morgue_value_set_list(g, "statements");
			if (!strcmp(kind, "publication"))
				pubs++;
			else if (!strcmp(kind, "anonymous"))
				anon++;
			else if (!strcmp(kind, "document"))
				docs++;
			else
				named++;
		}
		morgue_value *st = morgue_value_push_map(morgue_value_get(g, "statements"));
		morgue_value_set_str(st, "anchor", morgue_value_get_str(t, "anchor"));
		morgue_value_set_str(st, "cue", morgue_value_get_str(t, "cue"));
		morgue_value_set_str(st, "quote_excerpt", morgue_value_get_str(t, "quote_excerpt"));
		morgue_value_set_int(g, "statement_count",
				     (long long)morgue_value_count(morgue_value_get(g, "statements")));
	}
	morgue_buf_free(&url);
	morgue_buf sum = MORGUE_BUF_INIT;
	struct { long long n; const char *one, *many; } parts[] = {
		{ named, "named source", "named sources" }, { anon, "anonymous", "anonymous" },
		{ pubs, "publication", "publications" }, { docs, "document", "documents" },
	};
	for (size_t k = 0; k < sizeof(parts) / sizeof(*parts); k++)
		if (parts[k].n)
			morgue_buf_printf(&sum, "%s%lld %s", sum.size ? ", " : "", parts[k].n,
					  parts[k].n == 1 ? parts[k].one : parts[k].many);
	morgue_value_set(a, "sourcing_summary", morgue_value_string_own(morgue_buf_detach(&sum)));
	morgue_value_set_int(a, "attribution_count", (long long)morgue_value_count(list));
	morgue_value_set_int(a, "source_count", (long long)morgue_value_count(sources));
	morgue_value_set(a, "attributions", list);
	morgue_value_set(a, "sources", sources);
}

morgue_value *morgue_catalog_article(morgue_catalog *c, long long id)
{
	morgue_value *a = morgue_value_map();

	merge_into(a, query(c, "SELECT " ARTICLE_COLS ", a.file, a.datetime, a.source_url,"
			       " (SELECT body_html FROM bodies b WHERE b.id = a.id) AS body_html,"
			       " a.oid, a.publication_entity AS publication_slug" ARTICLE_FROM
			       " WHERE a.id=:i1", NULL, NULL, id, 0));
	morgue_value_set(a, "tags", query(c,
		"SELECT tag, 'tags/' || slug || '.html' AS url FROM tags"
		" WHERE article_id=:i1 ORDER BY slug", NULL, NULL, id, 0));
	/* sep goes before the name: "A", "A and B", "A, B and C" */
	morgue_value_set(a, "authors", query(c, "SELECT j.value AS name,"
						" CASE WHEN j.key = 0 THEN ''"
						" WHEN j.key = json_array_length(a.authors) - 1 THEN ' and '"
						" ELSE ', ' END AS sep"
						" FROM articles a, json_each(a.authors) j"
						/* json_each has an id column too */
						" WHERE a.id=:i1 ORDER BY j.key", NULL, NULL, id, 0));
	morgue_value_set(a, "entities", article_entities(c, id));
	/* revisions, newest first, with the entities each annotation commit
	 * added or removed */
	morgue_value *revs = query(c,
		"SELECT seq, commit_id AS 'commit', substr(commit_id, 1, 7) AS commit_short,"
		" date, author, summary, article_change, annotations_change"
		" FROM revisions WHERE article_id=:i1 ORDER BY seq", NULL, NULL, id, 0);
	for (size_t i = 0; i < morgue_value_count(revs); i++) {
		morgue_value *r = morgue_value_at(revs, i);
		long long seq = (long long)morgue_value_get_number(morgue_value_get(r, "seq"));
		morgue_value_set(r, "entities_added", query(c,
			"SELECT re.entity AS slug, COALESCE(e.name, re.entity) AS name,"
			" 'entities/' || re.entity || '.html' AS url FROM revision_entities re"
			" LEFT JOIN entities e ON e.slug = re.entity"
			" WHERE re.article_id=:i1 AND re.seq=:i2 AND re.change='added'"
			" ORDER BY name", NULL, NULL, id, seq));
		morgue_value_set(r, "entities_removed", query(c,
			"SELECT re.entity AS slug, COALESCE(e.name, re.entity) AS name,"
			" 'entities/' || re.entity || '.html' AS url FROM revision_entities re"
			" LEFT JOIN entities e ON e.slug = re.entity"
			" WHERE re.article_id=:i1 AND re.seq=:i2 AND re.change='removed'"
			" ORDER BY name", NULL, NULL, id, seq));
	}
	morgue_value_set(a, "revisions", revs);
	add_sourcing(c, a, id);
	merge_into(a, query(c,
		"SELECT (SELECT MIN(date) FROM revisions WHERE article_id=:i1) AS first_archived,"
		" (SELECT MAX(date) FROM revisions WHERE article_id=:i1"
		"   AND annotations_change IS NOT NULL) AS last_annotated,"
		" (SELECT COUNT(*) FROM revisions WHERE article_id=:i1) AS revision_count",
		NULL, NULL, id, 0));
	/* related articles: worked out for all articles at once by
	 * store_related */
	morgue_value_set(a, "related", query(c,
		"SELECT " ARTICLE_COLS ", x.score, x.shared FROM related x"
		" JOIN articles a ON a.id = x.other"
		" WHERE x.article_id = :i1 ORDER BY x.rank", NULL, NULL, id, 0));
	return a;
}

morgue_value *morgue_catalog_entities(morgue_catalog *c, const char *type)
{
	/* the counts per entity were summed once (idf); ties in the order
	 * go by slug, as the GROUP BY e.slug that summed them here did */
	return query(c,
		"SELECT e.slug, 'entities/' || e.slug || '.html' AS url, e.name, e.type,"
		" e.description, COALESCE(i.df, 0) AS article_count,"
		" COALESCE(i.mentions, 0) AS mention_count"
		" FROM entities e LEFT JOIN idf i ON i.entity = e.slug"
		" WHERE :p1 IS NULL OR e.type = :p1"
		" ORDER BY e.type, e.name COLLATE NOCASE, e.slug", type, NULL, 0, 0);
}

typedef struct pub_count {
	const char *name, *entity;
	long long count;
} pub_count;

/* Most articles first, then by name (ORDER BY count DESC, name). */
static int by_count_name(const void *x, const void *y)
{
	const pub_count *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* An entity page's article_count, "timeline" (per month, oldest first:
 * month, articles, mentions) and "publications" (the ten that publish
 * most of the articles mentioning it: name, url, count), set on e from
 * one scan of its references in refs_entity, the publications by the
 * articles' ids from memory. These were three queries, the last a
 * lookup of the article for every reference: a tenth of a clean build's
 * entity pages. 0 or MORGUE_ERROR. */
static int entity_refs(morgue_catalog *c, morgue_value *e, const char *slug)
{
	sqlite3_stmt *st = cached(c, "SELECT article_id, substr(date,1,7), mentions FROM refs"
				     " WHERE entity=? ORDER BY date DESC, path");
	morgue_value **rows = NULL; /* the months, newest first */
	size_t nrows = 0, caprows = 0;
	pub_count *pc = NULL;
	size_t npc = 0, cappc = 0;
	long long count = 0, marts = 0, mments = 0;
	char month[16] = "";
	int r, rc = 0, have = 0;

	if (!c->pubs_read) {
		sqlite3_stmt *a = prepare(c, "SELECT id, publication_name, publication_entity"
					     " FROM articles WHERE publication IS NOT NULL");
		size_t cap = 0;
		c->pubs_read = 1;
		while (a && sqlite3_step(a) == SQLITE_ROW) {
			long long id = sqlite3_column_int64(a, 0);
			if (id < 0 || id > (long long)(1 << 30) || !sqlite3_column_text(a, 1))
				continue;
			if ((size_t)id >= c->npubs) {
				size_t n = (size_t)id + 1;
				if (n > cap) {
					size_t nc = cap ? cap : 1024;
					while (nc < n)
						nc *= 2;
					c->pubs = morgue_realloc(c->pubs, nc * sizeof(*c->pubs));
					memset(c->pubs + cap, 0, (nc - cap) * sizeof(*c->pubs));
					cap = nc;
				}
				c->npubs = n;
			}
			c->pubs[id].name = column_dup(a, 1);
			c->pubs[id].entity = column_dup(a, 2);
		}
		sqlite3_finalize(a);
	}
	if (!st) {
		rc = MORGUE_ERROR;
		goto done;
	}
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	/* newest first: the months are pushed in reverse, then turned */
	for (;;) {
		r = sqlite3_step(st);
		const char *m = r == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 1) : NULL;
		if (have && (r != SQLITE_ROW || !m || strcmp(m, month))) {
			morgue_value *row = morgue_value_map();
			morgue_buf b = MORGUE_BUF_INIT;
			MORGUE_ARRAY_RESERVE(rows, caprows, nrows + 1);
			rows[nrows++] = row;
			morgue_value_set_str(row, "month", month);
			display_date(&b, month);
			morgue_value_set(row, "month_display", morgue_value_string_own(morgue_buf_detach(&b)));
			morgue_value_set_int(row, "articles", marts);
			morgue_value_set_int(row, "mentions", mments);
			have = 0;
		}
		if (r != SQLITE_ROW)
			break;
		long long id = sqlite3_column_int64(st, 0), mentions = sqlite3_column_int64(st, 2);
		count++;
		if (m && !have) {
			snprintf(month, sizeof(month), "%s", m);
			have = 1;
			marts = mments = 0;
		}
		if (have) {
			marts++;
			mments += mentions;
		}
		if (mentions <= 0 || id < 0 || (size_t)id >= c->npubs || !c->pubs[id].name)
			continue;
		size_t k = 0;
		while (k < npc && strcmp(pc[k].name, c->pubs[id].name))
			k++;
		if (k == npc) {
			MORGUE_ARRAY_RESERVE(pc, cappc, npc + 1);
			pc[npc++] = (pub_count){ c->pubs[id].name, NULL, 0 };
		}
		pc[k].count++;
		if (!pc[k].entity)
			pc[k].entity = c->pubs[id].entity;
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE) {
		rc = db_error(c, "entity references");
		goto done;
	}
	morgue_value_set_int(e, "article_count", count);
	morgue_value *tl = morgue_value_set_list(e, "timeline");
	while (nrows > 0)
		morgue_value_push(tl, rows[--nrows]);
	if (npc)
		qsort(pc, npc, sizeof(*pc), by_count_name);
	morgue_value *pl = morgue_value_set_list(e, "publications");
	for (size_t i = 0; i < npc && i < 10; i++) {
		morgue_value *row = morgue_value_push_map(pl);
		morgue_value_set_str(row, "name", pc[i].name);
		if (pc[i].entity) {
			morgue_buf u = MORGUE_BUF_INIT;
			morgue_buf_printf(&u, "entities/%s.html", pc[i].entity);
			morgue_value_set(row, "url", morgue_value_string_own(morgue_buf_detach(&u)));
		} else
			morgue_value_set(row, "url", morgue_value_null());
		morgue_value_set_int(row, "count", pc[i].count);
	}
done:
	while (nrows > 0)
		morgue_value_free(rows[--nrows]);
	free(rows);
	free(pc);
	return rc;
}

morgue_value *morgue_catalog_entity(morgue_catalog *c, const char *slug)
{
	morgue_value *e = morgue_value_map();
	/* article_count: set by entity_refs, from the same scan */
	merge_into(e, query(c,
		"SELECT e.slug, 'entities/' || e.slug || '.html' AS url, e.name, e.type,"
		" e.description, e.url AS source_url, e.wikidata, e.body_html,"
		" 0 AS article_count,"
		" COALESCE((SELECT mentions FROM idf WHERE entity=e.slug), 0) AS mention_count,"
		" (SELECT COUNT(*) FROM articles WHERE publication_entity=e.slug) AS published_count"
		" FROM entities e WHERE e.slug=:p1", slug, NULL, 0, 0));
	morgue_value_set(e, "aliases", query(c,
		"SELECT value AS alias FROM entities, json_each(aliases) WHERE slug=:p1", slug, NULL, 0, 0));

	/* the referring articles are paged: morgue_catalog_entity_articles */
	morgue_value_set(e, "comentions", query(c,
		"SELECT e.slug, e.name, e.type, 'entities/' || e.slug || '.html' AS url,"
		" x.count FROM comentions x JOIN entities e ON e.id = x.other"
		" WHERE x.entity = (SELECT id FROM entities WHERE slug = :p1)"
		" ORDER BY x.count DESC, e.name", slug, NULL, 0, 0));
	morgue_value_set(e, "quoted", query(c,
		"SELECT " ARTICLE_COLS ", t.seq, 'src-' || t.seq AS anchor, t.kind AS source_kind,"
		" t.cue," QUOTE_EXCERPT " AS quote_excerpt"
		" FROM attributions t CROSS JOIN articles a ON a.id = t.article_id"
		/* t.date, t.path are a's; a path is one article */
		" WHERE t.source=:p1 ORDER BY t.date DESC, t.path, t.article_id, t.seq LIMIT 100",
		slug, NULL, 0, 0));
	/* the newest 100 citing articles are chosen from the index alone,
	 * then joined: joined first, every citing article was read (24k
	 * for the most cited source at 10k articles) before the LIMIT */
	morgue_value_set(e, "cited_by", query(c,
		"SELECT " ARTICLE_COLS ", x.n AS attributions"
		" FROM (SELECT article_id, date, path, COUNT(*) AS n FROM attributions"
		"  WHERE source=:p1 GROUP BY date, path, article_id"
		"  ORDER BY date DESC, path LIMIT 100) x"
		" CROSS JOIN articles a ON a.id = x.article_id"
		" ORDER BY x.date DESC, x.path",
		slug, NULL, 0, 0));
	merge_into(e, query(c,
		"SELECT COUNT(*) AS quoted_count, COUNT(DISTINCT article_id) AS cited_by_count"
		" FROM attributions WHERE source=:p1", slug, NULL, 0, 0));
	if (entity_refs(c, e, slug) < 0) { /* as the queries did: empty lists */
		morgue_error_clear();
		morgue_value_set_list(e, "timeline");
		morgue_value_set_list(e, "publications");
	}
	return e;
}

morgue_value *morgue_catalog_sourcing(morgue_catalog *c)
{
	morgue_value *v = morgue_value_map();
	/* counted per article first, in order from attributions_article
	 * (which covers kind): the totals then group one row per article,
	 * not every attribution through a sorter, and an article counts
	 * once without a COUNT(DISTINCT) */
#define PER_ARTICLE "WITH per AS (SELECT article_id, COUNT(*) AS n,"                \
	" SUM(kind IN ('person','organization','publication')) AS named,"          \
	" SUM(kind = 'anonymous') AS anonymous, SUM(kind = 'document') AS documents" \
	" FROM attributions GROUP BY article_id) "
	merge_into(v, query(c, PER_ARTICLE
		"SELECT COALESCE(SUM(n),0) AS attribution_count, COUNT(*) AS article_count,"
		" COALESCE(SUM(named),0) AS named, COALESCE(SUM(anonymous),0) AS anonymous,"
		" COALESCE(SUM(documents),0) AS documents FROM per",
		NULL, NULL, 0, 0));
	morgue_value_set(v, "publications", query(c, PER_ARTICLE
		"SELECT COALESCE(a.publication_name, '(no publication)') AS name,"
		" CASE WHEN a.publication_entity IS NOT NULL"
		"  THEN 'entities/' || a.publication_entity || '.html' END AS url,"
		" COUNT(*) AS articles, SUM(per.n) AS attributions, SUM(per.named) AS named,"
		" SUM(per.anonymous) AS anonymous, SUM(per.documents) AS documents,"
		" CAST(ROUND(100.0 * SUM(per.named) / SUM(per.n)) AS INTEGER) AS named_pct,"
		" CAST(ROUND(100.0 * SUM(per.anonymous) / SUM(per.n)) AS INTEGER) AS anonymous_pct"
		" FROM per JOIN articles a ON a.id = per.article_id"
		" GROUP BY 1 ORDER BY attributions DESC, name", NULL, NULL, 0, 0));
#undef PER_ARTICLE
	static const char *const kinds[][2] = { { "people", "person" },
						{ "organizations", "organization" },
						{ "cited_publications", "publication" } };
	for (size_t i = 0; i < 3; i++)
		morgue_value_set(v, kinds[i][0], query(c,
			"SELECT e.slug, e.name, 'entities/' || e.slug || '.html' AS url,"
			" COUNT(*) AS attributions, COUNT(DISTINCT t.article_id) AS articles"
			" FROM attributions t JOIN entities e ON e.slug = t.source"
			" WHERE t.kind = :p1 GROUP BY e.slug"
			" ORDER BY attributions DESC, articles DESC, e.name LIMIT 20",
			kinds[i][1], NULL, 0, 0));
	return v;
}

morgue_value *morgue_catalog_tags(morgue_catalog *c)
{
	return query(c, "SELECT MIN(tag) AS tag, slug, 'tags/' || slug || '.html' AS url,"
			" COUNT(*) AS count FROM tags GROUP BY slug ORDER BY slug", NULL, NULL, 0, 0);
}

morgue_value *morgue_catalog_years(morgue_catalog *c)
{
	morgue_value *years = query(c,
		"SELECT substr(date,1,4) AS year, 'archive/' || substr(date,1,4) || '.html' AS url,"
		" COUNT(*) AS count FROM articles GROUP BY year ORDER BY year DESC", NULL, NULL, 0, 0);
	for (size_t i = 0; i < morgue_value_count(years); i++) {
		morgue_value *y = morgue_value_at(years, i);
		const char *year = morgue_value_get_str(y, "year");
		morgue_value_set(y, "months", query(c,
			"SELECT substr(date,1,7) AS month, substr(date,6,2) AS mm,"
			" 'archive/' || substr(date,1,4) || '/' || substr(date,6,2) || '.html' AS url,"
			" COUNT(*) AS count FROM articles"
			/* the year's range of the date index, not a scan of
			 * every article per year (dates are YYYY-MM-DD) */
			" WHERE date >= :p1 AND date < :p1 || '~'"
			" GROUP BY month ORDER BY month", year, NULL, 0, 0));
	}
	return years;
}

char *morgue_catalog_article_text(morgue_catalog *c, long long id, size_t *len)
{
	/* kept prepared: asked for every article an incremental build indexes */
	sqlite3_stmt *st = cached(c, "SELECT text FROM bodies WHERE id=?");
	char *text = NULL;
	*len = 0;
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		text = morgue_strndup((const char *)sqlite3_column_text(st, 0), *len);
	}
	sqlite3_reset(st);
	return text;
}

/* Append column col of st to strings with its NUL; its offset there, or
 * SIZE_MAX for NULL. */
static size_t span_str(morgue_buf *strings, sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	size_t at = strings->size;
	if (!t)
		return SIZE_MAX;
	morgue_buf_put(strings, t, (size_t)sqlite3_column_bytes(st, col));
	morgue_buf_putc(strings, '\0');
	return at;
}

int morgue_catalog_mention_spans(morgue_catalog *c, long long id, morgue_mention_span **out,
				 size_t *n, morgue_buf *strings)
{
	sqlite3_stmt *st = cached(c, "SELECT entity, source, offset, length FROM mentions"
				     " WHERE article_id=? ORDER BY offset, length DESC");
	morgue_mention_span *v = NULL;
	size_t *at = NULL; /* each row's two strings, by offset: strings may move */
	size_t count = 0, cap = 0, capat = 0, base = strings->size;
	int sr;

	*out = NULL;
	*n = 0;
	if (!st)
		return MORGUE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(v, cap, count + 1);
		MORGUE_ARRAY_RESERVE(at, capat, 2 * count + 2);
		at[2 * count] = span_str(strings, st, 0);
		at[2 * count + 1] = span_str(strings, st, 1);
		v[count++] = (morgue_mention_span){
			.offset = (size_t)sqlite3_column_int64(st, 2),
			.length = (size_t)sqlite3_column_int64(st, 3),
		};
	}
	int rc = sr == SQLITE_DONE ? 0 : db_error(c, "mentions");
	sqlite3_reset(st);
	for (size_t i = 0; i < count && rc == 0; i++) {
		v[i].entity = at[2 * i] == SIZE_MAX ? NULL : strings->ptr + at[2 * i];
		v[i].source = at[2 * i + 1] == SIZE_MAX ? NULL : strings->ptr + at[2 * i + 1];
	}
	free(at);
	if (rc < 0) {
		free(v);
		morgue_buf_truncate(strings, base);
		return rc;
	}
	*out = v;
	*n = count;
	return 0;
}

/* The rows of one article in the "mentions" and "attributions" exports
 * (their order within the article; the file lists the articles in path
 * order, see morgue_catalog_csv_order), without the first two columns,
 * "article" and "date": the article's path and date, the same on every
 * row, escaped once per article. */
static const char *csv_block_sql(const char *what)
{
	if (!strcmp(what, "mentions"))
		return "SELECT entity, surface, offset, length, source FROM mentions"
		       " WHERE article_id = ? ORDER BY offset";
	if (!strcmp(what, "attributions"))
		return "SELECT seq, source, source_text, kind, cue, affiliation, count, offset,"
		       " length, quote, origin FROM attributions WHERE article_id = ? ORDER BY seq";
	return NULL;
}

/* Append a CSV field (nothing for NULL). */
static void csv_field(morgue_buf *out, sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	if (v)
		morgue_escape_csv(out, v, (size_t)sqlite3_column_bytes(st, i));
}

/* The header line: prefix, then the names of st's columns. */
static void csv_header(morgue_buf *out, sqlite3_stmt *st, const char *prefix)
{
	morgue_buf_puts(out, prefix);
	for (int i = 0; i < sqlite3_column_count(st); i++) {
		const char *name = sqlite3_column_name(st, i);
		if (i)
			morgue_buf_putc(out, ',');
		morgue_escape_csv(out, name, strlen(name));
	}
	morgue_buf_puts(out, "\r\n");
}

/* Every row st returns, each after prefix (already CSV). */
static int csv_rows(morgue_buf *out, morgue_catalog *c, sqlite3_stmt *st, const char *prefix,
		    size_t prefix_len)
{
	int n = sqlite3_column_count(st), sr;
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		morgue_buf_put(out, prefix, prefix_len);
		for (int i = 0; i < n; i++) {
			if (i)
				morgue_buf_putc(out, ',');
			csv_field(out, st, i);
		}
		morgue_buf_puts(out, "\r\n");
	}
	return sr == SQLITE_DONE ? 0 : db_error(c, "CSV export");
}

int morgue_catalog_csv_header(morgue_buf *out, morgue_catalog *c, const char *what)
{
	const char *sql = csv_block_sql(what);
	sqlite3_stmt *st;
	if (!sql)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "no CSV export by article named '%s'",
					what);
	if (!(st = cached(c, sql)))
		return MORGUE_ERROR;
	csv_header(out, st, "article,date,");
	return 0;
}

int morgue_catalog_csv_block(morgue_buf *out, morgue_catalog *c, const char *what,
			     long long article_id)
{
	const char *sql = csv_block_sql(what);
	morgue_buf prefix = MORGUE_BUF_INIT;
	sqlite3_stmt *st;
	int rc = 0, sr;
	if (!sql)
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "no CSV export by article named '%s'",
					what);
	/* both kept prepared: run once per article */
	if (!(st = cached(c, "SELECT path, date FROM articles WHERE id = ?")))
		return MORGUE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	if ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		csv_field(&prefix, st, 0);
		morgue_buf_putc(&prefix, ',');
		csv_field(&prefix, st, 1);
		morgue_buf_putc(&prefix, ',');
	} else if (sr != SQLITE_DONE)
		rc = db_error(c, "CSV export");
	sqlite3_reset(st);
	/* no article, no rows (as a join with articles) */
	if (rc == 0 && prefix.size) {
		if ((st = cached(c, sql))) {
			sqlite3_bind_int64(st, 1, article_id);
			rc = csv_rows(out, c, st, prefix.ptr, prefix.size);
			sqlite3_reset(st);
		} else
			rc = MORGUE_ERROR;
	}
	morgue_buf_free(&prefix);
	return rc;
}

int morgue_catalog_csv_order(long long **ids, size_t *n, morgue_catalog *c)
{
	/* path is COLLATE NOCASE: its unique index gives this order */
	sqlite3_stmt *st = prepare(c, "SELECT id FROM articles ORDER BY path");
	size_t cap = 0;
	int sr;
	*ids = NULL;
	*n = 0;
	if (!st)
		return MORGUE_ERROR;
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		MORGUE_ARRAY_RESERVE(*ids, cap, *n + 1);
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (sr != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return db_error(c, "CSV export");
	}
	return 0;
}

int morgue_catalog_csv(morgue_buf *out, morgue_catalog *c, const char *what)
{
	sqlite3_stmt *st;
	int rc;

	if (csv_block_sql(what)) {
		/* the header, then each article's block: the very blocks an
		 * incremental build splices (cache.h); in one read
		 * transaction (not one, with its locks, per statement) */
		long long *ids = NULL;
		size_t n = 0;
		sqlite3_exec(c->db, "SAVEPOINT csv", NULL, NULL, NULL);
		if ((rc = morgue_catalog_csv_order(&ids, &n, c)) == 0 &&
		    (rc = morgue_catalog_csv_header(out, c, what)) == 0)
			for (size_t i = 0; i < n && !rc; i++)
				rc = morgue_catalog_csv_block(out, c, what, ids[i]);
		sqlite3_exec(c->db, "RELEASE csv", NULL, NULL, NULL);
		free(ids);
		return rc;
	}
	if (strcmp(what, "entities"))
		return morgue_error_set(MORGUE_EUSAGE, NULL, 0, "no CSV export named '%s'", what);
	st = prepare(c, "SELECT e.slug, e.name, e.type, e.description, e.url, e.wikidata,"
			" (SELECT group_concat(value, '; ') FROM json_each(e.aliases)) AS aliases,"
			" (SELECT COUNT(*) FROM refs r WHERE r.entity = e.slug) AS articles,"
			" COALESCE((SELECT mentions FROM idf WHERE entity = e.slug), 0) AS mentions"
			" FROM entities e ORDER BY e.slug");
	if (!st)
		return MORGUE_ERROR;
	csv_header(out, st, "");
	rc = csv_rows(out, c, st, "", 0);
	sqlite3_finalize(st);
	return rc;
}

int morgue_catalog_article_counts(morgue_catalog *c, long long *counts,
				  const char *const *slugs, size_t n)
{
	/* idf's df is that count, kept by finish (a lookup, not a count
	 * over the entity's refs) */
	sqlite3_stmt *st = prepare(c, "SELECT df FROM idf WHERE entity=?");
	if (!st)
		return MORGUE_ERROR;
	for (size_t i = 0; i < n; i++) {
		bind_text(st, 1, slugs[i]);
		counts[i] = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

morgue_value *morgue_catalog_redirects(morgue_catalog *c)
{
	/* only old paths no current article has taken over */
	return query(c,
		"SELECT substr(r.old_path, 10, length(r.old_path) - 12) AS old_id,"
		" 'articles/' || substr(r.old_path, 10, length(r.old_path) - 12) || '.html' AS old_url,"
		" 'articles/' || a.path || '.html' AS url, a.title"
		" FROM redirects r JOIN articles a ON a.id = r.article_id"
		" WHERE NOT EXISTS (SELECT 1 FROM articles b"
		"   WHERE b.path = substr(r.old_path, 10, length(r.old_path) - 12))"
		" ORDER BY r.old_path", NULL, NULL, 0, 0);
}

morgue_value *morgue_catalog_lint(morgue_catalog *c)
{
	return query(c,
		"SELECT file, message FROM ("
		" SELECT e.file AS file, 'entity ''' || e.slug || ''' is never mentioned' AS message"
		"  FROM entities e WHERE NOT EXISTS (SELECT 1 FROM refs r WHERE r.entity = e.slug)"
		" UNION ALL"
		" SELECT a.file, 'article mentions no entity' FROM articles a"
		"  WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id))"
		" ORDER BY file", NULL, NULL, 0, 0);
}

#define ENTITY_PAGE(at) "SELECT " ARTICLE_COLS ", r.mentions, r.first_offset,"	\
	" r.kwic_before, r.kwic_match, r.kwic_after"					\
	" FROM (SELECT article_id, date, path, mentions, first_offset,"			\
	"  kwic_before, kwic_match, kwic_after FROM refs WHERE entity=:p1" at ") r"	\
	" CROSS JOIN articles a ON a.id = r.article_id ORDER BY r.date DESC, r.path"

static morgue_value *entity_page(morgue_catalog *c, const char *slug, int limit, int offset,
				  const char *date, const char *path)
{
	/* CROSS JOIN: start from the entity's references (few), never from
	 * the date index over every article (a full scan per page). The page
	 * is cut from the covering index refs_entity alone (it is in page
	 * order and holds the KWIC; PAGE_AT), and only its rows are joined;
	 * they are read in order, not by a seek into refs each (a page-cache
	 * miss per row at 10k articles). */
	return query3(c, path ? ENTITY_PAGE(PAGE_AFTER("")) : ENTITY_PAGE(PAGE_OFFSET("")),
		      slug, date, path, limit < 0 ? -1 : limit, offset);
}

morgue_value *morgue_catalog_entity_articles(morgue_catalog *c, const char *slug,
					     int limit, int offset)
{
	return entity_page(c, slug, limit, offset, NULL, NULL);
}

morgue_value *morgue_catalog_entity_articles_after(morgue_catalog *c, const char *slug,
						   int limit, const char *date, const char *path)
{
	return entity_page(c, slug, limit, 0, date ? date : "", path ? path : "");
}

morgue_value *morgue_catalog_article_brief(morgue_catalog *c, long long id)
{
	morgue_value *a = morgue_value_map();
	merge_into(a, query(c, "SELECT a.title, 'articles/' || a.path || '.html' AS url, a.date"
			       " FROM articles a WHERE a.id=:i1", NULL, NULL, id, 0));
	return a;
}

morgue_value *morgue_catalog_network(morgue_catalog *c, int limit)
{
	morgue_value *net = morgue_value_map();
	morgue_value_set(net, "nodes", query(c,
		"SELECT e.id, e.slug, e.name, e.type, 'entities/' || e.slug || '.html' AS url,"
		" COUNT(*) AS article_count FROM entities e JOIN refs r ON r.entity = e.slug"
		" WHERE r.mentions > 0 GROUP BY e.id"
		" ORDER BY article_count DESC, e.name LIMIT :i1", NULL, NULL, limit, 0));
	morgue_value_set(net, "edges", query(c,
		"WITH top AS (SELECT e.id FROM entities e JOIN refs r ON r.entity = e.slug"
		"  WHERE r.mentions > 0 GROUP BY e.id"
		"  ORDER BY COUNT(*) DESC, e.name LIMIT :i1)"
		" SELECT x.entity AS source, x.other AS target, x.count FROM comentions x"
		" WHERE x.entity < x.other AND x.entity IN top AND x.other IN top"
		" ORDER BY x.count DESC, x.entity, x.other LIMIT :i2", NULL, NULL, limit, limit * 4));
	return net;
}

int morgue_catalog_open(morgue_catalog **out, const char *path)
{
	morgue_catalog *c = morgue_calloc(1, sizeof(*c));
	int rc = 0;

	/* CREATE: ATTACHed export files inherit the flags. NOMUTEX: the
	 * connection is one thread's, and a serialized connection takes
	 * and releases its mutex in every call of SQLite's API (three per
	 * column of every row a page reads) */
	if (sqlite3_open_v2(path, &c->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		rc = db_error(c, "open");
	else
		/* temp_store as schema's: the exports' indexes are sorted
		 * in runs (SORT_CACHE) */
		rc = exec(c, "PRAGMA temp_store=FILE; PRAGMA cache_size=" SHARED_CACHE ";"
			     "PRAGMA mmap_size=0;");
	if (rc < 0) {
		morgue_catalog_free(c);
		c = NULL;
	}
	*out = c;
	return rc;
}

struct sqlite3 *morgue_catalog_handle(morgue_catalog *c)
{
	return c->db;
}
