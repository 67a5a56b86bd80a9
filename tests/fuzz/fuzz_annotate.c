/*
 * fuzz_annotate.c - libFuzzer target for rendering and annotation: the
 * input is Markdown, optionally followed by a NUL byte and a stand-off
 * annotation file (YAML), rendered against a small fixed registry with
 * ambiguous, bare and abbreviated aliases. Rendering must never crash,
 * leak or read out of bounds; every mention must lie inside doc->text and
 * its surface must equal the text there; every attribution must lie inside
 * doc->text and be marked in the HTML with its id src-N (exactly once
 * unless raw HTML is passed through).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Igenerator \
 *     tests/fuzz/fuzz_annotate.c generator/markdown.c generator/annotate.c \
 *     generator/gazetteer.c generator/anchor.c generator/frontmatter.c \
 *     generator/value.c generator/util/[a-z]*.c \
 *     $(pkg-config --cflags --libs libcmark yaml-0.1 libutf8proc) -lpthread -lm \
 *     -o build/fuzz_annotate
 *   ./build/fuzz_annotate -max_total_time=120 NEW_DIR tests/fuzz/corpus/annotate
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "gazetteer.h"
#include "markdown.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(const char *file, int line, const char *msg, void *payload)
{
	(void)file, (void)line, (void)msg, (void)payload;
}

static morgue_gazetteer *registry(void)
{
	static char *trump[] = { "Trump", "Donald J. Trump" };
	static char *lav[] = { "Lavrov", "Sergey V. Lavrov" };
	static char *us[] = { "U.S.", "US", "USA" };
	static char *stone[] = { "Stone" };
	static char *may[] = { "May" };
	static char *wdc[] = { "Washington", "Washington D.C." };
	static char *wp[] = { "Washington Post" };
	static char *odd[] = { "", "a", ".", "’s", "É", "x y  z" };
	static morgue_entity es[] = {
		{ .slug = "donald-trump", .name = "Donald Trump", .type = MORGUE_ENTITY_PERSON,
		  .aliases = trump, .naliases = 2 },
		{ .slug = "trump-tower", .name = "Trump Tower", .type = MORGUE_ENTITY_PLACE },
		{ .slug = "sergey-lavrov", .name = "Sergey Lavrov", .type = MORGUE_ENTITY_PERSON,
		  .aliases = lav, .naliases = 2 },
		{ .slug = "united-states", .name = "United States", .type = MORGUE_ENTITY_PLACE,
		  .aliases = us, .naliases = 3 },
		{ .slug = "jessica-stone", .name = "Jessica Stone", .type = MORGUE_ENTITY_PERSON,
		  .aliases = stone, .naliases = 1 },
		{ .slug = "oliver-stone", .name = "Oliver Stone", .type = MORGUE_ENTITY_PERSON,
		  .aliases = stone, .naliases = 1 },
		{ .slug = "theresa-may", .name = "Theresa May", .type = MORGUE_ENTITY_PERSON,
		  .aliases = may, .naliases = 1 },
		{ .slug = "washington-dc", .name = "Washington, D.C.", .type = MORGUE_ENTITY_PLACE,
		  .aliases = wdc, .naliases = 2 },
		{ .slug = "washington-post", .name = "The Washington Post",
		  .type = MORGUE_ENTITY_PUBLICATION, .aliases = wp, .naliases = 1 },
		{ .slug = "odd", .name = "Zürich–Ça", .type = MORGUE_ENTITY_PERSON, .aliases = odd,
		  .naliases = 6 },
	};
	static const morgue_entity *ptrs[sizeof(es) / sizeof(*es)];
	morgue_gazetteer *g = NULL;
	for (size_t i = 0; i < sizeof(es) / sizeof(*es); i++)
		ptrs[i] = &es[i];
	morgue_gazetteer_new(&g, ptrs, sizeof(es) / sizeof(*es));
	return g;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static morgue_gazetteer *g;
	if (!g) {
		g = registry();
		morgue_warn_set_handler(quiet, NULL);
	}
	const char *md = (const char *)data;
	const uint8_t *nul = memchr(data, 0, size);
	size_t mdlen = nul ? (size_t)(nul - data) : size;
	morgue_markdown_opts o = { .gazetteer = g, .root = "../../", .file = "f.md",
				   .first_line = 3, .unsafe_html = mdlen & 1,
				   .annotations_file = "f.yaml" };
	if (nul) {
		o.annotations = (const char *)nul + 1;
		o.annotations_len = size - mdlen - 1;
	}
	morgue_doc *d = NULL;
	if (morgue_markdown_render(&d, md, mdlen, &o) == 0) {
		for (size_t i = 0; i < d->nmentions; i++) {
			const morgue_mention *m = &d->mentions[i];
			if (m->offset > d->text_len || m->length > d->text_len - m->offset ||
			    memcmp(d->text + m->offset, m->surface, m->length) || !m->entity)
				abort();
			if (i && m->offset < d->mentions[i - 1].offset + d->mentions[i - 1].length)
				abort(); /* mentions never overlap */
		}
		for (size_t i = 0; i < d->nattributions; i++) {
			const morgue_attribution *a = &d->attributions[i];
			char id[40];
			if (a->offset > d->text_len || a->length > d->text_len - a->offset ||
			    !a->length || !a->cue || !a->source_text)
				abort();
			snprintf(id, sizeof(id), " id=\"src-%zu\">", i + 1);
			const char *at = strstr(d->html, id);
			/* marked once, with its number (raw HTML, passed through
			 * with unsafe_html, may hold anything) */
			if (!at || (!o.unsafe_html && strstr(at + 1, id)))
				abort();
		}
	}
	morgue_doc_free(d);
	return 0;
}
