#include "jsonld.h"
#include "util/escape.h"

#include <string.h>

/* ,"key":"value" when value is a non-empty string. */
static void field(morgue_buf *out, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	morgue_buf_printf(out, ",\"%s\":", key);
	morgue_escape_json_string(out, value);
}

const char *morgue_jsonld_type(const char *t)
{
	if (!t) return "Thing";
	if (!strcmp(t, "person")) return "Person";
	if (!strcmp(t, "organization")) return "Organization";
	if (!strcmp(t, "publication")) return "NewsMediaOrganization";
	if (!strcmp(t, "place")) return "Place";
	if (!strcmp(t, "event")) return "Event";
	return "Thing";
}

/* sameAs: the entity's own URL and its Wikidata item, when known. */
static void same_as(morgue_buf *out, const morgue_value *e)
{
	const char *url = morgue_value_get_str(e, "source_url"), *q = morgue_value_get_str(e, "wikidata");
	if (!url && !q)
		return;
	morgue_buf_puts(out, ",\"sameAs\":[");
	if (url && morgue_url_is_safe(url, strlen(url)))
		morgue_escape_json_string(out, url);
	if (q) {
		morgue_buf w = MORGUE_BUF_INIT;
		morgue_buf_printf(&w, "https://www.wikidata.org/wiki/%s", q);
		if (url)
			morgue_buf_putc(out, ',');
		morgue_escape_json_string(out, w.ptr);
		morgue_buf_free(&w);
	}
	morgue_buf_putc(out, ']');
}

static void thing(morgue_buf *out, const morgue_value *e, const char *base_url)
{
	morgue_buf_puts(out, "{\"@type\":");
	morgue_escape_json_string(out, morgue_jsonld_type(morgue_value_get_str(e, "type")));
	field(out, "name", morgue_value_get_str(e, "name"));
	if (base_url && morgue_value_get_str(e, "url")) {
		morgue_buf u = MORGUE_BUF_INIT;
		morgue_buf_printf(&u, "%s/%s", base_url, morgue_value_get_str(e, "url"));
		field(out, "url", u.ptr);
		morgue_buf_free(&u);
	}
	same_as(out, e);
	morgue_buf_putc(out, '}');
}

void morgue_jsonld_article(morgue_buf *out, const morgue_value *a,
			   const char *page, const char *base_url)
{
	const morgue_value *authors = morgue_value_get(a, "authors");
	const morgue_value *ents = morgue_value_get(a, "entities");
	const char *src = morgue_value_get_str(a, "source_url");

	morgue_buf_puts(out, "{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\"");
	field(out, "headline", morgue_value_get_str(a, "title"));
	field(out, "datePublished", morgue_value_get_str(a, "datetime") ? morgue_value_get_str(a, "datetime") : morgue_value_get_str(a, "date"));
	if (base_url) {
		morgue_buf u = MORGUE_BUF_INIT;
		morgue_buf_printf(&u, "%s/%s", base_url, page);
		field(out, "url", u.ptr);
		morgue_buf_free(&u);
	}
	if (src && morgue_url_is_safe(src, strlen(src)))
		field(out, "isBasedOn", src);
	if (morgue_value_count(authors)) {
		morgue_buf_puts(out, ",\"author\":[");
		for (size_t i = 0; i < morgue_value_count(authors); i++) {
			morgue_buf_puts(out, i ? ",{\"@type\":\"Person\",\"name\":" : "{\"@type\":\"Person\",\"name\":");
			morgue_escape_json_string(out, morgue_value_get_str(morgue_value_at(authors, i), "name")
							? morgue_value_get_str(morgue_value_at(authors, i), "name") : "");
			morgue_buf_putc(out, '}');
		}
		morgue_buf_putc(out, ']');
	}
	if (morgue_value_get_str(a, "publication")) {
		morgue_buf_puts(out, ",\"publisher\":{\"@type\":\"NewsMediaOrganization\",\"name\":");
		morgue_escape_json_string(out, morgue_value_get_str(a, "publication"));
		morgue_buf_putc(out, '}');
	}
	if (morgue_value_count(ents)) {
		morgue_buf_puts(out, ",\"mentions\":[");
		for (size_t i = 0; i < morgue_value_count(ents); i++) {
			if (i)
				morgue_buf_putc(out, ',');
			thing(out, morgue_value_at(ents, i), base_url);
		}
		morgue_buf_putc(out, ']');
	}
	morgue_buf_putc(out, '}');
}

void morgue_jsonld_entity(morgue_buf *out, const morgue_value *e,
			  const char *page, const char *base_url)
{
	morgue_buf_puts(out, "{\"@context\":\"https://schema.org\",\"@type\":");
	morgue_escape_json_string(out, morgue_jsonld_type(morgue_value_get_str(e, "type")));
	field(out, "name", morgue_value_get_str(e, "name"));
	field(out, "description", morgue_value_get_str(e, "description"));
	if (base_url) {
		morgue_buf u = MORGUE_BUF_INIT;
		morgue_buf_printf(&u, "%s/%s", base_url, page);
		field(out, "url", u.ptr);
		morgue_buf_free(&u);
	}
	same_as(out, e);
	const morgue_value *aliases = morgue_value_get(e, "aliases");
	if (morgue_value_count(aliases)) {
		morgue_buf_puts(out, ",\"alternateName\":[");
		for (size_t i = 0; i < morgue_value_count(aliases); i++) {
			const morgue_value *al = morgue_value_at(aliases, i);
			const char *s = morgue_value_get_string(al) ? morgue_value_get_string(al) : morgue_value_get_str(al, "alias");
			if (i)
				morgue_buf_putc(out, ',');
			morgue_escape_json_string(out, s ? s : "");
		}
		morgue_buf_putc(out, ']');
	}
	morgue_buf_putc(out, '}');
}
