#include "webanno.h"
#include "util/escape.h"

#include <string.h>

#define CONTEXT 32 /* bytes of prefix/suffix, widened to whole characters */

static const char *str(const morgue_value *m, const char *k)
{
	return morgue_value_get_string(morgue_value_get(m, k));
}

static void key_str(morgue_buf *out, const char *key, const char *v, int comma)
{
	morgue_buf_puts(out, comma ? ",\"" : "\"");
	morgue_buf_puts(out, key);
	morgue_buf_put(out, "\":", 2);
	if (v)
		morgue_escape_json_string(out, v);
	else
		morgue_buf_puts(out, "null");
}

static void key_strn(morgue_buf *out, const char *key, const char *v, size_t n)
{
	morgue_buf_put(out, ",\"", 2);
	morgue_buf_puts(out, key);
	morgue_buf_put(out, "\":\"", 3);
	morgue_escape_json(out, v, n);
	morgue_buf_putc(out, '"');
}

static int cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Code points in text[0, off): TextPositionSelector counts characters. */
static size_t chars_before(const char *text, size_t off, size_t *cache_off, size_t *cache_n)
{
	size_t n = *cache_n, i = *cache_off;
	if (off < i) {
		i = 0;
		n = 0;
	}
	for (; i < off; i++)
		if (!cont((unsigned char)text[i]))
			n++;
	*cache_off = off;
	*cache_n = n;
	return n;
}

static void selector(morgue_buf *out, const char *text, size_t len, size_t off, size_t n,
		     size_t *co, size_t *cn)
{
	size_t ps = off > CONTEXT ? off - CONTEXT : 0, se = off + n + CONTEXT < len ? off + n + CONTEXT : len;
	while (ps > 0 && cont((unsigned char)text[ps]))
		ps--;
	while (se < len && cont((unsigned char)text[se]))
		se++;
	morgue_buf_puts(out, "\"selector\":[{\"type\":\"TextQuoteSelector\"");
	key_strn(out, "exact", text + off, n);
	key_strn(out, "prefix", text + ps, off - ps);
	key_strn(out, "suffix", text + off + n, se - off - n);
	size_t start = chars_before(text, off, co, cn);
	size_t end = chars_before(text, off + n, co, cn);
	morgue_buf_puts(out, "},{\"type\":\"TextPositionSelector\",\"start\":");
	morgue_buf_put_int(out, (long long)start);
	morgue_buf_puts(out, ",\"end\":");
	morgue_buf_put_int(out, (long long)end);
	morgue_buf_put(out, "}]", 2);
}

void morgue_webanno_article(morgue_buf *out, const morgue_value *a, const char *page,
			    const char *text, size_t len, const morgue_value *mentions,
			    const morgue_value *attributions)
{
	const char *base = strrchr(page, '/');
	base = base ? base + 1 : page;
	size_t co = 0, cn = 0;

	morgue_buf_puts(out, "{\"@context\":\"http://www.w3.org/ns/anno.jsonld\"");
	key_str(out, "id", str(a, "path"), 1);
	key_str(out, "page", base, 1);
	key_str(out, "title", str(a, "title"), 1);
	key_str(out, "date", str(a, "date"), 1);
	key_str(out, "publication", str(a, "publication"), 1);
	key_str(out, "source_url", str(a, "source_url"), 1);
	morgue_buf_puts(out, ",\"text\":\"");
	morgue_escape_json(out, text ? text : "", text ? len : 0);
	morgue_buf_puts(out, "\",\"annotations\":[");
	size_t k = 0;
	for (size_t i = 0; i < morgue_value_count(mentions); i++) {
		const morgue_value *m = morgue_value_at(mentions, i);
		const char *slug = str(m, "entity");
		size_t off = (size_t)morgue_value_get_number(morgue_value_get(m, "offset"));
		size_t n = (size_t)morgue_value_get_number(morgue_value_get(m, "length"));
		if (!slug || !text || off > len || n > len - off)
			continue;
		morgue_buf_puts(out, k++ ? ",{" : "{");
		morgue_buf_puts(out, "\"id\":\"#m");
		morgue_buf_put_int(out, (long long)i + 1);
		morgue_buf_puts(out, "\",\"type\":\"Annotation\",\"motivation\":\"identifying\"");
		morgue_buf_puts(out, ",\"body\":{\"type\":\"SpecificResource\",\"purpose\":\"identifying\"");
		morgue_buf_puts(out, ",\"source\":");
		morgue_buf b = MORGUE_BUF_INIT;
		/* the JSON sits next to the article page: find the site root */
		for (const char *p = page; (p = strchr(p, '/')); p++)
			morgue_buf_puts(&b, "../");
		morgue_buf_puts(&b, "entities/");
		morgue_buf_puts(&b, slug);
		morgue_buf_put(&b, ".html", 5);
		morgue_escape_json_string(out, b.ptr);
		morgue_buf_free(&b);
		key_str(out, "entity", slug, 1);
		if (str(m, "name"))
			key_str(out, "name", str(m, "name"), 1);
		if (str(m, "type"))
			key_str(out, "entity_type", str(m, "type"), 1);
		morgue_buf_puts(out, "}");
		key_str(out, "generator", str(m, "source"), 1);
		morgue_buf_puts(out, ",\"target\":{\"source\":");
		morgue_escape_json_string(out, base);
		morgue_buf_putc(out, ',');
		selector(out, text, len, off, n, &co, &cn);
		morgue_buf_puts(out, "}}");
	}
	for (size_t i = 0; i < morgue_value_count(attributions); i++) {
		const morgue_value *m = morgue_value_at(attributions, i);
		size_t off = (size_t)morgue_value_get_number(morgue_value_get(m, "offset"));
		size_t n = (size_t)morgue_value_get_number(morgue_value_get(m, "length"));
		if (!text || off > len || n > len - off)
			continue;
		morgue_buf_puts(out, k++ ? ",{" : "{");
		morgue_buf_puts(out, "\"id\":\"#a");
		morgue_buf_put_int(out, (long long)i + 1);
		morgue_buf_puts(out, "\",\"type\":\"Annotation\",\"motivation\":\"describing\"");
		morgue_buf_puts(out, ",\"body\":{\"type\":\"TextualBody\",\"purpose\":\"describing\"");
		key_str(out, "value", str(m, "description"), 1);
		key_str(out, "source", str(m, "source"), 1);
		key_str(out, "kind", str(m, "kind"), 1);
		key_str(out, "cue", str(m, "cue"), 1);
		morgue_buf_puts(out, "},\"target\":{\"source\":");
		morgue_escape_json_string(out, base);
		morgue_buf_putc(out, ',');
		selector(out, text, len, off, n, &co, &cn);
		morgue_buf_puts(out, "}}");
	}
	morgue_buf_puts(out, "]}\n");
}
