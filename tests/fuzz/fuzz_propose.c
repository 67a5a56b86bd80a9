/*
 * fuzz_propose.c - libFuzzer target for `morgue annotate`'s library
 * (propose.h). The input, split at the first NUL byte, is an article's
 * plain text and an annotation file. The proposer must never crash, leak
 * or read out of bounds; an anchor it computes must place its span and
 * nowhere else; an entry it adds to an annotation file must leave a file
 * that parses with exactly one more mention.
 *
 *   make BUILD=build/fuzz SAN=fuzz CC=clang CFLAGS="-O1 -g" build/fuzz/fuzz/fuzz_propose
 *   ./build/fuzz/fuzz/fuzz_propose -max_total_time=120 NEW_DIR tests/fuzz/corpus/propose
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anchor.h"
#include "article.h"
#include "frontmatter.h"
#include "gazetteer.h"
#include "propose.h"
#include "util/alloc.h"
#include "util/error.h"
#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static morgue_gazetteer *gaz;

static void quiet(const char *file, int line, const char *msg, void *payload)
{
	(void)file, (void)line, (void)msg, (void)payload;
}

static void setup(void)
{
	static const char *const files[] = {
		"---\nname: Ada Lovelace\ntype: person\naliases: [Lovelace]\n---\n",
		"---\nname: Georgia\ntype: place\n---\n",
		"---\nname: Georgia Smith\ntype: person\naliases: [Georgia]\n---\n",
		"---\nname: Trump Tower\ntype: place\n---\n",
	};
	morgue_entity *e[4];
	size_t n = 0;
	for (size_t i = 0; i < 4; i++)
		if (morgue_entity_parse(&e[n], "e.md", i == 0 ? "a.md" : i == 1 ? "b.md" : i == 2 ? "c.md" : "d.md",
					files[i], strlen(files[i])) == 0)
			n++;
	morgue_gazetteer_new(&gaz, (const morgue_entity *const *)e, n);
	for (size_t i = 0; i < n; i++)
		morgue_entity_free(e[i]);
	morgue_warn_set_handler(quiet, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(data, 0, size);
	size_t len = nul ? (size_t)(nul - text) : size;
	const char *yaml = nul ? nul + 1 : "";
	size_t ylen = nul ? size - len - 1 : 0;
	morgue_proposer *p = NULL;
	morgue_buf out = MORGUE_BUF_INIT;

	if (!gaz)
		setup();
	morgue_proposer_new(&p, gaz);
	morgue_proposer_add(p, "a", text, len, NULL, 0, yaml, ylen, 1);
	morgue_proposer_add(p, "b", text, len / 2, NULL, 0, NULL, 0, 0);
	morgue_proposer_text(&out, p);
	morgue_buf_clear(&out);
	morgue_proposer_json(&out, p);
	morgue_proposer_free(p);

	/* an anchor for a span in the middle, on code point boundaries */
	size_t s = len / 3, e = len / 2;
	while (s < len && ((unsigned char)text[s] & 0xC0) == 0x80)
		s++;
	while (e < len && ((unsigned char)text[e] & 0xC0) == 0x80)
		e++;
	if (e > s && !memchr(text + s, 0, e - s)) {
		morgue_buf pre = MORGUE_BUF_INIT, suf = MORGUE_BUF_INIT;
		char *exact = morgue_strndup(text + s, e - s);
		if (morgue_propose_anchor(&pre, &suf, text, len, s, e) == 0) {
			size_t fs = 0, fe = 0;
			if (morgue_anchor_find(&fs, &fe, text, len, exact, pre.ptr, suf.ptr) != 1 ||
			    fs != s || fe != e)
				abort();
		}
		morgue_error_clear();
		/* and as an entry of the annotation file */
		morgue_buf_clear(&out);
		int rc = morgue_propose_annotation_add(&out, yaml, ylen, "t.yaml", "ada-lovelace",
						       exact, pre.ptr, suf.ptr, 0);
		if (rc == 1) {
			morgue_value *v = NULL;
			if (morgue_yaml_parse(&v, "t", 1, out.ptr, out.size) < 0)
				abort();
			morgue_value_free(v);
		}
		morgue_error_clear();
		free(exact);
		morgue_buf_free(&pre);
		morgue_buf_free(&suf);
	}
	morgue_buf_free(&out);
	return 0;
}
