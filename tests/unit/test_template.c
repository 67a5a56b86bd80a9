/*
 * test_template.c - the Mustache engine: every test of the official spec
 * (../shared/spec/mustache/NAME.json, one PASS/FAIL line each, lambdas
 * skipped), then morgue's own cases: errors with file:line, escaping,
 * numbers, the recursion guard, inheritance as the theme uses it, and a
 * large-template sanity run.
 */
#include "test.h"

#include <math.h>
#include <pthread.h>
#include <time.h>

#include "frontmatter.h"
#include "template.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "value.h"

/* ---- helpers ---------------------------------------------------------- */

typedef struct named {
	const char *name;
	morgue_template *tpl;
} named;

typedef struct table {
	named v[32];
	size_t n;
} table;

static const morgue_template *table_lookup(const char *name, void *payload)
{
	table *t = payload;
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			return t->v[i].tpl;
	return NULL;
}

static void table_free(table *t)
{
	for (size_t i = 0; i < t->n; i++)
		morgue_template_free(t->v[i].tpl);
	t->n = 0;
}

/* Render src with ctx (and partials in tab); returns a malloc'd string or
 * NULL when compile or render fails. */
static char *render(const char *src, const morgue_value *ctx, table *tab)
{
	morgue_template *t = NULL;
	morgue_buf out = MORGUE_BUF_INIT;
	if (morgue_template_compile(&t, "test.mustache", src, strlen(src)) < 0)
		return NULL;
	int rc = morgue_template_render(&out, t, ctx, tab ? table_lookup : NULL, tab);
	morgue_template_free(t);
	if (rc < 0) {
		morgue_buf_free(&out);
		return NULL;
	}
	return morgue_buf_detach(&out);
}

static morgue_value *yaml(const char *s)
{
	morgue_value *v = NULL;
	if (morgue_yaml_parse(&v, "ctx", 1, s, strlen(s)) < 0)
		return NULL;
	return v;
}

/* ---- the official spec ------------------------------------------------ */

static int spec_has_lambda(const morgue_value *v)
{
	switch (morgue_value_type_of(v)) {
	case MORGUE_VALUE_MAP:
		if (morgue_value_get(v, "__tag__"))
			return 1;
		/* fall through */
	case MORGUE_VALUE_LIST:
		for (size_t i = 0; i < morgue_value_count(v); i++) {
			const morgue_value *c = morgue_value_type_of(v) == MORGUE_VALUE_MAP ?
				morgue_value_value_at(v, i) : morgue_value_at(v, i);
			if (spec_has_lambda(c))
				return 1;
		}
		return 0;
	default:
		return 0;
	}
}

static int spec_pass, spec_fail, spec_skip;

static void spec_case(const char *file, const morgue_value *tc)
{
	const char *name = morgue_value_get_string(morgue_value_get(tc, "name"));
	const morgue_value *data = morgue_value_get(tc, "data");
	const morgue_value *tv = morgue_value_get(tc, "template");
	const morgue_value *ev = morgue_value_get(tc, "expected");
	const morgue_value *pv = morgue_value_get(tc, "partials");
	table tab = { .n = 0 };
	morgue_buf out = MORGUE_BUF_INIT, why = MORGUE_BUF_INIT;
	morgue_template *t = NULL;
	int ok = 0;

	if (spec_has_lambda(data)) {
		printf("SKIP spec/%s: %s: lambdas are not supported (values have no functions)\n",
		       file, name ? name : "?");
		spec_skip++;
		return;
	}
	if (!name || !morgue_value_get_string(tv) || !morgue_value_get_string(ev)) {
		morgue_buf_puts(&why, "malformed spec test");
		goto done;
	}
	for (size_t i = 0; i < morgue_value_count(pv) && tab.n < 32; i++) {
		const morgue_value *s = morgue_value_value_at(pv, i);
		morgue_template *p = NULL;
		if (morgue_template_compile(&p, morgue_value_key_at(pv, i),
					    morgue_value_get_string(s),
					    morgue_value_get_string_len(s)) < 0) {
			morgue_buf_puts(&why, "partial failed to compile: ");
			morgue_error_format(&why, morgue_error_last());
			goto done;
		}
		tab.v[tab.n].name = morgue_value_key_at(pv, i);
		tab.v[tab.n++].tpl = p;
	}
	if (morgue_template_compile(&t, name, morgue_value_get_string(tv),
				    morgue_value_get_string_len(tv)) < 0 ||
	    morgue_template_render(&out, t, data, table_lookup, &tab) < 0) {
		morgue_error_format(&why, morgue_error_last());
		goto done;
	}
	ok = out.size == morgue_value_get_string_len(ev) &&
	     !memcmp(morgue_buf_cstr(&out), morgue_value_get_string(ev), out.size);
	if (!ok)
		morgue_buf_printf(&why, "\n    template: \"%s\"\n    got:      \"%s\"\n    expected: \"%s\"",
				  morgue_value_get_string(tv), morgue_buf_cstr(&out),
				  morgue_value_get_string(ev));
done:
	if (ok) {
		printf("PASS spec/%s: %s\n", file, name);
		spec_pass++;
	} else {
		printf("FAIL spec/%s: %s: %s\n", file, name ? name : "?",
		       morgue_buf_cstr(&why));
		spec_fail++;
		test_failures++;
	}
	morgue_template_free(t);
	table_free(&tab);
	morgue_buf_free(&out);
	morgue_buf_free(&why);
}

/* Runs outside RUN(): prints its own line per spec test. */
static void spec_suite(void)
{
	static const char *files[] = { "comments", "delimiters", "interpolation",
				       "inverted", "partials", "sections",
				       "~dynamic-names", "~inheritance", "~lambdas" };
	const char *shared = test_shared_dir();
	morgue_buf dir = MORGUE_BUF_INIT;

	if (shared)
		morgue_buf_printf(&dir, "%s/spec/mustache", shared);
	if (!shared || !morgue_fs_is_dir(dir.ptr)) {
		printf("SKIP spec: ../shared/spec/mustache not found: spec tests skipped\n");
		morgue_buf_free(&dir);
		return;
	}
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		morgue_buf path = MORGUE_BUF_INIT, src = MORGUE_BUF_INIT;
		morgue_value *doc = NULL;
		morgue_buf_printf(&path, "%s/%s.json", dir.ptr, files[f]);
		if (!morgue_fs_exists(path.ptr)) {
			if (files[f][0] != '~') {
				printf("FAIL spec/%s: %s missing\n", files[f], path.ptr);
				test_failures++;
			} else if (!strcmp(files[f], "~lambdas")) {
				printf("SKIP spec/%s: not in the shared spec copy; lambdas are not supported anyway\n",
				       files[f]);
			}
			morgue_buf_free(&path);
			continue;
		}
		int p0 = spec_pass, f0 = spec_fail, s0 = spec_skip;
		if (morgue_fs_read(&src, path.ptr) < 0 ||
		    morgue_yaml_parse(&doc, path.ptr, 1, morgue_buf_cstr(&src), src.size) < 0) {
			morgue_buf e = MORGUE_BUF_INIT;
			morgue_error_format(&e, morgue_error_last());
			printf("FAIL spec/%s: cannot read: %s\n", files[f], morgue_buf_cstr(&e));
			morgue_buf_free(&e);
			test_failures++;
		} else {
			const morgue_value *tests = morgue_value_get(doc, "tests");
			for (size_t i = 0; i < morgue_value_count(tests); i++)
				spec_case(files[f], morgue_value_at(tests, i));
			printf("# spec/%s: %d passed, %d failed, %d skipped\n", files[f],
			       spec_pass - p0, spec_fail - f0, spec_skip - s0);
		}
		morgue_value_free(doc);
		morgue_buf_free(&src);
		morgue_buf_free(&path);
	}
	printf("# spec total: %d passed, %d failed, %d skipped\n", spec_pass,
	       spec_fail, spec_skip);
	morgue_buf_free(&dir);
}

/* ---- errors ----------------------------------------------------------- */

/* Compile must fail with MORGUE_EINPUT and format as "file:line: msg...". */
static void expect_error(const char *src, int line, const char *msg)
{
	morgue_template *t = (morgue_template *)1;
	const char *name = "themes/default/templates/x.mustache";
	int rc = morgue_template_compile(&t, name, src, strlen(src));
	CHECK_INT(rc, MORGUE_EINPUT);
	CHECK(t == NULL);
	const morgue_error *e = morgue_error_last();
	CHECK(e != NULL);
	if (!e)
		return;
	CHECK_STR(e->file, name);
	CHECK_INT(e->line, line);
	morgue_buf f = MORGUE_BUF_INIT, want = MORGUE_BUF_INIT;
	morgue_error_format(&f, e);
	morgue_buf_printf(&want, "%s:%d: %s", name, line, msg);
	CHECK_CONTAINS(morgue_buf_cstr(&f), morgue_buf_cstr(&want));
	morgue_buf_free(&f);
	morgue_buf_free(&want);
}

static void error_unclosed_section(void)
{
	expect_error("<ul>\n{{#items}}\n<li>{{name}}</li>\n", 2,
		     "unclosed section 'items'");
	expect_error("{{#a}}{{#b}}{{/b}}", 1, "unclosed section 'a'");
	expect_error("x\n\n{{<layout}}{{$content}}", 3, "unclosed section 'content'");
}

static void error_mismatched_close(void)
{
	expect_error("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}", 3,
		     "mismatched close 'a': section 'b' opened at line 2");
	expect_error("text\n{{/a}}", 2, "close 'a' without an open section");
}

static void error_bad_delimiter(void)
{
	expect_error("a\n{{=<% =}}", 2, "bad set-delimiter tag");
	expect_error("{{= a b c =}}", 1, "bad set-delimiter tag");
	expect_error("{{=a= b=}}", 1, "bad set-delimiter tag");
	/* new delimiters apply: the old ones are plain text afterwards */
	morgue_value *ctx = yaml("x: 1");
	char *s = render("{{=<% %>=}}{{x}}<%x%>", ctx, NULL);
	CHECK_STR(s, "{{x}}1");
	free(s);
	morgue_value_free(ctx);
}

static void error_bad_tags(void)
{
	expect_error("a\nb {{name", 2, "unclosed tag");
	expect_error("{{{x}}", 1, "unclosed tag");
	expect_error("\n\n\n{{}}", 4, "empty tag name");
	expect_error("{{#a b}}{{/a b}}", 1, "blank in tag name 'a b'");
	expect_error("{{>}}", 1, "empty tag name");
}

static void error_nesting_limit(void)
{
	morgue_buf src = MORGUE_BUF_INIT;
	for (int i = 0; i < MORGUE_TEMPLATE_MAX_NESTING + 1; i++)
		morgue_buf_puts(&src, "{{#a}}\n");
	for (int i = 0; i < MORGUE_TEMPLATE_MAX_NESTING + 1; i++)
		morgue_buf_puts(&src, "{{/a}}\n");
	expect_error(src.ptr, MORGUE_TEMPLATE_MAX_NESTING + 1, "sections nested deeper than 100");
	morgue_buf_free(&src);
}

/* ---- rendering -------------------------------------------------------- */

static void escaping(void)
{
	morgue_value *ctx = morgue_value_map();
	morgue_value_set_str(ctx, "x", "<a href=\"x\">Tom & Jerry's</a>");
	char *s = render("{{x}}|{{{x}}}|{{&x}}|{{ x }}", ctx, NULL);
	CHECK_STR(s, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;|"
		     "<a href=\"x\">Tom & Jerry's</a>|<a href=\"x\">Tom & Jerry's</a>|"
		     "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
	free(s);
	/* values are never re-parsed as templates */
	morgue_value_set_str(ctx, "x", "{{x}}");
	s = render("{{x}}", ctx, NULL);
	CHECK_STR(s, "{{x}}");
	free(s);
	morgue_value_free(ctx);
}

static void numbers(void)
{
	morgue_value *ctx = yaml("a: 42\nb: 1.21\nc: -3\nd: 0.1\ne: 100.0\nf: 1e21\ng: 2.5e-7\nh: true\ni: false\nj: null\nk: 0");
	CHECK(ctx != NULL);
	char *s = render("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}} {{h}} {{i}} [{{j}}] {{k}}", ctx, NULL);
	CHECK_STR(s, "42 1.21 -3 0.1 100 1e+21 2.5e-07 true false [] 0");
	free(s);
	/* 0 is truthy, "" is falsey (morgue_value_truthy) */
	morgue_value_set_str(ctx, "j", "");
	s = render("{{#k}}zero{{/k}}{{^j}}empty{{/j}}", ctx, NULL);
	CHECK_STR(s, "zeroempty");
	free(s);
	morgue_value_free(ctx);
}

static void context_stack(void)
{
	morgue_value *ctx = yaml("name: outer\nitems:\n  - name: a\n  - x: 1\n  - name: c\nsite: {title: T}\n");
	char *s = render("{{#items}}[{{name}}/{{site.title}}]{{/items}}", ctx, NULL);
	CHECK_STR(s, "[a/T][outer/T][c/T]");
	free(s);
	s = render("{{#site}}{{title}}{{/site}}{{^missing}}!{{/missing}}{{.}}", ctx, NULL);
	CHECK_STR(s, "T!");
	free(s);
	s = render("{{#items}}{{#x}}{{.}}{{/x}}{{/items}}", ctx, NULL);
	CHECK_STR(s, "1");
	free(s);
	morgue_value_free(ctx);
	/* no context at all */
	s = render("a{{x}}{{#x}}b{{/x}}{{^x}}c{{/x}}", NULL, NULL);
	CHECK_STR(s, "ac");
	free(s);
}

static void list_index(void)
{
	morgue_value *ctx = yaml("tags: [a, b]\nnone: []\nrows:\n  - {x: 1}\n");
	char *s = render("{{#tags.0}}<ul>{{#tags}}<li>{{.}}{{/tags}}</ul>{{/tags.0}}"
			 "{{#none.0}}never{{/none.0}}{{^none.0}}empty{{/none.0}}"
			 "{{tags.1}}{{tags.2}}{{rows.0.x}}{{tags.x}}{{tags.-1}}{{tags.01}}", ctx, NULL);
	CHECK_STR(s, "<ul><li>a<li>b</ul>emptyb1b");
	free(s);
	morgue_value_free(ctx);
}

static void not_nul_terminated(void)
{
	const char src[] = "{{x}}!{{#broken";
	morgue_template *t = NULL;
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_value *ctx = yaml("x: hi");
	CHECK_INT(morgue_template_compile(&t, "n", src, 6), 0);
	CHECK_INT(morgue_template_render(&out, t, ctx, NULL, NULL), 0);
	CHECK_STR(morgue_buf_cstr(&out), "hi!");
	CHECK_STR(morgue_template_name(t), "n");
	/* the template keeps its own copy of the source */
	morgue_buf_clear(&out);
	char *copy = strdup("{{x}}?");
	morgue_template *t2 = NULL;
	CHECK_INT(morgue_template_compile(&t2, "c", copy, strlen(copy)), 0);
	memset(copy, 'z', strlen(copy));
	free(copy);
	CHECK_INT(morgue_template_render(&out, t2, ctx, NULL, NULL), 0);
	CHECK_STR(morgue_buf_cstr(&out), "hi?");
	morgue_template_free(t);
	morgue_template_free(t2);
	morgue_value_free(ctx);
	morgue_buf_free(&out);
}

static const morgue_template *self_lookup(const char *name, void *payload)
{
	(void)name;
	return payload;
}

static void recursion_guard(void)
{
	static const char *srcs[] = { "a{{>self}}", "{{<self}}{{/self}}",
				      "x\n  {{>*name}}\n", "{{#list}}{{>me}}{{/list}}" };
	morgue_value *ctx = yaml("name: self\nlist: [1]");
	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		morgue_template *t = NULL;
		morgue_buf out = MORGUE_BUF_INIT;
		CHECK_INT(morgue_template_compile(&t, "themes/x/templates/self.mustache",
						  srcs[i], strlen(srcs[i])), 0);
		int rc = morgue_template_render(&out, t, ctx, self_lookup, t);
		CHECK_INT(rc, MORGUE_EINPUT);
		const morgue_error *e = morgue_error_last();
		CHECK(e && e->file && !strcmp(e->file, "themes/x/templates/self.mustache"));
		CHECK(e && strstr(e->message, "nested deeper than 64"));
		morgue_template_free(t);
		morgue_buf_free(&out);
	}
	/* a block argument naming its own block */
	table tab = { .n = 0 };
	morgue_template *p = NULL, *t = NULL;
	CHECK_INT(morgue_template_compile(&p, "p", "{{$a}}d{{/a}}", 13), 0);
	tab.v[tab.n].name = "p";
	tab.v[tab.n++].tpl = p;
	const char *src = "{{<p}}{{$a}}<{{$a}}x{{/a}}>{{/a}}{{/p}}";
	CHECK_INT(morgue_template_compile(&t, "loop", src, strlen(src)), 0);
	morgue_buf out = MORGUE_BUF_INIT;
	CHECK_INT(morgue_template_render(&out, t, NULL, table_lookup, &tab), MORGUE_EINPUT);
	morgue_template_free(t);
	morgue_buf_free(&out);
	table_free(&tab);

	/* recursion bounded by data is fine, even 60 levels deep */
	morgue_value *root = morgue_value_map(), *cur = root;
	for (int i = 0; i < 60; i++) {
		morgue_value_set_int(cur, "n", i);
		/* the last one says kid: false, else lookup finds the outer kid */
		if (i < 59)
			cur = morgue_value_set_map(cur, "kid");
		else
			morgue_value_set_bool(cur, "kid", 0);
	}
	morgue_template *node = NULL;
	src = "{{n}}{{#kid}}<{{>node}}>{{/kid}}";
	CHECK_INT(morgue_template_compile(&node, "node", src, strlen(src)), 0);
	CHECK_INT(morgue_template_render(&out, node, root, self_lookup, node), 0);
	CHECK_CONTAINS(morgue_buf_cstr(&out), "57<58<59>>");
	morgue_template_free(node);
	morgue_value_free(root);
	morgue_value_free(ctx);
	morgue_buf_free(&out);
}

/* The shape the default theme uses: a page extends the layout. */
static void theme_inheritance(void)
{
	table tab = { .n = 0 };
	const char *layout = "<title>{{$title}}{{page_title}} · {{site.title}}{{/title}}</title>\n"
			     "<main>\n{{$content}}{{/content}}\n</main>\n";
	const char *list = "<ul>\n{{#articles}}\n  <li>{{title}}</li>\n{{/articles}}\n</ul>\n";
	const char *page = "{{<layout}}\n{{$content}}\n<h1>{{page_title}}</h1>\n{{>list}}\n{{/content}}\n{{/layout}}\n";
	morgue_template *t = NULL;
	CHECK_INT(morgue_template_compile(&tab.v[0].tpl, "layout", layout, strlen(layout)), 0);
	CHECK_INT(morgue_template_compile(&tab.v[1].tpl, "list", list, strlen(list)), 0);
	tab.v[0].name = "layout";
	tab.v[1].name = "list";
	tab.n = 2;
	CHECK_INT(morgue_template_compile(&t, "page", page, strlen(page)), 0);
	morgue_value *ctx = yaml("page_title: Tag <x>\nsite: {title: Morgue}\narticles: [{title: A}, {title: B}]\n");
	morgue_buf out = MORGUE_BUF_INIT;
	CHECK_INT(morgue_template_render(&out, t, ctx, table_lookup, &tab), 0);
	CHECK_STR(morgue_buf_cstr(&out),
		  "<title>Tag &lt;x&gt; · Morgue</title>\n<main>\n<h1>Tag &lt;x&gt;</h1>\n"
		  "<ul>\n  <li>A</li>\n  <li>B</li>\n</ul>\n\n</main>\n");
	morgue_template_free(t);
	table_free(&tab);
	morgue_value_free(ctx);
	morgue_buf_free(&out);
}

static void missing_partial_and_dynamic(void)
{
	morgue_value *ctx = yaml("which: 42\n");
	char *s = render("[{{>nope}}][{{>*which}}][{{<nope}}{{$a}}x{{/a}}{{/nope}}]", ctx, NULL);
	CHECK_STR(s, "[][][]");
	free(s);
	morgue_value_free(ctx);
}

static void delimiters_and_indentation(void)
{
	morgue_value *ctx = yaml("x: \"<i>\"\nitems: [a, b]\n");
	char *s = render("{{=<% %>=}}<%{x}%> <%&x%> <%x%>", ctx, NULL);
	CHECK_STR(s, "<i> <i> &lt;i&gt;");
	free(s);
	/* standalone partials nest their indentation; data is never indented */
	table tab = { .n = 0 };
	const char *outer = "<ul>\n  {{>inner}}\n</ul>\n";
	const char *inner = "{{#items}}\n<li>{{.}}</li>\n{{/items}}\n{{{x}}}\n";
	CHECK_INT(morgue_template_compile(&tab.v[0].tpl, "outer", outer, strlen(outer)), 0);
	CHECK_INT(morgue_template_compile(&tab.v[1].tpl, "inner", inner, strlen(inner)), 0);
	tab.v[0].name = "outer";
	tab.v[1].name = "inner";
	tab.n = 2;
	morgue_value_set_str(ctx, "x", "one\ntwo");
	s = render("<div>\n  {{>outer}}\n</div>\r\n  {{#items}}\r\n{{.}}\r\n  {{/items}}\r\n", ctx, &tab);
	CHECK_STR(s, "<div>\n  <ul>\n    <li>a</li>\n    <li>b</li>\n    one\ntwo\n  </ul>\n</div>\r\na\r\nb\r\n");
	free(s);
	/* an inline partial is not indented */
	s = render("x {{>inner}}|", ctx, &tab);
	CHECK_STR(s, "x <li>a</li>\n<li>b</li>\none\ntwo\n|");
	free(s);
	table_free(&tab);
	morgue_value_free(ctx);
}

typedef struct job {
	const morgue_template *t;
	const morgue_value *ctx;
	char *out;
} job;

static void *render_job(void *arg)
{
	job *j = arg;
	morgue_buf b = MORGUE_BUF_INIT;
	for (int i = 0; i < 200; i++) {
		morgue_buf_clear(&b);
		if (morgue_template_render(&b, j->t, j->ctx, NULL, NULL) < 0)
			break;
	}
	j->out = morgue_buf_detach(&b);
	return NULL;
}

/* A compiled template is immutable: render it from two threads at once. */
static void concurrent_render(void)
{
	const char *src = "{{#items}}<{{name}}:{{n}}>{{/items}}{{^none}}.{{/none}}";
	morgue_value *ctx = yaml("items: [{name: a, n: 1}, {name: b, n: 2.5}]");
	morgue_template *t = NULL;
	CHECK_INT(morgue_template_compile(&t, "mt", src, strlen(src)), 0);
	job j[2] = { { t, ctx, NULL }, { t, ctx, NULL } };
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		CHECK_INT(pthread_create(&th[i], NULL, render_job, &j[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		CHECK_STR(j[i].out, "<a:1><b:2.5>.");
		free(j[i].out);
	}
	morgue_template_free(t);
	morgue_value_free(ctx);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Which names a template's tags read: variables, sections, dotted
 * parts, dynamic partials; not text, comments or static partials. */
static void reads_names(void)
{
	static const char src[] = "words in text {{! words }}{{#a}}{{b.count}}{{/a}}"
				  "{{^c}}x{{/c}}{{{raw}}}{{&amp}}{{>static}}{{>*dyn}}"
				  "{{=<% %>=}}<%late%>";
	morgue_template *t = NULL;
	CHECK_INT(morgue_template_compile(&t, "t", src, sizeof(src) - 1), 0);
	if (!t)
		return;
	static const char *const yes[] = { "a", "b", "count", "c", "raw", "amp", "dyn", "late" };
	static const char *const no[] = { "words", "text", "x", "static", "in" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		CHECK(morgue_template_reads(t, yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		CHECK(!morgue_template_reads(t, no[i]));
	morgue_template_free(t);
}

/* A big template over a big list: must work, time is printed only. */
static void large_template(void)
{
	morgue_buf src = MORGUE_BUF_INIT, out = MORGUE_BUF_INIT;
	for (int i = 0; i < 2000; i++)
		morgue_buf_printf(&src, "<p class=\"%d\">{{title}} &amp; {{{html}}}</p>\n"
					"{{#tags}}\n  <a>{{.}}</a>\n{{/tags}}\n{{^tags}}none{{/tags}}\n", i);
	morgue_value *ctx = morgue_value_map();
	morgue_value *list = morgue_value_set_list(ctx, "items");
	for (int i = 0; i < 200; i++) {
		morgue_value *m = morgue_value_push_map(list);
		morgue_value_set_str(m, "title", "T<>");
		morgue_value_set_str(m, "html", "<b>x</b>");
		morgue_value *tags = morgue_value_set_list(m, "tags");
		morgue_value_push(tags, morgue_value_string("a"));
		morgue_value_push(tags, morgue_value_string("b"));
	}
	morgue_buf whole = MORGUE_BUF_INIT;
	morgue_buf_printf(&whole, "{{#items}}\n%s{{/items}}\n", morgue_buf_cstr(&src));
	morgue_template *t = NULL;
	double t0 = now();
	CHECK_INT(morgue_template_compile(&t, "big", whole.ptr, whole.size), 0);
	double t1 = now();
	CHECK_INT(morgue_template_render(&out, t, ctx, NULL, NULL), 0);
	double t2 = now();
	/* per item per block: <p ...>T&lt;&gt; &amp; <b>x</b></p>\n + 2 tags */
	CHECK(out.size > 200u * 2000u * 40u);
	CHECK(strstr(out.ptr, "<p class=\"1999\">T&lt;&gt; &amp; <b>x</b></p>\n  <a>a</a>\n  <a>b</a>\n") != NULL);
	CHECK(strstr(out.ptr, "none") == NULL);
	printf("  # %zu-byte template compiled in %.1f ms; rendered %zu bytes in %.1f ms\n",
	       whole.size, (t1 - t0) * 1e3, out.size, (t2 - t1) * 1e3);
	morgue_template_free(t);
	morgue_value_free(ctx);
	morgue_buf_free(&src);
	morgue_buf_free(&whole);
	morgue_buf_free(&out);
}

int main(void)
{
	spec_suite();
	RUN(error_unclosed_section);
	RUN(error_mismatched_close);
	RUN(error_bad_delimiter);
	RUN(error_bad_tags);
	RUN(error_nesting_limit);
	RUN(escaping);
	RUN(numbers);
	RUN(context_stack);
	RUN(list_index);
	RUN(not_nul_terminated);
	RUN(recursion_guard);
	RUN(theme_inheritance);
	RUN(missing_partial_and_dynamic);
	RUN(delimiters_and_indentation);
	RUN(concurrent_render);
	RUN(large_template);
	RUN(reads_names);
	TEST_EXIT();
}
