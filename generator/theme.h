/*
 * theme.h - templates and static files of the site's look.
 *
 * Files are looked up in order: the --theme directory given on the command
 * line, then themes/NAME/ kept with the content (morgue.yaml `theme:`),
 * then the default theme compiled into the binary (theme_embed.h). So a
 * theme overrides the default file by file. Templates live in templates/
 * as NAME.mustache; static assets in static/ are copied to the site.
 */
#ifndef MORGUE_THEME_H
#define MORGUE_THEME_H

#include "output.h"
#include "repo.h"
#include "template.h"

typedef struct morgue_theme morgue_theme;

/* dir: a directory on disk or NULL; repo+name: themes/NAME in the content
 * (either may be NULL). A named theme that does not exist is an error. */
int morgue_theme_open(morgue_theme **out, const char *dir, morgue_repo *repo,
		      const char *name);
void morgue_theme_free(morgue_theme *t);

/* The compiled template NAME (without .mustache), or NULL with the error
 * recorded. Compiled once, cached; the theme owns it. Not thread-safe:
 * load every template before rendering from several threads. */
const morgue_template *morgue_theme_template(morgue_theme *t, const char *name);

/* Render template NAME with ctx into out (partials and layouts resolve
 * through the theme). */
int morgue_theme_render(morgue_buf *out, morgue_theme *t, const char *name,
			const morgue_value *ctx);

/* 1 when some template of the theme (every templates/NAME.mustache, with
 * overrides, whether a page uses it or not) may show the value `name`
 * (morgue_template_reads), or cannot be compiled: what a page signature
 * must cover. Compiles every template. */
int morgue_theme_reads(morgue_theme *t, const char *name);
/* Copy every static/ file of the theme (with overrides) into the site
 * under static/. */
int morgue_theme_copy_static(morgue_theme *t, morgue_output *o);

/* Append a digest of the on-disk override theme (--theme DIR: every file
 * under templates/ and static/, names and bytes) and of the content's
 * theme (themes/NAME: paths and blob ids), or "-" without either. The
 * embedded theme is part of the binary. Page signatures include it: a
 * template edit changes pages whose articles did not change. */
void morgue_theme_digest(morgue_buf *out, const morgue_theme *t);

#endif
