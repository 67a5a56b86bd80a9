#include "path.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

static size_t depth(const char *p)
{
	size_t n = 0;
	for (; *p; p++)
		if (*p == '/')
			n++;
	return n;
}

void morgue_path_root(morgue_buf *out, const char *from)
{
	size_t d = depth(from);
	while (d--)
		morgue_buf_puts(out, "../");
}

void morgue_path_rel(morgue_buf *out, const char *from, const char *to)
{
	/* skip the directories both paths share */
	const char *f = from, *t = to;
	for (;;) {
		const char *fs = strchr(f, '/'), *ts = strchr(t, '/');
		if (!fs || !ts || fs - f != ts - t || memcmp(f, t, (size_t)(fs - f)))
			break;
		f = fs + 1;
		t = ts + 1;
	}
	morgue_path_root(out, f);
	morgue_buf_puts(out, t);
}

void morgue_slugify(morgue_buf *out, const char *s)
{
	utf8proc_uint8_t *folded = NULL;
	size_t start = out->size;
	int dash = 0;

	/* NFKD + strip marks + casefold turns "Łódź Café" into "lodz cafe"
	 * apart from letters with no decomposition (ł), kept as UTF-8. */
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &folded,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT |
				 UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
				 UTF8PROC_CASEFOLD) < 0)
		folded = NULL;
	const unsigned char *p = folded ? folded : (const unsigned char *)s;

	for (; *p; p++) {
		unsigned char c = *p;
		if (isalnum(c)) {
			if (dash && out->size > start)
				morgue_buf_putc(out, '-');
			dash = 0;
			morgue_buf_putc(out, tolower(c));
		} else if (c == '\'' || (c == 0xe2 && p[1] == 0x80 && p[2] == 0x99)) {
			/* apostrophes vanish: "O'Brien" -> "obrien" */
			if (c == 0xe2)
				p += 2;
		} else {
			dash = 1;
		}
	}
	free(folded);
}

int morgue_slug_is_valid(const char *s)
{
	if (!*s || *s == '-')
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p == '-') {
			if (p[1] == '-' || p[1] == '\0')
				return 0;
		} else if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p)))
			return 0;
	}
	return 1;
}

static int reserved_name(const char *seg, size_t len)
{
	static const char *names[] = { "con", "prn", "aux", "nul", "com1", "com2",
				       "com3", "com4", "lpt1", "lpt2", "lpt3" };
	size_t base = 0;
	while (base < len && seg[base] != '.')
		base++;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strlen(names[i]) == base && !strncasecmp(seg, names[i], base))
			return 1;
	return 0;
}

int morgue_path_is_safe(const char *path)
{
	const char *seg = path;

	if (!*path || *path == '/')
		return 0;
	/* a name that is not UTF-8 cannot be written into HTML or JSON */
	for (const char *p = path; *p;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &cp);
		if (n <= 0)
			return 0;
		p += n;
	}
	for (const char *p = path;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '/' || c == '\0') {
			size_t len = (size_t)(p - seg);
			if (len == 0 || (len == 1 && seg[0] == '.') ||
			    (len == 2 && seg[0] == '.' && seg[1] == '.') ||
			    reserved_name(seg, len))
				return 0;
			if (c == '\0')
				return 1;
			seg = p + 1;
		} else if (c < 0x20 || c == 0x7f || c == '\\' || c == ':')
			return 0;
	}
}
