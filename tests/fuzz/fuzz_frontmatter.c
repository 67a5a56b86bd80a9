/*
 * fuzz_frontmatter.c - libFuzzer target for the input side: every input is
 * parsed as an article, as an entity and as morgue.yaml. The parsers must
 * never crash, leak or read out of bounds, whatever the bytes; they either
 * succeed or record an error.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Igenerator \
 *     tests/fuzz/fuzz_frontmatter.c generator/frontmatter.c generator/article.c \
 *     generator/config.c generator/value.c generator/util/[a-z]*.c \
 *     $(pkg-config --cflags --libs yaml-0.1 libutf8proc) -lpthread -lm \
 *     -o build/fuzz_frontmatter
 *   ./build/fuzz_frontmatter -max_total_time=60 NEW_DIR tests/fuzz/corpus/frontmatter
 */
#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "config.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Warnings (unknown config keys) would flood the output. */
static void quiet(const char *file, int line, const char *msg, void *payload)
{
	(void)file, (void)line, (void)msg, (void)payload;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	morgue_article *a = NULL;
	morgue_entity *e = NULL;
	morgue_config *c = NULL;

	morgue_warn_set_handler(quiet, NULL);
	if (morgue_article_parse(&a, "fuzz.md", "2017/fuzz.md", text, size) == 0 &&
	    (!a || !a->id || !a->title || !a->date))
		__builtin_trap();
	morgue_article_free(a);
	if (morgue_entity_parse(&e, "fuzz.md", "fuzz.md", text, size) == 0 &&
	    (!e || !e->name || !e->slug))
		__builtin_trap();
	morgue_entity_free(e);
	if (morgue_config_parse(&c, "morgue.yaml", text, size) == 0 && !c)
		__builtin_trap();
	morgue_config_free(c);
	morgue_error_clear();
	return 0;
}
