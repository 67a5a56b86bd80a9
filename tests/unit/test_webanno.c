/* test_webanno.c - the per-article JSON export (generator/webanno.c):
 * W3C Web Annotation selectors, code-point positions, escaping. */
#include "test.h"
#include "webanno.h"

static morgue_webanno_mention mention(const char *slug, size_t off, size_t len)
{
	return (morgue_webanno_mention){ .entity = slug, .name = "Sergey Lavrov", .type = "person",
					 .generator = "auto", .offset = off, .length = len };
}

static void selectors_count_code_points(void)
{
	/* "“Yes,” said Lavrov." : the curly quotes are 3 bytes each */
	const char *text = "\xe2\x80\x9cYes,\xe2\x80\x9d said Lavrov. </script>";
	const char *at = strstr(text, "Lavrov");
	morgue_webanno_mention ms[] = {
		mention("sergey-lavrov", (size_t)(at - text), 6),
		mention("bad", 1000, 5), /* out of range: skipped, never read */
	};
	morgue_webanno_doc d = { .id = "2017/x", .title = "T <b>", .text = text,
				 .len = strlen(text), .mentions = ms, .nmentions = 2 };
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_webanno_write(&out, &d, "articles/2017/x.html");
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
	morgue_webanno_mention m = mention("x", 80, 1);
	morgue_webanno_doc d = { .text = t.ptr, .len = t.size, .mentions = &m, .nmentions = 1 };
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_webanno_write(&out, &d, "articles/x.html");
	CHECK_CONTAINS(morgue_buf_cstr(&out), "\"exact\":\"X\",\"prefix\":\"éééééééééééééééé\",\"suffix\":\"éé\"");
	CHECK_CONTAINS(morgue_buf_cstr(&out), "\"start\":40,\"end\":41");
	CHECK_CONTAINS(morgue_buf_cstr(&out), "\"source\":\"../entities/x.html\"");
	morgue_buf_free(&out);
	morgue_buf_free(&t);
}

/* Numbering keeps the place of what is skipped; attributions follow the
 * mentions with ids #aN; null for what is missing; the entity slug in the
 * body's link is escaped for JSON. */
static void numbering_attributions_and_nulls(void)
{
	const char *text = "Ada said \"it works\" on Monday.";
	morgue_webanno_mention ms[] = {
		{ .entity = NULL, .offset = 0, .length = 3 }, /* no entity: skipped */
		{ .entity = "ada\"x", .generator = "standoff", .offset = 0, .length = 3 },
	};
	morgue_webanno_attribution as[] = {
		{ .value = "Ada", .source = "ada", .kind = "person", .cue = "said", .offset = 10,
		  .length = 8 },
	};
	morgue_webanno_doc d = { .id = "x", .text = text, .len = strlen(text), .mentions = ms,
				 .nmentions = 2, .attributions = as, .nattributions = 1 };
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_webanno_write(&out, &d, "articles/x.html");
	const char *j = morgue_buf_cstr(&out);
	CHECK_CONTAINS(j, "\"id\":\"#m2\"");
	CHECK_NOT_CONTAINS(j, "\"id\":\"#m1\"");
	CHECK_CONTAINS(j, "\"source\":\"../entities/ada\\\"x.html\"");
	CHECK_CONTAINS(j, "\"generator\":\"standoff\"");
	CHECK_NOT_CONTAINS(j, "\"entity_type\"");
	CHECK_CONTAINS(j, "\"title\":null,\"date\":null");
	CHECK_CONTAINS(j, "{\"id\":\"#a1\",\"type\":\"Annotation\",\"motivation\":\"describing\"");
	CHECK_CONTAINS(j, "\"value\":\"Ada\",\"source\":\"ada\",\"kind\":\"person\",\"cue\":\"said\"");
	CHECK_CONTAINS(j, "\"exact\":\"it works\"");
	morgue_buf_free(&out);
}

int main(void)
{
	RUN(selectors_count_code_points);
	RUN(prefix_and_suffix_are_whole_characters);
	RUN(numbering_attributions_and_nulls);
	TEST_EXIT();
}
