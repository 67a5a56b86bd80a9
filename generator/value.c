#include "value.h"
#include "util/alloc.h"

#include <string.h>

/* A key of at most this many bytes is kept in its entry (no allocation):
 * the catalog's column names and the templates' names all are. */
#define KEY_INLINE 23

/* One item of a list or map. A map's key is in short when it fits, else
 * in long (a copy the map owns); hash is key_hash of it. Items, keys and
 * hashes share one array: a row of 14 columns costs its values and two
 * growths of the array, not 14 key copies and three arrays' growths. */
typedef struct entry {
	morgue_value *item;
	unsigned hash;
	unsigned char is_long;
	union {
		char short_[KEY_INLINE + 1];
		char *long_;
	} key;
} entry;

struct morgue_value {
	morgue_value_type type;
	int line;
	union {
		int b;
		double d;
		struct {
			char *ptr;
			size_t len;
		} s;
		struct {
			entry *e;
			size_t count, cap;
		} c;
	} u;
};

static const char *entry_key(const entry *e)
{
	return e->is_long ? e->key.long_ : e->key.short_;
}

static morgue_value *make(morgue_value_type t)
{
	morgue_value *v = morgue_calloc(1, sizeof(*v));
	v->type = t;
	return v;
}

morgue_value *morgue_value_null(void) { return make(MORGUE_VALUE_NULL); }
morgue_value *morgue_value_list(void) { return make(MORGUE_VALUE_LIST); }
morgue_value *morgue_value_map(void) { return make(MORGUE_VALUE_MAP); }

morgue_value *morgue_value_bool(int b)
{
	morgue_value *v = make(MORGUE_VALUE_BOOL);
	v->u.b = !!b;
	return v;
}

morgue_value *morgue_value_number(double d)
{
	morgue_value *v = make(MORGUE_VALUE_NUMBER);
	v->u.d = d;
	return v;
}

/* The bytes of a string made here follow the value in the same block
 * (one allocation instead of two: a catalog row is mostly strings);
 * morgue_value_string_own's stay where they are. */
static char *inline_bytes(const morgue_value *v)
{
	return (char *)(v + 1);
}

morgue_value *morgue_value_stringn(const char *s, size_t n)
{
	morgue_value *v = morgue_malloc(sizeof(*v) + n + 1);
	memset(v, 0, sizeof(*v));
	v->type = MORGUE_VALUE_STRING;
	v->u.s.ptr = inline_bytes(v);
	if (n)
		memcpy(v->u.s.ptr, s, n);
	v->u.s.ptr[n] = '\0';
	v->u.s.len = n;
	return v;
}

morgue_value *morgue_value_string(const char *s)
{
	return morgue_value_stringn(s, strlen(s));
}

morgue_value *morgue_value_string_own(char *s)
{
	morgue_value *v = make(MORGUE_VALUE_STRING);
	v->u.s.ptr = s;
	v->u.s.len = strlen(s);
	return v;
}

void morgue_value_free(morgue_value *v)
{
	if (!v)
		return;
	if (v->type == MORGUE_VALUE_STRING && v->u.s.ptr != inline_bytes(v))
		free(v->u.s.ptr);
	else if (v->type == MORGUE_VALUE_LIST || v->type == MORGUE_VALUE_MAP) {
		for (size_t i = 0; i < v->u.c.count; i++) {
			morgue_value_free(v->u.c.e[i].item);
			if (v->u.c.e[i].is_long)
				free(v->u.c.e[i].key.long_);
		}
		free(v->u.c.e);
	}
	free(v);
}

morgue_value_type morgue_value_type_of(const morgue_value *v)
{
	return v ? v->type : MORGUE_VALUE_NULL;
}

int morgue_value_line(const morgue_value *v) { return v ? v->line : 0; }
void morgue_value_set_line(morgue_value *v, int line) { v->line = line; }

int morgue_value_get_bool(const morgue_value *v)
{
	return v && v->type == MORGUE_VALUE_BOOL ? v->u.b : 0;
}

double morgue_value_get_number(const morgue_value *v)
{
	return v && v->type == MORGUE_VALUE_NUMBER ? v->u.d : 0;
}

const char *morgue_value_get_string(const morgue_value *v)
{
	return v && v->type == MORGUE_VALUE_STRING ? v->u.s.ptr : NULL;
}

size_t morgue_value_get_string_len(const morgue_value *v)
{
	return v && v->type == MORGUE_VALUE_STRING ? v->u.s.len : 0;
}

int morgue_value_truthy(const morgue_value *v)
{
	if (!v)
		return 0;
	switch (v->type) {
	case MORGUE_VALUE_NULL: return 0;
	case MORGUE_VALUE_BOOL: return v->u.b;
	case MORGUE_VALUE_STRING: return v->u.s.len > 0;
	case MORGUE_VALUE_LIST: return v->u.c.count > 0;
	default: return 1;
	}
}

/* A cheap hash of a map key (FNV-1a), so a lookup compares integers and
 * calls strcmp only on a likely hit: template rendering looks every name
 * up through a stack of maps, and most lookups miss. */
static unsigned key_hash(const char *k)
{
	unsigned h = 2166136261u;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h;
}

/* Append item (with key, a map's, copied) to the container c. */
static void append(morgue_value *c, const char *key, unsigned hash, morgue_value *item)
{
	MORGUE_ARRAY_RESERVE(c->u.c.e, c->u.c.cap, c->u.c.count + 1);
	entry *e = &c->u.c.e[c->u.c.count++];
	e->item = item;
	e->hash = hash;
	e->is_long = 0;
	e->key.short_[0] = '\0';
	if (key) {
		size_t n = strlen(key);
		if (n <= KEY_INLINE)
			memcpy(e->key.short_, key, n + 1);
		else {
			e->is_long = 1;
			e->key.long_ = morgue_strdup(key);
		}
	}
}

void morgue_value_push(morgue_value *list, morgue_value *item)
{
	if (!list || list->type != MORGUE_VALUE_LIST) {
		morgue_value_free(item);
		return;
	}
	append(list, NULL, 0, item);
}

size_t morgue_value_count(const morgue_value *v)
{
	return v && (v->type == MORGUE_VALUE_LIST || v->type == MORGUE_VALUE_MAP)
		       ? v->u.c.count : 0;
}

morgue_value *morgue_value_at(const morgue_value *list, size_t i)
{
	return list && list->type == MORGUE_VALUE_LIST && i < list->u.c.count
		       ? list->u.c.e[i].item : NULL;
}

static long find_key(const morgue_value *map, const char *key, unsigned h)
{
	/* linear: template contexts and front matter maps are small */
	const entry *e = map->u.c.e;
	for (size_t i = 0; i < map->u.c.count; i++)
		if (e[i].hash == h && !strcmp(entry_key(&e[i]), key))
			return (long)i;
	return -1;
}

void morgue_value_set(morgue_value *map, const char *key, morgue_value *val)
{
	if (!map || map->type != MORGUE_VALUE_MAP) {
		morgue_value_free(val);
		return;
	}
	unsigned h = key_hash(key);
	long i = find_key(map, key, h);
	if (i >= 0) {
		morgue_value_free(map->u.c.e[i].item);
		map->u.c.e[i].item = val;
		return;
	}
	append(map, key, h, val);
}

void morgue_value_set_new(morgue_value *map, const char *key, unsigned hash, morgue_value *val)
{
	if (!map || map->type != MORGUE_VALUE_MAP) {
		morgue_value_free(val);
		return;
	}
	append(map, key, hash, val);
}

morgue_value *morgue_value_get_hashed(const morgue_value *map, const char *key, unsigned hash)
{
	if (!map || map->type != MORGUE_VALUE_MAP || !map->u.c.count)
		return NULL;
	long i = find_key(map, key, hash);
	return i >= 0 ? map->u.c.e[i].item : NULL;
}

morgue_value *morgue_value_get(const morgue_value *map, const char *key)
{
	if (!map || map->type != MORGUE_VALUE_MAP || !map->u.c.count)
		return NULL;
	return morgue_value_get_hashed(map, key, key_hash(key));
}

const char *morgue_value_get_str(const morgue_value *map, const char *key)
{
	return morgue_value_get_string(morgue_value_get(map, key));
}

unsigned morgue_value_key_hash(const char *key)
{
	return key_hash(key);
}

const char *morgue_value_key_at(const morgue_value *map, size_t i)
{
	return map && map->type == MORGUE_VALUE_MAP && i < map->u.c.count
		       ? entry_key(&map->u.c.e[i]) : NULL;
}

morgue_value *morgue_value_value_at(const morgue_value *map, size_t i)
{
	return map && map->type == MORGUE_VALUE_MAP && i < map->u.c.count
		       ? map->u.c.e[i].item : NULL;
}

void morgue_value_set_str(morgue_value *map, const char *key, const char *s)
{
	morgue_value_set(map, key, s ? morgue_value_string(s) : morgue_value_null());
}

void morgue_value_set_int(morgue_value *map, const char *key, long long n)
{
	morgue_value_set(map, key, morgue_value_number((double)n));
}

void morgue_value_set_bool(morgue_value *map, const char *key, int b)
{
	morgue_value_set(map, key, morgue_value_bool(b));
}

morgue_value *morgue_value_set_list(morgue_value *map, const char *key)
{
	morgue_value *l = morgue_value_list();
	morgue_value_set(map, key, l);
	return l;
}

morgue_value *morgue_value_set_map(morgue_value *map, const char *key)
{
	morgue_value *m = morgue_value_map();
	morgue_value_set(map, key, m);
	return m;
}

void morgue_value_reserve(morgue_value *c, size_t n)
{
	if (c && (c->type == MORGUE_VALUE_LIST || c->type == MORGUE_VALUE_MAP))
		MORGUE_ARRAY_RESERVE(c->u.c.e, c->u.c.cap, n);
}

morgue_value *morgue_value_push_map(morgue_value *list)
{
	morgue_value *m = morgue_value_map();
	morgue_value_push(list, m);
	return m;
}
