/*
 * alloc.h - allocation that never returns NULL.
 *
 * Like cmark, morgue treats running out of memory as fatal: these wrappers
 * print one line to stderr and abort(). This keeps every caller free of
 * NULL checks that could never be tested honestly.
 */
#ifndef MORGUE_ALLOC_H
#define MORGUE_ALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *morgue_malloc(size_t n);
void *morgue_calloc(size_t count, size_t size);
void *morgue_realloc(void *p, size_t n);
char *morgue_strdup(const char *s);
char *morgue_strndup(const char *s, size_t n);

/* Grow a typed array: ensure room for at least `need` elements. */
#define MORGUE_ARRAY_RESERVE(arr, cap, need)                                  \
	do {                                                                  \
		if ((need) > (cap)) {                                         \
			size_t ncap_ = (cap) ? (cap) * 2 : 8;                 \
			while (ncap_ < (need))                                \
				ncap_ *= 2;                                   \
			(arr) = morgue_realloc((arr), ncap_ * sizeof(*(arr))); \
			(cap) = ncap_;                                        \
		}                                                             \
	} while (0)

#endif
