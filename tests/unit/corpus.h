/*
 * corpus.h - load an archive's entities and articles straight from the file
 * system (content/ in the repository), for the gold evaluations of the
 * annotation and sourcing tests. Header-only, like test.h.
 */
#ifndef MORGUE_TEST_CORPUS_H
#define MORGUE_TEST_CORPUS_H

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

typedef struct corpus {
	morgue_entity **ents;
	size_t nents, capents;
	morgue_article **arts;
	size_t narts, caparts;
} corpus;

/* Parse every .md below root/rel as an entity or an article; files that
 * do not parse are left out (the build tests cover errors). */
static void walk_dir(corpus *c, const char *root, const char *rel, int entities)
{
	morgue_buf dir = MORGUE_BUF_INIT;
	morgue_buf_printf(&dir, "%s/%s", root, rel);
	DIR *d = opendir(dir.ptr);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		morgue_buf r = MORGUE_BUF_INIT, path = MORGUE_BUF_INIT, data = MORGUE_BUF_INIT;
		morgue_buf_printf(&r, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		morgue_buf_printf(&path, "%s/%s", root, r.ptr);
		if (morgue_fs_is_dir(path.ptr)) {
			walk_dir(c, root, r.ptr, entities);
		} else if (r.size > 3 && !strcmp(r.ptr + r.size - 3, ".md") &&
			   morgue_fs_read(&data, path.ptr) == 0) {
			if (entities) {
				morgue_entity *e = NULL;
				if (morgue_entity_parse(&e, path.ptr, r.ptr, data.ptr, data.size) == 0) {
					MORGUE_ARRAY_RESERVE(c->ents, c->capents, c->nents + 1);
					c->ents[c->nents++] = e;
				}
			} else {
				morgue_article *a = NULL;
				if (morgue_article_parse(&a, path.ptr, r.ptr, data.ptr, data.size) == 0) {
					MORGUE_ARRAY_RESERVE(c->arts, c->caparts, c->narts + 1);
					c->arts[c->narts++] = a;
				}
			}
		}
		morgue_buf_free(&r);
		morgue_buf_free(&path);
		morgue_buf_free(&data);
	}
	if (d)
		closedir(d);
	morgue_buf_free(&dir);
}

static void corpus_free(corpus *c)
{
	for (size_t i = 0; i < c->nents; i++)
		morgue_entity_free(c->ents[i]);
	for (size_t i = 0; i < c->narts; i++)
		morgue_article_free(c->arts[i]);
	free(c->ents);
	free(c->arts);
}

#endif
