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
#include "value.h"

/* `article`: morgue_catalog_article()'s map; `page` its site path
 * ("articles/2017/x.html") - links in the JSON are relative to the JSON
 * file next to it. `mentions`: morgue_catalog_mentions() (byte offsets
 * into text). `attributions` may be NULL. */
void morgue_webanno_article(morgue_buf *out, const morgue_value *article,
			    const char *page, const char *text, size_t len,
			    const morgue_value *mentions,
			    const morgue_value *attributions);

#endif
