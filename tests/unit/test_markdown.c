/*
 * test_markdown.c - HTML output of markdown.h: mention markup, wrapping
 * across emphasis, raw HTML, unsafe URLs, the plain text.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "gazetteer.h"
#include "markdown.h"
#include "test.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

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

static void load_entities(morgue_entity ***es, size_t *n, size_t *cap, const char *dir,
			  const char *rel)
{
	morgue_buf d = MORGUE_BUF_INIT;
	morgue_buf_printf(&d, "%s/%s", dir, rel);
	DIR *dp = opendir(d.ptr);
	struct dirent *de;
	while (dp && (de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		morgue_buf r = MORGUE_BUF_INIT, p = MORGUE_BUF_INIT, data = MORGUE_BUF_INIT;
		morgue_buf_printf(&r, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		morgue_buf_printf(&p, "%s/%s", dir, r.ptr);
		morgue_entity *e = NULL;
		if (morgue_fs_is_dir(p.ptr))
			load_entities(es, n, cap, dir, r.ptr);
		else if (morgue_fs_read(&data, p.ptr) == 0 &&
			 morgue_entity_parse(&e, p.ptr, r.ptr, data.ptr, data.size) == 0) {
			MORGUE_ARRAY_RESERVE(*es, *cap, *n + 1);
			(*es)[(*n)++] = e;
		}
		morgue_buf_free(&r);
		morgue_buf_free(&p);
		morgue_buf_free(&data);
	}
	if (dp)
		closedir(dp);
	morgue_buf_free(&d);
}

/* tests/regress/markdown/NAME.md against NAME.html (see README there). */
static void golden_cases(void)
{
	const char *dir = "tests/regress/markdown";
	morgue_entity **es = NULL;
	size_t n = 0, cap = 0, cases = 0;
	int update = getenv("MORGUE_REGRESS_UPDATE") && !strcmp(getenv("MORGUE_REGRESS_UPDATE"), "1");
	if (!morgue_fs_is_dir(dir) || !morgue_fs_is_dir("content/entities"))
		SKIP("run from the source tree");
	load_entities(&es, &n, &cap, "content/entities", "");
	morgue_gazetteer *g = NULL;
	morgue_gazetteer_new(&g, (const morgue_entity *const *)es, n);
	DIR *dp = opendir(dir);
	struct dirent *de;
	while ((de = readdir(dp))) {
		size_t l = strlen(de->d_name);
		if (l < 4 || strcmp(de->d_name + l - 3, ".md"))
			continue;
		morgue_buf in = MORGUE_BUF_INIT, want = MORGUE_BUF_INIT, p = MORGUE_BUF_INIT;
		morgue_buf_printf(&p, "%s/%s", dir, de->d_name);
		CHECK(morgue_fs_read(&in, p.ptr) == 0);
		morgue_markdown_opts o = { .gazetteer = g, .root = "../../", .file = p.ptr,
					   .first_line = 1 };
		morgue_doc *d = NULL;
		CHECK(morgue_markdown_render(&d, morgue_buf_cstr(&in), in.size, &o) == 0);
		morgue_buf_truncate(&p, p.size - 3);
		morgue_buf_puts(&p, ".html");
		if (d && update) {
			morgue_fs_write(p.ptr, d->html, strlen(d->html));
		} else if (d) {
			CHECK(morgue_fs_read(&want, p.ptr) == 0);
			if (strcmp(d->html, morgue_buf_cstr(&want)))
				printf("  %s differs:\n%s", p.ptr, d->html);
			CHECK_STR(d->html, morgue_buf_cstr(&want));
		}
		cases++;
		morgue_doc_free(d);
		morgue_buf_free(&in);
		morgue_buf_free(&want);
		morgue_buf_free(&p);
	}
	closedir(dp);
	CHECK(cases >= 2);
	morgue_gazetteer_free(g);
	for (size_t i = 0; i < n; i++)
		morgue_entity_free(es[i]);
	free(es);
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
	RUN(golden_cases);
	TEST_EXIT();
}
