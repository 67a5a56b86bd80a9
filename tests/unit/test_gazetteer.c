/*
 * test_gazetteer.c - folding and the Aho-Corasick automaton (gazetteer.h).
 */
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "gazetteer.h"
#include "test.h"
#include "util/buf.h"

static char *fold(const char *s)
{
	morgue_buf b = MORGUE_BUF_INIT;
	morgue_fold(&b, NULL, NULL, s, strlen(s));
	return morgue_buf_detach(&b);
}

#define FOLD(in, want)                                                         \
	do {                                                                   \
		char *f_ = fold(in);                                           \
		CHECK_STR(f_, want);                                           \
		free(f_);                                                      \
	} while (0)

static void folding(void)
{
	FOLD("Lavrov’s", "lavrov's");
	FOLD("U.S. and D.C.", "us and dc");
	FOLD("H. R. McMaster", "h r mcmaster");
	FOLD("Russia. Then", "russia. then");
	FOLD("Zürich  Ça\n\tva", "zurich ca va");
	FOLD("Russia–Syria — “x”", "russia-syria - \"x\"");
	FOLD("Hawaiʻi", "hawaii");
	FOLD("ＦＵＬＬ", "full");
	FOLD("bad \xff byte", "bad \xff byte");
}

static void fold_maps(void)
{
	morgue_buf b = MORGUE_BUF_INIT;
	size_t *ms = NULL, *me = NULL;
	const char *s = "Zü U.S.";
	morgue_fold(&b, &ms, &me, s, strlen(s));
	CHECK_STR(b.ptr, "zu us");
	CHECK_INT(ms[1], 1);
	CHECK_INT(me[1], 3); /* ü is two bytes */
	CHECK_INT(ms[3], 4);
	CHECK_INT(ms[4], 6);
	free(ms);
	free(me);
	morgue_buf_free(&b);
}

static void scan_finds_overlapping_keys(void)
{
	static char *tal[] = { "Trump" };
	morgue_entity e1 = { .slug = "donald-trump", .name = "Donald Trump",
			     .type = MORGUE_ENTITY_PERSON, .aliases = tal, .naliases = 1 };
	morgue_entity e2 = { .slug = "trump-tower", .name = "Trump Tower", .type = MORGUE_ENTITY_PLACE };
	const morgue_entity *es[] = { &e1, &e2 };
	morgue_gazetteer *g = NULL;
	CHECK(morgue_gazetteer_new(&g, es, 2) == 0);
	morgue_gazetteer_hit *h = NULL;
	size_t n = 0, cap = 0;
	const char *t = "Donald Trump at TRUMP TOWER";
	morgue_gazetteer_scan(g, t, strlen(t), &h, &n, &cap);
	CHECK_INT(n, 4); /* Donald Trump, Trump, Trump, Trump Tower */
	int tower = 0;
	for (size_t i = 0; i < n; i++)
		if (h[i].start == 16 && h[i].end == 27)
			tower = 1;
	CHECK(tower);
	size_t na;
	const morgue_gazetteer_alias *al = morgue_gazetteer_aliases(g, h[0].key, &na);
	CHECK_INT(na, 1);
	CHECK_INT(al[0].full, 1);
	CHECK_INT(morgue_gazetteer_find(g, "trump-tower"), 1);
	CHECK_INT(morgue_gazetteer_find(g, "nobody"), -1);
	CHECK_INT(morgue_gazetteer_ambiguous(g, NULL, NULL), 0);
	free(h);
	morgue_gazetteer_free(g);
}

static size_t calls;
static void on_ambiguous(const char *alias, const char *const *slugs, size_t n, void *p)
{
	(void)p;
	calls++;
	CHECK_STR(alias, "Stone");
	CHECK_INT(n, 2);
	CHECK_STR(slugs[1], "oliver-stone");
}

static void ambiguous_aliases(void)
{
	static char *st[] = { "Stone" };
	morgue_entity e1 = { .slug = "jessica-stone", .name = "Jessica Stone",
			     .type = MORGUE_ENTITY_PERSON, .aliases = st, .naliases = 1 };
	morgue_entity e2 = { .slug = "oliver-stone", .name = "Oliver Stone",
			     .type = MORGUE_ENTITY_PERSON, .aliases = st, .naliases = 1 };
	const morgue_entity *es[] = { &e1, &e2 };
	morgue_gazetteer *g = NULL;
	morgue_gazetteer_new(&g, es, 2);
	calls = 0;
	CHECK_INT(morgue_gazetteer_ambiguous(g, on_ambiguous, NULL), 1);
	CHECK_INT(calls, 1);
	morgue_gazetteer_free(g);
}

static void empty_registry(void)
{
	morgue_gazetteer *g = NULL;
	CHECK(morgue_gazetteer_new(&g, NULL, 0) == 0);
	morgue_gazetteer_hit *h = NULL;
	size_t n = 0, cap = 0;
	morgue_gazetteer_scan(g, "text", 4, &h, &n, &cap);
	CHECK_INT(n, 0);
	CHECK_INT(morgue_gazetteer_find(g, "x"), -1);
	morgue_gazetteer_free(g);
}

int main(void)
{
	RUN(folding);
	RUN(fold_maps);
	RUN(scan_finds_overlapping_keys);
	RUN(ambiguous_aliases);
	RUN(empty_registry);
	TEST_EXIT();
}
