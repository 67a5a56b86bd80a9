/*
 * config.h - site settings from morgue.yaml.
 */
#ifndef MORGUE_CONFIG_H
#define MORGUE_CONFIG_H

#include <stddef.h>

typedef struct morgue_config {
	char *title;       /* default "Archive" */
	char *description; /* default "" */
	char *language;    /* default "en" */
	char *base_url;    /* NULL when not set; no trailing slash */
	char *theme;       /* NULL = built-in default theme */
	int unsafe_html;   /* pass raw HTML in articles through (default 0) */
	int page_size;     /* items per page on paginated lists (default 50) */
} morgue_config;

/* Parse morgue.yaml. `file` names the file in messages. data may be NULL
 * (no morgue.yaml): defaults. Errors: MORGUE_EINPUT with file:line. */
int morgue_config_parse(morgue_config **out, const char *file,
			const char *data, size_t len);
void morgue_config_free(morgue_config *c);

#endif
