/*
 * escape.h - every escaping rule of morgue, in one place (cmark's houdini).
 *
 * Escaping happens at output time, by the context the text lands in. Input
 * is UTF-8 bytes; invalid sequences are never produced by these functions
 * from valid input, and control characters that HTML/XML forbid are dropped.
 */
#ifndef MORGUE_ESCAPE_H
#define MORGUE_ESCAPE_H

#include <stddef.h>

#include "buf.h"

/* HTML/XML text and double- or single-quoted attribute values:
 * & < > " ' are written as entities; C0 controls other than \t \n \r
 * are dropped. */
void morgue_escape_html(morgue_buf *out, const char *s, size_t len);

/* A URL for an href/src attribute. Returns 0 and appends the escaped URL
 * when the URL is relative or uses http, https or mailto; returns -1 and
 * appends nothing for any other scheme (javascript:, data:, vbscript:, ...),
 * whatever its case or embedded whitespace. */
int morgue_escape_url(morgue_buf *out, const char *s, size_t len);

/* True when morgue_escape_url would accept the URL. */
int morgue_url_is_safe(const char *s, size_t len);

/* The body of a JSON string (no surrounding quotes). Safe to embed inside
 * <script> as well: '<', '>', '&', U+2028 and U+2029 are \u-escaped, so
 * "</script>" and "<!--" can never appear in the output. */
void morgue_escape_json(morgue_buf *out, const char *s, size_t len);

/* A complete JSON string literal with quotes. */
void morgue_escape_json_string(morgue_buf *out, const char *s);

/* One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or
 * LF, with quotes doubled. A field starting with = + - @ (which
 * spreadsheets would run as a formula) is prefixed with a single quote. */
void morgue_escape_csv(morgue_buf *out, const char *s, size_t len);

/* Percent-encode one path segment (for file names built from slugs/tags). */
void morgue_escape_path_segment(morgue_buf *out, const char *s, size_t len);

#endif
