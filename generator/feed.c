#include "feed.h"
#include "util/escape.h"
#include "util/path.h"

#include <string.h>

static void text(morgue_buf *out, const char *s)
{
	if (s)
		morgue_escape_html(out, s, strlen(s));
}

/* An href to site path `to` as seen from the feed at `from`. */
static void href(morgue_buf *out, const morgue_feed *f, const char *to)
{
	morgue_buf b = MORGUE_BUF_INIT;
	if (f->base_url)
		morgue_buf_printf(&b, "%s/%s", f->base_url, to);
	else
		morgue_path_rel(&b, f->path, to);
	morgue_escape_url(out, morgue_buf_cstr(&b), b.size);
	morgue_buf_free(&b);
}

/* A stable id for site path `p`. */
static void id(morgue_buf *out, const morgue_feed *f, const char *p)
{
	morgue_buf b = MORGUE_BUF_INIT;
	if (f->base_url)
		morgue_buf_printf(&b, "%s/%s", f->base_url, p);
	else
		morgue_buf_printf(&b, "tag:morgue.invalid,2000:%s", p);
	text(out, morgue_buf_cstr(&b));
	morgue_buf_free(&b);
}

/* RFC 3339 from "YYYY-MM-DD" (or a full date-time as written). */
static void stamp(morgue_buf *out, const char *date)
{
	if (!date || strlen(date) < 10) {
		morgue_buf_puts(out, "1970-01-01T00:00:00Z");
		return;
	}
	if (strlen(date) == 10)
		morgue_buf_printf(out, "%sT00:00:00Z", date);
	else
		text(out, date);
}

void morgue_feed_atom(morgue_buf *out, const morgue_feed *f)
{
	size_t n = morgue_value_count(f->articles);
	const char *updated = n ? morgue_value_get_str(morgue_value_at(f->articles, 0), "date") : NULL;

	/* newest first is the catalog's order, but be robust to any order */
	for (size_t i = 0; i < n; i++) {
		const char *d = morgue_value_get_str(morgue_value_at(f->articles, i), "date");
		if (d && (!updated || strcmp(d, updated) > 0))
			updated = d;
	}
	morgue_buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			     "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
	if (f->language) {
		morgue_buf_puts(out, " xml:lang=\"");
		text(out, f->language);
		morgue_buf_putc(out, '"');
	}
	morgue_buf_puts(out, ">\n<title>");
	text(out, f->title);
	morgue_buf_puts(out, "</title>\n");
	if (f->subtitle && *f->subtitle) {
		morgue_buf_puts(out, "<subtitle>");
		text(out, f->subtitle);
		morgue_buf_puts(out, "</subtitle>\n");
	}
	morgue_buf_puts(out, "<id>");
	id(out, f, f->path);
	morgue_buf_puts(out, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	href(out, f, f->path);
	morgue_buf_puts(out, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	href(out, f, f->page);
	morgue_buf_puts(out, "\"/>\n<updated>");
	stamp(out, updated);
	morgue_buf_puts(out, "</updated>\n<author><name>");
	text(out, f->author && *f->author ? f->author : "morgue");
	morgue_buf_puts(out, "</name></author>\n<generator>morgue</generator>\n");

	for (size_t i = 0; i < n; i++) {
		const morgue_value *a = morgue_value_at(f->articles, i);
		const char *url = morgue_value_get_str(a, "url");
		const morgue_value *authors = morgue_value_get(a, "authors");
		if (!url)
			continue;
		morgue_buf_puts(out, "<entry>\n<title>");
		text(out, morgue_value_get_str(a, "title"));
		morgue_buf_puts(out, "</title>\n<id>");
		id(out, f, url);
		morgue_buf_puts(out, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
		href(out, f, url);
		morgue_buf_puts(out, "\"/>\n<updated>");
		stamp(out, morgue_value_get_str(a, "date"));
		morgue_buf_puts(out, "</updated>\n<published>");
		stamp(out, morgue_value_get_str(a, "date"));
		morgue_buf_puts(out, "</published>\n");
		for (size_t k = 0; k < morgue_value_count(authors); k++) {
			const morgue_value *au = morgue_value_at(authors, k);
			const char *name = morgue_value_get_string(au);
			if (!name)
				name = morgue_value_get_str(au, "name");
			if (!name)
				continue;
			morgue_buf_puts(out, "<author><name>");
			text(out, name);
			morgue_buf_puts(out, "</name></author>\n");
		}
		if (morgue_value_get_str(a, "publication")) {
			morgue_buf_puts(out, "<source><title>");
			text(out, morgue_value_get_str(a, "publication"));
			morgue_buf_puts(out, "</title></source>\n");
		}
		if (morgue_value_get_str(a, "excerpt")) {
			morgue_buf_puts(out, "<summary>");
			text(out, morgue_value_get_str(a, "excerpt"));
			morgue_buf_puts(out, "</summary>\n");
		}
		const morgue_value *tags = morgue_value_get(a, "tags");
		for (size_t k = 0; k < morgue_value_count(tags); k++) {
			const char *t = morgue_value_get_str(morgue_value_at(tags, k), "tag");
			if (!t)
				t = morgue_value_get_string(morgue_value_at(tags, k));
			if (!t)
				continue;
			morgue_buf_puts(out, "<category term=\"");
			text(out, t);
			morgue_buf_puts(out, "\"/>\n");
		}
		morgue_buf_puts(out, "</entry>\n");
	}
	morgue_buf_puts(out, "</feed>\n");
}

void morgue_feed_sitemap(morgue_buf *out, const char *base_url,
			 const char *const *paths, size_t n)
{
	morgue_buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < n; i++) {
		morgue_buf u = MORGUE_BUF_INIT;
		morgue_buf_printf(&u, "%s/%s", base_url, paths[i]);
		morgue_buf_puts(out, "<url><loc>");
		text(out, u.ptr);
		morgue_buf_puts(out, "</loc></url>\n");
		morgue_buf_free(&u);
	}
	morgue_buf_puts(out, "</urlset>\n");
}
