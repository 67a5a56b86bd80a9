/*
 * scaffold.h - the text and place of a new article or entity file, for
 * `morgue new`. Pure: the command writes the file (never over an existing
 * one). Titles and names are written as double-quoted YAML scalars, so any
 * text round-trips through the front matter reader.
 */
#ifndef MORGUE_SCAFFOLD_H
#define MORGUE_SCAFFOLD_H

#include "util/buf.h"

/* path: "articles/YYYY/slug.md" (relative to the content root).
 * date: "YYYY-MM-DD" (required: the command picks today by default);
 * publication: an entity slug or name, or NULL.
 * MORGUE_EUSAGE when the title has no letters or digits for a slug or the
 * date is malformed. */
int morgue_scaffold_article(morgue_buf *path, morgue_buf *text, const char *title,
			    const char *date, const char *publication);

/* path: "entities/<people|organizations|places|publications|events|topics>/slug.md".
 * type: one of the entity types (morgue-content(5)). */
int morgue_scaffold_entity(morgue_buf *path, morgue_buf *text, const char *name,
			   const char *type);

/* A double-quoted YAML scalar for s. */
void morgue_scaffold_yaml_string(morgue_buf *out, const char *s);

#endif
