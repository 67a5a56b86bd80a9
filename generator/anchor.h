/*
 * anchor.h - placing W3C TextQuoteSelector anchors (exact text plus
 * prefix/suffix context) in an article's plain text.
 *
 * Comparison is tolerant the way morgue_fold is (case, typographic quotes,
 * diacritics, white-space runs, abbreviation dots), so an anchor written
 * with straight quotes or re-wrapped lines still finds its span. Among the
 * places where `exact` occurs, the one whose surroundings agree longest
 * with prefix and suffix wins; a byte-exact occurrence beats a folded one.
 * When exact is nowhere, morgue_anchor_place can re-find it approximately.
 * Pure functions, no state.
 */
#ifndef MORGUE_ANCHOR_H
#define MORGUE_ANCHOR_H

#include <stddef.h>

/* Place an anchor. Returns how many equally good places there are: 0 (an
 * orphan: exact is nowhere, or is empty), 1 (placed: *start and *end are
 * the byte range in text) or more (ambiguous: add prefix/suffix). prefix
 * and suffix may be NULL. */
size_t morgue_anchor_find(size_t *start, size_t *end, const char *text, size_t len,
			  const char *exact, const char *prefix, const char *suffix);

/* Like morgue_anchor_find, and when exact occurs nowhere (the article
 * text changed), a bounded fuzzy match: the span within edit distance
 * len/5 of exact (folded, 4 to MORGUE_ANCHOR_FUZZY_MAX bytes), closest
 * first, then best context. *approx (may be NULL) is set to 1 when the
 * placement is approximate, so the caller can ask for the anchor to be
 * updated. Cost O(text * exact). */
#define MORGUE_ANCHOR_FUZZY_MAX 256
size_t morgue_anchor_place(size_t *start, size_t *end, int *approx, const char *text,
			   size_t len, const char *exact, const char *prefix, const char *suffix);

#endif
