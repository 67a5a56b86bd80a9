/* test_query.c - `morgue search` over an exported catalog (generator/query.c):
 * the FTS5 expression built from user text, ranking, filters, paging. */
#include "test.h"
#include "catalog.h"
#include "markdown.h"
#include "query.h"
#include "util/error.h"
#include "util/fs.h"

static char dbpath[256];

static void add(morgue_catalog *c, const char *id, const char *title, const char *date,
		const char *pub, const char *tag, const char *text, const char *ent)
{
	morgue_article a = { 0 };
	char *tags[] = { (char *)tag };
	long long rowid;
	a.file = (char *)"articles/x.md";
	a.id = (char *)id;
	a.title = (char *)title;
	a.date = (char *)date;
	a.publication = (char *)pub;
	a.tags = tags;
	a.ntags = 1;
	CHECK_INT(morgue_catalog_add_article(c, &rowid, &a, "<p>x</p>", text, strlen(text)), 0);
	if (ent) {
		morgue_mention m = { (char *)ent, (char *)"Lavrov", 0, 6, MORGUE_MENTION_AUTO };
		CHECK_INT(morgue_catalog_add_mentions(c, rowid, &m, 1, text, strlen(text)), 0);
	}
}

static morgue_query *fixture(void)
{
	morgue_catalog *c;
	morgue_query *q = NULL;
	morgue_entity e = { 0 };
	e.file = (char *)"entities/x.md";
	e.slug = (char *)"sergey-lavrov";
	e.name = (char *)"Sergey Lavrov";
	e.type = MORGUE_ENTITY_PERSON;
	snprintf(dbpath, sizeof(dbpath), "/tmp/morgue-test-query-%d.sqlite", (int)getpid());
	unlink(dbpath);
	CHECK_INT(morgue_catalog_new(&c), 0);
	morgue_catalog_begin(c);
	CHECK_INT(morgue_catalog_add_entity(c, &e, NULL), 0);
	add(c, "2017/a", "Intelligence and Russia", "2017-05-16", "The Post", "Russia",
	    "Lavrov met officials. They shared intelligence about a secret channel.", "sergey-lavrov");
	add(c, "2017/b", "Weather", "2017-06-01", "The Times", "Climate",
	    "Nothing about spies. A secret recipe and a channel of water.", NULL);
	add(c, "2015/c", "Sharing rules", "2015-09-30", "The Post", "Russia",
	    "Iraq began sharing intelligence with Russia and Syria; a café in Baghdad.", NULL);
	CHECK_INT(morgue_catalog_finish(c), 0);
	morgue_catalog_commit(c);
	CHECK_INT(morgue_catalog_export(c, dbpath), 0);
	morgue_catalog_free(c);
	CHECK_INT(morgue_query_open(&q, dbpath), 0);
	return q;
}

static const char *field(morgue_value *l, size_t i, const char *k)
{
	return morgue_value_get_string(morgue_value_get(morgue_value_at(l, i), k));
}

static void fts_expression_from_user_text(void)
{
	static const char *cases[][2] = {
		{ "secret channel", "\"secret\" \"channel\"" },
		{ "\"secret channel\" Lavrov", "\"secret channel\" \"Lavrov\"" },
		{ "shar*", "\"shar\"*" },
		{ "NOT OR AND ( ) : ^ - +", "\"NOT\" \"OR\" \"AND\"" },
		{ "<script>alert(1)</script>", "\"script\" \"alert\" \"1\" \"script\"" },
		{ "\"unclosed phrase", "\"unclosed phrase\"" },
		{ "\"\" ; '", "" },
		{ "café", "\"café\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		morgue_buf b = MORGUE_BUF_INIT;
		morgue_query_fts(&b, cases[i][0]);
		CHECK_STR(morgue_buf_cstr(&b), cases[i][1]);
		morgue_buf_free(&b);
	}
}

static void ranks_stems_and_phrases(void)
{
	morgue_query *q = fixture();
	morgue_value *r = NULL;
	long long total = 0;
	if (!q)
		return;
	morgue_query_opts o = { .text = "sharing" };
	CHECK_INT(morgue_query_run(&r, &total, q, &o), 0);
	/* Porter stemming: "sharing" finds "shared"; title matches rank first */
	CHECK_INT(total, 2);
	CHECK_STR(field(r, 0, "path"), "2015/c");
	CHECK_STR(field(r, 1, "path"), "2017/a");
	CHECK_CONTAINS(field(r, 1, "snippet"), "[shared]");
	morgue_value_free(r);

	o.text = "\"secret channel\"";
	CHECK_INT(morgue_query_run(&r, &total, q, &o), 0);
	CHECK_INT(total, 1);
	CHECK_STR(field(r, 0, "path"), "2017/a");
	morgue_value_free(r);

	o.text = "cafe"; /* diacritics folded */
	CHECK_INT(morgue_query_run(&r, &total, q, &o), 0);
	CHECK_INT(total, 1);
	morgue_value_free(r);

	o.text = "<script>\" OR 1=1 --";
	CHECK_INT(morgue_query_run(&r, &total, q, &o), 0);
	CHECK_INT(total, 0);
	morgue_value_free(r);
	morgue_query_close(q);
	unlink(dbpath);
}

static void filters_and_paging(void)
{
	morgue_query *q = fixture();
	morgue_value *r = NULL;
	long long total = 0;
	if (!q)
		return;
	morgue_query_opts o = { .text = "intelligence", .publication = "the post" };
	CHECK_INT(morgue_query_run(&r, &total, q, &o), 0);
	CHECK_INT(total, 2);
	morgue_value_free(r);
	o.from = "2016-01-01";
	CHECK_INT(morgue_query_run(&r, &total, q, &o), 0);
	CHECK_INT(total, 1);
	CHECK_STR(field(r, 0, "path"), "2017/a");
	morgue_value_free(r);

	morgue_query_opts e = { .entity = "sergey-lavrov" };
	CHECK_INT(morgue_query_run(&r, &total, q, &e), 0);
	CHECK_INT(total, 1);
	morgue_value_free(r);

	morgue_query_opts t = { .tag = "russia", .limit = 1, .offset = 1 };
	CHECK_INT(morgue_query_run(&r, &total, q, &t), 0);
	CHECK_INT(total, 2);
	CHECK_INT(morgue_value_count(r), 1);
	CHECK_STR(field(r, 0, "path"), "2015/c"); /* newest first without text */
	morgue_value_free(r);
	morgue_query_close(q);
	unlink(dbpath);
}

static void refuses_what_is_not_a_catalog(void)
{
	morgue_query *q = NULL;
	CHECK_INT(morgue_query_open(&q, "/nonexistent/archive.sqlite"), MORGUE_ENOTFOUND);
	char path[] = "/tmp/morgue-test-query-XXXXXX";
	int fd = mkstemp(path);
	static const char junk[] = "not sqlite at all, just text padding padding padding padding "
				   "padding padding padding padding padding padding";
	CHECK(write(fd, junk, sizeof(junk) - 1) == (ssize_t)(sizeof(junk) - 1));
	close(fd);
	CHECK_INT(morgue_query_open(&q, path), MORGUE_EINPUT);
	CHECK(q == NULL);
	unlink(path);
}

int main(void)
{
	RUN(fts_expression_from_user_text);
	RUN(ranks_stems_and_phrases);
	RUN(filters_and_paging);
	RUN(refuses_what_is_not_a_catalog);
	TEST_EXIT();
}
