#include "article.h"
#include "frontmatter.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/path.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const type_names[] = {
	[MORGUE_ENTITY_PERSON] = "person",
	[MORGUE_ENTITY_ORGANIZATION] = "organization",
	[MORGUE_ENTITY_PLACE] = "place",
	[MORGUE_ENTITY_PUBLICATION] = "publication",
	[MORGUE_ENTITY_EVENT] = "event",
	[MORGUE_ENTITY_TOPIC] = "topic",
};
#define NTYPES (sizeof(type_names) / sizeof(*type_names))

const char *morgue_entity_type_name(morgue_entity_type t)
{
	return (size_t)t < NTYPES ? type_names[t] : "unknown";
}

int morgue_entity_type_parse(const char *s)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (!strcmp(s, type_names[i]))
			return (int)i;
	return -1;
}

/* Fold a value meant to be one line: tabs and line breaks become spaces,
 * runs of spaces one space, and the ends are trimmed. In place. */
static void oneline(char *s)
{
	char *w = s;
	int space = 1; /* drops leading blanks */

	for (const char *r = s; *r; r++) {
		char c = *r == '\n' || *r == '\r' || *r == '\t' ? ' ' : *r;
		if (c == ' ' && space)
			continue;
		space = c == ' ';
		*w++ = c;
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
}

/* The text of a scalar meant as a string. YAML reads `title: 1984` as a
 * number; it is accepted and written back in its shortest exact form
 * ("1984"; quote the value to keep e.g. "1.50" verbatim). Returns NULL for
 * anything else (bool, null, list, map). */
static char *text_of(const morgue_value *v)
{
	morgue_buf b = MORGUE_BUF_INIT;

	if (morgue_value_type_of(v) == MORGUE_VALUE_STRING) {
		char *s = morgue_strdup(morgue_value_get_string(v));
		oneline(s);
		return s;
	}
	if (morgue_value_type_of(v) != MORGUE_VALUE_NUMBER)
		return NULL;
	double d = morgue_value_get_number(v);
	for (int prec = 1; prec <= 17; prec++) {
		morgue_buf_clear(&b);
		morgue_buf_printf(&b, "%.*g", prec, d);
		if (strtod(b.ptr, NULL) == d)
			break;
	}
	return morgue_buf_detach(&b);
}

/* An optional one-line string field: absent, null or empty gives NULL. */
static int opt_string(char **out, const morgue_value *meta, const char *key,
		      const char *file)
{
	const morgue_value *v = morgue_value_get(meta, key);

	*out = NULL;
	if (!v || morgue_value_type_of(v) == MORGUE_VALUE_NULL)
		return 0;
	if (!(*out = text_of(v)))
		return morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(v),
					"%s: expected a string", key);
	if (!**out) {
		free(*out);
		*out = NULL;
	}
	return 0;
}

/* A required, non-empty one-line string field. */
static int req_string(char **out, const morgue_value *meta, const char *key,
		      const char *file)
{
	const morgue_value *v = morgue_value_get(meta, key);
	int rc;

	*out = NULL;
	if (!v)
		return morgue_error_set(MORGUE_EINPUT, file, 1,
					"%s: missing (required)", key);
	if (morgue_value_type_of(v) == MORGUE_VALUE_NULL)
		return morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(v),
					"%s: must not be empty", key);
	if ((rc = opt_string(out, meta, key, file)) < 0)
		return rc;
	if (!*out)
		return morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(v),
					"%s: must not be empty", key);
	return 0;
}

static void strings_free(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

/* A list of non-empty one-line strings; a single string counts as a list
 * of one. Repeats, and the string `skip` (may be NULL), are dropped, the
 * first occurrence keeps its place. Absent or null gives an empty list. */
static int string_list(char ***out, size_t *n, const morgue_value *meta,
		       const char *key, const char *skip, const char *file)
{
	const morgue_value *v = morgue_value_get(meta, key);
	morgue_value_type t = morgue_value_type_of(v);
	size_t count = t == MORGUE_VALUE_LIST ? morgue_value_count(v) : 1;
	char **list = NULL;
	size_t len = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if (!v || t == MORGUE_VALUE_NULL)
		return 0;
	for (size_t i = 0; i < count; i++) {
		const morgue_value *item =
			t == MORGUE_VALUE_LIST ? morgue_value_at(v, i) : v;
		char *s = text_of(item);
		int line = morgue_value_line(item);
		if (!s) {
			strings_free(list, len);
			return morgue_error_set(MORGUE_EINPUT, file, line,
						"%s: expected a list of strings", key);
		}
		if (!*s) {
			free(s);
			strings_free(list, len);
			return morgue_error_set(MORGUE_EINPUT, file, line,
						"%s: entries must not be empty", key);
		}
		int dup = skip && !strcmp(s, skip);
		for (size_t j = 0; j < len && !dup; j++)
			dup = !strcmp(list[j], s);
		if (dup) {
			free(s);
			continue;
		}
		MORGUE_ARRAY_RESERVE(list, cap, len + 1);
		list[len++] = s;
	}
	*out = list;
	*n = len;
	return 0;
}

/* An optional absolute http(s) URL with a host, no blanks or control
 * characters, that output escaping will accept. */
static int opt_url(char **out, const morgue_value *meta, const char *file)
{
	const morgue_value *v = morgue_value_get(meta, "url");
	char *s;

	*out = NULL;
	if (!v || morgue_value_type_of(v) == MORGUE_VALUE_NULL)
		return 0;
	s = text_of(v);
	if (s && !*s) {
		free(s);
		return 0;
	}
	size_t skip = !s				? 0
		      : !strncasecmp(s, "http://", 7)	? 7
		      : !strncasecmp(s, "https://", 8) ? 8
						       : 0;
	int ok = skip && s[skip] && s[skip] != '/' &&
		 morgue_url_is_safe(s, strlen(s));
	for (const char *p = s; ok && *p; p++)
		ok = (unsigned char)*p > 0x20 && *p != 0x7f;
	if (!ok) {
		free(s);
		return morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(v),
					"url: expected an absolute http:// or https:// URL");
	}
	*out = s;
	return 0;
}

static int digits(const char *s, int n, int *out)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		x = x * 10 + (s[i] - '0');
	}
	*out = x;
	return 1;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

enum { DATE_OK, DATE_FORMAT, DATE_UNREAL, TIME_UNREAL };

/* YYYY-MM-DD, optionally followed by [T ]HH:MM[:SS[.frac]][Z|+HH:MM|+HHMM]
 * (a space is allowed for the T, as in RFC 3339 and HTML). Checks that the
 * date exists in the proleptic Gregorian calendar and the time is real. */
static int check_date(const char *s, int *has_time)
{
	int y, mo, d, h, mi, sec = 0, zh = 0, zm = 0;
	size_t n = strlen(s), i;

	*has_time = 0;
	if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d))
		return DATE_FORMAT;
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || n < 16 ||
		    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi))
			return DATE_FORMAT;
		i = 16;
		if (s[i] == ':') {
			if (!digits(s + i + 1, 2, &sec))
				return DATE_FORMAT;
			i += 3;
			if (s[i] == '.') {
				size_t f = ++i;
				while (s[i] >= '0' && s[i] <= '9')
					i++;
				if (i == f)
					return DATE_FORMAT;
			}
		}
		if (s[i] == 'Z')
			i++;
		else if (s[i] == '+' || s[i] == '-') {
			if (!digits(s + i + 1, 2, &zh))
				return DATE_FORMAT;
			i += 3;
			if (s[i] == ':')
				i++;
			if (!digits(s + i, 2, &zm))
				return DATE_FORMAT;
			i += 2;
		}
		if (i != n)
			return DATE_FORMAT;
		*has_time = 1;
	}
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return DATE_UNREAL;
	if (*has_time && (h > 23 || mi > 59 || sec > 59 || zh > 23 || zm > 59))
		return TIME_UNREAL;
	return DATE_OK;
}

static int parse_date(morgue_article *a, const morgue_value *meta,
		      const char *file)
{
	const morgue_value *v = morgue_value_get(meta, "date");
	const char *s = morgue_value_get_string(v);
	int line = morgue_value_line(v), has_time;

	if (!v)
		return morgue_error_set(MORGUE_EINPUT, file, 1,
					"date: missing (required)");
	switch (s ? check_date(s, &has_time) : DATE_FORMAT) {
	case DATE_FORMAT:
		return morgue_error_set(MORGUE_EINPUT, file, line,
					"date: expected YYYY-MM-DD or an ISO 8601 date-time");
	case DATE_UNREAL:
		return morgue_error_set(MORGUE_EINPUT, file, line,
					"date: %.10s is not a real date", s);
	case TIME_UNREAL:
		return morgue_error_set(MORGUE_EINPUT, file, line,
					"date: %s is not a real time of day", s);
	}
	a->date = morgue_strndup(s, 10);
	if (has_time)
		a->datetime = morgue_strdup(s);
	return 0;
}

/* `author` (one string) or `authors` (a list), not both. */
static int parse_authors(morgue_article *a, const morgue_value *meta,
			 const char *file)
{
	const morgue_value *one = morgue_value_get(meta, "author");
	const morgue_value *many = morgue_value_get(meta, "authors");
	char *s;
	int rc;

	if (one && many)
		return morgue_error_set(MORGUE_EINPUT, file,
					morgue_value_line(many),
					"authors: give either author or authors, not both");
	if (many)
		return string_list(&a->authors, &a->nauthors, meta, "authors",
				   NULL, file);
	if ((rc = opt_string(&s, meta, "author", file)) < 0 || !s)
		return rc;
	a->authors = morgue_malloc(sizeof(*a->authors));
	a->authors[0] = s;
	a->nauthors = 1;
	return 0;
}

/* The id: the path without ".md", the `slug` key replacing its last
 * segment. */
static int article_id(morgue_article *a, const morgue_value *meta,
		      const char *rel, const char *file)
{
	const morgue_value *v = morgue_value_get(meta, "slug");
	size_t n = strlen(rel);
	morgue_buf id = MORGUE_BUF_INIT;

	if (n >= 3 && !strcmp(rel + n - 3, ".md"))
		n -= 3;
	morgue_buf_put(&id, rel, n);
	if (v && morgue_value_type_of(v) != MORGUE_VALUE_NULL) {
		char *slug = text_of(v);
		if (!slug || !morgue_slug_is_valid(slug)) {
			free(slug);
			morgue_buf_free(&id);
			return morgue_error_set(MORGUE_EINPUT, file,
						morgue_value_line(v),
						"slug: expected a slug (a-z, 0-9 and single '-' between them)");
		}
		const char *slash = strrchr(morgue_buf_cstr(&id), '/');
		morgue_buf_truncate(&id, slash ? (size_t)(slash - id.ptr) + 1 : 0);
		morgue_buf_puts(&id, slug);
		free(slug);
	}
	if (!morgue_path_is_safe(morgue_buf_cstr(&id))) {
		morgue_buf_free(&id);
		return morgue_error_set(MORGUE_EINPUT, file, 0,
					"file name not usable in a site path (UTF-8 only; no '..', ':', '\\', control characters or device names)");
	}
	a->id = morgue_buf_detach(&id);
	return 0;
}

void morgue_article_free(morgue_article *a)
{
	if (!a)
		return;
	free(a->file);
	free(a->id);
	free(a->title);
	free(a->date);
	free(a->datetime);
	free(a->publication);
	strings_free(a->authors, a->nauthors);
	free(a->url);
	strings_free(a->tags, a->ntags);
	free(a->body);
	free(a);
}

/* A file over MORGUE_ARTICLE_MAX_BYTES is refused up front: parsing,
 * annotating and indexing it would take minutes and a gigabyte. */
static int too_big(const char *file, size_t len)
{
	if (len <= MORGUE_ARTICLE_MAX_BYTES)
		return 0;
	return morgue_error_set(MORGUE_EINPUT, file, 0,
				"%.1f MB; files larger than %d MB are refused (split it)",
				(double)len / (1024.0 * 1024.0),
				MORGUE_ARTICLE_MAX_BYTES / (1024 * 1024));
}

int morgue_article_parse(morgue_article **out, const char *file,
			 const char *rel, const char *data, size_t len)
{
	morgue_article *a = morgue_calloc(1, sizeof(*a));
	morgue_value *meta = NULL;
	const char *body;
	int rc;

	*out = NULL;
	a->file = morgue_strdup(file);
	if (!morgue_path_is_safe(rel)) {
		rc = morgue_error_set(MORGUE_EINPUT, file, 0,
				      "file name not usable in a site path (UTF-8 only; no '..', ':', '\\', control characters or device names)");
		goto done;
	}
	if ((rc = too_big(file, len)) < 0)
		goto done;
	if ((rc = morgue_frontmatter_parse(&meta, &body, &a->body_len,
					   &a->body_line, file, data, len)) < 0 ||
	    (rc = req_string(&a->title, meta, "title", file)) < 0 ||
	    (rc = parse_date(a, meta, file)) < 0 ||
	    (rc = opt_string(&a->publication, meta, "publication", file)) < 0 ||
	    (rc = parse_authors(a, meta, file)) < 0 ||
	    (rc = opt_url(&a->url, meta, file)) < 0 ||
	    (rc = string_list(&a->tags, &a->ntags, meta, "tags", NULL, file)) < 0 ||
	    (rc = article_id(a, meta, rel, file)) < 0)
		goto done;
	/* every tag gets a page listing its articles with all their tags:
	 * an article with 10^5 tags would make the build quadratic */
	if (a->ntags > MORGUE_ARTICLE_MAX_TAGS) {
		rc = morgue_error_set(MORGUE_EINPUT, file,
				      morgue_value_line(morgue_value_get(meta, "tags")),
				      "tags: %zu tags; at most %d per article",
				      a->ntags, MORGUE_ARTICLE_MAX_TAGS);
		goto done;
	}
	a->body = morgue_strndup(body, a->body_len);
	*out = a;
	a = NULL;
done:
	morgue_value_free(meta);
	morgue_article_free(a);
	return rc;
}

static int entity_slug(morgue_entity *e, const char *rel, const char *file)
{
	const char *base = strrchr(rel, '/');
	size_t n;

	base = base ? base + 1 : rel;
	n = strlen(base);
	if (n > 3 && !strcmp(base + n - 3, ".md"))
		n -= 3;
	e->slug = morgue_strndup(base, n);
	if (!morgue_path_is_safe(rel) || !morgue_slug_is_valid(e->slug))
		return morgue_error_set(MORGUE_EINPUT, file, 0,
					"entity file name must be a slug (a-z, 0-9, -)");
	return 0;
}

/* The type a directory implies: entities/people/x.md is a person. Plural
 * or singular, British "organisations" too; anything else is a topic. */
static morgue_entity_type dir_type(const char *rel)
{
	static const struct { const char *dir; morgue_entity_type t; } dirs[] = {
		{ "people", MORGUE_ENTITY_PERSON }, { "persons", MORGUE_ENTITY_PERSON },
		{ "person", MORGUE_ENTITY_PERSON },
		{ "organizations", MORGUE_ENTITY_ORGANIZATION },
		{ "organisations", MORGUE_ENTITY_ORGANIZATION },
		{ "organization", MORGUE_ENTITY_ORGANIZATION },
		{ "places", MORGUE_ENTITY_PLACE }, { "place", MORGUE_ENTITY_PLACE },
		{ "publications", MORGUE_ENTITY_PUBLICATION },
		{ "publication", MORGUE_ENTITY_PUBLICATION },
		{ "events", MORGUE_ENTITY_EVENT }, { "event", MORGUE_ENTITY_EVENT },
	};
	const char *slash = strchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : 0;

	for (size_t i = 0; n && i < sizeof(dirs) / sizeof(*dirs); i++)
		if (strlen(dirs[i].dir) == n && !strncmp(rel, dirs[i].dir, n))
			return dirs[i].t;
	return MORGUE_ENTITY_TOPIC;
}

static int entity_type(morgue_entity *e, const morgue_value *meta,
		       const char *file, const char *rel)
{
	const morgue_value *v = morgue_value_get(meta, "type");
	const char *s = morgue_value_get_string(v);
	int t;

	e->type = dir_type(rel);
	if (!v || morgue_value_type_of(v) == MORGUE_VALUE_NULL)
		return 0;
	if (!s || (t = morgue_entity_type_parse(s)) < 0)
		return morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(v),
					"type: expected one of person, organization, place, publication, event, topic");
	e->type = (morgue_entity_type)t;
	return 0;
}

static int entity_wikidata(morgue_entity *e, const morgue_value *meta,
			   const char *file)
{
	const morgue_value *v = morgue_value_get(meta, "wikidata");
	const char *s = morgue_value_get_string(v);

	if (!v || morgue_value_type_of(v) == MORGUE_VALUE_NULL)
		return 0;
	int ok = s && s[0] == 'Q' && s[1];
	for (size_t i = 1; ok && s[i]; i++)
		ok = s[i] >= '0' && s[i] <= '9';
	if (!ok)
		return morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(v),
					"wikidata: expected an item id like Q42");
	e->wikidata = morgue_strdup(s);
	return 0;
}

void morgue_entity_free(morgue_entity *e)
{
	if (!e)
		return;
	free(e->file);
	free(e->slug);
	free(e->name);
	strings_free(e->aliases, e->naliases);
	free(e->description);
	free(e->url);
	free(e->wikidata);
	free(e->body);
	free(e);
}

int morgue_entity_parse(morgue_entity **out, const char *file,
			const char *rel, const char *data, size_t len)
{
	morgue_entity *e = morgue_calloc(1, sizeof(*e));
	morgue_value *meta = NULL;
	const char *body;
	int rc;

	*out = NULL;
	e->file = morgue_strdup(file);
	if ((rc = entity_slug(e, rel, file)) < 0 ||
	    (rc = too_big(file, len)) < 0 ||
	    (rc = morgue_frontmatter_parse(&meta, &body, &e->body_len,
					   &e->body_line, file, data, len)) < 0 ||
	    (rc = req_string(&e->name, meta, "name", file)) < 0 ||
	    (rc = entity_type(e, meta, file, rel)) < 0 ||
	    (rc = string_list(&e->aliases, &e->naliases, meta, "aliases",
			      e->name, file)) < 0 ||
	    (rc = opt_string(&e->description, meta, "description", file)) < 0 ||
	    (rc = opt_url(&e->url, meta, file)) < 0 ||
	    (rc = entity_wikidata(e, meta, file)) < 0)
		goto done;
	e->body = morgue_strndup(body, e->body_len);
	*out = e;
	e = NULL;
done:
	morgue_value_free(meta);
	morgue_entity_free(e);
	return rc;
}
