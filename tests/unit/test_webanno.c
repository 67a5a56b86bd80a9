/* test_webanno.c - the per-article JSON export (generator/webanno.c):
 * W3C Web Annotation selectors, code-point positions, escaping. */
#include "test.h"
#include "webanno.h"

static morgue_value *mention(morgue_value *list, const char *slug, size_t off, size_t len)
{
	morgue_value *m = morgue_value_push_map(list);
	morgue_value_set_str(m, "entity", slug);
	morgue_value_set_str(m, "name", "Sergey Lavrov");
	morgue_value_set_str(m, "type", "person");
	morgue_value_set_int(m, "offset", (long long)off);
	morgue_value_set_int(m, "length", (long long)len);
	morgue_value_set_str(m, "source", "auto");
	return m;
}

static void selectors_count_code_points(void)
{
	/* "“Yes,” said Lavrov." : the curly quotes are 3 bytes each */
	const char *text = "\xe2\x80\x9cYes,\xe2\x80\x9d said Lavrov. </script>";
	const char *at = strstr(text, "Lavrov");
	morgue_value *a = morgue_value_map(), *ms = morgue_value_list();
	morgue_value_set_str(a, "path", "2017/x");
	morgue_value_set_str(a, "title", "T <b>");
	mention(ms, "sergey-lavrov", (size_t)(at - text), 6);
	mention(ms, "bad", 1000, 5); /* out of range: skipped, never read */
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_webanno_article(&out, a, "articles/2017/x.html", text, strlen(text), ms, NULL);
	const char *j = morgue_buf_cstr(&out);
	CHECK_CONTAINS(j, "\"@context\":\"http://www.w3.org/ns/anno.jsonld\"");
	CHECK_CONTAINS(j, "\"motivation\":\"identifying\"");
	CHECK_CONTAINS(j, "\"source\":\"../../entities/sergey-lavrov.html\"");
	CHECK_CONTAINS(j, "\"target\":{\"source\":\"x.html\"");
	CHECK_CONTAINS(j, "{\"type\":\"TextQuoteSelector\",\"exact\":\"Lavrov\"");
	/* 1 + 4 + 1 + 6 = 12 code points before "Lavrov" (18 bytes) */
	CHECK_CONTAINS(j, "{\"type\":\"TextPositionSelector\",\"start\":12,\"end\":18}");
	CHECK_NOT_CONTAINS(j, "</script>");
	CHECK_NOT_CONTAINS(j, "<b>");
	CHECK_NOT_CONTAINS(j, "\"entity\":\"bad\"");
	morgue_buf_free(&out);
	morgue_value_free(a);
	morgue_value_free(ms);
}

static void prefix_and_suffix_are_whole_characters(void)
{
	/* 40 two-byte characters, then the name: a 32-byte window must not
	 * split a character */
	morgue_buf t = MORGUE_BUF_INIT;
	for (int i = 0; i < 40; i++)
		morgue_buf_puts(&t, "\xc3\xa9");
	morgue_buf_puts(&t, "X");
	morgue_buf_puts(&t, "\xc3\xa9\xc3\xa9");
	morgue_value *a = morgue_value_map(), *ms = morgue_value_list();
	mention(ms, "x", 80, 1);
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_webanno_article(&out, a, "articles/x.html", t.ptr, t.size, ms, NULL);
	CHECK_CONTAINS(morgue_buf_cstr(&out), "\"exact\":\"X\",\"prefix\":\"éééééééééééééééé\",\"suffix\":\"éé\"");
	CHECK_CONTAINS(morgue_buf_cstr(&out), "\"start\":40,\"end\":41");
	CHECK_CONTAINS(morgue_buf_cstr(&out), "\"source\":\"../entities/x.html\"");
	morgue_buf_free(&out);
	morgue_buf_free(&t);
	morgue_value_free(a);
	morgue_value_free(ms);
}

int main(void)
{
	RUN(selectors_count_code_points);
	RUN(prefix_and_suffix_are_whole_characters);
	TEST_EXIT();
}
