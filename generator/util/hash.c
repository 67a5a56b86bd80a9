#include "hash.h"

#include <stdio.h>
#include <string.h>

void morgue_hash_init(morgue_hash *h)
{
	h->a = 1469598103934665603ULL;
	h->b = 0x243f6a8885a308d3ULL;
}

void morgue_hash_put(morgue_hash *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned long long a = h->a, b = h->b;
	for (size_t i = 0; i < len; i++) {
		a = (a ^ p[i]) * 1099511628211ULL;
		b = (b + p[i] + 1) * 0x9e3779b97f4a7c15ULL;
		b = (b << 31) | (b >> 33);
	}
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
