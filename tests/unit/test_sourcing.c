/*
 * test_sourcing.c - attributions through the real pipeline: markdown.h
 * finds them in the rendered plain text with the linker's mentions and the
 * sample annotation files, and marks them in the HTML. Cases: marking
 * (data-source, ids, nesting across emphasis, links and paragraphs, never
 * in code), stand-off add/correct/suppress, and the gold evaluation of the
 * four sample articles against tests/gold/attributions.tsv (precision and
 * recall must be >= 0.85 each; printed in `make check`).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "article.h"
#include "gazetteer.h"
#include "markdown.h"
#include "corpus.h"
#include "test.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

static morgue_gazetteer *reg(void)
{
	static char *lav[] = { "Lavrov" };
	morgue_entity e1 = { .slug = "sergey-lavrov", .name = "Sergey Lavrov",
			     .type = MORGUE_ENTITY_PERSON, .aliases = lav, .naliases = 1 };
	morgue_entity e2 = { .slug = "russia", .name = "Russia", .type = MORGUE_ENTITY_PLACE };
	morgue_entity e3 = { .slug = "new-york-times", .name = "The New York Times",
			     .type = MORGUE_ENTITY_PUBLICATION };
	morgue_entity e4 = { .slug = "white-house", .name = "White House",
			     .type = MORGUE_ENTITY_ORGANIZATION };
	const morgue_entity *es[] = { &e1, &e2, &e3, &e4 };
	morgue_gazetteer *g = NULL;
	morgue_gazetteer_new(&g, es, 4);
	return g;
}

static int warnings;
static void quiet(const char *file, int line, const char *msg, void *payload)
{
	(void)file, (void)line, (void)msg, (void)payload;
	warnings++;
}

static morgue_doc *render(const char *md, const char *yaml)
{
	morgue_gazetteer *g = reg();
	morgue_markdown_opts o = { .gazetteer = g, .root = "../../", .file = "t.md",
				   .first_line = 1, .annotations = yaml,
				   .annotations_len = yaml ? strlen(yaml) : 0,
				   .annotations_file = "t.yaml" };
	morgue_doc *d = NULL;
	if (morgue_markdown_render(&d, md, strlen(md), &o) < 0)
		d = NULL;
	morgue_gazetteer_free(g);
	return d;
}

#define SPAN(slug, kind) "<span class=\"attributed\" data-source=\"" slug "\" data-kind=\"" kind "\""

static void quote_marked(void)
{
	morgue_doc *d = render("“We will respond,” Sergey Lavrov said on Tuesday.\n", NULL);
	CHECK(d);
	if (!d)
		return;
	CHECK_INT(d->nattributions, 1);
	CHECK_CONTAINS(d->html, "<p>“" SPAN("sergey-lavrov", "person") " id=\"src-1\">We will "
				"respond,</span>” <a class=\"mention\"");
	morgue_doc_free(d);
}

static void anonymous_and_soft_breaks(void)
{
	/* the soft break inside the sentence must not end it */
	morgue_doc *d = render("According to one current and one former US\nofficial, the "
			       "meeting was *secret* and [short](https://example.org/x).\n",
			       NULL);
	CHECK(d);
	if (!d)
		return;
	CHECK_INT(d->nattributions, 1);
	if (d->nattributions) {
		CHECK(d->attributions[0].source == NULL);
		CHECK_INT(d->attributions[0].count, 2);
	}
	/* one element: the emphasis and the link are inside it */
	CHECK_CONTAINS(d->html, SPAN("anonymous", "anonymous") " id=\"src-1\">the meeting was "
				"<em>secret</em> and <a href=\"https://example.org/x\">short</a></span>.");
	morgue_doc_free(d);
}

static void split_at_inline_edges(void)
{
	/* the span starts inside emphasis: two elements, the second without id */
	morgue_doc *d = render("*Sergey Lavrov said that the* talks failed.\n", NULL);
	CHECK(d);
	if (!d)
		return;
	CHECK_INT(d->nattributions, 1);
	CHECK_CONTAINS(d->html, "<em>" "<a class=\"mention\" data-entity=\"sergey-lavrov\" "
				"href=\"../../entities/sergey-lavrov.html\">Sergey Lavrov</a> said "
				"that " SPAN("sergey-lavrov", "person") " id=\"src-1\">the</span></em>"
				SPAN("sergey-lavrov", "person") "> talks failed</span>.");
	morgue_doc_free(d);
}

static void quote_over_paragraphs(void)
{
	morgue_doc *d = render("Sergey Lavrov said:\n\n> “There was no such conversation.\n>\n"
			       "> We discussed Syria.”\n\nThe end.\n", NULL);
	CHECK(d);
	if (!d)
		return;
	CHECK_INT(d->nattributions, 1);
	CHECK_CONTAINS(d->html, SPAN("sergey-lavrov", "person") " id=\"src-1\">There was no such");
	CHECK_CONTAINS(d->html, "<p>" SPAN("sergey-lavrov", "person") ">We discussed Syria.</span>");
	morgue_doc_free(d);
}

static void never_in_code(void)
{
	morgue_doc *d = render("Sergey Lavrov said that `the code` was fine.\n\n"
			       "    Sergey Lavrov said that nothing happened.\n", NULL);
	CHECK(d);
	if (!d)
		return;
	CHECK_INT(d->nattributions, 1);
	CHECK_CONTAINS(d->html, SPAN("sergey-lavrov", "person") " id=\"src-1\"><code>the code</code> "
				"was fine</span>");
	CHECK_NOT_CONTAINS(d->html, "<code>" "<span");
	CHECK_CONTAINS(d->html, "<pre><code>Sergey Lavrov said that nothing happened.\n</code></pre>");
	morgue_doc_free(d);
}

static void raw_html_left_outside(void)
{
	morgue_gazetteer *g = reg();
	const char *md = "Sergey Lavrov said that the <b>talks</b> failed.\n";
	morgue_markdown_opts o = { .gazetteer = g, .root = "", .unsafe_html = 1 };
	morgue_doc *d = NULL;
	CHECK(morgue_markdown_render(&d, md, strlen(md), &o) == 0);
	if (d)
		CHECK_CONTAINS(d->html, SPAN("sergey-lavrov", "person") " id=\"src-1\">the </span><b>"
					SPAN("sergey-lavrov", "person") ">talks</span></b>"
					SPAN("sergey-lavrov", "person") "> failed</span>.");
	morgue_doc_free(d);
	morgue_gazetteer_free(g);
}

static void headline_lines(void)
{
	/* three lines that all start with a capital: a list of headlines,
	 * each with its credit; two lines are wrapped prose */
	morgue_doc *d = render("Talks Failed in Geneva -- The New York Times\n"
			       "Lavrov Leaves Early -- The New York Times\n"
			       "Nothing Else Happened\n", NULL);
	CHECK(d);
	if (d) {
		CHECK_INT(d->nattributions, 2);
		CHECK_CONTAINS(d->html, SPAN("new-york-times", "publication") " id=\"src-2\">Lavrov "
					"Leaves Early</span> -- ");
	}
	morgue_doc_free(d);
	d = render("Talks Failed -- The New York Times\nLavrov Leaves Early -- The New York Times\n",
		   NULL);
	CHECK(d && d->nattributions <= 1);
	morgue_doc_free(d);
}

static void standoff(void)
{
	const char *md = "Sergey Lavrov said that the talks failed. The sky was blue, "
			 "a diplomat said.\n\nThe White House was silent.\n";
	morgue_doc *d = render(md, NULL);
	CHECK(d);
	size_t before = d ? d->nattributions : 0;
	morgue_doc_free(d);
	CHECK(before >= 1);
	warnings = 0;
	morgue_warn_set_handler(quiet, NULL);
	d = render(md, "attributions:\n"
		       "  - source: sergey-lavrov\n    suppress: true\n    exact: the talks failed\n"
		       "  - source: white-house\n    exact: was silent\n    cue: was silent\n"
		       "  - source: anonymous\n    kind: anonymous\n    description: a diplomat\n"
		       "    exact: The sky was blue\n"
		       "  - source: anonymous\n    exact: not in the text\n");
	morgue_warn_set_handler(NULL, NULL);
	CHECK(d);
	CHECK_INT(warnings, 1);
	if (!d)
		return;
	CHECK_INT(d->nattributions, 2);
	if (d->nattributions == 2) {
		CHECK(d->attributions[0].source == NULL);
		CHECK_STR(d->attributions[0].source_text, "a diplomat");
		CHECK(d->attributions[0].standoff);
		CHECK_STR(d->attributions[1].source, "white-house");
		CHECK_STR(morgue_source_kind_name(d->attributions[1].kind), "organization");
		CHECK_STR(d->attributions[1].cue, "was silent");
		CHECK_STR(d->attributions[1].source_text, "White House");
	}
	CHECK_NOT_CONTAINS(d->html, "data-source=\"sergey-lavrov\"");
	CHECK_CONTAINS(d->html, SPAN("white-house", "organization") " id=\"src-2\">was silent</span>");
	morgue_doc_free(d);
	/* errors: unknown entity, bad kind, missing source */
	morgue_gazetteer *g = reg();
	const char *bad[] = {
		"attributions:\n  - source: nobody\n    exact: the talks\n",
		"attributions:\n  - source: sergey-lavrov\n    kind: rumour\n    exact: the talks\n",
		"attributions:\n  - exact: the talks\n",
		"attributions: 3\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		morgue_markdown_opts o = { .gazetteer = g, .root = "", .file = "t.md",
					   .annotations = bad[i], .annotations_len = strlen(bad[i]),
					   .annotations_file = "t.yaml" };
		CHECK(morgue_markdown_render(&d, md, strlen(md), &o) == MORGUE_EINPUT);
		const morgue_error *e = morgue_error_last();
		CHECK(e && !strcmp(e->file, "t.yaml"));
		morgue_error_clear();
	}
	morgue_gazetteer_free(g);
}

static void opt_out(void)
{
	morgue_gazetteer *g = reg();
	const char *md = "Sergey Lavrov said that the talks failed.\n";
	morgue_markdown_opts o = { .gazetteer = g, .root = "", .no_attributions = 1 };
	morgue_doc *d = NULL;
	CHECK(morgue_markdown_render(&d, md, strlen(md), &o) == 0);
	CHECK(d && d->nattributions == 0 && !strstr(d->html, "data-source"));
	morgue_doc_free(d);
	morgue_gazetteer_free(g);
}

/* --- the gold evaluation on the sample archive --- */

typedef struct grow {
	char *article, *source, *kind, *cue, *span;
	int matched;
} grow;

static void gold_attributions(void)
{
	corpus c = { 0 };
	morgue_buf gold = MORGUE_BUF_INIT;
	grow *rows = NULL;
	size_t nrows = 0, cap = 0, npred = 0, tp = 0, kind_ok = 0, marked = 0;
	if (!morgue_fs_is_dir("content/entities") ||
	    morgue_fs_read(&gold, "tests/gold/attributions.tsv") < 0)
		SKIP("run from the source tree");
	char *line = gold.ptr, *nl;
	for (int header = 1; line && *line; line = nl ? nl + 1 : NULL, header = 0) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		char *f[5];
		int nf = 0;
		for (char *p = line; p && nf < 5; nf++) {
			f[nf] = p;
			if ((p = strchr(p, '\t')))
				*p++ = 0;
		}
		if (header || nf < 5)
			continue;
		MORGUE_ARRAY_RESERVE(rows, cap, nrows + 1);
		rows[nrows++] = (grow){ f[0], f[1], f[2], f[3], f[4], 0 };
	}
	CHECK(nrows >= 50);
	walk_dir(&c, "content/entities", "", 1);
	walk_dir(&c, "content/articles", "", 0);
	CHECK_INT(c.narts, 4);
	morgue_gazetteer *g = NULL;
	morgue_gazetteer_new(&g, (const morgue_entity *const *)c.ents, c.nents);
	warnings = 0;
	morgue_warn_set_handler(quiet, NULL);
	for (size_t ai = 0; ai < c.narts; ai++) {
		morgue_article *a = c.arts[ai];
		morgue_buf path = MORGUE_BUF_INIT, yaml = MORGUE_BUF_INIT;
		morgue_buf_printf(&path, "content/annotations/%s.yaml", a->id);
		int has = morgue_fs_read(&yaml, path.ptr) == 0;
		morgue_markdown_opts o = { .gazetteer = g, .root = "../../", .file = a->file,
					   .first_line = a->body_line,
					   .annotations = has ? morgue_buf_cstr(&yaml) : NULL,
					   .annotations_len = yaml.size,
					   .annotations_file = path.ptr };
		morgue_doc *d = NULL;
		CHECK(morgue_markdown_render(&d, a->body, a->body_len, &o) == 0);
		morgue_buf_free(&path);
		morgue_buf_free(&yaml);
		if (!d)
			continue;
		npred += d->nattributions;
		char *used = morgue_calloc(d->nattributions + 1, 1);
		for (size_t r = 0; r < nrows; r++) {
			if (strcmp(rows[r].article, a->id))
				continue;
			const char *at = strstr(d->text, rows[r].span);
			if (!at) {
				printf("  gold span not in text: %s\n", rows[r].span);
				continue;
			}
			size_t go = (size_t)(at - d->text), ge = go + strlen(rows[r].span);
			for (size_t i = 0; i < d->nattributions; i++) {
				const morgue_attribution *x = &d->attributions[i];
				if (used[i] || strcmp(x->source ? x->source : "anonymous", rows[r].source))
					continue;
				if (x->offset < ge && go < x->offset + x->length) {
					used[i] = 1;
					rows[r].matched = 1;
					tp++;
					kind_ok += !strcmp(morgue_source_kind_name(x->kind), rows[r].kind);
					break;
				}
			}
			if (!rows[r].matched)
				printf("  missed  %s\t%s\t%s\t%.50s\n", a->id, rows[r].source,
				       rows[r].cue, rows[r].span);
		}
		for (size_t i = 0; i < d->nattributions; i++) {
			const morgue_attribution *x = &d->attributions[i];
			if (!used[i])
				printf("  extra   %s\t%s\t%s\t%s\t%.50s\n", a->id,
				       x->source ? x->source : "anonymous",
				       morgue_source_kind_name(x->kind), x->cue, d->text + x->offset);
		}
		/* every attribution is marked once with its id */
		for (size_t i = 0; i < d->nattributions; i++) {
			char id[32];
			snprintf(id, sizeof(id), "id=\"src-%zu\"", i + 1);
			marked += strstr(d->html, id) != NULL;
		}
		free(used);
		morgue_doc_free(d);
	}
	morgue_warn_set_handler(NULL, NULL);
	double p = npred ? (double)tp / (double)npred : 0, rc = nrows ? (double)tp / (double)nrows : 0;
	printf("  attributions, real pipeline (linker mentions, annotation files): %zu gold, "
	       "%zu found, %zu matched; precision %.3f recall %.3f; kind agrees on %zu\n",
	       nrows, npred, tp, p, rc, kind_ok);
	CHECK(p >= 0.85);
	CHECK(rc >= 0.85);
	CHECK_INT(marked, npred);
	CHECK_INT(warnings, 0);
	morgue_gazetteer_free(g);
	corpus_free(&c);
	free(rows);
	morgue_buf_free(&gold);
}

int main(void)
{
	RUN(quote_marked);
	RUN(anonymous_and_soft_breaks);
	RUN(split_at_inline_edges);
	RUN(quote_over_paragraphs);
	RUN(never_in_code);
	RUN(raw_html_left_outside);
	RUN(headline_lines);
	RUN(standoff);
	RUN(opt_out);
	RUN(gold_attributions);
	TEST_EXIT();
}
