#include "buf.h"
#include "alloc.h"

#include <stdio.h>
#include <string.h>

void morgue_buf_grow(morgue_buf *b, size_t extra)
{
	size_t need = b->size + extra + 1;
	if (need <= b->asize)
		return;
	size_t n = b->asize ? b->asize : 64;
	while (n < need)
		n += n / 2 + 64;
	b->ptr = morgue_realloc(b->ptr, n);
	b->asize = n;
}

void morgue_buf_put(morgue_buf *b, const char *data, size_t len)
{
	if (b->size + len + 1 > b->asize)
		morgue_buf_grow(b, len);
	if (len)
		memmove(b->ptr + b->size, data, len);
	b->size += len;
	b->ptr[b->size] = '\0';
}

void morgue_buf_puts(morgue_buf *b, const char *s)
{
	morgue_buf_put(b, s, strlen(s));
}

void morgue_buf_putc(morgue_buf *b, int c)
{
	if (b->size + 2 > b->asize)
		morgue_buf_grow(b, 1);
	b->ptr[b->size++] = (char)c;
	b->ptr[b->size] = '\0';
}

void morgue_buf_vprintf(morgue_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	size_t room = b->ptr ? b->asize - b->size : 0;
	va_copy(cp, ap);
	/* format straight into the free space; only text that does not fit
	 * is formatted twice (measured, then written) */
	int n = vsnprintf(room ? b->ptr + b->size : NULL, room, fmt, cp);
	va_end(cp);
	if (n <= 0) {
		if (room)
			b->ptr[b->size] = '\0';
		return;
	}
	if ((size_t)n < room) {
		b->size += (size_t)n;
		return;
	}
	morgue_buf_grow(b, (size_t)n);
	vsnprintf(b->ptr + b->size, (size_t)n + 1, fmt, ap);
	b->size += (size_t)n;
}

void morgue_buf_put_int(morgue_buf *b, long long n)
{
	char d[24];
	size_t i = sizeof(d);
	/* unsigned: LLONG_MIN has no positive counterpart */
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		d[--i] = '-';
	morgue_buf_put(b, d + i, sizeof(d) - i);
}

void morgue_buf_printf(morgue_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	morgue_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void morgue_buf_truncate(morgue_buf *b, size_t len)
{
	if (len < b->size) {
		b->size = len;
		b->ptr[len] = '\0';
	}
}

void morgue_buf_clear(morgue_buf *b)
{
	morgue_buf_truncate(b, 0);
}

void morgue_buf_free(morgue_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->size = b->asize = 0;
}

char *morgue_buf_detach(morgue_buf *b)
{
	char *s = b->ptr ? b->ptr : morgue_strdup("");
	b->ptr = NULL;
	b->size = b->asize = 0;
	return s;
}

const char *morgue_buf_cstr(const morgue_buf *b)
{
	return b->ptr ? b->ptr : "";
}
