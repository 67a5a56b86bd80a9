#include "query.h"
#include "util/alloc.h"
#include "util/error.h"

#include <sqlite3.h>
#include <string.h>

struct morgue_query {
	sqlite3 *db;
	char *path;
};

#define CATALOG_VERSION 1

int morgue_query_open(morgue_query **out, const char *path)
{
	morgue_query *q = morgue_calloc(1, sizeof(*q));
	sqlite3_stmt *st = NULL;
	int rc = 0, version = -1;

	*out = NULL;
	q->path = morgue_strdup(path);
	if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = morgue_error_set(MORGUE_ENOTFOUND, path, 0,
				      "cannot open the catalog (build the site first): %s",
				      sqlite3_errmsg(q->db));
		goto done;
	}
	if (sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (version < 0) {
		rc = morgue_error_set(MORGUE_EINPUT, path, 0, "not a SQLite database");
		goto done;
	}
	if (version != CATALOG_VERSION ||
	    sqlite3_prepare_v2(q->db, "SELECT 1 FROM articles_fts LIMIT 0", -1, &st, NULL) != SQLITE_OK) {
		rc = morgue_error_set(MORGUE_EINPUT, path, 0,
				      "not a catalog written by this version of morgue "
				      "(rebuild the site)");
		goto done;
	}
done:
	sqlite3_finalize(st);
	if (rc < 0)
		morgue_query_close(q);
	else
		*out = q;
	return rc;
}

void morgue_query_close(morgue_query *q)
{
	if (!q)
		return;
	sqlite3_close(q->db);
	free(q->path);
	free(q);
}

static int is_word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_';
}

void morgue_query_fts(morgue_buf *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	int in_phrase = 0, phrase_words = 0;

	while (*p) {
		if (*p == '"') {
			if (in_phrase && phrase_words)
				morgue_buf_putc(out, '"');
			in_phrase = !in_phrase;
			phrase_words = 0;
			p++;
			continue;
		}
		if (!is_word_byte(*p)) {
			p++;
			continue;
		}
		const unsigned char *w = p;
		while (*p && is_word_byte(*p))
			p++;
		if (in_phrase) {
			morgue_buf_puts(out, phrase_words ? " " : (out->size ? " \"" : "\""));
			morgue_buf_put(out, (const char *)w, (size_t)(p - w));
			phrase_words++;
			continue;
		}
		if (out->size)
			morgue_buf_putc(out, ' ');
		morgue_buf_putc(out, '"');
		morgue_buf_put(out, (const char *)w, (size_t)(p - w));
		morgue_buf_putc(out, '"');
		if (*p == '*') {
			morgue_buf_putc(out, '*');
			p++;
		}
	}
	if (in_phrase && phrase_words)
		morgue_buf_putc(out, '"');
}

#define FILTERS \
	" (:pub IS NULL OR a.publication_entity = :pub OR a.publication = :pub COLLATE NOCASE)" \
	" AND (:ent IS NULL OR EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id AND m.entity = :ent))" \
	" AND (:tag IS NULL OR EXISTS (SELECT 1 FROM tags t WHERE t.article_id = a.id" \
	"      AND (t.slug = :tag OR t.tag = :tag COLLATE NOCASE)))" \
	" AND (:from IS NULL OR a.date >= :from) AND (:to IS NULL OR a.date <= :to)"

static void bind(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i > 0) {
		if (v && *v)
			sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, i);
	}
}

static void bind_all(sqlite3_stmt *st, const morgue_query_opts *o, const char *match)
{
	bind(st, ":m", match);
	bind(st, ":pub", o->publication);
	bind(st, ":ent", o->entity);
	bind(st, ":tag", o->tag);
	bind(st, ":from", o->from);
	bind(st, ":to", o->to);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":lim"), o->limit > 0 ? o->limit : 20);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":off"), o->offset > 0 ? o->offset : 0);
}

int morgue_query_run(morgue_value **out, long long *total, morgue_query *q,
		     const morgue_query_opts *o)
{
	morgue_buf match = MORGUE_BUF_INIT;
	sqlite3_stmt *st = NULL, *cnt = NULL;
	morgue_value *list = morgue_value_list();
	const char *sql, *count_sql;
	int rc = 0, sr;

	*out = NULL;
	*total = 0;
	morgue_query_fts(&match, o->text);
	if (match.size) {
		sql = "SELECT a.path, a.url, a.title, a.date, a.publication,"
		      " snippet(articles_fts, 1, '[', ']', '…', 16) AS snippet"
		      " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
		      " WHERE articles_fts MATCH :m AND" FILTERS
		      " ORDER BY bm25(articles_fts, 5.0, 1.0), a.date DESC, a.path"
		      " LIMIT :lim OFFSET :off";
		count_sql = "SELECT COUNT(*) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
			    " WHERE articles_fts MATCH :m AND" FILTERS;
	} else {
		sql = "SELECT a.path, a.url, a.title, a.date, a.publication,"
		      " substr(a.text, 1, 160) AS snippet FROM articles a WHERE" FILTERS
		      " ORDER BY a.date DESC, a.path LIMIT :lim OFFSET :off";
		count_sql = "SELECT COUNT(*) FROM articles a WHERE" FILTERS;
	}
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q->db, count_sql, -1, &cnt, NULL) != SQLITE_OK) {
		rc = morgue_error_set(MORGUE_ERROR, q->path, 0, "search: %s", sqlite3_errmsg(q->db));
		goto done;
	}
	bind_all(st, o, match.ptr);
	bind_all(cnt, o, match.ptr);
	if (sqlite3_step(cnt) == SQLITE_ROW)
		*total = sqlite3_column_int64(cnt, 0);
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		morgue_value *m = morgue_value_push_map(list);
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			morgue_value_set_str(m, sqlite3_column_name(st, i), v);
		}
	}
	if (sr != SQLITE_DONE)
		rc = morgue_error_set(MORGUE_ERROR, q->path, 0, "search: %s", sqlite3_errmsg(q->db));
done:
	sqlite3_finalize(st);
	sqlite3_finalize(cnt);
	morgue_buf_free(&match);
	if (rc < 0)
		morgue_value_free(list);
	else
		*out = list;
	return rc;
}
