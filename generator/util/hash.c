#include "hash.h"

#include <stdio.h>
#include <string.h>

void morgue_hash_init(morgue_hash *h)
{
	h->a = 1469598103934665603ULL;
	h->b = 0x243f6a8885a308d3ULL;
}

/* Bytes as a little-endian number (the same digits on any host); the
 * compiler makes the eight-byte one a single load. */
static unsigned long long load8(const unsigned char *p)
{
	return (unsigned long long)p[0] | (unsigned long long)p[1] << 8 |
	       (unsigned long long)p[2] << 16 | (unsigned long long)p[3] << 24 |
	       (unsigned long long)p[4] << 32 | (unsigned long long)p[5] << 40 |
	       (unsigned long long)p[6] << 48 | (unsigned long long)p[7] << 56;
}

static unsigned long long load_tail(const unsigned char *p, size_t n)
{
	unsigned long long w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (unsigned long long)p[i] << (8 * i);
	return w;
}

static unsigned long long rotl(unsigned long long x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* A word into both lanes: each step is a bijection of the lane for a
 * given word, so two inputs that differ in one word differ after it. */
#define STEP(a, b, w)                                              \
	do {                                                       \
		(a) = rotl(((a) ^ (w)) * 0x9e3779b97f4a7c15ULL, 27); \
		(b) = rotl((b) + (w), 31) * 0xff51afd7ed558ccdULL;   \
	} while (0)

/* Eight bytes a step (a byte a step made the page signatures of a 10k
 * build a few per cent of its CPU); the last 0 to 7 bytes go in one more
 * word with their count in its top byte, so every call ends with a word
 * of its own and calls split differently hash differently. */
void morgue_hash_put(morgue_hash *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned long long a = h->a, b = h->b;
	for (; len >= 8; p += 8, len -= 8) {
		unsigned long long w = load8(p);
		STEP(a, b, w);
	}
	unsigned long long last = load_tail(p, len) | (unsigned long long)len << 56;
	STEP(a, b, last);
	h->a = a;
	h->b = b;
}

void morgue_hash_puts(morgue_hash *h, const char *s)
{
	static const unsigned char null_marker[2] = { 0xff, 0 };
	if (!s)
		morgue_hash_put(h, null_marker, sizeof(null_marker));
	else
		morgue_hash_put(h, s, strlen(s) + 1);
}

void morgue_hash_int(morgue_hash *h, long long v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((unsigned long long)v >> (8 * i));
	morgue_hash_put(h, b, sizeof(b));
}

void morgue_hash_hex(char out[MORGUE_HASH_HEX], const morgue_hash *h)
{
	/* a final avalanche so nearby inputs give unrelated digits */
	unsigned long long a = h->a ^ (h->b >> 29), b = h->b ^ (h->a << 17);
	a *= 0xbf58476d1ce4e5b9ULL;
	a ^= a >> 31;
	b *= 0x94d049bb133111ebULL;
	b ^= b >> 29;
	snprintf(out, MORGUE_HASH_HEX, "%016llx%016llx", a, b);
}

unsigned long long morgue_hash_fnv(const char *s)
{
	unsigned long long h = 14695981039346656037ULL; /* the offset basis */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}
