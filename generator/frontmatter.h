/*
 * frontmatter.h - the YAML reader: a Markdown file's front matter, and
 * whole YAML files (morgue.yaml, annotation files), read with libyaml into
 * a morgue_value tree (value.h). Every value remembers its line in the file.
 *
 * Scalars follow the YAML 1.2 core schema, but only for plain (unquoted,
 * untagged) scalars: true/false (also True, TRUE, ...) become bools,
 * null/~/empty become null, decimal, 0x and 0o integers and decimal floats
 * become numbers. Everything else, and every quoted, block or tagged
 * scalar, is a string kept as written. Dates are strings.
 *
 * Rejected with MORGUE_EINPUT and "file:line: ...": invalid UTF-8, NUL
 * bytes, invalid YAML (libyaml's own words), anchors and aliases (no
 * billion laughs), duplicate mapping keys, non-scalar mapping keys, more
 * than one document, nesting deeper than MORGUE_YAML_MAX_DEPTH. A UTF-8
 * byte order mark is skipped; CRLF line endings are fine.
 *
 * The caller owns the returned tree (morgue_value_free). No global state:
 * safe to call from several threads at once.
 */
#ifndef MORGUE_FRONTMATTER_H
#define MORGUE_FRONTMATTER_H

#include <stddef.h>

#include "value.h"

#define MORGUE_YAML_MAX_DEPTH 64

/* Split a Markdown file into front matter and body and parse the front
 * matter. The file must begin with a line "---"; the front matter runs to
 * the next line "---" or "..." and must be a mapping (an empty one gives
 * an empty map). `body` points into `data` after the closing line,
 * `body_line` is the body's first line (1-based). Errors name `file`:
 * "missing front matter: ...", "front matter: no closing '---' line",
 * "front matter must be a mapping of keys to values", and the YAML errors
 * above. */
int morgue_frontmatter_parse(morgue_value **meta, const char **body,
			     size_t *body_len, int *body_line, const char *file,
			     const char *data, size_t len);

/* Parse a whole YAML text whose first line is line `first_line` of `file`.
 * An empty stream (nothing but comments or blank lines) gives a null
 * value; the caller checks the type it expects. */
int morgue_yaml_parse(morgue_value **out, const char *file, int first_line,
		      const char *data, size_t len);

/* Check that data is UTF-8 without NUL bytes; on failure records
 * "invalid UTF-8" or "NUL byte" at the line of the first bad byte
 * (counting from first_line) and returns MORGUE_EINPUT. */
int morgue_text_check(const char *file, int first_line, const char *data,
		      size_t len);

#endif
