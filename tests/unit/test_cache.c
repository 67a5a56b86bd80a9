/* Unit tests for generator/cache.c: copying an article's rows from the
 * previous build's catalog, signatures, page families and what happens
 * with a damaged or foreign cache file. */
#include "test.h"
#include "attribution.h"
#include "cache.h"
#include "catalog.h"
#include "markdown.h"
#include "output.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"

#include <errno.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char tmp[] = "/tmp/morgue-cache-test.XXXXXX";
static size_t warnings;

static void count_warning(const char *file, int line, const char *msg, void *payload)
{
	warnings++;
}

static void path(morgue_buf *b, const char *name)
{
	morgue_buf_clear(b);
	morgue_buf_printf(b, "%s/%s", tmp, name);
}

/* A catalog file with one entity and two articles, recorded in a cache. */
static void first_build(const char *file, const char *title2)
{
	morgue_catalog *c;
	morgue_cache *k;
	morgue_entity e = { 0 };
	CHECK_INT(morgue_catalog_new_file(&c, file), 0);
	CHECK_INT(morgue_cache_open(&k, c, NULL), 0);
	CHECK(!morgue_cache_has_previous(k));
	morgue_catalog_begin(c);
	e.file = (char *)"entities/x.md";
	e.slug = (char *)"ada-lovelace";
	e.name = (char *)"Ada Lovelace";
	e.type = MORGUE_ENTITY_PERSON;
	CHECK_INT(morgue_catalog_add_entity(c, &e, NULL), 0);
	for (int i = 0; i < 2; i++) {
		morgue_article a = { 0 };
		char *tags[] = { (char *)"Computing", (char *)"computing" };
		const char *text = "Ada Lovelace wrote it.";
		const char *slugs[] = { "ada-lovelace" };
		morgue_mention m = { .entity = (char *)"ada-lovelace",
				     .surface = (char *)"Ada Lovelace", .offset = 0, .length = 12 };
		long long id;
		a.file = (char *)"articles/x.md";
		a.id = (char *)(i ? "2020/two" : "2020/one");
		a.title = (char *)(i ? title2 : "One");
		a.date = (char *)"2020-01-01";
		a.tags = tags;
		a.ntags = 2;
		CHECK_INT(morgue_catalog_add_article(c, &id, &a, "<p>x</p>", text, strlen(text)), 0);
		CHECK_INT(morgue_catalog_add_mentions(c, id, &m, 1, text, strlen(text)), 0);
		CHECK_INT(morgue_cache_search_record(k, id, "The Times", (const char *const *)tags, 2,
						     slugs, 1), 0);
		CHECK_INT(morgue_cache_article_record(k, id, i ? "key-two" : "key-one",
						      i ? "digest-two" : "digest-one"), 0);
		morgue_cache_tokens_record(k, i ? "key-two" : "key-one", i ? "tok-2" : "tok-1", 5);
	}
	/* the search index's dictionary, and a blob of no article */
	morgue_cache_tokens_record(k, "", "words", 5);
	morgue_cache_tokens_record(k, "key-gone", "tok-x", 5);
	CHECK_INT(morgue_catalog_finish(c), 0);
	CHECK_INT(morgue_cache_page_record(k, "a:articles/2020/one.html", "sig-1",
					   "articles/2020/one.html", -1), 0);
	/* a family of three pages, in this order, and many of one */
	CHECK_INT(morgue_cache_page_record(k, "e:x", "sig-e", "entities/x.html", -1), 0);
	CHECK_INT(morgue_cache_page_record(k, "e:x", "sig-e", "entities/x-3.html", -1), 0);
	CHECK_INT(morgue_cache_page_record(k, "e:x", "sig-e", "entities/x-2.html", -1), 0);
	for (int i = 0; i < 300; i++) {
		char fam[32], sig[32], p[32];
		snprintf(fam, sizeof(fam), "t:%d", i);
		snprintf(sig, sizeof(sig), "sig-%d", i * 7);
		snprintf(p, sizeof(p), "tags/%d.html", i);
		CHECK_INT(morgue_cache_page_record(k, fam, sig, p, -1), 0);
	}
	/* a page of e:x recorded apart from the others */
	CHECK_INT(morgue_cache_page_record(k, "e:x", "sig-e", "entities/x-4.html", -1), 0);
	CHECK_INT(morgue_cache_flush(k), 0);
	CHECK_INT(morgue_cache_set_stamp(k, "stamp-1"), 0);
	CHECK_INT(morgue_cache_set_parse_key(k, "parse-1"), 0);
	morgue_catalog_commit(c);
	morgue_cache_free(k);
	morgue_catalog_free(c);
}

static void test_copy(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	morgue_catalog *c;
	morgue_cache *k;
	long long old = 0, id = 0;
	path(&a, "a.cache");
	path(&b, "b.cache");
	first_build(a.ptr, "Two");
	CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, a.ptr), 0);
	CHECK(morgue_cache_has_previous(k));
	CHECK_STR(morgue_cache_previous_stamp(k), "stamp-1");
	morgue_catalog_begin(c);
	CHECK_INT(morgue_cache_article_lookup(k, &old, "key-nope"), 0);
	CHECK_INT(morgue_cache_article_lookup(k, &old, "key-two"), 1);
	CHECK_INT(old, 2);
	CHECK_INT(morgue_cache_article_copy(k, &id, old), 0);
	CHECK_INT(id, 1); /* a fresh id, in this build's order */
	morgue_value *brief = morgue_catalog_article_brief(c, id);
	CHECK_STR(morgue_value_get_string(morgue_value_get(brief, "title")), "Two");
	morgue_value_free(brief);
	size_t len = 0;
	char *text = morgue_catalog_article_text(c, id, &len);
	CHECK_STR(text, "Ada Lovelace wrote it.");
	free(text);
	CHECK_INT(morgue_catalog_count(c, "mentions"), 1);
	CHECK_INT(morgue_catalog_count(c, "tags"), 1); /* one slug, as the original */
	char *pub = NULL, **tags = NULL, **ents = NULL;
	size_t ntags = 0, nents = 0;
	CHECK_INT(morgue_cache_search_fields(k, id, &pub, &tags, &ntags, &ents, &nents), 0);
	CHECK_STR(pub, "The Times");
	CHECK_INT(ntags, 2); /* raw, as the search index was given them */
	if (ntags == 2)
		CHECK_STR(tags[1], "computing");
	CHECK_INT(nents, 1);
	for (size_t i = 0; i < ntags; i++)
		free(tags[i]);
	for (size_t i = 0; i < nents; i++)
		free(ents[i]);
	free(tags);
	free(ents);
	free(pub);
	morgue_catalog_commit(c);
	morgue_cache_free(k);
	morgue_catalog_free(c);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
}

static void test_signatures(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	char s1[MORGUE_HASH_HEX], s2[MORGUE_HASH_HEX], s3[MORGUE_HASH_HEX], s4[MORGUE_HASH_HEX];
	morgue_catalog *c;
	morgue_cache *k;
	path(&a, "sig-a.cache");
	path(&b, "sig-b.cache");
	first_build(a.ptr, "Two");
	CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, NULL), 0);
	CHECK_INT(morgue_cache_article_record(k, 1, "k1", "d1"), 0);
	CHECK_INT(morgue_cache_article_record(k, 2, "k2", "d2"), 0);
	CHECK_STR(morgue_cache_article_digest(k, 2), "d2");
	CHECK_STR(morgue_cache_article_digest(k, 99), "");
	morgue_cache_article_sig(k, s1, "pages", 1, 0, 2);
	morgue_cache_article_sig(k, s2, "pages", 1, 0, 2);
	CHECK_STR(s1, s2);
	morgue_cache_article_sig(k, s2, "other theme", 1, 0, 2);
	CHECK(strcmp(s1, s2) != 0);
	morgue_cache_article_sig(k, s2, "pages", 1, 0, 0); /* no next article */
	CHECK(strcmp(s1, s2) != 0);
	/* a related article, its score: read in one scan after the listings */
	sqlite3 *db = morgue_catalog_handle(c);
	CHECK_INT(sqlite3_exec(db, "INSERT INTO related VALUES(1, 0, 2, 1.5, 'X')", NULL, NULL,
			       NULL), SQLITE_OK);
	CHECK_INT(morgue_cache_load_listings(k), 0);
	morgue_cache_article_sig(k, s2, "pages", 1, 0, 2);
	CHECK(strcmp(s1, s2) != 0);
	CHECK_INT(sqlite3_exec(db, "UPDATE related SET score = 1.25", NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(morgue_cache_load_listings(k), 0);
	morgue_cache_article_sig(k, s3, "pages", 1, 0, 2);
	CHECK(strcmp(s2, s3) != 0 && strcmp(s1, s3) != 0);
	/* the related table unreadable: no signature of a page is the old one */
	CHECK_INT(sqlite3_exec(db, "DROP TABLE related", NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(morgue_cache_load_listings(k), 0);
	morgue_cache_article_sig(k, s4, "pages", 1, 0, 2);
	CHECK(strcmp(s4, s1) != 0 && strcmp(s4, s3) != 0);
	CHECK(morgue_error_last() == NULL);
	/* the catalog has no rows here: groups are empty but still distinct */
	CHECK_INT(morgue_cache_group_sig(k, s3, "pages", "tag", "computing"), 0);
	CHECK_INT(morgue_cache_group_sig(k, s4, "pages", "tag", "history"), 0);
	CHECK(strcmp(s3, s4) != 0);
	CHECK(morgue_cache_group_sig(k, s4, "pages", "nonsense", "x") < 0);
	morgue_error_clear();
	morgue_cache_free(k);
	morgue_catalog_free(c);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
}

static void test_group_follows_members(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	char s1[MORGUE_HASH_HEX], s2[MORGUE_HASH_HEX];
	morgue_catalog *c;
	morgue_cache *k;
	path(&a, "grp-a.cache");
	path(&b, "grp-b.cache");
	first_build(a.ptr, "Two");
	/* reopen the first build's catalog rows through a copy; round 1
	 * changes a member's digest (an edit the lists do not show: the
	 * signature stays), round 2 what it lists (its title: it changes) */
	char s3[MORGUE_HASH_HEX];
	/* the exports' signatures too: in round 2 the second article's
	 * mention moves (its mentions digest changes, not its attributions') */
	char x[3][3][MORGUE_HASH_HEX], again[MORGUE_HASH_HEX];
	static const char *const exports[3] = { "mentions", "attributions", "sourcing" };
	for (int round = 0; round < 3; round++) {
		long long old, id;
		CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
		CHECK_INT(morgue_cache_open(&k, c, a.ptr), 0);
		morgue_catalog_begin(c);
		morgue_entity e = { 0 };
		e.file = (char *)"entities/x.md";
		e.slug = (char *)"ada-lovelace";
		e.name = (char *)"Ada Lovelace";
		e.type = MORGUE_ENTITY_PERSON;
		CHECK_INT(morgue_catalog_add_entity(c, &e, NULL), 0);
		/* the rows first_build stored, copied with the articles */
		morgue_mention m = { .entity = (char *)"ada-lovelace",
				     .surface = (char *)"Ada Lovelace", .offset = 0, .length = 12 };
		for (int i = 0; i < 2; i++) {
			CHECK_INT(morgue_cache_article_lookup(k, &old, i ? "key-two" : "key-one"), 1);
			CHECK_INT(morgue_cache_article_copy(k, &id, old), 0);
			morgue_cache_article_record(k, id, "k", round && i ? "changed" : "same");
			if (round == 2 && i)
				CHECK_INT(sqlite3_exec(morgue_catalog_handle(c),
						       "UPDATE articles SET title='Changed' WHERE id=2",
						       NULL, NULL, NULL), SQLITE_OK);
			m.offset = round == 2 && i ? 1 : 0;
			CHECK_INT(morgue_cache_rows_record(k, id, "Ada Lovelace wrote it.", 22, 0,
							   &m, 1, NULL, 0), 0);
		}
		CHECK_INT(morgue_catalog_finish(c), 0);
		morgue_catalog_commit(c);
		CHECK_INT(morgue_cache_load_listings(k), 0);
		for (int i = 0; i < 3; i++)
			CHECK_INT(morgue_cache_export_sig(k, x[round][i], "pages", exports[i]), 0);
		CHECK_INT(morgue_cache_export_sig(k, again, "pages", "mentions"), 0);
		CHECK_STR(again, x[round][0]);
		CHECK_INT(morgue_cache_export_sig(k, again, "other page key", "mentions"), 0);
		CHECK(strcmp(again, x[round][0]) != 0);
		CHECK_INT(morgue_cache_export_sig(k, again, "pages", "nothing"), MORGUE_EUSAGE);
		morgue_error_clear();
		CHECK_INT(morgue_cache_group_sig(k, round == 2 ? s3 : round ? s2 : s1, "pages",
						 "entity", "ada-lovelace"), 0);
		morgue_cache_free(k);
		morgue_catalog_free(c);
	}
	CHECK_STR(s1, s2);
	CHECK(strcmp(s1, s3) != 0);
	for (int i = 0; i < 3; i++)
		CHECK_STR(x[0][i], x[1][i]);
	CHECK(strcmp(x[0][0], x[2][0]) != 0); /* mentions */
	CHECK_STR(x[0][1], x[2][1]);          /* attributions */
	CHECK_STR(x[0][2], x[2][2]);          /* sourcing */
	CHECK(strcmp(x[0][0], x[0][1]) != 0);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
}

/* A new catalog file name (and its cache) with the article "2020/one" of
 * this text added in an open transaction; its id. */
static long long one_article(morgue_catalog **c, morgue_cache **k, morgue_buf *f,
			     const char *name, const char *text)
{
	morgue_article a = { 0 };
	long long id = 0;
	path(f, name);
	CHECK_INT(morgue_catalog_new_file(c, f->ptr), 0);
	CHECK_INT(morgue_cache_open(k, *c, NULL), 0);
	morgue_catalog_begin(*c);
	a.file = (char *)"articles/x.md";
	a.id = (char *)"2020/one";
	a.title = (char *)"One";
	a.date = (char *)"2020-01-01";
	CHECK_INT(morgue_catalog_add_article(*c, &id, &a, "<p>x</p>", text, strlen(text)), 0);
	return id;
}

/* The home list's page signature over one article with this text (a
 * mention of Ada Lovelace at 0) and word-count flag; its rows recorded
 * in one call or, two_steps, as a parse worker and the main thread do. */
static void listing_sig2(char out[MORGUE_HASH_HEX], const char *text, int words, int two_steps)
{
	morgue_buf f = MORGUE_BUF_INIT;
	morgue_catalog *c;
	morgue_cache *k;
	morgue_mention m = { .entity = (char *)"ada-lovelace", .surface = (char *)"Ada Lovelace",
			     .offset = 0, .length = 12 };
	char (*sigs)[MORGUE_HASH_HEX] = NULL;
	size_t n = 0;
	long long id = one_article(&c, &k, &f, "listing.cache", text);
	CHECK_INT(morgue_catalog_add_mentions(c, id, &m, 1, text, strlen(text)), 0);
	if (two_steps) {
		morgue_cache_rows_digest d;
		morgue_cache_rows_digest_of(&d, text, strlen(text), &m, 1, NULL, 0);
		CHECK_INT(morgue_cache_rows_record_digest(k, id, words, &d), 0);
	} else
		CHECK_INT(morgue_cache_rows_record(k, id, text, strlen(text), words, &m, 1, NULL, 0), 0);
	CHECK_INT(morgue_cache_article_record(k, id, "key", text), 0); /* the digest: every byte */
	CHECK_INT(morgue_catalog_finish(c), 0);
	morgue_catalog_commit(c);
	CHECK_INT(morgue_cache_load_listings(k), 0);
	CHECK_INT(morgue_cache_list_sigs(k, &sigs, &n, "pages", "home", NULL, NULL, 10), 0);
	CHECK_INT(n, 1);
	memcpy(out, n ? sigs[0] : "", MORGUE_HASH_HEX);
	free(sigs);
	morgue_cache_free(k);
	morgue_catalog_free(c);
	remove(f.ptr);
	morgue_buf_free(&f);
}

static void listing_sig(char out[MORGUE_HASH_HEX], const char *text, int words)
{
	listing_sig2(out, text, words, 0);
}

/* A list page follows what it shows of an article: an edit outside the
 * sentences of its mentions keeps the signature, unless the theme shows
 * word counts and the count changed; an edit inside one changes it. */
static void test_listing_digest(void)
{
	/* past the excerpt's ~220 bytes, so edits after it touch no listed field */
#define PAD "\nThe rest of the article goes on for a while, long enough that" \
	" its first lines make the whole excerpt of a list, which takes the" \
	" first two hundred and twenty bytes or so of the text and cuts them" \
	" at a word, then adds an ellipsis.\n"
	char base[MORGUE_HASH_HEX], s[MORGUE_HASH_HEX], wbase[MORGUE_HASH_HEX];
	listing_sig(base, "Ada Lovelace wrote it." PAD "More text here.", 0);
	listing_sig(s, "Ada Lovelace wrote it." PAD "More text there.", 0);
	CHECK_STR(s, base);
	listing_sig(s, "Ada Lovelace wrote it." PAD "More text here, and more.", 0);
	CHECK_STR(s, base);
	listing_sig(s, "Ada Lovelace wrote it all." PAD "More text here.", 0);
	CHECK(strcmp(s, base) != 0);
	/* the digests made apart (by a parse worker) sign the same */
	listing_sig2(s, "Ada Lovelace wrote it." PAD "More text here.", 0, 1);
	CHECK_STR(s, base);
	listing_sig(wbase, "Ada Lovelace wrote it." PAD "More text here.", 1);
	CHECK(strcmp(wbase, base) != 0);
	listing_sig(s, "Ada Lovelace wrote it." PAD "More text there.", 1);
	CHECK_STR(s, wbase); /* the same count */
	listing_sig(s, "Ada Lovelace wrote it." PAD "More text here, and more.", 1);
	CHECK(strcmp(s, wbase) != 0);
#undef PAD
}

static void reused(const char *p, void *payload)
{
	(*(int *)payload)++;
}

/* The digest of rows as read back (the test's own reading: each value's
 * type, then the integer or the length and bytes; "" ends a row). */
static void stored_digest(char out[MORGUE_HASH_HEX], morgue_catalog *c, const char *sql,
			  long long id)
{
	sqlite3_stmt *st = NULL;
	morgue_hash h;
	morgue_hash_init(&h);
	CHECK_INT(sqlite3_prepare_v2(morgue_catalog_handle(c), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			int type = sqlite3_column_type(st, i);
			morgue_hash_int(&h, type);
			if (type == SQLITE_INTEGER)
				morgue_hash_int(&h, sqlite3_column_int64(st, i));
			else if (type != SQLITE_NULL) {
				const unsigned char *t = sqlite3_column_text(st, i);
				morgue_hash_int(&h, sqlite3_column_bytes(st, i));
				morgue_hash_put(&h, t, (size_t)sqlite3_column_bytes(st, i));
			}
		}
		morgue_hash_puts(&h, "");
	}
	sqlite3_finalize(st);
	morgue_hash_hex(out, &h);
}

/* rows_record digests the parsed rows without reading them back: the
 * digests equal those of the rows the catalog stored (NULL fields, every
 * mention source, a quote cut at the end of the text). */
static void test_rows_digest_is_stored_rows(void)
{
	morgue_buf f = MORGUE_BUF_INIT;
	morgue_catalog *c;
	morgue_cache *k;
	const char *text = "Ada Lovelace wrote it, officials said.";
	morgue_mention m[3] = {
		{ .entity = (char *)"ada-lovelace", .surface = (char *)"Ada Lovelace", .offset = 0,
		  .length = 12, .source = MORGUE_MENTION_AUTO },
		{ .entity = (char *)"ada-lovelace", .surface = (char *)"Lovelace", .offset = 4,
		  .length = 8, .source = MORGUE_MENTION_INLINE },
		{ .entity = (char *)"officials", .surface = (char *)"officials", .offset = 23,
		  .length = 9, .source = MORGUE_MENTION_STANDOFF },
	};
	morgue_attribution t[2] = {
		{ .source = (char *)"ada-lovelace", .source_text = (char *)"Ada Lovelace",
		  .kind = MORGUE_SOURCE_PERSON, .cue = (char *)"wrote", .offset = 13, .length = 8 },
		{ .source = NULL, .source_text = NULL, .kind = MORGUE_SOURCE_ANONYMOUS,
		  .affiliation = (char *)"US", .count = 2, .offset = 23, .length = 500,
		  .standoff = 1 },
	};
	char want[MORGUE_HASH_HEX], got[MORGUE_HASH_HEX];
	long long id = one_article(&c, &k, &f, "rows.cache", text);
	CHECK_INT(morgue_catalog_add_mentions(c, id, m, 3, text, strlen(text)), 0);
	CHECK_INT(morgue_catalog_add_attributions(c, id, t, 2, text, strlen(text)), 0);
	CHECK_INT(morgue_cache_rows_record(k, id, text, strlen(text), 0, m, 3, t, 2), 0);
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st = NULL;
		stored_digest(want, c, i ? "SELECT seq, source, source_text, kind, cue, affiliation,"
					   " count, offset, length, quote, origin FROM attributions"
					   " WHERE article_id=? ORDER BY seq"
					 : "SELECT entity, surface, offset, length, source FROM mentions"
					   " WHERE article_id=? ORDER BY id", id);
		CHECK_INT(sqlite3_prepare_v2(morgue_catalog_handle(c),
					     i ? "SELECT attributions FROM cache_rows WHERE article_id=?"
					       : "SELECT mentions FROM cache_rows WHERE article_id=?",
					     -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_int64(st, 1, id);
		CHECK_INT(sqlite3_step(st), SQLITE_ROW);
		snprintf(got, sizeof(got), "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		CHECK_STR(got, want);
	}
	morgue_catalog_commit(c);
	morgue_cache_free(k);
	morgue_catalog_free(c);
	morgue_buf_free(&f);
}

static void collect(const char *path, void *payload)
{
	morgue_buf_printf(payload, "%s;", path);
}

/* Page records keep each file's size: the one given, else what staging
 * holds at the flush (NULL when it holds nothing there). The next build
 * links with the recorded size, which it counts as the file's: 9, not
 * the 3 bytes a stat would find. */
static void test_page_sizes(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, site = MORGUE_BUF_INIT;
	morgue_catalog *c;
	morgue_cache *k;
	morgue_output *o;
	path(&a, "size-a.cache");
	path(&b, "size-b.cache");
	path(&site, "size-site");
	CHECK_INT(morgue_catalog_new_file(&c, a.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, NULL), 0);
	morgue_catalog_begin(c);
	CHECK_INT(morgue_catalog_finish(c), 0);
	CHECK_INT(morgue_output_begin(&o, site.ptr), 0);
	morgue_cache_set_output(k, o);
	CHECK_INT(morgue_output_write(o, "a.html", "aaaaa", 5), 0);
	CHECK_INT(morgue_output_write(o, "b.html", "bbb", 3), 0);
	CHECK_INT(morgue_cache_page_record(k, "f:a", "s", "a.html", -1), 0);
	CHECK_INT(morgue_cache_page_record(k, "f:b", "s", "b.html", 9), 0);
	CHECK_INT(morgue_cache_page_record(k, "f:c", "s", "c.html", -1), 0);
	CHECK_INT(morgue_cache_flush(k), 0);
	sqlite3_stmt *st;
	morgue_buf rows = MORGUE_BUF_INIT;
	CHECK_INT(sqlite3_prepare_v2(morgue_catalog_handle(c), "SELECT path, size FROM cache_pages"
				     " ORDER BY path", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		morgue_buf_printf(&rows, "%s=%s;", sqlite3_column_text(st, 0),
				  sqlite3_column_type(st, 1) == SQLITE_NULL ? "null"
					: (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	CHECK_STR(morgue_buf_cstr(&rows), "a.html=5;b.html=9;c.html=null;");
	CHECK_INT(morgue_cache_set_stamp(k, "stamp-1"), 0);
	CHECK_INT(morgue_cache_set_parse_key(k, "parse-1"), 0);
	morgue_catalog_commit(c);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	morgue_cache_free(k);
	morgue_catalog_free(c);

	CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, a.ptr), 0);
	CHECK_INT(morgue_output_begin(&o, site.ptr), 0);
	size_t before = morgue_output_bytes(o);
	CHECK_INT(morgue_cache_page_reuse(k, o, "f:b", "s", NULL, NULL), 1);
	CHECK_INT(morgue_output_bytes(o) - before, 9);
	CHECK_INT(morgue_cache_page_reuse(k, o, "f:a", "s", NULL, NULL), 1);
	CHECK_INT(morgue_output_bytes(o) - before, 9 + 5);
	morgue_output_free(o);
	morgue_cache_free(k);
	morgue_catalog_free(c);
	morgue_buf_free(&rows);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
	morgue_buf_free(&site);
}

static void test_page_reuse(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, site = MORGUE_BUF_INIT;
	morgue_catalog *c;
	morgue_cache *k;
	morgue_output *o;
	int n = 0;
	path(&a, "page-a.cache");
	path(&b, "page-b.cache");
	path(&site, "site");
	first_build(a.ptr, "Two");
	/* the previous site, with the family's one file */
	CHECK_INT(morgue_output_begin(&o, site.ptr), 0);
	CHECK_INT(morgue_output_write(o, "articles/2020/one.html", "<p>one</p>", 10), 0);
	CHECK_INT(morgue_output_write(o, "entities/x.html", "x", 1), 0);
	CHECK_INT(morgue_output_write(o, "entities/x-2.html", "x", 1), 0);
	CHECK_INT(morgue_output_write(o, "entities/x-3.html", "x", 1), 0);
	CHECK_INT(morgue_output_write(o, "entities/x-4.html", "x", 1), 0);
	for (int i = 0; i < 300; i++) {
		char p[32];
		snprintf(p, sizeof(p), "tags/%d.html", i);
		CHECK_INT(morgue_output_write(o, p, "t", 1), 0);
	}
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);

	CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, a.ptr), 0);
	/* the records read by a thread of their own (the other tests read
	 * them at the first lookup) */
	morgue_cache_read_ahead(k);
	CHECK_INT(morgue_output_begin(&o, site.ptr), 0);
	CHECK_INT(morgue_cache_page_reuse(k, o, "a:articles/2020/one.html", "sig-other", reused, &n), 0);
	CHECK_INT(morgue_cache_page_reuse(k, o, "a:articles/2020/two.html", "sig-1", reused, &n), 0);
	CHECK_INT(morgue_cache_page_reuse(k, o, "a:articles/2020/one.html", "sig-1", reused, &n), 1);
	CHECK_INT(n, 1);
	CHECK_INT(morgue_cache_pages_reused(k), 1);
	/* every page of a family, in the order recorded; each family of
	 * many found, with its own sig only */
	morgue_buf got = MORGUE_BUF_INIT;
	CHECK_INT(morgue_cache_page_reuse(k, o, "e:x", "sig-e", collect, &got), 1);
	CHECK_STR(morgue_buf_cstr(&got),
		  "entities/x.html;entities/x-3.html;entities/x-2.html;entities/x-4.html;");
	CHECK_INT(morgue_cache_page_reuse(k, o, "e:", "sig-e", collect, &got), 0);
	int found = 0, wrong = 0;
	for (int i = 0; i < 300; i++) {
		char fam[32], sig[32];
		snprintf(fam, sizeof(fam), "t:%d", i);
		snprintf(sig, sizeof(sig), "sig-%d", i * 7 + 1);
		wrong += morgue_cache_page_reuse(k, o, fam, sig, NULL, NULL);
		snprintf(sig, sizeof(sig), "sig-%d", i * 7);
		found += morgue_cache_page_reuse(k, o, fam, sig, NULL, NULL);
	}
	CHECK_INT(found, 300);
	CHECK_INT(wrong, 0);
	CHECK_INT(morgue_cache_pages_reused(k), 305);
	morgue_buf_free(&got);
	morgue_buf f = MORGUE_BUF_INIT;
	morgue_buf_printf(&f, "%s/articles/2020/one.html", morgue_output_staging(o));
	struct stat st, live;
	morgue_buf l = MORGUE_BUF_INIT;
	morgue_buf_printf(&l, "%s/articles/2020/one.html", site.ptr);
	CHECK(stat(f.ptr, &st) == 0 && stat(l.ptr, &live) == 0 &&
	      st.st_ino == live.st_ino); /* linked, not copied */
	morgue_buf_free(&l);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_output_free(o);
	morgue_buf_clear(&f);
	morgue_buf_printf(&f, "%s/articles/2020/one.html", site.ptr);
	morgue_buf data = MORGUE_BUF_INIT;
	CHECK_INT(morgue_fs_read(&data, f.ptr), 0);
	CHECK_STR(morgue_buf_cstr(&data), "<p>one</p>");
	morgue_cache_free(k);
	morgue_catalog_free(c);
	morgue_buf_free(&data);
	morgue_buf_free(&f);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
	morgue_buf_free(&site);
}

static void test_bad_files(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	morgue_catalog *c;
	morgue_cache *k;
	path(&a, "garbage.cache");
	path(&b, "new.cache");
	CHECK_INT(morgue_fs_write(a.ptr, "this is not a database, not at all, no.............", 50), 0);
	size_t before = warnings;
	CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, a.ptr), 0);
	CHECK(!morgue_cache_has_previous(k));
	CHECK_INT(warnings, before + 1);
	morgue_cache_free(k);
	morgue_catalog_free(c);

	/* a real SQLite file, but not ours */
	sqlite3 *db;
	remove(a.ptr);
	CHECK(sqlite3_open(a.ptr, &db) == SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE notes(x); INSERT INTO notes VALUES(1);", NULL, NULL, NULL);
	sqlite3_close(db);
	CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, a.ptr), 0);
	CHECK(!morgue_cache_has_previous(k));
	CHECK_INT(warnings, before + 2);
	long long old;
	CHECK_INT(morgue_cache_article_lookup(k, &old, "key-one"), 0);
	morgue_cache_free(k);
	morgue_catalog_free(c);

	/* a missing file is no warning: the first build */
	remove(a.ptr);
	CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, a.ptr), 0);
	CHECK(!morgue_cache_has_previous(k));
	CHECK_INT(warnings, before + 2);
	morgue_cache_free(k);
	morgue_catalog_free(c);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
}

/* An edit starts from the previous cache, moved: only when the parse
 * key is the same and no unchanged article moved; the changed article's
 * rows are dropped and it is added again under its number. */
static void test_open_moved(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	morgue_catalog *c = NULL;
	morgue_cache *k = NULL;
	const char *same[] = { "key-one", "key-two" };
	const char *edited[] = { "key-one", "key-2b" };
	const char *moved[] = { "key-new", "key-one", "key-two" };
	long long old = 0, id = 0;
	morgue_value *brief;

	path(&a, "copy-a.cache");
	path(&b, "copy-b.cache");
	first_build(a.ptr, "Two");
	CHECK_INT(morgue_cache_open_moved(&k, &c, b.ptr, a.ptr, "parse-2", same, 2), 0);
	CHECK(!k && !c && !morgue_fs_exists(b.ptr));
	CHECK_INT(morgue_cache_open_moved(&k, &c, b.ptr, a.ptr, "parse-1", moved, 3), 0);
	CHECK(!k && !c && !morgue_fs_exists(b.ptr));
	/* the plan says as much before any copy: the first article is kept
	 * in place, the second is not (edited) */
	{
		morgue_cache_plan *p;
		const char *second[] = { "key-1b", "key-two" };
		const char *more[] = { "key-one", "key-two", "key-three" };
		CHECK_INT(morgue_cache_plan_move(&p, a.ptr, "parse-2", same, 2), 0);
		CHECK(!p);
		CHECK_INT(morgue_cache_plan_move(&p, a.ptr, "parse-1", moved, 3), 0);
		CHECK(!p);
		CHECK_INT(morgue_cache_plan_move(&p, a.ptr, "parse-1", edited, 2), 0);
		CHECK(p && morgue_cache_plan_kept(p) == 1);
		morgue_cache_plan_free(p);
		CHECK_INT(morgue_cache_plan_move(&p, a.ptr, "parse-1", second, 2), 0);
		CHECK(p && morgue_cache_plan_kept(p) == 0);
		morgue_cache_plan_free(p);
		CHECK_INT(morgue_cache_plan_move(&p, a.ptr, "parse-1", more, 3), 0);
		CHECK(p && morgue_cache_plan_kept(p) == 2); /* an article added at the end */
		morgue_cache_plan_free(p);
		CHECK(!morgue_fs_exists(b.ptr));
		/* a cache with an article whose key is missing is not moved */
		morgue_buf d = MORGUE_BUF_INIT;
		sqlite3 *db = NULL;
		path(&d, "copy-d.cache");
		CHECK_INT(morgue_fs_copy(a.ptr, d.ptr), 0);
		CHECK_INT(sqlite3_open(d.ptr, &db), SQLITE_OK);
		CHECK_INT(sqlite3_exec(db, "DELETE FROM cache_articles WHERE key = 'key-two'",
				       NULL, NULL, NULL), SQLITE_OK);
		CHECK_INT(sqlite3_changes(db), 1);
		sqlite3_close(db);
		CHECK_INT(morgue_cache_plan_move(&p, d.ptr, "parse-1", edited, 2), 0);
		CHECK(!p);
		morgue_cache_plan_free(p);
		remove(d.ptr);
		morgue_buf_free(&d);
	}
	CHECK_INT(morgue_cache_open_moved(&k, &c, b.ptr, a.ptr, "parse-1", edited, 2), 1);
	CHECK(k && c && morgue_fs_exists(b.ptr));
	if (!k || !c)
		goto done;
	CHECK(morgue_cache_has_previous(k));
	CHECK_STR(morgue_cache_previous_stamp(k), "stamp-1");
	CHECK_INT(morgue_catalog_count(c, "articles"), 1); /* two was dropped */
	CHECK_INT(morgue_catalog_count(c, "mentions"), 1);
	CHECK_INT(morgue_cache_article_lookup(k, &old, "key-two"), 0);
	CHECK_INT(morgue_cache_article_lookup(k, &old, "key-one"), 1);
	CHECK_INT(old, 1);
	{
		/* what the search thread reads of a kept article */
		char **ents = NULL;
		size_t nents = 0;
		morgue_buf text = MORGUE_BUF_INIT;
		CHECK_INT(morgue_cache_previous_entities(k, 1, &ents, &nents), 0);
		CHECK_INT(nents, 1);
		if (nents == 1)
			CHECK_STR(ents[0], "ada-lovelace");
		for (size_t i = 0; i < nents; i++)
			free(ents[i]);
		free(ents);
		CHECK_INT(morgue_cache_previous_text(k, 1, &text), 0);
		CHECK_STR(morgue_buf_cstr(&text), "Ada Lovelace wrote it.");
		CHECK_INT(morgue_cache_previous_entities(k, 99, &ents, &nents), MORGUE_ENOTFOUND);
		CHECK(ents == NULL && nents == 0);
		morgue_error_clear();
		morgue_buf_free(&text);
	}
	CHECK_INT(morgue_cache_article_copy(k, &id, old), 0);
	CHECK_INT(id, 1); /* in place */
	morgue_catalog_begin(c);
	{
		morgue_article art = { 0 };
		const char *text = "Ada Lovelace again.";
		morgue_mention m = { .entity = (char *)"ada-lovelace",
				     .surface = (char *)"Ada Lovelace", .offset = 0, .length = 12 };
		art.file = (char *)"articles/x.md";
		art.id = (char *)"2020/two";
		art.title = (char *)"Two, edited";
		art.date = (char *)"2020-01-02";
		morgue_catalog_set_article_id(c, 2);
		CHECK_INT(morgue_catalog_add_article(c, &id, &art, "<p>y</p>", text, strlen(text)), 0);
		CHECK_INT(id, 2);
		CHECK_INT(morgue_catalog_add_mentions(c, id, &m, 1, text, strlen(text)), 0);
	}
	CHECK_INT(morgue_catalog_finish(c), 0);
	morgue_catalog_commit(c);
	CHECK_INT(morgue_catalog_count(c, "refs"), 2);
	CHECK_INT(morgue_catalog_count(c, "mentions"), 2);
	brief = morgue_catalog_article_brief(c, 2);
	CHECK_STR(morgue_value_get_string(morgue_value_get(brief, "title")), "Two, edited");
	morgue_value_free(brief);
done:
	morgue_cache_free(k);
	/* the previous cache was moved, changed in place, and is a plain
	 * file again once unshared */
	if (c)
		CHECK_INT(morgue_catalog_unshare(c), 0);
	morgue_catalog_free(c);
	CHECK(!morgue_fs_exists(a.ptr));
	morgue_buf_clear(&a);
	morgue_buf_printf(&a, "%s-wal", b.ptr);
	CHECK(!morgue_fs_exists(a.ptr));
	CHECK_INT(morgue_catalog_open(&c, b.ptr), 0);
	CHECK_INT(morgue_catalog_count(c, "articles"), 2);
	brief = morgue_catalog_article_brief(c, 2);
	CHECK_STR(morgue_value_get_string(morgue_value_get(brief, "title")), "Two, edited");
	morgue_value_free(brief);
	morgue_catalog_free(c);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
}

/* A build that fails before its first commit rolls the moved cache back:
 * moved back, it is the previous cache, unchanged; meanwhile another
 * connection reads the previous rows. */
static void test_open_moved_rolled_back(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	morgue_catalog *c = NULL, *reader = NULL;
	morgue_cache *k = NULL;
	const char *edited[] = { "key-one", "key-2b" };

	path(&a, "back-a.cache");
	path(&b, "back-b.cache");
	first_build(a.ptr, "Two");
	CHECK_INT(morgue_cache_open_moved(&k, &c, b.ptr, a.ptr, "parse-1", edited, 2), 1);
	if (!k || !c)
		goto done;
	CHECK_INT(morgue_catalog_count(c, "articles"), 1); /* two was dropped */
	CHECK_INT(morgue_catalog_open(&reader, b.ptr), 0);
	CHECK_INT(morgue_catalog_count(reader, "articles"), 2); /* as committed */
	morgue_catalog_free(reader);
	morgue_cache_free(k);
	k = NULL;
	CHECK_INT(morgue_catalog_rollback(c), 0);
	CHECK_INT(morgue_catalog_count(c, "articles"), 2);
	CHECK_INT(morgue_catalog_unshare(c), 0);
	morgue_catalog_free(c);
	c = NULL;
	CHECK_INT(rename(b.ptr, a.ptr), 0);
	CHECK_INT(morgue_catalog_open(&c, a.ptr), 0);
	CHECK_INT(morgue_catalog_count(c, "articles"), 2);
	CHECK_INT(morgue_catalog_count(c, "mentions"), 2);
done:
	morgue_cache_free(k);
	morgue_catalog_free(c);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
}


/* One build on the moved cache from -> to (the articles' keys: keys; with
 * edit, article two is added again, mentioning Ada Lovelace as before):
 * the signatures of the entity groups ada-lovelace and nobody (no
 * member), recorded for the next build. */
static void memo_round(const char *from, const char *to, const char *const *keys, int edit,
		       char ada[MORGUE_HASH_HEX], char nobody[MORGUE_HASH_HEX])
{
	morgue_catalog *c = NULL;
	morgue_cache *k = NULL;
	long long id = 0, old = 0;
	CHECK_INT(morgue_cache_open_moved(&k, &c, to, from, "parse-1", keys, 2), 1);
	if (!k || !c)
		return;
	for (int i = 0; i < 2; i++) {
		if (i && edit) {
			morgue_article art = { 0 };
			const char *text = "Ada Lovelace wrote it.";
			morgue_mention m = { .entity = (char *)"ada-lovelace",
					     .surface = (char *)"Ada Lovelace", .offset = 0,
					     .length = 12 };
			art.file = (char *)"articles/x.md";
			art.id = (char *)"2020/two";
			art.title = (char *)"Two";
			art.date = (char *)"2020-01-01";
			morgue_catalog_set_article_id(c, 2);
			CHECK_INT(morgue_catalog_add_article(c, &id, &art, "<p>x</p>", text,
							     strlen(text)), 0);
			CHECK_INT(morgue_catalog_add_mentions(c, id, &m, 1, text, strlen(text)), 0);
		} else {
			CHECK_INT(morgue_cache_article_lookup(k, &old, keys[i]), 1);
			CHECK_INT(morgue_cache_article_copy(k, &id, old), 0);
		}
		CHECK_INT(morgue_cache_article_record(k, id, keys[i], "digest"), 0);
	}
	CHECK_INT(morgue_catalog_finish(c), 0);
	morgue_catalog_commit(c);
	morgue_catalog_begin(c);
	CHECK_INT(morgue_cache_load_listings(k), 0);
	CHECK_INT(morgue_cache_group_sig(k, ada, "pages", "entity", "ada-lovelace"), 0);
	CHECK_INT(morgue_cache_group_sig(k, nobody, "pages", "entity", "nobody"), 0);
	CHECK_INT(morgue_cache_flush(k), 0);
	CHECK_INT(morgue_cache_set_stamp(k, "stamp-1"), 0);
	morgue_catalog_commit(c);
	morgue_cache_free(k);
	CHECK_INT(morgue_catalog_unshare(c), 0);
	morgue_catalog_free(c);
}

/* On the moved cache a group's signature is the previous build's record
 * (cache_sigs) unless a changed article belongs to it, before or after;
 * made again, it hashes the members as the pass over every group does. */
static void test_group_memo(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, c = MORGUE_BUF_INIT;
	const char *same[] = { "key-one", "key-two" };
	const char *edited[] = { "key-one", "key-2b" };
	const char *poked = "ffffffffffffffffffffffffffffffff";
	char ada[3][MORGUE_HASH_HEX], nobody[3][MORGUE_HASH_HEX], want[MORGUE_HASH_HEX];
	morgue_hash h;
	sqlite3 *db;

	path(&a, "memo-a.cache");
	path(&b, "memo-b.cache");
	path(&c, "memo-c.cache");
	first_build(a.ptr, "Two");
	memo_round(a.ptr, b.ptr, same, 0, ada[0], nobody[0]); /* no records yet */
	/* name, page key, key, each member's listing (none recorded), then
	 * the sources' (none), as load_group hashes them */
	morgue_hash_init(&h);
	morgue_hash_puts(&h, "entity");
	morgue_hash_puts(&h, "pages");
	morgue_hash_puts(&h, "ada-lovelace");
	morgue_hash_puts(&h, "");
	morgue_hash_puts(&h, "");
	morgue_hash_puts(&h, "|");
	morgue_hash_puts(&h, "|");
	morgue_hash_hex(want, &h);
	CHECK_STR(ada[0], want);
	/* the records say otherwise: an answer from them shows */
	CHECK_INT(sqlite3_open(b.ptr, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "UPDATE cache_sigs SET sigs = 'ffffffffffffffffffffffffffffffff'"
			       " WHERE kind = 'g'", NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_changes(db), 2);
	sqlite3_close(db);
	memo_round(b.ptr, c.ptr, same, 0, ada[1], nobody[1]); /* nothing changed */
	CHECK_STR(ada[1], poked);
	CHECK_STR(nobody[1], poked);
	memo_round(c.ptr, b.ptr, edited, 1, ada[2], nobody[2]); /* two is ada's */
	CHECK_STR(ada[2], want);
	CHECK_STR(nobody[2], poked);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
	morgue_buf_free(&c);
}

/* The keys of file's cache_tokens, in order, joined by ",". */
static void token_keys(morgue_buf *out, const char *file)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	morgue_buf_clear(out);
	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT key FROM cache_tokens ORDER BY key", -1, &st,
			       NULL) == SQLITE_OK)
		for (int n = 0; sqlite3_step(st) == SQLITE_ROW; n++)
			morgue_buf_printf(out, "%s%s", n ? "," : "",
					  (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Token blobs: read back from the previous cache by article key, kept
 * for the articles recorded (copied from prev, or in place in a copy)
 * with the dictionary (key ""), dropped for the others. */
static void test_tokens(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, out = MORGUE_BUF_INIT;
	morgue_catalog *c = NULL;
	morgue_cache *k = NULL;
	long long old = 0, id = 0;
	const char *edited[] = { "key-one", "key-2b" };

	path(&a, "tok-a.cache");
	path(&b, "tok-b.cache");
	first_build(a.ptr, "Two");
	token_keys(&out, a.ptr);
	CHECK_STR(out.ptr, ",key-one,key-two"); /* key-gone: no such article */

	/* a new catalog, the previous attached: key-two copied, key-three new */
	CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, a.ptr), 0);
	morgue_catalog_begin(c);
	CHECK_INT(morgue_cache_tokens_get(k, "key-one", &out), 1);
	CHECK(out.size == 5 && !memcmp(out.ptr, "tok-1", 5));
	CHECK_INT(morgue_cache_tokens_get(k, "", &out), 1);
	CHECK(out.size == 5 && !memcmp(out.ptr, "words", 5));
	CHECK_INT(morgue_cache_tokens_get(k, "key-gone", &out), 0);
	CHECK_INT(morgue_cache_article_lookup(k, &old, "key-two"), 1);
	CHECK_INT(morgue_cache_article_copy(k, &id, old), 0);
	CHECK_INT(morgue_cache_article_record(k, id, "key-two", "digest-two"), 0);
	{
		morgue_article art = { 0 };
		art.file = (char *)"articles/y.md";
		art.id = (char *)"2020/three";
		art.title = (char *)"Three";
		art.date = (char *)"2020-01-03";
		CHECK_INT(morgue_catalog_add_article(c, &id, &art, "<p>z</p>", "z", 1), 0);
		CHECK_INT(morgue_cache_article_record(k, id, "key-three", "digest-three"), 0);
		morgue_cache_tokens_record(k, "key-three", "tok-3", 5);
	}
	CHECK_INT(morgue_catalog_finish(c), 0);
	CHECK_INT(morgue_cache_flush(k), 0);
	/* read past the flush: nothing (the lookups are over) */
	CHECK_INT(morgue_cache_tokens_get(k, "key-two", &out), 0);
	morgue_catalog_commit(c);
	morgue_cache_free(k);
	morgue_catalog_free(c);
	token_keys(&out, b.ptr);
	CHECK_STR(out.ptr, ",key-three,key-two");

	/* the previous cache, moved, article two edited */
	remove(b.ptr);
	CHECK_INT(morgue_cache_open_moved(&k, &c, b.ptr, a.ptr, "parse-1", edited, 2), 1);
	if (!k || !c)
		goto done;
	CHECK_INT(morgue_cache_tokens_get(k, "key-two", &out), 1); /* the previous file's */
	CHECK_INT(morgue_cache_article_lookup(k, &old, "key-one"), 1);
	CHECK_INT(morgue_cache_article_copy(k, &id, old), 0);
	CHECK_INT(morgue_cache_article_record(k, id, "key-one", "digest-one"), 0);
	morgue_catalog_begin(c);
	{
		morgue_article art = { 0 };
		art.file = (char *)"articles/x.md";
		art.id = (char *)"2020/two";
		art.title = (char *)"Two, edited";
		art.date = (char *)"2020-01-02";
		morgue_catalog_set_article_id(c, 2);
		CHECK_INT(morgue_catalog_add_article(c, &id, &art, "<p>y</p>", "y", 1), 0);
		CHECK_INT(morgue_cache_article_record(k, id, "key-2b", "digest-2b"), 0);
		morgue_cache_tokens_record(k, "key-2b", "tok-b", 5);
		morgue_cache_tokens_record(k, "", "words+", 6); /* the dictionary grew */
	}
	CHECK_INT(morgue_catalog_finish(c), 0);
	CHECK_INT(morgue_cache_flush(k), 0);
	morgue_catalog_commit(c);
done:
	morgue_cache_free(k);
	morgue_catalog_free(c);
	token_keys(&out, b.ptr);
	CHECK_STR(out.ptr, ",key-2b,key-one");
	CHECK_INT(morgue_catalog_new(&c), 0);
	CHECK_INT(morgue_cache_open(&k, c, b.ptr), 0);
	CHECK_INT(morgue_cache_tokens_get(k, "", &out), 1);
	CHECK(out.size == 6 && !memcmp(out.ptr, "words+", 6));
	morgue_cache_free(k);
	morgue_catalog_free(c);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
	morgue_buf_free(&out);
}

/* A build's catalog file b (made anew) and its cache on the previous
 * cache a, with the postings file and its scratch. */
static void postings_build(morgue_catalog **c, morgue_cache **k, const morgue_buf *a,
			   const morgue_buf *b, const morgue_buf *post, const morgue_buf *scratch)
{
	remove(b->ptr);
	CHECK_INT(morgue_catalog_new_file(c, b->ptr), 0);
	CHECK_INT(morgue_cache_open(k, *c, a->ptr), 0);
	morgue_cache_set_postings_file(*k, post->ptr, scratch->ptr);
}

/* Whether the file at path holds the bytes of want. */
static int file_holds(const char *path, const morgue_buf *want)
{
	morgue_buf got = MORGUE_BUF_INIT;
	int same = morgue_fs_read(&got, path) == 0 && got.size == want->size &&
		   !memcmp(got.ptr, want->ptr, want->size);
	morgue_buf_free(&got);
	return same;
}

/* The index's own blobs ("#...") go to the postings file (scratch,
 * written as they are recorded, renamed at the flush), not to
 * cache_tokens; a later build reads them back byte for byte, only with a
 * previous cache, and keeps the file when it records none; a build that
 * is never flushed (it failed) leaves the file as it was and no scratch;
 * a file of another format is not read. */
static void test_postings_file(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, post = MORGUE_BUF_INIT,
		   scratch = MORGUE_BUF_INIT, out = MORGUE_BUF_INIT, was = MORGUE_BUF_INIT;
	morgue_catalog *c = NULL;
	morgue_cache *k = NULL;
	const char part[] = "part\n1 2\0bytes #postings 99\n"; /* NUL, newline, a fake header */

	path(&a, "post-a.cache");
	path(&b, "post-b.cache");
	path(&post, "post-a.cache.postings");
	path(&scratch, "post-a.cache.new-1.postings");
	first_build(a.ptr, "Two");

	/* a build recording a snapshot */
	CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, a.ptr), 0);
	morgue_cache_set_postings_file(k, post.ptr, scratch.ptr);
	morgue_catalog_begin(c);
	CHECK_INT(morgue_cache_tokens_get(k, "#postings", &out), 0); /* none yet */
	morgue_cache_tokens_record(k, "#postings/1", part, sizeof(part));
	morgue_cache_tokens_record(k, "#postings", "head", 4);
	CHECK_INT(morgue_catalog_finish(c), 0);
	CHECK_INT(morgue_cache_flush(k), 0);
	morgue_catalog_commit(c);
	morgue_cache_free(k);
	morgue_catalog_free(c);
	CHECK(morgue_fs_exists(post.ptr));
	CHECK(!morgue_fs_exists(scratch.ptr));
	token_keys(&out, b.ptr);
	CHECK(!strchr(morgue_buf_cstr(&out), '#'));

	/* the next build reads them back; records none: the file stays */
	CHECK_INT(morgue_fs_read(&was, post.ptr), 0);
	postings_build(&c, &k, &a, &b, &post, &scratch);
	morgue_catalog_begin(c);
	CHECK_INT(morgue_cache_tokens_get(k, "#postings/1", &out), 1);
	CHECK(out.size == sizeof(part) && !memcmp(out.ptr, part, sizeof(part)));
	CHECK_INT(morgue_cache_tokens_get(k, "#postings", &out), 1);
	CHECK(out.size == 4 && !memcmp(out.ptr, "head", 4));
	CHECK_INT(morgue_cache_tokens_get(k, "#postings/2", &out), 0);
	CHECK_INT(morgue_cache_tokens_get(k, "#postings/1", &out), 1); /* again */
	CHECK_INT(morgue_catalog_finish(c), 0);
	CHECK_INT(morgue_cache_flush(k), 0);
	morgue_catalog_commit(c);
	morgue_cache_free(k);
	morgue_catalog_free(c);
	CHECK(file_holds(post.ptr, &was));

	/* a build that records and fails: not flushed, nothing replaced */
	postings_build(&c, &k, &a, &b, &post, &scratch);
	morgue_cache_tokens_record(k, "#postings", "other", 5);
	CHECK(morgue_fs_exists(scratch.ptr)); /* written as recorded */
	morgue_cache_free(k);
	morgue_catalog_free(c);
	CHECK(!morgue_fs_exists(scratch.ptr));
	CHECK(file_holds(post.ptr, &was));

	/* viewed in place: the same bytes, still there after a new file
	 * has been renamed over the old one */
	postings_build(&c, &k, &a, &b, &post, &scratch);
	morgue_catalog_begin(c);
	const void *vp = NULL;
	size_t vn = 0;
	CHECK_INT(morgue_cache_tokens_view(k, "key", &vp, &vn), 0); /* not the index's */
	CHECK_INT(morgue_cache_tokens_view(k, "#postings/2", &vp, &vn), 0);
	CHECK_INT(morgue_cache_tokens_view(k, "#postings", &vp, &vn), 1);
	CHECK(vn == 4 && !memcmp(vp, "head", 4));
	CHECK_INT(morgue_cache_tokens_view(k, "#postings/1", &vp, &vn), 1);
	CHECK(vn == sizeof(part) && !memcmp(vp, part, sizeof(part)));
	morgue_cache_tokens_record(k, "#postings/1", "new", 3);
	CHECK_INT(morgue_catalog_finish(c), 0);
	CHECK_INT(morgue_cache_flush(k), 0);
	CHECK(vn == sizeof(part) && !memcmp(vp, part, sizeof(part)));
	morgue_catalog_commit(c);
	morgue_cache_free(k);
	morgue_catalog_free(c);
	morgue_buf_clear(&out);
	CHECK_INT(morgue_fs_read(&out, post.ptr), 0);
	CHECK(strstr(morgue_buf_cstr(&out), "#postings/1 3\nnew") != NULL);

	/* no previous cache (a clean build): not read */
	CHECK_INT(morgue_catalog_new(&c), 0);
	CHECK_INT(morgue_cache_open(&k, c, NULL), 0);
	morgue_cache_set_postings_file(k, post.ptr, scratch.ptr);
	CHECK_INT(morgue_cache_tokens_get(k, "#postings", &out), 0);
	morgue_cache_free(k);
	morgue_catalog_free(c);

	/* another format: not read */
	CHECK_INT(morgue_fs_write(post.ptr, "morgue-postings-file 0\n#postings 4\nhead", 39), 0);
	CHECK_INT(morgue_catalog_new(&c), 0);
	CHECK_INT(morgue_cache_open(&k, c, a.ptr), 0);
	morgue_cache_set_postings_file(k, post.ptr, scratch.ptr);
	CHECK_INT(morgue_cache_tokens_get(k, "#postings", &out), 0);
	CHECK_INT(morgue_cache_tokens_view(k, "#postings", &vp, &vn), 0);
	morgue_cache_free(k);
	morgue_catalog_free(c);

	morgue_buf_free(&a);
	morgue_buf_free(&b);
	morgue_buf_free(&post);
	morgue_buf_free(&scratch);
	morgue_buf_free(&out);
	morgue_buf_free(&was);
}

/* kept_list: every article with search fields, by id, as one scan reads
 * them: title, path, date, publication (NULL when none), tags decoded
 * (escapes too); an article without search fields is not listed. */
static void test_kept_list(void)
{
	morgue_catalog *c = NULL;
	morgue_cache *k = NULL;
	morgue_cache_kept *v = NULL;
	size_t n = 0;
	long long ids[3];
	const char *tags0[] = { "Computing", "quote \" and \\ back", "Zürich \xe2\x80\x94 west" };

	CHECK_INT(morgue_catalog_new(&c), 0);
	CHECK_INT(morgue_cache_open(&k, c, NULL), 0);
	morgue_catalog_begin(c);
	for (int i = 0; i < 3; i++) {
		morgue_article a = { 0 };
		char id[32], title[32];
		snprintf(id, sizeof(id), "2020/a%d", i);
		snprintf(title, sizeof(title), "Title %d", i);
		a.file = (char *)"articles/x.md";
		a.id = id;
		a.title = title;
		a.date = (char *)(i == 2 ? "2020-01-03" : "2020-01-01");
		CHECK_INT(morgue_catalog_add_article(c, &ids[i], &a, "<p>x</p>", "x", 1), 0);
	}
	CHECK_INT(morgue_cache_search_record(k, ids[2], NULL, NULL, 0, NULL, 0), 0);
	CHECK_INT(morgue_cache_search_record(k, ids[0], "the-times", tags0, 3, NULL, 0), 0);
	CHECK_INT(morgue_cache_kept_list(k, &v, &n), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK(v[0].id == ids[0] && v[1].id == ids[2]);
		CHECK_STR(v[0].title, "Title 0");
		CHECK_STR(v[0].path, "2020/a0");
		CHECK_STR(v[0].date, "2020-01-01");
		CHECK_STR(v[0].publication, "the-times");
		CHECK_INT(v[0].ntags, 3);
		for (size_t i = 0; i < 3 && v[0].ntags == 3; i++)
			CHECK_STR(v[0].tags[i], tags0[i]);
		CHECK(v[1].publication == NULL);
		CHECK_INT(v[1].ntags, 0);
		CHECK_STR(v[1].date, "2020-01-03");
	}
	morgue_cache_kept_free(v, n);
	morgue_cache_free(k);
	morgue_catalog_free(c);
}

/* Search fields come back exactly as recorded, whatever the characters
 * (the cache's JSON lists are decoded in C, SQLite's json_each aside). */
static void test_search_fields(void)
{
	morgue_buf b = MORGUE_BUF_INIT;
	morgue_catalog *c;
	morgue_cache *k;
	const char *tags[] = { "plain", "quote \" and \\ back", "<b>&amp;</b>", "line\nbreak\ttab",
			       "\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x93\xb0", "" };
	const char *ents[] = { "ada-lovelace" };
	char *pub = NULL, **t = NULL, **e = NULL;
	size_t nt = 0, ne = 0;

	path(&b, "search.cache");
	CHECK_INT(morgue_catalog_new_file(&c, b.ptr), 0);
	CHECK_INT(morgue_cache_open(&k, c, NULL), 0);
	CHECK_INT(morgue_cache_search_record(k, 7, NULL, tags, 7, ents, 1), 0);
	CHECK_INT(morgue_cache_search_record(k, 8, "P", NULL, 0, NULL, 0), 0);
	CHECK_INT(morgue_cache_search_fields(k, 7, &pub, &t, &nt, &e, &ne), 0);
	CHECK(pub == NULL);
	CHECK_INT(nt, 7);
	for (size_t i = 0; i < nt && i < 7; i++)
		CHECK_STR(t[i], tags[i]);
	CHECK_INT(ne, 1);
	if (ne)
		CHECK_STR(e[0], "ada-lovelace");
	for (size_t i = 0; i < nt; i++)
		free(t[i]);
	for (size_t i = 0; i < ne; i++)
		free(e[i]);
	free(t);
	free(e);
	CHECK_INT(morgue_cache_search_fields(k, 8, &pub, &t, &nt, &e, &ne), 0);
	CHECK_STR(pub, "P");
	CHECK_INT(nt, 0);
	CHECK_INT(ne, 0);
	free(pub);
	free(t);
	free(e);
	morgue_cache_free(k);
	morgue_catalog_free(c);
	morgue_buf_free(&b);
}

/* One article for the CSV tests: its rows and their digests. */
static long long csv_article(morgue_catalog *c, morgue_cache *k, const char *path_id,
			     const char *text, size_t mention_at)
{
	morgue_article a = { 0 };
	morgue_mention m = { .entity = (char *)"ada-lovelace", .surface = (char *)"Lovelace",
			     .offset = mention_at, .length = 8 };
	long long id = 0;
	a.file = (char *)"articles/x.md";
	a.id = (char *)path_id;
	a.title = (char *)path_id;
	a.date = (char *)"2020-01-01";
	CHECK_INT(morgue_catalog_add_article(c, &id, &a, "<p>x</p>", text, strlen(text)), 0);
	CHECK_INT(morgue_catalog_add_mentions(c, id, &m, 1, text, strlen(text)), 0);
	CHECK_INT(morgue_cache_rows_record(k, id, text, strlen(text), 0, &m, 1, NULL, 0), 0);
	return id;
}

/* Fault injection for the restart of a spliced export: the pread_fail_at-th
 * pread of the file pread_fail_file (counted from when it is set) fails,
 * and pread_fail_staged is then the size of the file pread_fail_staged_at
 * (what had been written of the new export). Every other pread (SQLite's
 * too) goes on as usual. */
static const char *pread_fail_file, *pread_fail_staged_at;
static int pread_fail_at;
static long long pread_fail_staged = -1;

ssize_t pread64(int fd, void *buf, size_t n, off_t off);
ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	if (pread_fail_file && pread_fail_at) {
		char link[64], target[512];
		ssize_t len;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, target, sizeof(target) - 1);
		if (len > 0) {
			target[len] = '\0';
			if (!strcmp(target, pread_fail_file) && --pread_fail_at == 0) {
				struct stat st;
				pread_fail_staged = stat(pread_fail_staged_at, &st) == 0
							    ? (long long)st.st_size : -1;
				errno = EIO;
				return -1;
			}
		}
	}
	return syscall(SYS_pread64, fd, buf, n, off);
}

/* Export what of c as a build does, streamed into a file of a site's
 * staging directory, and read it back into got (replaced). */
static int csv_stream(morgue_buf *got, morgue_csv_spans **spans, morgue_catalog *c,
		      const char *what, const morgue_csv_spans *prev, const char *prev_file)
{
	morgue_output *o = NULL;
	morgue_output_file *f = NULL;
	morgue_buf site = MORGUE_BUF_INIT, file = MORGUE_BUF_INIT;
	int rc = -1;
	path(&site, "csv-site");
	CHECK_INT(morgue_output_begin(&o, site.ptr), 0);
	if (o && morgue_output_open(o, "exports/x.csv", &f) == 0) {
		morgue_buf_printf(&file, "%s/exports/x.csv", morgue_output_staging(o));
		pread_fail_staged_at = file.ptr;
		rc = morgue_cache_csv_write(f, spans, c, what, prev, prev_file);
		pread_fail_staged_at = NULL;
		CHECK_INT(morgue_output_close(f), 0);
		morgue_buf_clear(got);
		CHECK_INT(morgue_fs_read(got, file.ptr), 0);
	}
	morgue_output_free(o);
	morgue_buf_free(&site);
	morgue_buf_free(&file);
	return rc;
}

/* Write the mentions CSV of c as a build does (splicing from prev_file
 * with the previous spans of k), check it is what morgue_catalog_csv
 * writes, and return its number of copied blocks (-1 on error); the file
 * goes to file, its spans into k. */
static long long csv_build(morgue_catalog *c, morgue_cache *k, const char *prev_file,
			   const char *file)
{
	morgue_csv_spans *prev = NULL, *spans = NULL;
	morgue_buf got = MORGUE_BUF_INIT, want = MORGUE_BUF_INIT;
	size_t blocks = 0, copied = 0, size = 0;
	long long rc = -1;
	CHECK_INT(morgue_cache_csv_spans(&prev, k, "mentions"), 0);
	if (csv_stream(&got, &spans, c, "mentions", prev, prev_file) == 0 &&
	    morgue_catalog_csv(&want, c, "mentions") == 0) {
		CHECK_STR(morgue_buf_cstr(&got), morgue_buf_cstr(&want));
		morgue_csv_spans_stats(spans, &blocks, &copied, &size);
		CHECK_INT(blocks, morgue_catalog_count(c, "articles"));
		CHECK_INT(size, got.size);
		CHECK_INT(morgue_fs_write(file, got.ptr, got.size), 0);
		CHECK_INT(morgue_cache_csv_record(k, "mentions", spans), 0);
		rc = (long long)copied;
	}
	morgue_csv_spans_free(prev);
	morgue_csv_spans_free(spans);
	morgue_buf_free(&got);
	morgue_buf_free(&want);
	return rc;
}

/* A catalog with one entity, its cache on prev (NULL: none). */
static void csv_open(morgue_catalog **c, morgue_cache **k, const char *file, const char *prev)
{
	morgue_entity e = { 0 };
	e.file = (char *)"entities/x.md";
	e.slug = (char *)"ada-lovelace";
	e.name = (char *)"Ada Lovelace";
	e.type = MORGUE_ENTITY_PERSON;
	CHECK_INT(morgue_catalog_new_file(c, file), 0);
	CHECK_INT(morgue_cache_open(k, *c, prev), 0);
	morgue_catalog_begin(*c);
	CHECK_INT(morgue_catalog_add_entity(*c, &e, NULL), 0);
}

static void csv_close(morgue_catalog *c, morgue_cache *k)
{
	CHECK_INT(morgue_cache_flush(k), 0);
	CHECK_INT(morgue_cache_set_stamp(k, "stamp"), 0);
	morgue_catalog_commit(c);
	morgue_cache_free(k);
	morgue_catalog_free(c);
}

/* The mentions CSV of an incremental build copies the blocks of the
 * unchanged articles from the previous file (whatever their new place)
 * and generates the others; any doubt about the old file means it is
 * generated whole, and the bytes are always those of a clean export. */
static void test_csv_splice(void)
{
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, f1 = MORGUE_BUF_INIT,
		   f2 = MORGUE_BUF_INIT, old = MORGUE_BUF_INIT;
	morgue_catalog *c;
	morgue_cache *k;
	long long id = 0, prev_id = 0;
	path(&a, "csv-a.cache");
	path(&b, "csv-b.cache");
	path(&f1, "mentions-1.csv");
	path(&f2, "mentions-2.csv");

	/* first build: everything generated */
	csv_open(&c, &k, a.ptr, NULL);
	CHECK_INT(morgue_cache_article_record(k, csv_article(c, k, "2020/a", "Ada Lovelace one.", 4),
					      "key-a", "d"), 0);
	CHECK_INT(morgue_cache_article_record(k, csv_article(c, k, "2020/b", "Ada Lovelace two.", 4),
					      "key-b", "d"), 0);
	CHECK_INT(morgue_cache_article_record(k, csv_article(c, k, "2020/c", "Ada Lovelace, 3.", 4),
					      "key-c", "d"), 0);
	CHECK_INT(csv_build(c, k, NULL, f1.ptr), 0);
	csv_close(c, k);

	/* second: c and a copied (in that order: new ids), b edited, a new
	 * article between a and b */
	csv_open(&c, &k, b.ptr, a.ptr);
	const char *keep[] = { "key-c", "key-a" };
	for (int i = 0; i < 2; i++) {
		CHECK_INT(morgue_cache_article_lookup(k, &prev_id, keep[i]), 1);
		CHECK_INT(morgue_cache_article_copy(k, &id, prev_id), 0);
		CHECK_INT(morgue_cache_article_record(k, id, keep[i], "d"), 0);
	}
	CHECK_INT(morgue_cache_article_record(k, csv_article(c, k, "2020/b", "Now Ada Lovelace two.",
							     8), "key-b2", "d"), 0);
	CHECK_INT(morgue_cache_article_record(k, csv_article(c, k, "2020/aa", "Lovelace", 0),
					      "key-aa", "d"), 0);
	CHECK_INT(csv_build(c, k, f1.ptr, f2.ptr), 2);

	/* the copied blocks come from the old file */
	CHECK_INT(morgue_fs_read(&old, f1.ptr), 0);
	char *at = strstr(old.ptr ? old.ptr : "", "2020/c,");
	CHECK(at != NULL);
	if (at) {
		at[5] = 'C';
		CHECK_INT(morgue_fs_write(f1.ptr, old.ptr, old.size), 0);
		morgue_csv_spans *prev = NULL, *spans = NULL;
		morgue_buf got = MORGUE_BUF_INIT;
		/* the spans of the previous build, still attached */
		CHECK_INT(morgue_cache_csv_spans(&prev, k, "mentions"), 0);
		CHECK_INT(csv_stream(&got, &spans, c, "mentions", prev, f1.ptr), 0);
		CHECK_CONTAINS(got.ptr, "\r\n2020/C,");
		morgue_csv_spans_free(prev);
		morgue_csv_spans_free(spans);
		morgue_buf_free(&got);
		at[5] = 'c';
		CHECK_INT(morgue_fs_write(f1.ptr, old.ptr, old.size), 0);
	}
	/* not the size recorded, missing, or no spans: generated whole */
	morgue_buf_putc(&old, '\n');
	CHECK_INT(morgue_fs_write(f1.ptr, old.ptr, old.size), 0);
	CHECK_INT(csv_build(c, k, f1.ptr, f2.ptr), 0);
	remove(f1.ptr);
	CHECK_INT(csv_build(c, k, f1.ptr, f2.ptr), 0);
	CHECK_INT(csv_build(c, k, NULL, f2.ptr), 0);
	csv_close(c, k);

	/* third: nothing changed, the spans of the second build: all four
	 * copied; then forgotten (record NULL), none */
	csv_open(&c, &k, a.ptr, b.ptr);
	const char *all[] = { "key-aa", "key-b2", "key-a", "key-c" };
	for (int i = 0; i < 4; i++) {
		CHECK_INT(morgue_cache_article_lookup(k, &prev_id, all[i]), 1);
		CHECK_INT(morgue_cache_article_copy(k, &id, prev_id), 0);
	}
	CHECK_INT(csv_build(c, k, f2.ptr, f1.ptr), 4);
	CHECK_INT(morgue_cache_csv_record(k, "mentions", NULL), 0);
	csv_close(c, k);
	csv_open(&c, &k, b.ptr, a.ptr);
	csv_article(c, k, "2020/b", "Now Ada Lovelace two.", 8);
	CHECK_INT(csv_build(c, k, f1.ptr, f2.ptr), 0);
	csv_close(c, k);

	/* a catalog without the cache's tables: the export all the same */
	CHECK_INT(morgue_catalog_new(&c), 0);
	{
		morgue_csv_spans *spans = NULL;
		morgue_buf got = MORGUE_BUF_INIT, want = MORGUE_BUF_INIT;
		CHECK_INT(csv_stream(&got, &spans, c, "attributions", NULL, NULL), 0);
		CHECK(spans == NULL);
		CHECK_INT(morgue_catalog_csv(&want, c, "attributions"), 0);
		CHECK_STR(morgue_buf_cstr(&got), morgue_buf_cstr(&want));
		CHECK(csv_stream(&got, &spans, c, "entities", NULL, NULL) < 0);
		morgue_error_clear();
		morgue_buf_free(&got);
		morgue_buf_free(&want);
	}
	morgue_catalog_free(c);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
	morgue_buf_free(&f1);
	morgue_buf_free(&f2);
	morgue_buf_free(&old);
}

/* An export bigger than the block the writer holds: when the old file
 * fails to read after part of the new one is on disk, the file is
 * emptied and the export generated again, byte for byte a clean one. */
static void test_csv_restart(void)
{
	enum { NART = 3, NMENTIONS = 9000 };
	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT, f1 = MORGUE_BUF_INIT,
		   f2 = MORGUE_BUF_INIT;
	morgue_mention *m = calloc(NMENTIONS, sizeof(*m));
	const char *keys[NART] = { "key-a", "key-b", "key-c" };
	const char *ids[NART] = { "2020/a", "2020/b", "2020/c" };
	morgue_catalog *c;
	morgue_cache *k;
	long long id = 0, prev_id = 0;
	path(&a, "restart-a.cache");
	path(&b, "restart-b.cache");
	path(&f1, "restart-1.csv");
	path(&f2, "restart-2.csv");
	for (size_t i = 0; i < NMENTIONS; i++) {
		m[i].entity = (char *)"ada-lovelace";
		m[i].surface = (char *)"Lovelace";
		m[i].offset = 4 + 9 * i;
		m[i].length = 8;
	}

	/* first build: ~1.3 MB, generated */
	csv_open(&c, &k, a.ptr, NULL);
	for (int i = 0; i < NART; i++) {
		morgue_article art = { 0 };
		art.file = (char *)"articles/x.md";
		art.id = art.title = (char *)ids[i];
		art.date = (char *)"2020-01-01";
		CHECK_INT(morgue_catalog_add_article(c, &id, &art, "<p>x</p>", "Ada Lovelace.", 13),
			  0);
		CHECK_INT(morgue_catalog_add_mentions(c, id, m, NMENTIONS, "Ada Lovelace.", 13), 0);
		CHECK_INT(morgue_cache_rows_record(k, id, "Ada Lovelace.", 13, 0, m, NMENTIONS, NULL, 0),
			  0);
		CHECK_INT(morgue_cache_article_record(k, id, keys[i], "d"), 0);
	}
	CHECK_INT(csv_build(c, k, NULL, f1.ptr), 0);
	csv_close(c, k);

	/* second: all unchanged, one run of blocks; its second read fails */
	csv_open(&c, &k, b.ptr, a.ptr);
	for (int i = 0; i < NART; i++) {
		CHECK_INT(morgue_cache_article_lookup(k, &prev_id, keys[i]), 1);
		CHECK_INT(morgue_cache_article_copy(k, &id, prev_id), 0);
		CHECK_INT(morgue_cache_article_record(k, id, keys[i], "d"), 0);
	}
	pread_fail_file = f1.ptr;
	pread_fail_at = 2;
	CHECK_INT(csv_build(c, k, f1.ptr, f2.ptr), 0); /* none copied: all generated */
	pread_fail_file = NULL;
	CHECK_INT(pread_fail_at, 0);
	/* a block of the new file was written before the failure */
	CHECK(pread_fail_staged >= 1 << 20);
	/* and without the fault, all copied */
	CHECK_INT(csv_build(c, k, f1.ptr, f2.ptr), NART);
	csv_close(c, k);
	free(m);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
	morgue_buf_free(&f1);
	morgue_buf_free(&f2);
}

int main(void)
{
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	morgue_warn_set_handler(count_warning, NULL);
	RUN(test_copy);
	RUN(test_signatures);
	RUN(test_group_follows_members);
	RUN(test_listing_digest);
	RUN(test_page_reuse);
	RUN(test_page_sizes);
	RUN(test_bad_files);
	RUN(test_search_fields);
	RUN(test_rows_digest_is_stored_rows);
	RUN(test_tokens);
	RUN(test_postings_file);
	RUN(test_kept_list);
	RUN(test_open_moved);
	RUN(test_open_moved_rolled_back);
	RUN(test_group_memo);
	RUN(test_csv_splice);
	RUN(test_csv_restart);
	morgue_fs_rmtree(tmp);
	TEST_EXIT();
}
