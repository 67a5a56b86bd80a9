/*
 * hash.h - a 128-bit content hash for cache keys and page signatures.
 *
 * Two independent 64-bit lanes (multiply-rotate mixes) over the same
 * bytes, eight at a time; one call's bytes end with a word of their own,
 * so a hash depends on how the input was split into calls. Not cryptographic: it tells an archive's own inputs apart,
 * it does not resist an adversary (the inputs are the user's repository).
 * morgue_hash_puts hashes the string and its terminating NUL, so a list
 * of fields cannot collide with the same bytes split differently.
 */
#ifndef MORGUE_HASH_H
#define MORGUE_HASH_H

#include <stddef.h>

typedef struct morgue_hash {
	unsigned long long a, b;
} morgue_hash;

#define MORGUE_HASH_HEX 33 /* 32 hex digits and a NUL */

void morgue_hash_init(morgue_hash *h);
void morgue_hash_put(morgue_hash *h, const void *data, size_t len);
/* s and its NUL; NULL hashes as a distinct marker. */
void morgue_hash_puts(morgue_hash *h, const char *s);
void morgue_hash_int(morgue_hash *h, long long v);
void morgue_hash_hex(char out[MORGUE_HASH_HEX], const morgue_hash *h);

/* FNV-1a (64 bits) of the string s: a hash table's slot (& (cap - 1)),
 * cheap; not the content hash above. */
unsigned long long morgue_hash_fnv(const char *s);

#endif
