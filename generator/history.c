#include "history.h"
#include "frontmatter.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small string -> index map (open hashing) for "path -> history". */
typedef struct slot {
	char *key;
	size_t value;
	struct slot *next;
} slot;

struct morgue_history {
	morgue_article_history *v;
	size_t n, cap;
	slot **table;
	size_t nbuckets;
	int shallow;
	int since;      /* continued an earlier history (morgue_history_collect_since) */
	char head[41];  /* the commit walked from, or "" */
	morgue_repo *repo;
};

static size_t hash(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 ^ (unsigned char)*s++;
	return h;
}

static slot **find_slot(morgue_history *h, const char *key)
{
	slot **s = &h->table[hash(key) % h->nbuckets];
	while (*s && strcmp((*s)->key, key))
		s = &(*s)->next;
	return s;
}

static void map_set(morgue_history *h, const char *key, size_t value)
{
	slot **s = find_slot(h, key);
	if (!*s) {
		*s = morgue_calloc(1, sizeof(**s));
		(*s)->key = morgue_strdup(key);
	}
	(*s)->value = value;
}

static int map_get(morgue_history *h, const char *key, size_t *value)
{
	slot **s = find_slot(h, key);
	if (*s)
		*value = (*s)->value;
	return *s != NULL;
}

static void map_del(morgue_history *h, const char *key)
{
	slot **s = find_slot(h, key), *dead = *s;
	if (!dead)
		return;
	*s = dead->next;
	free(dead->key);
	free(dead);
}

/* The history entry for the article currently at `path`, created on
 * first sight (newest first, so the first sight is the latest path). */
static morgue_article_history *entry(morgue_history *h, const char *path)
{
	size_t i;
	if (!map_get(h, path, &i)) {
		MORGUE_ARRAY_RESERVE(h->v, h->cap, h->n + 1);
		i = h->n++;
		memset(&h->v[i], 0, sizeof(h->v[i]));
		h->v[i].path = morgue_strdup(path);
		map_set(h, path, i);
	}
	return &h->v[i];
}

/* The revision of `a` for commit c, appended if this is a new commit
 * (changes of one commit arrive together). */
static morgue_revision *revision(morgue_article_history *a, const morgue_repo_change *c)
{
	if (a->nrevs && !strcmp(a->revs[a->nrevs - 1].commit, c->commit))
		return &a->revs[a->nrevs - 1];
	/* the array grows at powers of two, so its capacity needs no field */
	size_t n = a->nrevs;
	if ((n & (n - 1)) == 0)
		a->revs = morgue_realloc(a->revs, (n ? n * 2 : 1) * sizeof(*a->revs));
	morgue_revision *r = &a->revs[a->nrevs++];
	memset(r, 0, sizeof(*r));
	memcpy(r->commit, c->commit, 40);
	r->time = c->time;
	r->tz = c->tz;
	r->author = morgue_strdup(c->author);
	r->summary = morgue_strdup(c->summary);
	return r;
}

static void push_str(char ***v, size_t *n, const char *s)
{
	if ((*n & (*n - 1)) == 0)
		*v = morgue_realloc(*v, (*n ? *n * 2 : 1) * sizeof(**v));
	(*v)[(*n)++] = morgue_strdup(s);
}

/* Slugs of the (non-suppressed) mentions in an annotation file version;
 * unreadable or malformed versions count as empty. */
static void annotated_entities(morgue_history *h, const char *oid, char ***out, size_t *n)
{
	morgue_buf data = MORGUE_BUF_INIT;
	morgue_value *doc = NULL;

	*out = NULL;
	*n = 0;
	if (!oid || morgue_repo_read_blob(&data, h->repo, oid) < 0 ||
	    morgue_yaml_parse(&doc, "annotations", 1, morgue_buf_cstr(&data), data.size) < 0) {
		morgue_error_clear();
		goto done;
	}
	static const char *lists[] = { "mentions", "attributions" };
	for (size_t l = 0; l < 2; l++) {
		const morgue_value *ms = morgue_value_get(doc, lists[l]);
		for (size_t i = 0; i < morgue_value_count(ms); i++) {
			const morgue_value *m = morgue_value_at(ms, i);
			const char *slug = morgue_value_get_str(m, "entity");
			if (!slug)
				slug = morgue_value_get_str(m, "source");
			if (!slug || morgue_value_get_bool(morgue_value_get(m, "suppress")))
				continue;
			size_t k;
			for (k = 0; k < *n && strcmp((*out)[k], slug); k++)
				;
			if (k == *n)
				push_str(out, n, slug);
		}
	}
done:
	morgue_value_free(doc);
	morgue_buf_free(&data);
}

static int contains(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "annotations/2017/x.yaml" -> "articles/2017/x.md" */
static char *article_of(const char *annotation_path)
{
	const char *rel = annotation_path + strlen("annotations/");
	size_t n = strlen(rel);
	morgue_buf b = MORGUE_BUF_INIT;
	if (n < 5 || strcmp(rel + n - 5, ".yaml"))
		return NULL;
	morgue_buf_printf(&b, "articles/%.*s.md", (int)(n - 5), rel);
	return morgue_buf_detach(&b);
}

static int is_article(const char *p)
{
	size_t n = strlen(p);
	return !strncmp(p, "articles/", 9) && n > 12 && !strcmp(p + n - 3, ".md");
}

static int on_change(const morgue_repo_change *c, void *payload)
{
	morgue_history *h = payload;

	if (is_article(c->path)) {
		morgue_article_history *a = entry(h, c->path);
		size_t idx = (size_t)(a - h->v);
		morgue_revision *r = revision(a, c);
		r->article = c->status == 'D' ? 0 : c->status;
		if (c->status == 'R' && c->old_path && is_article(c->old_path)) {
			/* older commits knew this article under its old path */
			map_del(h, c->path);
			map_set(h, c->old_path, idx);
			push_str(&h->v[idx].old_paths, &h->v[idx].nold, c->old_path);
		} else if (c->status == 'A') {
			/* older changes at this path belong to another article */
			map_del(h, c->path);
		}
		return 0;
	}
	if (!strncmp(c->path, "annotations/", 12)) {
		char *art = article_of(c->path);
		if (!art)
			return 0;
		morgue_article_history *a = entry(h, art);
		morgue_revision *r = revision(a, c);
		char **before, **after;
		size_t nb, na;
		/* a file moved along with its article is not annotation work */
		if (c->status != 'R' || !c->old_oid || !c->new_oid || strcmp(c->old_oid, c->new_oid))
			r->annotations = c->status;
		annotated_entities(h, c->old_oid, &before, &nb);
		annotated_entities(h, c->new_oid, &after, &na);
		for (size_t i = 0; i < na; i++)
			if (!contains(before, nb, after[i]))
				push_str(&r->added, &r->nadded, after[i]);
		for (size_t i = 0; i < nb; i++)
			if (!contains(after, na, before[i]))
				push_str(&r->removed, &r->nremoved, before[i]);
		free_strs(before, nb);
		free_strs(after, na);
		free(art);
	}
	return 0;
}

static morgue_history *history_new(morgue_repo *r)
{
	morgue_history *h = morgue_calloc(1, sizeof(*h));
	h->nbuckets = 4096;
	h->table = morgue_calloc(h->nbuckets, sizeof(*h->table));
	h->repo = r;
	return h;
}

/* After the walk: lookups are by the walked commit's paths. */
static void finish(morgue_history *h)
{
	for (size_t i = 0; i < h->nbuckets; i++)
		while (h->table[i])
			map_del(h, h->table[i]->key);
	for (size_t i = 0; i < h->n; i++) {
		size_t seen;
		if (!map_get(h, h->v[i].path, &seen)) /* the newest owner of a path wins */
			map_set(h, h->v[i].path, i);
	}
	h->repo = NULL;
}

static const char *const walked_dirs[] = { "articles", "annotations" };

int morgue_history_collect(morgue_history **out, morgue_repo *r)
{
	morgue_history *h = history_new(r);
	int joined;
	int rc = morgue_repo_history_since(r, walked_dirs, 2, NULL, on_change, h, &h->shallow,
					   &joined, h->head);
	if (rc < 0) {
		morgue_history_free(h);
		*out = NULL;
		return rc;
	}
	finish(h);
	*out = h;
	return 0;
}

/* An array of n elements of size sz grown as push_str and revision grow
 * theirs (capacity: the next power of two), to hold n + more. */
static void *grow_pow2(void *v, size_t n, size_t more, size_t sz)
{
	size_t cap = 1;
	while (cap < n + more)
		cap *= 2;
	return morgue_realloc(v, cap * sz);
}

/* The *nsrc elements of *src (sz bytes each) moved to the end of dst's
 * *ndst; *src is freed and emptied. Returns dst, grown as grow_pow2. */
static void *move_after(void *dst, size_t *ndst, void **src, size_t *nsrc, size_t sz)
{
	if (*nsrc) {
		dst = grow_pow2(dst, *ndst, *nsrc, sz);
		memcpy((char *)dst + *ndst * sz, *src, *nsrc * sz);
		*ndst += *nsrc;
	}
	free(*src);
	*src = NULL;
	*nsrc = 0;
	return dst;
}

/* The walk since an earlier history's commit is done: that history's
 * articles follow, as the rest of the walk would have found them. One the
 * newer commits touched continues the entry they made (under the path it
 * had at that commit, as the walk's map says); the others are appended
 * in their order. prev is emptied. */
static void merge(morgue_history *h, morgue_history *prev)
{
	for (size_t i = 0; i < prev->n; i++) {
		morgue_article_history *e = &prev->v[i], *a;
		size_t idx;
		if (!map_get(h, e->path, &idx)) {
			MORGUE_ARRAY_RESERVE(h->v, h->cap, h->n + 1);
			h->v[h->n++] = *e;
			memset(e, 0, sizeof(*e));
			continue;
		}
		a = &h->v[idx];
		a->revs = move_after(a->revs, &a->nrevs, (void **)&e->revs, &e->nrevs,
				     sizeof(*a->revs));
		a->old_paths = move_after(a->old_paths, &a->nold, (void **)&e->old_paths, &e->nold,
					  sizeof(*a->old_paths));
	}
}

int morgue_history_collect_since(morgue_history **out, morgue_repo *r, const char *key,
				 const char *prev, size_t len)
{
	morgue_history *old = NULL, *h = NULL;
	int joined = 0, rc;

	if (prev && morgue_history_parse(&old, key, prev, len) == 0 && !old->shallow &&
	    old->head[0]) {
		h = history_new(r);
		rc = morgue_repo_history_since(r, walked_dirs, 2, old->head, on_change, h,
					       &h->shallow, &joined, h->head);
		if (rc == 0 && joined && !h->shallow) {
			merge(h, old);
			morgue_history_free(old);
			finish(h);
			h->since = 1;
			*out = h;
			return 0;
		}
		morgue_history_free(h);
	}
	/* an unusable earlier history is no error: the whole walk */
	morgue_error_clear();
	morgue_history_free(old);
	return morgue_history_collect(out, r);
}

/* ---- the history as text, for the build cache ----
 *
 * "morgue-history 1\n", then fields: a string as its length, ':' and its
 * bytes; a number as its decimal digits and ','. Header: key, head
 * commit, shallow, entry count; each entry: path, revision count, each
 * revision (commit, time, tz, author, summary, article and annotations
 * status, added count and slugs, removed count and slugs), old path
 * count and paths. */

#define HISTORY_MAGIC "morgue-history 1\n"

static void put_str(morgue_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	morgue_buf_printf(b, "%zu:", n);
	morgue_buf_put(b, s ? s : "", n);
}

static void put_num(morgue_buf *b, long long v)
{
	morgue_buf_printf(b, "%lld,", v);
}

void morgue_history_serialize(morgue_buf *out, const morgue_history *h, const char *key)
{
	morgue_buf_puts(out, HISTORY_MAGIC);
	put_str(out, key);
	put_str(out, h->head);
	put_num(out, h->shallow);
	put_num(out, (long long)h->n);
	for (size_t i = 0; i < h->n; i++) {
		const morgue_article_history *a = &h->v[i];
		put_str(out, a->path);
		put_num(out, (long long)a->nrevs);
		for (size_t k = 0; k < a->nrevs; k++) {
			const morgue_revision *rv = &a->revs[k];
			put_str(out, rv->commit);
			put_num(out, rv->time);
			put_num(out, rv->tz);
			put_str(out, rv->author);
			put_str(out, rv->summary);
			put_num(out, rv->article);
			put_num(out, rv->annotations);
			put_num(out, (long long)rv->nadded);
			for (size_t j = 0; j < rv->nadded; j++)
				put_str(out, rv->added[j]);
			put_num(out, (long long)rv->nremoved);
			for (size_t j = 0; j < rv->nremoved; j++)
				put_str(out, rv->removed[j]);
		}
		put_num(out, (long long)a->nold);
		for (size_t k = 0; k < a->nold; k++)
			put_str(out, a->old_paths[k]);
	}
}

typedef struct reader {
	const char *p, *end;
	int bad;
} reader;

static long long get_num(reader *r)
{
	char *stop;
	if (r->bad || r->p >= r->end)
		goto bad;
	long long v = strtoll(r->p, &stop, 10);
	if (stop == r->p || stop >= r->end || *stop != ',')
		goto bad;
	r->p = stop + 1;
	return v;
bad:
	r->bad = 1;
	return 0;
}

/* A count of things that each take at least `least` bytes more. */
static size_t get_count(reader *r, size_t least)
{
	long long v = get_num(r);
	if (v < 0 || (size_t)v > (size_t)(r->end - r->p) / least) {
		r->bad = 1;
		return 0;
	}
	return (size_t)v;
}

static char *get_str(reader *r)
{
	char *stop;
	if (r->bad || r->p >= r->end || *r->p < '0' || *r->p > '9')
		goto bad;
	unsigned long long n = strtoull(r->p, &stop, 10);
	if (stop >= r->end || *stop != ':' || n > (unsigned long long)(r->end - stop - 1))
		goto bad;
	char *s = morgue_malloc((size_t)n + 1);
	memcpy(s, stop + 1, (size_t)n);
	s[n] = '\0';
	if (memchr(s, '\0', (size_t)n)) {
		free(s);
		goto bad;
	}
	r->p = stop + 1 + n;
	return s;
bad:
	r->bad = 1;
	return morgue_strdup("");
}

static char **get_strs(reader *r, size_t *n)
{
	*n = get_count(r, 2);
	char **v = *n ? grow_pow2(NULL, 0, *n, sizeof(*v)) : NULL;
	for (size_t i = 0; i < *n; i++)
		v[i] = get_str(r);
	return v;
}

int morgue_history_parse(morgue_history **out, const char *key, const char *data, size_t len)
{
	morgue_history *h = history_new(NULL);
	reader r = { data, data + len, 0 };
	size_t m = strlen(HISTORY_MAGIC);
	char *s;

	*out = NULL;
	if (len < m || memcmp(data, HISTORY_MAGIC, m))
		goto bad;
	r.p += m;
	s = get_str(&r);
	int same = !strcmp(s, key ? key : "");
	free(s);
	s = get_str(&r);
	if (!same || r.bad || strlen(s) >= sizeof(h->head)) {
		free(s);
		goto bad;
	}
	strcpy(h->head, s);
	free(s);
	h->shallow = get_num(&r) != 0;
	size_t n = get_count(&r, 4);
	h->v = n ? morgue_calloc(n, sizeof(*h->v)) : NULL;
	h->cap = n;
	for (size_t i = 0; i < n && !r.bad; i++) {
		morgue_article_history *a = &h->v[h->n++];
		a->path = get_str(&r);
		size_t nrevs = get_count(&r, 20);
		a->revs = nrevs ? grow_pow2(NULL, 0, nrevs, sizeof(*a->revs)) : NULL;
		for (size_t k = 0; k < nrevs && !r.bad; k++) {
			morgue_revision *rv = &a->revs[a->nrevs++];
			memset(rv, 0, sizeof(*rv));
			s = get_str(&r);
			if (strlen(s) != 40)
				r.bad = 1;
			memcpy(rv->commit, s, strlen(s) < 41 ? strlen(s) : 40);
			free(s);
			rv->time = get_num(&r);
			rv->tz = (int)get_num(&r);
			rv->author = get_str(&r);
			rv->summary = get_str(&r);
			rv->article = (char)get_num(&r);
			rv->annotations = (char)get_num(&r);
			rv->added = get_strs(&r, &rv->nadded);
			rv->removed = get_strs(&r, &rv->nremoved);
		}
		a->old_paths = get_strs(&r, &a->nold);
	}
	if (r.bad || r.p != r.end)
		goto bad;
	finish(h);
	*out = h;
	return 0;
bad:
	morgue_history_free(h);
	return morgue_error_set(MORGUE_EINPUT, NULL, 0, "history: not a history of this build");
}

int morgue_history_since(const morgue_history *h)
{
	return h && h->since;
}

void morgue_history_free(morgue_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++) {
		morgue_article_history *a = &h->v[i];
		for (size_t k = 0; k < a->nrevs; k++) {
			free(a->revs[k].author);
			free(a->revs[k].summary);
			free_strs(a->revs[k].added, a->revs[k].nadded);
			free_strs(a->revs[k].removed, a->revs[k].nremoved);
		}
		free(a->revs);
		free_strs(a->old_paths, a->nold);
		free(a->path);
	}
	free(h->v);
	if (h->table)
		for (size_t i = 0; i < h->nbuckets; i++)
			while (h->table[i])
				map_del(h, h->table[i]->key);
	free(h->table);
	free(h);
}

const morgue_article_history *morgue_history_find(const morgue_history *h,
						  const char *path)
{
	size_t i;
	if (!h || !map_get((morgue_history *)h, path, &i))
		return NULL;
	return &h->v[i];
}

int morgue_history_shallow(const morgue_history *h)
{
	return h && h->shallow;
}

size_t morgue_history_count(const morgue_history *h)
{
	return h ? h->n : 0;
}

const morgue_article_history *morgue_history_at(const morgue_history *h, size_t i)
{
	return &h->v[i];
}
