/*
 * path.h - site paths, relative links and slugs.
 *
 * A "site path" is a page's path inside the output directory, always with
 * '/' separators and no leading slash ("articles/2017/x.html"). Links
 * between pages are always relative and name an explicit file, so the site
 * works from file:// and from any sub-path of a web server.
 */
#ifndef MORGUE_PATH_H
#define MORGUE_PATH_H

#include "buf.h"

/* Append the relative link from page `from` to site path `to`,
 * e.g. from "articles/2017/x.html" to "entities/y.html" gives
 * "../../entities/y.html". */
void morgue_path_rel(morgue_buf *out, const char *from, const char *to);

/* Append the prefix that leads from page `from` back to the site root:
 * "" for "index.html", "../" for "tags/x.html". */
void morgue_path_root(morgue_buf *out, const char *from);

/* Append a URL slug for `s`: diacritics removed, lower-case ASCII letters
 * and digits, runs of anything else become one '-', no leading/trailing
 * '-'. An input with no letters or digits yields "" (caller decides). */
void morgue_slugify(morgue_buf *out, const char *s);

/* True when a repository-relative path is safe to map into the site:
 * valid UTF-8, relative, no "." or ".." segments, no backslash, no control
 * characters, no empty segments and no Windows-reserved device names. */
int morgue_path_is_safe(const char *path);

/* True when s is a valid slug: [a-z0-9] runs joined by single '-' . */
int morgue_slug_is_valid(const char *s);

#endif
