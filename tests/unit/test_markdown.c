/*
 * test_markdown.c - HTML output of markdown.h: mention markup, wrapping
 * across emphasis, raw HTML, unsafe URLs, the plain text.
 */
#include <string.h>

#include "article.h"
#include "gazetteer.h"
#include "markdown.h"
#include "test.h"
#include "util/alloc.h"
#include "util/error.h"

static morgue_gazetteer *reg(void)
{
	static char *lav[] = { "Lavrov" };
	morgue_entity e1 = { .slug = "sergey-lavrov", .name = "Sergey Lavrov",
			     .type = MORGUE_ENTITY_PERSON, .aliases = lav, .naliases = 1 };
	morgue_entity e2 = { .slug = "russia", .name = "Russia", .type = MORGUE_ENTITY_PLACE };
	const morgue_entity *es[] = { &e1, &e2 };
	morgue_gazetteer *g = NULL;
	morgue_gazetteer_new(&g, es, 2);
	return g;
}

static morgue_doc *render(const char *md, int unsafe)
{
	morgue_gazetteer *g = reg();
	morgue_markdown_opts o = { .gazetteer = g, .root = "../../", .unsafe_html = unsafe,
				   .file = "t.md", .first_line = 5 };
	morgue_doc *d = NULL;
	if (morgue_markdown_render(&d, md, strlen(md), &o) < 0)
		d = NULL;
	morgue_gazetteer_free(g);
	return d;
}

#define A(slug) "<a class=\"mention\" data-entity=\"" slug "\" href=\"../../entities/" slug ".html\">"

static void mention_markup(void)
{
	morgue_doc *d = render("Sergey Lavrov visited Russia.\n", 0);
	CHECK(d);
	if (!d)
		return;
	CHECK_STR(d->html, "<p>" A("sergey-lavrov") "Sergey Lavrov</a> visited " A("russia")
			   "Russia</a>.</p>\n");
	CHECK_STR(d->text, "Sergey Lavrov visited Russia.");
	CHECK_INT(d->nmentions, 2);
	CHECK_INT(d->mentions[1].offset, 22);
	CHECK_INT(d->mentions[1].source, MORGUE_MENTION_AUTO);
	morgue_doc_free(d);
}

static void emphasis_is_split(void)
{
	morgue_doc *d = render("*Met Sergey* Lavrov **in Russia today**.", 0);
	CHECK(d);
	if (!d)
		return;
	CHECK_STR(d->html, "<p><em>Met </em>" A("sergey-lavrov") "<em>Sergey</em> Lavrov</a> "
			   "<strong>in " A("russia") "Russia</a> today</strong>.</p>\n");
	morgue_doc_free(d);
}

static void raw_html_is_escaped(void)
{
	morgue_doc *d = render("Hi <script>alert(1)</script> Russia\n\n<div>Russia</div>\n", 0);
	CHECK(d);
	if (!d)
		return;
	CHECK_NOT_CONTAINS(d->html, "<script>");
	CHECK_NOT_CONTAINS(d->html, "<div>");
	CHECK_CONTAINS(d->html, "&lt;script&gt;");
	CHECK_CONTAINS(d->html, "&lt;div&gt;" A("russia") "Russia</a>&lt;/div&gt;");
	morgue_doc_free(d);
	d = render("Hi <b>Russia</b>\n", 1);
	CHECK(d);
	if (d)
		CHECK_CONTAINS(d->html, "<b>" A("russia") "Russia</a></b>");
	morgue_doc_free(d);
}

static void unsafe_urls_are_dropped(void)
{
	morgue_doc *d = render("[a](javascript:alert(1)) [b](JAVASCRIPT:x) [c](https://ok.org/)"
			       " ![i](data:text/html;base64,xx)", 0);
	CHECK(d);
	if (!d)
		return;
	CHECK_NOT_CONTAINS(d->html, "javascript");
	CHECK_NOT_CONTAINS(d->html, "JAVASCRIPT");
	CHECK_NOT_CONTAINS(d->html, "data:");
	CHECK_CONTAINS(d->html, "href=\"https://ok.org/\"");
	morgue_doc_free(d);
}

static void no_nested_links(void)
{
	morgue_doc *d = render("[Sergey Lavrov in Russia](https://x.org) and `Russia`", 0);
	CHECK(d);
	if (!d)
		return;
	CHECK_NOT_CONTAINS(d->html, "mention");
	CHECK_INT(d->nmentions, 0);
	CHECK_STR(d->text, "Sergey Lavrov in Russia and Russia");
	morgue_doc_free(d);
}

static void inline_mention_markup(void)
{
	morgue_doc *d = render("He met [the *minister*](@sergey-lavrov).", 0);
	CHECK(d);
	if (!d)
		return;
	CHECK_STR(d->html, "<p>He met " A("sergey-lavrov") "the <em>minister</em></a>.</p>\n");
	CHECK_INT(d->nmentions, 1);
	CHECK_INT(d->mentions[0].source, MORGUE_MENTION_INLINE);
	CHECK_STR(d->mentions[0].surface, "the minister");
	morgue_doc_free(d);
	CHECK(!render("\n\nHe met [x](@ghost).", 0));
	const morgue_error *e = morgue_error_last();
	CHECK(e && e->code == MORGUE_EINPUT && e->line == 7);
	CHECK(e && e->file && !strcmp(e->file, "t.md"));
}

static void blocks_in_plain_text(void)
{
	morgue_doc *d = render("# Title\n\n- one\n- two\n\n> quote\nline\n\n    code\n", 0);
	CHECK(d);
	if (!d)
		return;
	CHECK_STR(d->text, "Title\n\none\n\ntwo\n\nquote\nline\n\ncode");
	morgue_doc_free(d);
}

static void entity_body_without_gazetteer(void)
{
	morgue_markdown_opts o = { .root = "../", .file = "e.md", .first_line = 1 };
	morgue_doc *d = NULL;
	const char *md = "Sergey Lavrov, see [him](@sergey-lavrov).";
	CHECK(morgue_markdown_render(&d, md, strlen(md), &o) == 0);
	if (!d)
		return;
	CHECK_INT(d->nmentions, 1);
	CHECK_CONTAINS(d->html, "href=\"../entities/sergey-lavrov.html\">him</a>");
	morgue_doc_free(d);
	CHECK(morgue_markdown_render(&d, "", 0, &o) == 0);
	CHECK(d && !strcmp(d->html, "") && d->text_len == 0);
	morgue_doc_free(d);
}

int main(void)
{
	RUN(mention_markup);
	RUN(emphasis_is_split);
	RUN(raw_html_is_escaped);
	RUN(unsafe_urls_are_dropped);
	RUN(no_nested_links);
	RUN(inline_mention_markup);
	RUN(blocks_in_plain_text);
	RUN(entity_body_without_gazetteer);
	TEST_EXIT();
}
