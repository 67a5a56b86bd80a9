/*
 * fuzz_template.c - libFuzzer target for the Mustache engine. The input is
 * a template, optionally followed by a NUL byte and a second template
 * that serves as partial/parent "p"; every other partial name resolves to
 * the template itself, so self-inclusion exercises the recursion guard.
 * Compile must either succeed or record an EINPUT error with the file
 * name; render against a small fixed context must never crash, leak or
 * read out of bounds, and fails only with the recursion-guard error.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Igenerator \
 *     tests/fuzz/fuzz_template.c generator/template.c generator/value.c \
 *     generator/util/[a-z]*.c $(pkg-config --cflags --libs libutf8proc) \
 *     -lpthread -lm -o build/fuzz_template
 *   ./build/fuzz_template -max_total_time=120 -max_len=4096 NEW_DIR tests/fuzz/corpus/template
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "template.h"
#include "util/error.h"
#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct pair {
	const morgue_template *self, *p;
} pair;

static const morgue_template *lookup(const char *name, void *payload)
{
	const pair *pr = payload;
	if (!strcmp(name, "p") && pr->p)
		return pr->p;
	if (!strcmp(name, "none"))
		return NULL;
	return pr->self;
}

static morgue_value *context(void)
{
	static morgue_value *ctx;
	if (ctx)
		return ctx;
	ctx = morgue_value_map();
	morgue_value_set_str(ctx, "name", "<b>\"Tom\" & 'Jerry'</b>");
	morgue_value_set_int(ctx, "n", 42);
	morgue_value_set(ctx, "f", morgue_value_number(1.21));
	morgue_value_set_bool(ctx, "t", 1);
	morgue_value_set_bool(ctx, "no", 0);
	morgue_value_set_str(ctx, "e", "");
	morgue_value_set_str(ctx, "dyn", "p");
	morgue_value_set(ctx, "nil", morgue_value_null());
	morgue_value *l = morgue_value_set_list(ctx, "list");
	morgue_value_push(l, morgue_value_string("one\ntwo"));
	morgue_value_set_str(morgue_value_push_map(l), "name", "x");
	morgue_value_set_list(ctx, "empty");
	morgue_value *m = morgue_value_set_map(morgue_value_set_map(ctx, "a"), "b");
	morgue_value_set_str(m, "c", "deep");
	return ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, 0, size);
	size_t n1 = nul ? (size_t)(nul - text) : size;
	morgue_template *t = NULL, *p = NULL;
	morgue_buf out = MORGUE_BUF_INIT;

	int rc = morgue_template_compile(&t, "fuzz.mustache", text, n1);
	if (rc < 0) {
		const morgue_error *e = morgue_error_last();
		if (t || rc != MORGUE_EINPUT || !e || !e->file ||
		    strcmp(e->file, "fuzz.mustache") || e->line < 1)
			__builtin_trap();
		goto done;
	}
	if (nul && morgue_template_compile(&p, "p.mustache", nul + 1, size - n1 - 1) < 0)
		p = NULL;
	/* Nested sections over a list multiply the work (2^depth): fine for
	 * trusted themes, a timeout for the fuzzer. Render only when there
	 * are few section tags. */
	size_t hashes = 0;
	for (size_t i = 0; i < size; i++)
		hashes += data[i] == '#';
	if (hashes <= 12) {
		pair pr = { t, p };
		rc = morgue_template_render(&out, t, context(), lookup, &pr);
		if (rc < 0 && (rc != MORGUE_EINPUT || !morgue_error_last() ||
			       !strstr(morgue_error_last()->message, "nested deeper")))
			__builtin_trap();
	}
done:
	morgue_template_free(t);
	morgue_template_free(p);
	morgue_buf_free(&out);
	morgue_error_clear();
	return 0;
}
