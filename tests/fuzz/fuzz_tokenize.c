/*
 * fuzz_tokenize.c - libFuzzer target for the search tokenizer and the index
 * writer's input side: any bytes are tokenized (every token must lie inside
 * the input, be non-empty and short), folded, and indexed as a document
 * whose title, text and tag are the input.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Igenerator \
 *     tests/fuzz/fuzz_tokenize.c generator/tokenize.c generator/searchindex.c \
 *     generator/util/[a-z]*.c $(pkg-config --cflags --libs libutf8proc) \
 *     -lstemmer -lpthread -lm -o build/fuzz_tokenize
 *   ./build/fuzz_tokenize -max_total_time=120 NEW_DIR tests/fuzz/corpus/tokenize
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "searchindex.h"
#include "tokenize.h"
#include "util/alloc.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static morgue_tokenizer *tk;

typedef struct st {
	size_t len;
	unsigned last;
	int first;
} st;

static int check(const morgue_token *t, void *payload)
{
	st *s = payload;
	if (t->start >= t->end || t->end > s->len || t->fold_len == 0 ||
	    t->fold_len > MORGUE_TOKEN_MAX || strlen(t->fold) != t->fold_len ||
	    t->stem_len == 0 || (!s->first && t->pos <= s->last))
		abort();
	s->first = 0;
	s->last = t->pos;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!tk && morgue_tokenizer_new(&tk) < 0)
		abort();
	st s = { size, 0, 1 };
	morgue_tokenize(tk, (const char *)data, size, check, &s);
	morgue_buf f = MORGUE_BUF_INIT;
	morgue_tokenize_fold(&f, (const char *)data, size);
	morgue_buf_free(&f);

	/* the in-memory side of the index: add and free (writing is tested by
	 * the unit tests; the file system would slow fuzzing down) */
	if (size < 4096) {
		char *str = morgue_strndup((const char *)data, size);
		const char *tags[] = { str };
		const char *ents[] = { str };
		morgue_search_doc d = { .url = str, .title = str, .date = str,
					.publication = str, .tags = tags, .ntags = 1,
					.entities = ents, .entity_names = ents, .nentities = 1,
					.text = str, .text_len = strlen(str) };
		morgue_searchindex *ix = NULL;
		morgue_searchindex_new(&ix);
		morgue_searchindex_add(ix, &d);
		morgue_searchindex_add_entity(ix, str, str, str, NULL, tags, 1, 1);
		morgue_searchindex_free(ix);
		free(str);
	}
	return 0;
}
