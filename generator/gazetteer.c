#include "gazetteer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/alloc.h"

/* A key: one folded spelling and the aliases that fold to it. */
typedef struct gkey {
	char *folded;
	size_t len;
	morgue_gazetteer_alias *aliases;
	size_t naliases, cap;
	int ambiguous;
} gkey;

struct morgue_gazetteer {
	char **slugs;
	char **names;             /* per entity, "" when it had none */
	morgue_entity_type *types; /* per entity */
	size_t nentities;
	gkey *keys;
	size_t nkeys, capkeys;
	/* the automaton: node 0 is the root */
	uint32_t *fail, *dict; /* dict: nearest node on the fail chain with an output, or 0 */
	int32_t *out;          /* key ending here or -1 */
	size_t nnodes, capnodes;
	/* edges: open addressing, key = node << 8 | byte, value = child */
	uint64_t *ekeys;
	uint32_t *evals;
	size_t ecap, nedges;
	/* dense transition rows for the shallow nodes, where a scan spends
	 * most of its steps: row[node] is a row index or -1. A row has a
	 * column per byte class, not per byte: cls[c] is 0 for a byte in no
	 * key (no edge anywhere), else 1..ncls-1. The few dozen bytes keys
	 * use make rows of under 256 bytes: the 2,048 rows of the bench's
	 * 2,000-entity registry (31 classes) take an eighth of the 2 MB
	 * that 256-wide rows took, allocated and faulted in by every build
	 * (the bench's 1k edit, 5 alternating pairs: 0.24 -> 0.22 s), and
	 * a scan's steps miss the CPU's cache less. */
	int32_t *row;
	uint32_t *dense; /* nrows * ncls */
	uint16_t cls[256];
	size_t ncls;
	/* slug lookup: sorted indices */
	size_t *bySlug;
};

#define EMPTY UINT64_MAX
#define DENSE_ROWS 2048

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static uint32_t edge_get(const morgue_gazetteer *g, uint32_t node, unsigned char c)
{
	uint64_t k = (uint64_t)node << 8 | c;
	size_t mask = g->ecap - 1;
	for (size_t i = mix(k) & mask;; i = (i + 1) & mask) {
		if (g->ekeys[i] == k)
			return g->evals[i];
		if (g->ekeys[i] == EMPTY)
			return 0;
	}
}

static void edge_put(morgue_gazetteer *g, uint32_t node, unsigned char c, uint32_t child);

/* The goto function while scanning (dense rows first). */
static inline uint32_t step(const morgue_gazetteer *g, uint32_t node, unsigned char c)
{
	int32_t r = g->row[node];
	if (r >= 0)
		return g->dense[(size_t)r * g->ncls + g->cls[c]];
	return edge_get(g, node, c);
}

static void edge_grow(morgue_gazetteer *g)
{
	uint64_t *ok = g->ekeys;
	uint32_t *ov = g->evals;
	size_t ocap = g->ecap;
	g->ecap = ocap ? ocap * 2 : 1024;
	g->ekeys = morgue_malloc(g->ecap * sizeof(*g->ekeys));
	g->evals = morgue_malloc(g->ecap * sizeof(*g->evals));
	memset(g->ekeys, 0xff, g->ecap * sizeof(*g->ekeys));
	g->nedges = 0;
	for (size_t i = 0; i < ocap; i++)
		if (ok[i] != EMPTY)
			edge_put(g, (uint32_t)(ok[i] >> 8), (unsigned char)(ok[i] & 255), ov[i]);
	free(ok);
	free(ov);
}

static void edge_put(morgue_gazetteer *g, uint32_t node, unsigned char c, uint32_t child)
{
	if ((g->nedges + 1) * 2 > g->ecap)
		edge_grow(g);
	uint64_t k = (uint64_t)node << 8 | c;
	size_t mask = g->ecap - 1;
	size_t i = mix(k) & mask;
	while (g->ekeys[i] != EMPTY && g->ekeys[i] != k)
		i = (i + 1) & mask;
	if (g->ekeys[i] == EMPTY)
		g->nedges++;
	g->ekeys[i] = k;
	g->evals[i] = child;
}

static uint32_t node_new(morgue_gazetteer *g)
{
	if (g->nnodes == g->capnodes) {
		g->capnodes = g->capnodes ? g->capnodes * 2 : 256;
		g->fail = morgue_realloc(g->fail, g->capnodes * sizeof(*g->fail));
		g->dict = morgue_realloc(g->dict, g->capnodes * sizeof(*g->dict));
		g->out = morgue_realloc(g->out, g->capnodes * sizeof(*g->out));
	}
	g->fail[g->nnodes] = 0;
	g->dict[g->nnodes] = 0;
	g->out[g->nnodes] = -1;
	return (uint32_t)g->nnodes++;
}

int morgue_is_word_char(int32_t cp)
{
	if (cp < 128)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		       (cp >= '0' && cp <= '9');
	utf8proc_category_t c = utf8proc_category(cp);
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	       (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) ||
	       (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

static void emit(morgue_buf *out, size_t **ms, size_t **me, size_t *cap, const char *b,
		 size_t n, size_t s, size_t e)
{
	if (ms) {
		if (out->size + n > *cap) {
			MORGUE_ARRAY_RESERVE(*ms, *cap, out->size + n);
			*me = morgue_realloc(*me, *cap * sizeof(**me));
		}
		for (size_t i = 0; i < n; i++) {
			(*ms)[out->size + i] = s;
			(*me)[out->size + i] = e;
		}
	}
	morgue_buf_put(out, b, n);
}

void morgue_fold(morgue_buf *out, size_t **map_start, size_t **map_end, const char *s,
		 size_t len)
{
	size_t cap = 0, i = 0, base = out->size;
	size_t wordlen = 0; /* letters/digits in the current word */
	size_t *ms = NULL, *me = NULL;
	size_t **pms = map_start ? &ms : NULL, **pme = map_end ? &me : NULL;

	if (map_start && !map_end)
		pme = &me;
	morgue_buf_grow(out, len + 1);
	if (pms) {
		MORGUE_ARRAY_RESERVE(ms, cap, base + len + 1);
		me = morgue_realloc(me, cap * sizeof(*me));
	}
	if (base && pms) { /* maps are indexed from the start of out */
		memset(ms, 0, base * sizeof(*ms));
		memset(me, 0, base * sizeof(*me));
	}
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = 1;
		/* ASCII, most of a text, without a call into utf8proc */
		if ((unsigned char)s[i] < 0x80)
			cp = (unsigned char)s[i];
		else
			n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
					     (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) { /* invalid: keep the byte */
			emit(out, pms, pme, &cap, s + i, 1, i, i + 1);
			wordlen = 0;
			i++;
			continue;
		}
		size_t st = i, en = i + (size_t)n;
		i = en;
		if (cp < 128) {
			char c = (char)cp;
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
				if (out->size > base && out->ptr[out->size - 1] != ' ')
					emit(out, pms, pme, &cap, " ", 1, st, en);
				wordlen = 0;
				continue;
			}
			if (c == '.' && wordlen == 1) {
				wordlen = 0;
				continue;
			}
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (morgue_is_word_char(cp))
				wordlen++;
			else
				wordlen = 0;
			if (pms && out->size < cap) {
				ms[out->size] = st;
				me[out->size] = en;
				morgue_buf_putc(out, c);
			} else {
				emit(out, pms, pme, &cap, &c, 1, st, en);
			}
			continue;
		}
		switch (cp) {
		case 0x2018: case 0x2019: case 0x201B: case 0x2032: case 0x02BC: case 0x00B4:
			emit(out, pms, pme, &cap, "'", 1, st, en);
			wordlen = 0;
			continue;
		case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB:
			emit(out, pms, pme, &cap, "\"", 1, st, en);
			wordlen = 0;
			continue;
		case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
		case 0x2212:
			emit(out, pms, pme, &cap, "-", 1, st, en);
			wordlen = 0;
			continue;
		case 0x02BB: /* ʻokina: Hawaiʻi = Hawaii */
			continue;
		default:
			break;
		}
		utf8proc_category_t cat = utf8proc_category(cp);
		if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
		    cat == UTF8PROC_CATEGORY_ZP) {
			if (out->size > base && out->ptr[out->size - 1] != ' ')
				emit(out, pms, pme, &cap, " ", 1, st, en);
			wordlen = 0;
			continue;
		}
		utf8proc_int32_t d[16];
		int last = 0;
		utf8proc_ssize_t nd = utf8proc_decompose_char(
			cp, d, 16,
			UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
				UTF8PROC_STRIPMARK | UTF8PROC_IGNORE,
			&last);
		if (nd < 0 || nd > 16) {
			d[0] = cp;
			nd = 1;
		}
		for (utf8proc_ssize_t k = 0; k < nd; k++) {
			utf8proc_uint8_t b[4];
			utf8proc_ssize_t nb = utf8proc_encode_char(d[k], b);
			emit(out, pms, pme, &cap, (const char *)b, (size_t)nb, st, en);
		}
		if (nd > 0)
			wordlen = morgue_is_word_char(cp) ? wordlen + 1 : 0;
	}
	if (map_start)
		*map_start = ms;
	else
		free(ms);
	if (map_end)
		*map_end = me;
	else
		free(me);
}

typedef struct slugidx {
	const char *slug;
	size_t i;
} slugidx;

static int cmp_slug(const void *a, const void *b)
{
	return strcmp(((const slugidx *)a)->slug, ((const slugidx *)b)->slug);
}

static void add_alias(morgue_gazetteer *g, const morgue_entity *e, size_t ei, const char *text,
		      int is_name)
{
	morgue_buf f = MORGUE_BUF_INIT;
	morgue_fold(&f, NULL, NULL, text, strlen(text));
	size_t a = 0, b = f.size;
	while (a < b && f.ptr[a] == ' ')
		a++;
	while (b > a && f.ptr[b - 1] == ' ')
		b--;
	/* drop a trailing '.' left by the fold (e.g. "Inc."): text has it or not */
	if (b == a) {
		morgue_buf_free(&f);
		return;
	}
	/* walk the trie */
	uint32_t node = 0;
	for (size_t i = a; i < b; i++) {
		uint32_t c = edge_get(g, node, (unsigned char)f.ptr[i]);
		if (!c) {
			c = node_new(g);
			edge_put(g, node, (unsigned char)f.ptr[i], c);
		}
		node = c;
	}
	gkey *k;
	if (g->out[node] < 0) {
		MORGUE_ARRAY_RESERVE(g->keys, g->capkeys, g->nkeys + 1);
		k = &g->keys[g->nkeys];
		memset(k, 0, sizeof(*k));
		k->folded = morgue_strndup(f.ptr + a, b - a);
		k->len = b - a;
		g->out[node] = (int32_t)g->nkeys++;
	} else {
		k = &g->keys[g->out[node]];
	}
	for (size_t i = 0; i < k->naliases; i++) {
		if (k->aliases[i].entity != ei)
			k->ambiguous = 1;
		else if (!strcmp(k->aliases[i].text, text))
			goto done; /* the same spelling twice */
	}
	MORGUE_ARRAY_RESERVE(k->aliases, k->cap, k->naliases + 1);
	morgue_gazetteer_alias *al = &k->aliases[k->naliases++];
	al->entity = ei;
	al->text = morgue_strdup(text);
	int oneword = !memchr(k->folded, ' ', k->len);
	al->full = is_name || !oneword;
	al->bare = e->type == MORGUE_ENTITY_PERSON && !is_name && oneword;
done:
	morgue_buf_free(&f);
}

/* Breadth-first fail links. The edge table has no child lists, so collect
 * children by scanning it once into a CSR array. */
static void build_links(morgue_gazetteer *g)
{
	size_t nn = g->nnodes;
	size_t *start = morgue_calloc(nn + 1, sizeof(*start));
	uint32_t *kids = morgue_malloc((g->nedges + 1) * sizeof(*kids));
	unsigned char *kc = morgue_malloc(g->nedges + 1);
	for (size_t i = 0; i < g->ecap; i++)
		if (g->ekeys[i] != EMPTY)
			start[(g->ekeys[i] >> 8) + 1]++;
	for (size_t i = 0; i < nn; i++)
		start[i + 1] += start[i];
	size_t *fill = morgue_malloc((nn + 1) * sizeof(*fill));
	memcpy(fill, start, (nn + 1) * sizeof(*fill));
	for (size_t i = 0; i < g->ecap; i++)
		if (g->ekeys[i] != EMPTY) {
			size_t p = g->ekeys[i] >> 8;
			kids[fill[p]] = g->evals[i];
			kc[fill[p]++] = (unsigned char)(g->ekeys[i] & 255);
		}
	uint32_t *queue = morgue_malloc(nn * sizeof(*queue));
	size_t qh = 0, qt = 0;
	for (size_t j = start[0]; j < start[1]; j++) {
		g->fail[kids[j]] = 0;
		queue[qt++] = kids[j];
	}
	while (qh < qt) {
		uint32_t u = queue[qh++];
		for (size_t j = start[u]; j < start[u + 1]; j++) {
			uint32_t v = kids[j];
			unsigned char c = kc[j];
			uint32_t f = g->fail[u];
			uint32_t t;
			while (!(t = edge_get(g, f, c)) && f)
				f = g->fail[f];
			g->fail[v] = t;
			g->dict[v] = g->out[t] >= 0 ? t : g->dict[t];
			queue[qt++] = v;
		}
	}
	/* the byte classes: one per byte on some edge, 0 for the rest */
	memset(g->cls, 0, sizeof(g->cls));
	g->ncls = 1;
	for (size_t j = 0; j < g->nedges; j++)
		if (!g->cls[kc[j]])
			g->cls[kc[j]] = (uint16_t)g->ncls++;
	/* dense rows: the root and the shallowest nodes in breadth-first
	 * order, at most DENSE_ROWS of them */
	g->row = morgue_malloc(nn * sizeof(*g->row));
	for (size_t i = 0; i < nn; i++)
		g->row[i] = -1;
	size_t nrows = 1 + (qt < DENSE_ROWS - 1 ? qt : DENSE_ROWS - 1);
	g->dense = morgue_calloc(nrows * g->ncls, sizeof(*g->dense));
	g->row[0] = 0;
	for (size_t r = 1; r < nrows; r++)
		g->row[queue[r - 1]] = (int32_t)r;
	for (size_t r = 0; r < nrows; r++) {
		uint32_t u = r ? queue[r - 1] : 0;
		for (size_t j = start[u]; j < start[u + 1]; j++)
			g->dense[r * g->ncls + g->cls[kc[j]]] = kids[j];
	}
	free(queue);
	free(fill);
	free(kc);
	free(kids);
	free(start);
}

int morgue_gazetteer_new(morgue_gazetteer **out, const morgue_entity *const *entities, size_t n)
{
	morgue_gazetteer *g = morgue_calloc(1, sizeof(*g));
	edge_grow(g);
	node_new(g);
	g->slugs = morgue_calloc(n ? n : 1, sizeof(*g->slugs));
	g->names = morgue_calloc(n ? n : 1, sizeof(*g->names));
	g->types = morgue_calloc(n ? n : 1, sizeof(*g->types));
	for (size_t i = 0; i < n; i++) {
		const morgue_entity *e = entities[i];
		g->slugs[i] = morgue_strdup(e->slug ? e->slug : "");
		g->names[i] = morgue_strdup(e->name ? e->name : "");
		g->types[i] = e->type;
		g->nentities++;
		if (e->name)
			add_alias(g, e, i, e->name, 1);
		for (size_t j = 0; j < e->naliases; j++)
			if (e->aliases[j])
				add_alias(g, e, i, e->aliases[j], 0);
	}
	build_links(g);
	slugidx *si = morgue_malloc((n ? n : 1) * sizeof(*si));
	for (size_t i = 0; i < n; i++)
		si[i] = (slugidx){ g->slugs[i], i };
	if (n > 1)
		qsort(si, n, sizeof(*si), cmp_slug);
	g->bySlug = morgue_malloc((n ? n : 1) * sizeof(*g->bySlug));
	for (size_t i = 0; i < n; i++)
		g->bySlug[i] = si[i].i;
	free(si);
	*out = g;
	return 0;
}

void morgue_gazetteer_free(morgue_gazetteer *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nentities; i++) {
		free(g->slugs[i]);
		free(g->names[i]);
	}
	free(g->names);
	free(g->types);
	for (size_t i = 0; i < g->nkeys; i++) {
		for (size_t j = 0; j < g->keys[i].naliases; j++)
			free((char *)g->keys[i].aliases[j].text);
		free(g->keys[i].aliases);
		free(g->keys[i].folded);
	}
	free(g->keys);
	free(g->slugs);
	free(g->fail);
	free(g->dict);
	free(g->out);
	free(g->ekeys);
	free(g->evals);
	free(g->bySlug);
	free(g->row);
	free(g->dense);
	free(g);
}

size_t morgue_gazetteer_entity_count(const morgue_gazetteer *g)
{
	return g->nentities;
}

const char *morgue_gazetteer_slug(const morgue_gazetteer *g, size_t entity)
{
	return entity < g->nentities ? g->slugs[entity] : NULL;
}

int morgue_gazetteer_type(const morgue_gazetteer *g, size_t entity)
{
	return entity < g->nentities ? (int)g->types[entity] : -1;
}

const char *morgue_gazetteer_name(const morgue_gazetteer *g, size_t entity)
{
	return entity < g->nentities ? g->names[entity] : NULL;
}

long morgue_gazetteer_find(const morgue_gazetteer *g, const char *slug)
{
	size_t lo = 0, hi = g->nentities;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(g->slugs[g->bySlug[mid]], slug);
		if (!c)
			return (long)g->bySlug[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const morgue_gazetteer_alias *morgue_gazetteer_aliases(const morgue_gazetteer *g, size_t key,
							size_t *n)
{
	if (key >= g->nkeys) {
		*n = 0;
		return NULL;
	}
	*n = g->keys[key].naliases;
	return g->keys[key].aliases;
}

int morgue_gazetteer_key_ambiguous(const morgue_gazetteer *g, size_t key)
{
	return key < g->nkeys && g->keys[key].ambiguous;
}

static int ascii_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

size_t morgue_gazetteer_scan(const morgue_gazetteer *g, const char *text, size_t len,
			     morgue_gazetteer_hit **hits, size_t *n, size_t *cap)
{
	morgue_buf f = MORGUE_BUF_INIT;
	size_t *ms = NULL, *me = NULL;
	morgue_fold(&f, &ms, &me, text, len);
	uint32_t st = 0;
	for (size_t i = 0; i < f.size; i++) {
		unsigned char c = (unsigned char)f.ptr[i];
		uint32_t t;
		while (!(t = step(g, st, c)) && st)
			st = g->fail[st];
		st = t;
		/* a hit inside a word is never a mention: skip the outputs when
		 * the next folded byte is an ASCII letter or digit (the
		 * annotator checks boundaries on the original text again) */
		if (i + 1 < f.size && ascii_word(f.ptr[i + 1]))
			continue;
		for (uint32_t o = g->out[st] >= 0 ? st : g->dict[st]; o; o = g->dict[o]) {
			const gkey *k = &g->keys[g->out[o]];
			size_t fs = i + 1 - k->len;
			if (fs > 0 && ascii_word(f.ptr[fs - 1]))
				continue;
			MORGUE_ARRAY_RESERVE(*hits, *cap, *n + 1);
			(*hits)[*n].start = ms[fs];
			(*hits)[*n].end = me[i];
			(*hits)[*n].key = (size_t)g->out[o];
			(*n)++;
		}
	}
	free(ms);
	free(me);
	morgue_buf_free(&f);
	return *n;
}

size_t morgue_gazetteer_ambiguous(const morgue_gazetteer *g,
				  void (*fn)(const char *alias, const char *const *slugs,
					     size_t nslugs, void *payload),
				  void *payload)
{
	size_t count = 0;
	for (size_t i = 0; i < g->nkeys; i++) {
		const gkey *k = &g->keys[i];
		if (!k->ambiguous)
			continue;
		count++;
		if (!fn)
			continue;
		const char **slugs = morgue_malloc(k->naliases * sizeof(*slugs));
		size_t ns = 0;
		for (size_t j = 0; j < k->naliases; j++) {
			const char *s = g->slugs[k->aliases[j].entity];
			size_t x;
			for (x = 0; x < ns && strcmp(slugs[x], s); x++)
				;
			if (x == ns)
				slugs[ns++] = s;
		}
		fn(k->aliases[0].text, slugs, ns, payload);
		free(slugs);
	}
	return count;
}
