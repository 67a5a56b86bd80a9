#include "escape.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Bytes morgue_escape_html replaces: the five specials and the controls
 * other than tab, newline and return (dropped). The text between them is
 * copied in one piece, found by a table lookup per byte. */
static const unsigned char html_special[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
	[0x06] = 1, [0x07] = 1, [0x08] = 1, [0x0b] = 1, [0x0c] = 1, [0x0e] = 1,
	[0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
	[0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1,
	[0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, [0x7f] = 1,
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

void morgue_escape_html(morgue_buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	for (;;) {
		while (i < len && !html_special[u[i]])
			i++;
		morgue_buf_put(out, s + run, i - run);
		if (i == len)
			return;
		switch (u[i]) {
		case '&': morgue_buf_put(out, "&amp;", 5); break;
		case '<': morgue_buf_put(out, "&lt;", 4); break;
		case '>': morgue_buf_put(out, "&gt;", 4); break;
		case '"': morgue_buf_put(out, "&quot;", 6); break;
		case '\'': morgue_buf_put(out, "&#39;", 5); break;
		default: break; /* a control: dropped */
		}
		run = ++i;
	}
}

/* The scheme of a URL as browsers see it: leading spaces/controls are
 * ignored and tabs/newlines inside the scheme are stripped. Returns the
 * scheme length in `clean` (lower-cased) or 0 when the URL is relative. */
static size_t url_scheme(const char *s, size_t len, char *clean, size_t cap)
{
	size_t i = 0, n = 0;

	while (i < len && (unsigned char)s[i] <= 0x20)
		i++;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':')
			return n;
		if (!(isalnum(c) || c == '+' || c == '-' || c == '.'))
			return 0; /* '/', '?', '#' before any ':' => relative */
		if (n + 1 < cap)
			clean[n++] = (char)tolower(c);
		else
			return cap; /* absurdly long scheme: treat as unsafe */
	}
	return 0;
}

int morgue_url_is_safe(const char *s, size_t len)
{
	char scheme[16];
	size_t n = url_scheme(s, len, scheme, sizeof(scheme));

	if (n == 0)
		return 1;
	if (n >= sizeof(scheme))
		return 0;
	scheme[n] = '\0';
	return !strcmp(scheme, "http") || !strcmp(scheme, "https") ||
	       !strcmp(scheme, "mailto");
}

int morgue_escape_url(morgue_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;

	if (!morgue_url_is_safe(s, len))
		return -1;
	/* plain runs are copied whole */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(c <= 0x20 || c == '&' || c == '"' || c == '\'' || c == '<' ||
		      c == '>' || c == '\\' || c == '`' || c == 0x7f))
			continue;
		if (i > run)
			morgue_buf_put(out, s + run, i - run);
		run = i + 1;
		if (c == '&')
			morgue_buf_put(out, "&amp;", 5);
		else if (c == '"')
			morgue_buf_put(out, "%22", 3);
		else if (c == '\'')
			morgue_buf_put(out, "%27", 3);
		else {
			char pct[3] = { '%', hex[c >> 4], hex[c & 15] };
			morgue_buf_put(out, pct, 3);
		}
	}
	if (len > run)
		morgue_buf_put(out, s + run, len - run);
	return 0;
}

/* Bytes morgue_escape_json does not copy unchanged: quotes, backslash,
 * controls, DEL, <, >, &, and 0xe2 that may start U+2028/U+2029. A
 * table, like html_special: the plain runs between them are found by one
 * lookup per byte (the test of each condition was 2% of a clean build). */
static const unsigned char json_special[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
	[0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1,
	[0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1,
	[0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
	[0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
	[0x1e] = 1, [0x1f] = 1, [0x7f] = 1, [0xe2] = 1,
	['"'] = 1, ['\\'] = 1, ['<'] = 1, ['>'] = 1, ['&'] = 1,
};

void morgue_escape_json(morgue_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	if (!len)
		return;
	morgue_buf_grow(out, len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!json_special[c])
			continue;
		/* copy the plain run before c, then c escaped */
		morgue_buf_put(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': morgue_buf_put(out, "\\\"", 2); continue;
		case '\\': morgue_buf_put(out, "\\\\", 2); continue;
		case '\n': morgue_buf_put(out, "\\n", 2); continue;
		case '\r': morgue_buf_put(out, "\\r", 2); continue;
		case '\t': morgue_buf_put(out, "\\t", 2); continue;
		case '<': morgue_buf_put(out, "\\u003c", 6); continue;
		case '>': morgue_buf_put(out, "\\u003e", 6); continue;
		case '&': morgue_buf_put(out, "\\u0026", 6); continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			morgue_buf_put(out, u, 6);
		} else if (c == 0xe2 && i + 2 < len &&
			   (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xa8 ||
			    (unsigned char)s[i + 2] == 0xa9)) {
			/* U+2028/U+2029 end a line in pre-ES2019 JavaScript */
			morgue_buf_put(out, (unsigned char)s[i + 2] == 0xa8
						    ? "\\u2028" : "\\u2029", 6);
			i += 2;
			run = i + 1;
		} else
			run = i; /* 0xe2 starting any other character: plain */
	}
	morgue_buf_put(out, s + run, len - run);
}

void morgue_escape_json_string(morgue_buf *out, const char *s)
{
	morgue_buf_putc(out, '"');
	if (s)
		morgue_escape_json(out, s, strlen(s));
	morgue_buf_putc(out, '"');
}

void morgue_escape_path_segment(morgue_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c >= 0x80)
			morgue_buf_putc(out, c);
		else {
			morgue_buf_putc(out, '%');
			morgue_buf_putc(out, hex[c >> 4]);
			morgue_buf_putc(out, hex[c & 15]);
		}
	}
}

void morgue_escape_csv(morgue_buf *out, const char *s, size_t len)
{
	int quote = 0, formula = len && (s[0] == '=' || s[0] == '+' || s[0] == '-' ||
					 s[0] == '@' || s[0] == '\t' || s[0] == '\r');
	/* numbers like -3 are data, not formulas */
	if (formula && s[0] == '-' && len > 1) {
		size_t i = 1;
		while (i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
			i++;
		if (i == len)
			formula = 0;
	}
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (quote || formula)
		morgue_buf_putc(out, '"');
	if (formula)
		morgue_buf_putc(out, '\'');
	/* runs up to and including each quote are copied whole, the quote
	 * then doubled */
	size_t run = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '"') {
			morgue_buf_put(out, s + run, i + 1 - run);
			run = i;
		}
	if (len > run)
		morgue_buf_put(out, s + run, len - run);
	if (quote || formula)
		morgue_buf_putc(out, '"');
}
