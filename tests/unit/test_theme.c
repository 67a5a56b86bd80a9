/*
 * test_theme.c - the theme override chain of generator/theme.c: a --theme
 * directory overrides the embedded default theme file by file, templates
 * not overridden still come from the default, errors name the file that
 * was actually read. Uses a temporary directory, removed at the end.
 */
#include "test.h"

#include <stdlib.h>

#include "output.h"
#include "theme.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "value.h"

static char tmp[64];

static void mktmp(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/morgue-theme-XXXXXX");
	if (!mkdtemp(tmp))
		abort();
}

/* Write tmp/rel with the given text. */
static void put(const char *rel, const char *text)
{
	morgue_buf p = MORGUE_BUF_INIT;
	morgue_buf_printf(&p, "%s/%s", tmp, rel);
	if (morgue_fs_write(p.ptr, text, strlen(text)) < 0)
		abort();
	morgue_buf_free(&p);
}

/* The context a tag page gets, reduced to what the templates print. */
static morgue_value *tag_ctx(void)
{
	morgue_value *c = morgue_value_map();
	morgue_value_set_str(c, "root", "../");
	morgue_value_set_str(c, "page_title", "Tag <flood>");
	morgue_value_set_int(c, "article_count", 1);
	morgue_value *site = morgue_value_set_map(c, "site");
	morgue_value_set_str(site, "title", "Morgue");
	morgue_value_set_str(site, "language", "en");
	morgue_value *a = morgue_value_push_map(morgue_value_set_list(c, "articles"));
	morgue_value_set_str(a, "title", "Flood & drought");
	morgue_value_set_str(a, "url", "articles/2017/flood.html");
	return c;
}

static void embedded_default(void)
{
	morgue_theme *t = NULL;
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_value *ctx = tag_ctx();
	CHECK_INT(morgue_theme_open(&t, NULL, NULL, NULL), 0);
	CHECK(t != NULL);
	if (!t)
		goto done;
	CHECK_INT(morgue_theme_render(&out, t, "tag", ctx), 0);
	const char *s = morgue_buf_cstr(&out);
	CHECK(!strncmp(s, "<!DOCTYPE html>", 15));
	CHECK_CONTAINS(s, "<title>Tag &lt;flood&gt; · Morgue</title>");
	CHECK_CONTAINS(s, "<a href=\"../articles/2017/flood.html\">Flood &amp; drought</a>");
	CHECK_CONTAINS(s, "</html>");
	/* compiled once, cached */
	const morgue_template *a = morgue_theme_template(t, "layout");
	CHECK(a != NULL);
	CHECK(a == morgue_theme_template(t, "layout"));
done:
	morgue_theme_free(t);
	morgue_value_free(ctx);
	morgue_buf_free(&out);
}

static void dir_overrides_default(void)
{
	morgue_theme *t = NULL;
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_value *ctx = tag_ctx();
	mktmp();
	put("templates/layout.mustache",
	    "OVERRIDE[{{$title}}x{{/title}}]\n{{$content}}{{/content}}END\n");
	put("templates/extra.mustache", "extra {{site.title}}");
	CHECK_INT(morgue_theme_open(&t, tmp, NULL, NULL), 0);
	if (!t)
		goto done;
	/* tag.mustache (default) extends layout (overridden) and includes
	 * article-list (default) */
	CHECK_INT(morgue_theme_render(&out, t, "tag", ctx), 0);
	const char *s = morgue_buf_cstr(&out);
	CHECK(!strncmp(s, "OVERRIDE[x]\n", 12));
	CHECK_NOT_CONTAINS(s, "<!DOCTYPE");
	CHECK_CONTAINS(s, "<h1>Tag &lt;flood&gt;</h1>");
	CHECK_CONTAINS(s, "<ol class=\"article-list\">");
	CHECK_CONTAINS(s, "END\n");
	/* a template only the override has */
	morgue_buf_clear(&out);
	CHECK_INT(morgue_theme_render(&out, t, "extra", ctx), 0);
	CHECK_STR(morgue_buf_cstr(&out), "extra Morgue");
done:
	morgue_theme_free(t);
	morgue_value_free(ctx);
	morgue_buf_free(&out);
	morgue_fs_rmtree(tmp);
}

static void missing_template(void)
{
	morgue_theme *t = NULL;
	morgue_buf out = MORGUE_BUF_INIT;
	mktmp();
	CHECK_INT(morgue_theme_open(&t, tmp, NULL, NULL), 0);
	if (!t)
		goto done;
	morgue_error_clear();
	CHECK(morgue_theme_template(t, "nope") == NULL);
	const morgue_error *e = morgue_error_last();
	CHECK(e && e->code == MORGUE_ENOTFOUND);
	CHECK(e && e->file && strstr(e->file, "templates/nope.mustache"));
	CHECK_INT(morgue_theme_render(&out, t, "nope", NULL), MORGUE_ENOTFOUND);
	CHECK_INT(out.size, 0);
	/* names never walk the file system */
	CHECK(morgue_theme_template(t, "../etc/passwd") == NULL);
	CHECK_INT(morgue_error_last()->code, MORGUE_EINPUT);
	CHECK(morgue_theme_template(t, "Layout") == NULL);
done:
	morgue_theme_free(t);
	morgue_buf_free(&out);
	morgue_fs_rmtree(tmp);
}

static void broken_override_names_file(void)
{
	morgue_theme *t = NULL;
	morgue_buf out = MORGUE_BUF_INIT, path = MORGUE_BUF_INIT;
	mktmp();
	put("templates/layout.mustache", "<html>\n<body>\n{{#site}}\n{{$content}}{{/content}}\n");
	put("templates/loop.mustache", "a\n{{>loop}}");
	CHECK_INT(morgue_theme_open(&t, tmp, NULL, NULL), 0);
	if (!t)
		goto done;
	morgue_buf_printf(&path, "%s/templates/layout.mustache", tmp);
	CHECK_INT(morgue_theme_render(&out, t, "tag", NULL), MORGUE_EINPUT);
	const morgue_error *e = morgue_error_last();
	CHECK(e && e->file && !strcmp(e->file, path.ptr));
	CHECK(e && e->line == 3);
	CHECK(e && strstr(e->message, "unclosed section 'site'"));
	/* a template including itself: the recursion guard names it */
	morgue_buf_clear(&out);
	morgue_buf_clear(&path);
	morgue_buf_printf(&path, "%s/templates/loop.mustache", tmp);
	CHECK_INT(morgue_theme_render(&out, t, "loop", NULL), MORGUE_EINPUT);
	e = morgue_error_last();
	CHECK(e && e->file && !strcmp(e->file, path.ptr));
	CHECK(e && e->line == 2);
	CHECK(e && strstr(e->message, "nested deeper than 64"));
done:
	morgue_theme_free(t);
	morgue_buf_free(&out);
	morgue_buf_free(&path);
	morgue_fs_rmtree(tmp);
}

static void theme_dir_must_exist(void)
{
	morgue_theme *t = (morgue_theme *)1;
	CHECK_INT(morgue_theme_open(&t, "/nonexistent/morgue-theme", NULL, NULL),
		  MORGUE_ENOTFOUND);
	CHECK(t == NULL);
	CHECK(strstr(morgue_error_last()->message, "--theme"));
}

/* Every embedded template compiles. */
static void default_templates_compile(void)
{
	static const char *names[] = { "archive-period", "archive", "article-list",
				       "article", "entities", "entity", "index",
				       "layout", "pagination", "tag", "tags" };
	morgue_theme *t = NULL;
	CHECK_INT(morgue_theme_open(&t, NULL, NULL, NULL), 0);
	for (size_t i = 0; t && i < sizeof(names) / sizeof(names[0]); i++)
		if (!morgue_theme_template(t, names[i])) {
			morgue_buf e = MORGUE_BUF_INIT;
			morgue_error_format(&e, morgue_error_last());
			printf("  %s: %s\n", names[i], morgue_buf_cstr(&e));
			morgue_buf_free(&e);
			CHECK(0);
		}
	morgue_theme_free(t);
}

/* A name is read when any template shows it: the default theme does not
 * show word counts; an override that does, or one that does not compile,
 * counts. */
static void reads_through_overrides(void)
{
	morgue_theme *t = NULL;
	CHECK_INT(morgue_theme_open(&t, NULL, NULL, NULL), 0);
	CHECK(t && !morgue_theme_reads(t, "words"));
	CHECK(t && morgue_theme_reads(t, "title"));
	morgue_theme_free(t);
	mktmp();
	put("templates/extra.mustache", "{{#articles}}{{words}} words{{/articles}}");
	CHECK_INT(morgue_theme_open(&t, tmp, NULL, NULL), 0);
	CHECK(t && morgue_theme_reads(t, "words"));
	morgue_theme_free(t);
	morgue_fs_rmtree(tmp);
	mktmp();
	put("templates/article-list.mustache", "{{#articles}}");
	CHECK_INT(morgue_theme_open(&t, tmp, NULL, NULL), 0);
	CHECK(t && morgue_theme_reads(t, "words"));
	CHECK(morgue_error_last() == NULL);
	morgue_theme_free(t);
	morgue_fs_rmtree(tmp);
}

/* The static files of a site: every embedded one, an override in place
 * of its embedded file (written once), and a file only the override has. */
static void static_files_with_override(void)
{
	morgue_theme *t = NULL;
	morgue_output *o = NULL;
	morgue_buf site = MORGUE_BUF_INIT, p = MORGUE_BUF_INIT, b = MORGUE_BUF_INIT;
	mktmp();
	put("theme/static/style.css", "body{}");
	put("theme/static/extra.js", "x()");
	morgue_buf_printf(&p, "%s/theme", tmp);
	morgue_buf_printf(&site, "%s/site", tmp);
	CHECK_INT(morgue_theme_open(&t, p.ptr, NULL, NULL), 0);
	CHECK_INT(morgue_output_begin(&o, site.ptr), 0);
	CHECK_INT(morgue_theme_copy_static(t, o), 0);
	CHECK_INT(morgue_output_commit(o), 0);
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/static/style.css", site.ptr);
	CHECK(morgue_fs_read(&b, p.ptr) == 0 && !strcmp(morgue_buf_cstr(&b), "body{}"));
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/static/extra.js", site.ptr);
	CHECK(morgue_fs_exists(p.ptr));
	morgue_buf_clear(&p);
	morgue_buf_printf(&p, "%s/static/search.js", site.ptr);
	CHECK(morgue_fs_exists(p.ptr));
	/* the marker, style.css, search.js, extra.js: nothing written twice */
	CHECK_INT(morgue_output_files(o), 4);
	morgue_output_free(o);
	morgue_theme_free(t);
	morgue_buf_free(&site);
	morgue_buf_free(&p);
	morgue_buf_free(&b);
	morgue_fs_rmtree(tmp);
}

int main(void)
{
	RUN(embedded_default);
	RUN(dir_overrides_default);
	RUN(missing_template);
	RUN(broken_override_names_file);
	RUN(theme_dir_must_exist);
	RUN(default_templates_compile);
	RUN(reads_through_overrides);
	RUN(static_files_with_override);
	TEST_EXIT();
}
