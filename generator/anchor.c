#include "anchor.h"

#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "util/alloc.h"
#include "util/buf.h"

/* Fold s and trim spaces at both ends (for the exact text) or keep them
 * (context). */
static void fold(morgue_buf *out, const char *s, int trim)
{
	morgue_fold(out, NULL, NULL, s, strlen(s));
	if (!trim || !out->size)
		return;
	size_t a = 0;
	while (a < out->size && out->ptr[a] == ' ')
		a++;
	size_t b = out->size;
	while (b > a && out->ptr[b - 1] == ' ')
		b--;
	memmove(out->ptr, out->ptr + a, b - a);
	morgue_buf_truncate(out, b - a);
}

size_t morgue_anchor_find(size_t *start, size_t *end, const char *text, size_t len,
			  const char *exact, const char *prefix, const char *suffix)
{
	morgue_buf ft = MORGUE_BUF_INIT, fe = MORGUE_BUF_INIT, fp = MORGUE_BUF_INIT,
		   fs = MORGUE_BUF_INIT;
	size_t *ms = NULL, *me = NULL, best = 0, nbest = 0, bs = 0, be = 0;
	size_t elen = exact ? strlen(exact) : 0;

	if (!exact)
		return 0;
	morgue_fold(&ft, &ms, &me, text, len);
	fold(&fe, exact, 1);
	if (prefix)
		fold(&fp, prefix, 0);
	if (suffix)
		fold(&fs, suffix, 0);
	if (!fe.size)
		goto done;
	for (size_t i = 0; i + fe.size <= ft.size; i++) {
		if (memcmp(ft.ptr + i, fe.ptr, fe.size))
			continue;
		size_t s = ms[i], e = me[i + fe.size - 1];
		/* a trailing abbreviation dot folded away ("U.S.") */
		if (elen && exact[elen - 1] == '.' && e < len && text[e] == '.')
			e++;
		size_t score = 1;
		/* context: compare backwards from i, forwards from the end */
		size_t k = 0;
		while (k < fp.size && k < i && fp.ptr[fp.size - 1 - k] == ft.ptr[i - 1 - k])
			k++;
		score += k;
		k = 0;
		size_t j = i + fe.size;
		while (k < fs.size && j + k < ft.size && fs.ptr[k] == ft.ptr[j + k])
			k++;
		score += k;
		score *= 2;
		if (e - s == elen && !memcmp(text + s, exact, elen))
			score++; /* byte-exact beats folded */
		if (score > best) {
			best = score;
			nbest = 1;
			bs = s;
			be = e;
		} else if (score == best) {
			nbest++;
		}
	}
done:
	if (nbest == 1) {
		*start = bs;
		*end = be;
	}
	free(ms);
	free(me);
	morgue_buf_free(&ft);
	morgue_buf_free(&fe);
	morgue_buf_free(&fp);
	morgue_buf_free(&fs);
	return nbest;
}
