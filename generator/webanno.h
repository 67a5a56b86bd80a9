/*
 * webanno.h - an article as JSON for researchers: its metadata, its plain
 * text, and its annotations in the W3C Web Annotation data model
 * (https://www.w3.org/TR/annotation-model/): each entity mention is an
 * Annotation with motivation "identifying", its body the entity page, its
 * target the article page with a TextQuoteSelector (exact, prefix,
 * suffix) and a TextPositionSelector (start/end in Unicode code points of
 * "text", as the model requires, not bytes).
 */
#ifndef MORGUE_WEBANNO_H
#define MORGUE_WEBANNO_H

#include <stddef.h>

#include "util/buf.h"

/* One article's data for the JSON, as plain C (the renderer fills it
 * from the catalog). Strings are borrowed; NULL prints as null. Offsets
 * and lengths are bytes into text; a mention or attribution outside it is
 * skipped (the numbering keeps its place: "#m3" is the third given). */
typedef struct morgue_webanno_mention {
	const char *entity;    /* slug; NULL: skipped */
	const char *name;      /* the registered entity's name, or NULL */
	const char *type;      /* ... its type, or NULL */
	const char *generator; /* how it was found: "auto", "inline", "standoff" */
	size_t offset, length;
} morgue_webanno_mention;

typedef struct morgue_webanno_attribution {
	const char *value;     /* the source as written */
	const char *source;    /* entity slug, or NULL */
	const char *kind;      /* morgue_source_kind_name */
	const char *cue;
	size_t offset, length;
} morgue_webanno_attribution;

typedef struct morgue_webanno_doc {
	const char *id;        /* the article's path ("2017/x") */
	const char *title, *date, *publication, *source_url;
	const char *text;
	size_t len;
	const morgue_webanno_mention *mentions; /* by offset, longest first */
	size_t nmentions;
	const morgue_webanno_attribution *attributions; /* in text order */
	size_t nattributions;
} morgue_webanno_doc;

/* Append the JSON of d to out; `page` is the article page's site path
 * ("articles/2017/x.html"): links in the JSON are relative to the JSON
 * file next to it. */
void morgue_webanno_write(morgue_buf *out, const morgue_webanno_doc *d, const char *page);

#endif
