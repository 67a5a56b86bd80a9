/*
 * value.h - a small dynamic value tree (null, bool, number, string, list,
 * map), the data model shared by the YAML front matter reader and the
 * Mustache template engine.
 *
 * Ownership: a container owns the values put into it; morgue_value_free()
 * frees a value and everything below it. Maps keep insertion order (so
 * output is deterministic) and a later set of the same key replaces the
 * earlier value. Values read from YAML remember their source line.
 */
#ifndef MORGUE_VALUE_H
#define MORGUE_VALUE_H

#include <stddef.h>

typedef enum morgue_value_type {
	MORGUE_VALUE_NULL,
	MORGUE_VALUE_BOOL,
	MORGUE_VALUE_NUMBER,
	MORGUE_VALUE_STRING,
	MORGUE_VALUE_LIST,
	MORGUE_VALUE_MAP,
} morgue_value_type;

typedef struct morgue_value morgue_value;

morgue_value *morgue_value_null(void);
morgue_value *morgue_value_bool(int b);
morgue_value *morgue_value_number(double d);
morgue_value *morgue_value_string(const char *s);            /* copies */
morgue_value *morgue_value_stringn(const char *s, size_t n); /* copies */
/* Takes ownership of a malloc'd NUL-terminated string. */
morgue_value *morgue_value_string_own(char *s);
morgue_value *morgue_value_list(void);
morgue_value *morgue_value_map(void);
void morgue_value_free(morgue_value *v);

morgue_value_type morgue_value_type_of(const morgue_value *v);
int morgue_value_line(const morgue_value *v); /* 0 when unknown */
void morgue_value_set_line(morgue_value *v, int line);

/* Accessors: a wrong type gives the zero value (0, NULL, ""). */
int morgue_value_get_bool(const morgue_value *v);
double morgue_value_get_number(const morgue_value *v);
const char *morgue_value_get_string(const morgue_value *v); /* NULL if not a string */
size_t morgue_value_get_string_len(const morgue_value *v);

/* Mustache truthiness: null, false, the empty list and (for convenient
 * "{{#url}}...{{/url}}" in themes) the empty string are falsey; everything
 * else, including 0 and empty maps, is truthy. */
int morgue_value_truthy(const morgue_value *v);

/* Lists. push takes ownership of item. */
void morgue_value_push(morgue_value *list, morgue_value *item);
size_t morgue_value_count(const morgue_value *v); /* list length or map size */
morgue_value *morgue_value_at(const morgue_value *list, size_t i);

/* Maps. set takes ownership of val (replacing and freeing an old value). */
void morgue_value_set(morgue_value *map, const char *key, morgue_value *val);
morgue_value *morgue_value_get(const morgue_value *map, const char *key);
/* The string under key, or NULL (no such key, or not a string). */
const char *morgue_value_get_str(const morgue_value *map, const char *key);
/* get, for a key looked up many times (a compiled template's names):
 * hash is morgue_value_key_hash(key), computed once by the caller. */
unsigned morgue_value_key_hash(const char *key);
morgue_value *morgue_value_get_hashed(const morgue_value *map, const char *key, unsigned hash);
/* set, for a key the map does not hold (the caller knows: a query row's
 * distinct column names), with its morgue_value_key_hash: no search for
 * an old value. A key the map holds already would be there twice, and
 * get would find the first. Takes ownership of val. */
void morgue_value_set_new(morgue_value *map, const char *key, unsigned hash, morgue_value *val);
/* i-th key/value of a map in insertion order. */
const char *morgue_value_key_at(const morgue_value *map, size_t i);
morgue_value *morgue_value_value_at(const morgue_value *map, size_t i);

/* Conveniences for building template contexts. A NULL string sets null. */
void morgue_value_set_str(morgue_value *map, const char *key, const char *s);
void morgue_value_set_int(morgue_value *map, const char *key, long long n);
void morgue_value_set_bool(morgue_value *map, const char *key, int b);
/* Creates, sets and returns a new list/map under key. */
morgue_value *morgue_value_set_list(morgue_value *map, const char *key);
morgue_value *morgue_value_set_map(morgue_value *map, const char *key);
/* Appends and returns a new map to a list. */
morgue_value *morgue_value_push_map(morgue_value *list);
/* Room for n items in a list or map (a hint: nothing changes but the
 * allocation), so one built to a known size is not grown on the way. */
void morgue_value_reserve(morgue_value *c, size_t n);

#endif
