#include "diff.h"
#include "repo.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

static const struct {
	const char *dir, *suffix;
} areas[] = { { "articles", ".md" }, { "entities", ".md" }, { "annotations", ".yaml" } };

const char *morgue_change_kind_name(morgue_change_kind k)
{
	static const char *names[] = { "added", "removed", "changed", "renamed" };
	return (size_t)k < sizeof(names) / sizeof(*names) ? names[k] : "?";
}

void morgue_changes_free(morgue_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].path);
		free(c[i].old_path);
	}
	free(c);
}

typedef struct list {
	morgue_change *v;
	size_t n, cap;
} list;

static void push(list *l, morgue_change_kind k, const char *area, const char *path,
		 const char *old_path)
{
	MORGUE_ARRAY_RESERVE(l->v, l->cap, l->n + 1);
	l->v[l->n].kind = k;
	l->v[l->n].area = area;
	l->v[l->n].path = morgue_strdup(path);
	l->v[l->n].old_path = old_path ? morgue_strdup(old_path) : NULL;
	l->n++;
}

/* Merge two path-sorted listings of one area. Renames: a removal and an
 * addition with the same blob id pair up (first match in path order). */
static void compare(list *l, const char *area, morgue_repo_entry *a, size_t na,
		    morgue_repo_entry *b, size_t nb)
{
	char *gone = morgue_calloc(na + 1, 1), *born = morgue_calloc(nb + 1, 1);
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].path, b[j].path);
		if (c < 0)
			gone[i++] = 1;
		else if (c > 0)
			born[j++] = 1;
		else {
			if (strcmp(a[i].oid, b[j].oid))
				push(l, MORGUE_CHANGE_CHANGED, area, b[j].path, NULL);
			i++, j++;
		}
	}
	for (j = 0; j < nb; j++) {
		if (!born[j])
			continue;
		for (i = 0; i < na; i++)
			if (gone[i] && !strcmp(a[i].oid, b[j].oid)) {
				gone[i] = 0;
				born[j] = 0;
				push(l, MORGUE_CHANGE_RENAMED, area, b[j].path, a[i].path);
				break;
			}
		if (born[j])
			push(l, MORGUE_CHANGE_ADDED, area, b[j].path, NULL);
	}
	for (i = 0; i < na; i++)
		if (gone[i])
			push(l, MORGUE_CHANGE_REMOVED, area, a[i].path, NULL);
	free(gone);
	free(born);
}

static int by_path(const void *x, const void *y)
{
	const morgue_change *a = x, *b = y;
	int c = strcmp(a->area, b->area);
	return c ? c : strcmp(a->path, b->path);
}

int morgue_diff_revisions(morgue_change **out, size_t *n, const char *root,
			  const char *from, const char *to)
{
	morgue_repo *ra = NULL, *rb = NULL;
	list l = { 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = morgue_repo_open(&ra, root, from, 0)) < 0 ||
	    (rc = morgue_repo_open(&rb, root, to, to == NULL)) < 0)
		goto done;
	for (size_t k = 0; k < sizeof(areas) / sizeof(*areas) && !rc; k++) {
		morgue_repo_entry *a = NULL, *b = NULL;
		size_t na = 0, nb = 0;
		if ((rc = morgue_repo_list(&a, &na, ra, areas[k].dir, areas[k].suffix)) == 0 &&
		    (rc = morgue_repo_list(&b, &nb, rb, areas[k].dir, areas[k].suffix)) == 0)
			compare(&l, areas[k].dir, a, na, b, nb);
		morgue_repo_entries_free(a, na);
		morgue_repo_entries_free(b, nb);
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), by_path);
done:
	morgue_repo_free(ra);
	morgue_repo_free(rb);
	if (rc < 0) {
		morgue_changes_free(l.v, l.n);
		return rc;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}
