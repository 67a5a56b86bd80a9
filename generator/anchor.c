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

/* Agreement of the folded context around folded span [i, j) of t. */
static size_t context(const morgue_buf *t, size_t i, size_t j, const morgue_buf *fp,
		      const morgue_buf *fs)
{
	size_t k = 0, score = 0;
	while (k < fp->size && k < i && fp->ptr[fp->size - 1 - k] == t->ptr[i - 1 - k])
		k++;
	score += k;
	k = 0;
	while (k < fs->size && j + k < t->size && fs->ptr[k] == t->ptr[j + k])
		k++;
	return score + k;
}

static size_t min3(size_t a, size_t b, size_t c)
{
	return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

/* Bounded fuzzy search (Sellers): the folded spans of t within edit
 * distance m/5 of p, best distance first, then best context. Returns the
 * number of equally good spans; the first in *fi, *fj. */
static size_t fuzzy(size_t *fi, size_t *fj, const morgue_buf *t, const morgue_buf *p,
		    const morgue_buf *fp, const morgue_buf *fs)
{
	size_t m = p->size, n = t->size, maxd = m / 5 ? m / 5 : 1;
	size_t *col = morgue_malloc((m + 1) * sizeof(*col));
	size_t *dist = morgue_malloc((n + 1) * sizeof(*dist));
	for (size_t i = 0; i <= m; i++)
		col[i] = i;
	dist[0] = m;
	for (size_t j = 1; j <= n; j++) {
		size_t diag = col[0];
		col[0] = 0;
		for (size_t i = 1; i <= m; i++) {
			size_t up = col[i];
			col[i] = min3(diag + (p->ptr[i - 1] != t->ptr[j - 1]), up + 1, col[i - 1] + 1);
			diag = up;
		}
		dist[j] = col[m];
	}
	/* the anchored reverse pass finds where each candidate begins */
	size_t w = m + maxd, bestd = maxd + 1, bestc = 0, nbest = 0, tried = 0;
	size_t *row = morgue_malloc((w + 1) * sizeof(*row)), *prev = morgue_malloc((w + 1) * sizeof(*prev));
	for (size_t j = 1; j <= n; j++) {
		if (dist[j] > maxd || (j < n && dist[j + 1] < dist[j]) || dist[j - 1] <= dist[j])
			continue; /* not the first best end of a run */
		if (++tried > 64) { /* a near-periodic text: give up as ambiguous */
			nbest = 2;
			break;
		}
		size_t lim = j < w ? j : w;
		for (size_t l = 0; l <= lim; l++)
			prev[l] = l;
		for (size_t i = 1; i <= m; i++) {
			row[0] = i;
			for (size_t l = 1; l <= lim; l++)
				row[l] = min3(prev[l - 1] + (p->ptr[m - i] != t->ptr[j - l]), prev[l] + 1,
					      row[l - 1] + 1);
			memcpy(prev, row, (lim + 1) * sizeof(*row));
		}
		size_t bl = 0;
		for (size_t l = 1; l <= lim; l++)
			if (prev[l] < prev[bl] || (prev[l] == prev[bl] && (l > m ? l - m : m - l) <
								   (bl > m ? bl - m : m - bl)))
				bl = l;
		if (!bl || prev[bl] > maxd)
			continue;
		size_t c = context(t, j - bl, j, fp, fs);
		if (prev[bl] < bestd || (prev[bl] == bestd && c > bestc)) {
			bestd = prev[bl];
			bestc = c;
			nbest = 1;
			*fi = j - bl;
			*fj = j;
		} else if (prev[bl] == bestd && c == bestc) {
			nbest++;
		}
	}
	free(row);
	free(prev);
	free(col);
	free(dist);
	return nbest;
}

size_t morgue_anchor_find(size_t *start, size_t *end, const char *text, size_t len,
			  const char *exact, const char *prefix, const char *suffix)
{
	return morgue_anchor_place(start, end, NULL, text, len, exact, prefix, suffix);
}

size_t morgue_anchor_place(size_t *start, size_t *end, int *approx, const char *text,
			   size_t len, const char *exact, const char *prefix, const char *suffix)
{
	morgue_buf ft = MORGUE_BUF_INIT, fe = MORGUE_BUF_INIT, fp = MORGUE_BUF_INIT,
		   fs = MORGUE_BUF_INIT;
	size_t *ms = NULL, *me = NULL, best = 0, nbest = 0, bs = 0, be = 0;
	size_t elen = exact ? strlen(exact) : 0;

	if (approx)
		*approx = 0;
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
	if (!nbest && fe.size >= 4 && fe.size <= MORGUE_ANCHOR_FUZZY_MAX && ft.size) {
		size_t fi = 0, fj = 0;
		nbest = fuzzy(&fi, &fj, &ft, &fe, &fp, &fs);
		if (nbest == 1) {
			bs = ms[fi];
			be = me[fj - 1];
			if (approx)
				*approx = 1;
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
