/*
 * template.h - the Mustache template engine the theme renders with.
 *
 * Implements the official Mustache spec (interpolation, sections, inverted
 * sections, comments, set delimiters, partials with standalone
 * indentation) and its optional ~inheritance ({{<parent}}{{$block}}...)
 * and ~dynamic-names ({{>*name}}, {{<*name}}) modules. Lambdas are not
 * supported: morgue_value has no functions.
 *
 * A template is compiled once into a tree of operations that keeps no
 * reference to the caller's source; rendering never reparses. Values:
 * {{x}} is HTML-escaped with morgue_escape_html, {{{x}}} and {{&x}} are
 * raw; numbers print as integers when integral ("42"), else shortest
 * round-trip ("1.21"); booleans as true/false; null, lists and maps as
 * nothing. Truthiness is morgue_value_truthy (so "" is falsey).
 *
 * Ownership: the caller owns the template (morgue_template_free) and the
 * context; lookup results stay owned by whoever the lookup belongs to.
 * A compiled template is immutable: several threads may render it at once
 * (given a thread-safe lookup).
 */
#ifndef MORGUE_TEMPLATE_H
#define MORGUE_TEMPLATE_H

#include <stddef.h>

#include "util/buf.h"
#include "value.h"

/* Partials and parents nested deeper than this fail to render. */
#define MORGUE_TEMPLATE_MAX_DEPTH 64
/* Sections nested deeper than this fail to compile. */
#define MORGUE_TEMPLATE_MAX_NESTING 100

typedef struct morgue_template morgue_template;

/* Resolve a partial/parent by name; NULL when absent (renders as empty). */
typedef const morgue_template *(*morgue_template_lookup)(const char *name,
							   void *payload);

/* Compile src (len bytes, need not be NUL-terminated). name is used in
 * error messages ("themes/default/templates/x.mustache:12: unclosed
 * section 'items'"); errors are MORGUE_EINPUT with file=name and line:
 * unclosed tag, unclosed section, mismatched or unexpected close, bad
 * set-delimiter tag, empty or blank-containing tag name, nesting too
 * deep. On error *out is NULL. */
int morgue_template_compile(morgue_template **out, const char *name,
			    const char *src, size_t len);

/* Render with ctx (may be NULL) appending to out. lookup may be NULL (no
 * partials). Fails (MORGUE_EINPUT naming the template and line) only when
 * partials/parents/blocks recurse deeper than MORGUE_TEMPLATE_MAX_DEPTH;
 * out then holds partial output. */
int morgue_template_render(morgue_buf *out, const morgue_template *t,
			   const morgue_value *ctx,
			   morgue_template_lookup lookup, void *payload);

/* 1 when a tag of t (a variable, a section, an inverted section, a
 * dynamic partial) names `name`, alone or as a part of a dotted name:
 * rendering t may then show that value. Partials are not followed. */
int morgue_template_reads(const morgue_template *t, const char *name);

/* The name given at compile time. */
const char *morgue_template_name(const morgue_template *t);

void morgue_template_free(morgue_template *t);

#endif
