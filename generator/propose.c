#include "propose.h"

#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <utf8proc.h>

#include "anchor.h"
#include "article.h"
#include "frontmatter.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/escape.h"
#include "value.h"

/* ---- a small string set / map (FNV-1a, open addressing) ---- */

typedef struct strmap {
	char **keys;
	size_t *vals;
	size_t n, cap; /* cap: power of two */
} strmap;

static unsigned long long fnv(const char *s, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* Slot of key s[0, n): where it is, or the empty slot where it goes. */
static size_t map_slot(const strmap *m, const char *s, size_t n)
{
	size_t i = (size_t)fnv(s, n) & (m->cap - 1);
	while (m->keys[i] && (strncmp(m->keys[i], s, n) || m->keys[i][n]))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static long map_get(const strmap *m, const char *s, size_t n)
{
	if (!m->cap)
		return -1;
	size_t i = map_slot(m, s, n);
	return m->keys[i] ? (long)m->vals[i] : -1;
}

/* Insert s[0, n) with value v unless present; returns the stored value. */
static size_t map_put(strmap *m, const char *s, size_t n, size_t v)
{
	if ((m->n + 1) * 2 > m->cap) {
		strmap g = { NULL, NULL, 0, m->cap ? m->cap * 2 : 64 };
		g.keys = morgue_calloc(g.cap, sizeof(*g.keys));
		g.vals = morgue_calloc(g.cap, sizeof(*g.vals));
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t j = map_slot(&g, m->keys[i], strlen(m->keys[i]));
				g.keys[j] = m->keys[i];
				g.vals[j] = m->vals[i];
				g.n++;
			}
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	size_t i = map_slot(m, s, n);
	if (!m->keys[i]) {
		m->keys[i] = morgue_strndup(s, n);
		m->vals[i] = v;
		m->n++;
	}
	return m->vals[i];
}

static void map_free(strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
}

/* ---- state ---- */

/* One occurrence of a capitalised sequence, resolved at the end (when the
 * archive's lower-case vocabulary is known). */
typedef struct occ {
	size_t article;
	char *words;     /* the sequence as written, words separated by ' ' */
	int initial;     /* starts a sentence */
	int titled;      /* a title ("President") came just before */
	int place;       /* "in", "from", "to" came just before */
} occ;

struct morgue_proposer {
	const morgue_gazetteer *g;
	char **articles;
	int *selected;
	size_t narticles, caparticles;
	occ *occs;
	size_t nocc, capocc;
	strmap lower;  /* folded words seen in lower case */
	strmap midcap; /* folded words seen capitalised within a sentence */
	morgue_candidate *cands;
	size_t ncands, capcands;
	morgue_unsure *unsure;
	size_t nunsure, capunsure;
	int done;
	morgue_gazetteer_hit *hits;
	size_t nhits, caphits;
	morgue_attr_review *reviews;
	size_t nreviews, capreviews;
};

int morgue_proposer_new(morgue_proposer **out, const morgue_gazetteer *g)
{
	morgue_proposer *p = morgue_calloc(1, sizeof(*p));
	p->g = g;
	*out = p;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void morgue_proposer_free(morgue_proposer *p)
{
	if (!p)
		return;
	strv_free(p->articles, p->narticles);
	free(p->selected);
	for (size_t i = 0; i < p->nocc; i++)
		free(p->occs[i].words);
	free(p->occs);
	map_free(&p->lower);
	map_free(&p->midcap);
	for (size_t i = 0; i < p->ncands; i++) {
		free(p->cands[i].name);
		free(p->cands[i].key);
		free(p->cands[i].articles);
	}
	free(p->cands);
	for (size_t i = 0; i < p->nunsure; i++) {
		morgue_unsure *u = &p->unsure[i];
		free(u->article);
		free(u->surface);
		strv_free(u->slugs, u->nslugs);
		free(u->context);
		free(u->found);
	}
	free(p->unsure);
	free(p->hits);
	for (size_t i = 0; i < p->nreviews; i++) {
		morgue_attr_review *r = &p->reviews[i];
		free(r->article);
		free(r->text);
		free(r->source);
		free(r->source_text);
		free(r->cue);
		free(r->excerpt);
	}
	free(p->reviews);
	free(p);
}

const char *morgue_unsure_kind_name(morgue_unsure_kind k)
{
	static const char *const names[] = { "ambiguous", "unanchored", "approximate", "orphan" };
	return (unsigned)k < 4 ? names[k] : "unknown";
}

/* ---- characters and words ---- */

static utf8proc_int32_t cp_at(const char *t, size_t len, size_t i, size_t *k)
{
	utf8proc_int32_t cp = 0;
	utf8proc_ssize_t r = i < len ? utf8proc_iterate((const utf8proc_uint8_t *)t + i,
							(utf8proc_ssize_t)(len - i), &cp)
				     : 0;
	if (k)
		*k = r > 0 ? (size_t)r : 1;
	return r > 0 ? cp : 0;
}

static utf8proc_int32_t cp_before(const char *t, size_t i)
{
	if (!i)
		return 0;
	size_t j = i - 1;
	while (j > 0 && i - j < 4 && ((unsigned char)t[j] & 0xC0) == 0x80)
		j--;
	return cp_at(t, i, j, NULL);
}


static int is_upper(utf8proc_int32_t cp)
{
	if (cp < 128)
		return cp >= 'A' && cp <= 'Z';
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

static int is_lower(utf8proc_int32_t cp)
{
	if (cp < 128)
		return cp >= 'a' && cp <= 'z';
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

typedef struct word {
	size_t s, e;   /* bytes, possessive 's excluded */
	size_t full;   /* end with the possessive */
	int cap;       /* starts with a capital */
	int allcaps;   /* two or more letters, all capitals */
} word;

/* The word starting at i (a word character): letters, digits and marks,
 * joined by - ' ’ and abbreviation dots ("U.S.", "V."). Returns its end
 * in the text (possessive included); w gets the word without it. */
static size_t scan_word(word *w, const char *t, size_t len, size_t i)
{
	size_t k, seg = 0, nletters = 0, nupper = 0;
	w->s = i;
	w->cap = is_upper(cp_at(t, len, i, NULL));
	while (i < len) {
		utf8proc_int32_t cp = cp_at(t, len, i, &k);
		if (morgue_is_word_char(cp)) {
			if (is_upper(cp))
				nupper++;
			if (is_upper(cp) || is_lower(cp))
				nletters++;
			seg++;
			i += k;
			continue;
		}
		size_t k2;
		utf8proc_int32_t next = cp_at(t, len, i + k, &k2);
		if (cp == '.' && seg == 1 && is_upper(cp_before(t, i))) {
			i += k; /* an initial or abbreviation: keep the dot */
			seg = 0;
			if (is_upper(next))
				continue;
			break;
		}
		if ((cp == '-' || cp == '\'' || cp == 0x2019) && morgue_is_word_char(next)) {
			i += k;
			seg = 0;
			continue;
		}
		break;
	}
	size_t end = i;
	w->e = w->full = end;
	/* possessive */
	if (end >= 2 && (t[end - 1] == 's' || t[end - 1] == 'S') && t[end - 2] == '\'')
		w->e = end - 2;
	else if (end >= 4 && (t[end - 1] == 's') && !memcmp(t + end - 4, "\xe2\x80\x99", 3))
		w->e = end - 4;
	w->allcaps = nletters >= 2 && nupper == nletters;
	return end;
}

static int word_in(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && !strncmp(s, *list, n))
			return 1;
	return 0;
}

/* Folded (lower-case) forms. */
static const char *const common[] = {
	"the", "a", "an", "and", "but", "or", "nor", "so", "yet", "for", "in", "on", "at",
	"to", "of", "by", "with", "from", "as", "if", "when", "while", "after", "before",
	"since", "until", "because", "although", "though", "however", "meanwhile", "this",
	"that", "these", "those", "it", "its", "he", "she", "they", "we", "i", "you", "his",
	"her", "their", "our", "my", "your", "there", "here", "what", "which", "who", "whom",
	"whose", "where", "why", "how", "all", "some", "many", "most", "no", "not", "yes",
	"one", "two", "three", "also", "then", "now", "still", "even", "only", "just",
	"according", "despite", "during", "under", "over", "into", "about", "against",
	"between", "both", "each", "every", "other", "another", "such", "more", "less",
	"is", "was", "are", "were", "be", "been", "has", "have", "had", "do", "does", "did",
	"will", "would", "can", "could", "should", "may", "might", "must", "let", "per",
	"mr", "mrs", "ms", "dr", "update", "read", "see", "photo", "source", "sources",
	"via", "well", "yesterday", "today", "tomorrow", "last", "next", "new", "ps", "imho",
	"lol", "omg", "btw", "fyi", "ok", "okay", "yeah", "wow", "arab", "arabs", "muslim",
	"muslims", "jewish", "jew", "jews", "christian", "christians", "catholic", "sunni",
	"shia", "shiite", "kurdish", "kurds", "european", "europeans", "western", "eastern",
	"soviet", "northern", "southern", "islamic", "german", "germans", "french", "british",
	"dutch", "greek", "swiss", "american", "americans", "west", "east", "north", "south",
	"later", "earlier", "instead", "perhaps", "maybe", "indeed", "thus", "hence",
	"therefore", "moreover", "furthermore", "again", "once", "soon", "first", "second",
	"finally", "eventually", "recently", "initially", "previously", "currently",
	"apparently", "obviously", "certainly", "clearly", "actually", "anyway", "anyhow",
	"nope", "sadly", "luckily", "unfortunately", "fortunately", "importantly", "notably",
	"similarly", "likewise", "otherwise", "overall", "asked", "given", "including",
	"speaking", "unlike", "like", "following", "amid", "among", "without", "within",
	"behind", "beyond", "above", "below", "through", "throughout", "toward", "towards",
	"upon", "whether", "unless", "whereas", "having", "being", "none", "nothing",
	"everyone", "someone", "anyone", "nobody", "everything", "something", "anything",
	NULL,
};
static const char *const titles[] = {
	"president", "vice", "prime", "minister", "secretary", "general", "senator", "sen",
	"rep", "representative", "gov", "governor", "ambassador", "director", "chancellor",
	"king", "queen", "pope", "chief", "attorney", "former", "foreign", "deputy", "defense",
	"defence", "state", "adviser", "advisor", "national", "security", "mr", "mrs", "ms",
	"dr", "sir", "lord", "lady", "general", "gen", "col", "colonel", "adm", "admiral",
	"judge", "justice", "speaker", "leader", "mayor", "spokesman", "spokeswoman",
	"spokesperson", "ex", "acting", "senior", "officials", "official", "sheikh", "prince",
	"princess", "rabbi", "reverend", "rev", "chairman", "chair", "ceo", "founder", "mp",
	"amb", "lt", "sgt", "capt", "cpt", "maj", "st",
	NULL,
};
static const char *const calendar[] = {
	"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december", "monday", "tuesday", "wednesday",
	"thursday", "friday", "saturday", "sunday", "jan", "feb", "mar", "apr", "jun", "jul",
	"aug", "sep", "sept", "oct", "nov", "dec",
	NULL,
};
static const char *const connectors[] = {
	"of", "for", "de", "da", "del", "der", "di", "du", "van", "von", "bin", "ibn", "al",
	"la", "le", "y",
	NULL,
};
static const char *const place_preps[] = { "in", "from", "to", "near", "across", "visited", NULL };
static const char *const org_words[] = {
	"party", "agency", "ministry", "department", "council", "committee", "bank",
	"university", "company", "corporation", "inc", "corp", "association", "union",
	"court", "office", "service", "services", "institute", "foundation", "group", "army",
	"navy", "forces", "senate", "parliament", "commission", "bureau", "administration",
	"intelligence", "police", "agency", "center", "centre", "fund", "league", "network",
	"organization", "organisation", "command", "school", "college", "church", "club",
	"holdings", "partners", "studies", "authority", "ltd", "llc", "plc", "gmbh",
	NULL,
};
static const char *const pub_words[] = {
	"times", "post", "news", "journal", "herald", "tribune", "gazette", "magazine",
	"daily", "review", "telegraph", "guardian", "observer", "press", "wire", "radio", "tv",
	NULL,
};

static void fold_into(morgue_buf *b, const char *s, size_t n)
{
	morgue_buf_clear(b);
	morgue_fold(b, NULL, NULL, s, n);
	if (!b->ptr)
		morgue_buf_puts(b, "");
}

/* Whether word w starts a sentence: only spaces and opening quotes or
 * brackets since the block start or a . ! ? : ; */
static int sentence_start(const char *t, size_t block, size_t i)
{
	while (i > block) {
		utf8proc_int32_t cp = cp_before(t, i);
		size_t k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (cp == ' ' || cp == '\n' || cp == '"' || cp == '(' || cp == '[' ||
		    cp == 0x201C || cp == 0x2018 || cp == '\'' || cp == '*' || cp == '-' ||
		    cp == 0x2013 || cp == 0x2014) {
			i -= k;
			continue;
		}
		return cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == ';' || cp == 0x2026;
	}
	return 1;
}

/* The word before byte i (folded) is in list. */
static int prev_word_in(morgue_buf *tmp, const char *t, size_t block, size_t i,
			const char *const *list)
{
	size_t e = i;
	while (e > block && (t[e - 1] == ' ' || t[e - 1] == '\n'))
		e--;
	size_t s = e;
	while (s > block && morgue_is_word_char(cp_before(t, s)))
		s -= cp_before(t, s) < 0x80 ? 1 : cp_before(t, s) < 0x800 ? 2 : 3;
	if (s == e)
		return 0;
	fold_into(tmp, t + s, e - s);
	return word_in(tmp->ptr, tmp->size, list);
}

/* ---- feeding ---- */

static size_t add_article(morgue_proposer *p, const char *name, int selected)
{
	MORGUE_ARRAY_RESERVE(p->articles, p->caparticles, p->narticles + 1);
	p->selected = morgue_realloc(p->selected, p->caparticles * sizeof(*p->selected));
	p->articles[p->narticles] = morgue_strdup(name);
	p->selected[p->narticles] = selected;
	return p->narticles++;
}

/* One line of context around [s, e): up to ~40 bytes each side. */
static char *context_of(const char *t, size_t len, size_t s, size_t e)
{
	size_t a = s > 40 ? s - 40 : 0, b = e + 40 < len ? e + 40 : len;
	while (a > 0 && a < s && ((unsigned char)t[a] & 0xC0) == 0x80)
		a--;
	while (b < len && ((unsigned char)t[b] & 0xC0) == 0x80)
		b++;
	morgue_buf out = MORGUE_BUF_INIT;
	if (a > 0)
		morgue_buf_puts(&out, "…");
	for (size_t i = a; i < b; i++)
		morgue_buf_putc(&out, t[i] == '\n' || t[i] == '\t' ? ' ' : t[i]);
	if (b < len)
		morgue_buf_puts(&out, "…");
	return morgue_buf_detach(&out);
}

static size_t count_before(const char *t, size_t len, const char *exact, size_t off)
{
	size_t n = strlen(exact), c = 0;
	for (size_t i = 0; n && i + n <= len && i < off; i++)
		if (!memcmp(t + i, exact, n))
			c++;
	return c;
}

long morgue_propose_nth(const char *text, size_t len, const char *exact, size_t n)
{
	size_t m = strlen(exact), c = 0;
	for (size_t i = 0; m && i + m <= len; i++)
		if (!memcmp(text + i, exact, m) && ++c == n)
			return (long)i;
	return -1;
}

static morgue_unsure *new_unsure(morgue_proposer *p, morgue_unsure_kind kind,
				 const char *article)
{
	MORGUE_ARRAY_RESERVE(p->unsure, p->capunsure, p->nunsure + 1);
	morgue_unsure *u = &p->unsure[p->nunsure++];
	memset(u, 0, sizeof(*u));
	u->kind = kind;
	u->article = morgue_strdup(article);
	return u;
}

typedef struct span {
	size_t s, e;
} span;

/* Check the anchors of the annotation file; collect suppressed spans. */
static void check_anchors(morgue_proposer *p, const char *article, int selected,
			  const char *text, size_t len, const char *yaml, size_t ylen,
			  span **sup, size_t *nsup)
{
	morgue_value *doc = NULL;
	size_t cap = 0;
	static const char *const lists[] = { "mentions", "attributions" };

	if (morgue_yaml_parse(&doc, "annotations", 1, yaml, ylen) < 0) {
		morgue_error_clear();
		return;
	}
	for (size_t l = 0; l < 2 && morgue_value_type_of(doc) == MORGUE_VALUE_MAP; l++) {
		const morgue_value *list = morgue_value_get(doc, lists[l]);
		for (size_t i = 0; i < morgue_value_count(list) &&
				   morgue_value_type_of(list) == MORGUE_VALUE_LIST; i++) {
			const morgue_value *it = morgue_value_at(list, i);
			const char *exact = morgue_value_get_str(it, "exact");
			const char *who = morgue_value_get_str(it, l ? "source" : "entity");
			if (!exact || !*exact)
				continue;
			size_t s = 0, e = 0;
			int approx = 0;
			size_t found = morgue_anchor_place(&s, &e, &approx, text, len, exact,
							   morgue_value_get_str(it, "prefix"), morgue_value_get_str(it, "suffix"));
			if (found == 1 && !l && morgue_value_get_bool(morgue_value_get(it, "suppress"))) {
				MORGUE_ARRAY_RESERVE(*sup, cap, *nsup + 1);
				(*sup)[(*nsup)++] = (span){ s, e };
			}
			if (!selected || (found == 1 && !approx))
				continue;
			morgue_unsure *u = new_unsure(p, found == 1 ? MORGUE_UNSURE_APPROXIMATE
								    : MORGUE_UNSURE_ORPHAN, article);
			u->surface = morgue_strdup(exact);
			u->line = morgue_value_line(it);
			if (who) {
				u->slugs = morgue_malloc(sizeof(*u->slugs));
				u->slugs[u->nslugs++] = morgue_strdup(who);
			}
			if (found == 1) {
				u->offset = s;
				u->found = morgue_strndup(text + s, e - s);
				u->context = context_of(text, len, s, e);
				u->occurrence = count_before(text, len, u->found, s) + 1;
			} else
				u->context = morgue_strdup(found ? "matches more than one place"
								 : "not in the article text");
		}
	}
	morgue_value_free(doc);
}

static int cmp_hit(const void *x, const void *y)
{
	const morgue_gazetteer_hit *a = x, *b = y;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->end > b->end ? -1 : a->end < b->end;
}

static int overlaps(size_t s, size_t e, const span *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].s < e && v[i].e > s)
			return 1;
	return 0;
}

/* Raw hits that are not mentions: the unsure ones. Marks every hit at
 * word boundaries in mask (known names never make candidates). */
static void find_unsure(morgue_proposer *p, const char *article, int selected,
			const char *text, size_t len, const morgue_mention *m, size_t nm,
			const span *sup, size_t nsup, unsigned char *mask)
{
	morgue_buf tmp = MORGUE_BUF_INIT;
	span *ms = morgue_malloc((nm ? nm : 1) * sizeof(*ms));
	size_t cursor = 0;

	for (size_t i = 0; i < nm; i++) {
		ms[i] = (span){ m[i].offset, m[i].offset + m[i].length };
		if (ms[i].e <= len)
			memset(mask + ms[i].s, 1, ms[i].e - ms[i].s);
	}
	p->nhits = 0;
	morgue_gazetteer_scan(p->g, text, len, &p->hits, &p->nhits, &p->caphits);
	if (p->nhits > 1)
		qsort(p->hits, p->nhits, sizeof(*p->hits), cmp_hit);
	for (size_t i = 0; i < p->nhits; i++) {
		morgue_gazetteer_hit h = p->hits[i];
		if (morgue_is_word_char(cp_before(text, h.start)) || morgue_is_word_char(cp_at(text, len, h.end, NULL)))
			continue;
		if (!is_upper(cp_at(text, len, h.start, NULL)))
			continue; /* a lower-case word, not a name */
		/* a registered name of several words is never part of a candidate;
		 * a lone surname may be ("Grace Escobar" beside "Escobar") */
		if (memchr(text + h.start, ' ', h.end - h.start) ||
		    memchr(text + h.start, '\n', h.end - h.start))
			memset(mask + h.start, 1, h.end - h.start);
		else
			for (size_t k = h.start; k < h.end; k++)
				mask[k] = mask[k] ? mask[k] : 2;
		if (h.start < cursor)
			continue;
		cursor = h.end;
		if (!selected || overlaps(h.start, h.end, ms, nm) || overlaps(h.start, h.end, sup, nsup))
			continue;
		fold_into(&tmp, text + h.start, h.end - h.start);
		if (word_in(tmp.ptr, tmp.size, calendar))
			continue;
		size_t na;
		const morgue_gazetteer_alias *al = morgue_gazetteer_aliases(p->g, h.key, &na);
		int ambiguous = morgue_gazetteer_key_ambiguous(p->g, h.key), bare = 0;
		for (size_t k = 0; k < na; k++)
			bare |= al[k].bare;
		if (!ambiguous && !bare)
			continue;
		morgue_unsure *u = new_unsure(p, ambiguous ? MORGUE_UNSURE_AMBIGUOUS
							   : MORGUE_UNSURE_UNANCHORED, article);
		u->surface = morgue_strndup(text + h.start, h.end - h.start);
		u->offset = h.start;
		u->occurrence = count_before(text, len, u->surface, h.start) + 1;
		u->context = context_of(text, len, h.start, h.end);
		u->slugs = morgue_malloc(na * sizeof(*u->slugs));
		for (size_t k = 0; k < na; k++) {
			const char *slug = morgue_gazetteer_slug(p->g, al[k].entity);
			size_t j;
			for (j = 0; j < u->nslugs; j++)
				if (!strcmp(u->slugs[j], slug))
					break;
			if (j == u->nslugs)
				u->slugs[u->nslugs++] = morgue_strdup(slug);
		}
	}
	free(ms);
	morgue_buf_free(&tmp);
}

/* mask: 1 = a mention or registered name of several words, 2 = a
 * registered one-word name that is not a mention. A word is out when it
 * touches a 1, or a 2 that covers only part of it ("Bush-Obama"). */
static int masked(const unsigned char *mask, const word *w)
{
	size_t soft = 0;
	for (size_t i = w->s; i < w->full; i++) {
		if (mask[i] == 1)
			return 1;
		soft += mask[i] == 2;
	}
	return soft && soft < w->e - w->s;
}

static int soft_masked(const unsigned char *mask, const word *w)
{
	for (size_t i = w->s; i < w->e; i++)
		if (mask[i] == 2)
			return 1;
	return 0;
}

/* Capitalised sequences of one block [bs, be), as occurrences. */
static void scan_block(morgue_proposer *p, size_t art, const char *t, size_t len, size_t bs,
		       size_t be, const unsigned char *mask)
{
	morgue_buf tmp = MORGUE_BUF_INIT, seq = MORGUE_BUF_INIT;
	word *w = NULL;
	size_t nw = 0, capw = 0, ncap = 0, nletter = 0;

	/* the words first: a Title Case block (a headline) is skipped */
	for (size_t i = bs; i < be;) {
		size_t k;
		utf8proc_int32_t cp = cp_at(t, len, i, &k);
		if (!morgue_is_word_char(cp)) {
			i += k;
			continue;
		}
		MORGUE_ARRAY_RESERVE(w, capw, nw + 1);
		i = scan_word(&w[nw], t, be, i);
		if (w[nw].e <= w[nw].s) {
			continue;
		}
		fold_into(&tmp, t + w[nw].s, w[nw].e - w[nw].s);
		if (is_upper(cp) || is_lower(cp)) {
			nletter++;
			if (w[nw].cap) {
				ncap++;
				if (!sentence_start(t, bs, w[nw].s))
					map_put(&p->midcap, tmp.ptr, tmp.size, 0);
			}
			else if (!word_in(tmp.ptr, tmp.size, connectors) &&
				 !word_in(tmp.ptr, tmp.size, common))
				map_put(&p->lower, tmp.ptr, tmp.size, 0);
		}
		nw++;
	}
	/* a headline: mostly capitalised words and no closing full stop */
	size_t tail = be;
	while (tail > bs && (t[tail - 1] == ' ' || t[tail - 1] == '\n' || t[tail - 1] == '"' ||
			     t[tail - 1] == ')'))
		tail--;
	if (nletter >= 4 && ncap * 10 >= nletter * 7 && tail > bs && t[tail - 1] != '.')
		goto done;

	for (size_t i = 0; i < nw;) {
		if (!w[i].cap || masked(mask, &w[i])) {
			i++;
			continue;
		}
		fold_into(&tmp, t + w[i].s, w[i].e - w[i].s);
		if (word_in(tmp.ptr, tmp.size, calendar)) {
			i++;
			continue;
		}
		/* extend: capitalised words joined by one space or line break,
		 * or by a connector between two of them */
		size_t j = i + 1, last = i;
		while (j < nw) {
			size_t gap_s = w[last].full, gap_e = w[j].s;
			/* one space or line break; a possessive or punctuation
			 * ends the sequence */
			int amp = gap_e - gap_s == 3 && !memcmp(t + gap_s, " & ", 3);
			if ((!amp && (gap_e - gap_s != 1 || (t[gap_s] != ' ' && t[gap_s] != '\n'))) ||
			    w[last].e != w[last].full)
				break;
			if (w[j].cap && !masked(mask, &w[j])) {
				fold_into(&tmp, t + w[j].s, w[j].e - w[j].s);
				if (word_in(tmp.ptr, tmp.size, calendar))
					break;
				last = j++;
				continue;
			}
			fold_into(&tmp, t + w[j].s, w[j].e - w[j].s);
			if (!w[j].cap && word_in(tmp.ptr, tmp.size, connectors) && j + 1 < nw &&
			    w[j + 1].cap && !masked(mask, &w[j + 1]) &&
			    !soft_masked(mask, &w[j + 1]) && w[j + 1].s - w[j].e == 1 &&
			    t[w[j].e] == ' ') {
				last = j + 1;
				j += 2;
				continue;
			}
			break;
		}
		morgue_buf_clear(&seq);
		for (size_t k = i; k <= last; k++) {
			if (k > i)
				morgue_buf_puts(&seq, t[w[k].s - 2] == '&' ? " & " : " ");
			morgue_buf_put(&seq, t + w[k].s, w[k].e - w[k].s);
		}
		MORGUE_ARRAY_RESERVE(p->occs, p->capocc, p->nocc + 1);
		occ *o = &p->occs[p->nocc++];
		o->article = art;
		o->words = morgue_strdup(seq.ptr);
		o->initial = sentence_start(t, bs, w[i].s);
		o->titled = prev_word_in(&tmp, t, bs, w[i].s, titles);
		o->place = prev_word_in(&tmp, t, bs, w[i].s, place_preps);
		i = last + 1;
	}
done:
	free(w);
	morgue_buf_free(&tmp);
	morgue_buf_free(&seq);
}

int morgue_proposer_add(morgue_proposer *p, const char *article, const char *text,
			size_t len, const morgue_mention *m, size_t nm, const char *yaml,
			size_t ylen, int selected)
{
	size_t art = add_article(p, article, selected);
	unsigned char *mask = morgue_calloc(len + 1, 1);
	span *sup = NULL;
	size_t nsup = 0;

	p->done = 0;
	if (yaml && ylen)
		check_anchors(p, article, selected, text, len, yaml, ylen, &sup, &nsup);
	find_unsure(p, article, selected, text, len, m, nm, sup, nsup, mask);
	for (size_t bs = 0; bs < len;) {
		size_t be = bs;
		while (be < len && !(text[be] == '\n' && be + 1 < len && text[be + 1] == '\n'))
			be++;
		scan_block(p, art, text, len, bs, be, mask);
		bs = be + 2;
	}
	free(sup);
	free(mask);
	return 0;
}

/* ---- attributions to review ---- */

const char *morgue_review_kind_name(morgue_review_kind k)
{
	static const char *const names[] = { "anonymous", "document", "pronoun",
					     "unattributed" };
	return (unsigned)k < 4 ? names[k] : "unknown";
}

static int is_pronoun(const char *s)
{
	return s && (!strcasecmp(s, "he") || !strcasecmp(s, "she") || !strcasecmp(s, "they"));
}

static void add_review(morgue_proposer *p, morgue_review_kind kind, const char *article,
		       const char *text, size_t len, size_t s, size_t e, const char *source,
		       const char *skind, const char *stext, const char *cue)
{
	if (e <= s || memchr(text + s, '\n', e - s))
		return;
	MORGUE_ARRAY_RESERVE(p->reviews, p->capreviews, p->nreviews + 1);
	morgue_attr_review *r = &p->reviews[p->nreviews++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->article = morgue_strdup(article);
	r->text = morgue_strndup(text + s, e - s);
	r->offset = s;
	r->occurrence = count_before(text, len, r->text, s) + 1;
	r->source = morgue_strdup(source ? source : "anonymous");
	r->skind = skind;
	r->source_text = stext ? morgue_strdup(stext) : NULL;
	r->cue = cue ? morgue_strdup(cue) : NULL;
	size_t xe = e - s > 70 ? s + 70 : e;
	while (xe < e && ((unsigned char)text[xe] & 0xC0) == 0x80)
		xe++;
	morgue_buf x = MORGUE_BUF_INIT;
	morgue_buf_put(&x, text + s, xe - s);
	if (xe < e)
		morgue_buf_puts(&x, "…");
	r->excerpt = morgue_buf_detach(&x);
}

/* Spans of the annotation file's attribution entries with suppress set. */
static void dismissed(span **out, size_t *n, const char *text, size_t len, const char *yaml,
		      size_t ylen)
{
	morgue_value *doc = NULL;
	size_t cap = 0;
	if (morgue_yaml_parse(&doc, "annotations", 1, yaml, ylen) < 0) {
		morgue_error_clear();
		return;
	}
	const morgue_value *list = morgue_value_type_of(doc) == MORGUE_VALUE_MAP
					   ? morgue_value_get(doc, "attributions")
					   : NULL;
	for (size_t i = 0; list && morgue_value_type_of(list) == MORGUE_VALUE_LIST &&
			   i < morgue_value_count(list); i++) {
		const morgue_value *it = morgue_value_at(list, i);
		const char *exact = morgue_value_get_str(it, "exact");
		size_t s = 0, e = 0;
		int approx = 0;
		if (!exact || !*exact || !morgue_value_get_bool(morgue_value_get(it, "suppress")) ||
		    morgue_anchor_place(&s, &e, &approx, text, len, exact, morgue_value_get_str(it, "prefix"),
					morgue_value_get_str(it, "suffix")) != 1)
			continue;
		MORGUE_ARRAY_RESERVE(*out, cap, *n + 1);
		(*out)[(*n)++] = (span){ s, e };
	}
	morgue_value_free(doc);
}

/* The quotation closing the one opened at i (q: its mark's bytes) within
 * the paragraph: *cs, *ce the content, return the byte after the close, or
 * 0 when none. */
static size_t quote_close(const char *t, size_t len, size_t i, size_t q, size_t *cs,
			  size_t *ce)
{
	int curly = q == 3;
	for (size_t j = i + q; j < len; j++) {
		if (t[j] == '\n' && j + 1 < len && t[j + 1] == '\n')
			return 0;
		if (curly ? (j + 3 <= len && !memcmp(t + j, "\xe2\x80\x9d", 3)) : t[j] == '"') {
			*cs = i + q;
			*ce = j;
			return j + (curly ? 3 : 1);
		}
		if (curly && j + 3 <= len && !memcmp(t + j, "\xe2\x80\x9c", 3))
			return 0;
	}
	return 0;
}

static size_t word_count(const char *t, size_t s, size_t e)
{
	size_t n = 0;
	for (size_t i = s; i < e; i++)
		if (t[i] != ' ' && t[i] != '\n' && (i == s || t[i - 1] == ' ' || t[i - 1] == '\n'))
			n++;
	return n;
}

int morgue_proposer_add_attributions(morgue_proposer *p, const char *article,
				     const char *text, size_t len,
				     const morgue_attribution *a, size_t na,
				     const morgue_mention *m, size_t nm, const char *yaml,
				     size_t ylen, int selected)
{
	span *dis = NULL;
	size_t ndis = 0;

	if (!selected)
		return 0;
	p->done = 0;
	for (size_t i = 0; i < na; i++) {
		const morgue_attribution *x = &a[i];
		if (x->standoff || x->offset + x->length > len)
			continue;
		morgue_review_kind k = x->kind == MORGUE_SOURCE_ANONYMOUS  ? MORGUE_REVIEW_ANONYMOUS
				       : x->kind == MORGUE_SOURCE_DOCUMENT ? MORGUE_REVIEW_DOCUMENT
				       : is_pronoun(x->source_text)       ? MORGUE_REVIEW_PRONOUN
									  : (morgue_review_kind)-1;
		if ((int)k < 0)
			continue;
		add_review(p, k, article, text, len, x->offset, x->offset + x->length, x->source,
			   morgue_source_kind_name(x->kind), x->source_text, x->cue);
	}
	if (yaml && ylen)
		dismissed(&dis, &ndis, text, len, yaml, ylen);
	for (size_t i = 0, ps = 0; i < len; i++) {
		if (text[i] == '\n' && i + 1 < len && text[i + 1] == '\n')
			ps = i + 2;
		size_t q = text[i] == '"' ? 1
			   : i + 3 <= len && !memcmp(text + i, "\xe2\x80\x9c", 3) ? 3
										  : 0;
		size_t cs, ce, next;
		if (!q || !(next = quote_close(text, len, i, q, &cs, &ce)))
			continue;
		while (cs < ce && text[cs] == ' ')
			cs++;
		while (ce > cs && (text[ce - 1] == ' ' || text[ce - 1] == ',' ||
				   text[ce - 1] == '.' || text[ce - 1] == ';' || text[ce - 1] == ':'))
			ce--;
		int covered = word_count(text, cs, ce) < 8;
		for (size_t j = 0; j < na && !covered; j++)
			covered = a[j].offset < ce && a[j].offset + a[j].length > cs;
		for (size_t j = 0; j < ndis && !covered; j++)
			covered = dis[j].s < ce && dis[j].e > cs;
		if (!covered) {
			/* a guess: the last speaker-like entity named before, in the paragraph */
			const char *guess = NULL;
			for (size_t j = 0; j < nm && m[j].offset < i; j++) {
				long e = p->g ? morgue_gazetteer_find(p->g, m[j].entity) : -1;
				int t = e >= 0 ? morgue_gazetteer_type(p->g, (size_t)e) : -1;
				if (m[j].offset >= ps &&
				    (t == MORGUE_ENTITY_PERSON || t == MORGUE_ENTITY_ORGANIZATION ||
				     t == MORGUE_ENTITY_PUBLICATION))
					guess = m[j].entity;
			}
			add_review(p, MORGUE_REVIEW_UNATTRIBUTED, article, text, len, cs, ce, guess,
				   guess ? NULL : "anonymous", NULL, NULL);
		}
		i = next - 1;
	}
	free(dis);
	return 0;
}

/* ---- resolving the candidates ---- */

typedef struct tally {
	strmap spell;      /* spelling -> index into counts */
	size_t *counts;
	size_t ncounts, capcounts;
	size_t titled, place;
	size_t *arts;
	size_t narts, caparts;
	int any_selected;
} tally;

static int cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return a < b ? -1 : a > b;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int cmp_cand(const void *x, const void *y)
{
	const morgue_candidate *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	int c = strcmp(a->key, b->key);
	return c ? c : strcmp(a->name, b->name);
}

static int cmp_review(const void *x, const void *y)
{
	const morgue_attr_review *a = x, *b = y;
	int c = strcmp(a->article, b->article);
	return c ? c : a->offset < b->offset ? -1 : a->offset > b->offset;
}

static int cmp_unsure(const void *x, const void *y)
{
	const morgue_unsure *a = x, *b = y;
	int c = strcmp(a->article, b->article);
	if (c)
		return c;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->line - b->line;
}

/* An adjective of nationality or faith ("Russian", "Israeli"), folded. */
static int demonym(const char *w, size_t n)
{
	static const char *const ends[] = { "ian", "ean", "ese", "ish", "eli", "aqi", "ani",
					    "ians", "eans", "elis", "is", NULL };
	if (n < 5)
		return 0;
	for (const char *const *e = ends; *e; e++) {
		size_t k = strlen(*e);
		if (!strncmp(w + n - k, *e, k) && (k > 2 || !strncmp(w + n - 3, "lis", 3)))
			return 1;
	}
	return n >= 8 && !strncmp(w + n - 2, "al", 2);
}

/* Judge one occurrence: the name it proposes (appended to out, folded
 * into key), or 0 when it proposes none. Leading titles and common words
 * go (and at a sentence start, words the archive writes in lower case),
 * so do trailing common words; what is left must be 1 to 5 words with at
 * least one that looks like a name (never written in lower case, not a
 * title, month or adjective of nationality), and a lone word at a
 * sentence start must also occur capitalised within a sentence. */
static int trim_seq(morgue_proposer *p, const occ *o, morgue_buf *out, morgue_buf *key,
		    int *titled)
{
	size_t st[64], ln[64], n = 0, lo = 0, hi;
	int initial = o->initial, namey = 0;
	*titled = o->titled;
	for (const char *c = o->words; *c && n < 64;) {
		const char *sp = strchr(c, ' ');
		st[n] = (size_t)(c - o->words);
		ln[n++] = sp ? (size_t)(sp - c) : strlen(c);
		c = sp ? sp + 1 : c + strlen(c);
	}
	while (lo < n) {
		fold_into(key, o->words + st[lo], ln[lo]);
		if (word_in(key->ptr, key->size, titles)) {
			*titled = 1;
			initial = 0;
		} else if (!word_in(key->ptr, key->size, common) &&
			   !(initial && map_get(&p->lower, key->ptr, key->size) >= 0))
			break;
		lo++;
	}
	hi = n;
	while (hi > lo) {
		fold_into(key, o->words + st[hi - 1], ln[hi - 1]);
		if (!word_in(key->ptr, key->size, common) && !word_in(key->ptr, key->size, titles) &&
		    !word_in(key->ptr, key->size, connectors))
			break;
		hi--;
	}
	if (hi == lo || hi - lo > 5)
		return 0;
	for (size_t i = lo; i < hi; i++) {
		fold_into(key, o->words + st[i], ln[i]);
		const char *w = key->ptr;
		size_t k = key->size;
		if (k >= 2 && !word_in(w, k, common) && !word_in(w, k, titles) &&
		    !word_in(w, k, connectors) && !word_in(w, k, calendar) && !demonym(w, k) &&
		    map_get(&p->lower, w, k) < 0 && !strstr(w, "n't"))
			namey = 1;
	}
	if (!namey)
		return 0;
	if (hi - lo == 1 && initial) {
		fold_into(key, o->words + st[lo], ln[lo]);
		if (map_get(&p->midcap, key->ptr, key->size) < 0)
			return 0;
	}
	morgue_buf_clear(out);
	morgue_buf_put(out, o->words + st[lo], st[hi - 1] + ln[hi - 1] - st[lo]);
	fold_into(key, out->ptr, out->size);
	return 1;
}

static const char *guess_type(const char *name, const char *key, const tally *t, size_t count)
{
	const char *lastsp = strrchr(key, ' ');
	const char *last = lastsp ? lastsp + 1 : key;
	size_t words = 1, letters = 0, upper = 0;
	for (const char *c = key; *c; c++)
		words += *c == ' ';
	for (const char *c = name; *c; c++) {
		letters += (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
		upper += *c >= 'A' && *c <= 'Z';
	}
	if (word_in(last, strlen(last), pub_words) && words > 1)
		return "publication";
	if (word_in(last, strlen(last), org_words) || (letters >= 2 && upper == letters) ||
	    strchr(name, '&'))
		return "organization";
	for (const char *wd = key; wd; wd = strchr(wd, ' ') ? strchr(wd, ' ') + 1 : NULL) {
		const char *sp = strchr(wd, ' ');
		if (word_in(wd, sp ? (size_t)(sp - wd) : strlen(wd), org_words))
			return "organization";
	}
	if (t->titled)
		return "person";
	if (t->place * 2 >= count && t->place)
		return "place";
	if (words >= 2 && words <= 3)
		return "person";
	return "topic";
}

/* Whether the gazetteer registers key exactly (a hit over all of it). */
static int registered(morgue_proposer *p, const char *name)
{
	size_t len = strlen(name);
	p->nhits = 0;
	morgue_gazetteer_scan(p->g, name, len, &p->hits, &p->nhits, &p->caphits);
	for (size_t i = 0; i < p->nhits; i++)
		if (p->hits[i].start == 0 && p->hits[i].end >= len - (name[len - 1] == '.'))
			return 1;
	return 0;
}

/* A lone word that is the surname of a proposed or registered person
 * ("Babbage" beside "Charles Babbage") is not an entity of its own. */
static void drop_surnames(morgue_proposer *p)
{
	strmap last = { 0 };
	morgue_buf key = MORGUE_BUF_INIT;
	size_t w = 0;

	for (size_t i = 0; i < morgue_gazetteer_entity_count(p->g); i++) {
		if (morgue_gazetteer_type(p->g, i) != MORGUE_ENTITY_PERSON)
			continue;
		fold_into(&key, morgue_gazetteer_name(p->g, i), strlen(morgue_gazetteer_name(p->g, i)));
		const char *sp = strrchr(key.ptr, ' ');
		if (sp)
			map_put(&last, sp + 1, strlen(sp + 1), 0);
	}
	for (size_t i = 0; i < p->ncands; i++) {
		const char *sp = strrchr(p->cands[i].key, ' ');
		if (sp && !strcmp(p->cands[i].type, "person"))
			map_put(&last, sp + 1, strlen(sp + 1), 0);
	}
	for (size_t i = 0; i < p->ncands; i++) {
		morgue_candidate *c = &p->cands[i];
		if (!strchr(c->key, ' ') && map_get(&last, c->key, strlen(c->key)) >= 0) {
			free(c->name);
			free(c->key);
			free(c->articles);
			continue;
		}
		p->cands[w++] = *c;
	}
	p->ncands = w;
	map_free(&last);
	morgue_buf_free(&key);
}

static void finish(morgue_proposer *p)
{
	strmap keys = { 0 };
	tally *tl = NULL;
	size_t ntl = 0, captl = 0;
	morgue_buf key = MORGUE_BUF_INIT, kept = MORGUE_BUF_INIT;

	if (p->done)
		return;
	for (size_t i = 0; i < p->ncands; i++) {
		free(p->cands[i].name);
		free(p->cands[i].key);
		free(p->cands[i].articles);
	}
	p->ncands = 0;
	for (size_t i = 0; i < p->nocc; i++) {
		const occ *o = &p->occs[i];
		int titled;
		if (!trim_seq(p, o, &kept, &key, &titled) || registered(p, kept.ptr))
			continue;
		const char *s = kept.ptr;
		size_t idx = map_put(&keys, key.ptr, key.size, ntl);
		if (idx == ntl) {
			MORGUE_ARRAY_RESERVE(tl, captl, ntl + 1);
			memset(&tl[ntl], 0, sizeof(*tl));
			ntl++;
		}
		tally *t = &tl[idx];
		size_t sp = map_put(&t->spell, s, strlen(s), t->ncounts);
		if (sp == t->ncounts) {
			MORGUE_ARRAY_RESERVE(t->counts, t->capcounts, t->ncounts + 1);
			t->counts[t->ncounts++] = 0;
		}
		t->counts[sp]++;
		t->titled += titled;
		t->place += o->place;
		t->any_selected |= p->selected[o->article];
		if (!t->narts || t->arts[t->narts - 1] != o->article) {
			MORGUE_ARRAY_RESERVE(t->arts, t->caparts, t->narts + 1);
			t->arts[t->narts++] = o->article;
		}
	}
	for (size_t k = 0; k < keys.cap; k++) {
		if (!keys.keys[k])
			continue;
		tally *t = &tl[keys.vals[k]];
		if (t->any_selected) {
			/* the most frequent spelling; ties: the smallest */
			const char *best = NULL;
			size_t bestn = 0, total = 0;
			for (size_t s = 0; s < t->spell.cap; s++) {
				if (!t->spell.keys[s])
					continue;
				size_t c = t->counts[t->spell.vals[s]];
				total += c;
				if (c > bestn || (c == bestn && strcmp(t->spell.keys[s], best) < 0)) {
					best = t->spell.keys[s];
					bestn = c;
				}
			}
			MORGUE_ARRAY_RESERVE(p->cands, p->capcands, p->ncands + 1);
			morgue_candidate *c = &p->cands[p->ncands++];
			c->name = morgue_strdup(best);
			c->key = morgue_strdup(keys.keys[k]);
			c->count = total;
			c->type = guess_type(c->name, c->key, t, total);
			qsort(t->arts, t->narts, sizeof(*t->arts), cmp_size);
			c->articles = morgue_malloc(t->narts * sizeof(*c->articles));
			c->narticles = 0;
			for (size_t a = 0; a < t->narts; a++)
				if (!a || t->arts[a] != t->arts[a - 1])
					c->articles[c->narticles++] = p->articles[t->arts[a]];
			qsort(c->articles, c->narticles, sizeof(*c->articles), cmp_str);
		}
		map_free(&t->spell);
		free(t->counts);
		free(t->arts);
	}
	drop_surnames(p);
	if (p->ncands > 1)
		qsort(p->cands, p->ncands, sizeof(*p->cands), cmp_cand);
	if (p->nunsure > 1)
		qsort(p->unsure, p->nunsure, sizeof(*p->unsure), cmp_unsure);
	if (p->nreviews)
		qsort(p->reviews, p->nreviews, sizeof(*p->reviews), cmp_review);
	free(tl);
	map_free(&keys);
	morgue_buf_free(&key);
	morgue_buf_free(&kept);
	p->done = 1;
}

const morgue_candidate *morgue_proposer_candidates(morgue_proposer *p, size_t *n)
{
	finish(p);
	*n = p->ncands;
	return p->cands;
}

const morgue_unsure *morgue_proposer_unsure(morgue_proposer *p, size_t *n)
{
	finish(p);
	*n = p->nunsure;
	return p->unsure;
}

const morgue_attr_review *morgue_proposer_attributions(morgue_proposer *p, size_t *n)
{
	finish(p);
	*n = p->nreviews;
	return p->reviews;
}

/* ---- reports ---- */

/* The --accept argument for an item (appended); 0 when there is none. */
static int accept_arg(morgue_buf *out, const morgue_candidate *c, const morgue_unsure *u)
{
	if (c) {
		morgue_buf_printf(out, "entity:%s:%s", c->name, c->type);
		return 1;
	}
	if ((u->kind != MORGUE_UNSURE_AMBIGUOUS && u->kind != MORGUE_UNSURE_UNANCHORED) ||
	    !u->nslugs)
		return 0;
	morgue_buf_printf(out, "mention:%s:%s:%s", u->article, u->surface, u->slugs[0]);
	if (u->occurrence > 1)
		morgue_buf_printf(out, ":%zu", u->occurrence);
	return 1;
}

/* The two --accept arguments for an attribution to review (appended). */
static void review_args(morgue_buf *confirm, morgue_buf *drop, const morgue_attr_review *r)
{
	morgue_buf_printf(confirm, "attribution:%s:%s:%s", r->article, r->text, r->source);
	if (r->kind == MORGUE_REVIEW_DOCUMENT || r->kind == MORGUE_REVIEW_ANONYMOUS)
		morgue_buf_printf(confirm, ":%s", r->skind);
	if (r->occurrence > 1)
		morgue_buf_printf(confirm, ":%zu", r->occurrence);
	morgue_buf_printf(drop, "unattribute:%s:%s", r->article, r->text);
	if (r->occurrence > 1)
		morgue_buf_printf(drop, ":%zu", r->occurrence);
}

/* A shell word: 'text' with ' written as '\''. */
static void shell_quote(morgue_buf *out, const char *s)
{
	morgue_buf_putc(out, '\'');
	for (; *s; s++)
		if (*s == '\'')
			morgue_buf_puts(out, "'\\''");
		else
			morgue_buf_putc(out, *s);
	morgue_buf_putc(out, '\'');
}

static int same_unsure(const morgue_unsure *a, const morgue_unsure *b)
{
	return (a->kind == MORGUE_UNSURE_AMBIGUOUS || a->kind == MORGUE_UNSURE_UNANCHORED) &&
	       a->kind == b->kind && !strcmp(a->article, b->article) &&
	       !strcmp(a->surface, b->surface) && a->nslugs && b->nslugs &&
	       !strcmp(a->slugs[0], b->slugs[0]);
}

void morgue_proposer_text(morgue_buf *out, morgue_proposer *p)
{
	size_t nc, nu;
	const morgue_candidate *c = morgue_proposer_candidates(p, &nc);
	const morgue_unsure *u = morgue_proposer_unsure(p, &nu);
	morgue_buf arg = MORGUE_BUF_INIT;

	morgue_buf_printf(out, "Candidate entities (%zu): names not in the registry, most "
			       "frequent first\n", nc);
	for (size_t i = 0; i < nc; i++) {
		morgue_buf_printf(out, "%5zu  %s (%s?) in ", c[i].count, c[i].name, c[i].type);
		for (size_t a = 0; a < c[i].narticles && a < 5; a++)
			morgue_buf_printf(out, "%s%s", a ? ", " : "", c[i].articles[a]);
		if (c[i].narticles > 5)
			morgue_buf_printf(out, " and %zu more", c[i].narticles - 5);
		morgue_buf_puts(out, "\n       --accept ");
		morgue_buf_clear(&arg);
		accept_arg(&arg, &c[i], NULL);
		shell_quote(out, arg.ptr);
		morgue_buf_putc(out, '\n');
	}
	morgue_buf_printf(out, "\nUnsure mentions (%zu)\n", nu);
	for (size_t i = 0; i < nu; i++) {
		const morgue_unsure *x = &u[i];
		/* later occurrences of the same unsure name: one line */
		size_t more = 0;
		for (size_t j = 0; j < i; j++)
			if (same_unsure(&u[j], x))
				more++;
		if (more)
			continue;
		for (size_t j = i + 1; j < nu; j++)
			more += same_unsure(&u[j], x);
		morgue_buf_printf(out, "  %s: %s \"%s\"", x->article,
				  morgue_unsure_kind_name(x->kind), x->surface);
		if (x->nslugs) {
			morgue_buf_puts(out, x->kind == MORGUE_UNSURE_AMBIGUOUS ? " (one of " : " (");
			for (size_t s = 0; s < x->nslugs; s++)
				morgue_buf_printf(out, "%s%s", s ? ", " : "", x->slugs[s]);
			morgue_buf_putc(out, ')');
		}
		switch (x->kind) {
		case MORGUE_UNSURE_AMBIGUOUS:
			morgue_buf_puts(out, ": alias of several entities, none named in full before");
			break;
		case MORGUE_UNSURE_UNANCHORED:
			morgue_buf_puts(out, ": bare name, no fuller name earlier in the article");
			break;
		case MORGUE_UNSURE_APPROXIMATE:
			morgue_buf_printf(out, ": anchor at annotations/%s.yaml:%d re-found "
					       "approximately as \"%s\"; update exact",
					  x->article, x->line, x->found);
			break;
		case MORGUE_UNSURE_ORPHAN:
			morgue_buf_printf(out, ": anchor at annotations/%s.yaml:%d is orphaned",
					  x->article, x->line);
			break;
		}
		if (more)
			morgue_buf_printf(out, "; %zu more time%s in the article", more,
					  more == 1 ? "" : "s");
		morgue_buf_printf(out, "\n       %s\n", x->context ? x->context : "");
		morgue_buf_clear(&arg);
		if (accept_arg(&arg, NULL, x)) {
			morgue_buf_puts(out, "       --accept ");
			shell_quote(out, arg.ptr);
			morgue_buf_putc(out, '\n');
		}
	}
	size_t nr;
	const morgue_attr_review *r = morgue_proposer_attributions(p, &nr);
	morgue_buf drop = MORGUE_BUF_INIT;
	morgue_buf_printf(out, "\nAttributions to review (%zu): confirm with a source, or "
			       "remove\n", nr);
	for (size_t i = 0; i < nr; i++) {
		const morgue_attr_review *x = &r[i];
		morgue_buf_printf(out, "  %s: %s", x->article, morgue_review_kind_name(x->kind));
		if (x->kind == MORGUE_REVIEW_UNATTRIBUTED)
			morgue_buf_printf(out, " quote (source: %s?)", x->source);
		else if (!strcmp(x->source, "anonymous"))
			morgue_buf_printf(out, " \"%s\" (%s, cue \"%s\")", x->source_text, x->skind,
					  x->cue);
		else
			morgue_buf_printf(out, " \"%s\" (%s %s, cue \"%s\")", x->source_text,
					  x->skind, x->source, x->cue);
		morgue_buf_printf(out, "\n       “%s”\n", x->excerpt);
		morgue_buf_clear(&arg);
		morgue_buf_clear(&drop);
		review_args(&arg, &drop, x);
		morgue_buf_puts(out, "       --accept ");
		shell_quote(out, arg.ptr);
		morgue_buf_puts(out, "\n       --accept ");
		shell_quote(out, drop.ptr);
		morgue_buf_putc(out, '\n');
	}
	morgue_buf_free(&drop);
	morgue_buf_free(&arg);
}

static void json_str(morgue_buf *out, const char *key, const char *s, int comma)
{
	morgue_buf_printf(out, "%s\"%s\":", comma ? "," : "", key);
	if (s)
		morgue_escape_json_string(out, s);
	else
		morgue_buf_puts(out, "null");
}

void morgue_proposer_json(morgue_buf *out, morgue_proposer *p)
{
	size_t nc, nu;
	const morgue_candidate *c = morgue_proposer_candidates(p, &nc);
	const morgue_unsure *u = morgue_proposer_unsure(p, &nu);
	morgue_buf arg = MORGUE_BUF_INIT;

	morgue_buf_puts(out, "{\"candidates\":[");
	for (size_t i = 0; i < nc; i++) {
		morgue_buf_puts(out, i ? ",\n{" : "\n{");
		json_str(out, "name", c[i].name, 0);
		json_str(out, "type", c[i].type, 1);
		morgue_buf_printf(out, ",\"count\":%zu,\"articles\":[", c[i].count);
		for (size_t a = 0; a < c[i].narticles; a++) {
			if (a)
				morgue_buf_putc(out, ',');
			morgue_escape_json_string(out, c[i].articles[a]);
		}
		morgue_buf_putc(out, ']');
		morgue_buf_clear(&arg);
		accept_arg(&arg, &c[i], NULL);
		json_str(out, "accept", arg.ptr, 1);
		morgue_buf_putc(out, '}');
	}
	morgue_buf_puts(out, "],\n\"unsure\":[");
	for (size_t i = 0; i < nu; i++) {
		const morgue_unsure *x = &u[i];
		morgue_buf_puts(out, i ? ",\n{" : "\n{");
		json_str(out, "kind", morgue_unsure_kind_name(x->kind), 0);
		json_str(out, "article", x->article, 1);
		json_str(out, "text", x->surface, 1);
		morgue_buf_printf(out, ",\"offset\":%zu,\"occurrence\":%zu,\"entities\":[",
				  x->offset, x->occurrence);
		for (size_t s = 0; s < x->nslugs; s++) {
			if (s)
				morgue_buf_putc(out, ',');
			morgue_escape_json_string(out, x->slugs[s]);
		}
		morgue_buf_putc(out, ']');
		json_str(out, "context", x->context, 1);
		json_str(out, "found", x->found, 1);
		if (x->line)
			morgue_buf_printf(out, ",\"line\":%d", x->line);
		morgue_buf_clear(&arg);
		json_str(out, "accept", accept_arg(&arg, NULL, x) ? arg.ptr : NULL, 1);
		morgue_buf_putc(out, '}');
	}
	size_t nr;
	const morgue_attr_review *r = morgue_proposer_attributions(p, &nr);
	morgue_buf drop = MORGUE_BUF_INIT;
	morgue_buf_puts(out, "],\n\"attributions\":[");
	for (size_t i = 0; i < nr; i++) {
		const morgue_attr_review *x = &r[i];
		morgue_buf_puts(out, i ? ",\n{" : "\n{");
		json_str(out, "kind", morgue_review_kind_name(x->kind), 0);
		json_str(out, "article", x->article, 1);
		json_str(out, "text", x->text, 1);
		morgue_buf_printf(out, ",\"offset\":%zu,\"occurrence\":%zu", x->offset,
				  x->occurrence);
		json_str(out, "source", x->source, 1);
		json_str(out, "source_kind", x->skind, 1);
		json_str(out, "source_text", x->source_text, 1);
		json_str(out, "cue", x->cue, 1);
		json_str(out, "excerpt", x->excerpt, 1);
		morgue_buf_clear(&arg);
		morgue_buf_clear(&drop);
		review_args(&arg, &drop, x);
		json_str(out, "accept", arg.ptr, 1);
		json_str(out, "reject", drop.ptr, 1);
		morgue_buf_putc(out, '}');
	}
	morgue_buf_free(&drop);
	morgue_buf_puts(out, "]}\n");
	morgue_buf_free(&arg);
}

/* ---- anchors and annotation files ---- */

/* Step i back (dir < 0) or forward over one code point, within [0, len]. */
static size_t step(const char *t, size_t len, size_t i, int dir)
{
	if (dir < 0) {
		if (!i)
			return 0;
		i--;
		while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80)
			i--;
		return i;
	}
	if (i >= len)
		return len;
	i++;
	while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
		i++;
	return i;
}

int morgue_propose_anchor(morgue_buf *prefix, morgue_buf *suffix, const char *text,
			  size_t len, size_t start, size_t end)
{
	size_t a = start, b = end;
	char *exact = morgue_strndup(text + start, end - start);
	int rc = 0;

	/* some context even when exact is unique: it survives later edits
	 * better; then more, up to a limit, until the place is unique */
	for (size_t want = 24;; want += 16) {
		while (start - a < want && a > 0) {
			size_t na = step(text, len, a, -1);
			if (text[na] == '\n' && na > 0 && text[na - 1] == '\n')
				break; /* not across a block */
			a = na;
		}
		while (b - end < want && b < len) {
			if (text[b] == '\n' && b + 1 < len && text[b + 1] == '\n')
				break;
			b = step(text, len, b, 1);
		}
		/* whole words of context, not starting or ending in white space */
		size_t pa = a, sb = b;
		if (pa > 0 && morgue_is_word_char(cp_before(text, pa)))
			while (pa < start && text[pa] != ' ' && text[pa] != '\n')
				pa = step(text, len, pa, 1);
		if (sb < len && morgue_is_word_char(cp_at(text, len, sb, NULL)))
			while (sb > end && text[sb - 1] != ' ' && text[sb - 1] != '\n')
				sb = step(text, len, sb, -1);
		while (pa < start && (text[pa] == ' ' || text[pa] == '\n'))
			pa++;
		while (sb > end && (text[sb - 1] == ' ' || text[sb - 1] == '\n'))
			sb--;
		char *pre = morgue_strndup(text + pa, start - pa);
		char *suf = morgue_strndup(text + end, sb - end);
		size_t s = 0, e = 0;
		size_t n = morgue_anchor_find(&s, &e, text, len, exact, *pre ? pre : NULL,
					      *suf ? suf : NULL);
		if (n == 1 && s == start && e == end) {
			morgue_buf_puts(prefix, pre);
			morgue_buf_puts(suffix, suf);
			free(pre);
			free(suf);
			break;
		}
		free(pre);
		free(suf);
		if (want > 512) {
			rc = morgue_error_set(MORGUE_EINPUT, NULL, 0,
					      "\"%s\" cannot be anchored uniquely", exact);
			break;
		}
	}
	free(exact);
	return rc;
}

/* A YAML double-quoted scalar. */
static void yaml_quote(morgue_buf *out, const char *s)
{
	morgue_buf_putc(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			morgue_buf_printf(out, "\\%c", c);
		else if (c == '\n')
			morgue_buf_puts(out, "\\n");
		else if (c == '\t')
			morgue_buf_puts(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			morgue_buf_printf(out, "\\x%02x", c);
		else
			morgue_buf_putc(out, (char)c);
	}
	morgue_buf_putc(out, '"');
}

typedef struct entry_key {
	const char *list; /* "mentions", "attributions" */
	const char *head; /* "entity", "source" */
	const char *kind; /* attributions: the kind, or NULL */
} entry_key;

static int same_entry(const morgue_value *it, const entry_key *k, const char *entity,
		      const char *exact, const char *prefix, const char *suffix, int suppress)
{
	const char *p = morgue_value_get_str(it, "prefix"), *s = morgue_value_get_str(it, "suffix");
	const char *e = morgue_value_get_str(it, k->head), *x = morgue_value_get_str(it, "exact"), *kd = morgue_value_get_str(it, "kind");
	return e && x && !strcmp(e, entity) && !strcmp(x, exact) &&
	       !strcmp(kd ? kd : "", k->kind ? k->kind : "") &&
	       !strcmp(p ? p : "", prefix ? prefix : "") && !strcmp(s ? s : "", suffix ? suffix : "") &&
	       !morgue_value_get_bool(morgue_value_get(it, "suppress")) == !suppress;
}

/* Append an entry to list k->list of annotation file yaml (see
 * morgue_propose_annotation_add). */
static int entry_add(morgue_buf *out, const char *yaml, size_t ylen, const char *file,
		     const entry_key *k, const char *entity, const char *exact,
		     const char *prefix, const char *suffix, int suppress)
{
	morgue_value *doc = NULL, *check = NULL;
	size_t klen = strlen(k->list);
	morgue_buf entry = MORGUE_BUF_INIT, ind = MORGUE_BUF_INIT;
	int rc;

	if (!yaml)
		ylen = 0;
	if ((rc = morgue_yaml_parse(&doc, file, 1, yaml ? yaml : "", ylen)) < 0)
		goto done;
	morgue_value_type t = morgue_value_type_of(doc);
	if (t != MORGUE_VALUE_NULL && t != MORGUE_VALUE_MAP) {
		rc = morgue_error_set(MORGUE_EINPUT, file, 1, "annotation file must be a mapping");
		goto done;
	}
	const morgue_value *list = t == MORGUE_VALUE_MAP ? morgue_value_get(doc, k->list) : NULL;
	size_t before = morgue_value_count(list);
	for (size_t i = 0; list && morgue_value_type_of(list) == MORGUE_VALUE_LIST && i < before; i++)
		if (same_entry(morgue_value_at(list, i), k, entity, exact, prefix, suffix, suppress)) {
			morgue_buf_put(out, yaml, ylen);
			rc = 0;
			goto done;
		}
	if (list && morgue_value_type_of(list) != MORGUE_VALUE_LIST &&
	    morgue_value_type_of(list) != MORGUE_VALUE_NULL) {
		rc = morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(list),
				      "%s: expected a list", k->list);
		goto done;
	}

	/* where the mentions block ends and how its items are indented */
	size_t insert = ylen, key_end = 0;
	int have_key = 0;
	const char *indent = "  ";
	for (size_t ls = 0; ls < ylen;) {
		const char *nl = memchr(yaml + ls, '\n', ylen - ls);
		size_t le = nl ? (size_t)(nl - yaml) : ylen, next = nl ? le + 1 : ylen;
		const char *l = yaml + ls;
		size_t n = le - ls;
		if (!have_key) {
			if (n > klen && !memcmp(l, k->list, klen) && l[klen] == ':') {
				size_t c = klen + 1;
				while (c < n && (l[c] == ' ' || l[c] == '\t' || l[c] == '\r'))
					c++;
				if (c < n && l[c] != '#') {
					rc = morgue_error_set(MORGUE_EINPUT, file, 0,
							      "%s: not a block list; add the "
							      "entry by hand", k->list);
					goto done;
				}
				have_key = 1;
				key_end = next;
				insert = ylen;
			}
		} else if (n && l[0] != ' ' && l[0] != '-' && l[0] != '#' && l[0] != '\r') {
			insert = ls;
			break;
		} else if (!ind.size) {
			size_t c = 0;
			while (c < n && l[c] == ' ')
				c++;
			if (c < n && l[c] == '-') {
				morgue_buf_put(&ind, l, c);
				indent = ind.ptr;
			}
		}
		ls = next;
	}
	if (have_key && !ind.size && !key_end)
		key_end = ylen;
	morgue_buf_printf(&entry, "%s- %s: %s\n", indent, k->head, entity);
	if (k->kind)
		morgue_buf_printf(&entry, "%s  kind: %s\n", indent, k->kind);
	morgue_buf_printf(&entry, "%s  exact: ", indent);
	yaml_quote(&entry, exact);
	if (prefix && *prefix) {
		morgue_buf_printf(&entry, "\n%s  prefix: ", indent);
		yaml_quote(&entry, prefix);
	}
	if (suffix && *suffix) {
		morgue_buf_printf(&entry, "\n%s  suffix: ", indent);
		yaml_quote(&entry, suffix);
	}
	if (suppress)
		morgue_buf_printf(&entry, "\n%s  suppress: true", indent);
	morgue_buf_putc(&entry, '\n');

	if (!have_key) {
		morgue_buf_put(out, yaml, ylen);
		if (ylen && yaml[ylen - 1] != '\n')
			morgue_buf_putc(out, '\n');
		morgue_buf_printf(out, "%s:\n", k->list);
		morgue_buf_put(out, entry.ptr, entry.size);
	} else {
		/* after the last non-blank line of the block */
		size_t at = insert;
		while (at > key_end) {
			size_t ls = at - 1;
			while (ls > 0 && yaml[ls - 1] != '\n')
				ls--;
			size_t c = ls;
			while (c < at && (yaml[c] == ' ' || yaml[c] == '\r' || yaml[c] == '\n'))
				c++;
			if (c < at && yaml[c] != '#')
				break;
			at = ls;
		}
		if (at < key_end)
			at = key_end;
		morgue_buf_put(out, yaml, at);
		if (at && yaml[at - 1] != '\n')
			morgue_buf_putc(out, '\n');
		morgue_buf_put(out, entry.ptr, entry.size);
		morgue_buf_put(out, yaml + at, ylen - at);
	}
	/* the result must still read, with one more entry */
	if ((rc = morgue_yaml_parse(&check, file, 1, out->ptr, out->size)) < 0)
		goto done;
	const morgue_value *nl = morgue_value_get(check, k->list);
	if (morgue_value_count(nl) != before + 1 ||
	    !same_entry(morgue_value_at(nl, before), k, entity, exact, prefix, suffix, suppress)) {
		rc = morgue_error_set(MORGUE_EINPUT, file, 0,
				      "cannot extend the %s list safely; add the entry by hand",
				      k->list);
		goto done;
	}
	rc = 1;
done:
	morgue_value_free(doc);
	morgue_value_free(check);
	morgue_buf_free(&entry);
	morgue_buf_free(&ind);
	return rc;
}

int morgue_propose_annotation_add(morgue_buf *out, const char *yaml, size_t ylen,
				  const char *file, const char *entity, const char *exact,
				  const char *prefix, const char *suffix, int suppress)
{
	entry_key k = { "mentions", "entity", NULL };
	return entry_add(out, yaml, ylen, file, &k, entity, exact, prefix, suffix, suppress);
}

int morgue_propose_attribution_add(morgue_buf *out, const char *yaml, size_t ylen,
				   const char *file, const char *source, const char *kind,
				   const char *exact, const char *prefix, const char *suffix,
				   int suppress)
{
	entry_key k = { "attributions", "source", kind };
	return entry_add(out, yaml, ylen, file, &k, source, exact, prefix, suffix, suppress);
}

/* ---- reading the archive ---- */

void morgue_propose_article_name(morgue_buf *out, const char *arg)
{
	size_t n = strlen(arg);
	if (n > 9 && !strncmp(arg, "articles/", 9))
		arg += 9, n -= 9;
	if (n > 3 && !strcmp(arg + n - 3, ".md"))
		n -= 3;
	morgue_buf_put(out, arg, n);
	if (!out->ptr)
		morgue_buf_puts(out, "");
}

static void file_name(morgue_buf *out, morgue_repo *r, const char *path)
{
	const char *prefix = morgue_repo_prefix(r);
	if (prefix && *prefix)
		morgue_buf_printf(out, "%s/", prefix);
	morgue_buf_puts(out, path);
}

/* Render article `path` ("articles/2017/x.md"): its doc and annotations. */
static int render_article(morgue_doc **doc, morgue_buf *ann, morgue_repo *repo,
			  const morgue_gazetteer *g, const char *path, const char *name, int attrs)
{
	morgue_buf data = MORGUE_BUF_INIT, file = MORGUE_BUF_INIT, apath = MORGUE_BUF_INIT;
	morgue_buf afile = MORGUE_BUF_INIT;
	morgue_article *a = NULL;
	int rc;

	*doc = NULL;
	file_name(&file, repo, path);
	if ((rc = morgue_repo_read(&data, repo, path)) < 0)
		goto done;
	if ((rc = morgue_article_parse(&a, file.ptr, path + 9, morgue_buf_cstr(&data),
				       data.size)) < 0)
		goto done;
	morgue_buf_printf(&apath, "annotations/%s.yaml", name);
	file_name(&afile, repo, apath.ptr);
	if (ann && (rc = morgue_repo_read(ann, repo, apath.ptr)) == MORGUE_ENOTFOUND) {
		morgue_error_clear();
		rc = 0;
	}
	if (rc < 0)
		goto done;
	morgue_markdown_opts mo = {
		.gazetteer = g, .root = "../", .file = file.ptr, .first_line = a->body_line,
		.annotations = ann && ann->size ? ann->ptr : NULL,
		.annotations_len = ann ? ann->size : 0, .annotations_file = afile.ptr,
		.no_attributions = !attrs,
	};
	rc = morgue_markdown_render(doc, a->body, a->body_len, &mo);
done:
	morgue_article_free(a);
	morgue_buf_free(&data);
	morgue_buf_free(&file);
	morgue_buf_free(&apath);
	morgue_buf_free(&afile);
	return rc;
}

int morgue_propose_article_text(morgue_buf *text, morgue_repo *repo, const char *name)
{
	morgue_buf path = MORGUE_BUF_INIT;
	morgue_doc *doc = NULL;
	morgue_buf_printf(&path, "articles/%s.md", name);
	int rc = render_article(&doc, NULL, repo, NULL, path.ptr, name, 0);
	if (rc == 0)
		morgue_buf_put(text, doc->text, doc->text_len);
	morgue_doc_free(doc);
	morgue_buf_free(&path);
	return rc;
}

int morgue_propose_article_sources(morgue_buf *sources, morgue_repo *repo,
				   const morgue_gazetteer *g, const char *name, size_t s,
				   size_t e)
{
	morgue_buf path = MORGUE_BUF_INIT, ann = MORGUE_BUF_INIT, one = MORGUE_BUF_INIT;
	morgue_doc *doc = NULL;
	morgue_buf_printf(&path, "articles/%s.md", name);
	int rc = render_article(&doc, &ann, repo, g, path.ptr, name, 1);
	for (size_t i = 0; rc == 0 && i < doc->nattributions; i++) {
		const morgue_attribution *a = &doc->attributions[i];
		if (a->offset >= e || a->offset + a->length <= s)
			continue;
		morgue_buf_clear(&one);
		morgue_buf_printf(&one, "%s\n", a->source ? a->source : "anonymous");
		/* distinct: look for the whole line */
		int dup = 0;
		for (size_t k = 0; !dup && k + one.size <= sources->size; k++)
			dup = (!k || sources->ptr[k - 1] == '\n') &&
			      !memcmp(sources->ptr + k, one.ptr, one.size);
		if (!dup)
			morgue_buf_put(sources, one.ptr, one.size);
	}
	morgue_doc_free(doc);
	morgue_buf_free(&path);
	morgue_buf_free(&ann);
	morgue_buf_free(&one);
	return rc;
}

static void warn_error(void)
{
	const morgue_error *e = morgue_error_last();
	if (e) {
		morgue_warn(e->file, e->line, "%s (skipped)", e->message);
		morgue_error_clear();
	}
}

int morgue_propose_load(morgue_proposer **out, morgue_gazetteer **g, morgue_repo *repo,
			const char *const *selected, size_t nselected)
{
	morgue_repo_entry *e = NULL;
	size_t n = 0;
	morgue_entity **ents = NULL;
	size_t nents = 0, capents = 0;
	int *seen = morgue_calloc(nselected + 1, sizeof(*seen));
	morgue_buf name = MORGUE_BUF_INIT;
	int rc;

	*out = NULL;
	*g = NULL;
	if ((rc = morgue_repo_list(&e, &n, repo, "entities", ".md")) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		morgue_buf data = MORGUE_BUF_INIT, file = MORGUE_BUF_INIT;
		morgue_entity *ent = NULL;
		if (e[i].is_link)
			continue;
		file_name(&file, repo, e[i].path);
		if (morgue_repo_read(&data, repo, e[i].path) < 0 ||
		    morgue_entity_parse(&ent, file.ptr, e[i].path + 9, morgue_buf_cstr(&data),
					data.size) < 0)
			warn_error();
		else {
			MORGUE_ARRAY_RESERVE(ents, capents, nents + 1);
			ents[nents++] = ent;
		}
		morgue_buf_free(&data);
		morgue_buf_free(&file);
	}
	morgue_repo_entries_free(e, n);
	e = NULL;
	n = 0;
	morgue_gazetteer_new(g, (const morgue_entity *const *)ents, nents);
	morgue_proposer_new(out, *g);
	if ((rc = morgue_repo_list(&e, &n, repo, "articles", ".md")) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		morgue_buf ann = MORGUE_BUF_INIT;
		morgue_doc *doc = NULL;
		int sel = !nselected;
		if (e[i].is_link)
			continue;
		morgue_buf_clear(&name);
		morgue_propose_article_name(&name, e[i].path);
		for (size_t s = 0; s < nselected; s++) {
			morgue_buf want = MORGUE_BUF_INIT;
			morgue_propose_article_name(&want, selected[s]);
			if (!strcmp(want.ptr, name.ptr))
				sel = seen[s] = 1;
			morgue_buf_free(&want);
		}
		if (render_article(&doc, &ann, repo, *g, e[i].path, name.ptr, 1) < 0)
			warn_error();
		else {
			morgue_proposer_add(*out, name.ptr, doc->text, doc->text_len, doc->mentions,
					    doc->nmentions, ann.ptr, ann.size, sel);
			morgue_proposer_add_attributions(*out, name.ptr, doc->text, doc->text_len,
							 doc->attributions, doc->nattributions,
							 doc->mentions, doc->nmentions, ann.ptr,
							 ann.size, sel);
		}
		morgue_doc_free(doc);
		morgue_buf_free(&ann);
	}
	for (size_t s = 0; s < nselected; s++)
		if (!seen[s]) {
			rc = morgue_error_set(MORGUE_ENOTFOUND, NULL, 0,
					      "%s: no such article (give it as 2017/name)",
					      selected[s]);
			goto done;
		}
done:
	if (rc < 0) {
		morgue_proposer_free(*out);
		morgue_gazetteer_free(*g);
		*out = NULL;
		*g = NULL;
	}
	morgue_repo_entries_free(e, n);
	for (size_t i = 0; i < nents; i++)
		morgue_entity_free(ents[i]);
	free(ents);
	free(seen);
	morgue_buf_free(&name);
	return rc;
}
