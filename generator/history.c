#include "history.h"
#include "frontmatter.h"
#include "util/alloc.h"
#include "util/error.h"

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
			const char *slug = morgue_value_get_string(morgue_value_get(m, "entity"));
			if (!slug)
				slug = morgue_value_get_string(morgue_value_get(m, "source"));
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

int morgue_history_collect(morgue_history **out, morgue_repo *r)
{
	static const char *const dirs[] = { "articles", "annotations" };
	morgue_history *h = morgue_calloc(1, sizeof(*h));
	int rc;

	h->nbuckets = 4096;
	h->table = morgue_calloc(h->nbuckets, sizeof(*h->table));
	h->repo = r;
	rc = morgue_repo_history(r, dirs, 2, on_change, h, &h->shallow);
	if (rc < 0) {
		morgue_history_free(h);
		*out = NULL;
		return rc;
	}
	/* lookups from now on are by the walked commit's paths */
	for (size_t i = 0; i < h->nbuckets; i++)
		while (h->table[i])
			map_del(h, h->table[i]->key);
	for (size_t i = 0; i < h->n; i++) {
		size_t seen;
		if (!map_get(h, h->v[i].path, &seen)) /* the newest owner of a path wins */
			map_set(h, h->v[i].path, i);
	}
	h->repo = NULL;
	*out = h;
	return 0;
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
