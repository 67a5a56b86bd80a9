/*
 * annotate-bench.c - throughput of rendering + automatic annotation against
 * synthetic registries (100 and 10,000 entities: the cost per byte should
 * not depend on the registry size). Not a test: prints numbers only.
 *
 *   make EXCLUDE="generator/build.c generator/theme.c generator/render.c" build/libmorgue.a
 *   cc -O2 -std=c17 -D_DEFAULT_SOURCE -Igenerator tests/bench/annotate-bench.c \
 *     build/libmorgue.a $(pkg-config --libs libcmark yaml-0.1 libutf8proc) -lm \
 *     -o build/annotate-bench && ./build/annotate-bench [ARTICLES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "gazetteer.h"
#include "markdown.h"
#include "util/alloc.h"
#include "util/buf.h"

static const char *syl[] = { "ka", "lo", "mi", "ran", "tor", "vel", "sha", "nik", "por",
			     "dre", "gan", "lis", "mor", "tup", "zen", "bar", "qui", "fen" };
static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void word(morgue_buf *b, int cap)
{
	int n = 2 + (int)rnd(2);
	size_t at = b->size;
	for (int i = 0; i < n; i++)
		morgue_buf_puts(b, syl[rnd(sizeof(syl) / sizeof(*syl))]);
	if (cap)
		b->ptr[at] = (char)(b->ptr[at] - 'a' + 'A');
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *common[] = { "the", "minister", "said", "on", "Tuesday", "that", "a",
				"report", "about", "meeting", "in", "and", "of", "officials" };

static void run(size_t nent, size_t narts)
{
	morgue_entity *es = morgue_calloc(nent, sizeof(*es));
	const morgue_entity **ps = morgue_calloc(nent, sizeof(*ps));
	for (size_t i = 0; i < nent; i++) {
		morgue_buf n = MORGUE_BUF_INIT, s = MORGUE_BUF_INIT, sur = MORGUE_BUF_INIT;
		word(&n, 1);
		morgue_buf_putc(&n, ' ');
		word(&sur, 1);
		morgue_buf_puts(&n, sur.ptr);
		morgue_buf_printf(&s, "e%zu", i);
		es[i].slug = morgue_buf_detach(&s);
		es[i].name = morgue_buf_detach(&n);
		es[i].type = i % 3 ? MORGUE_ENTITY_PERSON : MORGUE_ENTITY_ORGANIZATION;
		es[i].aliases = morgue_calloc(1, sizeof(char *));
		es[i].aliases[0] = morgue_buf_detach(&sur);
		es[i].naliases = 1;
		ps[i] = &es[i];
	}
	double t0 = now();
	morgue_gazetteer *g = NULL;
	morgue_gazetteer_new(&g, ps, nent);
	double tb = now() - t0;
	/* articles: ~4 KB of prose, a name every ~12 words */
	size_t bytes = 0, mentions = 0;
	double tr = 0;
	for (size_t a = 0; a < narts; a++) {
		morgue_buf md = MORGUE_BUF_INIT;
		for (int p = 0; p < 8; p++) {
			for (int w = 0; w < 80; w++) {
				unsigned r = rnd(12);
				if (r == 0) {
					const morgue_entity *e = ps[rnd((unsigned)nent)];
					morgue_buf_puts(&md, rnd(2) ? e->name : e->aliases[0]);
				} else if (r == 1) {
					word(&md, 1);
				} else {
					morgue_buf_puts(&md, common[rnd(sizeof(common) / sizeof(*common))]);
				}
				morgue_buf_puts(&md, w % 11 == 10 ? ".\n" : " ");
			}
			morgue_buf_puts(&md, "\n\n");
		}
		morgue_markdown_opts o = { .gazetteer = g, .root = "../../", .file = "b.md",
					   .first_line = 1 };
		morgue_doc *d = NULL;
		double t1 = now();
		morgue_markdown_render(&d, md.ptr, md.size, &o);
		tr += now() - t1;
		bytes += md.size;
		mentions += d ? d->nmentions : 0;
		morgue_doc_free(d);
		morgue_buf_free(&md);
	}
	printf("registry %6zu entities: automaton built in %.3f s; %zu articles, %.1f MB, "
	       "%zu mentions: %.3f s (%.1f MB/s, %.0f articles/s)\n",
	       nent, tb, narts, (double)bytes / 1e6, mentions, tr, (double)bytes / 1e6 / tr,
	       (double)narts / tr);
	morgue_gazetteer_free(g);
	for (size_t i = 0; i < nent; i++) {
		free(es[i].slug);
		free(es[i].name);
		free(es[i].aliases[0]);
		free(es[i].aliases);
	}
	free(es);
	free(ps);
}

int main(int argc, char **argv)
{
	size_t narts = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
	run(100, narts);
	run(10000, narts);
	return 0;
}
