/*
 * theme_embed.h - the default theme's files, compiled into the binary by
 * tools/embed.c (build/theme_data.c). Paths are relative to themes/default,
 * e.g. "templates/article.mustache", "static/style.css".
 */
#ifndef MORGUE_THEME_EMBED_H
#define MORGUE_THEME_EMBED_H

#include <stddef.h>

typedef struct morgue_embedded_file {
	const char *path;
	const unsigned char *data; /* NUL-terminated for convenience */
	size_t len;
} morgue_embedded_file;

extern const morgue_embedded_file morgue_theme_default_files[];
extern const size_t morgue_theme_default_count;

#endif
