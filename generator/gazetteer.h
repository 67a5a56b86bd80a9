/*
 * gazetteer.h - the entity registry as a matching automaton.
 *
 * Every name and alias of every entity is folded (morgue_fold: case,
 * diacritics, typographic quotes and dashes, abbreviation dots, runs of
 * white space) and put into one Aho-Corasick automaton, built once per
 * build. Scanning a text costs time linear in the text and the number of
 * raw hits, independent of the size of the registry.
 *
 * The gazetteer only finds raw hits (folded text equal to a folded alias);
 * which hits become mentions (word boundaries, case, news-style surnames,
 * ambiguity, longest match) is decided by annotate.h. The gazetteer owns
 * copies of every string it needs; the entities may be freed after _new.
 */
#ifndef MORGUE_GAZETTEER_H
#define MORGUE_GAZETTEER_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "util/buf.h"

typedef struct morgue_gazetteer morgue_gazetteer;

/* One way of writing one entity's name. */
typedef struct morgue_gazetteer_alias {
	size_t entity;     /* index into the entities given to _new */
	const char *text;  /* the alias as registered (for the case check) */
	int full;          /* the name, or an alias of more than one word */
	int bare;          /* a person's single-word alias other than the name */
} morgue_gazetteer_alias;

/* A raw hit: original bytes [start, end) fold to the key `key`. */
typedef struct morgue_gazetteer_hit {
	size_t start, end;
	size_t key;
} morgue_gazetteer_hit;

/* Build the automaton. Entities without a name are skipped. 0 (no errors
 * besides out of memory, which aborts). */
int morgue_gazetteer_new(morgue_gazetteer **out, const morgue_entity *const *entities,
			 size_t n);
void morgue_gazetteer_free(morgue_gazetteer *g);

size_t morgue_gazetteer_entity_count(const morgue_gazetteer *g);
const char *morgue_gazetteer_slug(const morgue_gazetteer *g, size_t entity);
/* The entity's type (a morgue_entity_type) and name ("" if it had none);
 * -1 / NULL for an index out of range. */
int morgue_gazetteer_type(const morgue_gazetteer *g, size_t entity);
const char *morgue_gazetteer_name(const morgue_gazetteer *g, size_t entity);
/* Index of the entity with this slug, or -1. */
long morgue_gazetteer_find(const morgue_gazetteer *g, const char *slug);

/* The aliases that share key `key`; *n receives their number. */
const morgue_gazetteer_alias *morgue_gazetteer_aliases(const morgue_gazetteer *g, size_t key,
							size_t *n);
/* True when more than one entity claims key `key`. */
int morgue_gazetteer_key_ambiguous(const morgue_gazetteer *g, size_t key);

/* Append to *hits (growing it; *cap its capacity) every raw hit in
 * text[0, len), in order of their end. Returns the new count. */
size_t morgue_gazetteer_scan(const morgue_gazetteer *g, const char *text, size_t len,
			     morgue_gazetteer_hit **hits, size_t *n, size_t *cap);

/* Ambiguous aliases, for `morgue check`: calls fn once per folded alias
 * claimed by two or more entities, with one registered spelling and the
 * slugs of the claimants. Returns how many there are. */
size_t morgue_gazetteer_ambiguous(const morgue_gazetteer *g,
				  void (*fn)(const char *alias, const char *const *slugs,
					     size_t nslugs, void *payload),
				  void *payload);

/* A letter, mark or digit (Unicode categories L*, M*, N*): what names
 * and words are made of, for word boundaries everywhere. */
int morgue_is_word_char(int32_t cp);

/* Fold text for matching. Appends the folded bytes to out; when map_start
 * and map_end are not NULL they receive malloc'd arrays (one entry per
 * folded byte) holding the original byte range of the code point that
 * produced the folded byte. Case-folded, diacritics stripped (NFKD),
 * ’ ‘ → ', “ ” → ", dashes → -, white space runs → one space, '.' after a
 * one-letter word dropped ("U.S." → "us"), invalid UTF-8 kept byte-wise. */
void morgue_fold(morgue_buf *out, size_t **map_start, size_t **map_end, const char *s,
		 size_t len);

#endif
