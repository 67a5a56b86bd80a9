/* Unit tests for generator/value.c: the template/catalog value tree. */
#include "test.h"
#include "value.h"

#include <string.h>

/* Keys short and long (a key of more than the inline size is copied
 * apart), replaced and looked up, in insertion order. */
static void map_keys(void)
{
	static const char longkey[] = "a_key_much_longer_than_twenty_three_bytes";
	morgue_value *m = morgue_value_map();
	morgue_value_set_str(m, "title", "One");
	morgue_value_set_int(m, longkey, 7);
	morgue_value_set_str(m, "exactly_23_bytes_long__", "edge");
	morgue_value_set_str(m, "exactly_24_bytes_long___", "past");
	morgue_value_set_str(m, "", "empty key");
	CHECK_INT(morgue_value_count(m), 5);
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "title")), "One");
	CHECK(morgue_value_get_number(morgue_value_get(m, longkey)) == 7);
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "exactly_23_bytes_long__")), "edge");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "exactly_24_bytes_long___")), "past");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "")), "empty key");
	CHECK(morgue_value_get(m, "missing") == NULL);
	CHECK_STR(morgue_value_get_str(m, "title"), "One");
	CHECK(morgue_value_get_str(m, longkey) == NULL); /* a number, not a string */
	CHECK(morgue_value_get_str(m, "missing") == NULL);
	CHECK(morgue_value_get_str(NULL, "title") == NULL);
	CHECK(morgue_value_get(m, "titl") == NULL);
	/* replacing keeps the place and the count */
	morgue_value_set_str(m, longkey, "now a string");
	morgue_value_set_str(m, "title", "Two");
	CHECK_INT(morgue_value_count(m), 5);
	CHECK_STR(morgue_value_key_at(m, 0), "title");
	CHECK_STR(morgue_value_key_at(m, 1), longkey);
	CHECK_STR(morgue_value_key_at(m, 3), "exactly_24_bytes_long___");
	CHECK_STR(morgue_value_get_string(morgue_value_value_at(m, 1)), "now a string");
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "title")), "Two");
	CHECK(morgue_value_key_at(m, 5) == NULL);
	CHECK(morgue_value_key_at(NULL, 0) == NULL);
	/* get_hashed with the key's own hash is get; with another key's
	 * hash it finds nothing (the hash is compared first) */
	CHECK_STR(morgue_value_get_string(morgue_value_get_hashed(m, "title",
				morgue_value_key_hash("title"))), "Two");
	CHECK(morgue_value_get_hashed(m, longkey, morgue_value_key_hash(longkey)) ==
	      morgue_value_get(m, longkey));
	CHECK(morgue_value_get_hashed(m, "title", morgue_value_key_hash("titl")) == NULL);
	CHECK(morgue_value_get_hashed(NULL, "title", morgue_value_key_hash("title")) == NULL);
	morgue_value_free(m);
}

/* set_new appends without looking: found by get as set's are, long keys
 * too; into a non-map it frees the value (ASan: no leak). */
static void set_new_keys(void)
{
	static const char longkey[] = "a_key_much_longer_than_twenty_three_bytes";
	morgue_value *m = morgue_value_map();
	morgue_value_set_new(m, "id", morgue_value_key_hash("id"), morgue_value_number(3));
	morgue_value_set_new(m, longkey, morgue_value_key_hash(longkey), morgue_value_string("l"));
	morgue_value_set_str(m, "title", "T");
	CHECK_INT(morgue_value_count(m), 3);
	CHECK(morgue_value_get_number(morgue_value_get(m, "id")) == 3);
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, longkey)), "l");
	CHECK_STR(morgue_value_key_at(m, 1), longkey);
	/* set finds a set_new key and replaces it in place */
	morgue_value_set_str(m, "id", "three");
	CHECK_INT(morgue_value_count(m), 3);
	CHECK_STR(morgue_value_get_string(morgue_value_get(m, "id")), "three");
	morgue_value *l = morgue_value_list();
	morgue_value_set_new(l, "x", morgue_value_key_hash("x"), morgue_value_string("dropped"));
	CHECK_INT(morgue_value_count(l), 0);
	morgue_value_free(l);
	morgue_value_free(m);
}

/* Many keys (the array grows several times) and many items. */
static void growth(void)
{
	morgue_value *m = morgue_value_map();
	morgue_value *l = morgue_value_list();
	char key[64];
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof(key), i % 2 ? "k%d" : "a_long_key_that_does_not_fit_inline_%d", i);
		morgue_value_set_int(m, key, i);
		morgue_value *row = morgue_value_push_map(l);
		morgue_value_set_int(row, "n", i);
	}
	CHECK_INT(morgue_value_count(m), 300);
	CHECK_INT(morgue_value_count(l), 300);
	for (int i = 0; i < 300; i += 37) {
		snprintf(key, sizeof(key), i % 2 ? "k%d" : "a_long_key_that_does_not_fit_inline_%d", i);
		CHECK(morgue_value_get_number(morgue_value_get(m, key)) == i);
		CHECK_STR(morgue_value_key_at(m, (size_t)i), key);
		CHECK(morgue_value_get_number(morgue_value_get(morgue_value_at(l, (size_t)i), "n")) == i);
	}
	CHECK(morgue_value_at(l, 300) == NULL);
	CHECK(morgue_value_at(m, 0) == NULL); /* a map is not a list */
	CHECK(morgue_value_get(l, "n") == NULL); /* nor a list a map */
	/* reserve changes nothing but room: before, after, less than held */
	morgue_value *r = morgue_value_map();
	morgue_value_reserve(r, 20);
	CHECK_INT(morgue_value_count(r), 0);
	for (int i = 0; i < 30; i++) {
		snprintf(key, sizeof(key), "r%d", i);
		morgue_value_set_int(r, key, i);
	}
	morgue_value_reserve(r, 5);
	morgue_value_reserve(l, 1000);
	morgue_value_reserve(morgue_value_at(l, 0), 1); /* a map */
	morgue_value_reserve(NULL, 3);
	CHECK_INT(morgue_value_count(r), 30);
	CHECK(morgue_value_get_number(morgue_value_get(r, "r29")) == 29);
	CHECK_INT(morgue_value_count(l), 300);
	CHECK(morgue_value_get_number(morgue_value_get(morgue_value_at(l, 299), "n")) == 299);
	morgue_value_free(r);
	morgue_value_free(m);
	morgue_value_free(l);
}

/* Strings copied or owned; truthiness as Mustache has it; wrong
 * containers take ownership and free. */
static void scalars(void)
{
	char *own = strdup("owned");
	morgue_value *s = morgue_value_string_own(own);
	CHECK_STR(morgue_value_get_string(s), "owned");
	CHECK_INT(morgue_value_get_string_len(s), 5);
	morgue_value_free(s);
	s = morgue_value_stringn("ab\0cd", 5);
	CHECK_INT(morgue_value_get_string_len(s), 5);
	CHECK(morgue_value_truthy(s));
	morgue_value_free(s);
	s = morgue_value_string("");
	CHECK(!morgue_value_truthy(s));
	morgue_value_free(s);
	morgue_value *l = morgue_value_list();
	CHECK(!morgue_value_truthy(l));
	morgue_value_push(l, morgue_value_null());
	CHECK(morgue_value_truthy(l));
	morgue_value *m = morgue_value_map();
	CHECK(morgue_value_truthy(m)); /* a map is truthy even when empty */
	morgue_value_set(l, "x", morgue_value_number(1)); /* not a map: freed */
	morgue_value_push(m, morgue_value_number(1));    /* not a list: freed */
	CHECK_INT(morgue_value_count(l), 1);
	CHECK_INT(morgue_value_count(m), 0);
	CHECK(!morgue_value_truthy(morgue_value_get(m, "x")));
	morgue_value_free(l);
	morgue_value_free(m);
	morgue_value_free(NULL);
}

int main(void)
{
	RUN(map_keys);
	RUN(set_new_keys);
	RUN(growth);
	RUN(scalars);
	TEST_EXIT();
}
