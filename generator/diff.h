/*
 * diff.h - what changed in an archive between two revisions: articles,
 * entities and annotation files added, removed, changed or renamed (a
 * removed file whose exact content reappears elsewhere). For reviewing
 * annotation work before it is merged (`morgue diff`).
 */
#ifndef MORGUE_DIFF_H
#define MORGUE_DIFF_H

#include <stddef.h>

typedef enum morgue_change_kind {
	MORGUE_CHANGE_ADDED,
	MORGUE_CHANGE_REMOVED,
	MORGUE_CHANGE_CHANGED,
	MORGUE_CHANGE_RENAMED,
} morgue_change_kind;

typedef struct morgue_change {
	morgue_change_kind kind;
	char *path;     /* content-root path in the newer revision (the older
			   one for removals) */
	char *old_path; /* renames only */
	const char *area; /* "articles", "entities" or "annotations" */
} morgue_change;

/* Compare the content root at rev `from` with rev `to` (to NULL: the work
 * tree, uncommitted files included). Changes are sorted by area then path.
 * The caller frees them with morgue_changes_free. */
int morgue_diff_revisions(morgue_change **out, size_t *n, const char *root,
			  const char *from, const char *to);
void morgue_changes_free(morgue_change *c, size_t n);

const char *morgue_change_kind_name(morgue_change_kind k);

#endif
