#include "config.h"
#include "frontmatter.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/path.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PAGE_SIZE_MIN 1
#define PAGE_SIZE_MAX 1000

void morgue_config_free(morgue_config *c)
{
	if (!c)
		return;
	free(c->title);
	free(c->description);
	free(c->language);
	free(c->base_url);
	free(c->theme);
	free(c);
}

static int type_error(const char *file, const char *key, const morgue_value *v,
		      const char *what)
{
	return morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(v),
				"%s: expected %s", key, what);
}

/* Copy without leading and trailing blanks and line breaks (a folded
 * YAML scalar ends in one). */
static char *trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
		     s[n - 1] == '\r'))
		n--;
	return morgue_strndup(s, n);
}

/* A language tag in the shape of BCP 47: "en", "pt-BR", "zh-Hant-TW". */
static int language_ok(const char *s)
{
	size_t n = 0;

	while (s[n] && ((s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z'))
		n++;
	if (n < 2 || n > 3)
		return 0;
	for (s += n; *s;) {
		if (*s++ != '-')
			return 0;
		for (n = 0; *s && *s != '-'; s++, n++)
			if (!(((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') ||
			      (*s >= '0' && *s <= '9')))
				return 0;
		if (n < 1 || n > 8)
			return 0;
	}
	return 1;
}

/* The site's public address: absolute http(s) with a host, nothing that
 * output escaping would refuse, no blanks; trailing slashes dropped so
 * callers can append "/path". NULL when unusable. */
static char *base_url(const char *s)
{
	size_t skip = !strncasecmp(s, "http://", 7)	 ? 7
		      : !strncasecmp(s, "https://", 8) ? 8
						       : 0;
	size_t n = strlen(s);

	if (!skip || !s[skip] || s[skip] == '/' || !morgue_url_is_safe(s, n))
		return NULL;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return NULL;
	while (n > skip && s[n - 1] == '/')
		n--;
	return morgue_strndup(s, n);
}

/* Apply one key of morgue.yaml; null values keep the default. */
static int apply(morgue_config *c, const char *file, const char *key,
		 const morgue_value *v)
{
	morgue_value_type t = morgue_value_type_of(v);
	const char *s = morgue_value_get_string(v);

	if (t == MORGUE_VALUE_NULL)
		return 0;
	if (!strcmp(key, "title")) {
		if (!s || !*s)
			return type_error(file, key, v, "a non-empty string");
		free(c->title);
		c->title = morgue_strdup(s);
	} else if (!strcmp(key, "description")) {
		if (!s)
			return type_error(file, key, v, "a string");
		free(c->description);
		c->description = trimmed(s);
	} else if (!strcmp(key, "language")) {
		if (!s || !language_ok(s))
			return type_error(file, key, v,
					  "a language tag like en or pt-BR");
		free(c->language);
		c->language = morgue_strdup(s);
	} else if (!strcmp(key, "base_url")) {
		char *u = s ? base_url(s) : NULL;
		if (!u)
			return type_error(file, key, v,
					  "an absolute http:// or https:// URL");
		free(c->base_url);
		c->base_url = u;
	} else if (!strcmp(key, "theme")) {
		if (!s || !morgue_slug_is_valid(s))
			return type_error(file, key, v,
					  "a theme name (a-z, 0-9 and single '-' between them)");
		free(c->theme);
		c->theme = morgue_strdup(s);
	} else if (!strcmp(key, "unsafe_html")) {
		if (t != MORGUE_VALUE_BOOL)
			return type_error(file, key, v, "true or false");
		c->unsafe_html = morgue_value_get_bool(v);
	} else if (!strcmp(key, "page_size")) {
		double d = morgue_value_get_number(v);
		if (t != MORGUE_VALUE_NUMBER || !(d >= PAGE_SIZE_MIN) ||
		    d > PAGE_SIZE_MAX || d != (double)(int)d)
			return type_error(file, key, v,
					  "a whole number from 1 to 1000");
		c->page_size = (int)d;
	} else
		morgue_warn(file, morgue_value_line(v),
			    "unknown setting '%s' ignored", key);
	return 0;
}

int morgue_config_parse(morgue_config **out, const char *file,
			const char *data, size_t len)
{
	morgue_config *c = morgue_calloc(1, sizeof(*c));
	morgue_value *root = NULL;
	int rc = 0;

	*out = NULL;
	c->title = morgue_strdup("Archive");
	c->description = morgue_strdup("");
	c->language = morgue_strdup("en");
	c->page_size = 50;
	if (data && (rc = morgue_yaml_parse(&root, file, 1, data, len)) < 0)
		goto done;
	switch (morgue_value_type_of(root)) {
	case MORGUE_VALUE_NULL:
		break;
	case MORGUE_VALUE_MAP:
		for (size_t i = 0; i < morgue_value_count(root); i++)
			if ((rc = apply(c, file, morgue_value_key_at(root, i),
					morgue_value_value_at(root, i))) < 0)
				goto done;
		break;
	default:
		rc = morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(root),
				      "expected settings as key: value lines");
		goto done;
	}
	*out = c;
	c = NULL;
done:
	morgue_value_free(root);
	morgue_config_free(c);
	return rc;
}
