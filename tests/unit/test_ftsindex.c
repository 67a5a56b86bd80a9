/* Unit tests for generator/ftsindex.c: the full-text index filled by a
 * thread, from rows handed over and rows read from a previous catalog. */
#include "test.h"
#include "ftsindex.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <sqlite3.h>

static char dir[64];

static const char *pathf(morgue_buf *b, const char *name)
{
	morgue_buf_clear(b);
	morgue_buf_printf(b, "%s/%s", dir, name);
	return b->ptr;
}

static void mktmp(void)
{
	snprintf(dir, sizeof(dir), "/tmp/morgue-fts-XXXXXX");
	if (!mkdtemp(dir))
		abort();
}

static void rmtmp(void)
{
	morgue_buf cmd = MORGUE_BUF_INIT;
	morgue_buf_printf(&cmd, "rm -rf '%s'", dir);
	if (system(cmd.ptr) != 0)
		printf("  cannot remove %s\n", dir);
	morgue_buf_free(&cmd);
}

static const char *titles[] = { "Port strike ends", NULL, "Élection à Genève",
				"Council meeting" };
static const char *texts[] = {
	"Dockers returned to work on Monday after the strike ended.",
	"A text without a title, about meetings and the harbour.",
	"Les électeurs de Genève ont voté; the count was slow.",
	"The council met again on Tuesday; the meeting ran late.",
};
#define NROWS 4

/* A previous catalog: the two tables the index reads, rows 1..NROWS. */
static void make_catalog(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *a, *b;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "CREATE TABLE articles(id INTEGER PRIMARY KEY, title TEXT);"
				   "CREATE TABLE bodies(id INTEGER PRIMARY KEY, text TEXT);",
			       NULL, NULL, NULL), SQLITE_OK);
	sqlite3_prepare_v2(db, "INSERT INTO articles VALUES(?,?)", -1, &a, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO bodies VALUES(?,?)", -1, &b, NULL);
	for (int i = 0; i < NROWS; i++) {
		sqlite3_bind_int(a, 1, i + 1);
		if (titles[i])
			sqlite3_bind_text(a, 2, titles[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(a, 2);
		sqlite3_bind_int(b, 1, i + 1);
		sqlite3_bind_text(b, 2, texts[i], -1, SQLITE_STATIC);
		CHECK_INT(sqlite3_step(a), SQLITE_DONE);
		CHECK_INT(sqlite3_step(b), SQLITE_DONE);
		sqlite3_reset(a);
		sqlite3_reset(b);
	}
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	sqlite3_close(db);
}

/* The index's shadow rows, in hex: what archive.sqlite receives. */
static void dump_index(morgue_buf *out, const char *path)
{
	static const char *const tables[] = { "articles_fts_data", "articles_fts_idx",
					       "articles_fts_docsize", "articles_fts_config" };
	sqlite3 *db;
	CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (size_t t = 0; t < sizeof(tables) / sizeof(*tables); t++) {
		morgue_buf q = MORGUE_BUF_INIT;
		sqlite3_stmt *st = NULL;
		morgue_buf_printf(&q, "SELECT * FROM %s ORDER BY 1, 2", tables[t]);
		morgue_buf_printf(out, "== %s\n", tables[t]);
		CHECK_INT(sqlite3_prepare_v2(db, q.ptr, -1, &st, NULL), SQLITE_OK);
		while (st && sqlite3_step(st) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(st); i++) {
				const unsigned char *b = sqlite3_column_blob(st, i);
				int n = sqlite3_column_bytes(st, i);
				morgue_buf_putc(out, '|');
				for (int k = 0; k < n; k++)
					morgue_buf_printf(out, "%02x", b[k]);
			}
			morgue_buf_putc(out, '\n');
		}
		sqlite3_finalize(st);
		morgue_buf_free(&q);
	}
	sqlite3_close(db);
}

/* The index as one INSERT ... SELECT from the catalog makes it (what
 * morgue_catalog_export_fts does). */
static void reference_index(const char *path, const char *catalog)
{
	sqlite3 *db;
	morgue_buf sql = MORGUE_BUF_INIT;
	morgue_buf_printf(&sql,
			  "ATTACH '%s' AS c; BEGIN;"
			  "CREATE VIRTUAL TABLE articles_fts USING fts5(" MORGUE_FTSINDEX_COLUMNS
			  ", content='', " MORGUE_FTSINDEX_TOKENIZE ");"
			  "INSERT INTO articles_fts(rowid, title, text) SELECT a.id, a.title, b.text"
			  " FROM c.articles a JOIN c.bodies b ON b.id = a.id ORDER BY a.id;"
			  "COMMIT;",
			  catalog);
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, sql.ptr, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	morgue_buf_free(&sql);
}

/* Rows matching query in the index at path, queried as archive.sqlite
 * is: its rows copied into a table declared with the real tokenizer (the
 * file's own table names the recording one, which only the index has). */
static int matches(const char *path, const char *query)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	morgue_buf sql = MORGUE_BUF_INIT;
	int n = -1;
	sqlite3_open(":memory:", &db);
	morgue_buf_printf(&sql,
			  "ATTACH '%s' AS s;"
			  "CREATE VIRTUAL TABLE articles_fts USING fts5(" MORGUE_FTSINDEX_COLUMNS
			  ", content='', " MORGUE_FTSINDEX_TOKENIZE ");"
			  "DELETE FROM articles_fts_data;"
			  "INSERT INTO articles_fts_data SELECT * FROM s.articles_fts_data;"
			  "INSERT INTO articles_fts_idx SELECT * FROM s.articles_fts_idx;"
			  "INSERT INTO articles_fts_docsize SELECT * FROM s.articles_fts_docsize;",
			  path);
	CHECK_INT(sqlite3_exec(db, sql.ptr, NULL, NULL, NULL), SQLITE_OK);
	morgue_buf_free(&sql);
	if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

/* The setting of the tests below: a previous catalog of the NROWS rows,
 * the reference index made from it, the paths of two indexes, and two
 * dumps to compare. */
typedef struct fixture {
	morgue_buf paths[4];
	const char *cat, *ref, *fts, *fts2;
	morgue_buf a, b;
} fixture;

static void setup(fixture *x)
{
	static const char *const names[] = { "catalog", "ref", "fts", "fts2" };
	memset(x, 0, sizeof(*x));
	mktmp();
	for (int i = 0; i < 4; i++)
		pathf(&x->paths[i], names[i]);
	x->cat = x->paths[0].ptr;
	x->ref = x->paths[1].ptr;
	x->fts = x->paths[2].ptr;
	x->fts2 = x->paths[3].ptr;
	make_catalog(x->cat);
	reference_index(x->ref, x->cat);
	dump_index(&x->b, x->ref);
}

static void teardown(fixture *x)
{
	rmtmp();
	for (int i = 0; i < 4; i++)
		morgue_buf_free(&x->paths[i]);
	morgue_buf_free(&x->a);
	morgue_buf_free(&x->b);
}

/* Hand row i (0-based) over with its title and text. */
static int hand_over(morgue_ftsindex *f, int i)
{
	return morgue_ftsindex_add(f, i + 1, titles[i], morgue_strdup(texts[i]), strlen(texts[i]));
}

/* Finish the index at path and check it is the reference, of 4 rows. */
static void same_as_reference(fixture *x, morgue_ftsindex *f, const char *path)
{
	long long count, last;
	CHECK_INT(morgue_ftsindex_finish(f, &count, &last), 0);
	CHECK_INT(count, 4);
	CHECK_INT(last, 4);
	morgue_buf_clear(&x->a);
	dump_index(&x->a, path);
	CHECK(x->a.size > 200);
	CHECK_STR(morgue_buf_cstr(&x->a), morgue_buf_cstr(&x->b));
}

/* Rows handed over and rows read from the previous catalog, mixed, give
 * the same index as the catalog's own INSERT ... SELECT. */
static void same_rows_as_from_the_catalog(void)
{
	fixture x;
	morgue_ftsindex *f;
	setup(&x);
	CHECK_INT(morgue_ftsindex_start(&f, x.fts, x.cat), 0);
	CHECK_STR(morgue_ftsindex_path(f), x.fts);
	CHECK_INT(morgue_ftsindex_add_kept(f, 1), 0);
	CHECK_INT(hand_over(f, 1), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 3), 0);
	CHECK_INT(hand_over(f, 3), 0);
	same_as_reference(&x, f, x.fts);
	CHECK_INT(matches(x.fts, "meeting"), 2); /* stemmed: meetings, meeting */
	CHECK_INT(matches(x.fts, "election"), 1); /* accents folded */
	morgue_ftsindex_free(f);
	CHECK(access(x.fts, F_OK) != 0); /* the index removes its file */
	teardown(&x);
}

/* Kept rows queued ahead of the builder: its own add_kept calls for them
 * are ignored, a changed row among them is refused, and the index is the
 * same as when every row is handed over in turn. */
static void kept_rows_queued_ahead(void)
{
	fixture x;
	morgue_ftsindex *f;
	setup(&x);
	CHECK_INT(morgue_ftsindex_start(&f, x.fts, x.cat), 0);
	CHECK_INT(morgue_ftsindex_add_kept_through(f, 2), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 1), 0); /* queued already */
	CHECK_INT(hand_over(f, 1), MORGUE_EUSAGE);
	morgue_error_clear();
	morgue_ftsindex_free(f);

	CHECK_INT(morgue_ftsindex_start(&f, x.fts, x.cat), 0);
	CHECK_INT(morgue_ftsindex_add_kept_through(f, 2), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 1), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 2), 0);
	CHECK_INT(hand_over(f, 2), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 4), 0);
	same_as_reference(&x, f, x.fts);
	morgue_ftsindex_free(f);
	teardown(&x);
}

/* Copy the tokens an index recorded (its file's table tokens) into the
 * catalog as MORGUE_FTSINDEX_KEPT, as the build cache keeps them; with
 * damage, each record loses its last byte. */
static void keep_tokens(const char *catalog, const char *fts, int damage)
{
	sqlite3 *db;
	morgue_buf sql = MORGUE_BUF_INIT;
	morgue_buf_printf(&sql,
			  "ATTACH '%s' AS f;"
			  "CREATE TABLE IF NOT EXISTS " MORGUE_FTSINDEX_KEPT
			  "(article_id INTEGER PRIMARY KEY, tokens BLOB NOT NULL);"
			  "DELETE FROM " MORGUE_FTSINDEX_KEPT ";"
			  "INSERT INTO " MORGUE_FTSINDEX_KEPT " SELECT id, %s FROM f.tokens;",
			  fts, damage ? "substr(tokens, 1, length(tokens) - 1)" : "tokens");
	CHECK_INT(sqlite3_open(catalog, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, sql.ptr, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	morgue_buf_free(&sql);
}

/* An index of every row handed over, its tokens kept in the catalog. */
static void record_all(fixture *x, int damage)
{
	morgue_ftsindex *f;
	CHECK_INT(morgue_ftsindex_start(&f, x->fts, NULL), 0);
	for (int i = 0; i < NROWS; i++)
		CHECK_INT(hand_over(f, i), 0);
	same_as_reference(x, f, x->fts); /* recording changes nothing */
	keep_tokens(x->cat, x->fts, damage);
	morgue_ftsindex_free(f);
}

/* Rows handed over record their tokens; kept rows are indexed again from
 * the recorded tokens (the catalog's titles and texts are not read: they
 * are gone) and give the same index; a damaged record is refused. */
static void kept_rows_from_recorded_tokens(void)
{
	fixture x;
	morgue_ftsindex *f;
	long long count, last;
	sqlite3 *db;
	setup(&x);
	record_all(&x, 0);
	/* the texts gone: only the recorded tokens can make the rows */
	CHECK_INT(sqlite3_open(x.cat, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "UPDATE articles SET title = 'gone'; UPDATE bodies SET text = 'gone';",
			       NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	CHECK_INT(morgue_ftsindex_start(&f, x.fts2, x.cat), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 1), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 2), 0); /* no title */
	CHECK_INT(hand_over(f, 2), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 4), 0);
	same_as_reference(&x, f, x.fts2);
	morgue_ftsindex_free(f);
	/* a record cut short */
	record_all(&x, 1);
	CHECK_INT(morgue_ftsindex_start(&f, x.fts2, x.cat), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 1), 0);
	CHECK(morgue_ftsindex_finish(f, &count, &last) < 0);
	morgue_ftsindex_free(f);
	morgue_error_clear();
	teardown(&x);
}

/* An id out of order, a kept row without a previous catalog, or one the
 * catalog lacks: the index is refused, never silently wrong. */
static void rows_out_of_order_are_refused(void)
{
	morgue_buf p1 = MORGUE_BUF_INIT, p2 = MORGUE_BUF_INIT;
	morgue_ftsindex *f;
	long long count, last;
	mktmp();
	const char *cat = pathf(&p1, "catalog"), *fts = pathf(&p2, "fts");
	make_catalog(cat);

	CHECK_INT(morgue_ftsindex_start(&f, fts, NULL), 0);
	CHECK_INT(morgue_ftsindex_add(f, 5, "a", morgue_strdup("x"), 1), 0);
	CHECK_INT(morgue_ftsindex_add(f, 5, "b", morgue_strdup("y"), 1), MORGUE_EUSAGE);
	CHECK(morgue_ftsindex_add(f, 6, "c", morgue_strdup("z"), 1) < 0);
	CHECK(morgue_ftsindex_finish(f, &count, &last) < 0);
	CHECK_INT(count, 0);
	morgue_ftsindex_free(f);
	morgue_error_clear();

	CHECK_INT(morgue_ftsindex_start(&f, fts, NULL), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 1), MORGUE_EUSAGE);
	CHECK(morgue_ftsindex_finish(f, &count, &last) < 0);
	morgue_ftsindex_free(f);
	morgue_error_clear();

	CHECK_INT(morgue_ftsindex_start(&f, fts, cat), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 3), 0);
	CHECK_INT(morgue_ftsindex_add_kept(f, 9), 0); /* not in the catalog */
	CHECK_INT(morgue_ftsindex_finish(f, &count, &last), MORGUE_ENOTFOUND);
	CHECK_CONTAINS(morgue_error_last()->message, "article 9");
	morgue_ftsindex_free(f);
	morgue_error_clear();
	CHECK(access(fts, F_OK) != 0);
	rmtmp();
	morgue_buf_free(&p1);
	morgue_buf_free(&p2);
}

/* More text than the queue holds: the caller waits for the thread and
 * every row arrives; an index dropped half-way is removed. */
static void large_texts_wait_for_the_thread(void)
{
	morgue_buf p1 = MORGUE_BUF_INIT;
	morgue_ftsindex *f;
	long long count, last;
	size_t len = 1u << 20;
	mktmp();
	const char *fts = pathf(&p1, "fts");
	CHECK_INT(morgue_ftsindex_start(&f, fts, NULL), 0);
	for (int i = 1; i <= 24; i++) {
		char *t = morgue_malloc(len);
		for (size_t k = 0; k < len; k++)
			t[k] = k % 8 == 7 ? ' ' : (char)('a' + (k / 8 + (size_t)i) % 26);
		CHECK_INT(morgue_ftsindex_add(f, i, "big", t, len), 0);
	}
	CHECK_INT(morgue_ftsindex_finish(f, &count, &last), 0);
	CHECK_INT(count, 24);
	CHECK_INT(last, 24);
	CHECK_INT(matches(fts, "big"), 24);
	morgue_ftsindex_free(f);

	CHECK_INT(morgue_ftsindex_start(&f, fts, NULL), 0);
	for (int i = 1; i <= 4; i++)
		morgue_ftsindex_add(f, i, "dropped", morgue_strdup("some words"), 10);
	morgue_ftsindex_free(f); /* no finish: the thread stops */
	CHECK(access(fts, F_OK) != 0);
	rmtmp();
	morgue_buf_free(&p1);
}

int main(void)
{
	RUN(same_rows_as_from_the_catalog);
	RUN(kept_rows_queued_ahead);
	RUN(kept_rows_from_recorded_tokens);
	RUN(rows_out_of_order_are_refused);
	RUN(large_texts_wait_for_the_thread);
	TEST_EXIT();
}
