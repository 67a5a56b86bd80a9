#include "alloc.h"

#include <stdio.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "morgue: fatal: out of memory (%zu bytes)\n", n);
	abort();
}

void *morgue_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *morgue_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		oom(count * size);
	return p;
}

void *morgue_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *morgue_strndup(const char *s, size_t n)
{
	char *d = morgue_malloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *morgue_strdup(const char *s)
{
	return morgue_strndup(s, strlen(s));
}
