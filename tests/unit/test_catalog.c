/* Unit tests for generator/catalog.c: writes, derived tables, the
 * cross-reference queries the pages are built from, and the export. */
#include "test.h"
#include "catalog.h"
#include "markdown.h"
#include "attribution.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/fs.h"

#include <sqlite3.h>

static morgue_entity ent(const char *slug, const char *name, morgue_entity_type t)
{
	morgue_entity e = { 0 };
	e.file = (char *)"entities/x.md";
	e.slug = (char *)slug;
	e.name = (char *)name;
	e.type = t;
	return e;
}

static long long add_article(morgue_catalog *c, const char *id, const char *title,
			     const char *date, const char *pub, const char *text,
			     const char *const *ents, size_t n)
{
	morgue_article a = { 0 };
	char *tags[] = { (char *)"Russia", (char *)"Intelligence Sharing" };
	long long rowid = 0;
	a.file = (char *)"articles/x.md";
	a.id = (char *)id;
	a.title = (char *)title;
	a.date = (char *)date;
	a.publication = (char *)pub;
	a.tags = tags;
	a.ntags = 2;
	CHECK_INT(morgue_catalog_add_article(c, &rowid, &a, "<p>x</p>", text, strlen(text)), 0);
	morgue_mention m[8];
	for (size_t i = 0; i < n; i++) {
		const char *at = strstr(text, ents[2 * i + 1]);
		m[i].entity = (char *)ents[2 * i];
		m[i].surface = (char *)ents[2 * i + 1];
		m[i].offset = at ? (size_t)(at - text) : 0;
		m[i].length = strlen(ents[2 * i + 1]);
		m[i].source = MORGUE_MENTION_AUTO;
	}
	CHECK_INT(morgue_catalog_add_mentions(c, rowid, m, n, text, strlen(text)), 0);
	return rowid;
}

/* Entities and three articles, in a catalog file at path (NULL: none). */
static morgue_catalog *fixture_at(const char *path)
{
	morgue_catalog *c;
	CHECK_INT(morgue_catalog_new_file(&c, path), 0);
	morgue_catalog_begin(c);
	morgue_entity e1 = ent("sergey-lavrov", "Sergey Lavrov", MORGUE_ENTITY_PERSON);
	morgue_entity e2 = ent("donald-trump", "Donald Trump", MORGUE_ENTITY_PERSON);
	morgue_entity e3 = ent("washington-post", "Washington Post", MORGUE_ENTITY_PUBLICATION);
	morgue_entity e4 = ent("iran", "Iran", MORGUE_ENTITY_PLACE);
	CHECK_INT(morgue_catalog_add_entity(c, &e1, NULL), 0);
	CHECK_INT(morgue_catalog_add_entity(c, &e2, NULL), 0);
	CHECK_INT(morgue_catalog_add_entity(c, &e3, NULL), 0);
	CHECK_INT(morgue_catalog_add_entity(c, &e4, NULL), 0);
	const char *m1[] = { "donald-trump", "Donald Trump", "sergey-lavrov", "Sergey Lavrov" };
	add_article(c, "2017/a", "Meeting", "2017-05-10", "washington-post",
		    "Donald Trump met Sergey Lavrov. It was a short meeting.", m1, 2);
	const char *m2[] = { "donald-trump", "Donald Trump", "iran", "Iran" };
	add_article(c, "2017/b", "Iran", "2017-06-01", "A Plain Name",
		    "Donald Trump spoke about Iran.", m2, 2);
	const char *m3[] = { "sergey-lavrov", "Sergey Lavrov", "donald-trump", "Donald Trump" };
	add_article(c, "2016/c", "Older", "2016-12-01", NULL,
		    "First sentence here. Then Sergey Lavrov answered Donald Trump.", m3, 2);
	CHECK_INT(morgue_catalog_finish(c), 0);
	morgue_catalog_commit(c);
	return c;
}

static morgue_catalog *fixture(void)
{
	return fixture_at(NULL);
}

static const char *str(const morgue_value *m, const char *k)
{
	return morgue_value_get_string(morgue_value_get(m, k));
}

static double num(const morgue_value *m, const char *k)
{
	return morgue_value_get_number(morgue_value_get(m, k));
}

static void article_lists_newest_first_with_filters(void)
{
	morgue_catalog *c = fixture();
	morgue_value *all = morgue_catalog_articles(c, NULL, NULL, -1, 0);
	CHECK_INT(morgue_value_count(all), 3);
	CHECK_STR(str(morgue_value_at(all, 0), "path"), "2017/b");
	CHECK_STR(str(morgue_value_at(all, 2), "path"), "2016/c");
	CHECK_STR(str(morgue_value_at(all, 0), "url"), "articles/2017/b.html");
	CHECK_STR(str(morgue_value_at(all, 0), "date_display"), "June 1, 2017");
	/* publication: registered slug -> name + link; plain name kept */
	CHECK_STR(str(morgue_value_at(all, 1), "publication"), "Washington Post");
	CHECK_STR(str(morgue_value_at(all, 1), "publication_url"), "entities/washington-post.html");
	CHECK_STR(str(morgue_value_at(all, 0), "publication"), "A Plain Name");
	CHECK(morgue_value_type_of(morgue_value_get(morgue_value_at(all, 0), "publication_url")) == MORGUE_VALUE_NULL);
	morgue_value_free(all);

	morgue_value *page = morgue_catalog_articles(c, NULL, NULL, 1, 1);
	CHECK_INT(morgue_value_count(page), 1);
	CHECK_STR(str(morgue_value_at(page, 0), "path"), "2017/a");
	morgue_value_free(page);

	CHECK_INT(morgue_catalog_articles_count(c, "entity", "sergey-lavrov"), 2);
	CHECK_INT(morgue_catalog_articles_count(c, "entity", "washington-post"), 1); /* as publication */
	CHECK_INT(morgue_catalog_articles_count(c, "tag", "intelligence-sharing"), 3);
	CHECK_INT(morgue_catalog_articles_count(c, "year", "2017"), 2);
	CHECK_INT(morgue_catalog_articles_count(c, "month", "2016-12"), 1);
	CHECK_INT(morgue_catalog_articles_count(c, "publication", "washington-post"), 1);
	morgue_catalog_free(c);
}

/* The paths of list's articles, joined by spaces, appended to out. */
static void put_paths(morgue_buf *out, const morgue_value *list)
{
	for (size_t i = 0; i < morgue_value_count(list); i++)
		morgue_buf_printf(out, "%s ", str(morgue_value_at(list, i), "path"));
}

/* Paging after the last article of the page before gives the pages that
 * offsets give, in every list: dates shared by several articles (the path
 * decides) and paths in mixed case (the articles' own order is NOCASE,
 * the copies' in tags and refs binary). */
static void pages_after_the_last_article_equal_pages_at_offsets(void)
{
	morgue_catalog *c;
	CHECK_INT(morgue_catalog_new(&c), 0);
	morgue_catalog_begin(c);
	morgue_entity e1 = ent("donald-trump", "Donald Trump", MORGUE_ENTITY_PERSON);
	morgue_entity e2 = ent("washington-post", "Washington Post", MORGUE_ENTITY_PUBLICATION);
	CHECK_INT(morgue_catalog_add_entity(c, &e1, NULL), 0);
	CHECK_INT(morgue_catalog_add_entity(c, &e2, NULL), 0);
	static const char *const paths[] = { "2017/a", "2017/B", "2017/c", "2017/D", "2017/e",
					      "2016/Z", "2016/y", "2016/x", "2017/F", "2017/g",
					      "2016/H", "2017/i" };
	static const char *const dates[] = { "2017-05-10", "2017-05-10", "2017-05-10",
					      "2017-06-01", "2017-05-10", "2016-12-01",
					      "2016-12-01", "2016-11-30", "2017-06-01",
					      "2017-05-10", "2016-12-01", "2017-01-01" };
	const char *m[] = { "donald-trump", "Donald Trump" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++)
		add_article(c, paths[i], "T", dates[i], i % 3 ? "washington-post" : NULL,
			    "Donald Trump spoke.", m, 1);
	CHECK_INT(morgue_catalog_finish(c), 0);
	morgue_catalog_commit(c);

	static const char *const lists[][2] = {
		{ NULL, NULL }, { "tag", "russia" }, { "entity", "donald-trump" },
		{ "year", "2017" }, { "month", "2016-12" }, { "publication", "washington-post" },
	};
	for (size_t l = 0; l < sizeof(lists) / sizeof(*lists); l++) {
		const char *filter = lists[l][0], *key = lists[l][1];
		long long total = morgue_catalog_articles_count(c, filter, key);
		CHECK(total >= 3);
		for (int size = 1; size <= 5; size++) {
			morgue_buf at = MORGUE_BUF_INIT, after = MORGUE_BUF_INIT;
			morgue_buf ent_at = MORGUE_BUF_INIT, ent_after = MORGUE_BUF_INIT;
			morgue_value *all = morgue_catalog_articles(c, filter, key, -1, 0);
			put_paths(&at, all);
			CHECK_INT(morgue_value_count(all), total);
			morgue_value_free(all);
			morgue_value *page = morgue_catalog_articles(c, filter, key, size, 0);
			for (int n = 1; morgue_value_count(page); n++) {
				size_t k = morgue_value_count(page);
				const morgue_value *last = morgue_value_at(page, k - 1);
				put_paths(&after, page);
				morgue_value *next = morgue_catalog_articles_after(
					c, filter, key, size, str(last, "date"), str(last, "path"));
				/* and each page as its offset gives it */
				morgue_value *same = morgue_catalog_articles(c, filter, key, size, n * size);
				morgue_buf x = MORGUE_BUF_INIT, y = MORGUE_BUF_INIT;
				put_paths(&x, next);
				put_paths(&y, same);
				CHECK_STR(morgue_buf_cstr(&x), morgue_buf_cstr(&y));
				morgue_buf_free(&x);
				morgue_buf_free(&y);
				morgue_value_free(same);
				morgue_value_free(page);
				page = next;
			}
			morgue_value_free(page);
			CHECK_STR(morgue_buf_cstr(&after), morgue_buf_cstr(&at));
			if (filter && !strcmp(filter, "entity")) {
				morgue_value *e = morgue_catalog_entity_articles(c, key, size, 0);
				while (morgue_value_count(e)) {
					const morgue_value *last = morgue_value_at(e, morgue_value_count(e) - 1);
					put_paths(&ent_after, e);
					/* the KWIC comes along */
					CHECK_STR(str(last, "kwic_match"), "Donald Trump");
					morgue_value *next = morgue_catalog_entity_articles_after(
						c, key, size, str(last, "date"), str(last, "path"));
					morgue_value_free(e);
					e = next;
				}
				morgue_value_free(e);
				morgue_value *ea = morgue_catalog_entity_articles(c, key, -1, 0);
				put_paths(&ent_at, ea);
				morgue_value_free(ea);
				CHECK_STR(morgue_buf_cstr(&ent_after), morgue_buf_cstr(&ent_at));
			}
			morgue_buf_free(&at);
			morgue_buf_free(&after);
			morgue_buf_free(&ent_at);
			morgue_buf_free(&ent_after);
		}
	}
	/* same-date articles in the articles' (NOCASE) order */
	morgue_value *may = morgue_catalog_articles(c, "month", "2017-05", -1, 0);
	morgue_buf got = MORGUE_BUF_INIT;
	put_paths(&got, may);
	CHECK_STR(morgue_buf_cstr(&got), "2017/a 2017/B 2017/c 2017/e 2017/g ");
	morgue_buf_free(&got);
	morgue_value_free(may);
	morgue_catalog_free(c);
}

/* The build's sorts run with a small page cache (SORT_CACHE); the pages
 * are rendered with the full one again. */
static void finish_gives_the_page_cache_back(void)
{
	morgue_catalog *c = fixture();
	sqlite3_stmt *st = NULL;
	CHECK_INT(sqlite3_prepare_v2(morgue_catalog_handle(c), "PRAGMA cache_size", -1, &st, NULL),
		  SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), -65536);
	sqlite3_finalize(st);
	/* the page size is set before the first table (after it, the
	 * pragma does nothing) */
	CHECK_INT(sqlite3_prepare_v2(morgue_catalog_handle(c), "PRAGMA page_size", -1, &st, NULL),
		  SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 16384);
	sqlite3_finalize(st);
	morgue_catalog_free(c);
}

static void entity_page_data(void)
{
	morgue_catalog *c = fixture();
	morgue_value *e = morgue_catalog_entity(c, "sergey-lavrov");
	CHECK_STR(str(e, "name"), "Sergey Lavrov");
	CHECK_INT(num(e, "article_count"), 2);
	CHECK_INT(num(e, "mention_count"), 2);
	CHECK(morgue_value_get(e, "articles") == NULL); /* paged separately */
	morgue_value *arts = morgue_catalog_entity_articles(c, "sergey-lavrov", -1, 0);
	CHECK_INT(morgue_value_count(arts), 2);
	morgue_value *one = morgue_catalog_entity_articles(c, "sergey-lavrov", 1, 1);
	CHECK_INT(morgue_value_count(one), 1);
	CHECK_STR(str(morgue_value_at(one, 0), "path"), "2016/c");
	morgue_value_free(one);
	/* newest first, with the sentence around the first mention */
	morgue_value *a0 = morgue_value_at(arts, 0);
	CHECK_STR(str(a0, "path"), "2017/a");
	CHECK_STR(str(a0, "kwic_before"), "Donald Trump met ");
	CHECK_STR(str(a0, "kwic_match"), "Sergey Lavrov");
	CHECK_STR(str(a0, "kwic_after"), ".");
	morgue_value *a1 = morgue_value_at(arts, 1);
	CHECK_STR(str(a1, "kwic_before"), "Then ");
	CHECK_STR(str(a1, "kwic_after"), " answered Donald Trump.");
	morgue_value_free(arts);
	/* the list's references come from the covering index alone (in page
	 * order, KWIC included), not a seek into refs per article */
	sqlite3_stmt *plan = NULL;
	CHECK_INT(sqlite3_prepare_v2(morgue_catalog_handle(c),
		"EXPLAIN QUERY PLAN SELECT article_id, date, path, mentions, first_offset,"
		" kwic_before, kwic_match, kwic_after FROM refs WHERE entity='sergey-lavrov'"
		" ORDER BY date DESC, path", -1, &plan, NULL), SQLITE_OK);
	int covered = 0;
	while (plan && sqlite3_step(plan) == SQLITE_ROW)
		covered |= strstr((const char *)sqlite3_column_text(plan, 3),
				  "COVERING INDEX refs_entity") != NULL;
	sqlite3_finalize(plan);
	CHECK(covered);
	/* co-mentions: Trump appears with Lavrov twice */
	morgue_value *co = morgue_value_get(e, "comentions");
	CHECK_INT(morgue_value_count(co), 1);
	CHECK_STR(str(morgue_value_at(co, 0), "slug"), "donald-trump");
	CHECK_INT(num(morgue_value_at(co, 0), "count"), 2);
	/* timeline by month */
	morgue_value *tl = morgue_value_get(e, "timeline");
	CHECK_INT(morgue_value_count(tl), 2);
	CHECK_STR(str(morgue_value_at(tl, 0), "month"), "2016-12");
	morgue_value_free(e);
	morgue_catalog_free(c);
}

/* An entity's article count, timeline (oldest month first, with the
 * articles and mentions of each) and publications (most articles first,
 * then by name; only articles that mention it; a registered one
 * linked): Trump is in all three fixture articles, one published by
 * the registered Washington Post, one by a plain name, one by none. The
 * Post's own page counts the article it published (no mention): in its
 * timeline, not in its publications. */
static void entity_timeline_and_publications(void)
{
	morgue_catalog *c = fixture();
	morgue_value *e = morgue_catalog_entity(c, "donald-trump");
	CHECK_INT(num(e, "article_count"), 3);
	morgue_value *tl = morgue_value_get(e, "timeline");
	CHECK_INT(morgue_value_count(tl), 3);
	CHECK_STR(str(morgue_value_at(tl, 0), "month"), "2016-12");
	CHECK_STR(str(morgue_value_at(tl, 0), "month_display"), "December 2016");
	CHECK_STR(str(morgue_value_at(tl, 2), "month"), "2017-06");
	CHECK_INT(num(morgue_value_at(tl, 1), "articles"), 1);
	CHECK_INT(num(morgue_value_at(tl, 1), "mentions"), 1);
	morgue_value *pubs = morgue_value_get(e, "publications");
	CHECK_INT(morgue_value_count(pubs), 2);
	CHECK_STR(str(morgue_value_at(pubs, 0), "name"), "A Plain Name");
	CHECK(morgue_value_type_of(morgue_value_get(morgue_value_at(pubs, 0), "url")) ==
	      MORGUE_VALUE_NULL);
	CHECK_STR(str(morgue_value_at(pubs, 1), "name"), "Washington Post");
	CHECK_STR(str(morgue_value_at(pubs, 1), "url"), "entities/washington-post.html");
	CHECK_INT(num(morgue_value_at(pubs, 1), "count"), 1);
	morgue_value_free(e);

	e = morgue_catalog_entity(c, "washington-post");
	CHECK_INT(num(e, "article_count"), 1);
	tl = morgue_value_get(e, "timeline");
	CHECK_INT(morgue_value_count(tl), 1);
	CHECK_STR(str(morgue_value_at(tl, 0), "month"), "2017-05");
	CHECK_INT(num(morgue_value_at(tl, 0), "articles"), 1);
	CHECK_INT(num(morgue_value_at(tl, 0), "mentions"), 0);
	CHECK_INT(morgue_value_count(morgue_value_get(e, "publications")), 0);
	morgue_value_free(e);

	/* an entity no article refers to */
	e = morgue_catalog_entity(c, "nobody");
	CHECK_INT(morgue_value_count(morgue_value_get(e, "timeline")), 0);
	morgue_value_free(e);
	morgue_catalog_free(c);
}

/* An article's tags, for its page and the cards of every list, come
 * from a covering index (tags_article) in slug order, not from a
 * lookup of each row in the table; its mentions come in order. */
static void article_tags_from_the_index(void)
{
	morgue_catalog *c = fixture();
	static const char *const sql[] = {
		"EXPLAIN QUERY PLAN SELECT tag, slug FROM tags WHERE article_id=1 ORDER BY slug",
		"EXPLAIN QUERY PLAN SELECT article_id, tag, slug FROM tags WHERE article_id IN"
		" (SELECT value FROM json_each('[1,3]')) ORDER BY article_id, slug",
	};
	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *plan = NULL;
		int covered = 0, sorted = 0;
		CHECK_INT(sqlite3_prepare_v2(morgue_catalog_handle(c), sql[i], -1, &plan, NULL),
			  SQLITE_OK);
		while (plan && sqlite3_step(plan) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(plan, 3);
			covered |= strstr(d, "COVERING INDEX tags_article") != NULL;
			sorted |= strstr(d, "TEMP B-TREE") != NULL;
		}
		sqlite3_finalize(plan);
		CHECK(covered);
		CHECK(!sorted);
	}
	/* its mentions in order (its JSON, the CSV) straight from their
	 * index, without a sort */
	sqlite3_stmt *plan = NULL;
	int sorted = 0;
	CHECK_INT(sqlite3_prepare_v2(morgue_catalog_handle(c),
		"EXPLAIN QUERY PLAN SELECT entity, offset FROM mentions WHERE article_id=1"
		" ORDER BY offset, length DESC", -1, &plan, NULL), SQLITE_OK);
	while (plan && sqlite3_step(plan) == SQLITE_ROW)
		sorted |= strstr((const char *)sqlite3_column_text(plan, 3), "TEMP B-TREE") != NULL;
	sqlite3_finalize(plan);
	CHECK(!sorted);
	morgue_catalog_free(c);
}

static void related_articles_weighted_by_rarity(void)
{
	morgue_catalog *c = fixture();
	morgue_value *a = morgue_catalog_article(c, 1); /* 2017/a: Trump + Lavrov */
	morgue_value *rel = morgue_value_get(a, "related");
	CHECK_INT(morgue_value_count(rel), 2);
	/* 2016/c shares Lavrov (rarer) and Trump; 2017/b shares only Trump */
	CHECK_STR(str(morgue_value_at(rel, 0), "path"), "2016/c");
	CHECK_CONTAINS(str(morgue_value_at(rel, 0), "shared"), "Sergey Lavrov");
	CHECK(num(morgue_value_at(rel, 0), "score") > num(morgue_value_at(rel, 1), "score"));
	morgue_value *ents = morgue_value_get(a, "entities");
	CHECK_INT(morgue_value_count(ents), 2);
	morgue_value_free(a);
	morgue_catalog_free(c);
}

static void duplicate_slugs_are_content_errors(void)
{
	morgue_catalog *c;
	morgue_catalog_new(&c);
	morgue_entity e = ent("x", "X", MORGUE_ENTITY_TOPIC);
	CHECK_INT(morgue_catalog_add_entity(c, &e, NULL), 0);
	CHECK_INT(morgue_catalog_add_entity(c, &e, NULL), MORGUE_EINPUT);
	CHECK_CONTAINS(morgue_error_last()->message, "used by two files");
	morgue_article a = { 0 };
	long long id;
	a.file = (char *)"f.md"; a.id = (char *)"2020/a"; a.title = (char *)"T"; a.date = (char *)"2020-01-01";
	CHECK_INT(morgue_catalog_add_article(c, &id, &a, "", "", 0), 0);
	CHECK_INT(morgue_catalog_add_article(c, &id, &a, "", "", 0), MORGUE_EINPUT);
	CHECK_CONTAINS(morgue_error_last()->message, "same URL articles/2020/a.html");
	morgue_catalog_free(c);
}

static morgue_attribution attr(const char *source, const char *text, morgue_source_kind k,
			       const char *cue, const char *art_text, const char *span)
{
	morgue_attribution a = { 0 };
	const char *at = strstr(art_text, span);
	a.source = (char *)source;
	a.source_text = (char *)text;
	a.kind = k;
	a.cue = (char *)cue;
	a.offset = at ? (size_t)(at - art_text) : 0;
	a.length = strlen(span);
	return a;
}

/* fixture() plus attributions in 2017/a (Washington Post) and 2016/c */
static morgue_catalog *sourcing_fixture(void)
{
	morgue_catalog *c = fixture();
	const char *t1 = "Donald Trump met Sergey Lavrov. It was a short meeting.";
	const char *t3 = "First sentence here. Then Sergey Lavrov answered Donald Trump.";
	morgue_attribution a1[] = {
		attr("sergey-lavrov", "Sergey Lavrov", MORGUE_SOURCE_PERSON, "said", t1,
		     "It was a short meeting"),
		attr(NULL, "two officials", MORGUE_SOURCE_ANONYMOUS, "said", t1, "a short meeting"),
		attr(NULL, "Two Officials", MORGUE_SOURCE_ANONYMOUS, "told", t1, "short"),
	};
	a1[1].count = 2;
	a1[2].standoff = 1;
	morgue_attribution a3[] = {
		attr("sergey-lavrov", "Lavrov", MORGUE_SOURCE_PERSON, "answered", t3,
		     "First sentence here"),
		attr("washington-post", "The Post", MORGUE_SOURCE_PUBLICATION, "first reported", t3,
		     "Then Sergey Lavrov answered"),
	};
	CHECK_INT(morgue_catalog_add_attributions(c, 1, a1, 3, t1, strlen(t1)), 0);
	CHECK_INT(morgue_catalog_add_attributions(c, 3, a3, 2, t3, strlen(t3)), 0);
	CHECK_INT(morgue_catalog_add_attributions(c, 2, NULL, 0, NULL, 0), 0);
	return c;
}

/* An article's entity list: most mentioned first, ties by name, each
 * with the registry's fields; an entity registered after the list was
 * first asked for is in the next one (the connection's copy of the
 * registry is dropped when an entity is added). */
static void article_entities_most_mentioned_first(void)
{
	morgue_catalog *c = fixture();
	morgue_value *a = morgue_catalog_article(c, 2); /* 2017/b: Trump, Iran */
	morgue_value *ents = morgue_value_get(a, "entities");
	CHECK_INT(morgue_value_count(ents), 2);
	CHECK_STR(str(morgue_value_at(ents, 0), "slug"), "donald-trump"); /* D < I */
	CHECK_STR(str(morgue_value_at(ents, 1), "name"), "Iran");
	CHECK_STR(str(morgue_value_at(ents, 1), "type"), "place");
	CHECK_STR(str(morgue_value_at(ents, 1), "url"), "entities/iran.html");
	CHECK(morgue_value_type_of(morgue_value_get(morgue_value_at(ents, 1), "source_url")) ==
	      MORGUE_VALUE_NULL);
	CHECK_INT(num(morgue_value_at(ents, 1), "mentions"), 1);
	morgue_value_free(a);

	morgue_entity z = ent("zed", "Aaron Zed", MORGUE_ENTITY_PERSON);
	z.url = (char *)"https://example.org/zed";
	z.wikidata = (char *)"Q42";
	CHECK_INT(morgue_catalog_add_entity(c, &z, NULL), 0);
	const char *text = "Aaron Zed and Iran. Iran again, and Aaron Zed, and Aaron Zed.";
	const char *m[] = { "iran", "Iran", "zed", "Aaron Zed", "iran", "Iran", "zed", "Aaron Zed",
			    "zed", "Aaron Zed", "donald-trump", "Trump" };
	long long id = add_article(c, "2018/z", "Zed", "2018-01-01", NULL, text, m, 6);
	/* mentions are placed at the first match; the counts are what matter */
	a = morgue_catalog_article(c, id);
	ents = morgue_value_get(a, "entities");
	CHECK_INT(morgue_value_count(ents), 3);
	CHECK_STR(str(morgue_value_at(ents, 0), "name"), "Aaron Zed");
	CHECK_INT(num(morgue_value_at(ents, 0), "mentions"), 3);
	CHECK_STR(str(morgue_value_at(ents, 0), "source_url"), "https://example.org/zed");
	CHECK_STR(str(morgue_value_at(ents, 0), "wikidata"), "Q42");
	CHECK_STR(str(morgue_value_at(ents, 1), "slug"), "iran");
	CHECK_STR(str(morgue_value_at(ents, 2), "slug"), "donald-trump");
	morgue_value_free(a);

	/* a source that is not registered keeps its own words, unlinked */
	morgue_attribution t = attr("nobody-registered", "A Stranger", MORGUE_SOURCE_PERSON,
				    "said", text, "Iran again");
	CHECK_INT(morgue_catalog_add_attributions(c, id, &t, 1, text, strlen(text)), 0);
	a = morgue_catalog_article(c, id);
	morgue_value *t0 = morgue_value_at(morgue_value_get(a, "attributions"), 0);
	CHECK_STR(str(t0, "name"), "A Stranger");
	CHECK(morgue_value_type_of(morgue_value_get(t0, "entity_url")) == MORGUE_VALUE_NULL);
	morgue_value_free(a);
	morgue_catalog_free(c);
}

static void attributions_on_article_pages(void)
{
	morgue_catalog *c = sourcing_fixture();
	morgue_value *a = morgue_catalog_article(c, 1);
	morgue_value *list = morgue_value_get(a, "attributions");
	CHECK_INT(morgue_value_count(list), 3);
	morgue_value *t0 = morgue_value_at(list, 0);
	CHECK_STR(str(t0, "anchor"), "src-1");
	CHECK_STR(str(t0, "source"), "sergey-lavrov");
	CHECK_STR(str(t0, "name"), "Sergey Lavrov");
	CHECK_STR(str(t0, "entity_url"), "entities/sergey-lavrov.html");
	CHECK_STR(str(t0, "quote_excerpt"), "It was a short meeting");
	CHECK_STR(str(t0, "origin"), "auto");
	morgue_value *t1 = morgue_value_at(list, 1);
	CHECK(morgue_value_type_of(morgue_value_get(t1, "source")) == MORGUE_VALUE_NULL);
	CHECK_STR(str(t1, "name"), "two officials");
	CHECK_INT(num(t1, "count"), 2);
	CHECK_STR(str(morgue_value_at(list, 2), "origin"), "standoff");
	/* sources: the two anonymous rows name the same description */
	morgue_value *src = morgue_value_get(a, "sources");
	CHECK_INT(morgue_value_count(src), 2);
	CHECK_INT(num(morgue_value_at(src, 1), "statement_count"), 2);
	CHECK_STR(str(morgue_value_at(morgue_value_get(morgue_value_at(src, 1), "statements"), 1),
		      "anchor"), "src-3");
	CHECK_STR(str(a, "sourcing_summary"), "1 named source, 1 anonymous");
	morgue_value_free(a);
	a = morgue_catalog_article(c, 3);
	CHECK_STR(str(a, "sourcing_summary"), "1 named source, 1 publication");
	morgue_value_free(a);
	a = morgue_catalog_article(c, 2);
	CHECK_INT(morgue_value_count(morgue_value_get(a, "sources")), 0);
	CHECK_STR(str(a, "sourcing_summary"), "");
	morgue_value_free(a);
	morgue_catalog_free(c);
}

static void long_quotes_are_shortened(void)
{
	morgue_catalog *c = fixture();
	/* 100 words of "abcé " (6 bytes, 5 code points each): the cut is by
	 * code points, never inside é */
	morgue_buf b = MORGUE_BUF_INIT;
	for (size_t i = 0; i < 100; i++)
		morgue_buf_puts(&b, "abcé ");
	morgue_attribution a = { .source = (char *)"donald-trump", .source_text = (char *)"Trump",
				 .kind = MORGUE_SOURCE_PERSON, .cue = (char *)"said",
				 .offset = 0, .length = b.size };
	CHECK_INT(morgue_catalog_add_attributions(c, 2, &a, 1, b.ptr, b.size), 0);
	morgue_value *ar = morgue_catalog_article(c, 2);
	const char *ex = str(morgue_value_at(morgue_value_get(ar, "attributions"), 0), "quote_excerpt");
	CHECK(ex && strlen(ex) < b.size);
	CHECK(ex && strstr(ex, "…") && !strcmp(ex + strlen(ex) - strlen("…"), "…"));
	CHECK(ex && !strncmp(ex, "abcé abcé", strlen("abcé abcé")));
	morgue_value_free(ar);
	morgue_buf_free(&b);
	morgue_catalog_free(c);
}

static void quoted_and_cited_by_on_entity_pages(void)
{
	morgue_catalog *c = sourcing_fixture();
	morgue_value *e = morgue_catalog_entity(c, "sergey-lavrov");
	morgue_value *q = morgue_value_get(e, "quoted");
	CHECK_INT(morgue_value_count(q), 2);
	CHECK_STR(str(morgue_value_at(q, 0), "path"), "2017/a"); /* newest first */
	CHECK_STR(str(morgue_value_at(q, 0), "anchor"), "src-1");
	CHECK_STR(str(morgue_value_at(q, 0), "date_display"), "May 10, 2017");
	CHECK_STR(str(morgue_value_at(q, 1), "quote_excerpt"), "First sentence here");
	CHECK_INT(num(e, "quoted_count"), 2);
	CHECK_INT(num(e, "cited_by_count"), 2);
	CHECK_INT(morgue_value_count(morgue_value_get(e, "cited_by")), 2);
	morgue_value_free(e);
	/* a publication: cited by 2016/c, published 2017/a */
	e = morgue_catalog_entity(c, "washington-post");
	CHECK_INT(morgue_value_count(morgue_value_get(e, "cited_by")), 1);
	CHECK_STR(str(morgue_value_at(morgue_value_get(e, "cited_by"), 0), "path"), "2016/c");
	CHECK_INT(num(e, "published_count"), 1);
	morgue_value_free(e);
	e = morgue_catalog_entity(c, "iran");
	CHECK_INT(morgue_value_count(morgue_value_get(e, "quoted")), 0);
	CHECK_INT(num(e, "quoted_count"), 0);
	morgue_value_free(e);
	morgue_catalog_free(c);
}

static void sourcing_overview(void)
{
	morgue_catalog *c = sourcing_fixture();
	morgue_value *v = morgue_catalog_sourcing(c);
	CHECK_INT(num(v, "attribution_count"), 5);
	CHECK_INT(num(v, "article_count"), 2);
	CHECK_INT(num(v, "named"), 3);
	CHECK_INT(num(v, "anonymous"), 2);
	morgue_value *pubs = morgue_value_get(v, "publications");
	CHECK_INT(morgue_value_count(pubs), 2);
	morgue_value *p0 = morgue_value_at(pubs, 0);
	CHECK_STR(str(p0, "name"), "Washington Post");
	CHECK_STR(str(p0, "url"), "entities/washington-post.html");
	CHECK_INT(num(p0, "attributions"), 3);
	CHECK_INT(num(p0, "named_pct"), 33);
	CHECK_INT(num(p0, "anonymous_pct"), 67);
	CHECK_INT(num(morgue_value_at(pubs, 1), "named_pct"), 100);
	morgue_value *people = morgue_value_get(v, "people");
	CHECK_INT(morgue_value_count(people), 1);
	CHECK_STR(str(morgue_value_at(people, 0), "slug"), "sergey-lavrov");
	CHECK_INT(num(morgue_value_at(people, 0), "attributions"), 2);
	CHECK_INT(num(morgue_value_at(people, 0), "articles"), 2);
	morgue_value *cited = morgue_value_get(v, "cited_publications");
	CHECK_INT(morgue_value_count(cited), 1);
	CHECK_STR(str(morgue_value_at(cited, 0), "name"), "Washington Post");
	CHECK_INT(morgue_value_count(morgue_value_get(v, "organizations")), 0);
	morgue_value_free(v);
	morgue_catalog_free(c);
}

static void attributions_csv(void)
{
	morgue_catalog *c = sourcing_fixture();
	morgue_buf csv = MORGUE_BUF_INIT;
	CHECK_INT(morgue_catalog_csv(&csv, c, "attributions"), 0);
	CHECK(csv.ptr && !strncmp(csv.ptr, "article,date,seq,source,source_text,kind,cue,"
					   "affiliation,count,offset,length,quote,origin\r\n", 80));
	CHECK_CONTAINS(csv.ptr, "2017/a,2017-05-10,2,,two officials,anonymous,said,,2,");
	CHECK_CONTAINS(csv.ptr, ",It was a short meeting,auto\r\n");
	CHECK_CONTAINS(csv.ptr, "2016/c,2016-12-01,2,washington-post,The Post,publication,");
	morgue_buf_free(&csv);
	morgue_catalog_free(c);
}

/* The one-query export the mentions and attributions CSVs were written
 * with before they went article by article. */
static void one_query_csv(morgue_buf *out, morgue_catalog *c, const char *sql)
{
	sqlite3_stmt *st = NULL;
	CHECK_INT(sqlite3_prepare_v2(morgue_catalog_handle(c), sql, -1, &st, NULL), SQLITE_OK);
	if (!st)
		return;
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++) {
		if (i)
			morgue_buf_putc(out, ',');
		morgue_escape_csv(out, sqlite3_column_name(st, i), strlen(sqlite3_column_name(st, i)));
	}
	morgue_buf_puts(out, "\r\n");
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			if (i)
				morgue_buf_putc(out, ',');
			if (v)
				morgue_escape_csv(out, v, (size_t)sqlite3_column_bytes(st, i));
		}
		morgue_buf_puts(out, "\r\n");
	}
	sqlite3_finalize(st);
}

/* The CSVs by article: header + one block per article in path order
 * (case-insensitive, as the path column), exactly the bytes of the one
 * query over all rows, mentions at the same offset included. */
static void csv_by_article(void)
{
	morgue_catalog *c = sourcing_fixture();
	static const char *const sql[2] = {
		"SELECT a.path AS article, a.date, m.entity, m.surface, m.offset, m.length,"
		" m.source FROM mentions m JOIN articles a ON a.id = m.article_id"
		" ORDER BY a.path, m.offset",
		"SELECT a.path AS article, a.date, t.seq, t.source, t.source_text, t.kind,"
		" t.cue, t.affiliation, t.count, t.offset, t.length, t.quote, t.origin"
		" FROM attributions t JOIN articles a ON a.id = t.article_id"
		" ORDER BY a.path, t.seq",
	};
	static const char *const names[2] = { "mentions", "attributions" };
	/* between 2017/a and 2017/b without case, before both with it */
	const char *text = "Sergey Lavrov, \"the minister\", met Donald Trump.";
	const char *m4[] = { "sergey-lavrov", "Sergey Lavrov", "donald-trump", "Donald Trump" };
	long long id = add_article(c, "2017/AB", "Upper", "2017-05-20", NULL, text, m4, 2);
	morgue_mention tie[2] = {
		{ .entity = (char *)"iran", .surface = (char *)"Sergey", .offset = 0, .length = 6 },
		{ .entity = (char *)"washington-post", .surface = (char *)"Sergey Lavrov, \"the\"",
		  .offset = 0, .length = 20 },
	};
	CHECK_INT(morgue_catalog_add_mentions(c, id, tie, 2, text, strlen(text)), 0);
	morgue_attribution a4[] = {
		attr("sergey-lavrov", "Lavrov, \"minister\"", MORGUE_SOURCE_PERSON, "met", text,
		     "met Donald Trump"),
	};
	CHECK_INT(morgue_catalog_add_attributions(c, id, a4, 1, text, strlen(text)), 0);

	long long *ids = NULL;
	size_t n = 0;
	CHECK_INT(morgue_catalog_csv_order(&ids, &n, c), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_INT(ids[0], 3); /* 2016/c */
		CHECK_INT(ids[1], 1); /* 2017/a */
		CHECK_INT(ids[2], id); /* 2017/AB */
		CHECK_INT(ids[3], 2); /* 2017/b */
	}
	for (int w = 0; w < 2; w++) {
		morgue_buf want = MORGUE_BUF_INIT, got = MORGUE_BUF_INIT, parts = MORGUE_BUF_INIT;
		one_query_csv(&want, c, sql[w]);
		CHECK_INT(morgue_catalog_csv(&got, c, names[w]), 0);
		CHECK_INT(got.size, want.size);
		CHECK_STR(morgue_buf_cstr(&got), morgue_buf_cstr(&want));
		CHECK_INT(morgue_catalog_csv_header(&parts, c, names[w]), 0);
		for (size_t i = 0; i < n; i++) {
			size_t before = parts.size;
			CHECK_INT(morgue_catalog_csv_block(&parts, c, names[w], ids[i]), 0);
			/* a block starts with its article's path (2017/b has no
			 * attributions: an empty block) */
			static const char *const paths[4] = { "2016/c,", "2017/a,", "2017/AB,",
							       "2017/b," };
			CHECK(parts.size > before ? !strncmp(parts.ptr + before, paths[i], strlen(paths[i]))
						  : w == 1 && ids[i] == 2);
		}
		CHECK_STR(morgue_buf_cstr(&parts), morgue_buf_cstr(&want));
		morgue_buf_free(&want);
		morgue_buf_free(&got);
		morgue_buf_free(&parts);
	}
	morgue_buf empty = MORGUE_BUF_INIT;
	CHECK_INT(morgue_catalog_csv_block(&empty, c, "mentions", 999), 0);
	CHECK_INT(empty.size, 0);
	CHECK(morgue_catalog_csv_block(&empty, c, "entities", 1) < 0);
	CHECK(morgue_catalog_csv_header(&empty, c, "nope") < 0);
	morgue_error_clear();
	morgue_buf_free(&empty);
	free(ids);
	morgue_catalog_free(c);
}

/* An article's mentions for its JSON: by offset, the longest first;
 * strings held by the caller's buffer, which already had bytes in it. */
static void mention_spans_by_offset_longest_first(void)
{
	morgue_catalog *c = fixture();
	const char *text = "Sergey Lavrov met Donald Trump.";
	const char *m[] = { "donald-trump", "Donald Trump", "sergey-lavrov", "Sergey Lavrov" };
	long long id = add_article(c, "2017/spans", "Spans", "2017-07-01", NULL, text, m, 2);
	morgue_mention more[2] = {
		{ .entity = (char *)"iran", .surface = (char *)"Sergey", .offset = 0, .length = 6,
		  .source = MORGUE_MENTION_STANDOFF },
		{ .entity = (char *)"washington-post", .surface = (char *)"met", .offset = 14,
		  .length = 3, .source = MORGUE_MENTION_INLINE },
	};
	CHECK_INT(morgue_catalog_add_mentions(c, id, more, 2, text, strlen(text)), 0);
	morgue_buf strings = MORGUE_BUF_INIT;
	morgue_buf_puts(&strings, "before");
	morgue_mention_span *v = NULL;
	size_t n = 0;
	CHECK_INT(morgue_catalog_mention_spans(c, id, &v, &n, &strings), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(v[0].entity, "sergey-lavrov"); /* offset 0, 13 bytes */
		CHECK_STR(v[0].source, "auto");
		CHECK_STR(v[1].entity, "iran"); /* offset 0, 6 bytes */
		CHECK_STR(v[1].source, "standoff");
		CHECK_STR(v[2].entity, "washington-post");
		CHECK_STR(v[2].source, "inline");
		CHECK_INT(v[2].offset, 14);
		CHECK_STR(v[3].entity, "donald-trump");
		CHECK_INT(v[3].offset, 18);
		CHECK_INT(v[3].length, 12);
	}
	CHECK(!strncmp(strings.ptr, "before", 6));
	free(v);
	/* an article without mentions: none, and nothing allocated */
	CHECK_INT(morgue_catalog_mention_spans(c, 999, &v, &n, &strings), 0);
	CHECK_INT(n, 0);
	CHECK(v == NULL);
	morgue_buf_free(&strings);
	morgue_catalog_free(c);
}

static void export_has_public_tables(void)
{
	morgue_catalog *c = sourcing_fixture();
	char path[] = "/tmp/morgue-catalog-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	CHECK_INT(morgue_catalog_export(c, path), 0);
	sqlite3 *db;
	sqlite3_stmt *st;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT (SELECT COUNT(*) FROM articles),"
				     "(SELECT COUNT(*) FROM entities),(SELECT COUNT(*) FROM mentions),"
				     "(SELECT url FROM articles WHERE path='2017/a')", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 3);
	CHECK_INT(sqlite3_column_int(st, 1), 4);
	CHECK_INT(sqlite3_column_int(st, 2), 6);
	CHECK_STR((const char *)sqlite3_column_text(st, 3), "articles/2017/a.html");
	sqlite3_finalize(st);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT COUNT(*), COUNT(source), MAX(seq),"
				     " (SELECT quote FROM attributions WHERE article_id=1 AND seq=1),"
				     " (SELECT origin FROM attributions WHERE seq=3)"
				     " FROM attributions", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 5);
	CHECK_INT(sqlite3_column_int(st, 1), 3);
	CHECK_INT(sqlite3_column_int(st, 2), 3);
	CHECK_STR((const char *)sqlite3_column_text(st, 3), "It was a short meeting");
	CHECK_STR((const char *)sqlite3_column_text(st, 4), "standoff");
	sqlite3_finalize(st);
	sqlite3_close(db);
	unlink(path);
	morgue_catalog_free(c);
}

/* Every row of every table of the SQLite file at path (with_fts: also
 * the full-text index's), as text, in table and column order. */
static void dump_rows(morgue_buf *out, const char *path, int with_fts)
{
	sqlite3 *db;
	sqlite3_stmt *tables, *st;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table'"
				     " AND (?1 OR name NOT LIKE 'articles_fts%') ORDER BY name",
				     -1, &tables, NULL), SQLITE_OK);
	sqlite3_bind_int(tables, 1, with_fts);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		morgue_buf q = MORGUE_BUF_INIT;
		const char *name = (const char *)sqlite3_column_text(tables, 0);
		morgue_buf_printf(out, "== %s\n", name);
		morgue_buf_printf(&q, "SELECT * FROM \"%s\" ORDER BY 1, 2, 3, 4, 5", name);
		if (sqlite3_prepare_v2(db, q.ptr, -1, &st, NULL) == SQLITE_OK) {
			while (sqlite3_step(st) == SQLITE_ROW) {
				for (int i = 0; i < sqlite3_column_count(st); i++) {
					const void *b = sqlite3_column_blob(st, i);
					int n = sqlite3_column_bytes(st, i);
					morgue_buf_putc(out, '|');
					for (int k = 0; k < n; k++)
						morgue_buf_printf(out, "%02x", ((const unsigned char *)b)[k]);
				}
				morgue_buf_putc(out, '\n');
			}
			sqlite3_finalize(st);
		}
		morgue_buf_free(&q);
	}
	sqlite3_finalize(tables);
	sqlite3_close(db);
}

/* The export in parts (tables, full-text rows in a file of their own,
 * copied in) holds the same rows as the export in one go, and its index
 * answers queries and passes FTS5's integrity check. */
static void export_in_parts_is_the_same(void)
{
	morgue_catalog *c = sourcing_fixture();
	char one[] = "/tmp/morgue-catalog-XXXXXX", two[] = "/tmp/morgue-catalog-XXXXXX";
	close(mkstemp(one));
	close(mkstemp(two));
	unlink(one);
	unlink(two);
	morgue_buf fts = MORGUE_BUF_INIT, a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	morgue_buf_printf(&fts, "%s.fts", two);
	CHECK_INT(morgue_catalog_export(c, one), 0);
	CHECK_INT(morgue_catalog_export_fts(c, fts.ptr), 0);
	CHECK_INT(morgue_catalog_export_tables(c, two), 0);
	CHECK_INT(morgue_catalog_export_fts_fill(c, two, fts.ptr), 0);
	dump_rows(&a, one, 1);
	dump_rows(&b, two, 1);
	CHECK(a.size > 1000);
	CHECK_CONTAINS(morgue_buf_cstr(&b), "== articles_fts_data");
	CHECK_STR(morgue_buf_cstr(&b), morgue_buf_cstr(&a));
	sqlite3 *db;
	sqlite3_stmt *st;
	CHECK_INT(sqlite3_open(two, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')",
			       NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH"
				     " 'meeting'", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK(sqlite3_column_int(st, 0) >= 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
	unlink(one);
	unlink(two);
	unlink(fts.ptr);
	morgue_buf_free(&fts);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
	morgue_catalog_free(c);
}

/* The number of articles the full-text index of the file at path finds
 * for query (FTS5's integrity check passing first). */
static int fts_count(const char *path, const char *query)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')",
			       NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts"
				     " MATCH ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Whether the bytes of b (a file, NULs and all) hold s. */
static int has_bytes(const morgue_buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; b->size >= n && i <= b->size - n; i++)
		if (!memcmp(b->ptr + i, s, n))
			return 1;
	return 0;
}

/* The previous export updated in place for an article dropped and added
 * again holds the rows of a fresh export, and its index finds the new
 * text, not the old; a file whose other articles differ is refused. */
static void export_update_is_a_fresh_export(void)
{
	char cat[] = "/tmp/morgue-catalog-XXXXXX", old[] = "/tmp/morgue-catalog-XXXXXX";
	char fresh[] = "/tmp/morgue-catalog-XXXXXX", upd[] = "/tmp/morgue-catalog-XXXXXX";
	char *paths[] = { cat, old, fresh, upd };
	for (size_t i = 0; i < 4; i++) {
		close(mkstemp(paths[i]));
		unlink(paths[i]);
	}
	morgue_catalog *c = fixture_at(cat);
	CHECK_INT(morgue_catalog_export(c, old), 0);
	morgue_catalog_free(c);

	long long two = 2;
	const char *m[] = { "iran", "Iran" };
	CHECK_INT(morgue_catalog_reopen(&c, cat), 0);
	morgue_catalog_begin(c);
	CHECK_INT(morgue_catalog_drop_articles(c, &two, 1), 0);
	morgue_catalog_set_article_id(c, 2);
	add_article(c, "2017/b", "Iran again", "2017-06-02", "A Plain Name",
		    "Iran answered nobody in particular.", m, 1);
	CHECK_INT(morgue_catalog_finish(c), 0);
	morgue_catalog_commit(c);
	morgue_catalog_free(c);
	/* exported from a second connection, as a build does */
	CHECK_INT(morgue_catalog_open(&c, cat), 0);
	CHECK_INT(morgue_catalog_export(c, fresh), 0);
	CHECK_INT(morgue_fs_copy(old, upd), 0);
	CHECK_INT(morgue_catalog_export_update(c, upd, &two, 1), 0);

	morgue_buf a = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	dump_rows(&a, fresh, 0);
	dump_rows(&b, upd, 0);
	CHECK_CONTAINS(morgue_buf_cstr(&a), "== mentions");
	CHECK_STR(morgue_buf_cstr(&b), morgue_buf_cstr(&a));
	CHECK_INT(fts_count(upd, "particular"), 1);
	CHECK_INT(fts_count(upd, "spoke"), 0);
	CHECK_INT(fts_count(upd, "trump"), fts_count(fresh, "trump"));
	CHECK_INT(fts_count(old, "spoke"), 1);
	/* the dropped text is gone from the published file's bytes too, not
	 * left in its free pages (the catalog turns secure_delete off for its
	 * own files, not for this one) */
	morgue_buf raw = MORGUE_BUF_INIT;
	CHECK_INT(morgue_fs_read(&raw, old), 0);
	CHECK(has_bytes(&raw, "Donald Trump spoke about Iran."));
	morgue_buf_clear(&raw);
	CHECK_INT(morgue_fs_read(&raw, upd), 0);
	CHECK(!has_bytes(&raw, "Donald Trump spoke about Iran."));
	morgue_buf_free(&raw);

	sqlite3 *db;
	CHECK_INT(morgue_fs_copy(old, upd), 0);
	CHECK_INT(sqlite3_open(upd, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "DELETE FROM articles WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	CHECK_INT(morgue_catalog_export_update(c, upd, &two, 1), MORGUE_ERROR);
	CHECK(morgue_error_last() &&
	      strstr(morgue_error_last()->message, "not the previous build's export"));
	morgue_error_clear();
	/* an export whose articles' id is not the rowid (as older morgues
	 * made it) is refused too: it is made anew */
	CHECK_INT(morgue_fs_copy(old, upd), 0);
	CHECK_INT(sqlite3_open(upd, &db), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT pk FROM pragma_table_info('articles') WHERE name='id'",
				     -1, &st, NULL), SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1);
	sqlite3_finalize(st);
	CHECK_INT(sqlite3_exec(db, "CREATE TABLE a2 AS SELECT * FROM articles; DROP TABLE articles;"
				   "ALTER TABLE a2 RENAME TO articles", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	CHECK_INT(morgue_catalog_export_update(c, upd, &two, 1), MORGUE_ERROR);
	CHECK(morgue_error_last() &&
	      strstr(morgue_error_last()->message, "not the previous build's export"));
	morgue_error_clear();
	/* and so is one without an article's rows by index (an older
	 * morgue's): an update would scan the tables for them */
	static const char *const idx[] = { "articles_path", "mentions_article",
					   "attributions_article" };
	for (size_t i = 0; i < sizeof(idx) / sizeof(*idx); i++) {
		morgue_buf drop = MORGUE_BUF_INIT;
		morgue_buf_printf(&drop, "DROP INDEX %s", idx[i]);
		CHECK_INT(morgue_fs_copy(old, upd), 0);
		CHECK_INT(sqlite3_open(upd, &db), SQLITE_OK);
		CHECK_INT(sqlite3_exec(db, drop.ptr, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
		CHECK_INT(morgue_catalog_export_update(c, upd, &two, 1), MORGUE_ERROR);
		CHECK(morgue_error_last() &&
		      strstr(morgue_error_last()->message, "not the previous build's export"));
		morgue_error_clear();
		morgue_buf_free(&drop);
	}
	/* the update deletes an article's rows through them */
	CHECK_INT(sqlite3_open(fresh, &db), SQLITE_OK);
	static const char *const plans[] = {
		"EXPLAIN QUERY PLAN DELETE FROM mentions WHERE article_id IN (1, 2)",
		"EXPLAIN QUERY PLAN DELETE FROM attributions WHERE article_id IN (1, 2)",
	};
	for (size_t i = 0; i < 2; i++) {
		int indexed = 0;
		CHECK_INT(sqlite3_prepare_v2(db, plans[i], -1, &st, NULL), SQLITE_OK);
		while (st && sqlite3_step(st) == SQLITE_ROW)
			indexed |= strstr((const char *)sqlite3_column_text(st, 3), "_article") != NULL;
		sqlite3_finalize(st);
		CHECK(indexed);
	}
	sqlite3_close(db);

	for (size_t i = 0; i < 4; i++)
		unlink(paths[i]);
	morgue_buf_free(&a);
	morgue_buf_free(&b);
	morgue_catalog_free(c);
}

int main(void)
{
	RUN(article_lists_newest_first_with_filters);
	RUN(pages_after_the_last_article_equal_pages_at_offsets);
	RUN(export_in_parts_is_the_same);
	RUN(export_update_is_a_fresh_export);
	RUN(entity_page_data);
	RUN(entity_timeline_and_publications);
	RUN(article_tags_from_the_index);
	RUN(finish_gives_the_page_cache_back);
	RUN(related_articles_weighted_by_rarity);
	RUN(article_entities_most_mentioned_first);
	RUN(duplicate_slugs_are_content_errors);
	RUN(attributions_on_article_pages);
	RUN(long_quotes_are_shortened);
	RUN(quoted_and_cited_by_on_entity_pages);
	RUN(sourcing_overview);
	RUN(attributions_csv);
	RUN(csv_by_article);
	RUN(mention_spans_by_offset_longest_first);
	RUN(export_has_public_tables);
	TEST_EXIT();
}
