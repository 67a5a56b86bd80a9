/*
 * test_propose.c - what `morgue annotate` proposes (propose.h): candidate
 * entities, unsure mentions, attributions to review, anchors and
 * annotation-file entries.
 */
#include <stdlib.h>
#include <string.h>

#include "anchor.h"
#include "annotate.h"
#include "article.h"
#include "frontmatter.h"
#include "gazetteer.h"
#include "markdown.h"
#include "propose.h"
#include "test.h"
#include "util/buf.h"
#include "util/error.h"
#include "value.h"

static const char *const entity_files[] = {
	"people/ada-lovelace.md",
	"---\nname: Ada Lovelace\ntype: person\naliases: [Lovelace, Augusta Ada King]\n---\n",
	"people/george-byron.md",
	"---\nname: George Byron\ntype: person\naliases: [Lord Byron, Byron]\n---\n",
	"places/georgia.md", "---\nname: Georgia\ntype: place\naliases: [Georgia]\n---\n",
	"people/georgia-x.md", "---\nname: Georgia Smith\ntype: person\naliases: [Georgia]\n---\n",
	NULL,
};

typedef struct fixture {
	morgue_entity *e[8];
	size_t n;
	morgue_gazetteer *g;
	morgue_proposer *p;
} fixture;

static void setup(fixture *f)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; entity_files[i]; i += 2) {
		const char *d = entity_files[i + 1];
		if (morgue_entity_parse(&f->e[f->n], entity_files[i], entity_files[i], d,
					strlen(d)) == 0)
			f->n++;
	}
	morgue_gazetteer_new(&f->g, (const morgue_entity *const *)f->e, f->n);
	morgue_proposer_new(&f->p, f->g);
}

static void teardown(fixture *f)
{
	morgue_proposer_free(f->p);
	morgue_gazetteer_free(f->g);
	for (size_t i = 0; i < f->n; i++)
		morgue_entity_free(f->e[i]);
}

/* Render md like the build and feed it. */
static void feed(fixture *f, const char *name, const char *md, const char *yaml, int selected)
{
	morgue_doc *doc = NULL;
	morgue_markdown_opts mo = { .gazetteer = f->g, .root = "../", .file = name,
				    .first_line = 1, .no_attributions = 1 };
	CHECK(morgue_markdown_render(&doc, md, strlen(md), &mo) == 0);
	if (!doc)
		return;
	CHECK(morgue_proposer_add(f->p, name, doc->text, doc->text_len, doc->mentions,
				  doc->nmentions, yaml, yaml ? strlen(yaml) : 0, selected) == 0);
	morgue_doc_free(doc);
}

static const morgue_candidate *find_cand(morgue_proposer *p, const char *name)
{
	size_t n;
	const morgue_candidate *c = morgue_proposer_candidates(p, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].name, name))
			return &c[i];
	return NULL;
}

static void quiet(const char *file, int line, const char *msg, void *payload) {}

static void candidates(void)
{
	fixture f;
	setup(&f);
	feed(&f, "2020/a",
	     "Ada Lovelace met Charles Babbage in London. The engine was new.\n\n"
	     "Later Charles Babbage wrote to President Emmanuel Macron about the engine.",
	     NULL, 1);
	feed(&f, "2020/b", "In London, Charles Babbage's engine impressed the Royal Society. "
	     "Then Babbage smiled.",
	     NULL, 1);
	const morgue_candidate *c = find_cand(f.p, "Charles Babbage");
	CHECK(c != NULL);
	if (c) {
		CHECK_INT(c->count, 3);
		CHECK_INT(c->narticles, 2);
		CHECK_STR(c->articles[0], "2020/a");
		CHECK_STR(c->articles[1], "2020/b");
		CHECK_STR(c->type, "person");
	}
	c = find_cand(f.p, "London");
	CHECK(c && c->count == 2 && !strcmp(c->type, "place"));
	/* the title goes, the name stays */
	CHECK(find_cand(f.p, "Emmanuel Macron") != NULL);
	CHECK(find_cand(f.p, "President Emmanuel Macron") == NULL);
	CHECK(find_cand(f.p, "Royal Society") != NULL);
	/* sentence-initial common words are not names */
	CHECK(find_cand(f.p, "The") == NULL);
	CHECK(find_cand(f.p, "Later Charles Babbage") == NULL);
	CHECK(find_cand(f.p, "In London") == NULL);
	/* a proposed person's surname alone is not another entity */
	CHECK(find_cand(f.p, "Babbage") == NULL);
	/* the most frequent first */
	size_t n;
	const morgue_candidate *all = morgue_proposer_candidates(f.p, &n);
	CHECK(n >= 3 && !strcmp(all[0].name, "Charles Babbage"));
	teardown(&f);
}

static void never_registered(void)
{
	fixture f;
	setup(&f);
	feed(&f, "x",
	     "Lord Byron wrote. Byron's daughter, Augusta Ada King, was Ada Lovelace. Lovelace "
	     "and LORD BYRON and George Byron.",
	     NULL, 1);
	size_t n;
	const morgue_candidate *c = morgue_proposer_candidates(f.p, &n);
	for (size_t i = 0; i < n; i++) {
		CHECK(strstr(c[i].key, "byron") == NULL);
		CHECK(strstr(c[i].key, "lovelace") == NULL);
		CHECK(strstr(c[i].key, "augusta") == NULL);
	}
	CHECK_INT(n, 0);
	teardown(&f);
}

static void longer_names(void)
{
	fixture f;
	setup(&f);
	/* a registered lone surname can be part of an unregistered name; a
	 * compound with a registered name is not a new entity */
	feed(&f, "x", "Yesterday Anna Byron spoke. The Lovelace-Byron letters, said Anna Byron, "
		      "and the Bank of England and Smith & Partners.", NULL, 1);
	const morgue_candidate *c = find_cand(f.p, "Anna Byron");
	CHECK(c && c->count == 2 && !strcmp(c->type, "person"));
	c = find_cand(f.p, "Bank of England");
	CHECK(c && !strcmp(c->type, "organization"));
	c = find_cand(f.p, "Smith & Partners");
	CHECK(c && !strcmp(c->type, "organization"));
	size_t n;
	c = morgue_proposer_candidates(f.p, &n);
	for (size_t i = 0; i < n; i++)
		CHECK(strstr(c[i].key, "lovelace") == NULL);
	CHECK_INT(n, 3);
	teardown(&f);
}

static void stable_order(void)
{
	const char *a = "Zed Quux met Alice Quinn. Alice Quinn met Bob Yarrow and Zed Quux.";
	const char *b = "Bob Yarrow met Carol Xu. Carol Xu, Bob Yarrow.";
	morgue_buf j1 = MORGUE_BUF_INIT, j2 = MORGUE_BUF_INIT;
	fixture f;

	setup(&f);
	feed(&f, "2020/a", a, NULL, 1);
	feed(&f, "2020/b", b, NULL, 1);
	morgue_proposer_json(&j1, f.p);
	size_t n;
	const morgue_candidate *c = morgue_proposer_candidates(f.p, &n);
	CHECK_INT(n, 4);
	if (n == 4) {
		/* by count, then by name */
		CHECK_STR(c[0].name, "Bob Yarrow");
		CHECK_STR(c[1].name, "Alice Quinn");
		CHECK_STR(c[2].name, "Carol Xu");
		CHECK_STR(c[3].name, "Zed Quux");
	}
	teardown(&f);
	setup(&f);
	feed(&f, "2020/b", b, NULL, 1);
	feed(&f, "2020/a", a, NULL, 1);
	morgue_proposer_json(&j2, f.p);
	CHECK_STR(j1.ptr, j2.ptr);
	teardown(&f);
	morgue_buf_free(&j1);
	morgue_buf_free(&j2);
}

static void unsure(void)
{
	fixture f;
	setup(&f);
	morgue_warn_set_handler(quiet, NULL);
	feed(&f, "2020/u",
	     "Byron came first. Then George Byron arrived and Byron sat.\n\n"
	     "Georgia was there.",
	     "mentions:\n  - entity: ada-lovelace\n    exact: \"Nobody here\"\n", 1);
	feed(&f, "2020/other", "Byron alone.", NULL, 0);
	size_t n;
	const morgue_unsure *u = morgue_proposer_unsure(f.p, &n);
	CHECK_INT(n, 3);
	if (n == 3) {
		/* by offset, then kind */
		CHECK_INT(u[0].kind, MORGUE_UNSURE_UNANCHORED);
		CHECK_STR(u[0].surface, "Byron");
		CHECK_INT(u[0].offset, 0);
		CHECK_INT(u[0].occurrence, 1);
		CHECK_STR(u[0].slugs[0], "george-byron");
		CHECK_INT(u[1].kind, MORGUE_UNSURE_ORPHAN);
		CHECK_INT(u[1].line, 2);
		CHECK_STR(u[1].surface, "Nobody here");
		CHECK_INT(u[2].kind, MORGUE_UNSURE_AMBIGUOUS);
		CHECK_STR(u[2].surface, "Georgia");
		CHECK_INT(u[2].nslugs, 2);
	}
	morgue_buf t = MORGUE_BUF_INIT;
	morgue_proposer_text(&t, f.p);
	CHECK_CONTAINS(t.ptr, "--accept 'mention:2020/u:Byron:george-byron'");
	CHECK_NOT_CONTAINS(t.ptr, "2020/other");
	morgue_buf_free(&t);
	morgue_warn_set_handler(NULL, NULL);
	teardown(&f);
}

static void anchors(void)
{
	const char *t = "the cat sat. The cat ran. the cat sat again.";
	size_t len = strlen(t);
	morgue_buf pre = MORGUE_BUF_INIT, suf = MORGUE_BUF_INIT;
	long off = morgue_propose_nth(t, len, "cat", 3);
	CHECK_INT(off, 30);
	CHECK_INT(morgue_propose_nth(t, len, "cat", 4), -1);
	CHECK(morgue_propose_anchor(&pre, &suf, t, len, 30, 33) == 0);
	size_t s = 0, e = 0;
	CHECK_INT(morgue_anchor_find(&s, &e, t, len, "cat", pre.ptr, suf.ptr), 1);
	CHECK_INT(s, 30);
	CHECK_INT(e, 33);
	morgue_buf_free(&pre);
	morgue_buf_free(&suf);
}

static int count_mentions(const char *yaml)
{
	morgue_value *v = NULL;
	if (morgue_yaml_parse(&v, "t", 1, yaml, strlen(yaml)) < 0)
		return -1;
	int n = (int)morgue_value_count(morgue_value_get(v, "mentions"));
	morgue_value_free(v);
	return n;
}

static void annotation_files(void)
{
	morgue_buf out = MORGUE_BUF_INIT;
	CHECK_INT(morgue_propose_annotation_add(&out, NULL, 0, "t", "ada", "Ada \"A\"", "x",
						NULL, 0), 1);
	CHECK_INT(count_mentions(out.ptr), 1);
	CHECK_CONTAINS(out.ptr, "exact: \"Ada \\\"A\\\"\"");

	const char *old = "# keep me\nmentions:\n- entity: b\n  exact: B\n\n# tail\n"
			  "attributions:\n  - source: b\n    exact: said\n";
	morgue_buf_clear(&out);
	CHECK_INT(morgue_propose_annotation_add(&out, old, strlen(old), "t", "ada", "Ada", NULL,
						"ran", 1), 1);
	CHECK_INT(count_mentions(out.ptr), 2);
	CHECK_CONTAINS(out.ptr, "# keep me\n");
	CHECK_CONTAINS(out.ptr, "- entity: ada\n  exact: \"Ada\"\n  suffix: \"ran\"\n"
				"  suppress: true\n");
	CHECK_CONTAINS(out.ptr, "attributions:\n  - source: b\n");

	/* the same entry again: unchanged */
	morgue_buf again = MORGUE_BUF_INIT;
	CHECK_INT(morgue_propose_annotation_add(&again, out.ptr, out.size, "t", "ada", "Ada",
						NULL, "ran", 1), 0);
	CHECK_STR(again.ptr, out.ptr);
	morgue_buf_free(&again);

	const char *flow = "mentions: [{entity: b, exact: B}]\n";
	morgue_buf_clear(&out);
	CHECK(morgue_propose_annotation_add(&out, flow, strlen(flow), "t", "ada", "Ada", NULL,
					    NULL, 0) == MORGUE_EINPUT);
	morgue_error_clear();
	morgue_buf_free(&out);

	morgue_buf name = MORGUE_BUF_INIT;
	morgue_propose_article_name(&name, "articles/2017/x.md");
	CHECK_STR(name.ptr, "2017/x");
	morgue_buf_free(&name);
}

/* Render md with attributions and feed both parts. */
static void feed_attr(fixture *f, const char *name, const char *md, const char *yaml,
		      int selected)
{
	morgue_doc *doc = NULL;
	morgue_markdown_opts mo = { .gazetteer = f->g, .root = "../", .file = name,
				    .first_line = 1, .annotations = yaml,
				    .annotations_len = yaml ? strlen(yaml) : 0,
				    .annotations_file = "a.yaml" };
	CHECK(morgue_markdown_render(&doc, md, strlen(md), &mo) == 0);
	if (!doc)
		return;
	size_t y = yaml ? strlen(yaml) : 0;
	CHECK(morgue_proposer_add(f->p, name, doc->text, doc->text_len, doc->mentions,
				  doc->nmentions, yaml, y, selected) == 0);
	CHECK(morgue_proposer_add_attributions(f->p, name, doc->text, doc->text_len,
					       doc->attributions, doc->nattributions,
					       doc->mentions, doc->nmentions, yaml, y,
					       selected) == 0);
	morgue_doc_free(doc);
}

static void attributions(void)
{
	fixture f;
	setup(&f);
	feed_attr(&f, "2020/a",
		  "Ada Lovelace came to the mill. “The looms will change how every house in "
		  "the county makes its cloth,” a sign read. “Too short to count,” it said.\n\n"
		  "Ada Lovelace said: “We shall need many more cards for the engine than "
		  "anyone has yet punched.”\n\n"
		  "People familiar with the plan said the engine would come in the spring.\n\n"
		  "George Byron arrived. “The poets of this age have never seen a machine "
		  "like this one,” he said.\n",
		  NULL, 1);
	feed_attr(&f, "2020/b",
		  "People close to the mill said the weavers would strike before the winter.\n",
		  NULL, 0);
	size_t n;
	const morgue_attr_review *r = morgue_proposer_attributions(f.p, &n);
	CHECK_INT((int)n, 3);
	if (n == 3) {
		CHECK_INT(r[0].kind, MORGUE_REVIEW_UNATTRIBUTED);
		CHECK_STR(r[0].text, "The looms will change how every house in the county makes "
				     "its cloth");
		CHECK_STR(r[0].source, "ada-lovelace");
		CHECK_STR(r[0].article, "2020/a");
		CHECK_INT(r[1].kind, MORGUE_REVIEW_ANONYMOUS);
		CHECK_STR(r[1].source, "anonymous");
		CHECK_STR(r[1].cue, "said");
		CHECK_STR(r[1].text, "the engine would come in the spring");
		CHECK_INT(r[2].kind, MORGUE_REVIEW_PRONOUN);
		CHECK_STR(r[2].source, "george-byron");
		CHECK_STR(r[2].source_text, "he");
	}
	morgue_buf out = MORGUE_BUF_INIT;
	morgue_proposer_text(&out, f.p);
	CHECK_CONTAINS(out.ptr, "Attributions to review (3)");
	CHECK_CONTAINS(out.ptr, "--accept 'attribution:2020/a:The looms will change how every "
				"house in the county makes its cloth:ada-lovelace'");
	CHECK_CONTAINS(out.ptr, "--accept 'attribution:2020/a:the engine would come in the "
				"spring:anonymous:anonymous'");
	CHECK_CONTAINS(out.ptr, "--accept 'unattribute:2020/a:the engine would come in the "
				"spring'");
	morgue_buf_clear(&out);
	morgue_proposer_json(&out, f.p);
	CHECK_CONTAINS(out.ptr, "\"attributions\":[\n{\"kind\":\"unattributed\"");
	CHECK_CONTAINS(out.ptr, "\"kind\":\"pronoun\"");
	CHECK_CONTAINS(out.ptr, "\"reject\":\"unattribute:2020/a:the engine would come in the "
				"spring\"");
	morgue_buf_free(&out);
	teardown(&f);

	/* a dismissed quotation and a reviewed attribution are not proposed */
	setup(&f);
	feed_attr(&f, "2020/c",
		  "A sign read: “The looms will change how every house in the county makes "
		  "its cloth.” Nobody knew who wrote it.\n\n"
		  "People familiar with the plan said the engine would come in the spring.\n",
		  "attributions:\n"
		  "  - source: anonymous\n    exact: \"every house in the county\"\n"
		  "    suppress: true\n"
		  "  - source: ada-lovelace\n    exact: \"the engine would come in the spring\"\n",
		  1);
	r = morgue_proposer_attributions(f.p, &n);
	CHECK_INT((int)n, 0);
	teardown(&f);
}

/* The attribution of text applied from yaml: its source ("anonymous" for
 * none) and kind name, or "" when there is none at [s, e). */
static void applied(morgue_buf *out, const char *text, const char *yaml, size_t s, size_t e)
{
	morgue_attribution *a = NULL;
	size_t n = 0;
	CHECK(morgue_annotate_attributions(&a, &n, text, strlen(text), yaml, strlen(yaml), "t",
					   NULL) == 0);
	for (size_t i = 0; i < n; i++)
		if (a[i].offset == s && a[i].offset + a[i].length == e)
			morgue_buf_printf(out, "%s %s", a[i].source ? a[i].source : "anonymous",
					  morgue_source_kind_name(a[i].kind));
	if (!out->ptr)
		morgue_buf_puts(out, "");
	morgue_attributions_free(a, n);
}

static void attribution_files(void)
{
	const char *text = "He said the plan works. Later he said the plan works.";
	morgue_buf out = MORGUE_BUF_INIT, pre = MORGUE_BUF_INIT, suf = MORGUE_BUF_INIT;
	long off = morgue_propose_nth(text, strlen(text), "the plan works", 2);
	CHECK(off > 0);
	CHECK_INT(morgue_propose_anchor(&pre, &suf, text, strlen(text), (size_t)off,
					(size_t)off + 14), 0);
	const char *old = "# keep\nmentions:\n  - entity: b\n    exact: B\n";
	CHECK_INT(morgue_propose_attribution_add(&out, old, strlen(old), "t", "anonymous",
						 "document", "the plan works", pre.ptr, suf.ptr,
						 0), 1);
	CHECK_CONTAINS(out.ptr, "# keep\nmentions:\n  - entity: b\n    exact: B\n");
	CHECK_CONTAINS(out.ptr, "attributions:\n  - source: anonymous\n    kind: document\n"
				"    exact: \"the plan works\"\n");
	morgue_buf got = MORGUE_BUF_INIT;
	applied(&got, text, out.ptr, (size_t)off, (size_t)off + 14);
	CHECK_STR(got.ptr, "anonymous document");
	morgue_buf_clear(&got);
	applied(&got, text, out.ptr, 8, 22);
	CHECK_STR(got.ptr, "");

	/* the same again: unchanged; a suppress entry appended to the list */
	morgue_buf again = MORGUE_BUF_INIT;
	CHECK_INT(morgue_propose_attribution_add(&again, out.ptr, out.size, "t", "anonymous",
						 "document", "the plan works", pre.ptr, suf.ptr,
						 0), 0);
	CHECK_STR(again.ptr, out.ptr);
	morgue_buf_clear(&again);
	CHECK_INT(morgue_propose_attribution_add(&again, out.ptr, out.size, "t", "anonymous",
						 NULL, "the plan works", pre.ptr, suf.ptr, 1), 1);
	CHECK_CONTAINS(again.ptr, "    suppress: true\n");
	morgue_buf_clear(&got);
	applied(&got, text, again.ptr, (size_t)off, (size_t)off + 14);
	CHECK_STR(got.ptr, "");
	morgue_buf_free(&again);
	morgue_buf_free(&got);
	morgue_buf_free(&out);
	morgue_buf_free(&pre);
	morgue_buf_free(&suf);
}

int main(void)
{
	RUN(candidates);
	RUN(never_registered);
	RUN(longer_names);
	RUN(stable_order);
	RUN(unsure);
	RUN(anchors);
	RUN(annotation_files);
	RUN(attributions);
	RUN(attribution_files);
	TEST_EXIT();
}
