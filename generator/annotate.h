/*
 * annotate.h - deciding which gazetteer hits are mentions, and applying
 * stand-off annotation files.
 *
 * An annotator holds the per-article state of the news-style rules; reset
 * it for each article and feed it the article's matchable runs of text in
 * text order. Rules, in order:
 *   - word boundaries on both sides (a possessive 's may follow);
 *   - case: a registered word that is capitalised (or all capitals) only
 *     matches a capitalised (all-capital) word, so "Work" is not "work";
 *   - a person's bare one-word alias ("Lavrov") links only after a fuller
 *     name of that person earlier in the article;
 *   - a one-word alias that is a month name is not linked after a
 *     preposition or before a number ("in May", "May 10");
 *   - an alias claimed by several entities links to the one already named
 *     in full (the latest, if several), else not at all;
 *   - leftmost, then longest hit wins; hits never overlap.
 * The annotator borrows the gazetteer, which must outlive it.
 */
#ifndef MORGUE_ANNOTATE_H
#define MORGUE_ANNOTATE_H

#include <stddef.h>

#include "gazetteer.h"
#include "attribution.h"
#include "markdown.h"

typedef struct morgue_annotator morgue_annotator;

int morgue_annotator_new(morgue_annotator **out, const morgue_gazetteer *g);
void morgue_annotator_free(morgue_annotator *a);
/* Forget what the previous article introduced. */
void morgue_annotator_reset(morgue_annotator *a);
/* Record that an entity was named in full (e.g. by a manual mention). */
void morgue_annotator_introduce(morgue_annotator *a, const char *slug);

/* Append the automatic mentions found in text[start, end) to *m (count *n,
 * capacity *cap). text[0, len) is the whole plain text, consulted for word
 * boundaries just outside the run. Returns the number appended. */
size_t morgue_annotator_run(morgue_annotator *a, const char *text, size_t len, size_t start,
			    size_t end, morgue_mention **m, size_t *n, size_t *cap);

/* Apply a stand-off annotation file (see morgue-content(5), ANNOTATIONS)
 * to the mentions *m of text: entries with suppress remove the mentions of
 * that entity overlapping their span; other entries remove overlapping
 * mentions and add a MORGUE_MENTION_STANDOFF one. An entity slug that
 * exists() rejects is MORGUE_EINPUT with file:line; an anchor that is
 * nowhere or ambiguous is a warning (morgue_warn, file:line) and skipped.
 * The result is sorted by offset. exists may be NULL (all slugs good). */
int morgue_annotate_standoff(morgue_mention **m, size_t *n, size_t *cap, const char *text,
			     size_t len, const char *yaml, size_t ylen, const char *file,
			     int (*exists)(const char *slug, void *payload), void *payload);

/* Apply the `attributions` list of a stand-off annotation file (see
 * morgue-content(5), ANNOTATIONS) to the attributions *a of text (count
 * *n): an entry with suppress removes the attributions of its source
 * ("anonymous" = any source without an entity) overlapping its span;
 * another entry removes every attribution overlapping its span and adds
 * one (standoff = 1) with its source, kind (default: the entity's type via
 * type(), or anonymous), cue (default "annotation") and description (the
 * source as written; default the entity's name via name(), else the
 * slug). Unknown slugs (exists()), an unknown kind or a missing field are
 * MORGUE_EINPUT with file:line; orphaned or ambiguous anchors are warnings.
 * The result is sorted by offset. exists/type/name may be NULL. */
typedef struct morgue_attr_lookup {
	int (*exists)(const char *slug, void *payload);
	int (*type)(const char *slug, void *payload);          /* morgue_entity_type or -1 */
	const char *(*name)(const char *slug, void *payload);  /* or NULL */
	void *payload;
} morgue_attr_lookup;
int morgue_annotate_attributions(morgue_attribution **a, size_t *n, const char *text,
				 size_t len, const char *yaml, size_t ylen, const char *file,
				 const morgue_attr_lookup *lk);
/* Sort attributions by offset (then longer first). */
void morgue_attributions_sort(morgue_attribution *a, size_t n);

/* Sort mentions by offset (then longer first). */
void morgue_mentions_sort(morgue_mention *m, size_t n);
/* Free the strings of mentions [0, n) and the array. */
void morgue_mentions_free(morgue_mention *m, size_t n);

#endif
