/*
 * jsonld.h - schema.org structured data for search engines and archives:
 * a NewsArticle for each article page, a Person / Organization / Place /
 * Event / Thing for each entity page. The JSON is escaped for embedding in
 * <script type="application/ld+json"> (no "</script>" can appear), so the
 * template prints it raw.
 */
#ifndef MORGUE_JSONLD_H
#define MORGUE_JSONLD_H

#include "util/buf.h"
#include "value.h"

/* The schema.org type for a morgue entity type ("person" -> "Person"). */
const char *morgue_jsonld_type(const char *entity_type);

/* `article` is morgue_catalog_article()'s map; `page` its site path;
 * base_url may be NULL (then "url" is left out: it must be absolute). */
void morgue_jsonld_article(morgue_buf *out, const morgue_value *article,
			   const char *page, const char *base_url);

/* `entity` is morgue_catalog_entity()'s map. */
void morgue_jsonld_entity(morgue_buf *out, const morgue_value *entity,
			  const char *page, const char *base_url);

#endif
