#include "frontmatter.h"
#include "util/alloc.h"
#include "util/error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <yaml.h>

int morgue_text_check(const char *file, int first_line, const char *data,
		      size_t len)
{
	int line = first_line;
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)data[i];
		if (c == '\n')
			line++;
		else if (c == '\0')
			return morgue_error_set(MORGUE_EINPUT, file, line,
						"NUL byte (this is not a text file)");
		if (c < 0x80) {
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(
			(const utf8proc_uint8_t *)data + i,
			(utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0)
			return morgue_error_set(MORGUE_EINPUT, file, line,
						"invalid UTF-8 (byte 0x%02X); save the file as UTF-8",
						c);
		i += (size_t)n;
	}
	return 0;
}

/* One open mapping or sequence while building the tree. A mapping frame
 * holds the key read last until its value arrives, and the line of each
 * key so far (in insertion order, like the map) for duplicate reports. */
typedef struct frame {
	morgue_value *v;
	char *key;
	int *key_lines;
	size_t nkeys, cap;
} frame;

typedef struct builder {
	const char *file;
	int first_line;
	const char *data; /* for reader errors, which only give an offset */
	size_t len;
	morgue_value *root;
	int ndocs;
	int depth;
	frame stack[MORGUE_YAML_MAX_DEPTH];
} builder;

static int eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

static int all_digits(const char *s, size_t n, int base)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (base == 16 ? !isxdigit((unsigned char)c)
			       : !(c >= '0' && c < '0' + base))
			return 0;
	}
	return 1;
}

/* YAML 1.2 core schema numbers: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+ and
 * [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?. Infinities, NaN
 * and values too large for a double stay strings. */
static int parse_number(const char *s, size_t n, double *out)
{
	char tmp[64];

	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (n > 2 && tmp[0] == '0' && (tmp[1] == 'x' || tmp[1] == 'o')) {
		int base = tmp[1] == 'x' ? 16 : 8;
		if (!all_digits(tmp + 2, n - 2, base))
			return 0;
		errno = 0;
		unsigned long long u = strtoull(tmp + 2, NULL, base);
		if (errno)
			return 0;
		*out = (double)u;
		return 1;
	}

	size_t i = 0, digits = 0;
	if (tmp[i] == '-' || tmp[i] == '+')
		i++;
	while (tmp[i] >= '0' && tmp[i] <= '9')
		i++, digits++;
	if (tmp[i] == '.') {
		i++;
		while (tmp[i] >= '0' && tmp[i] <= '9')
			i++, digits++;
	}
	if (digits == 0)
		return 0;
	if (tmp[i] == 'e' || tmp[i] == 'E') {
		i++;
		if (tmp[i] == '-' || tmp[i] == '+')
			i++;
		if (!(tmp[i] >= '0' && tmp[i] <= '9'))
			return 0;
		while (tmp[i] >= '0' && tmp[i] <= '9')
			i++;
	}
	if (i != n)
		return 0;
	double d = strtod(tmp, NULL);
	if (!isfinite(d))
		return 0;
	*out = d;
	return 1;
}

/* A scalar's value: typed only when plain and untagged (see header). */
static morgue_value *scalar_value(const yaml_event_t *e)
{
	const char *s = (const char *)e->data.scalar.value;
	size_t n = e->data.scalar.length;
	double d;

	if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    e->data.scalar.tag == NULL) {
		if (n == 0 || eq(s, n, "~") || eq(s, n, "null") ||
		    eq(s, n, "Null") || eq(s, n, "NULL"))
			return morgue_value_null();
		if (eq(s, n, "true") || eq(s, n, "True") || eq(s, n, "TRUE"))
			return morgue_value_bool(1);
		if (eq(s, n, "false") || eq(s, n, "False") || eq(s, n, "FALSE"))
			return morgue_value_bool(0);
		if (parse_number(s, n, &d))
			return morgue_value_number(d);
	}
	return morgue_value_stringn(s, n);
}

/* Line of a byte offset into the text, for libyaml reader errors. */
static int offset_line(const builder *b, size_t off)
{
	int line = b->first_line;
	for (size_t i = 0; i < off && i < b->len; i++)
		if (b->data[i] == '\n')
			line++;
	return line;
}

static int parser_error(const builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "cannot parse";
	int line;

	if (p->error == YAML_READER_ERROR)
		return morgue_error_set(MORGUE_EINPUT, b->file,
					offset_line(b, p->problem_offset),
					"invalid YAML: %s", problem);
	line = b->first_line + (int)p->problem_mark.line;
	if (p->context && p->context_mark.line != p->problem_mark.line)
		return morgue_error_set(MORGUE_EINPUT, b->file, line,
					"invalid YAML: %s (%s started on line %d)",
					problem, p->context,
					b->first_line + (int)p->context_mark.line);
	if (p->context)
		return morgue_error_set(MORGUE_EINPUT, b->file, line,
					"invalid YAML: %s (%s)", problem,
					p->context);
	return morgue_error_set(MORGUE_EINPUT, b->file, line,
				"invalid YAML: %s", problem);
}

/* Place a new node (a value, or the text of a mapping key) under the open
 * container. For a mapping, the first node of each pair is its key: it
 * must be a scalar, and must not repeat an earlier key. `v` is consumed. */
static int attach(builder *b, morgue_value *v, const yaml_event_t *e, int line)
{
	if (b->depth == 0) {
		b->root = v;
		return 0;
	}
	frame *top = &b->stack[b->depth - 1];
	if (morgue_value_type_of(top->v) == MORGUE_VALUE_LIST) {
		morgue_value_push(top->v, v);
		return 0;
	}
	if (top->key) {
		morgue_value_set(top->v, top->key, v);
		free(top->key);
		top->key = NULL;
		return 0;
	}
	morgue_value_free(v);
	if (e->type != YAML_SCALAR_EVENT)
		return morgue_error_set(MORGUE_EINPUT, b->file, line,
					"mapping keys must be plain strings");
	const char *k = (const char *)e->data.scalar.value;
	for (size_t i = 0; i < top->nkeys; i++)
		if (!strcmp(morgue_value_key_at(top->v, i), k))
			return morgue_error_set(MORGUE_EINPUT, b->file, line,
						"duplicate key '%s' (first on line %d)",
						k, top->key_lines[i]);
	MORGUE_ARRAY_RESERVE(top->key_lines, top->cap, top->nkeys + 1);
	top->key_lines[top->nkeys++] = line;
	top->key = morgue_strdup(k);
	return 0;
}

static int handle_event(builder *b, const yaml_event_t *e)
{
	int line = b->first_line + (int)e->start_mark.line;
	const yaml_char_t *anchor = NULL;
	morgue_value *v;

	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->ndocs > 1)
			return morgue_error_set(MORGUE_EINPUT, b->file, line,
						"only one YAML document is allowed");
		return 0;
	case YAML_ALIAS_EVENT:
		return morgue_error_set(MORGUE_EINPUT, b->file, line,
					"YAML aliases (*%s) are not supported",
					(const char *)e->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		anchor = e->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = e->data.sequence_start.anchor;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = e->data.mapping_start.anchor;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->depth--;
		free(b->stack[b->depth].key_lines);
		memset(&b->stack[b->depth], 0, sizeof(frame));
		return 0;
	default:
		return 0;
	}
	if (anchor)
		return morgue_error_set(MORGUE_EINPUT, b->file, line,
					"YAML anchors (&%s) are not supported",
					(const char *)anchor);

	if (e->type == YAML_SCALAR_EVENT) {
		if (memchr(e->data.scalar.value, '\0', e->data.scalar.length))
			return morgue_error_set(MORGUE_EINPUT, b->file, line,
						"NUL character in a string");
		v = scalar_value(e);
	} else {
		if (b->depth == MORGUE_YAML_MAX_DEPTH)
			return morgue_error_set(MORGUE_EINPUT, b->file, line,
						"nested deeper than %d levels",
						MORGUE_YAML_MAX_DEPTH);
		v = e->type == YAML_MAPPING_START_EVENT ? morgue_value_map()
							: morgue_value_list();
	}
	morgue_value_set_line(v, line);
	int rc = attach(b, v, e, line);
	if (rc < 0 || e->type == YAML_SCALAR_EVENT)
		return rc;
	/* attach() only drops a container when it stood as a key (an
	 * error); otherwise the tree owns it and it becomes the open one */
	b->stack[b->depth].v = v;
	b->depth++;
	return 0;
}

/* Parse without the text checks (the caller did them). */
static int yaml_parse(morgue_value **out, const char *file, int first_line,
		      const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	builder b;
	int rc = 0, done = 0;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	b.file = file;
	b.first_line = first_line;
	b.data = data;
	b.len = len;
	if (!yaml_parser_initialize(&parser))
		return morgue_error_set(MORGUE_ERROR, file, 0,
					"cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&parser, &event)) {
			rc = parser_error(&b, &parser);
			goto done;
		}
		done = event.type == YAML_STREAM_END_EVENT;
		rc = handle_event(&b, &event);
		yaml_event_delete(&event);
		if (rc < 0)
			goto done;
	}
	if (!b.root) {
		b.root = morgue_value_null();
		morgue_value_set_line(b.root, first_line);
	}
	*out = b.root;
	b.root = NULL;
done:
	for (int i = 0; i < b.depth; i++) {
		free(b.stack[i].key);
		free(b.stack[i].key_lines);
	}
	morgue_value_free(b.root);
	yaml_parser_delete(&parser);
	return rc;
}

static size_t skip_bom(const char *data, size_t len)
{
	return len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

int morgue_yaml_parse(morgue_value **out, const char *file, int first_line,
		      const char *data, size_t len)
{
	int rc;

	*out = NULL;
	if ((rc = morgue_text_check(file, first_line, data, len)) < 0)
		return rc;
	size_t bom = skip_bom(data, len);
	return yaml_parse(out, file, first_line, data + bom, len - bom);
}

/* Is the line starting at `pos` a fence ("---", or "..." when `dots`),
 * allowing trailing blanks and a CR? Sets *next to the next line's start. */
static int fence(const char *data, size_t len, size_t pos, size_t *next,
		 int dots)
{
	const char *nl = memchr(data + pos, '\n', len - pos);
	size_t end = nl ? (size_t)(nl - data) : len;

	*next = nl ? end + 1 : len;
	while (end > pos && (data[end - 1] == ' ' || data[end - 1] == '\t' ||
			     data[end - 1] == '\r'))
		end--;
	if (end - pos != 3)
		return 0;
	return !memcmp(data + pos, "---", 3) ||
	       (dots && !memcmp(data + pos, "...", 3));
}

int morgue_frontmatter_parse(morgue_value **meta, const char **body,
			     size_t *body_len, int *body_line, const char *file,
			     const char *data, size_t len)
{
	morgue_value *v = NULL;
	size_t start, pos, next;
	int line = 2, rc;

	*meta = NULL;
	*body = NULL;
	*body_len = 0;
	*body_line = 0;
	if ((rc = morgue_text_check(file, 1, data, len)) < 0)
		return rc;
	if (!fence(data, len, skip_bom(data, len), &start, 0))
		return morgue_error_set(MORGUE_EINPUT, file, 1,
					"missing front matter: the file must start with a line '---'");
	for (pos = start; pos < len; pos = next, line++)
		if (fence(data, len, pos, &next, 1))
			break;
	if (pos >= len)
		return morgue_error_set(MORGUE_EINPUT, file, 1,
					"front matter: no closing '---' line");
	if ((rc = yaml_parse(&v, file, 2, data + start, pos - start)) < 0)
		return rc;
	if (morgue_value_type_of(v) == MORGUE_VALUE_NULL) {
		morgue_value_free(v);
		v = morgue_value_map();
		morgue_value_set_line(v, 2);
	}
	if (morgue_value_type_of(v) != MORGUE_VALUE_MAP) {
		rc = morgue_error_set(MORGUE_EINPUT, file, morgue_value_line(v),
				      "front matter must be a mapping of keys to values");
		morgue_value_free(v);
		return rc;
	}
	*meta = v;
	*body = data + next;
	*body_len = len - next;
	*body_line = line + 1;
	return 0;
}
