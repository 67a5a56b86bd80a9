/*
 * fuzz_attribution.c - libFuzzer target for the attribution extractor. The
 * input is the plain text; mentions are derived from it (every capitalised
 * word becomes a mention whose type cycles through person, organization,
 * publication, place and event), plus a few arbitrary, possibly invalid
 * mentions taken from the first bytes. The extractor must never crash, leak
 * or read out of bounds, and every span it returns must lie in the text.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Igenerator \
 *     tests/fuzz/fuzz_attribution.c generator/attribution.c \
 *     generator/util/alloc.c generator/util/buf.c generator/util/error.c \
 *     -lpthread -o build/fuzz_attribution
 *   ./build/fuzz_attribution -max_total_time=120 NEW_DIR tests/fuzz/corpus/attribution
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attribution.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = {"person", "organization", "publication",
				    "place", "event"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	morgue_attr_mention m[64];
	size_t nm = 0;
	morgue_attribution *a = NULL;
	size_t n = 0;
	for (size_t i = 0; i < size && nm < 60; i++) {
		if (!isupper(data[i]) || (i && isalnum(data[i - 1])))
			continue;
		size_t j = i;
		while (j < size && (isalnum(data[j]) || data[j] == '.'))
			j++;
		m[nm++] = (morgue_attr_mention){"e", types[(data[i] + j - i) % 5], i,
						j - i};
		i = j;
	}
	/* arbitrary mentions: offsets and lengths from the first bytes */
	for (size_t i = 0; i + 2 < size && i < 12 && nm < 64; i += 3)
		m[nm++] = (morgue_attr_mention){"x", types[data[i] % 5],
						(size_t)data[i + 1] * 3,
						data[i + 2] % 40};
	if (morgue_attribution_extract(&a, &n, size ? text : NULL, size, m, nm))
		abort();
	for (size_t i = 0; i < n; i++) {
		if (a[i].offset > size || a[i].length > size - a[i].offset ||
		    !a[i].length || a[i].source_offset > size ||
		    a[i].source_length > size - a[i].source_offset || !a[i].cue ||
		    !a[i].source_text || (unsigned)a[i].kind > MORGUE_SOURCE_DOCUMENT)
			abort();
	}
	morgue_attributions_free(a, n);
	return 0;
}
