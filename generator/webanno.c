#include "webanno.h"
#include "util/escape.h"

#include <string.h>

#define CONTEXT 32 /* bytes of prefix/suffix, widened to whole characters */

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

void morgue_webanno_write(morgue_buf *out, const morgue_webanno_doc *d, const char *page)
{
	const char *base = strrchr(page, '/');
	const char *text = d->text;
	size_t len = d->len, co = 0, cn = 0, k = 0;
	morgue_buf root = MORGUE_BUF_INIT;

	base = base ? base + 1 : page;
	/* the JSON sits next to the article page: the way to the site root */
	for (const char *p = page; (p = strchr(p, '/')); p++)
		morgue_buf_puts(&root, "../");
	morgue_buf_puts(out, "{\"@context\":\"http://www.w3.org/ns/anno.jsonld\"");
	key_str(out, "id", d->id, 1);
	key_str(out, "page", base, 1);
	key_str(out, "title", d->title, 1);
	key_str(out, "date", d->date, 1);
	key_str(out, "publication", d->publication, 1);
	key_str(out, "source_url", d->source_url, 1);
	morgue_buf_puts(out, ",\"text\":\"");
	morgue_escape_json(out, text ? text : "", text ? len : 0);
	morgue_buf_puts(out, "\",\"annotations\":[");
	for (size_t i = 0; i < d->nmentions; i++) {
		const morgue_webanno_mention *m = &d->mentions[i];
		size_t off = m->offset, n = m->length;
		if (!m->entity || !text || off > len || n > len - off)
			continue;
		morgue_buf_puts(out, k++ ? ",{" : "{");
		morgue_buf_puts(out, "\"id\":\"#m");
		morgue_buf_put_int(out, (long long)i + 1);
		morgue_buf_puts(out, "\",\"type\":\"Annotation\",\"motivation\":\"identifying\"");
		morgue_buf_puts(out, ",\"body\":{\"type\":\"SpecificResource\",\"purpose\":\"identifying\"");
		morgue_buf_puts(out, ",\"source\":\"");
		morgue_buf_put(out, root.ptr, root.size);
		morgue_buf_puts(out, "entities/");
		morgue_escape_json(out, m->entity, strlen(m->entity));
		morgue_buf_puts(out, ".html\"");
		key_str(out, "entity", m->entity, 1);
		if (m->name)
			key_str(out, "name", m->name, 1);
		if (m->type)
			key_str(out, "entity_type", m->type, 1);
		morgue_buf_puts(out, "}");
		key_str(out, "generator", m->generator, 1);
		morgue_buf_puts(out, ",\"target\":{\"source\":");
		morgue_escape_json_string(out, base);
		morgue_buf_putc(out, ',');
		selector(out, text, len, off, n, &co, &cn);
		morgue_buf_puts(out, "}}");
	}
	for (size_t i = 0; i < d->nattributions; i++) {
		const morgue_webanno_attribution *m = &d->attributions[i];
		size_t off = m->offset, n = m->length;
		if (!text || off > len || n > len - off)
			continue;
		morgue_buf_puts(out, k++ ? ",{" : "{");
		morgue_buf_puts(out, "\"id\":\"#a");
		morgue_buf_put_int(out, (long long)i + 1);
		morgue_buf_puts(out, "\",\"type\":\"Annotation\",\"motivation\":\"describing\"");
		morgue_buf_puts(out, ",\"body\":{\"type\":\"TextualBody\",\"purpose\":\"describing\"");
		key_str(out, "value", m->value, 1);
		key_str(out, "source", m->source, 1);
		key_str(out, "kind", m->kind, 1);
		key_str(out, "cue", m->cue, 1);
		morgue_buf_puts(out, "},\"target\":{\"source\":");
		morgue_escape_json_string(out, base);
		morgue_buf_putc(out, ',');
		selector(out, text, len, off, n, &co, &cn);
		morgue_buf_puts(out, "}}");
	}
	morgue_buf_puts(out, "]}\n");
	morgue_buf_free(&root);
}
