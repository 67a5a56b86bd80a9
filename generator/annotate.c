#include "annotate.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "anchor.h"
#include "frontmatter.h"
#include "util/alloc.h"
#include "util/error.h"
#include "value.h"

struct morgue_annotator {
	const morgue_gazetteer *g;
	unsigned long *introduced; /* per entity: 0 or the order it was named in full */
	size_t *touched;           /* entities to clear on reset */
	size_t ntouched, captouched;
	unsigned long seq;
	morgue_gazetteer_hit *hits;
	size_t nhits, caphits;
};

int morgue_annotator_new(morgue_annotator **out, const morgue_gazetteer *g)
{
	morgue_annotator *a = morgue_calloc(1, sizeof(*a));
	size_t n = morgue_gazetteer_entity_count(g);
	a->g = g;
	a->introduced = morgue_calloc(n ? n : 1, sizeof(*a->introduced));
	*out = a;
	return 0;
}

void morgue_annotator_free(morgue_annotator *a)
{
	if (!a)
		return;
	free(a->introduced);
	free(a->touched);
	free(a->hits);
	free(a);
}

void morgue_annotator_reset(morgue_annotator *a)
{
	for (size_t i = 0; i < a->ntouched; i++)
		a->introduced[a->touched[i]] = 0;
	a->ntouched = 0;
	a->seq = 0;
}

static void introduce(morgue_annotator *a, size_t e)
{
	if (!a->introduced[e]) {
		MORGUE_ARRAY_RESERVE(a->touched, a->captouched, a->ntouched + 1);
		a->touched[a->ntouched++] = e;
	}
	a->introduced[e] = ++a->seq;
}

void morgue_annotator_introduce(morgue_annotator *a, const char *slug)
{
	long e = morgue_gazetteer_find(a->g, slug);
	if (e >= 0)
		introduce(a, (size_t)e);
}

/* The code point before byte i (0 if none) and the one at i. */
static utf8proc_int32_t cp_before(const char *t, size_t i)
{
	if (!i)
		return 0;
	size_t j = i - 1;
	while (j > 0 && i - j < 4 && ((unsigned char)t[j] & 0xC0) == 0x80)
		j--;
	utf8proc_int32_t cp;
	if (utf8proc_iterate((const utf8proc_uint8_t *)t + j, (utf8proc_ssize_t)(i - j), &cp) <= 0)
		return 0;
	return cp;
}

static utf8proc_int32_t cp_at(const char *t, size_t len, size_t i)
{
	utf8proc_int32_t cp;
	if (i >= len ||
	    utf8proc_iterate((const utf8proc_uint8_t *)t + i, (utf8proc_ssize_t)(len - i), &cp) <= 0)
		return 0;
	return cp;
}


static int is_letter(utf8proc_int32_t cp)
{
	if (cp < 128)
		return (cp | 32) >= 'a' && (cp | 32) <= 'z';
	utf8proc_category_t c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static int is_upper(utf8proc_int32_t cp)
{
	if (cp < 128)
		return cp >= 'A' && cp <= 'Z';
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

/* The letters of s, in order (at most max). */
static size_t letters(const char *s, size_t len, utf8proc_int32_t *cps, size_t max)
{
	size_t n = 0, i = 0;
	while (i < len && n < max) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k =
			utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0) {
			i++;
			continue;
		}
		i += (size_t)k;
		if (is_letter(cp))
			cps[n++] = cp;
	}
	return n;
}

/* Case check: every capitalised word of the alias must be capitalised in
 * the surface, every all-capital word (2+ letters) all capitals. Letters
 * are compared in order; if the counts differ (ß, ligatures) the check is
 * skipped. */
static int case_ok(const char *alias, const char *surf, size_t slen)
{
	utf8proc_int32_t acp[128], scp[128];
	unsigned char wordstart[128], aneed[128];
	size_t alen = strlen(alias), na = 0, i = 0;
	int prev_letter = 0;
	/* alias letters with word starts */
	while (i < alen && na < 128) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)alias + i,
						      (utf8proc_ssize_t)(alen - i), &cp);
		if (k <= 0) {
			i++;
			prev_letter = 0;
			continue;
		}
		i += (size_t)k;
		if (!is_letter(cp)) {
			prev_letter = 0;
			continue;
		}
		wordstart[na] = !prev_letter;
		acp[na++] = cp;
		prev_letter = 1;
	}
	size_t ns = letters(surf, slen, scp, 128);
	if (ns != na || na >= 128)
		return 1;
	for (size_t w = 0; w < na;) {
		size_t e = w + 1;
		while (e < na && !wordstart[e])
			e++;
		int allcaps = e - w >= 2;
		for (size_t k = w; k < e; k++)
			if (!is_upper(acp[k]))
				allcaps = 0;
		for (size_t k = w; k < e; k++)
			aneed[k] = allcaps ? 2 : (k == w && is_upper(acp[k])) ? 1 : 0;
		w = e;
	}
	for (size_t k = 0; k < na; k++)
		if (aneed[k] && !is_upper(scp[k]))
			return 0;
	return 1;
}

static const char *const months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december",
};
static const char *const preps[] = {
	"in", "since", "until", "till", "by", "of", "early", "late", "mid",
	"last", "next", "this", "from", "through", "during", "before", "after",
	"on", "every", "each",
};

static int ieq(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((a[i] | 32) != b[i])
			return 0;
	return 1;
}

/* A one-word name that is also a month, used as the month. */
static int month_use(const char *t, size_t len, size_t s, size_t e)
{
	size_t i;
	for (i = 0; i < sizeof(months) / sizeof(*months); i++)
		if (ieq(t + s, e - s, months[i]))
			break;
	if (i == sizeof(months) / sizeof(*months))
		return 0;
	/* followed by a number: "May 10", "May 2017" */
	size_t j = e;
	while (j < len && (t[j] == ' ' || t[j] == '\n' || t[j] == ','))
		j++;
	if (j < len && t[j] >= '0' && t[j] <= '9')
		return 1;
	/* preceded by a preposition: "in May" */
	size_t b = s;
	while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\n'))
		b--;
	size_t a = b;
	while (a > 0 && ((t[a - 1] | 32) >= 'a' && (t[a - 1] | 32) <= 'z'))
		a--;
	for (i = 0; i < sizeof(preps) / sizeof(*preps); i++)
		if (ieq(t + a, b - a, preps[i]))
			return 1;
	/* preceded by a number: "10 May" */
	if (b > 0 && t[b - 1] >= '0' && t[b - 1] <= '9')
		return 1;
	return 0;
}

static int cmp_hit(const void *x, const void *y)
{
	const morgue_gazetteer_hit *a = x, *b = y;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return 0;
}

/* Decide one hit: the entity index, or -1. */
static long decide(morgue_annotator *a, const char *t, size_t len, const morgue_gazetteer_hit *h,
		   int *full)
{
	size_t na;
	const morgue_gazetteer_alias *al = morgue_gazetteer_aliases(a->g, h->key, &na);
	int ambiguous = morgue_gazetteer_key_ambiguous(a->g, h->key);
	long best = -1;
	unsigned long bestseq = 0;
	int bestfull = 0;

	if (morgue_is_word_char(cp_before(t, h->start)) || morgue_is_word_char(cp_at(t, len, h->end)))
		return -1;
	for (size_t i = 0; i < na; i++) {
		size_t e = al[i].entity;
		if ((al[i].bare || ambiguous) && !a->introduced[e])
			continue;
		if (!case_ok(al[i].text, t + h->start, h->end - h->start))
			continue;
		if (!al[i].full && month_use(t, len, h->start, h->end))
			continue;
		if (ambiguous) {
			if (!a->introduced[e])
				continue;
			if (a->introduced[e] > bestseq) {
				bestseq = a->introduced[e];
				best = (long)e;
				bestfull = al[i].full;
			}
			continue;
		}
		best = (long)e;
		bestfull |= al[i].full;
	}
	*full = bestfull;
	return best;
}

size_t morgue_annotator_run(morgue_annotator *a, const char *text, size_t len, size_t start,
			    size_t end, morgue_mention **m, size_t *n, size_t *cap)
{
	size_t before = *n, cursor = start;
	a->nhits = 0;
	if (end > len || start >= end)
		return 0;
	morgue_gazetteer_scan(a->g, text + start, end - start, &a->hits, &a->nhits, &a->caphits);
	if (a->nhits > 1)
		qsort(a->hits, a->nhits, sizeof(*a->hits), cmp_hit);
	for (size_t i = 0; i < a->nhits; i++) {
		morgue_gazetteer_hit h = a->hits[i];
		h.start += start;
		h.end += start;
		if (h.start < cursor)
			continue;
		int full = 0;
		long e = decide(a, text, len, &h, &full);
		if (e < 0)
			continue;
		/* "U.S." ends with an abbreviation dot the fold dropped */
		if (h.end < end && text[h.end] == '.' && h.end - h.start >= 2 &&
		    text[h.end - 2] == '.')
			h.end++;
		if (full)
			introduce(a, (size_t)e);
		else if (a->introduced[e])
			a->introduced[e] = ++a->seq;
		MORGUE_ARRAY_RESERVE(*m, *cap, *n + 1);
		morgue_mention *mm = &(*m)[(*n)++];
		mm->entity = morgue_strdup(morgue_gazetteer_slug(a->g, (size_t)e));
		mm->surface = morgue_strndup(text + h.start, h.end - h.start);
		mm->offset = h.start;
		mm->length = h.end - h.start;
		mm->source = MORGUE_MENTION_AUTO;
		cursor = h.end;
	}
	return *n - before;
}

static int cmp_mention(const void *x, const void *y)
{
	const morgue_mention *a = x, *b = y;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if (a->length != b->length)
		return a->length > b->length ? -1 : 1;
	return 0;
}

void morgue_mentions_sort(morgue_mention *m, size_t n)
{
	if (n > 1)
		qsort(m, n, sizeof(*m), cmp_mention);
}

void morgue_mentions_free(morgue_mention *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].entity);
		free(m[i].surface);
	}
	free(m);
}

/* Remove mentions overlapping [s, e); only those of `entity` if not NULL. */
static size_t remove_overlap(morgue_mention *m, size_t n, size_t s, size_t e, const char *entity)
{
	size_t w = 0, removed = 0;
	for (size_t i = 0; i < n; i++) {
		int ov = m[i].offset < e && m[i].offset + m[i].length > s;
		if (ov && (!entity || !strcmp(entity, m[i].entity))) {
			free(m[i].entity);
			free(m[i].surface);
			removed++;
			continue;
		}
		m[w++] = m[i];
	}
	(void)removed;
	return w;
}

int morgue_annotate_standoff(morgue_mention **m, size_t *n, size_t *cap, const char *text,
			     size_t len, const char *yaml, size_t ylen, const char *file,
			     int (*exists)(const char *slug, void *payload), void *payload)
{
	morgue_value *doc = NULL;
	int rc = morgue_yaml_parse(&doc, file, 1, yaml, ylen);
	if (rc < 0)
		return rc;
	if (morgue_value_type_of(doc) == MORGUE_VALUE_NULL)
		goto done;
	if (morgue_value_type_of(doc) != MORGUE_VALUE_MAP) {
		rc = morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(doc),
				      "annotation file must be a mapping (mentions, attributions)");
		goto done;
	}
	const morgue_value *list = morgue_value_get(doc, "mentions");
	if (!list || morgue_value_type_of(list) == MORGUE_VALUE_NULL)
		goto done;
	if (morgue_value_type_of(list) != MORGUE_VALUE_LIST) {
		rc = morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(list),
				      "mentions: expected a list");
		goto done;
	}
	for (size_t i = 0; i < morgue_value_count(list); i++) {
		const morgue_value *it = morgue_value_at(list, i);
		int line = morgue_value_line(it);
		if (morgue_value_type_of(it) != MORGUE_VALUE_MAP) {
			rc = morgue_error_set(MORGUE_EINPUT, file, line,
					      "mentions: each entry must be a mapping");
			goto done;
		}
		const char *ent = morgue_value_get_str(it, "entity"), *exact = morgue_value_get_str(it, "exact");
		const char *prefix = morgue_value_get_str(it, "prefix"), *suffix = morgue_value_get_str(it, "suffix");
		const morgue_value *sup = morgue_value_get(it, "suppress");
		if (!ent || !*ent) {
			rc = morgue_error_set(MORGUE_EINPUT, file, line, "mentions: entity is required");
			goto done;
		}
		if (!exact || !*exact) {
			rc = morgue_error_set(MORGUE_EINPUT, file, line, "mentions: exact is required");
			goto done;
		}
		if (sup && morgue_value_type_of(sup) != MORGUE_VALUE_BOOL) {
			rc = morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(sup),
					      "suppress: expected true or false");
			goto done;
		}
		if (exists && !exists(ent, payload)) {
			rc = morgue_error_set(MORGUE_EINPUT, file, line, "unknown entity '%s'", ent);
			goto done;
		}
		size_t s = 0, e = 0;
		int approx = 0;
		size_t found = morgue_anchor_place(&s, &e, &approx, text, len, exact, prefix, suffix);
		if (found != 1) {
			morgue_warn(file, line, "orphaned anchor: \"%s\" for %s %s", exact, ent,
				    found ? "matches more than one place (add prefix/suffix)"
					  : "is not in the article text");
			continue;
		}
		if (approx)
			morgue_warn(file, line,
				    "anchor \"%s\" re-found approximately as \"%.*s\"; update exact",
				    exact, (int)(e - s), text + s);
		if (sup && morgue_value_get_bool(sup)) {
			*n = remove_overlap(*m, *n, s, e, ent);
			continue;
		}
		*n = remove_overlap(*m, *n, s, e, NULL);
		MORGUE_ARRAY_RESERVE(*m, *cap, *n + 1);
		morgue_mention *mm = &(*m)[(*n)++];
		mm->entity = morgue_strdup(ent);
		mm->surface = morgue_strndup(text + s, e - s);
		mm->offset = s;
		mm->length = e - s;
		mm->source = MORGUE_MENTION_STANDOFF;
	}
done:
	morgue_mentions_sort(*m, *n);
	morgue_value_free(doc);
	return rc;
}

static int cmp_attr(const void *x, const void *y)
{
	const morgue_attribution *a = x, *b = y;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if (a->length != b->length)
		return a->length > b->length ? -1 : 1;
	return 0;
}

void morgue_attributions_sort(morgue_attribution *a, size_t n)
{
	if (n > 1)
		qsort(a, n, sizeof(*a), cmp_attr);
}

static void attr_clear(morgue_attribution *a)
{
	free(a->source);
	free(a->source_text);
	free(a->cue);
	free(a->affiliation);
}

/* Remove attributions overlapping [s, e); with only_source set, only those
 * whose source is `source` (NULL: the anonymous and document ones). */
static size_t remove_attr_overlap(morgue_attribution *a, size_t n, size_t s, size_t e,
				  int only_source, const char *source)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		int ov = a[i].offset < e && a[i].offset + a[i].length > s;
		int same = !only_source || (source ? a[i].source && !strcmp(a[i].source, source)
						   : !a[i].source);
		if (ov && same) {
			attr_clear(&a[i]);
			continue;
		}
		a[w++] = a[i];
	}
	return w;
}

static int kind_parse(const char *k)
{
	static const char *const names[] = { "person", "organization", "publication",
					     "anonymous", "document" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(k, names[i]))
			return i;
	return -1;
}

/* The source kind of a registered entity of type t. */
static morgue_source_kind kind_of_type(int t)
{
	switch (t) {
	case MORGUE_ENTITY_PERSON:
		return MORGUE_SOURCE_PERSON;
	case MORGUE_ENTITY_PUBLICATION:
		return MORGUE_SOURCE_PUBLICATION;
	default:
		return MORGUE_SOURCE_ORGANIZATION;
	}
}

int morgue_annotate_attributions(morgue_attribution **a, size_t *n, const char *text,
				 size_t len, const char *yaml, size_t ylen, const char *file,
				 const morgue_attr_lookup *lk)
{
	morgue_value *doc = NULL;
	size_t cap = *n;
	int rc = morgue_yaml_parse(&doc, file, 1, yaml, ylen);
	if (rc < 0)
		return rc;
	if (morgue_value_type_of(doc) != MORGUE_VALUE_MAP)
		goto done; /* reported by morgue_annotate_standoff */
	const morgue_value *list = morgue_value_get(doc, "attributions");
	if (!list || morgue_value_type_of(list) == MORGUE_VALUE_NULL)
		goto done;
	if (morgue_value_type_of(list) != MORGUE_VALUE_LIST) {
		rc = morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(list),
				      "attributions: expected a list");
		goto done;
	}
	for (size_t i = 0; i < morgue_value_count(list); i++) {
		const morgue_value *it = morgue_value_at(list, i);
		int line = morgue_value_line(it);
		if (morgue_value_type_of(it) != MORGUE_VALUE_MAP) {
			rc = morgue_error_set(MORGUE_EINPUT, file, line,
					      "attributions: each entry must be a mapping");
			goto done;
		}
		const char *src = morgue_value_get_str(it, "source"), *exact = morgue_value_get_str(it, "exact");
		const char *prefix = morgue_value_get_str(it, "prefix"), *suffix = morgue_value_get_str(it, "suffix");
		const char *kind = morgue_value_get_str(it, "kind"), *cue = morgue_value_get_str(it, "cue");
		const char *desc = morgue_value_get_str(it, "description");
		const morgue_value *sup = morgue_value_get(it, "suppress");
		if (!src || !*src) {
			rc = morgue_error_set(MORGUE_EINPUT, file, line,
					      "attributions: source is required");
			goto done;
		}
		if (!exact || !*exact) {
			rc = morgue_error_set(MORGUE_EINPUT, file, line,
					      "attributions: exact is required");
			goto done;
		}
		if (sup && morgue_value_type_of(sup) != MORGUE_VALUE_BOOL) {
			rc = morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(sup),
					      "suppress: expected true or false");
			goto done;
		}
		int anon = !strcmp(src, "anonymous");
		if (!anon && lk && lk->exists && !lk->exists(src, lk->payload)) {
			rc = morgue_error_set(MORGUE_EINPUT, file, line, "unknown entity '%s'", src);
			goto done;
		}
		int k = -1;
		if (kind && (k = kind_parse(kind)) < 0) {
			rc = morgue_error_set(MORGUE_EINPUT, file, line,
					      "kind: expected person, organization, publication, "
					      "anonymous or document, not '%s'", kind);
			goto done;
		}
		if (k < 0) {
			int t = !anon && lk && lk->type ? lk->type(src, lk->payload) : -1;
			k = anon ? MORGUE_SOURCE_ANONYMOUS : t >= 0 ? (int)kind_of_type(t)
								    : MORGUE_SOURCE_ORGANIZATION;
		}
		size_t s = 0, e = 0;
		int approx = 0;
		size_t found = morgue_anchor_place(&s, &e, &approx, text, len, exact, prefix, suffix);
		if (found != 1) {
			morgue_warn(file, line, "orphaned anchor: \"%s\" for an attribution to %s %s",
				    exact, src,
				    found ? "matches more than one place (add prefix/suffix)"
					  : "is not in the article text");
			continue;
		}
		if (approx)
			morgue_warn(file, line,
				    "anchor \"%s\" re-found approximately as \"%.*s\"; update exact",
				    exact, (int)(e - s), text + s);
		if (sup && morgue_value_get_bool(sup)) {
			*n = remove_attr_overlap(*a, *n, s, e, 1, anon ? NULL : src);
			continue;
		}
		*n = remove_attr_overlap(*a, *n, s, e, 0, NULL);
		MORGUE_ARRAY_RESERVE(*a, cap, *n + 1);
		morgue_attribution *at = &(*a)[(*n)++];
		memset(at, 0, sizeof(*at));
		const char *nm = !anon && lk && lk->name ? lk->name(src, lk->payload) : NULL;
		at->source = anon ? NULL : morgue_strdup(src);
		at->source_text = morgue_strdup(desc && *desc ? desc
						: nm && *nm ? nm
						: anon ? "anonymous source" : src);
		at->kind = (morgue_source_kind)k;
		at->cue = morgue_strdup(cue && *cue ? cue : "annotation");
		at->offset = s;
		at->length = e - s;
		at->standoff = 1;
	}
done:
	morgue_attributions_sort(*a, *n);
	morgue_value_free(doc);
	return rc;
}
